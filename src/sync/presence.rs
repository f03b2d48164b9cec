//! Who has safedesk open right now, without writing to the shared database (every write there
//! empties every other PC's page cache). Each running instance keeps one small file in a folder
//! beside the database, `<database file>.presence/<login>-<instance>.json`, saying its login,
//! role and when it last said it was running; it is refreshed every few seconds and removed when
//! safedesk closes. A PC that crashed leaves its file behind, so a file not refreshed for
//! [`STALE`] counts as no one.
//!
//! Plain `std::fs` only, so it works the same on a Windows share and on Linux: each file is
//! written to a temporary name and renamed over the old one, so a reader never sees half a file.
//! A folder that cannot be written or read is not an error to stop for: the count is then
//! unknown, and is said to be.

use crate::domain::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often a running instance says it is still running.
pub const BEAT: Duration = Duration::from_secs(5);

/// A file not refreshed for this long belongs to an instance that is gone (a crash, a PC
/// switched off, a lost connection).
pub const STALE: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// Files older than this are removed by whoever reads the folder: the PC that left them is long
/// gone.
const LITTER: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// What one running instance says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub login: String,
    /// The role it runs as (`manager`, `reception`, ...), or empty when safedesk does not know
    /// the login.
    pub role: String,
    /// This instance's own id, so two windows of one login are told apart.
    pub instance: String,
    pub started: DateTime<Utc>,
    /// When it last said it was running, by its own clock.
    pub beat: DateTime<Utc>,
}

impl Entry {
    /// Can this instance's user decide (a manager or an admin)?
    pub fn decides(&self) -> bool {
        Role::parse(&self.role).is_some_and(|r| r.can_decide())
    }
}

/// The instances running at `now`: those whose last beat is within [`STALE`]. A beat from a PC
/// whose clock is ahead counts for at most [`STALE`] into the future, so a wrong clock cannot
/// keep a crashed PC "running" for long.
pub fn running(entries: &[Entry], now: DateTime<Utc>) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| e.beat <= now + STALE && now - e.beat <= STALE)
        .collect()
}

/// How many managers (by login: one person with two windows is one) have safedesk running at
/// `now`, other than `me` (this instance's id).
pub fn managers_running(entries: &[Entry], now: DateTime<Utc>, me: &str) -> usize {
    let mut logins: Vec<String> = running(entries, now)
        .into_iter()
        .filter(|e| e.decides() && e.instance != me)
        .map(|e| crate::text::login::fold_login(&e.login))
        .collect();
    logins.sort();
    logins.dedup();
    logins.len()
}

/// The presence folder beside a database file.
pub fn folder_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".presence");
    db.with_file_name(name)
}

/// Only letters, digits, `-`, `_` and `.` in a file name; anything else becomes `_`.
fn safe(s: &str) -> String {
    let s: String = s
        .chars()
        .take(40)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

/// This instance's presence file, and reading everyone's.
#[derive(Debug)]
pub struct Presence {
    dir: PathBuf,
    file: PathBuf,
    entry: Entry,
}

impl Presence {
    /// The presence of this instance, for the database at `db`. Nothing is written yet.
    pub fn new(db: &Path, login: &str, role: Option<Role>) -> Presence {
        let dir = folder_for(db);
        let instance = crate::domain::new_id().simple().to_string();
        let file = dir.join(format!("{}-{}.json", safe(login), &instance[..12]));
        let now = Utc::now();
        Presence {
            dir,
            file,
            entry: Entry {
                login: login.to_string(),
                role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
                instance,
                started: now,
                beat: now,
            },
        }
    }

    pub fn instance(&self) -> &str {
        &self.entry.instance
    }

    pub fn folder(&self) -> &Path {
        &self.dir
    }

    /// This instance's own file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Say this instance is running, as of `now`: write the file to a temporary name, then
    /// rename it into place.
    pub fn beat(&mut self, now: DateTime<Utc>) -> std::io::Result<()> {
        self.entry.beat = now;
        std::fs::create_dir_all(&self.dir)?;
        let json = serde_json::to_vec(&self.entry).map_err(std::io::Error::other)?;
        let tmp = self.file.with_extension("tmp");
        std::fs::write(&tmp, json)?;
        if let Err(e) = std::fs::rename(&tmp, &self.file) {
            // Some shares will not rename over a file: remove it, then rename.
            let _ = std::fs::remove_file(&self.file);
            if std::fs::rename(&tmp, &self.file).is_err() {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Every instance's entry in the folder (this one's too), or None when the folder cannot be
    /// read. Unreadable or half-written files are skipped; files a day old are removed.
    pub fn read_all(&self, now: DateTime<Utc>) -> Option<Vec<Entry>> {
        let mut out = Vec::new();
        for item in std::fs::read_dir(&self.dir).ok()? {
            let Ok(item) = item else { continue };
            let path = item.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let Some(entry) = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<Entry>(&b).ok())
            else {
                continue;
            };
            if now - entry.beat > LITTER {
                let _ = std::fs::remove_file(&path);
                continue;
            }
            out.push(entry);
        }
        Some(out)
    }

    /// How many managers other than this instance have safedesk open now; None when that
    /// cannot be known (the folder cannot be read, or this instance could not write its own
    /// file, so the folder is not working).
    pub fn managers(&self, now: DateTime<Utc>) -> Option<usize> {
        let all = self.read_all(now)?;
        if !all.iter().any(|e| e.instance == self.entry.instance) {
            return None;
        }
        Some(managers_running(&all, now, &self.entry.instance))
    }

    /// Remove this instance's file (when safedesk closes).
    pub fn leave(&self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap() + chrono::TimeDelta::seconds(s)
    }

    fn entry(login: &str, role: &str, instance: &str, beat: i64) -> Entry {
        Entry {
            login: login.into(),
            role: role.into(),
            instance: instance.into(),
            started: at(-600),
            beat: at(beat),
        }
    }

    #[test]
    fn a_file_not_refreshed_for_thirty_seconds_is_no_one() {
        let e = [
            entry("sam", "manager", "a", 0),
            entry("ann", "manager", "b", -30),
            entry("bob", "manager", "c", -31),
        ];
        let now = at(0);
        let logins: Vec<&str> = running(&e, now).iter().map(|e| e.login.as_str()).collect();
        assert_eq!(logins, ["sam", "ann"]);
        assert_eq!(managers_running(&e, now, "x"), 2);
        assert_eq!(managers_running(&e, at(31), "x"), 0, "all stale by then");
    }

    #[test]
    fn a_clock_far_ahead_does_not_keep_a_pc_running() {
        let e = [
            entry("sam", "manager", "a", 20),
            entry("ann", "manager", "b", 3600),
        ];
        assert_eq!(managers_running(&e, at(0), "x"), 1);
    }

    #[test]
    fn only_managers_and_admins_count_once_each_and_not_this_instance() {
        let e = [
            entry("sam", "manager", "a", 0),
            entry("SAM", "manager", "b", -2),
            entry("alex", "admin", "c", 0),
            entry("rita", "reception", "d", 0),
            entry("phil", "phone", "e", 0),
            entry("who", "", "f", 0),
            entry("me", "manager", "mine", 0),
        ];
        assert_eq!(
            managers_running(&e, at(0), "mine"),
            2,
            "sam (twice) and alex"
        );
        assert_eq!(managers_running(&e, at(0), "other"), 3);
        assert_eq!(managers_running(&[], at(0), "mine"), 0);
    }

    #[test]
    fn file_names_are_safe_on_any_share() {
        assert_eq!(safe("DOMAIN\\sam.patel"), "DOMAIN_sam.patel");
        assert_eq!(safe("../etc"), "_.._etc");
        assert_eq!(safe(""), "_");
        assert_eq!(
            folder_for(Path::new("/s/safedesk.sqlite")),
            Path::new("/s/safedesk.sqlite.presence")
        );
    }

    #[test]
    fn instances_see_each_other_through_the_folder_and_leave_on_close() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shared.sqlite");
        let now = Utc::now();
        let mut reception = Presence::new(&db, "rita", Some(Role::Reception));
        reception.beat(now).unwrap();
        assert_eq!(reception.managers(now), Some(0));
        let mut manager = Presence::new(&db, "sam", Some(Role::Manager));
        manager.beat(now).unwrap();
        assert_eq!(reception.managers(now), Some(1));
        assert_eq!(manager.managers(now), Some(0), "not counting itself");
        // A stray half-written or foreign file is skipped.
        std::fs::write(reception.folder().join("junk.json"), b"{not json").unwrap();
        assert_eq!(reception.managers(now), Some(1));
        drop(manager);
        assert_eq!(reception.managers(now), Some(0));
        // A crashed PC's file goes stale.
        let mut crashed = Presence::new(&db, "ann", Some(Role::Manager));
        crashed.beat(now).unwrap();
        std::mem::forget(crashed);
        assert_eq!(reception.managers(now), Some(1));
        assert_eq!(reception.managers(now + STALE * 2), Some(0), "gone stale");
    }

    #[test]
    fn an_unwritable_or_missing_folder_makes_the_count_unknown() {
        let dir = tempfile::tempdir().unwrap();
        // The "folder" is a file: nothing can be written in it.
        let db = dir.path().join("shared.sqlite");
        std::fs::write(folder_for(&db), b"in the way").unwrap();
        let mut p = Presence::new(&db, "rita", Some(Role::Reception));
        assert!(p.beat(Utc::now()).is_err());
        assert_eq!(p.managers(Utc::now()), None);
        let gone = Presence::new(&dir.path().join("no/such/dir/x.sqlite"), "rita", None);
        assert_eq!(gone.managers(Utc::now()), None);
    }
}
