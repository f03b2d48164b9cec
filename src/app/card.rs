//! Moving about a customer's card. Its restrictions, threshold and manager flags stay pinned at
//! the top (the screen does that); the rest, its history, scrolls under them. Only the screen
//! knows how its lines wrap, so it hands back where each incident lies ([`CardRows`], through
//! [`super::Drawn`]) and the keys here keep the highlighted incident in view.

use super::keymap::Action;
use super::App;

/// What the screen last drew of the card's scrolling part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRows {
    /// How far it scrolls before its last line is at the bottom.
    pub scroll_max: u16,
    /// How many of its rows show at once.
    pub page: u16,
    /// The rows each incident takes, newest first (as the cursor counts them): first row and
    /// one past the last.
    pub incidents: Vec<(u16, u16)>,
}

impl Default for CardRows {
    /// Before the first draw nothing is limited.
    fn default() -> CardRows {
        CardRows {
            scroll_max: u16::MAX,
            page: 0,
            incidents: Vec::new(),
        }
    }
}

impl CardRows {
    /// The scroll nearest `scroll` that shows all of incident `n` (its start, when it is taller
    /// than a page).
    fn showing(&self, n: usize, scroll: u16) -> u16 {
        let Some(&(start, end)) = self.incidents.get(n) else {
            return scroll;
        };
        let page = self.page.max(1);
        let s = if start < scroll {
            start
        } else if end > scroll.saturating_add(page) {
            start.min(end - page)
        } else {
            scroll
        };
        s.min(self.scroll_max)
    }

    /// The first incident with a row in view at `scroll`.
    fn first_in_view(&self, scroll: u16) -> Option<usize> {
        let bottom = scroll.saturating_add(self.page.max(1));
        self.incidents
            .iter()
            .position(|&(start, end)| end > scroll && start < bottom)
    }
}

impl App {
    /// Keys on the card; true when the key was the card's. Up and Down move the highlight from
    /// incident to incident, the view following it; where the highlighted incident is not all
    /// in view, or past the first or the last incident, they scroll a line, so the end of the card (restrictions, decisions, letters) can be read;
    /// PgUp and PgDn scroll a page, the highlight moving to the first incident in view; Home
    /// and End go to the top and to the end.
    pub(super) fn card_key(&mut self, action: Action) -> bool {
        let n = self.card_history().map_or(0, |h| h.incidents.len());
        let rows = &self.drawn.card;
        let page = rows.page.max(1);
        let mut scroll = self.card_scroll.min(rows.scroll_max);
        let mut cursor = self.card_cursor.min(n.saturating_sub(1));
        let here = rows.incidents.get(cursor).copied();
        match action {
            // The rest of a long incident first, then the next one.
            Action::Down if here.is_some_and(|(_, end)| end > scroll.saturating_add(page)) => {
                scroll = scroll.saturating_add(1).min(rows.scroll_max);
            }
            Action::Down if cursor + 1 < n => {
                cursor += 1;
                scroll = rows.showing(cursor, scroll);
            }
            Action::Down => scroll = scroll.saturating_add(1).min(rows.scroll_max),
            // Back up to the top of the highlighted incident (or from past the last one) first.
            Action::Up if here.is_some_and(|(start, _)| start < scroll) => scroll -= 1,
            Action::Up if cursor > 0 => {
                cursor -= 1;
                scroll = rows.showing(cursor, scroll);
            }
            Action::Up => scroll = scroll.saturating_sub(1),
            Action::PageDown | Action::PageUp => {
                scroll = if action == Action::PageDown {
                    scroll.saturating_add(page.saturating_sub(1).max(1))
                } else {
                    scroll.saturating_sub(page.saturating_sub(1).max(1))
                }
                .min(rows.scroll_max);
                if let Some(i) = rows.first_in_view(scroll) {
                    cursor = i;
                }
            }
            Action::Top => {
                scroll = 0;
                cursor = 0;
            }
            Action::Bottom => {
                scroll = rows.scroll_max;
                cursor = n.saturating_sub(1);
            }
            _ => return false,
        }
        self.card_scroll = scroll;
        self.card_cursor = cursor;
        true
    }

    /// The wheel over the card: scroll `lines` down or up, the highlight moving to the first
    /// incident in view when its own leaves the view.
    pub(super) fn card_wheel(&mut self, down: bool, lines: u16) {
        let n = self.card_history().map_or(0, |h| h.incidents.len());
        let rows = &self.drawn.card;
        let scroll = self.card_scroll.min(rows.scroll_max);
        let scroll = if down {
            scroll.saturating_add(lines).min(rows.scroll_max)
        } else {
            scroll.saturating_sub(lines)
        };
        let bottom = scroll.saturating_add(rows.page.max(1));
        let cursor = self.card_cursor.min(n.saturating_sub(1));
        let seen = rows
            .incidents
            .get(cursor)
            .is_some_and(|&(start, end)| end > scroll && start < bottom);
        if !seen {
            if let Some(i) = rows.first_in_view(scroll) {
                self.card_cursor = i;
            }
        }
        self.card_scroll = scroll;
    }
}
