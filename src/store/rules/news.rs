//! The reporter hears back: one item per event however many of their incidents it concerns,
//! newest first. Each engine reads the events (one row per event and incident).

use crate::domain::{HeardBack, News};
use std::collections::HashMap;

/// One item per event (of `rows`, one per event and incident, `others` 0): the newest of their
/// incidents in it (of equals, the greatest id), and how many others; newest first, the first
/// `limit`, and how many more.
pub fn one_per_event(rows: Vec<News>, limit: usize) -> HeardBack {
    let mut by_event: HashMap<String, News> = HashMap::new();
    for r in rows {
        match by_event.get_mut(&r.event) {
            Some(kept) => {
                let others = kept.others + usize::from(kept.incident != r.incident);
                // The newest; of two at the same moment, the one with the greater id, so
                // the item is the same whichever order an engine reads the rows in.
                if (r.occurred_at, r.incident) > (kept.occurred_at, kept.incident) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{new_id, CaseReason, Id, NewsKind};
    use chrono::{DateTime, Duration, TimeZone, Utc};

    fn base() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    /// News of `event` at `hours` after the base, about `incident` that happened `ago` hours
    /// before it.
    fn news(event: &str, hours: i64, incident: Id, ago: i64) -> News {
        News {
            event: event.into(),
            at: base() + Duration::hours(hours),
            incident,
            occurred_at: base() - Duration::hours(ago),
            customer_name: "Tunde Okafor".into(),
            category: "verbal_abuse".into(),
            others: 0,
            kind: NewsKind::SentToManager {
                reason: CaseReason::Threshold,
            },
        }
    }

    #[test]
    fn an_event_about_several_incidents_names_the_newest_and_counts_the_others() {
        let (old, new, other) = (new_id(), new_id(), new_id());
        let rows = vec![
            news("case:a", 1, old, 30),
            news("case:a", 1, new, 2),
            news("case:a", 1, old, 30),
            news("case:b", 2, other, 5),
        ];
        let heard = one_per_event(rows.clone(), 1);
        assert_eq!(heard.more, 1);
        assert_eq!(heard.items[0].event, "case:b");
        let all = one_per_event(rows, 5);
        assert_eq!(all.items.len(), 2);
        assert_eq!((all.items[1].incident, all.items[1].others), (new, 2));
    }
}
