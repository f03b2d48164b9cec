//! The reporter hears back: one item per event however many of their incidents it concerns,
//! newest first. Each engine reads the events (one row per event and incident).

use crate::domain::{HeardBack, News};
use std::collections::HashMap;

/// One item per event (of `rows`, one per event and incident, `others` 0): the newest of their
/// incidents in it, and how many others; newest first, the first `limit`, and how many more.
pub fn one_per_event(rows: Vec<News>, limit: usize) -> HeardBack {
    let mut by_event: HashMap<String, News> = HashMap::new();
    for r in rows {
        match by_event.get_mut(&r.event) {
            Some(kept) => {
                let others = kept.others + usize::from(kept.incident != r.incident);
                if r.occurred_at > kept.occurred_at {
                    *kept = r;
                }
                kept.others = others;
            }
            None => {
                by_event.insert(r.event.clone(), r);
            }
        }
    }
    let mut items: Vec<News> = by_event.into_values().collect();
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.event.cmp(&a.event)));
    let more = items.len().saturating_sub(limit);
    items.truncate(limit);
    HeardBack { items, more }
}
