//! The decision and review forms, drawn over the panes: a row per field, each problem under the
//! row it belongs to, the focused row highlighted, and the keys at the foot.

use super::incident_form::wrap;
use super::theme::Theme;
use crate::app::decision::{DecisionForm, FormKind, Group, Row};
use crate::app::App;
use crate::domain::{Outcome, ReviewOutcome};
use crate::text::clean;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const LABEL: usize = 22;

/// The options of a choice row, laid over as many lines as `width` needs, the chosen one in
/// brackets (so it shows without colour too).
fn choices<T: PartialEq + Copy>(
    app: &App,
    options: &[(T, char, &str)],
    current: T,
    first: Span<'static>,
    width: usize,
) -> Vec<Line<'static>> {
    let t = &Theme::of(app);
    let mut lines = Vec::new();
    let mut used = first.content.chars().count();
    let mut spans = vec![first];
    for (v, k, label) in options {
        let on = *v == current;
        let text = format!(
            " {}{}{}  ",
            if on { "[" } else { "" },
            label,
            if on { "]" } else { "" }
        );
        let w = 1 + text.chars().count();
        if used + w > width && spans.len() > 1 {
            lines.push(Line::from(std::mem::take(&mut spans)));
            spans.push(Span::raw(" ".repeat(LABEL)));
            used = LABEL;
        }
        used += w;
        spans.push(Span::styled(format!("{k}"), t.key()));
        spans.push(Span::styled(
            text,
            if on { t.selected() } else { t.normal() },
        ));
    }
    lines.push(Line::from(spans));
    lines
}

/// The form's lines, the line each row starts on, and where the text cursor goes.
pub type FormLines = (
    Vec<Line<'static>>,
    Vec<(Row, usize)>,
    Option<(usize, usize)>,
);

/// The lines of the form, the line of each row, and where the text cursor goes.
pub fn lines(f: &DecisionForm, app: &App, width: usize) -> FormLines {
    let t = &Theme::of(app);
    let p = &app.policy;
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut at = Vec::new();
    let mut cursor = None;
    if let FormKind::Review { reviewed } = &f.kind {
        out.push(Line::from(Span::styled(
            "Under review (in force now):",
            t.heading(),
        )));
        for (_, _, s) in reviewed {
            out.push(Line::from(Span::styled(
                format!("  * {}", clean(s)),
                t.restricted(),
            )));
        }
        out.push(Line::from(
            "Ask if the customer still wants the services: decisions are reviewed if they do.",
        ));
        out.push(Line::from(""));
    }
    let mut last_group = None;
    for row in f.rows() {
        let focused = row == f.focus;
        let label_style = if focused { t.selected() } else { t.key() };
        // The focused row is marked with ">" as well as highlighted (colour is never the only
        // signal).
        let mark = if focused { '>' } else { ' ' };
        let label = |s: &str| {
            Span::styled(
                format!("{mark}{:<width$}", s, width = LABEL - 1),
                label_style,
            )
        };
        if let Row::Item(i) = row {
            let g = f.picker.items[i].group;
            if last_group != Some(g) {
                last_group = Some(g);
                out.push(Line::from(Span::styled(
                    match g {
                        Group::Action => "Long-term actions (Space to tick):",
                        Group::Withdrawal => "Withdrawal of services:",
                        Group::Access => "Access restrictions (Space to tick):",
                    },
                    t.heading(),
                )));
            }
        }
        if row == Row::Tried(0) {
            out.push(Line::from(Span::styled(
                "Long-term actions tried before (Space to tick; the customer's are ticked):",
                t.heading(),
            )));
        }
        if row == Row::Adjustment(0) {
            out.push(Line::from(Span::styled(
                "Reasonable adjustments considered first (Space to tick; Equality Act):",
                t.heading(),
            )));
        }
        at.push((row, out.len()));
        match row {
            Row::Tried(_) | Row::Adjustment(_) => {
                let (label_text, ticked) = match row {
                    Row::Tried(j) => (p.label_of(&f.tried[j].0), f.tried[j].1),
                    Row::Adjustment(j) => {
                        (p.adjustment_label(&f.adjustments[j].0), f.adjustments[j].1)
                    }
                    _ => unreachable!("matched above"),
                };
                let ticked = &ticked;
                out.push(Line::from(vec![
                    Span::styled(
                        format!("{mark} [{}] ", if *ticked { "x" } else { " " }),
                        if focused { t.selected() } else { t.normal() },
                    ),
                    Span::styled(
                        fit(&clean(label_text), width.saturating_sub(7)),
                        if focused {
                            t.selected()
                        } else if *ticked {
                            t.heading()
                        } else {
                            t.normal()
                        },
                    ),
                ]));
            }
            Row::Scope(i) | Row::Divert(i) => {
                let item = &f.picker.items[i];
                let options: Vec<(String, char, String)> = if let Row::Scope(_) = row {
                    p.scopes
                        .iter()
                        .map(|s| (s.id.clone(), s.key, s.label.clone()))
                        .collect()
                } else {
                    vec![
                        (
                            crate::policy::BLOCKED.to_string(),
                            'b',
                            "Blocked".to_string(),
                        ),
                        (
                            crate::policy::REDIRECTED.to_string(),
                            'r',
                            "Redirected".to_string(),
                        ),
                    ]
                };
                let current = if let Row::Scope(_) = row {
                    item.scope.clone().unwrap_or_default()
                } else {
                    item.divert.clone().flatten().unwrap_or_default()
                };
                let refs: Vec<(&str, char, &str)> = options
                    .iter()
                    .map(|(id, k, l)| (id.as_str(), *k, l.as_str()))
                    .collect();
                let first = Span::styled(format!("    {mark} {:<19}", row.label()), label_style);
                let mut lines = choices(app, &refs, current.as_str(), first, width);
                if current.is_empty() {
                    if let Some(l) = lines.last_mut() {
                        l.spans.push(Span::raw("(not chosen)"));
                    }
                }
                out.extend(lines);
            }
            Row::Outcome => {
                out.extend(choices(
                    app,
                    &[
                        (Outcome::Actions, 'a', "Long-term actions"),
                        (Outcome::NoFurtherAction, 'n', "No further action"),
                        (Outcome::WithdrawalOfServices, 'w', "Withdrawal of services"),
                        (Outcome::ImmediateRestriction, 'i', "Immediate restriction"),
                    ],
                    f.outcome,
                    label(row.label()),
                    width,
                ));
                // Told before saving: this decision waits for a second person's approval.
                if let Some(why) = f.approval_needed(p) {
                    let (rows, _) =
                        super::incident_form::wrap(&why, width.saturating_sub(LABEL).max(20), 0);
                    for r in rows {
                        out.push(Line::from(vec![
                            Span::raw(" ".repeat(LABEL)),
                            Span::styled(r, t.warning()),
                        ]));
                    }
                }
            }
            Row::ReviewOutcome => {
                out.extend(choices(
                    app,
                    &[
                        (ReviewOutcome::Lift, 'l', "Lift"),
                        (ReviewOutcome::Continue, 'c', "Continue"),
                        (ReviewOutcome::Change, 'h', "Change"),
                    ],
                    f.review_outcome,
                    label(row.label()),
                    width,
                ));
            }
            Row::Police | Row::StillWants => {
                let v = if row == Row::Police {
                    f.police
                } else {
                    f.still_wants
                };
                let text = match v {
                    Some(true) => "yes".to_string(),
                    Some(false) => "no".to_string(),
                    None if row == Row::StillWants => {
                        "not known (y yes, n no, u not known)".to_string()
                    }
                    None => "not answered (y or n)".to_string(),
                };
                out.push(Line::from(vec![label(row.label()), Span::raw(text)]));
            }
            Row::Item(i) => {
                let item = &f.picker.items[i];
                out.push(Line::from(vec![
                    Span::styled(
                        format!("{mark} [{}] ", if item.ticked { "x" } else { " " }),
                        if focused { t.selected() } else { t.normal() },
                    ),
                    Span::styled(
                        fit(&clean(f.item_label(i, p)), width.saturating_sub(7)),
                        if focused {
                            t.selected()
                        } else if item.ticked {
                            t.heading()
                        } else {
                            t.normal()
                        },
                    ),
                ]));
            }
            Row::Param(i, j) => {
                let field = &f.picker.items[i].fields[j];
                let (value, at) = window(
                    field.value.value(),
                    field.value.visual_cursor(),
                    width.saturating_sub(6 + LABEL),
                    focused,
                );
                if focused {
                    cursor = Some((out.len(), 6 + LABEL + at));
                }
                out.push(Line::from(vec![
                    Span::raw(format!("    {mark} ")),
                    Span::styled(
                        format!("{:<LABEL$}", fit(&clean(&field.label), LABEL - 1)),
                        label_style,
                    ),
                    Span::raw(value),
                ]));
            }
            _ => {
                let input = f.input(row).expect("a text row");
                let value = input.value();
                if row.is_multiline() {
                    out.push(Line::from(vec![label(row.label())]));
                    let w = width.saturating_sub(4).max(10);
                    let cur = input.cursor();
                    let (wrapped, (r, c)) = wrap(&clean_keep_lines(value), w, cur);
                    if focused {
                        cursor = Some((out.len() + r, 2 + c));
                    }
                    let show = wrapped.len().clamp(1, 8);
                    let start = if focused && r >= show {
                        r + 1 - show
                    } else {
                        0
                    };
                    if focused {
                        if let Some((row_at, col)) = cursor {
                            cursor = Some((row_at - start, col));
                        }
                    }
                    for l in wrapped.iter().skip(start).take(show) {
                        out.push(Line::from(format!("  {l}")));
                    }
                } else {
                    let (shown, at) = window(
                        value,
                        input.visual_cursor(),
                        width.saturating_sub(LABEL),
                        focused,
                    );
                    if focused {
                        cursor = Some((out.len(), LABEL + at));
                    }
                    out.push(Line::from(vec![label(row.label()), Span::raw(shown)]));
                }
            }
        }
        // Problems are wrapped, never cut: their second half says what to do.
        for m in f.problems_for(row) {
            let (wrapped, _) = wrap(&clean(m), width.saturating_sub(5).max(10), 0);
            for (i, l) in wrapped.into_iter().enumerate() {
                out.push(Line::from(Span::styled(
                    format!("{}{l}", if i == 0 { "  ! " } else { "    " }),
                    t.error(),
                )));
            }
        }
    }
    (out, at, cursor)
}

/// The part of a one-line value that fits in `room` columns: while it is being typed, the part
/// around the cursor (so the cursor never sticks at the edge); otherwise its start, with an
/// ellipsis when cut. Returns the text and the cursor's column in it.
fn window(value: &str, cursor: usize, room: usize, focused: bool) -> (String, usize) {
    let text = clean(value);
    if !focused {
        return (fit(&text, room.max(2)), 0);
    }
    super::scroll_window(&text, cursor, room)
}

/// Text cut to `width` columns, with an ellipsis when it had to be cut.
fn fit(s: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let (mut out, _) = super::scroll_window(s, 0, width.saturating_sub(1));
    out.push('…');
    out
}

fn clean_keep_lines(s: &str) -> String {
    crate::text::sanitise_for_display(s, true)
}

pub fn form(frame: &mut Frame, area: Rect, app: &App) {
    let Some(f) = app.overlays.decision() else {
        return;
    };
    let t = &Theme::of(app);
    let title = match f.kind {
        FormKind::Decision => format!(" Decision: {} ", clean(&f.customer_name)),
        FormKind::Review { .. } => format!(" Review: {} ", clean(&f.customer_name)),
    };
    let inner = super::overlay(frame, area, app, title);
    if inner.height < 4 {
        return;
    }
    let body_h = inner.height.saturating_sub(2) as usize;
    let (lines, at, cursor) = lines(f, app, inner.width as usize);
    // Keep the focused row (and a little after it) in view.
    let focus_line = at
        .iter()
        .find(|(r, _)| *r == f.focus)
        .map(|(_, l)| *l)
        .unwrap_or(0);
    // The focused row's problems too, as far as the screen allows.
    let block_end = at
        .iter()
        .map(|(_, l)| *l)
        .find(|l| *l > focus_line)
        .unwrap_or(lines.len())
        .min(focus_line + body_h.saturating_sub(1));
    let want = (cursor.map(|c| c.0).unwrap_or(focus_line).max(focus_line) + 2).max(block_end);
    let top = want.saturating_sub(body_h);
    let top = top.min(focus_line);
    let body = Rect {
        height: body_h as u16,
        ..inner
    };
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(top).take(body_h).collect::<Vec<_>>()),
        body,
    );
    if let Some((r, c)) = cursor {
        if r >= top && r < top + body_h {
            let x = inner.x + (c as u16).min(inner.width.saturating_sub(1));
            frame.set_cursor_position(Position::new(x, inner.y + (r - top) as u16));
        }
    }
    let foot = Rect {
        y: inner.y + body_h as u16,
        height: 2,
        ..inner
    };
    let message = if f.confirm_discard {
        Line::from(Span::styled(
            "Throw away this form? y: yes, throw it away. Any other key: carry on.",
            t.warning(),
        ))
    } else if let Some(m) = &f.message {
        Line::from(Span::styled(
            clean(m),
            if f.saving { t.dim() } else { t.error() },
        ))
    } else if f.approval_needed(&app.policy).is_some() {
        Line::from(Span::styled(
            "Needs a second person's approval: nothing is in force until then.",
            t.warning(),
        ))
    } else {
        Line::from("")
    };
    let keys = Line::from(Span::styled(
        "Tab/Up/Down move  Space tick  letters choose  Ctrl-S save  Esc cancel",
        t.dim(),
    ));
    // A long message takes both lines (the keys are back as soon as it goes).
    frame.render_widget(
        Paragraph::new(vec![message, keys]).wrap(ratatui::widgets::Wrap { trim: true }),
        foot,
    );
}
