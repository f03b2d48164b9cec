//! A safedesk running in tmux, typed at and read as a person would.

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
        Pane::start_with(name, &[], args, dir, width, height)
    }

    /// As [`Pane::start`], with more environment variables (`NAME=value`).
    pub fn start_with(
        name: &str,
        env: &[&str],
        args: &[&str],
        dir: &Path,
        width: u16,
        height: u16,
    ) -> Pane {
        Pane::start_configured(name, "", env, args, dir, width, height)
    }

    /// As [`Pane::start_with`], with this PC's config file holding `config` (when empty, the
    /// file is left as an earlier start in the folder wrote it, or made empty).
    pub fn start_configured(
        name: &str,
        config: &str,
        env: &[&str],
        args: &[&str],
        dir: &Path,
        width: u16,
        height: u16,
    ) -> Pane {
        let bin = env!("CARGO_BIN_EXE_safedesk");
        let name = format!("{name}-{}", std::process::id());
        // Each journey keeps its outbox, drafts and choices in its own folder, and its own
        // config file (empty, unless an earlier start in the folder wrote to it).
        let file = dir.join("config.toml");
        if !config.is_empty() || !file.exists() {
            std::fs::write(&file, config).unwrap();
        }
        let mut cmd = format!(
            "cd '{}' && env -u NO_COLOR TERM=xterm-256color SAFEDESK_LOCAL_DIR='{}' SAFEDESK_CONFIG='{}' SAFEDESK_LETTERS_DIR='{}'",
            dir.display(),
            dir.join("local").display(),
            dir.join("config.toml").display(),
            dir.join("letters").display()
        );
        for e in env {
            cmd.push_str(&format!(" '{e}'"));
        }
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

    /// The screen once it has stopped changing (two captures 100 ms apart agree): a capture
    /// taken while the app is mid-way through drawing a frame shows half of each.
    pub fn settled(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = self.screen();
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let now = self.screen();
            if now == last || Instant::now() > deadline {
                return now;
            }
            last = now;
        }
    }

    /// Everything the pane has shown, scrolled-off lines included (what a screen reader has
    /// read, in the console's history).
    pub fn history(&self) -> String {
        tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", &self.name])
    }

    /// Wait until the pane's history shows `text`; panic with it if it never does.
    pub fn wait_for_line(&self, text: &str) -> String {
        self.wait_for_more(text, 0)
    }

    /// Type a line and press Enter, then wait until the history shows `then` once more than
    /// it did before.
    pub fn answer(&self, line: &str, then: &str) -> String {
        let before = self.history().matches(then).count();
        self.type_text(line);
        self.press("Enter");
        self.wait_for_more(then, before)
    }

    /// Wait until the pane's history shows `text` more than `seen` times.
    pub fn wait_for_more(&self, text: &str, seen: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.history();
            if s.matches(text).count() > seen {
                return s;
            }
            if Instant::now() > deadline {
                panic!("the console never said {text:?}; it says:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Type text literally.
    pub fn type_text(&self, text: &str) {
        tmux(&["send-keys", "-t", &self.name, "-l", text]);
    }

    /// Press keys by tmux name: Enter, Escape, Tab, Down, C-u, ...
    pub fn press(&self, key: &str) {
        tmux(&["send-keys", "-t", &self.name, key]);
    }

    /// Press Down until the highlighted line (marked "> ") shows `text`.
    pub fn select(&self, text: &str) -> String {
        for _ in 0..60 {
            let s = self.screen();
            if let Some(line) = s.lines().find(|l| l.contains("> ")) {
                if line.contains(text) {
                    return line.to_string();
                }
            }
            self.press("Down");
            std::thread::sleep(Duration::from_millis(120));
        }
        panic!(
            "never highlighted {text:?}; the screen shows:\n{}",
            self.screen()
        );
    }

    /// Press `key` (at most `most` times) until the screen shows `text`; the screen then.
    pub fn press_until(&self, key: &str, text: &str, most: usize) -> String {
        for _ in 0..most {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            self.press(key);
            std::thread::sleep(Duration::from_millis(150));
        }
        self.wait_for(text)
    }

    /// Open the manager's queue showing only the cases at the incident threshold.
    pub fn threshold_cases(&self) {
        self.press("m");
        self.wait_for("open cases  |");
        for _ in 0..3 {
            self.press("f");
        }
        self.wait_for("only: incident threshold reached");
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
