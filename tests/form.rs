//! The incident form driven key by key through the app, without a terminal or database.

mod common;
use common::render;
use safedesk::app::Overlay;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::form::FormField;
use safedesk::app::App;
use safedesk::domain::*;
use safedesk::policy::incident::SaveOutcome;
use safedesk::policy::Policy;
use safedesk::sync::{Reply, Request};
use uuid::Uuid;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 14, 30, 0).unwrap()
}

fn app(role: Role) -> App {
    let staff = Staff {
        id: Uuid::from_u128(5),
        login: "psharma".into(),
        display_name: "Priya Sharma".into(),
        role,
        active: true,
    };
    common::screen::app_as("psharma", Some(staff), now(), false)
}

fn tunde() -> LookupHit {
    LookupHit {
        history: CustomerHistory {
            customer: Customer {
                id: Uuid::from_u128(77),
                name: Some("Tunde Okafor".into()),
                phones: vec!["07700 900234".into()],
                created_at: now(),
                version: 1,
                ..Customer::default()
            },
            incidents: vec![],
            decisions: vec![],
            restrictions: vec![],
            letters: vec![],
            reviews: vec![],
            merged_into: None,
        },
        matched: MatchedOn::Name("Tunde Okafor".into()),
        score: 900,
    }
}

/// Press keys, counting them.
struct Keys<'a> {
    app: &'a mut App,
    count: usize,
}

impl Keys<'_> {
    fn press(&mut self, code: KeyCode, m: KeyModifiers) {
        self.count += 1;
        self.app.on_key(KeyEvent::new(code, m));
    }
    fn key(&mut self, c: char) {
        self.press(KeyCode::Char(c), KeyModifiers::NONE);
    }
    fn ctrl(&mut self, c: char) {
        self.press(KeyCode::Char(c), KeyModifiers::CONTROL);
    }
    /// Typing free text is not counted: the target is "N keys plus the description".
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.app
                .on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }
}

fn with_selected_customer(role: Role) -> App {
    let mut a = app(role);
    a.set_query("tunde");
    let seq = a.lookup_sent;
    a.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![tunde()]),
    });
    a.take_requests();
    a
}

fn saved_incident(reqs: &[Request]) -> Option<NewIncident> {
    reqs.iter().find_map(|r| match r {
        Request::SaveIncident(i) => Some((**i).clone()),
        _ => None,
    })
}

#[test]
fn a_typical_phone_incident_takes_seven_keys_plus_the_description() {
    let mut a = with_selected_customer(Role::Phone);
    let mut k = Keys {
        app: &mut a,
        count: 0,
    };
    k.ctrl('n');
    k.key('t'); // telephone
    k.key('a'); // abusive or offensive
    k.key('3'); // shouting
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    k.key('e'); // call ended after a warning
    k.text("Shouted and swore when told the appointment could not be moved.");
    k.ctrl('s');
    let keys = k.count;
    assert!(keys <= 8, "took {keys} keys");
    let reqs = a.take_requests();
    let inc = saved_incident(&reqs).expect("the form asked to save");
    assert_eq!(
        inc.subject,
        Subject::Existing {
            id: Uuid::from_u128(77),
            name: "Tunde Okafor".into()
        }
    );
    assert_eq!(inc.channel, "phone");
    assert_eq!(inc.category, "abusive");
    assert_eq!(inc.behaviours, vec!["shouting"]);
    assert_eq!(inc.response, "call_ended_after_warning");
    assert_eq!(inc.occurred_at, now());
    assert!(reqs.iter().any(|r| matches!(r, Request::SaveChoices(_))));
    // The screen says what happens next.
    a.on_reply(Reply::Saved(SaveOutcome {
        count: 3,
        threshold: 3,
        breach: false,
        urgent: false,
        already_saved: false,
        customer: None,
    }));
    assert!(a.overlays.form().is_none());
    assert!(a.take_requests().contains(&Request::ClearDraft));
    let s = render(&a, 100, 30);
    assert!(
        s.contains("Third incident: sent to the manager's escalation queue."),
        "{s}"
    );
}

#[test]
fn an_unidentified_visitor_with_an_immediate_threat_shows_the_999_advice() {
    let mut a = app(Role::Reception);
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    let f = a.overlays.form().unwrap();
    assert_eq!(f.focus, FormField::Who);
    assert_eq!(f.channel, "face_to_face", "reception starts face to face");
    // Nobody matches: go down to "unidentified visitor".
    let mut k = Keys {
        app: &mut a,
        count: 0,
    };
    k.press(KeyCode::Down, KeyModifiers::NONE);
    k.press(KeyCode::Down, KeyModifiers::NONE);
    let s = render(k.app, 80, 24);
    assert!(
        s.contains("> + An unidentified visitor"),
        "the highlighted choice is marked in text, not only colour:\n{s}"
    );
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        k.app.overlays.form().unwrap().focus,
        FormField::VisitorDescription
    );
    k.text("Man, about 50, grey beard, green parka; reception");
    k.press(KeyCode::Tab, KeyModifiers::NONE); // When
    k.text("14:05");
    k.press(KeyCode::Enter, KeyModifiers::NONE); // -> channel
    k.key('f');
    k.key('a');
    k.key('4'); // threats
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    k.key('p'); // police called -> reference
    assert_eq!(k.app.overlays.form().unwrap().focus, FormField::Reference);
    k.text("CAD 4412/24NOV");
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    k.text("Threatened to hit the receptionist; police called.");
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    k.key('y');
    let s = render(&a, 80, 24);
    insta::assert_snapshot!("form_visitor_threat_80x24", s);
    assert!(s.contains("If anyone is unsafe, call 999."));
    a.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let inc = saved_incident(&a.take_requests()).expect("saved");
    assert!(
        matches!(inc.subject, Subject::Unidentified { ref description, .. } if description.contains("green parka"))
    );
    assert_eq!(
        inc.occurred_at,
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 5, 0).unwrap()
    );
    assert_eq!(inc.response, "police_called");
    assert_eq!(inc.reference, "CAD 4412/24NOV");
    assert!(inc.immediate_threat);
}

#[test]
fn problems_show_next_to_their_fields_and_nothing_is_lost() {
    let mut a = with_selected_customer(Role::Phone);
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    // Jump to When and type a time that has not happened yet.
    a.on_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    for c in "23:59".chars() {
        a.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    a.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(saved_incident(&a.take_requests()).is_none());
    let f = a.overlays.form().unwrap();
    assert_eq!(f.focus, FormField::When, "the first problem gets the focus");
    assert_eq!(f.problems.len(), 2, "{:?}", f.problems);
    let s = render(&a, 120, 30);
    assert!(s.contains("has not happened yet"), "{s}");
    assert!(s.contains("Say what happened"), "{s}");
    assert_eq!(a.overlays.form().unwrap().when.value(), "23:59");
}

#[test]
fn a_huge_paste_and_control_characters_are_handled() {
    let mut a = with_selected_customer(Role::Phone);
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    while a.overlays.form().unwrap().focus != FormField::Description {
        a.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    }
    let paste = format!("start\u{1b}[2J\u{7}{}\u{202e}end", "x".repeat(100 * 1024));
    a.on_terminal_event(&crossterm::event::Event::Paste(paste));
    let f = a.overlays.form().unwrap();
    let v = f.description.value();
    assert!(!v.contains('\u{1b}') && !v.contains('\u{7}') && !v.contains('\u{202e}'));
    assert_eq!(v.chars().count(), safedesk::app::form::FIELD_LIMIT);
    assert!(f.message.as_deref().unwrap().contains("was cut"));
    let s = render(&a, 80, 24);
    assert!(s.contains("was cut"), "{s}");
    // Emoji and right-to-left text type as they are.
    a.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(
        a.overlays.form().unwrap().confirm_discard,
        "Esc asks before throwing text away"
    );
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE));
    assert!(a.overlays.form().is_some(), "any other key keeps typing");
}

#[test]
fn esc_asks_before_throwing_typed_text_away_and_the_draft_is_kept_meanwhile() {
    let mut a = with_selected_customer(Role::Phone);
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    while a.overlays.form().unwrap().focus != FormField::Description {
        a.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    }
    a.take_requests();
    for c in "He said 😡 שלום".chars() {
        a.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let reqs = a.take_requests();
    let draft = reqs
        .iter()
        .rev()
        .find_map(|r| match r {
            Request::SaveDraft(d) => Some(d.clone()),
            _ => None,
        })
        .expect("every change keeps the draft");
    assert_eq!(draft.description, "He said 😡 שלום");
    a.on_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE));
    assert!(!a.should_quit, "q types in the form");
    // Ctrl-C quits from anywhere, but asks first: the text typed is not thrown away by it.
    a.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!a.should_quit, "Ctrl-C asks first");
    let s = render(&a, 80, 24);
    assert!(s.contains("Quit safedesk?"), "{s}");
    assert!(s.contains("kept on this PC"), "{s}");
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE));
    assert!(!a.should_quit);
    assert_eq!(
        a.overlays.form().unwrap().description.value(),
        "He said 😡 שלוםq",
        "nothing typed was lost"
    );
    a.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(a.overlays.form().unwrap().confirm_discard, "Esc asks");
    a.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    assert!(a.overlays.form().is_none());
    assert!(a.take_requests().contains(&Request::ClearDraft));

    // A draft left behind is offered back, with its time kept.
    let mut b = app(Role::Phone);
    b.overlays.open(Overlay::DraftOffer(*draft));
    let s = render(&b, 80, 24);
    assert!(s.contains("was not saved"), "{s}");
    // One key never throws it away: Esc asks, and only y would.
    b.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    let s = render(&b, 80, 24);
    assert!(s.contains("Throw away the unsaved incident?"), "{s}");
    b.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
    b.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(b.overlays.draft_offer().is_some(), "kept");
    assert!(!b.take_requests().contains(&Request::ClearDraft));
    b.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let f = b.overlays.form().expect("carried on");
    assert_eq!(f.description.value(), "He said 😡 שלום");
    assert_eq!(f.when.value(), "24/11/2026 14:30");
}

#[test]
fn someone_not_on_the_staff_list_cannot_open_the_form() {
    let mut a = App::new(
        Policy::built_in(),
        Actor {
            login: "temp".into(),
            staff: None,
        },
        "x".into(),
        false,
        false,
    );
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert!(a.overlays.form().is_none());
}

#[test]
fn a_queued_save_says_plainly_where_the_incident_is() {
    let mut a = with_selected_customer(Role::Phone);
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    a.on_reply(Reply::Queued {
        reason: "the database is locked".into(),
    });
    a.on_reply(Reply::Outbox(1));
    let s = render(&a, 120, 30);
    assert!(
        s.contains("Saved on this PC, not yet in the shared database."),
        "{s}"
    );
    assert!(
        s.contains("1 entry waiting to be saved to the shared database"),
        "{s}"
    );
}

fn with_card(h: CustomerHistory) -> App {
    let mut a = app(Role::Manager);
    a.set_query("xy");
    let seq = a.lookup_sent;
    a.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![LookupHit {
            history: h.clone(),
            matched: MatchedOn::Name("x".into()),
            score: 1,
        }]),
    });
    a.on_reply(Reply::Card {
        id: h.customer.id,
        result: Ok(Some(Box::new(h))),
    });
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    a.take_requests();
    a
}

fn history_with_incidents(unidentified: bool) -> CustomerHistory {
    let mut h = tunde().history;
    if unidentified {
        h.customer.name = None;
        h.customer.description = "Woman in a red coat".into();
    }
    for n in 0..2u128 {
        h.incidents.push(Incident {
            id: Uuid::from_u128(500 + n),
            customer_id: h.customer.id,
            occurred_at: now() - chrono::Duration::days(10 - n as i64),
            logged_at: now() - chrono::Duration::days(10 - n as i64),
            logged_by: Uuid::from_u128(5),
            logged_by_name: "Priya Sharma".into(),
            channel: "phone".into(),
            category: "abusive".into(),
            behaviours: vec!["shouting".into()],
            behaviour_other: String::new(),
            response: "warned".into(),
            reference: String::new(),
            description: format!("Incident number {n}"),
            immediate_threat: false,
            witnesses: String::new(),
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
            withdrawn: None,
            version: 3,
        });
    }
    h
}

#[test]
fn withdrawing_and_correcting_from_the_card() {
    let mut a = with_card(history_with_incidents(false));
    assert_eq!(a.pane, safedesk::app::Pane::Card);
    // The newest incident is highlighted first; j moves to the older one.
    assert_eq!(a.card_incident().unwrap().description, "Incident number 1");
    a.on_key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    assert_eq!(a.card_incident().unwrap().description, "Incident number 0");
    a.on_key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::NONE));
    assert!(a.overlays.prompt().is_some());
    let s = render(&a, 100, 30);
    assert!(s.contains("Why is it being withdrawn?"), "{s}");
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(a.overlays.prompt().is_some(), "a reason is required");
    for c in "Logged against the wrong person".chars() {
        a.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(
        a.take_requests(),
        vec![Request::WithdrawIncident {
            incident: Uuid::from_u128(500),
            reason: "Logged against the wrong person".into()
        }]
    );
    // e corrects the highlighted incident: the form opens filled in.
    a.on_key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE));
    let f = a.overlays.form().expect("the form opened");
    assert_eq!(f.amending, Some(3));
    assert_eq!(f.description.value(), "Incident number 0");
    a.on_key(KeyEvent::new(KeyCode::Char('!'), KeyModifiers::NONE));
    a.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let reqs = a.take_requests();
    let amend = reqs
        .iter()
        .find_map(|r| match r {
            Request::AmendIncident { incident, version } => Some((incident.clone(), *version)),
            _ => None,
        })
        .unwrap_or_else(|| {
            panic!(
                "asked to correct: {:?} {:?}",
                a.overlays.form().map(|f| &f.problems),
                reqs
            )
        });
    assert_eq!(amend.1, 3);
    assert_eq!(amend.0.id, Uuid::from_u128(500));
    assert_eq!(amend.0.description, "Incident number 0!");
    a.on_reply(Reply::Done("The incident was corrected.".into()));
    assert!(a.overlays.form().is_none());
}

#[test]
fn linking_an_unidentified_visitor_to_a_customer() {
    let mut a = with_card(history_with_incidents(true));
    a.on_key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE));
    for c in "mary".chars() {
        a.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let seq = a
        .take_requests()
        .iter()
        .filter_map(|r| match r {
            Request::FormLookup { seq, .. } => Some(*seq),
            _ => None,
        })
        .max()
        .expect("typing searches");
    let mut mary = tunde();
    mary.history.customer.id = Uuid::from_u128(900);
    mary.history.customer.name = Some("Mary Jones".into());
    a.on_reply(Reply::FormLookup {
        seq,
        result: Ok(vec![mary]),
    });
    let s = render(&a, 100, 30);
    assert!(s.contains("Mary Jones"), "{s}");
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let s = render(&a, 100, 30);
    assert!(s.contains("Move everything to Mary Jones?"), "{s}");
    a.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    assert_eq!(
        a.take_requests(),
        vec![Request::LinkVisitor {
            visitor: Uuid::from_u128(77),
            customer: Uuid::from_u128(900)
        }]
    );
}

#[test]
fn saving_with_several_problems_shows_each_in_full_under_its_own_field() {
    let mut a = app(Role::Reception);
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    a.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let s = render(&a, 80, 24);
    let rows: Vec<&str> = s.lines().collect();
    // The Who problem wraps under Who, whole; the description's is under What happened.
    let who = rows
        .iter()
        .position(|l| l.contains("> Who"))
        .expect("Who row");
    let flat: String = rows[who + 1..who + 4]
        .iter()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("Choose who this is about: a match, a new customer, or an unidentified visitor (Up/Down, then Enter)."),
        "{s}"
    );
    let what = rows
        .iter()
        .position(|l| l.contains("What happened"))
        .expect("What happened row");
    assert!(rows[what + 1].contains("! Say what happened"), "{s}");
    assert!(
        rows.iter()
            .all(|l| unicode_width::UnicodeWidthStr::width(*l) <= 80),
        "nothing runs past the edge"
    );
    assert_eq!(
        a.overlays.form().unwrap().focus,
        FormField::Who,
        "focus on the first"
    );
}

#[test]
fn whoever_logs_abusive_correspondence_can_write_the_reply_at_once() {
    let mut a = with_selected_customer(Role::Reception);
    let key = |a: &mut App, code: KeyCode| a.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    for c in ['e', 'a', '3'] {
        key(&mut a, KeyCode::Char(c)); // email, abusive, abusive language
    }
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('c')); // correspondence not processed
    for c in "Abusive email about the appointment.".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    a.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let reqs = a.take_requests();
    let inc = saved_incident(&reqs).expect("the form asked to save");
    assert_eq!(inc.response, "correspondence_not_processed");
    a.on_reply(Reply::Saved(SaveOutcome {
        count: 1,
        threshold: 3,
        breach: false,
        urgent: false,
        already_saved: false,
        customer: Some(Uuid::from_u128(77)),
    }));
    let s = render(&a, 100, 30);
    assert!(s.contains("Press l now to write the reply"), "{s}");
    assert!(s.contains(" l letter"), "the hint bar offers it: {s}");
    // l: the customer's card is read, then the reply opens, about that email only.
    key(&mut a, KeyCode::Char('l'));
    let id = Uuid::from_u128(77);
    assert!(a.take_requests().contains(&Request::LoadCard { id }));
    let mut h = tunde().history;
    h.incidents.push(Incident {
        id: inc.id,
        customer_id: id,
        occurred_at: now(),
        logged_at: now(),
        logged_by: Uuid::from_u128(5),
        logged_by_name: "Priya Sharma".into(),
        channel: inc.channel.clone(),
        category: inc.category.clone(),
        behaviours: inc.behaviours.clone(),
        behaviour_other: String::new(),
        response: inc.response.clone(),
        reference: String::new(),
        description: inc.description.clone(),
        immediate_threat: false,
        witnesses: String::new(),
        distress: None,
        workload: String::new(),
        workload_note: String::new(),
        harm: Default::default(),
        withdrawn: None,
        version: 1,
    });
    a.on_reply(Reply::Card {
        id,
        result: Ok(Some(Box::new(h))),
    });
    let letter = a.overlays.letter().expect("the reply opens");
    // Behind it, the customer's card now tells staff not to reply to what they send.
    let mut behind = String::new();
    if let Some(card) = &a.card {
        assert!(safedesk::policy::rules::correspondence_not_processed(card));
        behind.push_str(&card.customer.display_name());
    }
    assert_eq!(behind, "Tunde Okafor", "the card was read too");
    assert_eq!(
        letter.kind,
        safedesk::letters::LetterKind::AbusiveCorrespondence
    );
    assert_eq!(letter.case_id, None);
    let text = letter.rendered.clone().expect("it renders");
    assert!(text.contains("Tunde Okafor"), "{text}");
    assert!(text.contains("Email"), "the email it answers: {text}");
    // Saved by the receptionist: a letter record with no case.
    key(&mut a, KeyCode::Char('s'));
    let saved = a
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            Request::SaveLetter(l) => Some(l),
            _ => None,
        })
        .expect("the letter is sent to be saved");
    assert_eq!(saved.record.kind, "abusive_correspondence");
    assert_eq!(saved.record.case_id, None);

    // Any other key after an ordinary save: no reply is offered.
    let mut b = with_selected_customer(Role::Reception);
    b.on_reply(Reply::Saved(SaveOutcome {
        count: 1,
        threshold: 3,
        breach: false,
        urgent: false,
        already_saved: false,
        customer: Some(id),
    }));
    assert!(!render(&b, 100, 30).contains("Press l now"));
    key(&mut b, KeyCode::Char('l'));
    assert!(b.overlays.letter().is_none());
}

/// A new customer's address row explains itself in full at 80x24: the sentence wraps inside the
/// form rather than running off its edge.
#[test]
fn the_new_customers_address_row_explains_itself_in_full_at_80x24() {
    let mut a = app(Role::Reception);
    let mut k = Keys {
        app: &mut a,
        count: 0,
    };
    k.ctrl('n');
    k.text("Gary Newman");
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(
        a.overlays.form().map(|f| f.focus),
        Some(FormField::NewAddress)
    );
    let screen = render(&a, 80, 24);
    let words = screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("The postcode has its own field. Leave empty if not known."),
        "{screen}"
    );
}

/// Issue 19: the policy's own words on what is not unacceptable show where the category is
/// chosen; distress and, for demands, the effect on workloads are optional questions after the
/// description (the seven-key incident is unchanged), all fitting at 80x24.
#[test]
fn the_principles_show_where_the_category_is_chosen_and_demands_ask_the_workload_at_80x24() {
    let mut a = with_selected_customer(Role::Phone);
    let mut k = Keys {
        app: &mut a,
        count: 0,
    };
    k.ctrl('n');
    k.key('t'); // telephone
    let screen = render(k.app, 80, 24);
    insta::assert_snapshot!("form_principles_80x24", screen);
    assert!(
        screen.contains("Not unacceptable in itself: views, questions, being reasonably forceful"),
        "{screen}"
    );
    assert!(
        screen.contains("p   Unacceptable persistent contact"),
        "{screen}"
    );
    assert!(
        screen.contains("Distress can make people act out of character."),
        "{screen}"
    );
    k.key('d'); // unacceptable demands
    k.key('4'); // refusing to end a call
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    k.key('e'); // call ended after a warning
    k.text("Would not end the call after an hour about the same request.");
    k.press(KeyCode::Tab, KeyModifiers::NONE); // immediate threat: no
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::Distress)
    );
    k.key('y'); // appeared to be in distress
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::Workload)
    );
    let screen = render(k.app, 80, 24);
    insta::assert_snapshot!("form_workload_80x24", screen);
    assert!(screen.contains("In distress?     yes"), "{screen}");
    assert!(
        screen.contains("s   Significant: workloads or the service"),
        "{screen}"
    );
    k.key('s');
    k.text("Two advisers for an hour");
    k.ctrl('s');
    let inc = saved_incident(&a.take_requests()).expect("the form asked to save");
    assert_eq!(inc.category, "demands");
    assert_eq!(inc.distress, Some(true));
    assert_eq!(inc.workload, "significant");
    assert_eq!(inc.workload_note, "Two advisers for an hour");
}

/// Issue 19, item 6: an incident of physical violence asks who was hurt (a member of staff,
/// found on the staff list), how, RIDDOR and its reference, and whether a debrief is wanted; the
/// questions fit at 80x24, and an incident of shouting never asks them.
#[test]
fn physical_violence_asks_who_was_hurt_riddor_and_a_debrief_at_80x24() {
    let mut a = with_selected_customer(Role::Reception);
    let mut k = Keys {
        app: &mut a,
        count: 0,
    };
    k.ctrl('n');
    k.key('f'); // face to face
    k.key('a'); // abusive
    k.key('5'); // attempting to assault someone
    k.press(KeyCode::Enter, KeyModifiers::NONE);
    k.key('l'); // asked to leave
    k.text("Lunged at the receptionist across the counter.");
    k.press(KeyCode::Tab, KeyModifiers::NONE); // immediate threat: no
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    k.key('n'); // not in distress
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::Hurt)
    );
    let screen = render(k.app, 80, 24);
    assert!(screen.contains("s   A member of staff"), "{screen}");
    assert!(
        screen.contains("o   Another customer or visitor"),
        "{screen}"
    );
    k.key('s'); // a member of staff
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::HurtName)
    );
    // The staff list is asked for, to find her by name.
    assert!(k
        .app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::LoadStaffList)));
    k.app.on_reply(Reply::StaffList(vec![
        common::screen::staff(5, "Priya Sharma", Role::Reception),
        common::screen::staff(6, "Sam Patel", Role::Manager),
    ]));
    k.text("priya");
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    k.text("Bruised wrist");
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::Riddor)
    );
    k.key('y');
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::RiddorRef)
    );
    k.text("bad ref!");
    k.press(KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(
        k.app.overlays.form().map(|f| f.focus),
        Some(FormField::Debrief)
    );
    let screen = render(k.app, 80, 24);
    insta::assert_snapshot!("form_staff_safety_80x24", screen);
    assert!(screen.contains("Debrief wanted?"), "{screen}");
    assert!(screen.contains("Who was hurt"), "{screen}");
    k.key('y');
    // A reference that is not one is refused where it was typed.
    k.ctrl('s');
    assert!(saved_incident(&k.app.take_requests()).is_none());
    let f = k.app.overlays.form().unwrap();
    assert_eq!(f.focus, FormField::RiddorRef);
    assert!(
        f.problems
            .iter()
            .any(|p| p.message.contains("does not look like one")),
        "{:?}",
        f.problems
    );
    k.ctrl('u');
    k.text("2301234567");
    k.ctrl('s');
    let inc = saved_incident(&a.take_requests()).expect("the form asked to save");
    assert_eq!(inc.harm.hurt, Hurt::Staff);
    assert_eq!(inc.harm.hurt_name, "Priya Sharma");
    assert_eq!(inc.harm.hurt_staff, Some(Uuid::from_u128(5)));
    assert_eq!(inc.harm.how, "Bruised wrist");
    assert_eq!(inc.harm.riddor, Riddor::Yes);
    assert_eq!(inc.harm.riddor_ref, "2301234567");
    assert!(inc.harm.debrief);
}

#[test]
fn shouting_never_asks_the_safety_questions() {
    let mut a = with_selected_customer(Role::Phone);
    let mut k = Keys {
        app: &mut a,
        count: 0,
    };
    k.ctrl('n');
    k.key('t');
    k.key('a');
    k.key('3'); // shouting
    let policy = Policy::built_in();
    let f = k.app.overlays.form().unwrap();
    let fields = f.visible_fields(&policy);
    for q in [
        FormField::Hurt,
        FormField::HurtName,
        FormField::Riddor,
        FormField::RiddorRef,
        FormField::Debrief,
    ] {
        assert!(!fields.contains(&q), "{q:?} in {fields:?}");
    }
    k.key('5'); // and attempting to assault: they are asked
    let f = k.app.overlays.form().unwrap();
    assert!(f.visible_fields(&policy).contains(&FormField::Hurt));
}
