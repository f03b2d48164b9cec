//! The manager's escalation queue: the summary line, then one row per open case, most urgent
//! first, each saying why it is there, since when, the incidents behind it and who has it.

use super::theme::Theme;
use crate::app::App;
use crate::domain::CaseReason;
use crate::text::clean;
use crate::time;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn queue(frame: &mut Frame, area: Rect, app: &App) {
    let Some(view) = app.overlays.queue() else {
        return;
    };
    let t = &Theme::of(app);
    let me = app.my_id();
    let cases = view.visible(me);
    let title = format!(
        " Escalation queue ({}) - Enter open, f filter, a assign to me, Esc back ",
        view.filter.label()
    );
    let inner = super::overlay(frame, area, app, title);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(1)])
        .split(inner);
    let s = &view.queue.summary;
    let summary = if view.loaded {
        Line::from(vec![
            Span::styled(plural(s.open_cases, "open case", "open cases"), t.heading()),
            Span::raw("  |  "),
            Span::styled(
                plural(s.overdue_reviews, "overdue review", "overdue reviews"),
                if s.overdue_reviews > 0 {
                    t.warning()
                } else {
                    t.normal()
                },
            ),
            Span::raw("  |  "),
            Span::styled(
                plural(s.letters_owed, "letter owed", "letters owed"),
                if s.letters_owed > 0 {
                    t.warning()
                } else {
                    t.normal()
                },
            ),
        ])
    } else {
        Line::from(Span::styled("Loading the queue...", t.dim()))
    };
    frame.render_widget(Paragraph::new(summary), rows[0]);
    if cases.is_empty() {
        let text = if !view.loaded {
            ""
        } else if view.queue.cases.is_empty() {
            "No open cases. Cases open by themselves when incidents reach the threshold, breach a restriction or pose an immediate threat, when a review falls due, or when a customer asks for a review."
        } else {
            "No case of this kind is open. Press f to show another kind, or all cases."
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), rows[1]);
        return;
    }
    let width = rows[1].width.saturating_sub(6) as usize;
    // Only the rows that can show are built (a queue can hold thousands of cases).
    let fits = (rows[1].height as usize / 2).max(1);
    let selected = view.selected.min(cases.len() - 1);
    let first = selected.saturating_sub(fits - 1);
    let items: Vec<ListItem> = cases[first..(first + fits).min(cases.len())]
        .iter()
        .map(|c| {
            let style = if c.waiting_for_confirmation {
                t.warning()
            } else {
                match c.reason {
                    CaseReason::ImmediateThreat => t.restricted(),
                    CaseReason::Breach | CaseReason::Threshold => t.warning(),
                    _ => t.normal(),
                }
            };
            let n = c.incidents.len() as u64;
            let mut detail = format!(
                "since {} - {} - {}",
                time::date_time(c.opened_at),
                plural(n, "incident", "incidents"),
                c.assigned_to
                    .as_deref()
                    .map(|a| {
                        if c.assigned_to_id.is_some() && c.assigned_to_id == me {
                            "assigned to me".to_string()
                        } else {
                            format!("assigned to {}", clean(a))
                        }
                    })
                    .unwrap_or_else(|| "not assigned".into())
            );
            if c.reason == CaseReason::CustomerRequest {
                if let Some(last) = c.note.lines().last() {
                    detail.push_str(&format!(" - {}", clean(last)));
                }
            }
            let detail: String = detail.chars().take(width.max(10)).collect();
            ListItem::new(vec![
                Line::from(vec![
                    Span::styled(c.why().to_uppercase(), style),
                    Span::raw("  "),
                    Span::styled(clean(&c.customer_name), t.heading()),
                ]),
                Line::from(Span::styled(format!("    {detail}"), t.dim())),
            ])
        })
        .collect();
    let list = List::new(items)
        .highlight_style(t.selected())
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected(Some(selected - first));
    frame.render_stateful_widget(list, rows[1], &mut state);
}
