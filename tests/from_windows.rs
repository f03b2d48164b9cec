//! What a Windows office meets on day one, run as the real binary on every system: account
//! names as Windows gives them, files as Notepad and PowerShell write them, and output sent to a
//! pipe that closes early.

mod common;
use common::{safedesk, stderr, stdout};

use std::path::Path;
use std::process::{Command, Stdio};

/// The real binary in `dir`, as [`safedesk`] runs it, for a test that sets its own environment.
fn command(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safedesk"));
    c.current_dir(dir)
        .env_remove("SAFEDESK_DB")
        .env_remove("SAFEDESK_USER")
        .env_remove("SAFEDESK_POLICY")
        .env("SAFEDESK_CONFIG", dir.join("no-config.toml"))
        .env("SAFEDESK_LOCAL_DIR", dir.join("local"));
    c
}

/// `safedesk lookup x | head -c1`: the reader goes away, and safedesk ends with its usual exit
/// code (0 found, 1 no one), not a panic.
#[test]
fn a_closed_output_pipe_ends_quietly_with_the_usual_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let db = db.to_str().unwrap();
    // Made first, so that the runs below only look up and print.
    let o = safedesk(d, &["--demo", "--db", db, "lookup", "tunde"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (args, code) in [
        (vec!["lookup", "tunde"], 0),
        (vec!["lookup", "a", "--limit", "50"], 0),
        (vec!["lookup", "zzqqxxyy"], 1),
        (vec!["staff", "list"], 0),
        (vec!["--help"], 0),
    ] {
        let mut child = command(d)
            .args(["--demo", "--db", db])
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before a word is read: every write fails.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn utf8_with_bom(text: &str) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(text.as_bytes());
    out
}

/// Incidents as JSON lines saved by Notepad (a byte-order mark, CRLF) and by PowerShell 5.1's
/// `>` (UTF-16 with its mark): every line is saved. A Windows-1252 file is refused whole with a
/// sentence that says how to save it.
#[test]
fn imports_saved_by_notepad_and_powershell_save_every_line() {
    use safedesk::domain::NewIncident;
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
    let mut saved = 0;
    for (name, encode) in [
        ("bom.jsonl", utf8_with_bom as fn(&str) -> Vec<u8>),
        ("utf16.jsonl", utf16le_with_bom),
        ("crlf.jsonl", |t: &str| t.as_bytes().to_vec()),
    ] {
        let lines: Vec<NewIncident> = (0..2)
            .map(|_| NewIncident::example(id, "Deborah Johnson"))
            .collect();
        let text: String = lines
            .iter()
            .map(|i| serde_json::to_string(i).unwrap() + "\r\n")
            .collect();
        std::fs::write(d.join(name), encode(&text)).unwrap();
        let o = safedesk(d, &["--db", db, "--user", "cevans", "import", name]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        for i in &lines {
            assert!(
                stdout(&o).contains(&format!("saved {}", i.id)),
                "{name}: {}",
                stdout(&o)
            );
        }
        saved += lines.len();
    }
    let o = safedesk(d, &["--db", db, "lookup", "deborah johnson", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["incidents_since_last_decision"], saved);
    // Windows-1252: refused whole, saying what to do.
    let mut bytes = serde_json::to_vec(&NewIncident::example(id, "Deborah Johnson")).unwrap();
    bytes.extend_from_slice(b"\r\n{\"note\": \"caf\xe9\"}\r\n");
    std::fs::write(d.join("ansi.jsonl"), bytes).unwrap();
    let o = safedesk(d, &["--db", db, "--user", "cevans", "import", "ansi.jsonl"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("line 2") && e.contains("Save it as UTF-8"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

/// A spreadsheet exported as UTF-16 (PowerShell's Export-Csv in 5.1 writes it so): every row.
#[test]
fn a_utf16_csv_imports_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let db = db.to_str().unwrap();
    let o = safedesk(d, &["--demo", "--db", db, "lookup", "x"]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    let csv = "Surname,Forename,Tel\r\nÅberg,Zoë,020 7946 0321\r\nQuillfeather,Ottoline,\r\n";
    std::fs::write(d.join("people.csv"), utf16le_with_bom(csv)).unwrap();
    let o = safedesk(
        d,
        &[
            "--demo",
            "--db",
            db,
            "--user",
            "cevans",
            "import",
            "customers",
            "people.csv",
            "--map",
            "Surname=last_name,Forename=first_name,Tel=phone",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("Imported 2 customers"),
        "{}",
        stdout(&o)
    );
    let o = safedesk(
        d,
        &["--demo", "--db", db, "lookup", "ottoline quillfeather"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = safedesk(d, &["--demo", "--db", db, "lookup", "zoë åberg"]);
    assert!(stdout(&o).contains("Zoë Åberg"), "{}", stdout(&o));
}

/// A config file saved by PowerShell (UTF-16) or Notepad (a mark, CRLF) with a Windows path in
/// single quotes is read: `config check` finds the database it names.
#[test]
fn a_config_saved_as_utf16_or_with_a_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let o = safedesk(d, &["--demo", "--db", db.to_str().unwrap(), "lookup", "x"]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    let text = format!("db = '{}'\r\nbell = false\r\n", db.display());
    for bytes in [utf16le_with_bom(&text), utf8_with_bom(&text)] {
        std::fs::write(d.join("pc.toml"), bytes).unwrap();
        let o = command(d)
            .env("SAFEDESK_CONFIG", d.join("pc.toml"))
            .args(["config", "check"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("is right"), "{}", stdout(&o));
        // And the database it names is the one used.
        let o = command(d)
            .env("SAFEDESK_CONFIG", d.join("pc.toml"))
            .args(["lookup", "tunde"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

/// Staff added as Windows names them (a local account with a space, a domain account, a name in
/// capitals with accents), each known when that account runs safedesk (USERNAME and USERDOMAIN
/// as Windows sets them), and a stranger told a command that pastes.
#[test]
fn staff_added_as_windows_names_them_are_known_by_their_accounts() {
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
    let add = |login: &str, name: &str| {
        safedesk(
            d,
            &[
                "--db",
                db,
                "--user",
                "hcarter",
                "staff",
                "add",
                login,
                "--name",
                name,
                "--role",
                "reception",
            ],
        )
    };
    for (login, name, said) in [
        (
            "Front Desk",
            "Front Desk PC",
            "sign in as Front Desk (on any PC, in any domain)",
        ),
        (
            "OFFICE\\spatel",
            "Sam Patel",
            "sign in as spatel in the domain OFFICE",
        ),
        ("ZOË.ÅBERG", "Zoë Åberg", "sign in as ZOË.ÅBERG (on any PC"),
    ] {
        let o = add(login, name);
        assert_eq!(o.status.code(), Some(0), "{login}: {}", stderr(&o));
        assert!(stdout(&o).contains(said), "{login}: {}", stdout(&o));
    }
    // The same login in other capitals, or differently normalised, is refused with a sentence.
    let o = add("zoe\u{308}.åberg", "Again");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already on the staff list as ZOË.ÅBERG"),
        "{}",
        stderr(&o)
    );
    let o = add(&"a".repeat(300), "Too Long");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("at most 256 characters"),
        "{}",
        stderr(&o)
    );

    // Each account, as Windows sets its environment, is known; another domain's spatel is not.
    let who = |user: &str, domain: Option<&str>| {
        let mut c = command(d);
        // Adding staff: refused for reception as not theirs to do, for a stranger as not known.
        c.env("USERNAME", user).args([
            "--db",
            db,
            "staff",
            "add",
            "probe",
            "--name",
            "Probe",
            "--role",
            "reception",
        ]);
        match domain {
            Some(dom) => c.env("USERDOMAIN", dom),
            None => c.env_remove("USERDOMAIN"),
        };
        c.output().unwrap()
    };
    for (user, domain) in [
        ("front desk", Some("RECEPTION-PC")),
        ("spatel", Some("office")),
        ("zoë.åberg", Some("OFFICE")),
        ("Zoe\u{308}.Åberg", None),
    ] {
        let o = who(user, domain);
        let e = stderr(&o);
        assert!(
            !e.contains("not on safedesk's staff list"),
            "{user} {domain:?}: {e}"
        );
        assert!(e.contains("cannot add staff"), "{user} {domain:?}: {e}");
    }
    let o = who("spatel", Some("ELSEWHERE"));
    let e = stderr(&o);
    assert!(e.contains("signed in as \"ELSEWHERE\\spatel\""), "{e}");
    // The suggested command is quoted so that it pastes into cmd, PowerShell and a Unix shell.
    assert!(
        e.contains("safedesk staff add \"ELSEWHERE\\spatel\" --name"),
        "{e}"
    );
}
