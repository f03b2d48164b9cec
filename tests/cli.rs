//! The command line, run as the real binary.

mod common;
use common::{safedesk, stderr, stdout};

use safedesk::domain::NewIncident;
use std::process::Command;

#[test]
fn lookup_prints_plain_words_and_json_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A named config file that does not exist is an error, so give an empty one.
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let db = db.to_str().unwrap();
    let o = safedesk(d, &["--demo", "--db", db, "lookup", "07700", "900123"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Deborah Johnson  (phone 07700 900123)"),
        "{out}"
    );
    assert!(
        out.contains("RESTRICTED: Calls and visits limited to 10 minutes"),
        "{out}"
    );

    let o = safedesk(d, &["--demo", "--db", db, "lookup", "tunde", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let first = &v[0];
    assert_eq!(first["name"], "Tunde Okafor");
    assert_eq!(first["incidents_since_last_decision"], 3);
    assert_eq!(first["restricted"], false);

    let o = safedesk(d, &["--demo", "--db", db, "lookup", "zzqqxxyy"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("No one matches"));

    let o = safedesk(
        d,
        &[
            "--db",
            d.join("missing.sqlite").to_str().unwrap(),
            "lookup",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("There is no safedesk database"));
}

#[test]
fn init_makes_the_creator_the_first_admin_who_adds_staff() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("shared.sqlite");
    let db = db.to_str().unwrap();
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "init",
            "--name",
            "Helen Carter",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("You (hcarter) are its first admin"));
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "staff",
            "add",
            "spatel",
            "--name",
            "Sam Patel",
            "--role",
            "manager",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = safedesk(
        d,
        &[
            "--db", db, "--user", "spatel", "staff", "add", "x", "--name", "X", "--role", "admin",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot add staff"), "{}", stderr(&o));
    let o = safedesk(
        d,
        &[
            "--db", db, "--user", "hcarter", "staff", "set-role", "spatel", "boss",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the roles are reception, phone, manager and admin"));
    let o = safedesk(d, &["--db", db, "--user", "nobody", "staff", "list"]);
    let out = stdout(&o);
    assert!(
        out.contains("hcarter") && out.contains("Sam Patel") && out.contains("manager"),
        "{out}"
    );
    // --demo never writes demo data into a real database.
    let o = safedesk(d, &["--demo", "--db", db, "lookup", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not a demo database"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_policy_or_config_file_with_a_typo_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let policy =
        safedesk::policy::BUILT_IN.replace("review_period_weeks = 6", "review_period_weeks = six");
    std::fs::write(d.join("policy.toml"), policy).unwrap();
    let db = d.join("demo.sqlite");
    let o = safedesk(
        d,
        &[
            "--demo",
            "--db",
            db.to_str().unwrap(),
            "--policy",
            "policy.toml",
            "lookup",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("The policy file policy.toml, line"), "{e}");
    assert!(e.contains("built-in policy"), "{e}");

    std::fs::write(d.join("bad.toml"), "db = 'x.sqlite'\npolcy = 'p.toml'\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_safedesk"))
        .args(["--config", "bad.toml", "lookup", "x"])
        .current_dir(d)
        .env_remove("SAFEDESK_DB")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.toml, line 2"), "{e}");
}

#[test]
fn import_saves_good_lines_and_says_why_others_were_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let db = db.to_str().unwrap();
    let o = safedesk(
        d,
        &["--demo", "--db", db, "lookup", "deborah johnson", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let id: uuid::Uuid = v[0]["id"].as_str().unwrap().parse().unwrap();
    let good = NewIncident::example(id, "Deborah Johnson");
    let mut empty = good.clone();
    empty.id = safedesk::domain::new_id();
    empty.description = " ".into();
    let text = format!(
        "{}\nnot json at all\n{}\n",
        serde_json::to_string(&good).unwrap(),
        serde_json::to_string(&empty).unwrap()
    );
    std::fs::write(d.join("in.jsonl"), text).unwrap();
    let o = safedesk(d, &["--db", db, "--user", "cevans", "import", "in.jsonl"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("saved {}", good.id)),
        "{}",
        stdout(&o)
    );
    let e = stderr(&o);
    assert!(e.contains("refused line 2: not an incident"), "{e}");
    assert!(e.contains("Say what happened"), "{e}");
    // The same file again stores nothing twice.
    let o = safedesk(d, &["--db", db, "--user", "cevans", "import", "in.jsonl"]);
    assert!(stdout(&o).contains(&format!("saved {}", good.id)));
    let o = safedesk(d, &["--db", db, "lookup", "deborah johnson", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["incidents_since_last_decision"], 1);
    // A note line adds to the customer's notes, once however often it is imported.
    let note =
        serde_json::json!({ "note": { "customer": id, "text": "Prefers letters to calls." } });
    std::fs::write(d.join("notes.jsonl"), note.to_string()).unwrap();
    let o = safedesk(
        d,
        &["--db", db, "--user", "cevans", "import", "notes.jsonl"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("noted {id}")),
        "{}",
        stdout(&o)
    );
    let o = safedesk(
        d,
        &["--db", db, "--user", "cevans", "import", "notes.jsonl"],
    );
    assert!(
        stdout(&o).contains(&format!("already noted {id}")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_office_policy_is_set_by_admins_and_a_pcs_own_policy_file_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    std::fs::write(
        d.join("four.toml"),
        safedesk::policy::BUILT_IN.replace("incident_threshold = 3", "incident_threshold = 4"),
    )
    .unwrap();
    std::fs::write(
        d.join("ninety-nine.toml"),
        safedesk::policy::BUILT_IN.replace("incident_threshold = 3", "incident_threshold = 99"),
    )
    .unwrap();
    std::fs::write(
        d.join("broken.toml"),
        safedesk::policy::BUILT_IN.replace("review_period_weeks = 6", "review_period_weeks = six"),
    )
    .unwrap();
    let db = d.join("shared.sqlite");
    let db = db.to_str().unwrap();
    // A new database starts with the policy file of the PC that makes it.
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "--policy",
            "four.toml",
            "init",
            "--name",
            "Helen Carter",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("The office's policy is version 1, set by Helen Carter"),
        "{}",
        stdout(&o)
    );
    let o = safedesk(d, &["--db", db, "--user", "hcarter", "policy", "show"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("version 1"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("threshold 4 incidents"),
        "{}",
        stdout(&o)
    );
    // Another PC's own file is not used, and says so.
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "--policy",
            "ninety-nine.toml",
            "policy",
            "show",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("threshold 4 incidents"),
        "{}",
        stdout(&o)
    );
    let e = stderr(&o);
    assert!(
        e.contains("This PC's policy file ninety-nine.toml is not used: the office's policy, version 1, set by Helen Carter on"),
        "{e}"
    );
    assert!(e.contains("safedesk policy set FILE"), "{e}");
    // Only admins set it; a broken file is refused with its line and changes nothing.
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "staff",
            "add",
            "spatel",
            "--name",
            "Sam Patel",
            "--role",
            "manager",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "spatel",
            "policy",
            "set",
            "ninety-nine.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot set the office's policy"),
        "{}",
        stderr(&o)
    );
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "policy",
            "set",
            "broken.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("The policy file broken.toml, line 19"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("Nothing was changed"), "{}", stderr(&o));
    let o = safedesk(d, &["--db", db, "--user", "hcarter", "policy", "show"]);
    assert!(stdout(&o).contains("version 1"), "{}", stdout(&o));
    // An admin sets a new one: version 2.
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "policy",
            "set",
            "ninety-nine.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("The office's policy is now version 2"),
        "{}",
        stdout(&o)
    );
    let o = safedesk(d, &["--db", db, "lookup", "x"]);
    assert!(!stderr(&o).contains("not used"), "{}", stderr(&o));
}

#[test]
fn the_organisations_letter_details_are_set_once_for_every_manager() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    std::fs::write(
        d.join("org.toml"),
        "name = \"Northside Advice\"\ncomplaints = \"Write to our chair.\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("bad-org.toml"),
        "name = \"Northside Advice\"\ncomplaints = \"Write to us.\"\nadress = [\"1 High Street\"]\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("templates")).unwrap();
    std::fs::write(
        d.join("templates/review_outcome.md"),
        "Dear {{ customer_name }},\n\nYour review on {{ reveiw_date }}.\n",
    )
    .unwrap();
    let db = d.join("shared.sqlite");
    let db = db.to_str().unwrap();
    let o = safedesk(d, &["--db", db, "--user", "hcarter", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "letters",
            "set-organisation",
            "bad-org.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad-org.toml, line 3"),
        "{}",
        stderr(&o)
    );
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "letters",
            "set-templates",
            "templates",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("review_outcome.md, line 3"),
        "{}",
        stderr(&o)
    );
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "letters",
            "set-organisation",
            "org.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = safedesk(d, &["--db", db, "--user", "hcarter", "letters", "show"]);
    let out = stdout(&o);
    assert!(
        out.contains("The organisation's details for letters: version 1, set by hcarter"),
        "{out}"
    );
    assert!(
        out.contains("The office's letter templates: the ones built into safedesk"),
        "{out}"
    );
}

/// `safedesk config path|init|check`: where this PC's settings are, a commented file to start
/// from that checks as right, a misspelt setting named with its line, and paths that cannot be
/// found listed; an existing file is never overwritten without --force.
#[test]
fn config_init_writes_a_file_that_checks_and_check_names_a_typo_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = d.join("no-config.toml");
    let o = safedesk(d, &["config", "path"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("does not exist yet"), "{}", stdout(&o));

    let o = safedesk(d, &["config", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&cfg).unwrap();
    for key in [
        "db",
        "busy_timeout_ms",
        "bell",
        "letters_dir",
        "policy",
        "organisation",
        "letter_templates",
    ] {
        assert!(
            written.contains(&format!("# {key} = ")),
            "{key} in {written}"
        );
    }
    let o = safedesk(d, &["config", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("is right"), "{}", stdout(&o));
    // Every commented setting, switched on, is a setting safedesk knows.
    let on: String = written
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|r| r.contains(" = ") || *r == "[keys]")
                .unwrap_or(l)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&cfg, on).unwrap();
    let o = safedesk(d, &["config", "check"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(!out.contains("unknown field"), "{out}");
    assert!(
        out.contains("db = 'S:\\safedesk\\safedesk.sqlite': there is no such file"),
        "{out}"
    );

    // Never overwritten without --force.
    let o = safedesk(d, &["config", "init"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));

    // A misspelt setting: named, with its line.
    std::fs::write(&cfg, "bell = false\nletter_dir = 'letters'\n").unwrap();
    let o = safedesk(d, &["config", "check"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("line 2"), "{out}");
    assert!(out.contains("letter_dir"), "{out}");
    let o = safedesk(d, &["config", "init", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = safedesk(d, &["config", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// A misspelt theme, on the command line, in the environment or in the config file, is one
/// sentence naming the three themes (the config's with its line), never a panic.
#[test]
fn a_misspelt_theme_is_one_sentence_naming_the_three() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let three = "the themes are default, high-contrast and monochrome";
    let o = safedesk(d, &["--theme", "hi-contrast", "lookup", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("no theme called \"hi-contrast\": {three}")),
        "{}",
        stderr(&o)
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_safedesk"))
        .args(["config", "path"])
        .current_dir(d)
        .env("SAFEDESK_CONFIG", d.join("no-config.toml"))
        .env("SAFEDESK_THEME", "blue")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(three), "{}", stderr(&o));
    let written = d.join("no-config.toml");
    std::fs::write(&written, "bell = true\ntheme = \"dark\"\n").unwrap();
    let o = safedesk(d, &["config", "check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("line 2"), "{out}");
    assert!(out.contains(three), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    // The app will not start on it either: the same sentence.
    let o = safedesk(d, &["--demo", "lookup", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(three), "{}", stderr(&o));
    // Spelt right, in any case, it is taken.
    std::fs::write(&written, "theme = \"High-Contrast\"\n").unwrap();
    let o = safedesk(d, &["config", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Opening the app where there is no terminal to draw in (started by a script, its input from
/// a file): one sentence and exit code 2, never a panic. `setsid` starts it without a
/// controlling terminal, so it cannot reach the one the tests may be run from.
#[cfg(target_os = "linux")]
#[test]
fn the_app_without_a_terminal_says_so_in_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let o = std::process::Command::new("setsid")
        .args(["--wait", env!("CARGO_BIN_EXE_safedesk"), "--demo", "--db"])
        .arg(&db)
        .current_dir(d)
        .env("SAFEDESK_CONFIG", d.join("no-config.toml"))
        .env("SAFEDESK_LOCAL_DIR", d.join("local"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("safedesk needs a terminal window to draw in"),
        "{err}"
    );
}

/// `safedesk config keys` lists every action's name with its keys and what it does, showing
/// this PC's changes; `config check` refuses a change that cannot work, naming it, its line and
/// what to do.
#[test]
fn config_keys_lists_the_actions_and_check_refuses_a_key_change_that_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = d.join("no-config.toml");
    let o = safedesk(d, &["config", "keys"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    for line in [
        "log_incident",
        "Ctrl-N",
        "quit",
        "help",
        "? / F1",
        "open",
        "Enter",
    ] {
        assert!(out.contains(line), "{line} in {out}");
    }
    std::fs::write(
        &cfg,
        "bell = false\n[keys]\nlog_incident = \"F2\"\nquit = \"x\"\nopen = \"o\"\nfind_in_quee = \"F3\"\nhelp = \"Hyper-H\"\n",
    )
    .unwrap();
    let o = safedesk(d, &["config", "keys"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("F2               Log an incident")
            && out.contains("changed in the config; usually Ctrl-N"),
        "{out}"
    );
    let o = safedesk(d, &["config", "check"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for said in [
        "[keys] quit (line 4): x is already the key for",
        "[keys] open (line 5): open works while typing in the search box, where o would be text",
        "[keys] find_in_quee (line 6): there is no such action. safedesk config keys lists",
        "[keys] help (line 7): \"Hyper-H\" is not a key safedesk can read",
    ] {
        assert!(out.contains(said), "{said} in {out}");
    }
    assert!(!out.contains("log_incident"), "F2 is fine: {out}");
}

/// A PostgreSQL address as the database, on the command line, in SAFEDESK_DB or in the config
/// file, is a server's address, never taken for a file on a missing drive: a password in it is
/// refused (saying where it goes) without repeating it, a server that cannot be reached gets one
/// sentence saying so, and `config check` names a typo in it rather than looking for a file.
#[test]
fn a_postgres_address_is_a_server_and_what_is_wrong_with_it_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let with_password = "postgres://clerk:secret@db.office.local/safedesk";
    #[cfg(feature = "postgres")]
    let (refused, unreachable) = (
        safedesk::store::postgres::address::PASSWORD_REFUSED,
        "The PostgreSQL server at postgres://clerk@127.0.0.1:1/safedesk cannot be reached",
    );
    #[cfg(not(feature = "postgres"))]
    let (refused, unreachable) = (
        safedesk::store::location::POSTGRES_NOT_BUILT,
        safedesk::store::location::POSTGRES_NOT_BUILT,
    );
    for (args, sentence) in [
        (vec!["--db", with_password, "check"], refused),
        (vec!["--db", with_password, "staff", "list"], refused),
        (
            vec![
                "--db",
                "postgresql://clerk@127.0.0.1:1/safedesk",
                "lookup",
                "Smith",
            ],
            unreachable,
        ),
    ] {
        let o = safedesk(d, &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(sentence), "{args:?}: {err}");
        assert!(
            !err.contains("secret") && !err.contains("network drive"),
            "{err}"
        );
    }
    let o = Command::new(env!("CARGO_BIN_EXE_safedesk"))
        .args(["staff", "list"])
        .current_dir(d)
        .env("SAFEDESK_DB", with_password)
        .env("SAFEDESK_CONFIG", d.join("no-config.toml"))
        .env("SAFEDESK_LOCAL_DIR", d.join("local"))
        .output()
        .unwrap();
    assert!(stderr(&o).contains(refused), "{}", stderr(&o));
    assert!(!stderr(&o).contains("secret"), "{}", stderr(&o));
    // config check reads the address rather than looking for a file.
    let typo = "postgres://db.office.local/safedesk?sslmod=require";
    std::fs::write(d.join("no-config.toml"), format!("db = '{typo}'\n")).unwrap();
    let o = safedesk(d, &["config", "check"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    #[cfg(feature = "postgres")]
    assert!(out.contains("db: ") && out.contains("sslmod"), "{out}");
    assert!(!out.contains("there is no such file"), "{out}");
    #[cfg(feature = "postgres")]
    {
        let good = "postgres://clerk@db.office.local/safedesk";
        std::fs::write(d.join("no-config.toml"), format!("db = '{good}'\n")).unwrap();
        let o = safedesk(d, &["config", "check"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
}
