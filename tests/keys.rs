//! The one key model, walked layer by layer for each role: every key bound in a layer is in the
//! help opened over it, and every key the hint bar offers there does something for that role.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::render;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::keymap::{self, Context, EVERYWHERE};
use safedesk::app::{App, Overlay};
use safedesk::domain::{
    last_months, CaseReason, CaseSummary, CustomerHistory, DecisionTimes, InForcePage, InForceRow,
    IncidentPage, IncidentRow, LookupHit, MatchedOn, Queue, QueueSummary, Report, Role, Staff,
};
use safedesk::policy::incident::SaveOutcome;
use safedesk::sync::{CaseData, Reply, Request};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

fn me(role: Role) -> Staff {
    Staff {
        id: Uuid::from_u128(900),
        login: "me".into(),
        display_name: "Me Myself".into(),
        role,
        active: true,
    }
}

fn app(role: Role) -> App {
    common::screen::app_as("me", Some(me(role)), now(), true)
}

/// Deborah Johnson from the demo data: restricted, with incidents logged by other people.
fn deborah() -> CustomerHistory {
    let bulk = safedesk::demo::demo_bulk(now());
    bulk.histories()
        .remove(&safedesk::demo::DEBORAH_JOHNSON)
        .expect("Deborah is in the demo data")
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.on_key(KeyEvent::new(code, mods));
}

fn case() -> CaseSummary {
    let h = deborah();
    CaseSummary {
        id: Uuid::from_u128(77),
        customer_id: h.customer.id,
        customer_name: h.customer.display_name(),
        reason: CaseReason::Threshold,
        opened_at: now(),
        incidents: h.incidents.iter().map(|i| i.id).collect(),
        assigned_to: None,
        assigned_to_id: None,
        waiting_for_confirmation: false,
        decision_id: None,
        note: String::new(),
        version: 1,
        seen_at: None,
        seen_by: None,
    }
}

/// An app showing `ctx` on top for someone of `role`, or none where that role never gets there.
fn layer(ctx: Context, role: Role) -> Option<App> {
    let manager = role.can_decide();
    let mut a = app(role);
    let results = |a: &mut App| {
        for c in "deborah".chars() {
            press(a, KeyCode::Char(c), KeyModifiers::NONE);
        }
        let seq = a.lookup_sent;
        a.on_reply(Reply::Lookup {
            seq,
            result: Ok(vec![LookupHit {
                history: deborah(),
                matched: MatchedOn::Name("Deborah Johnson".into()),
                score: 100,
            }]),
        });
        press(a, KeyCode::Esc, KeyModifiers::NONE);
    };
    let card = |a: &mut App| {
        results(a);
        press(a, KeyCode::Enter, KeyModifiers::NONE);
        let h = deborah();
        a.on_reply(Reply::Card {
            id: h.customer.id,
            result: Ok(Some(Box::new(h))),
        });
    };
    let case_view = |a: &mut App| {
        results(a);
        press(a, KeyCode::Char('m'), KeyModifiers::NONE);
        a.on_reply(Reply::Queue(Ok(Queue {
            cases: vec![case()],
            summary: QueueSummary {
                open_cases: 1,
                ..QueueSummary::default()
            },
        })));
        press(a, KeyCode::Enter, KeyModifiers::NONE);
        a.on_reply(Reply::Case {
            case: case().id,
            result: Ok(Box::new(CaseData {
                case: case(),
                history: Some(deborah()),
                staff: vec![me(role)],
                others: vec![],
            })),
        });
    };
    match ctx {
        Context::Search => {}
        Context::Results => results(&mut a),
        Context::Card => card(&mut a),
        Context::Help => {
            card(&mut a);
            press(&mut a, KeyCode::Char('?'), KeyModifiers::NONE);
        }
        Context::Queue if manager => {
            results(&mut a);
            press(&mut a, KeyCode::Char('m'), KeyModifiers::NONE);
            a.on_reply(Reply::Queue(Ok(Queue {
                cases: vec![case()],
                summary: QueueSummary::default(),
            })));
        }
        Context::Case if manager => case_view(&mut a),
        Context::Audit if manager => {
            card(&mut a);
            press(&mut a, KeyCode::Char('h'), KeyModifiers::NONE);
        }
        Context::QueueFind if manager => {
            results(&mut a);
            press(&mut a, KeyCode::Char('m'), KeyModifiers::NONE);
            a.on_reply(Reply::Queue(Ok(Queue {
                cases: vec![case()],
                summary: QueueSummary::default(),
            })));
            press(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
            for c in "deb".chars() {
                press(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
            }
        }
        Context::IncidentForm => press(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL),
        Context::DecisionForm if manager => {
            case_view(&mut a);
            press(&mut a, KeyCode::Char('d'), KeyModifiers::NONE);
        }
        Context::CustomerForm => {
            card(&mut a);
            press(&mut a, KeyCode::Char('c'), KeyModifiers::NONE);
        }
        Context::Letter if manager => {
            case_view(&mut a);
            press(&mut a, KeyCode::Char('l'), KeyModifiers::NONE);
            press(&mut a, KeyCode::Char('1'), KeyModifiers::NONE);
        }
        Context::Prompt => {
            card(&mut a);
            // The customer asked for a review or complained: a line to type.
            press(&mut a, KeyCode::Char('r'), KeyModifiers::NONE);
        }
        Context::DraftOffer => {
            let mut b = app(role);
            press(&mut b, KeyCode::Char('n'), KeyModifiers::CONTROL);
            for c in "t".chars() {
                press(&mut b, KeyCode::Char(c), KeyModifiers::NONE);
            }
            let draft = b
                .take_requests()
                .into_iter()
                .rev()
                .find_map(|r| match r {
                    Request::SaveDraft(d) => Some(d),
                    _ => None,
                })
                .expect("the form keeps a draft");
            a.overlays.open(Overlay::DraftOffer(*draft));
        }
        Context::Incidents => {
            results(&mut a);
            press(&mut a, KeyCode::Char('i'), KeyModifiers::NONE);
            let query = a
                .take_requests()
                .into_iter()
                .find_map(|r| match r {
                    Request::LoadIncidents(q) => Some(q),
                    _ => None,
                })
                .expect("the list is read");
            a.on_reply(Reply::Incidents {
                query,
                result: Ok(incident_page(!manager)),
            });
        }
        Context::InForce if manager => {
            results(&mut a);
            press(&mut a, KeyCode::Char('v'), KeyModifiers::NONE);
            a.on_reply(Reply::InForce(Ok(InForcePage {
                offset: 0,
                rows: vec![in_force_row(), in_force_row()],
                total: 2,
            })));
        }
        Context::Reports if manager => {
            results(&mut a);
            press(&mut a, KeyCode::Char('R'), KeyModifiers::NONE);
            a.on_reply(Reply::Report(Ok(report())));
        }
        Context::Saved => {
            press(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
            a.on_reply(Reply::Saved(SaveOutcome {
                count: 1,
                threshold: 3,
                breach: false,
                urgent: false,
                already_saved: false,
                customer: None,
            }));
        }
        _ => return None,
    }
    a.take_requests();
    assert_eq!(a.context(), ctx, "{role:?} reached {ctx:?}");
    Some(a)
}

/// Two of Deborah's incidents as the incidents list shows them.
fn incident_page(own_only: bool) -> IncidentPage {
    let h = deborah();
    IncidentPage {
        offset: 0,
        rows: h
            .incidents
            .iter()
            .take(2)
            .map(|i| IncidentRow {
                id: i.id,
                customer_id: h.customer.id,
                customer_name: h.customer.display_name(),
                unidentified: false,
                occurred_at: i.occurred_at,
                channel: i.channel.clone(),
                category: i.category.clone(),
                logged_by: "Someone Else".into(),
                immediate_threat: i.immediate_threat,
                summary: i.description.clone(),
            })
            .collect(),
        more: false,
        total: Some(2),
        own_only,
    }
}

/// Deborah's restriction, its review overdue, with its review case open.
fn in_force_row() -> InForceRow {
    let h = deborah();
    InForceRow {
        restriction_id: Uuid::from_u128(501),
        customer_id: h.customer.id,
        customer_name: h.customer.display_name(),
        kind: "time_limit".into(),
        starts_at: now() - chrono::Duration::days(60),
        review_due: Some(now().date_naive() - chrono::Duration::days(3)),
        case_id: Some(Uuid::from_u128(78)),
    }
}

fn report() -> Report {
    let (from, to) = last_months(now().date_naive(), 12);
    Report {
        from,
        to,
        today: to,
        months: Vec::new(),
        outcomes: vec![("no_further_action".into(), 4)],
        in_force: vec![("time_limit".into(), 2)],
        reviews_on_time: 1,
        reviews_late: 1,
        overdue_total: 2,
        overdue: vec![in_force_row(), in_force_row()],
        decision_times: DecisionTimes::from_days(vec![3, 9]),
    }
}

const ROLES: [Role; 3] = [Role::Reception, Role::Phone, Role::Manager];

#[test]
fn every_key_of_every_layer_is_in_the_help_opened_over_it() {
    for role in ROLES {
        for &ctx in EVERYWHERE {
            if ctx == Context::Help {
                continue; // the help's own keys are checked below, from its hint bar
            }
            let Some(mut a) = layer(ctx, role) else {
                continue;
            };
            press(&mut a, KeyCode::F(1), KeyModifiers::NONE);
            assert_eq!(
                a.context(),
                Context::Help,
                "{role:?} {ctx:?}: F1 opens the help"
            );
            let mut screen = String::new();
            for _ in 0..40 {
                screen.push_str(&render(&a, 80, 24));
                press(&mut a, KeyCode::PageDown, KeyModifiers::NONE);
            }
            assert!(
                screen.contains(&format!("The keys for {}", ctx.name())),
                "{role:?} {ctx:?}: {screen}"
            );
            for b in keymap::bindings(ctx) {
                assert!(
                    screen.contains(b.label),
                    "{role:?} {ctx:?}: the help lists {} ({})",
                    b.label,
                    b.desc
                );
            }
            // The help is modal: closing it leaves the layer as it was.
            press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
            assert_eq!(a.context(), ctx, "{role:?} {ctx:?}");
        }
    }
}

#[test]
fn every_key_the_hint_bar_offers_does_something_for_that_role() {
    for role in ROLES {
        for &ctx in EVERYWHERE {
            let Some(a) = layer(ctx, role) else {
                continue;
            };
            let offered = keymap::hints(ctx, |need| a.allows(need).is_ok());
            assert!(!offered.is_empty(), "{role:?} {ctx:?} offers no keys");
            for (label, _) in offered {
                let b = keymap::bindings(ctx)
                    .find(|b| b.hint && b.label == label)
                    .expect("a hint comes from a binding");
                let (code, mods) = b.keys[0];
                let mut a = layer(ctx, role).unwrap();
                let before = render(&a, 100, 30);
                let notice = a.notice.clone();
                press(&mut a, code, mods);
                let did = render(&a, 100, 30) != before
                    || !a.take_requests().is_empty()
                    || a.should_quit
                    || a.notice != notice;
                assert!(did, "{role:?} {ctx:?}: {label} ({}) did nothing", b.desc);
            }
        }
    }
}

#[test]
fn keys_a_role_cannot_use_are_not_offered_and_say_why_when_pressed() {
    // Phone staff on Deborah's card: her incidents were logged by others.
    let mut a = layer(Context::Card, Role::Phone).unwrap();
    let offered: Vec<_> = keymap::hints(Context::Card, |need| a.allows(need).is_ok())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(
        !offered.contains(&"e") && !offered.contains(&"w"),
        "{offered:?}"
    );
    assert!(
        !offered.contains(&"m"),
        "the queue is for managers: {offered:?}"
    );
    press(&mut a, KeyCode::Char('w'), KeyModifiers::NONE);
    assert_eq!(a.context(), Context::Card, "no prompt opens");
    let s = render(&a, 100, 30);
    assert!(
        s.contains("or a manager can withdraw this incident."),
        "{s}"
    );
    press(&mut a, KeyCode::Char('e'), KeyModifiers::NONE);
    assert_eq!(
        a.context(),
        Context::Card,
        "no form opens to refuse at Ctrl-S"
    );
    // A manager is offered both.
    let m = layer(Context::Card, Role::Manager).unwrap();
    let offered: Vec<_> = keymap::hints(Context::Card, |need| m.allows(need).is_ok())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(
        offered.contains(&"e") && offered.contains(&"w"),
        "{offered:?}"
    );
}

#[test]
fn ctrl_n_from_the_decision_form_logs_an_incident_and_returns_to_the_decision() {
    let mut a = layer(Context::DecisionForm, Role::Manager).unwrap();
    for c in "Met on Monday".chars() {
        press(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let typed = render(&a, 100, 30);
    press(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(a.context(), Context::IncidentForm);
    // Cancelled with nothing typed, the decision is back as it was.
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.context(), Context::DecisionForm);
    assert_eq!(render(&a, 100, 30), typed);
}

#[test]
fn a_paste_goes_to_the_layer_on_top_and_never_behind_it() {
    use crossterm::event::Event;
    let paste = |a: &mut App, text: &str| a.on_terminal_event(&Event::Paste(text.to_string()));
    // Over the queue: the search box behind it is left alone, and the screen says so.
    let mut a = layer(Context::Queue, Role::Manager).unwrap();
    let before = a.query().to_string();
    paste(&mut a, "07700 900123");
    assert_eq!(a.query(), before);
    assert_eq!(a.context(), Context::Queue);
    assert!(render(&a, 100, 30).contains("The paste was not used"));
    // Into a question's line: 10 000 characters are cut to what it keeps, and it says so.
    let mut a = layer(Context::Prompt, Role::Reception).unwrap();
    paste(&mut a, &"x".repeat(10_000));
    assert_eq!(a.context(), Context::Prompt);
    match a.overlays.prompt() {
        Some(safedesk::app::Prompt::Text { input, .. }) => {
            assert_eq!(input.value().chars().count(), 2000)
        }
        other => panic!("{other:?}"),
    }
    assert!(render(&a, 100, 30).contains("The paste was cut"));
    // Into the incident form's one-line Who field: cut, never 10 000 characters long.
    let mut a = layer(Context::IncidentForm, Role::Phone).unwrap();
    paste(&mut a, &"7".repeat(10_000));
    let s = render(&a, 80, 24);
    assert!(s.contains("was cut to"), "{s}");
    assert!(s
        .lines()
        .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80));
    // On the results, a paste is a search: the only place the lookup panes take text.
    let mut a = layer(Context::Results, Role::Phone).unwrap();
    paste(&mut a, " johnson");
    assert_eq!(a.query(), "deborah johnson");
    assert_eq!(a.context(), Context::Search);
}

#[test]
fn while_the_window_is_too_small_only_quitting_works_and_nothing_typed_is_lost() {
    let draw = |a: &mut App, w: u16, h: u16| {
        common::screen::draw_fed(a, w, h);
    };
    let mut a = layer(Context::IncidentForm, Role::Reception).unwrap();
    for c in "Shouted".chars() {
        press(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    draw(&mut a, 40, 12);
    // Keys mashed at a window too small to show anything change nothing.
    for c in "xyz".chars() {
        press(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    draw(&mut a, 80, 24);
    assert_eq!(a.context(), Context::IncidentForm);
    assert!(render(&a, 80, 24).contains("Shouted"));
    assert!(!render(&a, 80, 24).contains("Shoutedxyz"));
    // Small again, q asks before quitting, because something typed would be lost.
    draw(&mut a, 40, 12);
    press(&mut a, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(!a.should_quit);
    draw(&mut a, 80, 24);
    assert!(render(&a, 80, 24).contains("Quit safedesk?"));
}

#[test]
fn x_on_a_card_asks_the_worker_for_a_managers_subject_access_export() {
    let mut m = layer(Context::Card, Role::Manager).unwrap();
    m.take_requests();
    press(&mut m, KeyCode::Char('x'), KeyModifiers::NONE);
    let asked: Vec<Request> = m.take_requests();
    assert!(
        asked.iter().any(|r| matches!(
            r,
            Request::ExportCustomer { customer, dir }
                if *customer == deborah().customer.id && dir.ends_with("subject access")
        )),
        "{asked:?}"
    );
    assert!(render(&m, 100, 30).contains("Writing everything held about Deborah Johnson"));
    // The help over the card lists it; phone staff are told why not, and nothing is asked.
    let mut p = layer(Context::Card, Role::Phone).unwrap();
    p.take_requests();
    press(&mut p, KeyCode::Char('x'), KeyModifiers::NONE);
    assert!(p
        .take_requests()
        .iter()
        .all(|r| !matches!(r, Request::ExportCustomer { .. })));
    assert!(matches!(p.notice, Some(safedesk::app::Notice::Error(_))));
    let mut h = layer(Context::Card, Role::Manager).unwrap();
    press(&mut h, KeyCode::Char('?'), KeyModifiers::NONE);
    assert!(render(&h, 120, 60).contains("export everything held about the customer"));
}

/// Every layer each role reaches, drawn in each theme at 80x24 and at the smallest size laid
/// out in full: no cell is left on the terminal's own colours in the colour themes, every
/// character is 4.5:1 or more on its background, and monochrome has no colour
/// (`common::screen::in_each_theme` checks it).
#[test]
fn every_layer_in_every_theme_keeps_its_contrast() {
    let mut drawn = 0;
    for role in ROLES {
        for &ctx in EVERYWHERE {
            let Some(mut a) = layer(ctx, role) else {
                continue;
            };
            for (w, h) in [(80, 24), (60, 16)] {
                common::screen::in_each_theme(&mut a, w, h);
                drawn += 1;
            }
        }
    }
    assert!(drawn > 40, "{drawn}");
}

/// This PC's config changes: log an incident with F2, the help with F1 only, open with o too.
fn changed_keys() -> safedesk::app::keys::Keymap {
    use safedesk::app::keys::{Change, Keymap};
    let change = |action: &str, keys: &[&str]| Change {
        action: action.into(),
        keys: Ok(keys.iter().map(|k| k.to_string()).collect()),
        line: None,
    };
    let (map, problems) = Keymap::build(&[
        change("log_incident", &["F2"]),
        change("help", &["F1"]),
        change("open", &["Enter", "Right"]),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    map
}

#[test]
fn keys_changed_in_the_config_work_and_the_help_and_hint_bar_show_them() {
    let mut a = layer(Context::Results, Role::Reception).unwrap();
    a.keys = changed_keys();
    let screen = render(&a, 80, 24);
    assert!(screen.contains(" F2 log incident"), "{screen}");
    assert!(!screen.contains("Ctrl-N"), "{screen}");
    // The old keys no longer do it; the new ones do.
    press(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(a.context(), Context::Results);
    press(&mut a, KeyCode::Char('?'), KeyModifiers::NONE);
    assert_eq!(a.context(), Context::Results);
    press(&mut a, KeyCode::F(2), KeyModifiers::NONE);
    assert_eq!(a.context(), Context::IncidentForm);
    let form = render(&a, 80, 24);
    assert!(form.contains(" F1 keys"), "{form}");
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.context(), Context::Results);
    press(&mut a, KeyCode::F(1), KeyModifiers::NONE);
    assert_eq!(a.context(), Context::Help);
    let help = render(&a, 80, 24);
    assert!(help.contains("(Esc or F1 to close)"), "{help}");
    assert!(help.contains("F2  Log an incident"), "{help}");
    assert!(help.contains("(changed in the config)"), "{help}");
    insta::assert_snapshot!("help_with_keys_changed_in_the_config_80x24", help);
    // Right opens the selected card, as Enter does.
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    a.take_requests();
    press(&mut a, KeyCode::Right, KeyModifiers::NONE);
    assert_eq!(a.context(), Context::Card);
}

#[test]
fn the_help_lists_every_changed_key_in_every_layer() {
    for &ctx in EVERYWHERE {
        if ctx == Context::Help {
            continue;
        }
        let Some(mut a) = layer(ctx, Role::Manager) else {
            continue;
        };
        a.keys = changed_keys();
        press(&mut a, KeyCode::F(1), KeyModifiers::NONE);
        assert_eq!(a.context(), Context::Help, "{ctx:?}: F1 opens the help");
        let mut screen = String::new();
        for _ in 0..40 {
            screen.push_str(&render(&a, 80, 24));
            press(&mut a, KeyCode::PageDown, KeyModifiers::NONE);
        }
        let keys = changed_keys();
        for b in keys.bindings(ctx) {
            assert!(
                screen.contains(b.label),
                "{ctx:?}: the help lists {} ({})",
                b.label,
                b.desc
            );
        }
        assert!(!screen.contains("Ctrl-N"), "{ctx:?}");
    }
}

/// Keys changed in the config are what the titles and the managers' alert name too, not the
/// usual ones: the queue on F5, deciding on F6.
#[test]
fn titles_and_the_alert_name_the_keys_this_pc_has() {
    use safedesk::app::keys::{Change, Keymap};
    let change = |action: &str, keys: &[&str]| Change {
        action: action.into(),
        keys: Ok(keys.iter().map(|k| k.to_string()).collect()),
        line: None,
    };
    let (map, problems) = Keymap::build(&[change("queue", &["F5"]), change("decide", &["F6"])]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut a = layer(Context::Case, Role::Manager).unwrap();
    a.keys = map.clone();
    let screen = render(&a, 100, 24);
    assert!(screen.contains("F6 decide, r review"), "{screen}");
    assert!(!screen.contains("d decide"), "{screen}");
    let mut a = layer(Context::Results, Role::Manager).unwrap();
    a.keys = map;
    assert_eq!(a.alert_how_to_open(), "press F5 then Enter to open it");
}
