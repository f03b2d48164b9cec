//! The incident form, drawn over the panes: a row per field, messages under the fields they
//! belong to, and below them a panel for the field being filled in (its choices and keys).

use super::theme::Theme;
use crate::app::form::{FormField, IncidentForm, WhoChoice};
use crate::app::App;
use crate::policy::Policy;
use crate::text::clean;
use crate::time;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

const LABEL: usize = 17;

/// Hard-wrap text to `width` columns (newlines kept); also returns the row and column where the
/// character at `cursor` (a char index) lands, so the cursor can be placed exactly.
pub fn wrap(text: &str, width: usize, cursor: usize) -> (Vec<String>, (usize, usize)) {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    let mut col = 0;
    let mut at = (0, 0);
    for (i, c) in text.chars().enumerate() {
        if i == cursor {
            at = (lines.len() - 1, col);
        }
        if c == '\n' {
            lines.push(String::new());
            col = 0;
            continue;
        }
        let w = c.width().unwrap_or(0);
        if col + w > width {
            lines.push(String::new());
            col = 0;
        }
        lines.last_mut().expect("one line at least").push(c);
        col += w;
    }
    if cursor >= text.chars().count() {
        if col >= width {
            lines.push(String::new());
            col = 0;
        }
        at = (lines.len() - 1, col);
    }
    (lines, at)
}

pub fn value_of(f: &IncidentForm, field: FormField, p: &Policy, app: &App) -> String {
    match field {
        FormField::Who => match &f.who_choice {
            Some(WhoChoice::Existing { name, .. }) => name.clone(),
            Some(WhoChoice::New) => format!("{} (new customer)", f.who.value()),
            Some(WhoChoice::Unidentified) => "Unidentified visitor".into(),
            None => f.who.value().to_string(),
        },
        FormField::When => {
            if f.when.value().trim().is_empty() {
                format!("now ({})", time::date_time(app.now))
            } else {
                match f.when_value(app.now) {
                    Ok(t) => format!("{}  = {}", f.when.value(), time::date_time(t)),
                    Err(_) => f.when.value().to_string(),
                }
            }
        }
        FormField::Channel => p.label_of(&f.channel).to_string(),
        FormField::Category => p.label_of(&f.category).to_string(),
        FormField::Behaviours => {
            if f.behaviours.is_empty() {
                "none chosen".into()
            } else {
                f.behaviours
                    .iter()
                    .map(|b| p.label_of(b))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
        FormField::Response => p.label_of(&f.response).to_string(),
        FormField::Threat => {
            if f.threat {
                "YES - someone's safety was under immediate threat".into()
            } else {
                "no".into()
            }
        }
        FormField::Distress => match f.distress {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => "not known".into(),
        },
        FormField::Workload => p
            .workload_choice(&f.workload)
            .map(|c| c.label.clone())
            .unwrap_or_else(|| "not known".into()),
        FormField::Hurt => match f.hurt {
            crate::domain::Hurt::NotAsked => "not answered".into(),
            h => h.label().into(),
        },
        FormField::Riddor => f.riddor.label().into(),
        FormField::Debrief => if f.debrief { "yes" } else { "no" }.into(),
        FormField::Description => {
            let v = f.description.value();
            let first = v.lines().next().unwrap_or("");
            let more = v.lines().count() > 1 || first.chars().count() > 60;
            let mut s: String = first.chars().take(60).collect();
            if more {
                s.push_str(" …");
            }
            s
        }
        other => f
            .input(other)
            .map(|i| i.value().to_string())
            .unwrap_or_default(),
    }
}

/// The lines of the panel for the focused field, and where the cursor goes in it (if there).
/// Lay option spans out over as many lines as `width` needs, an option never split.
fn flow(options: Vec<Vec<Span<'static>>>, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let mut used = 0;
    for opt in options {
        let w: usize = opt.iter().map(|s| s.width()).sum::<usize>() + 2;
        if used + w > width && !cur.is_empty() {
            lines.push(Line::from(std::mem::take(&mut cur)));
            used = 0;
        }
        used += w;
        cur.extend(opt);
        cur.push(Span::raw("  "));
    }
    if !cur.is_empty() {
        lines.push(Line::from(cur));
    }
    lines
}

/// The panel: its lines, where the text cursor goes (row, column), and the row that must stay in
/// view (the highlighted choice).
type PanelLines = (Vec<Line<'static>>, Option<(usize, usize)>, Option<usize>);

fn panel(f: &IncidentForm, app: &App, width: usize) -> PanelLines {
    let t = &Theme::of(app);
    let p = &app.policy;
    let key = |k: String| Span::styled(k, t.key());
    let mut out: Vec<Line> = Vec::new();
    let mut cursor = None;
    let mut keep = None;
    let chosen = |on: bool| if on { t.selected() } else { t.normal() };
    match f.focus {
        FormField::Who => {
            out.push(Line::from(Span::styled(
                "Type a name, phone number or email; Up/Down to choose, Enter to take it.",
                t.dim(),
            )));
            for (i, m) in f.matches.iter().enumerate() {
                let mut spans = vec![Span::styled(
                    format!("{}{} ", mark(i == f.who_cursor), clean(&m.name)),
                    chosen(i == f.who_cursor),
                )];
                if m.restricted {
                    spans.push(Span::styled(" RESTRICTED", t.restricted_text()));
                }
                spans.push(Span::styled(format!("  {}", clean(&m.detail)), t.dim()));
                out.push(Line::from(spans));
            }
            let n = f.matches.len();
            keep = Some(f.who_cursor + 1);
            let typed = clean(f.who.value().trim());
            out.push(Line::from(Span::styled(
                if typed.is_empty() {
                    format!(
                        "{}+ A new customer (type their name first) ",
                        mark(f.who_cursor == n)
                    )
                } else {
                    format!(
                        "{}+ A new customer named \"{typed}\" ",
                        mark(f.who_cursor == n)
                    )
                },
                chosen(f.who_cursor == n),
            )));
            out.push(Line::from(Span::styled(
                format!(
                    "{}+ An unidentified visitor (describe them next) ",
                    mark(f.who_cursor == n + 1)
                ),
                chosen(f.who_cursor == n + 1),
            )));
        }
        FormField::Channel => {
            out.push(Line::from(Span::styled(
                "Press the key of how it happened:",
                t.dim(),
            )));
            let options = p
                .channels
                .iter()
                .map(|c| {
                    vec![
                        key(format!(" {} ", c.key)),
                        Span::styled(
                            if c.id == f.channel {
                                format!("[{}]", c.label)
                            } else {
                                c.label.clone()
                            },
                            chosen(c.id == f.channel),
                        ),
                    ]
                })
                .collect();
            out.extend(flow(options, width));
        }
        FormField::Category => {
            out.push(Line::from(Span::styled(
                "Press the key of the behaviour category:",
                t.dim(),
            )));
            for c in &p.categories {
                out.push(Line::from(vec![
                    key(format!(" {} ", c.key)),
                    Span::styled(
                        format!("{}{}", mark(c.id == f.category), c.label),
                        chosen(c.id == f.category),
                    ),
                ]));
            }
            // The policy's own words on what is not unacceptable, where the category is
            // chosen (after the choices, so a short screen never hides one).
            for l in super::wrap_words(&p.principles.short, width) {
                out.push(Line::from(Span::styled(l, t.heading())));
            }
        }
        FormField::Behaviours => {
            out.push(Line::from(Span::styled(
                "Number keys (or Space) tick what was seen; Enter when done:",
                t.dim(),
            )));
            keep = Some(f.behaviour_cursor + 1);
            if let Some(c) = p.category(&f.category) {
                for (i, b) in c.behaviours.iter().enumerate() {
                    let on = f.behaviours.contains(&b.id);
                    let n = if i == 9 { 0 } else { i + 1 };
                    out.push(Line::from(vec![
                        key(format!(" {n} ")),
                        Span::raw(if on { "[x] " } else { "[ ] " }),
                        Span::styled(
                            format!("{}{}", mark(i == f.behaviour_cursor), b.label),
                            chosen(i == f.behaviour_cursor),
                        ),
                    ]));
                }
            }
        }
        FormField::Response => {
            out.push(Line::from(Span::styled(
                "Press the key of the initial response taken:",
                t.dim(),
            )));
            if let Some(ch) = p.channel(&f.channel) {
                for id in &ch.responses {
                    if let Some(r) = p.response(id) {
                        out.push(Line::from(vec![
                            key(format!(" {} ", r.key)),
                            Span::styled(
                                format!("{}{}", mark(r.id == f.response), r.label),
                                chosen(r.id == f.response),
                            ),
                        ]));
                    }
                }
            }
        }
        FormField::Distress => {
            out.push(Line::from(vec![
                Span::raw(format!("{} ", p.principles.distress_question)),
                key(" y ".into()),
                Span::raw("yes  "),
                key(" n ".into()),
                Span::raw("no  "),
                key(" u ".into()),
                Span::raw("not known"),
            ]));
            for l in super::wrap_words(
                &format!("Policy: \"{}\"", p.principles.distress_said),
                width,
            ) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        FormField::Workload | FormField::WorkloadNote => {
            out.push(Line::from(Span::styled(
                format!("{}:", p.principles.workload_question),
                t.dim(),
            )));
            if f.focus == FormField::Workload {
                for c in &p.principles.workload {
                    out.push(Line::from(vec![
                        key(format!(" {} ", c.key)),
                        Span::styled(
                            format!("{}{}", mark(c.id == f.workload), c.label),
                            chosen(c.id == f.workload),
                        ),
                    ]));
                }
            }
            for l in super::wrap_words(
                &format!("Policy: \"{}\"", p.principles.workload_said),
                width,
            ) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        FormField::Threat => {
            out.push(Line::from(vec![
                Span::raw("Was anyone's safety under immediate threat? "),
                key(" y ".into()),
                Span::raw("yes  "),
                key(" n ".into()),
                Span::raw("no"),
            ]));
        }
        FormField::When => {
            out.push(Line::from(Span::styled(
                "Leave empty for now, or type 14:05, yesterday 16:30, 23/11 9:15.",
                t.dim(),
            )));
            out.push(match f.when_value(app.now) {
                Ok(at) => Line::from(format!("= {}", time::date_time(at))),
                Err(e) => Line::from(Span::styled(clean(&e), t.warning())),
            });
        }
        FormField::Description | FormField::VisitorDescription | FormField::Witnesses => {
            let input = f.input(f.focus).expect("a text field");
            let hint = match f.focus {
                FormField::Description => "What happened, in your words (Enter for a new line):",
                FormField::VisitorDescription => "Appearance, where and when they were seen:",
                _ => "Who saw it (names, or \"two customers in reception\"):",
            };
            out.push(Line::from(Span::styled(hint, t.dim())));
            let (lines, at) = wrap(&clean_keep_lines(input.value()), width, input.cursor());
            cursor = Some((at.0 + 1, at.1));
            keep = Some(at.0 + 1);
            for l in lines {
                out.push(Line::from(l));
            }
        }
        FormField::Hurt => {
            out.push(Line::from(Span::styled(
                "Physical violence: was anyone hurt?",
                t.dim(),
            )));
            use crate::domain::Hurt;
            for (k, h) in [('s', Hurt::Staff), ('o', Hurt::Other), ('n', Hurt::Nobody)] {
                out.push(Line::from(vec![
                    key(format!(" {k} ")),
                    Span::styled(
                        format!("{}{}", mark(f.hurt == h), capital(h.label())),
                        chosen(f.hurt == h),
                    ),
                ]));
            }
        }
        FormField::HurtName => {
            let hint = if f.hurt == crate::domain::Hurt::Staff {
                if f.staff.is_empty() {
                    "The member of staff hurt, as on the staff list.".to_string()
                } else {
                    format!(
                        "The member of staff hurt, as on the staff list ({} and others).",
                        f.staff
                            .iter()
                            .take(3)
                            .map(|s| clean(&s.display_name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            } else {
                "Their name, or a description if it is not known.".to_string()
            };
            for l in super::wrap_words(&hint, width) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        FormField::HurtHow => {
            out.push(Line::from(Span::styled(
                "How they were hurt, in a few words (for example: bruised arm, pushed).",
                t.dim(),
            )));
        }
        FormField::Riddor => {
            out.push(Line::from(vec![
                Span::raw("Reportable under RIDDOR? "),
                key(" y ".into()),
                Span::raw("yes  "),
                key(" n ".into()),
                Span::raw("no  "),
                key(" u ".into()),
                Span::raw("not sure"),
            ]));
            for l in super::wrap_words(
                "RIDDOR: injuries at work to staff or the public, reported to the HSE.",
                width,
            ) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        FormField::RiddorRef => {
            for l in super::wrap_words(
                "The RIDDOR reference (letters and digits); leave empty until the report is made.",
                width,
            ) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        FormField::Debrief => {
            out.push(Line::from(vec![
                Span::raw("Debrief wanted? "),
                key(" y ".into()),
                Span::raw("yes  "),
                key(" n ".into()),
                Span::raw("no"),
            ]));
            for l in super::wrap_words(
                "A manager meets the member of staff affected to talk it through.",
                width,
            ) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        FormField::NewAddress => {
            // Wrapped to the panel: at 80 columns the sentence is wider than the form.
            for l in super::wrap_words(
                "The postal address's lines, separated by ; (for example: Flat 2, 10 High Street; Barnet). The postcode has its own field. Leave empty if not known.",
                width,
            ) {
                out.push(Line::from(Span::styled(l, t.dim())));
            }
        }
        _ => {}
    }
    (out, cursor, keep)
}

/// "no one" as "No one".
fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The highlighted choice is marked in text as well as colour.
fn mark(on: bool) -> &'static str {
    if on {
        "> "
    } else {
        "  "
    }
}

fn clean_keep_lines(s: &str) -> String {
    crate::text::sanitise_for_display(s, true)
}

pub fn form(frame: &mut Frame, area: Rect, app: &App) {
    let Some(f) = app.overlays.form() else { return };
    let t = &Theme::of(app);
    let p = &app.policy;
    let what = if f.amending.is_some() {
        "Correct an incident"
    } else {
        "Log an incident"
    };
    let title = if f.saving {
        format!(" {what} - saving... ")
    } else {
        format!(" {what} - Ctrl-S save, Esc cancel, Tab next field ")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(title, t.title()));
    let inner = block.inner(area);
    super::clear(frame, area, app);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let value_w = width.saturating_sub(LABEL + 2);
    let mut rows: Vec<Line> = Vec::new();
    let mut cursor: Option<Position> = None;
    if f.threat {
        rows.push(Line::from(Span::styled(
            format!("Immediate threat. {}", p.policy.emergency_advice),
            t.restricted(),
        )));
    }
    let mut focus_at = 0;
    for field in f.visible_fields(p) {
        let focused = field == f.focus;
        if focused {
            focus_at = rows.len();
        }
        let marker = if focused { "> " } else { "  " };
        let value = clean(&value_of(f, field, p, app));
        let shown: String = if focused && field.is_text_row() {
            // Scroll long text so the cursor stays in view.
            let input = f.input(field).expect("a text field");
            let (visible, x) = super::field_window(input, value_w);
            cursor = Some(Position::new(
                inner.x + (LABEL + 2 + x) as u16,
                inner.y + rows.len() as u16,
            ));
            visible
        } else {
            super::lookup::truncate(&value, value_w)
        };
        let style = if focused { t.selected() } else { t.normal() };
        rows.push(Line::from(vec![
            // The field being filled in: its marker and label in the selection's look, so it
            // shows even while its value is empty.
            Span::styled(
                format!("{marker}{:<w$}", field.label(), w = LABEL),
                if focused { style } else { t.heading() },
            ),
            Span::styled(shown, if focused { style } else { t.normal() }),
        ]));
        // Every problem under its own field, wrapped: never cut off.
        for m in f.problems_for(field) {
            for (i, part) in super::wrap_words(&clean(m), value_w.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                rows.push(Line::from(Span::styled(
                    format!(
                        "{:w$}{} {part}",
                        "",
                        if i == 0 { "!" } else { " " },
                        w = LABEL + 2
                    ),
                    t.error(),
                )));
            }
        }
    }
    // The safety questions of physical violence make the list longer than 80x24 holds with its
    // panel: the first rows scroll away (never the one being answered) so the panel keeps room.
    if f.asks_safety(p) {
        let (panel_lines, _, _) = panel(f, app, width);
        let want = panel_lines.len().min(4);
        let over = (rows.len() + 3 + want).saturating_sub(inner.height as usize);
        let drop = over.min(focus_at);
        if drop > 0 {
            rows.drain(0..drop);
            if let Some(c) = cursor.as_mut() {
                c.y = c.y.saturating_sub(drop as u16);
            }
        }
    }
    // Who logs it goes on the line above the panel, so the fields keep their rows at 80x24.
    let top = rows.len();
    let by = format!("─ Logged by {} ", clean(&app.actor.name()));
    let by_w = unicode_width::UnicodeWidthStr::width(by.as_str());
    rows.push(Line::from(Span::styled(
        if by_w + 2 <= width {
            format!("{by}{}", "─".repeat(width - by_w))
        } else {
            "─".repeat(width)
        },
        t.dim(),
    )));
    let (panel_lines, panel_cursor, keep) = panel(f, app, width);
    let room = (inner.height as usize).saturating_sub(top + 2);
    // Keep the highlighted choice, or the text cursor, in view.
    let skip = keep
        .map(|r| r.saturating_sub(room.saturating_sub(1)))
        .unwrap_or(0);
    if let Some((r, c)) = panel_cursor.filter(|(r, _)| *r >= skip) {
        cursor = Some(Position::new(
            inner.x + c as u16,
            inner.y + (top + 1 + r - skip) as u16,
        ));
    }
    rows.extend(panel_lines.into_iter().skip(skip).take(room));
    let bottom = if f.confirm_discard {
        Some(Line::from(Span::styled(
            if f.amending.is_some() {
                "Throw away your corrections? Press y to throw them away, any other key to keep typing."
            } else {
                "Throw away this incident? Press y to throw it away, any other key to keep typing."
            },
            t.warning(),
        )))
    } else {
        f.message
            .as_ref()
            .map(|m| Line::from(Span::styled(clean(m), t.error())))
    };
    frame.render_widget(Paragraph::new(rows), inner);
    if let Some(b) = bottom {
        let y = inner.y + inner.height.saturating_sub(1);
        super::clear(frame, Rect::new(inner.x, y, inner.width, 1), app);
        frame.render_widget(Paragraph::new(b), Rect::new(inner.x, y, inner.width, 1));
    }
    if let Some(c) = cursor {
        if !f.confirm_discard && c.y < inner.y + inner.height && c.x < inner.x + inner.width {
            frame.set_cursor_position(c);
        }
    }
}
