//! The title line, the hint bar and the status line.

use super::theme::Theme;
use crate::app::keymap;
use crate::app::{App, Notice};
use crate::sync::Health;
use crate::text::clean;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn title(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
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
    // Managers see the queue's counts by kind without opening it.
    let used: usize = left.iter().map(|s| s.width()).sum();
    let room = (cols[0].width as usize).saturating_sub(used + 2);
    if let Some(counts) = super::alert::counts(app, room) {
        left.push(Span::raw(" "));
        left.push(Span::styled(counts, t.heading()));
    }
    frame.render_widget(Paragraph::new(Line::from(left)), cols[0]);
    frame.render_widget(Paragraph::new(right).style(t.dim()), cols[1]);
}

/// The hint bar and the status line.
/// The most rows the status line takes: a long notice wraps rather than being cut.
pub const MAX_STATUS_ROWS: u16 = 4;

/// How many rows the status line needs at this width (it wraps; at most [`MAX_STATUS_ROWS`]).
pub fn status_rows(app: &App, width: u16) -> u16 {
    let text: String = status_line(app)
        .spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect();
    let rows = super::wrap_words(&text, usize::from(width.max(1))).len();
    (rows.max(1) as u16).min(MAX_STATUS_ROWS)
}

pub fn bottom(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(1)])
        .split(area);
    let ctx = app.context();
    // Only the keys that work here for this person's role, each whole or not at all.
    let mut items: Vec<(&str, &str)> = Vec::new();
    let help = app.keys.label(ctx, keymap::Action::Help).unwrap_or("F1");
    if ctx.typing() && ctx != keymap::Context::Search {
        items.push((help, "keys"));
    }
    items.extend(app.keys.hints(ctx, |need| app.allows(need).is_ok()));
    let search_help;
    if ctx == keymap::Context::Search {
        let back = app.keys.label(ctx, keymap::Action::Back).unwrap_or("Esc");
        let all = app
            .keys
            .label(keymap::Context::Results, keymap::Action::Help)
            .unwrap_or("?");
        search_help = format!("{all} all keys");
        items.push((back, &search_help));
    }
    let mut hints = Vec::new();
    let mut used = 0;
    for (k, d) in items {
        let w = k.chars().count() + d.chars().count() + 3;
        if used + w > usize::from(area.width) {
            break;
        }
        used += w;
        hints.push(Span::styled(format!(" {k}"), t.key()));
        hints.push(Span::raw(format!(" {d} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(hints)), rows[0]);
    frame.render_widget(
        Paragraph::new(status_line(app)).wrap(Wrap { trim: false }),
        rows[1],
    );
}

/// The status line: a notice, trouble with the drive, or when the database was last read.
pub fn status_line(app: &App) -> Line<'static> {
    let t = &Theme::of(app);
    let waiting = (app.outbox > 0).then(|| {
        format!(
            "{} waiting to be saved to the shared database (kept safely on this PC). ",
            if app.outbox == 1 {
                "1 entry".to_string()
            } else {
                format!("{} entries", app.outbox)
            }
        )
    });
    match (&app.notice, &app.health) {
        (_, _) if waiting.is_some() && !matches!(app.notice, Some(Notice::Error(_))) => {
            Line::from(vec![
                Span::styled(waiting.clone().unwrap_or_default(), t.warning()),
                Span::raw(match &app.health {
                    Health::Trouble(e) => format!("Cannot reach it: {}", clean(e)),
                    Health::Ok { .. } => "Trying again every few seconds.".to_string(),
                }),
            ])
        }
        (Some(Notice::Error(e)), _) => Line::from(Span::styled(clean(e), t.error())),
        // Each cause keeps its own error: a search that works does not hide a refusal above,
        // and a refusal does not hide that the file is damaged for long.
        _ if app.damaged.is_some() => Line::from(Span::styled(
            clean(app.damaged.as_deref().unwrap_or_default()),
            t.error(),
        )),
        _ if app.lookup_failed.is_some() && !app.query().trim().is_empty() => {
            Line::from(Span::styled(
                format!(
                    "Could not search: {}",
                    clean(app.lookup_failed.as_deref().unwrap_or_default())
                ),
                t.error(),
            ))
        }
        _ if app.card_failed.is_some() && app.selected_hit().is_some() => {
            Line::from(Span::styled(
                format!(
                    "The card could not be read in full: {}",
                    clean(app.card_failed.as_deref().unwrap_or_default())
                ),
                t.error(),
            ))
        }
        _ if app.kept_answer().is_some() => Line::from(Span::styled(
            format!(
                "The shared database cannot be read just now: this is what was read at {} and kept on this PC. It updates by itself when the database answers again.",
                app.kept_answer().map(crate::time::date_time).unwrap_or_default()
            ),
            t.warning(),
        )),
        (_, Health::Ok { .. }) if app.slow_ms.is_some() => Line::from(Span::styled(
            format!(
                "The shared database is slow: the last answer took {:.1} s. Typing is never held up; answers follow.",
                app.slow_ms.unwrap_or_default() as f64 / 1000.0
            ),
            t.warning(),
        )),
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
    }
}

/// Shown instead of the panes when the terminal is too small to lay them out.
pub fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    // This PC's keys for quitting (the key table's, unless its config changed them).
    let quit = [keymap::Action::Quit, keymap::Action::ForceQuit]
        .iter()
        .filter_map(|a| app.keys.label(keymap::Context::Results, *a))
        .collect::<Vec<_>>()
        .join(" or ");
    let text = format!(
        "The window is too small for safedesk ({}x{}). Make it at least {}x{} characters. Press {quit} to quit.",
        area.width,
        area.height,
        super::MIN_WIDTH,
        super::MIN_HEIGHT
    );
    frame.render_widget(
        Paragraph::new(text)
            .style(Theme::of(app).warning())
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// A box in the middle of the screen with some lines and what to press.
pub fn popup(frame: &mut Frame, area: Rect, app: &App, title: &str, lines: &[String], keys: &str) {
    let t = &Theme::of(app);
    let width = area.width.saturating_sub(4).min(76);
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let mut text: Vec<Line> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let style = if l.contains("999") || l.starts_with("Immediate threat") {
            t.restricted()
        } else if i == 0 {
            t.heading()
        } else {
            t.normal()
        };
        text.push(Line::from(Span::styled(clean(l), style)));
    }
    text.push(Line::from(""));
    text.push(Line::from(Span::styled(keys.to_string(), t.dim())));
    let rows: usize = text
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w))
        .sum();
    let r = super::centered(area, width, (rows as u16 + 2).min(area.height));
    super::clear(frame, r, app);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            ratatui::widgets::Block::default()
                .borders(ratatui::widgets::Borders::ALL)
                .border_style(t.border(true))
                .title(Span::styled(title.to_string(), t.title())),
        ),
        r,
    );
}

/// Text cut or padded to `w` columns of the terminal.
fn fit(s: &str, w: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push_str(&" ".repeat(w.saturating_sub(used)));
    out
}

/// Merging two records: the search for the other record, then both side by side, the one kept
/// marked, to confirm.
fn merge_prompt<'a>(
    t: &Theme,
    m: &'a crate::app::merge::MergePrompt,
    inner: usize,
) -> (
    &'static str,
    Vec<Line<'static>>,
    Option<&'a tui_input::Input>,
    &'static str,
) {
    let title = " Merge two records of one person ";
    let Some((kept, _)) = m.kept_and_retired() else {
        let mut l = vec![
            Line::from(Span::styled(clean(&m.card.name), t.heading())),
            Line::from(
                "Which other record is the same person? Their history, phones, emails and notes will be put together on one card.",
            ),
            Line::from("Type their name, number or email:"),
            Line::from(""),
        ];
        for (i, s) in m.matches.iter().enumerate() {
            l.push(Line::from(Span::styled(
                format!(
                    "{} {}  {}",
                    if i == m.cursor { ">" } else { " " },
                    clean(&s.name),
                    clean(s.lines.get(1).map(String::as_str).unwrap_or(""))
                ),
                if i == m.cursor {
                    t.selected()
                } else {
                    t.normal()
                },
            )));
        }
        return (
            title,
            l,
            Some(&m.query),
            "Up/Down choose, Enter pick, Esc cancel.",
        );
    };
    let other = m.other.as_ref().expect("chosen");
    let col = inner.saturating_sub(3) / 2;
    let row = |a: &str, b: &str| format!("{} | {}", fit(&clean(a), col), fit(&clean(b), col));
    let mark = |s: &crate::app::merge::MergeSide, n: u8| {
        if s.id == kept.id {
            format!("{n} KEPT: {}", s.name)
        } else {
            format!("{n} retired: {}", s.name)
        }
    };
    let mut l = vec![
        Line::from("Both records side by side. The one kept takes the other's history, names, phones, emails and notes (and its address if it has none); the other is retired and says where it went."),
        Line::from(""),
        Line::from(Span::styled(
            row(&mark(&m.card, 1), &mark(other, 2)),
            t.heading(),
        )),
    ];
    for (a, b) in m.card.lines.iter().zip(other.lines.iter()) {
        l.push(Line::from(row(a, b)));
    }
    l.push(Line::from(""));
    l.push(Line::from(Span::styled(
        format!(
            "Keep {} ({}) and merge the other into it? Press y to merge.",
            clean(&kept.name),
            if kept.id == m.card.id {
                "this card's record"
            } else {
                "the other record"
            }
        ),
        t.warning(),
    )));
    (
        title,
        l,
        None,
        "Left/Right or 1/2: choose the one kept.   y: merge.   Any other key: choose again.   Esc: cancel.",
    )
}

/// The question being asked (a reason, a customer to link to).
pub fn prompt(frame: &mut Frame, area: Rect, app: &App, prompt: &crate::app::Prompt) {
    use crate::app::Prompt;
    let t = &Theme::of(app);
    let width = area.width.saturating_sub(4).min(76);
    let (title, mut lines, input, keys): (&str, Vec<Line>, Option<&tui_input::Input>, &str) =
        match prompt {
            Prompt::Withdraw {
                summary, reason, ..
            } => (
                " Withdraw an incident ",
                vec![
                    Line::from(Span::styled(clean(summary), t.heading())),
                    Line::from("It stays in the history, marked as withdrawn, and stops counting."),
                    Line::from("Why is it being withdrawn?"),
                ],
                Some(reason),
                "Enter: withdraw it.   Esc: leave it as it is.",
            ),
            Prompt::Text {
                title,
                lines,
                input,
                keys,
                ..
            } => (
                title.as_str(),
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 {
                            Line::from(Span::styled(clean(l), t.heading()))
                        } else {
                            Line::from(clean(l))
                        }
                    })
                    .collect(),
                Some(input),
                keys.as_str(),
            ),
            Prompt::Choose {
                title,
                lines,
                options,
                cursor,
                ..
            } => {
                let mut l: Vec<Line> = lines.iter().map(|x| Line::from(clean(x))).collect();
                l.push(Line::from(""));
                for (i, (k, label)) in options.iter().enumerate() {
                    l.push(Line::from(vec![
                        Span::raw(if i == *cursor { "> " } else { "  " }),
                        Span::styled(format!("{k}"), t.key()),
                        Span::styled(
                            format!("  {}", clean(label)),
                            if i == *cursor {
                                t.selected()
                            } else {
                                t.normal()
                            },
                        ),
                    ]));
                }
                (
                    title.as_str(),
                    l,
                    None,
                    "Press its key, or Up/Down and Enter.   Esc: not now.",
                )
            }
            Prompt::Merge(m) => merge_prompt(t, m, width.saturating_sub(2) as usize),
            Prompt::Link {
                visitor_label,
                incidents,
                query,
                matches,
                cursor,
                confirm,
                ..
            } => {
                let mut l = vec![
                    Line::from(Span::styled(clean(visitor_label), t.heading())),
                    Line::from(format!(
                        "Who is this? Their {incidents} incident(s) will move to the customer you choose."
                    )),
                ];
                if let Some((_, name)) = confirm {
                    l.push(Line::from(Span::styled(
                        format!("Move everything to {}? Press y to link, any other key to choose again.", clean(name)),
                        t.warning(),
                    )));
                    (" Link to a customer ", l, None, "")
                } else {
                    l.push(Line::from("Type their name, number or email:"));
                    let mut rows = Vec::new();
                    for (i, m) in matches.iter().enumerate() {
                        rows.push(Line::from(Span::styled(
                            format!(
                                "{} {}  {}",
                                if i == *cursor { ">" } else { " " },
                                clean(&m.name),
                                clean(&m.detail)
                            ),
                            if i == *cursor {
                                t.selected()
                            } else {
                                t.normal()
                            },
                        )));
                    }
                    l.push(Line::from(""));
                    l.extend(rows);
                    (
                        " Link to a customer ",
                        l,
                        Some(query),
                        "Up/Down choose, Enter pick, Esc cancel.",
                    )
                }
            }
        };
    // Every sentence wraps inside the popup; the typed line scrolls in its one row, with the
    // cursor in view (a long paste never makes the popup taller).
    let inner = width.saturating_sub(2);
    let wrapped = |lines: &[Line<'static>]| {
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: false })
            .line_count(inner) as u16
    };
    let input_row = lines.len().min(3);
    let mut cursor = None;
    if let Some(i) = input {
        let (visible, x) = super::field_window(i, inner.saturating_sub(3) as usize);
        cursor = Some((x as u16, wrapped(&lines[..input_row])));
        lines.insert(
            input_row,
            Line::from(Span::styled(format!("> {visible}"), t.selected())),
        );
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(keys.to_string(), t.dim())));
    let height = wrapped(&lines) + 2;
    let r = super::centered(area, width, height.min(area.height));
    super::clear(frame, r, app);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            ratatui::widgets::Block::default()
                .borders(ratatui::widgets::Borders::ALL)
                .border_style(t.border(true))
                .title(Span::styled(title.to_string(), t.title())),
        ),
        r,
    );
    if let Some((x, y)) = cursor {
        frame.set_cursor_position(ratatui::layout::Position::new(r.x + 3 + x, r.y + 1 + y));
    }
}
