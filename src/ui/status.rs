//! The title line, the hint bar and the status line.

use super::{clean, keymap};
use crate::app::{App, Health, Notice};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn title(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let who = match (&app.actor.staff, app.actor.role()) {
        (Some(s), Some(role)) => format!("{} ({role})", clean(&s.display_name)),
        _ => format!("{} (look-up only)", clean(&app.actor.login)),
    };
    let mut left = vec![Span::styled(" safedesk ", t.title())];
    if app.demo {
        left.push(Span::styled(" DEMO DATA ", t.warning()));
    }
    if app.read_only {
        left.push(Span::styled(" READ-ONLY ", t.warning()));
    }
    let right = format!("Signed in: {who} ");
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Min(10),
            Constraint::Length(right.chars().count() as u16),
        ])
        .split(area);
    frame.render_widget(Paragraph::new(Line::from(left)), cols[0]);
    frame.render_widget(Paragraph::new(right).style(t.dim()), cols[1]);
}

/// The hint bar and the status line.
pub fn bottom(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Length(1)])
        .split(area);
    let mut hints = Vec::new();
    for (k, d) in keymap::hints(app.context()) {
        hints.push(Span::styled(format!(" {k}"), t.key()));
        hints.push(Span::raw(format!(" {d} ")));
    }
    if app.context() == keymap::Context::Search {
        hints.push(Span::styled(" Esc", t.key()));
        hints.push(Span::raw(" then ? for all keys"));
    }
    frame.render_widget(Paragraph::new(Line::from(hints)), rows[0]);
    let line = match (&app.notice, &app.health) {
        (Some(Notice::Error(e)), _) => Line::from(Span::styled(clean(e), t.error())),
        (_, Health::Trouble(e)) => Line::from(Span::styled(
            format!(
                "Cannot reach the shared database: {}. Showing what was last read.",
                clean(e)
            ),
            t.error(),
        )),
        (Some(Notice::Info(m)), _) => Line::from(Span::styled(clean(m), t.warning())),
        (None, Health::Ok { checked }) => Line::from(Span::styled(
            format!(
                " Shared database: {} - up to date at {}",
                clean(&app.location),
                checked
                    .with_timezone(&chrono_tz::Europe::London)
                    .format("%H:%M:%S")
            ),
            t.dim(),
        )),
    };
    frame.render_widget(Paragraph::new(line), rows[1]);
}

/// Shown instead of the panes when the terminal is too small to lay them out.
pub fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let text = format!(
        "The window is too small for safedesk ({}x{}). Make it at least {}x{} characters. Press q or Ctrl-C to quit.",
        area.width,
        area.height,
        super::MIN_WIDTH,
        super::MIN_HEIGHT
    );
    frame.render_widget(
        Paragraph::new(text)
            .style(app.theme.warning())
            .wrap(Wrap { trim: true }),
        area,
    );
}
