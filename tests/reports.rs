//! Reports and lists (issue 17): the reports pane on the demo data at 80x24 and 120x40, the
//! figures against direct counts, the files to send (CSV totals, small counts suppressed, the
//! printable page in a headless browser), the incidents list (reception sees only their own,
//! the filters) and bad input (an empty database, a month with no incidents, dates backwards or
//! in the future).

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::printable::assert_fits_a4;
use common::screen::app_as;
use common::world::opts;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::App;
use safedesk::domain::{last_months, Actor, IncidentFilter, IncidentQuery, Report, Role};
use safedesk::policy::Policy;
use safedesk::store::{SqliteStore, Store};
use safedesk::sync::{Reply, Request};
use std::path::Path;

/// The demo's clock: its data is generated relative to this instant, so every figure is fixed.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

fn today() -> NaiveDate {
    safedesk::time::london_date(now())
}

/// The demo data, made at [`now`], in a new file.
fn demo_store(dir: &Path) -> SqliteStore {
    let staff = safedesk::demo::staff();
    let admin = staff
        .iter()
        .find(|s| s.role == Role::Admin && s.active)
        .unwrap()
        .clone();
    let mut store =
        SqliteStore::create_with_admin(&dir.join("demo.sqlite"), &opts(), &admin, true).unwrap();
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    let mut bulk = safedesk::demo::demo_bulk(now());
    bulk.staff.retain(|s| s.id != admin.id);
    store.bulk_load(&actor, &Policy::built_in(), &bulk).unwrap();
    store
}

fn as_login(store: &mut SqliteStore, login: &str) -> Actor {
    common::world::actor(store, login)
}

fn manager(store: &mut SqliteStore) -> Actor {
    let sam = store
        .list_staff()
        .unwrap()
        .into_iter()
        .find(|s| s.id == safedesk::demo::SAM_PATEL)
        .unwrap();
    Actor {
        login: sam.login.clone(),
        staff: Some(sam),
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// The reports pane for a manager, answered with `report` as the worker would.
fn pane(store: &mut SqliteStore, months: u32) -> (App, Report) {
    let actor = manager(store);
    let (from, to) = last_months(today(), months);
    let report = store.report(&actor, from, to, now()).unwrap();
    let mut app = app_as(&actor.login, actor.staff.clone(), now(), true);
    // Out of the search box (where R is a letter of a name), then R.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('R'));
    let asked = app.take_requests();
    assert!(
        asked.contains(&Request::LoadReport { from, to: today() }),
        "{asked:?}"
    );
    app.on_reply(Reply::Report(Ok(report.clone())));
    (app, report)
}

/// `app` at 80x24 in each theme, its styles recorded (`theme_{name}_{theme}`); drawing it checks
/// every character's contrast in the colour themes and that monochrome has no colour.
fn themed(name: &str, app: &mut App) {
    for (theme, screen) in common::screen::in_each_theme(app, 80, 24) {
        insta::assert_snapshot!(format!("theme_{name}_{theme}"), screen);
    }
}

#[test]
fn the_reports_pane_on_the_demo_at_80x24_and_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let (mut app, report) = pane(&mut store, 12);
    assert!(report.total_incidents() > 0);
    let small = common::screen::draw_fed(&mut app, 80, 24);
    insta::assert_snapshot!("reports_incidents_80x24", small);
    themed("reports", &mut app);
    press(&mut app, KeyCode::Tab);
    let small = common::screen::draw_fed(&mut app, 80, 24);
    insta::assert_snapshot!("reports_decisions_80x24", small);
    let big = common::screen::draw_fed(&mut app, 120, 40);
    insta::assert_snapshot!("reports_120x40", big);
    for s in [&small, &big] {
        assert!(s
            .lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 120));
    }
}

/// Every figure of a CSV as (section, period, item) -> count text.
fn csv_rows(csv: &str) -> Vec<(String, String, String, String)> {
    csv.lines()
        .skip(1)
        .map(|l| {
            // The report's own items never hold a quoted comma except in "about".
            let mut f = l.splitn(4, ',').map(|x| x.trim_matches('"').to_string());
            (
                f.next().unwrap(),
                f.next().unwrap(),
                f.next().unwrap(),
                f.next().unwrap_or_default(),
            )
        })
        .collect()
}

fn figure(
    rows: &[(String, String, String, String)],
    section: &str,
    period: &str,
    item: &str,
) -> String {
    rows.iter()
        .find(|r| r.0 == section && r.1 == period && r.2 == item)
        .unwrap_or_else(|| panic!("no {section}/{period}/{item} in {rows:?}"))
        .3
        .clone()
}

/// Incidents that count between two London dates, counted straight from the incident table.
fn direct_count(path: &Path, from: NaiveDate, to: NaiveDate, and: &str) -> u64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    let start = safedesk::time::to_db(safedesk::time::london_midnight(from));
    let end = safedesk::time::to_db(safedesk::time::london_midnight(to.succ_opt().unwrap()));
    conn.query_row(
        &format!(
            "SELECT count(*) FROM incident WHERE withdrawn_at IS NULL AND occurred_at >= ?1 \
             AND occurred_at < ?2 {and}"
        ),
        [start, end],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as u64
}

#[test]
fn the_csv_totals_equal_a_direct_count_and_small_counts_are_suppressed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let path = dir.path().join("demo.sqlite");
    let sam = manager(&mut store);
    std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
    // Through the real binary, as a manager would run it.
    let out = common::safedesk(
        dir.path(),
        &[
            "--db",
            path.to_str().unwrap(),
            "--user",
            &sam.login,
            "report",
            "--from",
            "01/06/2025",
            "--to",
            "2026-05-31",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let csv = common::stdout(&out);
    let rows = csv_rows(&csv);
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
    );
    let total = direct_count(&path, from, to, "");
    assert!(total >= 3, "the demo has incidents in these dates");
    assert_eq!(
        figure(&rows, "incidents", "total", "all"),
        total.to_string()
    );
    // Each month and each category, against the incident table.
    let mut m = from;
    while m <= to {
        let next = safedesk::domain::next_month(m);
        let n = direct_count(&path, m, next.pred_opt().unwrap(), "");
        let want = safedesk::cli::report::shared(n);
        assert_eq!(
            figure(&rows, "incidents", &m.format("%Y-%m").to_string(), "all"),
            want
        );
        m = next;
    }
    let policy = Policy::built_in();
    for c in &policy.categories {
        let n = direct_count(&path, from, to, &format!("AND category = '{}'", c.id));
        if n > 0 {
            assert_eq!(
                figure(&rows, "incidents by category", "total", &c.label),
                safedesk::cli::report::shared(n),
                "{}",
                c.label
            );
        }
    }
    // Nothing shared outside the team says 1 or 2 of anything.
    for r in &rows {
        assert!(r.3 != "1" && r.3 != "2" || r.2.ends_with("days"), "{r:?}");
    }
    assert!(
        csv.contains("fewer than 3"),
        "the demo has some small counts: {csv}"
    );
    // Reception staff cannot run it; dates backwards or in the future are refused by name.
    let reception = common::safedesk(
        dir.path(),
        &[
            "--db",
            path.to_str().unwrap(),
            "--user",
            "ahassan",
            "report",
        ],
    );
    assert_eq!(reception.status.code(), Some(2));
    assert!(common::stderr(&reception).contains("cannot see the reports"));
    let backwards = common::safedesk(
        dir.path(),
        &[
            "--db",
            path.to_str().unwrap(),
            "--user",
            &sam.login,
            "report",
            "--from",
            "01/05/2026",
            "--to",
            "01/04/2026",
        ],
    );
    assert!(common::stderr(&backwards).contains("--from (01/05/2026) is after --to (01/04/2026)"));
    let future = common::safedesk(
        dir.path(),
        &[
            "--db",
            path.to_str().unwrap(),
            "--user",
            &sam.login,
            "report",
            "--from",
            "01/01/2099",
        ],
    );
    assert!(
        common::stderr(&future).contains("in the future"),
        "{}",
        common::stderr(&future)
    );
    let bad = common::safedesk(
        dir.path(),
        &[
            "--db",
            path.to_str().unwrap(),
            "--user",
            &sam.login,
            "report",
            "--from",
            "31/02/2026",
        ],
    );
    assert!(
        common::stderr(&bad).contains("--from"),
        "{}",
        common::stderr(&bad)
    );
}

#[test]
fn an_empty_database_and_a_month_with_no_incidents_give_zeros_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    let mut store = SqliteStore::create(&path, &opts(), "admin", "Alex Morgan", false).unwrap();
    let admin = as_login(&mut store, "admin");
    let (from, to) = last_months(today(), 24);
    let r = store.report(&admin, from, to, now()).unwrap();
    assert_eq!(r.months.len(), 24);
    assert_eq!(r.total_incidents(), 0);
    assert_eq!(r.decision_times.median_days, None);
    let policy = Policy::built_in();
    for text in [
        safedesk::cli::report::csv(&r, &policy),
        safedesk::cli::report::markdown(&r, &policy),
        safedesk::cli::report::html(&r, &policy),
    ] {
        assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    }
    assert!(safedesk::cli::report::markdown(&r, &policy).contains("No incidents were recorded"));
    let mut app = app_as("admin", admin.staff.clone(), now(), false);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('R'));
    app.on_reply(Reply::Report(Ok(r)));
    for (w, h) in [(80, 24), (60, 16), (120, 40)] {
        let s = common::screen::draw_fed(&mut app, w, h);
        assert!(s.contains("0 incidents"), "{s}");
        press(&mut app, KeyCode::Tab);
        let s = common::screen::draw_fed(&mut app, w, h);
        assert!(s.contains("No review is overdue") || h < 24, "{s}");
    }
    // The incidents list of an empty file says so.
    let page = store
        .incidents_page(
            &admin,
            &IncidentQuery {
                filter: IncidentFilter::default(),
                offset: 0,
                limit: 20,
            },
        )
        .unwrap();
    assert!(page.rows.is_empty() && !page.more && page.total == Some(0));
}

#[test]
fn reception_sees_only_their_own_incidents_and_the_filters_pick_what_they_say() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let amira = as_login(&mut store, "ahassan");
    let sam = manager(&mut store);
    let q = |filter: IncidentFilter| IncidentQuery {
        filter,
        offset: 0,
        limit: 500,
    };
    // Asking for everyone's, or someone else's, reception get their own.
    let everyone = store
        .incidents_page(&sam, &q(IncidentFilter::default()))
        .unwrap();
    let other = everyone
        .rows
        .iter()
        .find(|r| r.logged_by != "Amira Hassan")
        .expect("others logged incidents");
    assert!(!everyone.own_only);
    let own = store
        .incidents_page(&amira, &q(IncidentFilter::default()))
        .unwrap();
    assert!(own.own_only && !own.rows.is_empty());
    assert!(own.rows.iter().all(|r| r.logged_by == "Amira Hassan"));
    let sams_staff = store
        .list_staff()
        .unwrap()
        .into_iter()
        .find(|s| s.display_name == other.logged_by)
        .unwrap();
    let asked = store
        .incidents_page(
            &amira,
            &q(IncidentFilter {
                staff: Some(sams_staff.id),
                ..IncidentFilter::default()
            }),
        )
        .unwrap();
    assert!(asked.rows.iter().all(|r| r.logged_by == "Amira Hassan"));
    // Someone not on the staff list sees none, and is told why.
    let stranger = Actor {
        login: "visitor".into(),
        staff: None,
    };
    assert!(store
        .incidents_page(&stranger, &q(IncidentFilter::default()))
        .is_err());
    assert!(store.report(&amira, today(), today(), now()).is_err());
    assert!(store.in_force_page(&amira, 0, 20).is_err());
    // The restrictions in force: as many as the report counts, review dates in order.
    let in_force = store.in_force_page(&sam, 0, 500).unwrap();
    let r = store.report(&sam, today(), today(), now()).unwrap();
    assert_eq!(
        in_force.total,
        r.in_force.iter().map(|(_, n)| n).sum::<u64>()
    );
    assert_eq!(in_force.rows.len() as u64, in_force.total);
    assert!(in_force
        .rows
        .windows(2)
        .all(|w| w[0].review_due <= w[1].review_due));
    assert_eq!(
        in_force
            .rows
            .iter()
            .filter(|x| x.review_due.is_some_and(|d| d < today()))
            .count() as u64,
        r.overdue_total
    );
    // Newest first; the filters keep what they say.
    assert!(everyone
        .rows
        .windows(2)
        .all(|w| w[0].occurred_at >= w[1].occurred_at));
    let threats = store
        .incidents_page(
            &sam,
            &q(IncidentFilter {
                threats: true,
                ..IncidentFilter::default()
            }),
        )
        .unwrap();
    assert!(!threats.rows.is_empty() && threats.rows.iter().all(|r| r.immediate_threat));
    let unidentified = store
        .incidents_page(
            &sam,
            &q(IncidentFilter {
                unidentified: true,
                ..IncidentFilter::default()
            }),
        )
        .unwrap();
    assert!(!unidentified.rows.is_empty());
    assert!(unidentified
        .rows
        .iter()
        .all(|r| r.unidentified && r.customer_name.starts_with("Unidentified visitor")));
    // Once a visitor is linked to a customer, their incidents leave the unidentified list.
    let visitor = unidentified.rows[0].customer_id;
    let before = unidentified
        .rows
        .iter()
        .filter(|r| r.customer_id == visitor)
        .count();
    let customer = everyone
        .rows
        .iter()
        .find(|r| !r.unidentified)
        .unwrap()
        .customer_id;
    store
        .link_visitor(&sam, &Policy::built_in(), visitor, customer)
        .unwrap();
    let after = store
        .incidents_page(
            &sam,
            &q(IncidentFilter {
                unidentified: true,
                ..IncidentFilter::default()
            }),
        )
        .unwrap();
    assert!(after.rows.iter().all(|r| r.customer_id != visitor));
    assert_eq!(after.rows.len() + before, unidentified.rows.len());
    let phone_abuse = store
        .incidents_page(
            &sam,
            &q(IncidentFilter {
                category: Some("abusive".into()),
                channel: Some("phone".into()),
                ..IncidentFilter::default()
            }),
        )
        .unwrap();
    assert!(phone_abuse
        .rows
        .iter()
        .all(|r| r.category == "abusive" && r.channel == "phone"));
    // Today only: the day's incidents, counted from the day-by-day figures.
    let day = everyone.rows[0].occurred_at;
    let on = safedesk::time::london_date(day);
    let that_day = store
        .incidents_page(
            &sam,
            &q(IncidentFilter {
                from: Some(on),
                to: Some(on),
                ..IncidentFilter::default()
            }),
        )
        .unwrap();
    assert!(that_day
        .rows
        .iter()
        .all(|r| safedesk::time::london_date(r.occurred_at) == on));
    assert_eq!(that_day.total, Some(that_day.rows.len() as u64));
}

#[test]
fn the_incidents_list_at_80x24_opens_the_card_of_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let sam = manager(&mut store);
    let mut app = app_as(&sam.login, sam.staff.clone(), now(), true);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('i'));
    let asked = app.take_requests();
    let query = asked
        .iter()
        .find_map(|r| match r {
            Request::LoadIncidents(q) => Some(q.clone()),
            _ => None,
        })
        .expect("the list is read");
    // Immediate threats only.
    press(&mut app, KeyCode::Char('x'));
    let query = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            Request::LoadIncidents(q) => Some(q),
            _ => None,
        })
        .unwrap_or(query);
    assert!(query.filter.threats);
    let page = store.incidents_page(&sam, &query).unwrap();
    let first = page.rows[0].clone();
    app.on_reply(Reply::Incidents {
        query,
        result: Ok(page),
    });
    let s = common::screen::draw_fed(&mut app, 80, 24);
    insta::assert_snapshot!("incidents_threats_80x24", s);
    themed("incidents", &mut app);
    assert!(s.contains("Showing: immediate threats"), "{s}");
    press(&mut app, KeyCode::Enter);
    let asked = app.take_requests();
    assert!(asked.contains(&Request::LoadCard {
        id: first.customer_id
    }));
    let h = store.history(first.customer_id).unwrap().unwrap();
    app.on_reply(Reply::Card {
        id: first.customer_id,
        result: Ok(Some(Box::new(h.clone()))),
    });
    assert_eq!(app.context(), safedesk::app::keymap::Context::Card);
    assert_eq!(
        app.card.as_ref().map(|c| c.customer.id),
        Some(first.customer_id)
    );
    assert!(
        app.overlays.incidents().is_none(),
        "the list closed over the card"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs headless Chromium, which the Windows run under Wine does not have (the Linux run checks the same HTML)"
)]
fn the_printable_report_fits_a4_in_a_headless_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let sam = manager(&mut store);
    let policy = Policy::built_in();
    for months in [12, 24] {
        let (from, to) = last_months(today(), months);
        let r = store.report(&sam, from, to, now()).unwrap();
        let html = safedesk::cli::report::html(&r, &policy);
        assert!(html.contains("fewer than 3"));
        assert!(html.contains("<svg"), "the chart is drawn");
        assert_fits_a4(&html, &format!("report-{months}-months"));
    }
    // Nothing at all to show fits too.
    let empty = tempfile::tempdir().unwrap();
    let mut e = SqliteStore::create(
        &empty.path().join("e.sqlite"),
        &opts(),
        "admin",
        "Alex Morgan",
        false,
    )
    .unwrap();
    let admin = as_login(&mut e, "admin");
    let r = e.report(&admin, today(), today(), now()).unwrap();
    assert_fits_a4(&safedesk::cli::report::html(&r, &policy), "report-empty");
}

#[test]
fn migration_16_counts_the_incidents_already_there_by_london_day() {
    use safedesk::store::sqlite::migrations::MIGRATIONS;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let staff = "00000000-0000-0000-0000-000000000001";
    let customer = "00000000-0000-0000-0000-000000000100";
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..15] {
            c.execute_batch(sql).unwrap();
        }
        let incident = |n: u32, at: &str, withdrawn: bool| {
            format!(
                "INSERT INTO incident (id, customer_id, occurred_at, logged_at, logged_by, channel, \
                 category, response, description, immediate_threat, withdrawn_at) VALUES \
                 ('00000000-0000-0000-0000-00000000020{n}', '{customer}', '{at}', '{at}', '{staff}', \
                 'phone', 'abusive', 'warned', 'Shouted', {}, {});",
                u8::from(n == 1),
                if withdrawn { format!("'{at}'") } else { "NULL".into() }
            )
        };
        c.execute_batch(&format!(
            "PRAGMA user_version = 15;
             INSERT INTO meta (key, value) VALUES ('app', 'safedesk');
             INSERT INTO staff (id, login, display_name, role, created_at)
               VALUES ('{staff}', 'spatel', 'Sam Patel', 'manager', '2026-01-01T09:00:00Z');
             INSERT INTO customer (id, name, created_at, updated_at)
               VALUES ('{customer}', 'Zoë Åberg', '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z');
             {}{}{}{}
             INSERT INTO decision (id, customer_id, decided_at, meeting_date, attendees, outcome,
               reasons, decided_by) VALUES ('00000000-0000-0000-0000-000000000300', '{customer}',
               '2026-06-11T10:00:00Z', '2026-06-11', 'Sam Patel', 'actions', 'Three incidents',
               '{staff}');
             INSERT INTO restriction (id, customer_id, kind, starts_at, review_due)
               VALUES ('00000000-0000-0000-0000-000000000400', '{customer}', 'time_limit',
               '2026-06-11T10:00:00Z', '2026-07-23');",
            // 23:30 UTC on 31 May is 00:30 on 1 June in London (summer time).
            incident(1, "2026-05-31T23:30:00Z", false),
            incident(2, "2026-06-01T10:00:00Z", false),
            incident(3, "2026-06-05T10:00:00Z", true),
            incident(4, "2026-05-20T10:00:00Z", false),
        ))
        .unwrap();
    }
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        safedesk::store::sqlite::SCHEMA_VERSION
    );
    let sam = as_login(&mut store, "spatel");
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap();
    let r = store.report(&sam, d(5, 1), d(6, 30), at).unwrap();
    let months: Vec<(u64, u64)> = r.months.iter().map(|m| (m.total, m.threats)).collect();
    // May: the 20th only; June: the 1st (twice, one in London's small hours); the withdrawn one
    // does not count.
    assert_eq!(months, vec![(1, 0), (2, 1)]);
    // The decision came 10 days after the last incident logged before it.
    assert_eq!(r.decision_times.median_days, Some(10));
    assert_eq!(
        r.overdue_total, 1,
        "the review due 23/07 is overdue on 01/08"
    );
    // A new incident, its withdrawal and a move to another day keep the counts right.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute(
        "UPDATE incident SET occurred_at = '2026-05-02T10:00:00Z' WHERE id = \
         '00000000-0000-0000-0000-000000000202'",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE incident SET withdrawn_at = '2026-07-01T10:00:00Z' WHERE id = \
         '00000000-0000-0000-0000-000000000204'",
        [],
    )
    .unwrap();
    drop(c);
    let r = store.report(&sam, d(5, 1), d(6, 30), at).unwrap();
    let months: Vec<(u64, u64)> = r.months.iter().map(|m| (m.total, m.threats)).collect();
    assert_eq!(months, vec![(1, 0), (1, 1)]);
}
