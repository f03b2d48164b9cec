//! The audit trail: a customer's history of changes (and who looked at their card), or the
//! office's trail, newest first, each entry in words: when, who, what, and what changed.

use super::theme::Theme;
use crate::app::audit::{describe, view_words};
use crate::app::App;
use crate::text::clean;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn audit(frame: &mut Frame, area: Rect, app: &App) {
    let Some(view) = app.overlays.audit() else {
        return;
    };
    let t = &Theme::of(app);
    use crate::app::keymap::{Action, Context};
    let back = super::title_keys(app, Context::Audit, &[(Action::Back, "back")]);
    let title = match &view.customer {
        Some((_, name)) => format!(" History of changes: {} - {back} ", clean(name)),
        None => format!(
            " The office's audit trail - {} ",
            super::title_keys(
                app,
                Context::Audit,
                &[
                    (Action::AuditStaff, "staff"),
                    (Action::AuditDates, "dates"),
                    (Action::AuditCustomer, "customer"),
                    (Action::AuditClear, "clear"),
                    (Action::Back, "back"),
                ]
            )
        ),
    };
    let inner = super::overlay(frame, area, app, title);
    let width = inner.width.saturating_sub(1) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let filters = view.filters();
    if !filters.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Showing only entries ", t.heading()),
            Span::styled(filters, t.heading()),
        ]));
    }
    if let Some(e) = &view.error {
        lines.push(Line::styled(clean(e), t.error()));
    }
    if view.customer.is_some() && view.loaded {
        if view.views.is_empty() {
            lines.push(Line::styled(
                "No one is recorded as looking at this card while the customer was restricted.",
                t.dim(),
            ));
        } else {
            for v in view.views.iter().take(3) {
                lines.push(Line::styled(view_words(v), t.normal()));
            }
            if view.views.len() > 3 {
                lines.push(Line::styled(
                    format!("... and {} more times before that.", view.views.len() - 3),
                    t.dim(),
                ));
            }
        }
    }
    if !view.loaded && view.entries.is_empty() {
        lines.push(Line::styled("Reading the audit trail...", t.dim()));
    } else if view.entries.is_empty() && view.error.is_none() {
        lines.push(Line::styled("No changes recorded match.", t.dim()));
    }
    // The highlighted entry is kept in sight: entries above it are left out when needed.
    let room = inner.height as usize;
    let mut body: Vec<(usize, Vec<Line>)> = Vec::new();
    for (i, e) in view.entries.iter().enumerate() {
        let d = describe(e);
        let mark = if i == view.cursor { "> " } else { "  " };
        let style = if i == view.cursor {
            t.selected()
        } else {
            t.normal()
        };
        let mut entry = vec![Line::from(vec![
            Span::styled(mark, style),
            Span::styled(format!("{}  ", d.when), style),
            // The whole row is the selection's bar when selected.
            Span::styled(
                format!("{}: ", d.who),
                if i == view.cursor { style } else { t.heading() },
            ),
            Span::styled(d.what, style),
        ])];
        for c in d.changes {
            for (n, part) in super::wrap_words(&c, width.saturating_sub(6).max(20))
                .into_iter()
                .enumerate()
            {
                let indent = if n == 0 { "    " } else { "      " };
                entry.push(Line::styled(format!("{indent}{part}"), t.dim()));
            }
        }
        body.push((i, entry));
    }
    let head = lines.len();
    let mut first = 0;
    loop {
        let used: usize = body[first.min(body.len())..]
            .iter()
            .take_while(|(i, _)| *i <= view.cursor)
            .map(|(_, l)| l.len())
            .sum();
        if head + used <= room || first >= view.cursor {
            break;
        }
        first += 1;
    }
    for (_, entry) in body.into_iter().skip(first) {
        lines.extend(entry);
    }
    if view.more {
        lines.push(Line::styled(
            "More, older: Down or PgDn at the end reads them.",
            t.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
