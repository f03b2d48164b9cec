//! What is drawn: pure functions of the [`App`] state. Nothing here changes state or does I/O.

pub mod alert;
pub mod audit;
pub mod card;
pub mod case;
pub mod customer_form;
pub mod decision_form;
pub mod first_run;
pub mod help;
pub mod incident_form;
pub mod letter;
pub mod lookup;
pub mod news;
pub mod queue;
pub mod reports;
pub mod status;
pub mod theme;

use crate::app::mouse::{Area, Spots};
use crate::app::Overlay;
use crate::app::{App, Drawn, Pane};
use crate::text::clean;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::Frame;
use theme::Theme;

/// The smallest terminal safedesk lays out fully; smaller ones get a plain message.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Draw the whole screen; returns what the keys need to know of it (how far the case and the
/// letter can scroll), which the event loop hands back to the app.
pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    // The whole screen in the theme's own background: no text sits on the terminal's.
    paint(frame, area, app);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        status::too_small(frame, area, app);
        return Drawn {
            too_small: true,
            ..Drawn::default()
        };
    }
    // A managers' alert takes its own lines under the title, above everything else.
    let band = alert::height(app, area.width);
    let all = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(band),
            Constraint::Length(3),
            Constraint::Min(6),
            Constraint::Length(1 + status::status_rows(app, area.width)),
        ])
        .split(area);
    let band_area = all[1];
    let rows = [all[0], all[2], all[3], all[4]];
    status::title(frame, rows[0], app);
    lookup::search_box(frame, rows[1], app);
    let (left, right) = if rows[2].width >= 100 {
        (38, 62)
    } else {
        (40, 60)
    };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(left), Constraint::Percentage(right)])
        .split(rows[2]);
    let result_rows = lookup::results(frame, cols[0], app);
    // The start screen: the news about incidents this person logged, where the card will be.
    let card_rows = if app.news_showing() {
        news::news(frame, cols[1], app);
        crate::app::card::CardRows::default()
    } else {
        card::card(frame, cols[1], app)
    };
    status::bottom(frame, rows[3], app);
    let over = Rect {
        x: area.x,
        y: rows[1].y,
        width: area.width,
        height: rows[1].height + rows[2].height,
    };
    // What is open: the highest panel over the panes (they cover the same space, so only the
    // top one is drawn), then the forms, help and popups in the stack's order.
    let highest = |keep: fn(&Overlay) -> bool| app.overlays.iter().rev().find(|o| keep(o));
    let panel = highest(|o| {
        matches!(
            o,
            Overlay::Queue(_)
                | Overlay::Audit(_)
                | Overlay::Case(_)
                | Overlay::Decision(_)
                | Overlay::Letter(_)
                | Overlay::Customer(_)
                | Overlay::Incidents(_)
                | Overlay::InForce(_)
                | Overlay::Reports(_)
        )
    });
    let mut panel_rows = None;
    match panel {
        Some(Overlay::Customer(_)) => customer_form::form(frame, over, app),
        Some(Overlay::Letter(_)) => letter::letter(frame, over, app),
        Some(Overlay::Decision(_)) => decision_form::form(frame, over, app),
        Some(Overlay::Case(_)) => case::case(frame, over, app),
        Some(Overlay::Queue(_)) => panel_rows = queue::queue(frame, over, app),
        Some(Overlay::Audit(_)) => audit::audit(frame, over, app),
        Some(Overlay::Incidents(_)) => panel_rows = reports::incidents(frame, over, app),
        Some(Overlay::InForce(_)) => panel_rows = reports::in_force(frame, over, app),
        Some(Overlay::Reports(_)) => reports::reports(frame, over, app),
        _ => {}
    }
    let sheet = app
        .overlays
        .iter()
        .any(|o| matches!(o, Overlay::Incident(_) | Overlay::Help(_)));
    if app.pane == Pane::Search && panel.is_none() && !sheet {
        lookup::place_cursor(frame, rows[1], app);
    }
    let help_area = centered(area, 76, 23);
    // The rest are drawn in the stack's order, so the one on top is the one seen whole.
    for o in app.overlays.iter() {
        match o {
            Overlay::Incident(_) => incident_form::form(frame, over, app),
            Overlay::Help(_) => help::help(frame, help_area, app),
            Overlay::Prompt(prompt) => status::prompt(frame, area, app, prompt),
            Overlay::Saved(lines) => status::popup(
                frame,
                area,
                app,
                " Saved ",
                lines,
                "Press any key to carry on.",
            ),
            Overlay::DraftOffer(d) => {
                let who = d
                    .subject
                    .as_ref()
                    .map(|s| s.label())
                    .unwrap_or_else(|| "someone not yet chosen".into());
                let when = d.started_at.map(crate::time::date_time).unwrap_or_default();
                let lines = vec![
                    format!(
                        "An incident you were typing was not saved (started {when}, about {who})."
                    ),
                    "Nothing typed is lost: it was kept on this PC.".to_string(),
                ];
                status::popup(
                    frame,
                    area,
                    app,
                    " Unsaved incident ",
                    &lines,
                    "Enter: carry on with it.   Esc: throw it away (it asks first).",
                );
            }
            Overlay::Queue(_)
            | Overlay::Audit(_)
            | Overlay::Case(_)
            | Overlay::Decision(_)
            | Overlay::Letter(_)
            | Overlay::Customer(_)
            | Overlay::Incidents(_)
            | Overlay::InForce(_)
            | Overlay::Reports(_) => {}
        }
    }
    // Last, so nothing open covers it.
    alert::band(frame, band_area, app);
    Drawn {
        case_scroll_max: app
            .overlays
            .case_view()
            .map_or(u16::MAX, |v| case::max_scroll(v, app, over)),
        letter_scroll_max: app
            .overlays
            .letter()
            .map_or(u16::MAX, |v| letter::max_scroll(v, app, over)),
        card: card_rows,
        too_small: false,
        // Where things are, for the mouse.
        spots: Spots {
            search: Some(spot(rows[1])),
            results: Some(spot(cols[0])),
            result_rows,
            card: Some(spot(cols[1])),
            panel: panel.map(|_| spot(over)),
            panel_rows,
            help: app.overlays.help().map(|_| spot(help_area)),
        },
    }
}

/// A rectangle of the screen as the app knows it (it never uses the drawing library).
pub fn spot(r: Rect) -> Area {
    Area {
        x: r.x,
        y: r.y,
        w: r.width,
        h: r.height,
    }
}

/// Clear `area` and draw a bordered panel titled `title` over it; returns the space inside.
pub fn overlay(frame: &mut Frame, area: Rect, app: &App, title: String) -> Rect {
    let t = &Theme::of(app);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(t.border(true))
        .title(ratatui::text::Span::styled(title, t.title()));
    clear(frame, area, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Paint `area` in the theme's normal look (in monochrome: leave the terminal's own colours).
pub fn paint(frame: &mut Frame, area: Rect, app: &App) {
    let style = Theme::of(app).normal();
    frame.render_widget(ratatui::widgets::Block::default().style(style), area);
}

/// Empty `area` for something drawn over what is there, in the theme's background.
pub fn clear(frame: &mut Frame, area: Rect, app: &App) {
    frame.render_widget(ratatui::widgets::Clear, area);
    paint(frame, area, app);
}

/// A rectangle of at most `w` x `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// `text` broken into lines of at most `width` display columns, at spaces where it can be
/// (a word longer than a line is broken where it must be).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let gap = usize::from(!line.is_empty());
        if !line.is_empty() && line.width() + gap + word.width() > width {
            lines.push(std::mem::take(&mut line));
        } else if gap == 1 {
            line.push(' ');
        }
        let mut rest = word;
        while rest.width() > width {
            let (part, _) = scroll_window(rest, 0, width);
            if part.is_empty() {
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(part.clone());
            rest = &rest[part.len()..];
        }
        line.push_str(rest);
    }
    lines.push(line);
    lines
}

/// A one-line field as it fits in `room` columns, cleaned for display, with its cursor in view:
/// the visible part and the cursor's column in it.
pub fn field_window(input: &tui_input::Input, room: usize) -> (String, usize) {
    scroll_window(&clean(input.value()), input.visual_cursor(), room)
}

/// The part of a one-line text that fits in `room` columns with the cursor (at display column
/// `cursor`) in view, measured in display columns so wide characters (emoji, CJK) never push a
/// row over its edge. Returns the part and the cursor's column in it.
pub fn scroll_window(text: &str, cursor: usize, room: usize) -> (String, usize) {
    use unicode_width::UnicodeWidthChar;
    let room = room.max(2);
    let mut skipped = 0;
    let mut chars = text.chars().peekable();
    // Drop characters from the start until the cursor is inside the room.
    while cursor.saturating_sub(skipped) >= room {
        match chars.next() {
            Some(c) => skipped += c.width().unwrap_or(0).max(1),
            None => break,
        }
    }
    let mut out = String::new();
    let mut used = 0;
    for c in chars {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    (out, cursor.saturating_sub(skipped))
}

/// The keys of a title bar as this PC has them ("d decide, r review, Esc back"): each action's
/// keys from the keymap (the config may have changed them), an action with no key there left
/// out.
pub fn title_keys(
    app: &App,
    ctx: crate::app::keymap::Context,
    items: &[(crate::app::keymap::Action, &str)],
) -> String {
    items
        .iter()
        .filter_map(|(a, what)| {
            let label = app.keys.label(ctx, *a)?;
            let first = label.split(" / ").next().unwrap_or(label);
            Some(format!("{first} {what}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::scroll_window;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn words_wrap_at_spaces_and_a_long_word_is_broken() {
        use super::wrap_words;
        assert_eq!(wrap_words("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap_words("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_words("", 4), vec![""]);
        for l in wrap_words(
            "Ask an admin to run: safedesk staff add x --db \"C:\\S\\x\"",
            12,
        ) {
            assert!(
                unicode_width::UnicodeWidthStr::width(l.as_str()) <= 12,
                "{l}"
            );
        }
    }

    #[test]
    fn a_long_line_shows_the_part_around_the_cursor_in_columns() {
        let text = "abcdefghij";
        assert_eq!(scroll_window(text, 0, 4), ("abcd".to_string(), 0));
        assert_eq!(scroll_window(text, 10, 4), ("hij".to_string(), 3));
        // Wide characters are two columns each: the part never spills over the room.
        let wide = "😀😀😀😀😀😀";
        let (part, at) = scroll_window(wide, 12, 6);
        assert!(part.width() <= 6, "{part}");
        assert!(at < 6);
        let (part, _) = scroll_window("日本語のテキスト", 0, 5);
        assert!(part.width() <= 5, "{part}");
    }
}
