//! The mouse, where the terminal reports it: a click on a pane gives it the keyboard, a click on
//! a row of a list selects it (a click on the row already selected opens it, as Enter does),
//! and the wheel scrolls what is under the pointer. Nothing needs the mouse: each of these is a
//! key too.
//!
//! The app never knows the screen, but the screen says where it drew things ([`Spots`], handed
//! back through [`super::Drawn`] after each draw), as plain numbers.

use super::keymap::{Action, Context};
use super::{App, Overlay, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

/// A rectangle of the screen, in cells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

impl Area {
    pub fn contains(&self, col: u16, row: u16) -> bool {
        col >= self.x
            && row >= self.y
            && u32::from(col) < u32::from(self.x) + u32::from(self.w)
            && u32::from(row) < u32::from(self.y) + u32::from(self.h)
    }
}

/// A list as drawn: where its rows are, the index of the first one shown, and how many screen
/// rows each takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListSpot {
    pub rows: Area,
    pub first: usize,
    pub height: u16,
    /// How many rows the list has in all (none past the last can be clicked).
    pub len: usize,
}

impl ListSpot {
    /// The index of the row at this cell, if a row is there.
    pub fn index_at(&self, col: u16, row: u16) -> Option<usize> {
        if !self.rows.contains(col, row) {
            return None;
        }
        let i = self.first + usize::from((row - self.rows.y) / self.height.max(1));
        (i < self.len).then_some(i)
    }
}

/// Where the screen last drew what the mouse can reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spots {
    pub search: Option<Area>,
    pub results: Option<Area>,
    pub result_rows: Option<ListSpot>,
    pub card: Option<Area>,
    /// The panel over the panes (the queue, a case, a list, the letter), and its list's rows.
    pub panel: Option<Area>,
    pub panel_rows: Option<ListSpot>,
    pub help: Option<Area>,
}

/// Rows the wheel scrolls a page of text (the card, a case, the letter, the help) by a notch.
const WHEEL_LINES: usize = 3;

impl App {
    /// A mouse event from the terminal.
    pub fn on_mouse(&mut self, m: MouseEvent) {
        if self.drawn.too_small {
            return;
        }
        let spots = self.drawn.spots.clone();
        let (col, row) = (m.column, m.row);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => self.click(&spots, col, row),
            MouseEventKind::ScrollDown => self.wheel(&spots, col, row, true),
            MouseEventKind::ScrollUp => self.wheel(&spots, col, row, false),
            _ => {}
        }
    }

    fn click(&mut self, spots: &Spots, col: u16, row: u16) {
        match self.context() {
            Context::Search | Context::Results | Context::Card => {
                if let Some(i) = spots.result_rows.and_then(|l| l.index_at(col, row)) {
                    if self.pane == Pane::Results && i == self.selected {
                        self.perform(Action::Open);
                    } else {
                        self.pane = Pane::Results;
                        self.select(i);
                    }
                } else if spots.search.is_some_and(|a| a.contains(col, row)) {
                    self.pane = Pane::Search;
                } else if spots.results.is_some_and(|a| a.contains(col, row)) {
                    self.pane = Pane::Results;
                } else if spots.card.is_some_and(|a| a.contains(col, row)) {
                    self.pane = Pane::Card;
                }
            }
            Context::Queue | Context::Incidents | Context::InForce => {
                let Some(i) = spots.panel_rows.and_then(|l| l.index_at(col, row)) else {
                    return;
                };
                let Some(current) = self.list_selected() else {
                    return;
                };
                if i == current {
                    self.perform(Action::Open);
                } else {
                    let (action, n) = if i > current {
                        (Action::Down, i - current)
                    } else {
                        (Action::Up, current - i)
                    };
                    for _ in 0..n {
                        self.perform(action);
                    }
                }
            }
            _ => {}
        }
    }

    /// The row selected in the list on top.
    fn list_selected(&self) -> Option<usize> {
        match self.overlays.top()? {
            Overlay::Queue(q) => Some(q.selected),
            Overlay::Incidents(v) => Some(v.selected),
            Overlay::InForce(v) => Some(v.selected),
            _ => None,
        }
    }

    fn wheel(&mut self, spots: &Spots, col: u16, row: u16, down: bool) {
        let step = if down { Action::Down } else { Action::Up };
        match self.context() {
            Context::Help => {
                for _ in 0..WHEEL_LINES {
                    self.perform(step);
                }
            }
            Context::Letter if self.overlays.letter().is_some_and(|l| !l.editing) => {
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                for _ in 0..WHEEL_LINES {
                    self.letter_key(KeyEvent::new(code, KeyModifiers::NONE));
                }
            }
            Context::Case => {
                for _ in 0..WHEEL_LINES {
                    self.perform(step);
                }
            }
            Context::Queue
            | Context::Incidents
            | Context::InForce
            | Context::Reports
            | Context::Audit
                if spots.panel.is_some_and(|a| a.contains(col, row)) =>
            {
                self.perform(step);
            }
            Context::Search | Context::Results | Context::Card => {
                if spots.results.is_some_and(|a| a.contains(col, row)) && !self.results.is_empty() {
                    let to = if down {
                        self.selected + 1
                    } else {
                        self.selected.saturating_sub(1)
                    };
                    self.select(to);
                } else if spots.card.is_some_and(|a| a.contains(col, row)) {
                    self.card_wheel(down, WHEEL_LINES as u16);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_in_a_row_of_a_list_only_where_a_row_is() {
        let l = ListSpot {
            rows: Area {
                x: 2,
                y: 5,
                w: 10,
                h: 6,
            },
            first: 4,
            height: 2,
            len: 6,
        };
        assert_eq!(l.index_at(2, 5), Some(4));
        assert_eq!(l.index_at(11, 6), Some(4));
        assert_eq!(l.index_at(3, 7), Some(5));
        // Past the last row, and outside the list.
        assert_eq!(l.index_at(3, 9), None);
        assert_eq!(l.index_at(12, 5), None);
        assert_eq!(l.index_at(1, 5), None);
        assert_eq!(l.index_at(3, 4), None);
        assert!(!Area::default().contains(0, 0));
    }
}
