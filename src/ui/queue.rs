//! The manager's escalation queue: the summary line, then one row per open case, most urgent
//! first, each saying why it is there, since when, the incidents behind it and who has it.

use super::theme::Theme;
use crate::app::manager;
use crate::app::mouse::ListSpot;
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

/// Returns where its rows are, for the mouse.
pub fn queue(frame: &mut Frame, area: Rect, app: &App) -> Option<ListSpot> {
    let view = app.overlays.queue()?;
    let t = &Theme::of(app);
    let me = app.my_id();
    let cases = view.visible(me);
    use crate::app::keymap::{Action, Context};
    let title = format!(
        " Escalation queue ({}) - {} ",
        view.filter.label(),
        super::title_keys(
            app,
            Context::Queue,
            &[
                (Action::Open, "open"),
                (Action::Filter, "one kind"),
                (Action::FindInQueue, "find"),
                (Action::AssignToMe, "assign to me"),
                (Action::Back, "back"),
            ]
        )
    );
    let inner = super::overlay(frame, area, app, title);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(
                1 + u16::from(app.retention_due > 0 && view.loaded)
                    + u16::from(view.queue.summary.riddor_owed > 0 && view.loaded),
            ),
            Constraint::Length(u16::from(view.find.is_some())),
            Constraint::Min(1),
        ])
        .split(inner);
    if let Some(find) = &view.find {
        let label = "Find a customer: ";
        let room = (rows[1].width as usize).saturating_sub(label.len() + 1);
        let (shown, at) = super::field_window(find, room);
        let hint = if view.finding {
            ""
        } else {
            "   (/ to change, Esc in it to clear)"
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, t.heading()),
                Span::styled(shown, t.selected()),
                Span::styled(hint, t.dim()),
            ])),
            rows[1],
        );
        if view.finding && matches!(app.overlays.top(), Some(crate::app::Overlay::Queue(_))) {
            frame.set_cursor_position(ratatui::layout::Position::new(
                rows[1].x + (label.len() + at) as u16,
                rows[1].y,
            ));
        }
    }
    let rows = [rows[0], rows[2]];
    let today = time::london_date(app.now);
    let s = &view.queue.summary;
    // Once read, the list counts every letter owed (reviews' too); until then the queue's count.
    let owed = if view.letters_loaded {
        view.letters.len() as u64
    } else {
        s.letters_owed
    };
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
                plural(owed, "letter owed", "letters owed"),
                if owed > 0 { t.warning() } else { t.normal() },
            ),
            Span::styled(
                if view.filter == manager::QueueFilter::LettersOwed {
                    " (press 0 for the cases)"
                } else {
                    " (o lists them)"
                },
                t.dim(),
            ),
        ])
    } else {
        Line::from(Span::styled("Loading the queue...", t.dim()))
    };
    // An admin is told when records are past their keeping period.
    let mut lines = vec![summary];
    // A RIDDOR report owed (reportable, no reference yet) is the manager's to make.
    if s.riddor_owed > 0 && view.loaded {
        lines.push(Line::from(Span::styled(
            format!(
                "{} ({})",
                crate::domain::RIDDOR_OWED,
                plural(s.riddor_owed, "incident", "incidents")
            ),
            t.warning(),
        )));
    }
    if app.retention_due > 0 && view.loaded {
        lines.push(Line::from(Span::styled(
            crate::app::retention_due_sentence(app.retention_due),
            t.warning(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), rows[0]);
    if view.filter == manager::QueueFilter::LettersOwed {
        return letters_owed(frame, rows[1], app, view);
    }
    if cases.is_empty() {
        let text = if !view.loaded {
            ""
        } else if view.queue.cases.is_empty() && view.queue.summary.open_cases == 0 {
            "No open cases. Cases open by themselves when incidents reach the threshold, breach a restriction or pose an immediate threat, when a review falls due, or when a customer asks for a review."
        } else {
            if view.find.is_some() {
                "No open case is about a customer with that name. Esc in the find line clears it."
            } else {
                "No case of this kind is open. Press f or 1-6 to show another kind, or 0 for all cases."
            }
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), rows[1]);
        return None;
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
            } else if c.unopened_alert() {
                t.restricted()
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
            // A debrief names the member of staff and the incident first: that is the case.
            if c.reason == CaseReason::DebriefRequested && !c.note.is_empty() {
                detail = format!(
                    "{} - since {}",
                    clean(c.note.lines().last().unwrap_or_default()),
                    time::date_time(c.opened_at)
                );
            } else if c.reason == CaseReason::CustomerRequest {
                if let Some(last) = c.note.lines().last() {
                    detail.push_str(&format!(" - {}", clean(last)));
                }
            }
            let detail: String = detail.chars().take(width.max(10)).collect();
            ListItem::new(vec![
                Line::from(vec![
                    Span::styled(manager::queue_label(c, today), style),
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
    Some(ListSpot {
        rows: super::spot(rows[1]),
        first,
        height: 2,
        len: cases.len(),
    })
}

/// The letters owed to customers, oldest first: who, which letter for what, and for how long.
fn letters_owed(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    view: &manager::QueueView,
) -> Option<ListSpot> {
    let t = &Theme::of(app);
    let letters = view.visible_letters();
    if letters.is_empty() {
        let text = if !view.loaded {
            ""
        } else if view.letters.is_empty() {
            "No letters owed: every decision and review that owes the customer a letter has had it sent, or the reason it could not be is recorded. Press 0 for the cases."
        } else {
            "No letter owed is to a customer with that name. Esc in the find line clears it."
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return None;
    }
    let today = time::london_date(app.now);
    let width = area.width.saturating_sub(6) as usize;
    let fits = (area.height as usize / 2).max(1);
    let selected = view.selected.min(letters.len() - 1);
    let first = selected.saturating_sub(fits - 1);
    let items: Vec<ListItem> = letters[first..(first + fits).min(letters.len())]
        .iter()
        .map(|l| {
            let days = (today - time::london_date(l.since)).num_days().max(0) as u64;
            let mut detail = format!(
                "{} - owed {}",
                l.describe(),
                if days == 0 {
                    "since today".to_string()
                } else {
                    format!("for {}", plural(days, "day", "days"))
                }
            );
            if l.case_id.is_none() {
                detail.push_str(" - no case to produce it from");
            }
            let detail: String = detail.chars().take(width.max(10)).collect();
            ListItem::new(vec![
                Line::from(vec![
                    Span::styled("LETTER OWED", t.warning()),
                    Span::raw("  "),
                    Span::styled(clean(&l.customer_name), t.heading()),
                ]),
                Line::from(Span::styled(format!("    {detail}"), t.dim())),
            ])
        })
        .collect();
    let list = List::new(items)
        .highlight_style(t.selected())
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected(Some(selected - first));
    frame.render_stateful_widget(list, area, &mut state);
    Some(ListSpot {
        rows: super::spot(area),
        first,
        height: 2,
        len: letters.len(),
    })
}
