//! A letter's preview: the letter as it will be printed, the paragraph the manager adds, and
//! the keys to edit and save it.

use super::incident_form::wrap;
use super::theme::Theme;
use crate::app::letter::LetterView;
use crate::app::App;
use crate::text::clean;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// How far the letter in a panel of `area` can scroll before its end comes into view.
pub fn max_scroll(v: &LetterView, app: &App, area: Rect) -> u16 {
    // Inside the panel's border, below the notes and above the two lines of keys.
    let width = usize::from(area.width.saturating_sub(2).max(1));
    let notes: usize = match &app.letter_kit {
        Ok(kit) => v
            .notes(kit)
            .iter()
            .map(|n| {
                UnicodeWidthStr::width(clean(n).as_str())
                    .div_ceil(width)
                    .max(1)
            })
            .sum(),
        Err(_) => 0,
    };
    let view = usize::from(area.height.saturating_sub(2 + 2)).saturating_sub(notes);
    let rows: usize = v
        .rendered
        .as_deref()
        .unwrap_or("")
        .lines()
        .map(|l| UnicodeWidthStr::width(l).div_ceil(width).max(1))
        .sum();
    rows.saturating_sub(view) as u16
}

pub fn letter(frame: &mut Frame, area: Rect, app: &App) {
    let Some(v) = app.overlays.letter() else {
        return;
    };
    let t = &Theme::of(app);
    let title = format!(
        " Letter: {} to {} ",
        v.kind.label(),
        clean(&v.customer_name)
    );
    let inner = super::overlay(frame, area, app, title);
    if inner.height < 6 {
        return;
    }
    let edit_h: u16 = if v.editing { 6 } else { 0 };
    // What the manager must know before saving (never printed), above the letter.
    let notes: Vec<Line> = match &app.letter_kit {
        Ok(kit) => v
            .notes(kit)
            .into_iter()
            .enumerate()
            .map(|(i, n)| {
                Line::from(Span::styled(
                    clean(&n),
                    if i == 0 { t.key() } else { t.warning() },
                ))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let notes_h = {
        let w = usize::from(inner.width.max(1));
        let rows: usize = notes.iter().map(|l| l.width().div_ceil(w).max(1)).sum();
        (rows as u16).min(inner.height.saturating_sub(2 + edit_h + 2))
    };
    frame.render_widget(
        Paragraph::new(notes).wrap(Wrap { trim: true }),
        Rect {
            height: notes_h,
            ..inner
        },
    );
    let inner = Rect {
        y: inner.y + notes_h,
        height: inner.height - notes_h,
        ..inner
    };
    let body_h = inner.height.saturating_sub(2 + edit_h);
    let body = Rect {
        height: body_h,
        ..inner
    };
    match &v.rendered {
        Ok(text) => {
            // Shown as it will print: headings and bold without their Markdown marks.
            let lines: Vec<Line> = text
                .lines()
                .map(|l| {
                    let plain = clean(&l.replace('\\', ""));
                    let heading = plain.starts_with('#');
                    let bold = plain.starts_with("**") && plain.ends_with("**") && plain.len() > 4;
                    let text = plain.trim_start_matches('#').trim_start().replace("**", "");
                    if heading || bold {
                        Line::from(Span::styled(text, t.heading()))
                    } else {
                        Line::from(text)
                    }
                })
                .collect();
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .scroll((v.scroll, 0)),
                body,
            );
        }
        Err(e) => frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled("This letter cannot be made:", t.error())),
                Line::from(clean(e)),
            ])
            .wrap(Wrap { trim: true }),
            body,
        ),
    }
    if v.editing {
        let r = Rect {
            y: inner.y + body_h,
            height: edit_h,
            ..inner
        };
        let b = Block::default()
            .borders(Borders::TOP)
            .border_style(t.border(true))
            .title(Span::styled(
                " Your paragraph (Enter new line, Esc done) ",
                t.key(),
            ));
        let text_area = b.inner(r);
        frame.render_widget(b, r);
        let w = text_area.width.max(1) as usize;
        let value = crate::text::sanitise_for_display(v.free_text.value(), true);
        let (lines, (row, col)) = wrap(&value, w, v.free_text.cursor());
        let h = text_area.height as usize;
        let start = (row + 1).saturating_sub(h);
        frame.render_widget(
            Paragraph::new(
                lines
                    .iter()
                    .skip(start)
                    .take(h)
                    .map(|l| Line::from(l.clone()))
                    .collect::<Vec<_>>(),
            ),
            text_area,
        );
        frame.set_cursor_position(Position::new(
            text_area.x + (col as u16).min(text_area.width.saturating_sub(1)),
            text_area.y + (row - start) as u16,
        ));
    }
    let foot = Rect {
        y: inner.y + inner.height - 2,
        height: 2,
        ..inner
    };
    let status = if v.confirm_discard {
        Line::from(Span::styled(
            "Throw away this letter and your paragraph? y: yes. Any other key: carry on.",
            t.warning(),
        ))
    } else if v.saving {
        Line::from(Span::styled("Saving...", t.dim()))
    } else {
        Line::from(format!(
            "s saves it as \"{}.md\" (and .html to print) in {}",
            clean(&v.stem()),
            match &app.letter_kit {
                Ok(k) => clean(&k.dir.display().to_string()),
                Err(_) => String::new(),
            }
        ))
    };
    let keys = Line::from(Span::styled(
        if v.editing {
            "Type your paragraph   Esc done   Ctrl-S save the letter"
        } else {
            "e add or edit your paragraph   Up/Down scroll   s save   Esc close"
        },
        t.dim(),
    ));
    frame.render_widget(Paragraph::new(vec![status, keys]), foot);
}
