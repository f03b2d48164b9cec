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
