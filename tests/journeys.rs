//! Whole journeys: the real binary in tmux, typed at and read exactly as a person would.

mod tmux {
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    /// A tmux session running one safedesk; killed when dropped.
    pub struct Pane {
        pub name: String,
    }

    fn tmux(args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux must be installed to run the journeys (apt-get install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    impl Pane {
        /// Start `safedesk ARGS` in a new detached session of the given size.
        pub fn start(name: &str, args: &[&str], dir: &Path, width: u16, height: u16) -> Pane {
            let bin = env!("CARGO_BIN_EXE_safedesk");
            let name = format!("{name}-{}", std::process::id());
            let mut cmd = format!(
                "cd '{}' && env -u NO_COLOR TERM=xterm-256color",
                dir.display()
            );
            cmd.push_str(&format!(" '{bin}'"));
            for a in args {
                cmd.push_str(&format!(" '{a}'"));
            }
            // Keep the pane after exit so the last screen can be read.
            cmd.push_str("; echo SAFEDESK-EXITED-$?; sleep 30");
            let status = Command::new("tmux")
                .args([
                    "new-session",
                    "-d",
                    "-s",
                    &name,
                    "-x",
                    &width.to_string(),
                    "-y",
                    &height.to_string(),
                    &cmd,
                ])
                .status()
                .expect("tmux must be installed to run the journeys (apt-get install tmux)");
            assert!(status.success(), "tmux could not start a session");
            Pane { name }
        }

        pub fn screen(&self) -> String {
            tmux(&["capture-pane", "-p", "-t", &self.name])
        }

        /// Type text literally.
        pub fn type_text(&self, text: &str) {
            tmux(&["send-keys", "-t", &self.name, "-l", text]);
        }

        /// Press keys by tmux name: Enter, Escape, Tab, Down, C-u, ...
        pub fn press(&self, key: &str) {
            tmux(&["send-keys", "-t", &self.name, key]);
        }

        /// Wait until the screen shows `text`; panic with the screen if it never does.
        pub fn wait_for(&self, text: &str) -> String {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let s = self.screen();
                if s.contains(text) {
                    return s;
                }
                if Instant::now() > deadline {
                    panic!("the screen never showed {text:?}; it shows:\n{s}");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    impl Drop for Pane {
        fn drop(&mut self) {
            tmux(&["kill-session", "-t", &self.name]);
        }
    }
}

use tmux::Pane;

#[test]
fn a_newcomer_finds_a_restricted_caller_by_number_and_by_a_misspelt_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let db = db.to_str().unwrap();
    let p = Pane::start(
        "lookup",
        &["--demo", "--db", db, "--user", "newcomer"],
        dir.path(),
        100,
        30,
    );
    p.wait_for("Find a caller or visitor");
    p.wait_for("Signed in: Demo manager (newcomer) (manager)");

    // By phone number, the way a caller reads it out.
    p.type_text("07700 900123");
    let s = p.wait_for("RESTRICTED Calls and visits limited to 10 minutes");
    assert!(s.contains("Deborah Johnson"), "{s}");
    assert!(s.contains("A witness must be present"), "{s}");

    // By a misspelt name.
    p.press("C-u");
    p.type_text("Deborah Jonhson");
    p.wait_for("Results (");
    let s = p.wait_for("Deborah Johnson");
    assert!(s.contains("RESTRICTED"), "{s}");

    // Open the card and read it.
    p.press("Enter");
    let s = p.wait_for("Incidents (");
    assert!(s.contains("A witness must be present"), "{s}");

    // Help lists the keys; Esc closes it; q quits.
    p.press("?");
    p.wait_for("Every key safedesk knows");
    p.press("Escape");
    p.press("q");
    p.wait_for("SAFEDESK-EXITED-0");
}

#[test]
fn two_of_three_and_withdrawal_are_written_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let db = db.to_str().unwrap();
    let p = Pane::start(
        "words",
        &["--demo", "--db", db, "--user", "spatel"],
        dir.path(),
        80,
        24,
    );
    p.wait_for("Signed in: Sam Patel (manager)");
    p.type_text("zoe aberg");
    p.wait_for("2 of 3 - the next incident goes to");
    p.press("C-u");
    p.type_text("Precious Adeyemi");
    p.wait_for("Services withdrawn - review due");
    p.press("C-c");
    p.wait_for("SAFEDESK-EXITED-0");
}

#[test]
fn a_missing_database_gets_one_clear_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nothing-here.sqlite");
    let p = Pane::start(
        "missing",
        &["--db", db.to_str().unwrap()],
        dir.path(),
        120,
        20,
    );
    let s = p.wait_for("SAFEDESK-EXITED-2");
    assert!(s.contains("There is no safedesk database at"), "{s}");
    assert!(s.contains("safedesk init"), "{s}");
}
