//! The reporter hears back: the news about incidents this person logged, on their start screen
//! (the card pane while nothing is searched for) until they dismiss it. Typing always searches:
//! the list is reached with Tab (or `n`) and answers only then.

use super::keymap::Action;
use super::{App, Notice, Pane};
use crate::domain::HeardBack;
use crate::sync::protocol::Request;

/// The news as the app holds it: the store's list and the one highlighted.
#[derive(Debug, Clone, Default)]
pub struct NewsList {
    pub news: HeardBack,
    pub cursor: usize,
    /// Dismissed here, not yet gone from the store's answer: kept off the screen meanwhile.
    pending: Vec<String>,
    /// The store's first answer has come (the screen-reader mode waits for it before the first
    /// line typed, so "dismiss 1" piped in finds the news).
    pub arrived: bool,
}

impl NewsList {
    /// The items to show, newest first.
    pub fn items(&self) -> impl Iterator<Item = &crate::domain::News> {
        self.news
            .items
            .iter()
            .filter(|n| !self.pending.contains(&n.event))
    }

    pub fn len(&self) -> usize {
        self.items().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What was dismissed here and could not be written shows again.
    pub fn show_again(&mut self) {
        self.pending.clear();
    }

    /// How many in all, shown or not (the store sends the newest only).
    pub fn total(&self) -> usize {
        self.len() + self.news.more
    }
}

impl App {
    /// The start screen shows the news: nothing is searched for and there is some.
    pub fn news_showing(&self) -> bool {
        self.query().trim().is_empty() && !self.news.is_empty()
    }

    /// The news list has the keys (it is shown, and Tab or `n` moved there).
    pub fn news_focused(&self) -> bool {
        self.pane == Pane::Card && self.news_showing()
    }

    /// The news in sentences, newest first, as the screen and the screen reader say them.
    pub fn news_sentences(&self) -> Vec<String> {
        self.news
            .items()
            .map(|n| self.policy.news_sentence(n))
            .collect()
    }

    /// The heading over the news: how many incidents you logged have news.
    pub fn news_heading(&self) -> String {
        match self.news.total() {
            1 => "1 incident you logged has news:".to_string(),
            n => format!("{n} incidents you logged have news:"),
        }
    }

    /// The store's news arrived (at the start, after any change).
    pub(super) fn news_arrived(&mut self, news: HeardBack) {
        let list = &mut self.news;
        list.pending
            .retain(|e| news.items.iter().any(|n| &n.event == e));
        list.news = news;
        list.arrived = true;
        list.cursor = list.cursor.min(list.len().saturating_sub(1));
    }

    /// Go to the news (its own key): a search on screen is cleared first.
    pub(super) fn go_to_news(&mut self) {
        if !self.query().is_empty() {
            self.search = tui_input::Input::default();
            self.query_changed();
        }
        if self.news.is_empty() {
            self.notice = Some(Notice::Info(
                "There is no news about incidents you logged.".into(),
            ));
            self.pane = Pane::Search;
        } else {
            self.pane = Pane::Card;
        }
    }

    /// Dismiss the piece of news at `index` (counted from 0): gone from the screen now, and from
    /// every PC once the shared database has it.
    pub fn dismiss_news_at(&mut self, index: usize) -> bool {
        let Some(event) = self.news.items().nth(index).map(|n| n.event.clone()) else {
            return false;
        };
        self.news.pending.push(event.clone());
        self.requests.push(Request::DismissNews {
            events: vec![event],
        });
        let len = self.news.len();
        self.news.cursor = self.news.cursor.min(len.saturating_sub(1));
        if len == 0 {
            self.pane = Pane::Search;
            self.notice = Some(Notice::Info(
                "No more news: the start screen shows the customer card again.".into(),
            ));
        }
        true
    }

    /// A key while the news has the keys; false when it is not the news's.
    pub(super) fn news_key(&mut self, action: Action) -> bool {
        let last = self.news.len().saturating_sub(1);
        let cursor = &mut self.news.cursor;
        match action {
            Action::Up => *cursor = cursor.saturating_sub(1),
            Action::Down => *cursor = (*cursor + 1).min(last),
            Action::PageUp => *cursor = cursor.saturating_sub(5),
            Action::PageDown => *cursor = (*cursor + 5).min(last),
            Action::Top => *cursor = 0,
            Action::Bottom => *cursor = last,
            Action::DismissNews => {
                let at = self.news.cursor;
                self.dismiss_news_at(at);
            }
            _ => return false,
        }
        true
    }
}
