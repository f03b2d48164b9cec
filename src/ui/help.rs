//! The help popup, filled from the key table so it always tells the truth.

use super::theme::Theme;
use crate::app::keymap::BINDINGS;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn help(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
    let mut lines = vec![Line::from(Span::styled(
        "Every key safedesk knows (Esc or ? to close)",
        t.heading(),
    ))];
    let width = BINDINGS.iter().map(|b| b.label.len()).max().unwrap_or(8);
    for b in BINDINGS {
        // The search box's own arrow-key entries repeat the general ones.
        if b.contexts == [crate::app::keymap::Context::Search] {
            continue;
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{:>width$}  ", b.label), t.key()),
            Span::raw(b.desc),
        ]));
    }
    lines.push(Line::from(Span::styled(
        "In the search box letters type: arrows move, Esc leaves it.",
        t.dim(),
    )));
    // Long descriptions wrap: count the rows they take at this width.
    let inner = area.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let fits = rows + 2 <= area.height as usize;
    let max = (rows + 2).saturating_sub(area.height as usize) as u16;
    let title = if fits {
        " Help ".to_string()
    } else {
        " Help - Up/Down to scroll ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(title, t.title()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.overlays.help().copied().unwrap_or(0).min(max), 0))
            .block(block),
        area,
    );
}
