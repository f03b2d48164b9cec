//! The start screen's news: what became of the incidents this person logged, where the card
//! shows while nothing is searched for. One sentence each, newest first; the highlighted one is
//! dismissed with `d` once Tab (or `n`) has moved here.

use super::theme::Theme;
use crate::app::keymap::Action;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// The keys for it, as this PC has them.
fn key(app: &App, a: Action) -> String {
    app.keys
        .bindings(crate::app::keymap::Context::Card)
        .find(|b| b.action == a)
        .map(|b| b.label.to_string())
        .unwrap_or_else(|| "?".into())
}

pub fn news(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
    let focused = app.news_focused();
    let title = format!(" News on incidents you logged ({}) ", app.news.total());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(t.pane_title(&title, focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 4 {
        return;
    }
    // The last line says how to use it (and how many more there are).
    let more = app.news.news.more;
    let hint = if focused {
        format!(
            "{}: dismiss   Up/Down: move   /: search{}",
            key(app, Action::DismissNews),
            if more > 0 {
                format!("   {more} more")
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "Tab or {}: go here to dismiss{}",
            key(app, Action::News),
            if more > 0 {
                format!(" ({more} more)")
            } else {
                String::new()
            }
        )
    };
    let hint_area = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            super::lookup::truncate(&hint, inner.width as usize),
            t.dim(),
        )),
        hint_area,
    );
    let list = Rect {
        height: inner.height - 1,
        ..inner
    };
    let sentences = app.news_sentences();
    let cursor = app.news.cursor.min(sentences.len().saturating_sub(1));
    let paragraphs: Vec<Paragraph> = sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let here = focused && i == cursor;
            let style = if here { t.selected() } else { t.normal() };
            Paragraph::new(Line::from(vec![
                Span::styled(if here { "> " } else { "- " }, style),
                Span::styled(s.clone(), style),
            ]))
            .wrap(Wrap { trim: true })
        })
        .collect();
    let heights: Vec<u16> = paragraphs
        .iter()
        .map(|p| p.line_count(list.width) as u16)
        .collect();
    // The first shown: as early as lets the highlighted one be seen whole (or from its top).
    let mut first = 0;
    while first < cursor && heights[first..=cursor].iter().sum::<u16>() > list.height {
        first += 1;
    }
    let mut y = list.y;
    for (p, h) in paragraphs.into_iter().zip(&heights).skip(first) {
        let left = list.y + list.height - y;
        if left == 0 {
            break;
        }
        frame.render_widget(
            p,
            Rect {
                y,
                height: (*h).min(left),
                ..list
            },
        );
        y += (*h).min(left);
    }
}
