//! The help popup: the keys of the layer it was opened over, filled from the key table so it
//! always tells the truth. It is modal: while it is open nothing behind it changes.

use super::theme::Theme;
use crate::app::keymap::{Action, Context};
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub fn help(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
    let Some(view) = app.overlays.help() else {
        return;
    };
    let over = view.over;
    let keys = &app.keys;
    // How to close it: the keys for Back and Help over the help itself.
    let closing = [Action::Back, Action::Help][..if over.typing() { 1 } else { 2 }]
        .iter()
        .filter_map(|a| keys.label(Context::Help, *a))
        .collect::<Vec<_>>()
        .join(" or ");
    let mut lines = vec![Line::from(Span::styled(
        format!("The keys for {} ({closing} to close)", over.name()),
        t.heading(),
    ))];
    let here: Vec<_> = keys.bindings(over).collect();
    let width = here.iter().map(|b| b.label.len()).max().unwrap_or(8);
    for b in &here {
        let mut spans = vec![
            Span::styled(format!("{:>width$}  ", b.label), t.key()),
            Span::raw(b.desc),
        ];
        if b.changed {
            spans.push(Span::styled(" (changed in the config)", t.dim()));
        }
        if let (Some(who), Err(_)) = (b.needs.who(), app.allows(b.needs)) {
            spans.push(Span::styled(format!(" (for {who} only)"), t.dim()));
        }
        lines.push(Line::from(spans));
    }
    if over.typing() {
        let help = keys.label(over, Action::Help).unwrap_or("F1");
        lines.push(Line::from(Span::styled(
            format!("Letters and numbers type here; {help} shows this help."),
            t.dim(),
        )));
    }
    if over == Context::Search {
        let back = keys.label(Context::Search, Action::Back).unwrap_or("Esc");
        lines.push(Line::from(Span::styled(
            format!("{back} leaves the search box for the results, where single letters are keys."),
            t.dim(),
        )));
    }
    if keys.any_changed() {
        lines.push(Line::from(Span::styled(
            "Some keys were changed in this PC's config file ([keys]); safedesk config keys lists them all.",
            t.dim(),
        )));
    }
    // Long descriptions wrap: count the rows they take at this width.
    let inner = area.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let fits = rows + 2 <= area.height as usize;
    let max = (rows + 2).saturating_sub(area.height as usize) as u16;
    let title = if fits {
        " Help ".to_string()
    } else {
        " Help - Up/Down to scroll ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(title, t.title()));
    super::clear(frame, area, app);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.scroll.min(max), 0))
            .block(block),
        area,
    );
}
