//! The first-run screens (`app::first_run`): what safedesk needs and the three ways on, then the
//! path (and for a new database, the person's name). Drawing only.

use super::theme::Theme;
use super::wrap_words;
use crate::app::first_run::{Choice, Field, FirstRun, Screen, INTRO};
use crate::app::Notice;
use crate::text::clean;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// The smallest window the first run is drawn in; smaller ones get a sentence saying so.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Draw the screen showing now.
pub fn draw(frame: &mut Frame, f: &FirstRun) {
    let area = frame.area();
    let t = Theme { name: f.theme };
    // The whole screen in the theme's own background: no text sits on the terminal's.
    frame.render_widget(ratatui::widgets::Block::default().style(t.normal()), area);
    let drawn = if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        false
    } else {
        match f.screen {
            Screen::Choose => choose(frame, area, f, &t),
            Screen::Path => path(frame, area, f, &t),
        }
    };
    if !drawn {
        let text = format!(
            "The window is too small for safedesk's first start ({}x{}). Make it at least {MIN_WIDTH}x{MIN_HEIGHT} characters. Press Esc or Ctrl-C to quit.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(t.warning())
                .wrap(Wrap { trim: true }),
            area,
        );
    }
}

/// Words wrapped to `width`, each row one line in `style`, after `indent` spaces.
fn wrapped(text: &str, width: usize, indent: usize, style: Style) -> Vec<Line<'static>> {
    wrap_words(&clean(text), width.saturating_sub(indent))
        .into_iter()
        .map(|l| Line::styled(format!("{}{l}", " ".repeat(indent)), style))
        .collect()
}

fn heading(title: &str, t: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(" safedesk ", t.title()),
        Span::styled(format!(" {title}"), t.heading()),
    ])
}

fn message(f: &FirstRun, width: usize, t: &Theme) -> Vec<Line<'static>> {
    match &f.message {
        Some(Notice::Error(m)) => wrapped(m, width, 0, t.error()),
        Some(Notice::Info(m)) => wrapped(m, width, 0, t.warning()),
        None => Vec::new(),
    }
}

fn keys(items: &[(&str, &str)], t: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (k, d) in items {
        spans.push(Span::styled(format!(" {k}"), t.key()));
        spans.push(Span::raw(format!(" {d} ")));
    }
    Line::from(spans)
}

/// The first screen; false when it does not fit. A short window loses the blank lines, then
/// the choices' details.
fn choose(frame: &mut Frame, area: Rect, f: &FirstRun, t: &Theme) -> bool {
    let width = usize::from(area.width.saturating_sub(2));
    let footer = keys(
        &[
            ("d c e", "choose"),
            ("Up/Down", "move"),
            ("Enter", "take the highlighted one"),
            ("q Esc", "quit"),
        ],
        t,
    );
    [(true, true), (false, true), (false, false)]
        .into_iter()
        .any(|(gaps, details)| {
            let lines = choose_lines(f, width, t, gaps, details);
            place(frame, area, lines, footer.clone())
        })
}

fn choose_lines(
    f: &FirstRun,
    width: usize,
    t: &Theme,
    gaps: bool,
    details: bool,
) -> Vec<Line<'static>> {
    let gap = |lines: &mut Vec<Line<'static>>| {
        if gaps {
            lines.push(Line::raw(""));
        }
    };
    let mut lines = vec![heading("First start on this PC", t)];
    gap(&mut lines);
    for (i, p) in INTRO.iter().enumerate() {
        let style = if i + 1 == INTRO.len() {
            t.heading()
        } else {
            t.normal()
        };
        lines.extend(wrapped(p, width, 0, style));
        gap(&mut lines);
    }
    for (i, c) in Choice::ALL.iter().enumerate() {
        let on = i == f.selected;
        let style = if on { t.selected() } else { t.normal() };
        lines.push(Line::from(vec![
            Span::styled(if on { "> " } else { "  " }, style),
            Span::styled(format!("{}", c.key()), t.key()),
            Span::styled(format!("  {}", c.title()), style),
        ]));
        if details {
            lines.extend(wrapped(c.detail(), width, 5, t.dim()));
        }
    }
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled("q", t.key()),
        Span::raw("  Quit, changing nothing"),
    ]));
    gap(&mut lines);
    lines.extend(message(f, width, t));
    lines
}

/// The lines from the top and the keys on the last row; false when they do not fit.
fn place(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, footer: Line<'static>) -> bool {
    if lines.len() + 1 > usize::from(area.height) {
        return false;
    }
    let body = Rect::new(
        area.x + 1,
        area.y,
        area.width.saturating_sub(2),
        area.height - 1,
    );
    frame.render_widget(Paragraph::new(lines), body);
    frame.render_widget(
        Paragraph::new(footer),
        Rect::new(area.x, area.y + area.height - 1, area.width, 1),
    );
    true
}

/// The second screen; false when it does not fit. A short window loses the line saying where
/// the path is saved, then the blank lines.
fn path(frame: &mut Frame, area: Rect, f: &FirstRun, t: &Theme) -> bool {
    let width = usize::from(area.width.saturating_sub(2));
    let go = if f.offer_existing.is_some() || f.choice == Choice::Existing {
        "use it"
    } else {
        "create it"
    };
    let mut items = vec![("Enter", go)];
    if f.fields().len() > 1 {
        items.push(("Tab", "next box"));
    }
    items.extend([("Esc", "back"), ("Ctrl-C", "quit")]);
    let footer = keys(&items, t);
    for (saved, gaps) in [(true, true), (false, true), (false, false)] {
        let (lines, boxes) = path_lines(f, width, t, saved, gaps);
        if !place(frame, area, lines, footer.clone()) {
            continue;
        }
        for (field, row) in boxes {
            input_box(frame, area, f, t, field, row);
        }
        return true;
    }
    false
}

/// The second screen's lines, with room left for each box: (field, the row of its top border).
fn path_lines(
    f: &FirstRun,
    width: usize,
    t: &Theme,
    saved: bool,
    gaps: bool,
) -> (Vec<Line<'static>>, Vec<(Field, usize)>) {
    let mut lines = vec![heading(f.choice.title(), t)];
    if gaps {
        lines.push(Line::raw(""));
    }
    let mut boxes = Vec::new();
    for field in f.fields() {
        lines.extend(wrapped(&f.prompt(*field), width, 0, t.normal()));
        boxes.push((*field, lines.len()));
        lines.extend([Line::raw(""), Line::raw(""), Line::raw("")]);
        if gaps {
            lines.push(Line::raw(""));
        }
    }
    if saved {
        let saved = format!(
            "The path is saved for this PC in {}, so safedesk opens it from now on.",
            f.config_file
        );
        lines.extend(wrapped(&saved, width, 0, t.dim()));
        lines.push(Line::raw(""));
    }
    lines.extend(message(f, width, t));
    (lines, boxes)
}

/// One box: its label (marked "> " when it has the keyboard), the end of a long value, the cursor.
fn input_box(frame: &mut Frame, area: Rect, f: &FirstRun, t: &Theme, field: Field, row: usize) {
    let focused = field == f.focus;
    let rect = Rect::new(
        area.x + 1,
        area.y + row as u16,
        area.width.saturating_sub(2),
        3,
    );
    let label = format!(
        "{}{} ",
        if focused { " > " } else { " " },
        FirstRun::label(field)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(label);
    let input = f.input(field);
    let inner = usize::from(rect.width.saturating_sub(3)).max(1);
    let scroll = input.visual_scroll(inner);
    let shown: String = clean(input.value()).chars().skip(scroll).collect();
    frame.render_widget(Paragraph::new(shown).block(block), rect);
    if focused {
        let x = input.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position(Position::new(rect.x + 1 + x, rect.y + 1));
    }
}
