//! Reports and lists at scale (issue 17): the reports pane and the incidents list's first screen
//! on the 100 000-customer / 1 000 000-incident bench database, warm and right after another
//! PC's save (when this connection's page cache is no longer trusted), with the file reads each
//! takes (4 KB pages through the counting VFS).
//!
//! ```sh
//! cargo bench --bench scale      # makes target/bench-data/scale.sqlite once (a few minutes)
//! cargo bench --bench reports    # then this; SAFEDESK_BENCH_DB=FILE for another file
//! ```
//!
//! Targets: the reports pane at most 300 ms, the incidents list's first screen at most 50 ms.

use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use safedesk::app::App;
use safedesk::domain::{last_months, Actor, IncidentFilter, IncidentQuery, NewCustomer};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use safedesk::sync::Reply;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Time `f` over `rounds` runs, each after `before` (not timed); prints p50, p99 and the file
/// reads (median and most).
fn figures(label: &str, rounds: usize, mut before: impl FnMut(), mut f: impl FnMut() -> usize) {
    let mut times = Vec::new();
    let mut reads = Vec::new();
    let mut n = 0;
    for _ in 0..rounds {
        before();
        let c0 = shim::counts();
        let t = Instant::now();
        n = std::hint::black_box(f());
        times.push(t.elapsed());
        reads.push(shim::counts().since(&c0).reads);
    }
    times.sort();
    reads.sort();
    println!(
        "{label:<52} p50 {:>11}  p99 {:>11}  file reads {:>5} (most {:>5})  [{n} rows]",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        reads[reads.len() / 2],
        reads[reads.len() - 1]
    );
}

fn main() {
    let path = std::env::var_os("SAFEDESK_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/scale.sqlite")
        });
    if !path.exists() {
        eprintln!(
            "{} is missing: make it first with `cargo bench --bench scale`.",
            path.display()
        );
        std::process::exit(2);
    }
    let started = Instant::now();
    // Opening it once brings it up to this build's schema (migration 16 counts the incidents
    // by day once).
    let mut writer = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    println!(
        "opened (and brought up to date) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let manager_login = writer
        .list_staff()
        .unwrap()
        .into_iter()
        .find(|s| s.role.can_decide() && s.active)
        .expect("a manager")
        .login;
    let actor = |s: &mut SqliteStore, login: &str| Actor {
        login: login.into(),
        staff: s.staff_by_login(login).unwrap(),
    };
    let manager = actor(&mut writer, &manager_login);
    let reception_login = writer
        .list_staff()
        .unwrap()
        .into_iter()
        .find(|s| !s.role.can_decide() && s.active)
        .expect("someone at reception or on the phones")
        .login;
    let reception = actor(&mut writer, &reception_login);
    let mut reader = SqliteStore::open(
        &path,
        &OpenOptions {
            vfs: Some(shim::register().unwrap().to_string()),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let counts = reader.counts().unwrap();
    println!(
        "{}: {} customers, {} incidents, {} restrictions",
        path.display(),
        counts.customers,
        counts.incidents,
        counts.restrictions
    );
    let reader = std::cell::RefCell::new(reader);
    let writer = std::cell::RefCell::new(writer);
    let saves = || {
        writer
            .borrow_mut()
            .add_customer(
                &manager,
                NewCustomer {
                    name: Some(format!("Other PC {}", Utc::now().timestamp_micros())),
                    ..NewCustomer::default()
                },
            )
            .unwrap();
    };
    let now = Utc::now();
    let today = safedesk::time::london_date(now);

    // The reports pane: the figures read and the pane drawn at 80x24, as R does.
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut app = App::new(
        Policy::built_in(),
        manager.clone(),
        path.display().to_string(),
        false,
        false,
    );
    app.open_reports();
    app.take_requests();
    let app = std::cell::RefCell::new(app);
    let pane = |months: u32| {
        let (from, to) = last_months(today, months);
        let r = reader.borrow_mut().report(&manager, from, to, now).unwrap();
        let n = r.months.len();
        let mut a = app.borrow_mut();
        a.on_reply(Reply::Report(Ok(r)));
        term.draw(|f| {
            safedesk::ui::draw(f, &a);
        })
        .unwrap();
        n
    };
    let rounds = 20;
    let pane = std::cell::RefCell::new(pane);
    pane.borrow_mut()(12);
    figures(
        "reports pane, 12 months, warm",
        rounds,
        || {},
        || pane.borrow_mut()(12),
    );
    figures(
        "reports pane, 12 months, after another's save",
        rounds,
        saves,
        || pane.borrow_mut()(12),
    );
    figures(
        "reports pane, 24 months, after another's save",
        rounds,
        saves,
        || pane.borrow_mut()(24),
    );
    println!("  target: at most 300 ms");

    // The incidents list's first screen (20 rows), for each filter, after another's save.
    let first_screen = |who: &Actor, filter: IncidentFilter| {
        reader
            .borrow_mut()
            .incidents_page(
                who,
                &IncidentQuery {
                    filter,
                    offset: 0,
                    limit: 20,
                },
            )
            .unwrap()
            .rows
            .len()
    };
    let staff_id = reception.staff.as_ref().map(|s| s.id);
    let filters: Vec<(&str, IncidentFilter)> = vec![
        ("all", IncidentFilter::default()),
        (
            "today",
            IncidentFilter {
                from: Some(today),
                to: Some(today),
                ..IncidentFilter::default()
            },
        ),
        (
            "last 12 months",
            IncidentFilter {
                from: Some(last_months(today, 12).0),
                to: Some(today),
                ..IncidentFilter::default()
            },
        ),
        (
            "a category",
            IncidentFilter {
                category: Some("persistent".into()),
                ..IncidentFilter::default()
            },
        ),
        (
            "a channel",
            IncidentFilter {
                channel: Some("video".into()),
                ..IncidentFilter::default()
            },
        ),
        (
            "a member of staff",
            IncidentFilter {
                staff: staff_id,
                ..IncidentFilter::default()
            },
        ),
        (
            "unidentified visitors",
            IncidentFilter {
                unidentified: true,
                ..IncidentFilter::default()
            },
        ),
        (
            "immediate threats",
            IncidentFilter {
                threats: true,
                ..IncidentFilter::default()
            },
        ),
        (
            "threats by phone, last 12 months",
            IncidentFilter {
                threats: true,
                channel: Some("phone".into()),
                from: Some(last_months(today, 12).0),
                to: Some(today),
                ..IncidentFilter::default()
            },
        ),
    ];
    for (name, f) in filters {
        figures(
            &format!("incidents list, first screen: {name}"),
            rounds,
            saves,
            || first_screen(&manager, f.clone()),
        );
    }
    figures(
        "incidents list, first screen: reception's own",
        rounds,
        saves,
        || first_screen(&reception, IncidentFilter::default()),
    );
    println!("  target: at most 50 ms");
    figures("restrictions in force, first screen", rounds, saves, || {
        reader
            .borrow_mut()
            .in_force_page(&manager, 0, 20)
            .unwrap()
            .rows
            .len()
    });
}
