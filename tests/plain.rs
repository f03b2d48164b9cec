//! The screen-reader mode (`--plain`): the real binary, read only through the lines it prints,
//! as a screen reader reads the console. In tmux (typed as a person types) and with its input
//! piped from a file.

mod common;

use common::tmux::Pane;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// A demo database in a folder of its own.
fn demo(dir: &Path) -> String {
    let db = dir.join("demo.sqlite");
    std::fs::write(dir.join("no-config.toml"), "").unwrap();
    let made = common::safedesk(
        dir,
        &["--demo", "--db", db.to_str().unwrap(), "lookup", "nobody"],
    );
    assert!(db.exists(), "{}", common::stderr(&made));
    db.to_str().unwrap().to_string()
}

/// Run `safedesk --plain` with `input` piped in, and return what it printed and its exit code.
fn piped(dir: &Path, db: &str, user: &str, input: &str) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_safedesk"))
        .args(["--db", db, "--user", user, "--plain"])
        .current_dir(dir)
        .env_remove("SAFEDESK_DB")
        .env("SAFEDESK_CONFIG", dir.join("no-config.toml"))
        .env("SAFEDESK_LOCAL_DIR", dir.join(format!("local-{user}")))
        .env("SAFEDESK_LETTERS_DIR", dir.join("letters"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (text, out.status.code().unwrap_or(-1))
}

/// Nothing a screen reader would read out as noise: no box drawing, no escape sequences.
fn assert_lines_only(text: &str) {
    for l in text.lines() {
        assert!(
            !l.chars()
                .any(|c| matches!(c, '\u{2500}'..='\u{257F}') || c == '\u{1b}'),
            "box drawing or an escape sequence in {l:?}"
        );
    }
}

#[test]
fn piped_input_looks_up_logs_an_incident_and_ends_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let input = [
        "07700 900123", // look up by phone number
        "log",          // log an incident about her
        "t",            // channel: telephone, by its letter
        "1",            // behaviour: the first kind, by its number
        "2 3",          // seen: two of them
        "2",            // response
        "She swore at me and would not stop.",
        "n", // no immediate threat
        "y", // she appeared to be in distress
        "",  // no witnesses
        "save",
        "",
    ]
    .join("\n");
    let (out, code) = piped(dir.path(), &db, "ahassan", &format!("{input}\n"));
    assert_eq!(code, 0, "{out}");
    assert_lines_only(&out);
    assert!(
        out.contains("Best match, 1: Deborah Johnson (phone 07700 900123), RESTRICTED: calls and visits limited to 10 minutes; a witness must be present."),
        "{out}"
    );
    assert!(
        out.contains("Logging an incident about Deborah Johnson."),
        "{out}"
    );
    assert!(
        out.contains("Question 3 of 11, Channel: how did it happen? 1 or t, Telephone;"),
        "{out}"
    );
    assert!(out.contains("3. Channel: Telephone"), "{out}");
    assert!(
        out.contains("5. Seen: Abusive or offensive language; sexual, racist, homophobic or other discriminatory remarks; Shouting"),
        "{out}"
    );
    assert!(
        out.contains("Question 10 of 11, In distress?: Did the customer appear to be in distress? The policy says: We also recognise that in times of trouble or distress people may act out of character"),
        "{out}"
    );
    assert!(out.contains("10. In distress?: yes"), "{out}");
    assert!(out.contains("Incident 1 of 3 recorded."), "{out}");
    assert!(
        out.contains("Breach of an active restriction: sent to the manager's escalation queue"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("End of input: safedesk has closed."),
        "{out}"
    );
    // It reached the shared file: the command line finds it.
    let o = common::safedesk(dir.path(), &["--db", &db, "lookup", "07700 900123"]);
    assert!(
        common::stdout(&o).contains("1 of 3"),
        "{}",
        common::stdout(&o)
    );
}

#[test]
fn bad_input_is_answered_in_sentences_and_an_unfinished_incident_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let long = "x".repeat(100_000);
    let input = [
        long.as_str(),
        "Deb\u{7}orah\u{1b}",
        "99",
        "🙂",
        "log",
        "9",
        "Deborah Johnson",
        "1",
        "yesterday 16:30",
    ]
    .join("\n");
    let (out, code) = piped(dir.path(), &db, "ahassan", &format!("{input}\n"));
    assert_eq!(code, 0, "{out}");
    assert_lines_only(&out);
    assert!(
        out.contains("That line was 100000 characters long: only its first 20000 are used."),
        "{out}"
    );
    assert!(
        out.contains("The search was cut to its first 200 characters."),
        "{out}"
    );
    // Control characters never reach the console, and the search still finds her.
    assert!(!out.contains('\u{7}'), "{out}");
    assert!(out.contains("people match \"Deborah\"."), "{out}");
    assert!(
        out.contains("There is no result 99: the results are numbered 1 to "),
        "{out}"
    );
    // In the form, a number before anyone is found is a search, and says so.
    assert!(
        out.contains("Question 1 of 11, Who: no one on the list matches \"9\"."),
        "{out}"
    );
    assert!(out.contains("Question 2 of 11, When"), "{out}");
    assert!(out.contains("Question 3 of 11, Channel"), "{out}");
    assert!(
        out.contains("The incident being typed was not saved: it is kept on this PC and offered back next time."),
        "{out}"
    );
    // Next time it is offered back.
    let (out, _) = piped(dir.path(), &db, "ahassan", "\n");
    assert!(
        out.contains("An incident you started was not saved: about Deborah Johnson."),
        "{out}"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "drives the app in tmux, which Windows does not have"
)]
fn in_tmux_a_screen_reader_user_does_the_three_jobs_from_the_lines_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());

    // The front desk: look someone up, then log an incident, one question at a time.
    let p = Pane::start(
        "plain-desk",
        &["--db", &db, "--user", "ahassan", "--plain"],
        dir.path(),
        80,
        24,
    );
    p.wait_for_line("Type a name, phone number or email and press Enter");
    let answer = |line: &str, then: &str| p.answer(line, then);
    answer("deborah", "Best match, 1: Deborah Johnson");
    let s = answer("list", "2: Deborah Robinson, RESTRICTED");
    assert!(s.contains("1: Deborah Johnson (also known as Deborah Clarke), RESTRICTED: calls and visits limited to 10 minutes; a witness must be present."), "{s}");
    let s = answer("1", "Deborah Johnson's card. Type log");
    assert!(s.contains("Address: Flat 4, Holden Court"), "{s}");
    answer("log", "Logging an incident about Deborah Johnson.");
    answer("f", "Question 4 of 11, Behaviour");
    answer("a", "Question 5 of 11, Seen");
    answer("3", "Question 7 of 11, Response");
    answer("l", "Question 8 of 11, What happened");
    answer(
        "Shouted at the screen and would not leave.",
        "Question 9 of 11, Immediate threat",
    );
    answer("n", "Question 10 of 11, In distress?");
    answer("", "Question 11 of 11, Witnesses");
    let s = answer("Tom Fletcher", "Type save to save it, a question's number");
    assert!(
        s.contains("7. Response: Asked to leave the premises"),
        "{s}"
    );
    // Change one answer from the summary, and come back to it.
    answer("11", "Question 11 of 11, Witnesses");
    let s = answer("Tom Fletcher and Ewa Nowak", "Type save to save it");
    assert!(
        s.contains("11. Witnesses: Tom Fletcher and Ewa Nowak"),
        "{s}"
    );
    let s = answer("save", "Press Enter to carry on.");
    assert!(
        s.contains("Breach of an active restriction: sent to the manager's escalation queue"),
        "{s}"
    );
    let s = p.history();
    assert_lines_only(&s);
    drop(p);

    // The manager: the queue, a case, a decision, all from what is said.
    // On another PC (a folder of its own for this PC's outbox and drafts).
    let other_pc = dir.path().join("manager-pc");
    std::fs::create_dir_all(&other_pc).unwrap();
    let m = Pane::start(
        "plain-mgr",
        &["--db", &db, "--user", "spatel", "--plain"],
        &other_pc,
        80,
        24,
    );
    m.wait_for_line("Type a name, phone number or email and press Enter");
    let answer = |line: &str, then: &str| m.answer(line, then);
    // The alert comes first, in words, without anything being typed.
    m.wait_for_line("BREACH OF A RESTRICTION logged");
    let s = answer("queue", "Type a case's number to open it");
    let row = s
        .lines()
        .find(|l| l.contains(": Deborah Johnson, not yet opened: breach of an active restriction"))
        .unwrap_or_else(|| panic!("no case for the incident just logged:\n{s}"));
    let number = row.split(':').next().unwrap().trim().to_string();
    let s = answer(&number, "Type back to go back to the queue");
    assert!(s.contains("Case: Deborah Johnson."), "{s}");
    assert!(
        s.contains("Shouted at the screen and would not leave."),
        "{s}"
    );
    let s = answer("d", "Question 2 of");
    assert!(
        s.contains("Recording the decision on Deborah Johnson's case, one question at a time."),
        "{s}"
    );
    let s = answer("", "Question 3 of");
    assert!(
        s.contains("Outcome: a [Long-term actions] n No further action"),
        "{s}"
    );
    answer("n", "Reasons: internal notes for staff (never printed)");
    answer(
        "She was upset by news about her payments; staff will offer a call back.",
        "Reasons for the customer (printed in the letter)",
    );
    let s = answer(
        "We will call you back about your payments.",
        "Type save to save it",
    );
    assert!(
        s.contains("3. Outcome: a Long-term actions n [No further action]"),
        "{s}"
    );
    assert!(
        s.contains("4. Reasons: internal notes for staff (never printed): She was upset by news"),
        "{s}"
    );
    answer("save", "Press Enter to carry on.");
    let s = m.history();
    assert!(s.contains("The decision is saved."), "{s}");
    assert_lines_only(&s);
}

/// The first run, as lines: no database set on this PC, so safedesk explains where the shared
/// file goes and asks the same questions as the full screen's two screens; a folder that does
/// not exist is refused in a sentence; then the office database is made, this PC's config
/// written, and the app opens on it, still in lines.
#[test]
#[cfg_attr(
    windows,
    ignore = "drives the app in tmux, which Windows does not have"
)]
fn a_first_run_in_screen_reader_mode_creates_the_office_database_and_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("office");
    let p = Pane::start(
        "plain-first",
        &["--user", "amira", "--plain"],
        dir.path(),
        80,
        24,
    );
    p.wait_for_line("This PC has no database set yet. What would you like to do?");
    let s = p.wait_for_line("Type d, c or e, or quit");
    assert!(s.contains("2 or c: Create the office database"), "{s}");
    p.answer("c", "Where should the database be?");
    // A file in a folder that does not exist yet.
    let db = office.join("safedesk.sqlite");
    p.answer(db.to_str().unwrap(), "Your name as colleagues know it.");
    let s = p.answer("Amira Hassan", "Where should the database be?");
    assert!(s.contains("Not done:"), "{s}");
    assert!(!db.exists());
    // The folder made, Enter keeps the path and the name given.
    std::fs::create_dir(&office).unwrap();
    p.answer("", "Your name as colleagues know it.");
    let s = p.answer("", "Type a name, phone number or email to look someone up");
    assert!(s.contains("Signed in as Amira Hassan (admin)."), "{s}");
    assert!(s.contains("You (amira) are its first admin"), "{s}");
    assert_lines_only(&s);
    assert!(db.is_file());
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(
        config.contains(&format!("db = '{}'", db.display())),
        "{config}"
    );
    // The app itself, on the new database: a search, in sentences.
    p.answer("deborah", "No one matches \"deborah\".");
}

/// "Who" waits for the answer to the search last typed, not to any search: clearing the field
/// searches too, and under Wine that answer came in first, so a name that matches was said to
/// match no one and "1" made a new customer of her.
#[test]
fn who_waits_for_the_answer_to_the_search_last_typed() {
    use safedesk::plain::{answer, on_reply, say, Plain};
    use safedesk::sync::protocol::{Reply, Request};
    let mut app = common::screen::app_as(
        "ahassan",
        Some(common::screen::staff(
            1,
            "Amira Hassan",
            safedesk::domain::Role::Reception,
        )),
        chrono::Utc::now(),
        true,
    );
    let mut plain = Plain::default();
    let lookups = |app: &mut safedesk::app::App| -> Vec<(u64, String)> {
        app.take_requests()
            .into_iter()
            .filter_map(|r| match r {
                Request::FormLookup { seq, query } => Some((seq, query)),
                _ => None,
            })
            .collect()
    };
    let found = |app: &mut safedesk::app::App, plain: &mut Plain, seq: u64| {
        on_reply(
            app,
            plain,
            Reply::FormLookup {
                seq,
                result: Ok(vec![]),
            },
        )
    };
    answer::line(&mut app, &mut plain, "log");
    answer::line(&mut app, &mut plain, "9");
    let first = lookups(&mut app);
    let (nine, _) = first.last().cloned().unwrap();
    found(&mut app, &mut plain, nine);
    assert!(!say::busy(&app, &plain));
    answer::line(&mut app, &mut plain, "Deborah Johnson");
    let sent = lookups(&mut app);
    let (last, query) = sent.last().cloned().unwrap();
    assert_eq!(query, "Deborah Johnson");
    // Any earlier answer (the cleared field's, or "9" again) leaves it waiting.
    for stale in [nine, last - 1] {
        found(&mut app, &mut plain, stale);
        assert!(
            say::busy(&app, &plain),
            "the answer to search {stale} ended the wait"
        );
    }
    found(&mut app, &mut plain, last);
    assert!(!say::busy(&app, &plain));
}

/// Issue 19, item 4, as lines: a withdrawal Sam Patel decided waits for approval; Grace Mensah,
/// in screen-reader mode, hears it read from the queue (what, by whom) and approves it by word.
#[test]
#[cfg_attr(
    windows,
    ignore = "drives the app in tmux, which Windows does not have"
)]
fn in_tmux_a_second_manager_hears_a_decision_waiting_for_approval_and_approves_it_by_word() {
    use safedesk::domain::{new_id, CaseReason, NewDecision, NewRestriction, Outcome};
    use safedesk::store::{OpenOptions, SqliteStore, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // Sam Patel withdraws Tunde Okafor's services on his threshold case (through the store).
    let mut store = SqliteStore::open(Path::new(&db), &OpenOptions::default()).unwrap();
    let sam = common::world::actor(&mut store, "spatel");
    let today = safedesk::time::london_date(chrono::Utc::now());
    let case = store
        .queue(&sam, today)
        .unwrap()
        .cases
        .into_iter()
        .find(|c| c.customer_name == "Tunde Okafor" && c.reason == CaseReason::Threshold)
        .expect("Tunde's threshold case");
    let policy = safedesk::policy::Policy::built_in();
    let d = NewDecision {
        id: new_id(),
        customer_id: case.customer_id,
        case_id: Some(case.id),
        case_version: Some(case.version),
        also_closes: vec![],
        meeting_date: today,
        attendees: "Sam Patel".into(),
        outcome: Outcome::WithdrawalOfServices,
        reasons: "Every action was tried and the shouting went on.".into(),
        reasons_for_customer: "You went on shouting at our staff.".into(),
        restrictions: vec![NewRestriction {
            kind: policy.withdrawal.id.clone(),
            ..NewRestriction::default()
        }],
        review_date: Some(today + chrono::Duration::weeks(6)),
        police_told: None,
        authority_told: String::new(),
        risk_assessment: String::new(),
        tried_actions: vec!["time_limit".into()],
        none_suitable: String::new(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "Offered for a month; it did not help.".into(),
    };
    let saved = store.record_decision(&sam, &policy, &d).unwrap();
    assert!(saved.waiting_for_approval.is_some());
    drop(store);

    let m = Pane::start(
        "plain-approve",
        &["--db", &db, "--user", "gmensah", "--plain"],
        dir.path(),
        80,
        24,
    );
    m.wait_for_line("Type a name, phone number or email and press Enter");
    let answer = |line: &str, then: &str| m.answer(line, then);
    answer("queue", "Type a case's number to open it");
    let s = answer("approvals", ": Tunde Okafor, waiting for approval");
    let row = s
        .lines()
        .find(|l| l.contains(": Tunde Okafor, waiting for approval"))
        .unwrap_or_else(|| panic!("no case waiting for approval:\n{s}"));
    let number = row.split(':').next().unwrap().trim().to_string();
    let s = answer(
        &number,
        "Type approve to approve the decision, turn down to turn it down",
    );
    assert!(
        s.contains("DECISION WAITING FOR APPROVAL - decided by Sam Patel"),
        "{s}"
    );
    assert!(s.contains("Decided: Withdrawal of services"), "{s}");
    answer("approve", "Approve the decision");
    let s = answer("", "The decision is approved and in force from now");
    assert_lines_only(&s);
    let mut store = SqliteStore::open(Path::new(&db), &OpenOptions::default()).unwrap();
    let h = store.history(case.customer_id).unwrap().unwrap();
    let d = h.decisions.iter().find(|x| x.id == d.id).unwrap();
    assert_eq!(d.approval.by_name, "Grace Mensah");
}

/// Issue 19, item 6: physical violence asks who was hurt, how, RIDDOR and a debrief, in order;
/// the debrief reaches the manager's queue.
#[test]
fn physical_violence_asks_the_safety_questions_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let input = [
        "07700 900123", // Deborah Johnson
        "log",
        "f", // face to face
        "1", // abusive
        "5", // attempting to assault someone
        "2", // asked to leave
        "She lunged at me across the counter.",
        "n", // no immediate threat
        "n", // not in distress
        "s", // a member of staff was hurt
        "Amira Hassan",
        "Bruised wrist",
        "y", // reportable under RIDDOR
        "",  // no reference yet
        "y", // debrief wanted
        "",  // no witnesses
        "save",
        "",
    ]
    .join("\n");
    let (out, code) = piped(dir.path(), &db, "ahassan", &format!("{input}\n"));
    assert_eq!(code, 0, "{out}");
    assert_lines_only(&out);
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s:?} not in {out}"));
    let hurt = at("Question 11 of 13, Who was hurt: physical violence: who was hurt?");
    let name = at("Their name: the name of the member of staff hurt, as on the staff list.");
    let riddor = at("RIDDOR?: is the injury reportable under RIDDOR?");
    let reference = at("RIDDOR ref: the RIDDOR reference");
    let debrief = at("Debrief wanted?: does the member of staff affected want a debrief");
    assert!(hurt < name && name < riddor && riddor < reference && reference < debrief);
    assert!(out.contains("Question 10 of 13, In distress?"), "{out}");
    assert!(out.contains("Incident 1 of 3 recorded."), "{out}");
}
