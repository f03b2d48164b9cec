//! Changing a customer's details: a row per field, the newer details when someone else changed
//! them meanwhile, and the keys.

use super::theme::Theme;
use crate::app::customer::CustomerField;
use crate::app::App;
use crate::text::clean;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

const LABEL: usize = 17;

pub fn form(frame: &mut Frame, area: Rect, app: &App) {
    let Some(f) = app.overlays.customer_form() else {
        return;
    };
    let t = &Theme::of(app);
    let inner = super::overlay(
        frame,
        area,
        app,
        format!(" Customer details: {} ", clean(&f.customer_name)),
    );
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    for (i, field) in CustomerField::ALL.iter().enumerate() {
        let focused = i == f.focus;
        let input = &f.inputs[i];
        let room = width.saturating_sub(LABEL + 1).max(2);
        // A long value shows the part around the cursor while it is being typed.
        let (visible, at) = if focused {
            super::field_window(input, room)
        } else {
            super::scroll_window(&clean(input.value()), 0, room)
        };
        if focused {
            cursor = Some((lines.len(), LABEL + 1 + at));
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{}{:<LABEL$}",
                    if focused { '>' } else { ' ' },
                    field.label()
                ),
                if focused { t.selected() } else { t.key() },
            ),
            Span::raw(visible),
        ]));
    }
    lines.push(Line::from(""));
    if let Some(n) = &f.newer {
        lines.push(Line::from(Span::styled(clean(n), t.warning())));
        lines.push(Line::from("Nothing you typed is lost."));
    }
    if f.confirm_discard {
        lines.push(Line::from(Span::styled(
            "Throw away your changes? y: yes. Any other key: carry on.",
            t.warning(),
        )));
    } else if let Some(m) = &f.message {
        lines.push(Line::from(Span::styled(
            clean(m),
            if f.saving { t.dim() } else { t.error() },
        )));
    }
    lines.push(Line::from(Span::styled(
        "Tab/Up/Down move  Ctrl-S save  Esc cancel   ; separates names, numbers, emails or address lines   Space on Letters: standard, large print, easy read or both",
        t.dim(),
    )));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((r, c)) = cursor {
        frame.set_cursor_position(Position::new(
            inner.x + (c as u16).min(inner.width.saturating_sub(1)),
            inner.y + r as u16,
        ));
    }
}
