//! The search box and the results list.

use super::theme::Theme;
use crate::app::mouse::ListSpot;
use crate::app::{App, Pane};
use crate::policy::rules;
use crate::text::{clean, TooShort, MIN_NAME_LETTERS, MIN_PHONE_DIGITS};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

pub fn search_box(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
    let focused = app.pane == Pane::Search;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(t.pane_title(
            " Find a caller or visitor: name, phone number or email ",
            focused,
        ));
    let inner = block.inner(area);
    let width = inner.width.max(1) as usize;
    let text = if app.query().is_empty() && !focused {
        Line::from(Span::styled("Press / to search", t.dim()))
    } else if app.query().is_empty() {
        Line::from(Span::styled(
            "Type a name, a phone number (any form, or its last 6 digits) or an email",
            t.dim(),
        ))
    } else {
        Line::from(super::field_window(&app.search, width).0)
    };
    let p = Paragraph::new(text).block(block);
    frame.render_widget(p, area);
}

pub fn place_cursor(frame: &mut Frame, area: Rect, app: &App) {
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let x = super::field_window(&app.search, inner_w).1 as u16;
    frame.set_cursor_position(Position::new(
        area.x + 1 + x.min(area.width.saturating_sub(3)),
        area.y + 1,
    ));
}

/// Returns where its rows are, for the mouse.
pub fn results(frame: &mut Frame, area: Rect, app: &App) -> Option<ListSpot> {
    let t = &Theme::of(app);
    let focused = app.pane == Pane::Results;
    let too_short = crate::text::too_short(app.query());
    let searching = app.lookup_shown < app.lookup_sent;
    let title = if app.query().trim().is_empty() || too_short.is_some() {
        " Results ".to_string()
    } else if app.lookup_failed.is_some() && !searching {
        " Results - COULD NOT SEARCH ".to_string()
    } else if let (Some(at), false) = (app.kept_results, searching) {
        format!(
            " Results ({}) {} ",
            app.results.len(),
            kept_when(at, app.now)
        )
    } else if app.results_capped && app.lookup_shown == app.lookup_sent {
        format!(" Results (first {}) ", app.results.len())
    } else if app.lookup_shown < app.lookup_sent {
        " Results (searching...) ".to_string()
    } else {
        format!(" Results ({}) ", app.results.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(t.pane_title(&title, focused));
    if app.results.is_empty() {
        let msg = if app.query().trim().is_empty() {
            "Nobody searched for yet.".to_string()
        } else if let Some(short) = too_short {
            keep_typing(short)
        } else if searching {
            "Searching...".to_string()
        } else if let Some(why) = &app.lookup_failed {
            // Never "No one matches": nobody was searched for.
            let lines = could_not_search(why);
            frame.render_widget(
                Paragraph::new(
                    lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, l)| {
                            Line::from(Span::styled(l, if i == 0 { t.error() } else { t.normal() }))
                        })
                        .collect::<Vec<_>>(),
                )
                .wrap(Wrap { trim: true })
                .block(block),
                area,
            );
            return None;
        } else {
            "No one matches. Check the spelling or try part of the name, or the last 6 digits of the number.".to_string()
        };
        frame.render_widget(
            Paragraph::new(msg).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return None;
    }
    let width = area.width.saturating_sub(4) as usize;
    let items: Vec<ListItem> = app
        .results
        .iter()
        .map(|hit| {
            let h = &hit.history;
            let restricted = !rules::active_restrictions(h, app.now).is_empty();
            let threshold = rules::threshold_state(h, &app.policy);
            let name = clean(&h.customer.display_name());
            let mut first = vec![];
            if restricted {
                first.push(Span::styled("RESTRICTED", t.restricted()));
                first.push(Span::raw(" "));
            }
            first.push(Span::styled(truncate(&name, width), t.heading()));
            let mut second = Vec::new();
            let why = hit.matched.words();
            let detail = if !why.is_empty() {
                why
            } else if let Some(p) = h.customer.phones.first() {
                clean(p)
            } else if !h.customer.postcode.is_empty() {
                clean(&h.customer.postcode)
            } else {
                String::new()
            };
            second.push(Span::raw("  "));
            if threshold.count > 0 {
                let style = if threshold.reached() || threshold.count + 1 == threshold.threshold {
                    t.warning()
                } else {
                    t.normal()
                };
                second.push(Span::styled(
                    if threshold.count > threshold.threshold {
                        format!("{} incidents", threshold.count)
                    } else {
                        format!("{} of {}", threshold.count, threshold.threshold)
                    },
                    style,
                ));
                second.push(Span::raw("  "));
            }
            second.push(Span::styled(
                truncate(&detail, width.saturating_sub(8)),
                t.dim(),
            ));
            ListItem::new(vec![Line::from(first), Line::from(second)])
        })
        .collect();
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut list_area = inner;
    if let (Some(at), false) = (app.kept_results, searching) {
        // Said above the list, where the eye starts: this is not a fresh search.
        let note = Paragraph::new(Span::styled(
            format!(
                "Could not search just now: this is the last answer, read at {} and kept on this PC.",
                kept_when(at, app.now)
            ),
            t.warning(),
        ))
        .wrap(Wrap { trim: true });
        let rows = (note.line_count(inner.width) as u16).min(inner.height / 2);
        frame.render_widget(
            note,
            Rect {
                height: rows,
                ..inner
            },
        );
        list_area.y += rows;
        list_area.height = list_area.height.saturating_sub(rows);
    }
    if app.results_capped {
        // Said under the list, where the eye stops: there are more than it shows.
        let note = Paragraph::new(Span::styled(
            format!(
                "Showing the first {} - type more to narrow it.",
                app.results.len()
            ),
            t.warning(),
        ))
        .wrap(Wrap { trim: true });
        let rows = (note.line_count(inner.width) as u16).min(list_area.height / 2);
        list_area.height = list_area.height.saturating_sub(rows);
        let note_area = Rect {
            y: list_area.y + list_area.height,
            height: rows,
            ..inner
        };
        frame.render_widget(note, note_area);
    }
    let list = List::new(items)
        .highlight_style(t.selected())
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(list, list_area, &mut state);
    Some(ListSpot {
        rows: super::spot(list_area),
        first: state.offset(),
        height: 2,
        len: app.results.len(),
    })
}

/// What the results pane says when the search could not be done: that it could not, why, and
/// what to do meanwhile.
pub fn could_not_search(why: &str) -> Vec<String> {
    vec![
        "COULD NOT SEARCH - this is not a \"no match\": nobody was looked up.".to_string(),
        clean(why),
        "Ask the caller to hold and try again (Ctrl-R), or take their details and call back. Do not treat them as unrestricted until a search works.".to_string(),
    ]
}

/// When a kept answer was read: the time today, else the date and time.
pub fn kept_when(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    if crate::time::london_date(at) == crate::time::london_date(now) {
        at.with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string()
    } else {
        crate::time::date_time(at)
    }
}

/// What to type next when the query cannot pick anyone out yet.
pub fn keep_typing(short: TooShort) -> String {
    match short {
        TooShort::Digits { typed } => format!(
            "Keep typing: {typed} {} so far. Type at least {MIN_PHONE_DIGITS} digits of the number (the last {MIN_PHONE_DIGITS} are enough), or a name.",
            if typed == 1 { "digit" } else { "digits" }
        ),
        TooShort::Letters => format!(
            "Keep typing: one letter could be anyone. Type at least {MIN_NAME_LETTERS} letters of the name, {MIN_PHONE_DIGITS} digits of the number, or part of the email address."
        ),
    }
}

/// Cut text to `max` characters with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else if max == 0 {
        String::new()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}
