//! The manager's escalation queue: one row per open case, most urgent first.

use super::clean;
use crate::app::App;
use crate::store::CaseReason;
use crate::time;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
use ratatui::Frame;

pub fn queue(frame: &mut Frame, area: Rect, app: &App) {
    let Some(cases) = &app.queue else { return };
    let t = &app.theme;
    let urgent = cases
        .iter()
        .filter(|c| c.reason == CaseReason::ImmediateThreat)
        .count();
    let title = format!(
        " Escalation queue: {} open {}, {urgent} immediate {} - Enter open, Esc back ",
        cases.len(),
        if cases.len() == 1 { "case" } else { "cases" },
        if urgent == 1 { "threat" } else { "threats" }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(title, t.title()));
    frame.render_widget(Clear, area);
    if cases.is_empty() {
        frame.render_widget(
            Paragraph::new("No open cases. Cases open by themselves when an incident reaches the threshold, breaches a restriction or is an immediate threat.")
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let items: Vec<ListItem> = cases
        .iter()
        .map(|c| {
            let style = match c.reason {
                CaseReason::ImmediateThreat => t.restricted(),
                CaseReason::Breach | CaseReason::Threshold => t.warning(),
                _ => t.normal(),
            };
            ListItem::new(vec![
                Line::from(vec![
                    Span::styled(c.reason.label().to_uppercase(), style),
                    Span::raw("  "),
                    Span::styled(clean(&c.customer_name), t.heading()),
                ]),
                Line::from(Span::styled(
                    format!(
                        "    since {} - {} {} - {}",
                        time::date_time(c.opened_at),
                        c.incidents.len(),
                        if c.incidents.len() == 1 {
                            "incident"
                        } else {
                            "incidents"
                        },
                        c.assigned_to
                            .as_deref()
                            .map(|a| format!("assigned to {}", clean(a)))
                            .unwrap_or_else(|| "not assigned".into())
                    ),
                    t.dim(),
                )),
            ])
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(t.selected())
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected(Some(app.queue_selected));
    frame.render_stateful_widget(list, area, &mut state);
}
