//! Who has safedesk open right now, without writing to the shared database (every write there
//! empties every other PC's page cache).
//!
//! On a file, each running instance keeps one small file in a folder beside the database,
//! `<database file>.presence/<login>-<instance>.json`, saying its login, role and when it last
//! said it was running; it is refreshed every few seconds and removed when safedesk closes. A PC
//! that crashed leaves its file behind, so a file not refreshed for [`STALE`] counts as no one.
//! Plain `std::fs` only, so it works the same on a Windows share and on Linux: each file is
//! written to a temporary name and renamed over the old one, so a reader never sees half a file.
//!
//! On a server, each instance names its own connection instead ([`tag`]: its role, instance and
//! login, announced through the store), and the server lists the connections open now: nothing
//! is written, and a crashed PC's name goes with its connection.
//!
//! A folder that cannot be written or read, or a server that cannot be asked, is not an error to
//! stop for: the count is then unknown, and is said to be.

use crate::domain::Role;
use crate::store::Store;
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

/// Where running instances say they are running.
#[derive(Debug)]
enum Board {
    /// A folder beside the database file, a file each.
    Folder { dir: PathBuf, file: PathBuf },
    /// The database itself (a server), which keeps each connection's name.
    Database,
}

/// This instance's presence, and reading everyone's.
#[derive(Debug)]
pub struct Presence {
    board: Board,
    entry: Entry,
}

/// What an instance on a server names its connection: `safedesk ROLE INSTANCE LOGIN` (role `-`
/// when safedesk does not know the login). The login is made safe and cut short to fit the 63
/// characters a server keeps; it is only used to count one person with two windows once.
pub fn tag(entry: &Entry) -> String {
    let role = if entry.role.is_empty() {
        "-"
    } else {
        &entry.role
    };
    let head = format!("safedesk {role} {}", &entry.instance);
    let room = 63usize.saturating_sub(head.len() + 1);
    let plain = safe(&entry.login);
    let login = if plain.len() <= room && entry.login.is_ascii() {
        plain
    } else {
        // Too long, or letters a connection's name cannot hold: the start of it, and a short
        // fingerprint of the whole login (folded as logins are compared), so two people whose
        // logins differ only there are still two.
        use sha2::Digest;
        let digest = sha2::Sha256::digest(crate::text::login::fold_login(&entry.login).as_bytes());
        let mark: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        let keep: String = plain.chars().take(room.saturating_sub(9)).collect();
        format!("{keep}~{mark}")
    };
    format!("{head} {login}")
}

/// An instance from the name of its connection ([`tag`]), as running at `now`; None for a name
/// that is not one.
pub fn from_tag(tag: &str, now: DateTime<Utc>) -> Option<Entry> {
    let mut words = tag.splitn(4, ' ');
    if words.next()? != "safedesk" {
        return None;
    }
    let role = words.next()?;
    let instance = words.next()?;
    let login = words.next()?;
    Some(Entry {
        login: login.to_string(),
        role: if role == "-" {
            String::new()
        } else {
            role.to_string()
        },
        instance: instance.to_string(),
        started: now,
        beat: now,
    })
}

impl Presence {
    /// The presence of this instance, for the database file at `db`. Nothing is written yet.
    pub fn new(db: &Path, login: &str, role: Option<Role>) -> Presence {
        let dir = folder_for(db);
        let entry = Self::entry(login, role);
        let file = dir.join(format!("{}-{}.json", safe(login), &entry.instance));
        Presence {
            board: Board::Folder { dir, file },
            entry,
        }
    }

    /// The presence of this instance on a database that keeps it itself (a server).
    pub fn in_database(login: &str, role: Option<Role>) -> Presence {
        Presence {
            board: Board::Database,
            entry: Self::entry(login, role),
        }
    }

    fn entry(login: &str, role: Option<Role>) -> Entry {
        let instance = crate::domain::new_id().simple().to_string();
        let now = Utc::now();
        Entry {
            login: login.to_string(),
            role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
            instance: instance[..12].to_string(),
            started: now,
            beat: now,
        }
    }

    pub fn instance(&self) -> &str {
        &self.entry.instance
    }

    /// The folder of presence files; None on a server.
    pub fn folder(&self) -> Option<&Path> {
        match &self.board {
            Board::Folder { dir, .. } => Some(dir),
            Board::Database => None,
        }
    }

    /// This instance's own file; None on a server.
    pub fn file(&self) -> Option<&Path> {
        match &self.board {
            Board::Folder { file, .. } => Some(file),
            Board::Database => None,
        }
    }

    /// Say this instance is running, as of `now`: write the file to a temporary name, then
    /// rename it into place; on a server, name this connection (once is enough: the store names
    /// a new connection the same).
    pub fn beat(&mut self, store: &mut dyn Store, now: DateTime<Utc>) -> std::io::Result<()> {
        self.entry.beat = now;
        let (dir, file) = match &self.board {
            Board::Folder { dir, file } => (dir, file),
            Board::Database => {
                return match store.announce(&tag(&self.entry)) {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(std::io::Error::other(
                        "this database does not keep who is connected",
                    )),
                    Err(e) => Err(std::io::Error::other(e.to_string())),
                };
            }
        };
        std::fs::create_dir_all(dir)?;
        let json = serde_json::to_vec(&self.entry).map_err(std::io::Error::other)?;
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, json)?;
        if let Err(e) = std::fs::rename(&tmp, file) {
            // Some shares will not rename over a file: remove it, then rename.
            let _ = std::fs::remove_file(file);
            if std::fs::rename(&tmp, file).is_err() {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Every instance's entry (this one's too), or None when they cannot be read. In a folder,
    /// unreadable or half-written files are skipped, and files a day old are removed.
    pub fn read_all(&self, store: &mut dyn Store, now: DateTime<Utc>) -> Option<Vec<Entry>> {
        let dir = match &self.board {
            Board::Folder { dir, .. } => dir,
            Board::Database => {
                let tags = store.announced().ok()??;
                return Some(tags.iter().filter_map(|t| from_tag(t, now)).collect());
            }
        };
        let mut out = Vec::new();
        for item in std::fs::read_dir(dir).ok()? {
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
    /// cannot be known (the folder or the server cannot be read, or this instance could not say
    /// it is running, so the board is not working).
    pub fn managers(&self, store: &mut dyn Store, now: DateTime<Utc>) -> Option<usize> {
        let all = self.read_all(store, now)?;
        if !all.iter().any(|e| e.instance == self.entry.instance) {
            return None;
        }
        Some(managers_running(&all, now, &self.entry.instance))
    }

    /// Remove this instance's file (when safedesk closes). On a server the name goes with the
    /// connection.
    pub fn leave(&self) {
        if let Some(file) = self.file() {
            let _ = std::fs::remove_file(file);
        }
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

    /// A store to hand the folder's presence (which does not use it).
    fn a_store(dir: &Path) -> crate::store::SqliteStore {
        crate::store::SqliteStore::create(
            &dir.join("store.sqlite"),
            &crate::store::OpenOptions::default(),
            "admin",
            "",
            false,
        )
        .unwrap()
    }

    #[test]
    fn instances_see_each_other_through_the_folder_and_leave_on_close() {
        let dir = tempfile::tempdir().unwrap();
        let store = &mut a_store(dir.path());
        let db = dir.path().join("shared.sqlite");
        let now = Utc::now();
        let mut reception = Presence::new(&db, "rita", Some(Role::Reception));
        reception.beat(store, now).unwrap();
        assert_eq!(reception.managers(store, now), Some(0));
        let mut manager = Presence::new(&db, "sam", Some(Role::Manager));
        manager.beat(store, now).unwrap();
        assert_eq!(reception.managers(store, now), Some(1));
        assert_eq!(manager.managers(store, now), Some(0), "not counting itself");
        // A stray half-written or foreign file is skipped.
        std::fs::write(reception.folder().unwrap().join("junk.json"), b"{not json").unwrap();
        assert_eq!(reception.managers(store, now), Some(1));
        drop(manager);
        assert_eq!(reception.managers(store, now), Some(0));
        // A crashed PC's file goes stale.
        let mut crashed = Presence::new(&db, "ann", Some(Role::Manager));
        crashed.beat(store, now).unwrap();
        std::mem::forget(crashed);
        assert_eq!(reception.managers(store, now), Some(1));
        assert_eq!(
            reception.managers(store, now + STALE * 2),
            Some(0),
            "gone stale"
        );
    }

    #[test]
    fn an_unwritable_or_missing_folder_makes_the_count_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let store = &mut a_store(dir.path());
        // The "folder" is a file: nothing can be written in it.
        let db = dir.path().join("shared.sqlite");
        std::fs::write(folder_for(&db), b"in the way").unwrap();
        let mut p = Presence::new(&db, "rita", Some(Role::Reception));
        assert!(p.beat(store, Utc::now()).is_err());
        assert_eq!(p.managers(store, Utc::now()), None);
        let gone = Presence::new(&dir.path().join("no/such/dir/x.sqlite"), "rita", None);
        assert_eq!(gone.managers(store, Utc::now()), None);
    }

    #[test]
    fn a_database_that_keeps_no_names_makes_the_count_unknown() {
        // A file's store cannot name connections: presence in it is not working, and says so.
        let dir = tempfile::tempdir().unwrap();
        let store = &mut a_store(dir.path());
        let mut p = Presence::in_database("sam", Some(Role::Manager));
        assert!(p.beat(store, Utc::now()).is_err());
        assert_eq!(p.managers(store, Utc::now()), None);
        assert_eq!(p.file(), None, "nothing to remove on close");
    }

    #[test]
    fn a_connection_name_says_role_instance_and_login_within_63_characters() {
        let now = at(0);
        let e = entry("DOMAIN\\sam.patel", "manager", "0123456789ab", 0);
        let t = tag(&e);
        assert_eq!(t, "safedesk manager 0123456789ab DOMAIN_sam.patel");
        let back = from_tag(&t, now).unwrap();
        assert_eq!(
            (
                back.login.as_str(),
                back.role.as_str(),
                back.instance.as_str()
            ),
            ("DOMAIN_sam.patel", "manager", "0123456789ab")
        );
        assert!(back.decides());
        assert_eq!(back.beat, now, "a connection open now is running now");
        let long = entry(&"x".repeat(100), "reception", "0123456789ab", 0);
        assert_eq!(tag(&long).len(), 63);
        // Two logins alike in what fits, or alike once their letters are made safe, stay two.
        let longer = entry(
            &format!("{}y", "x".repeat(99)),
            "reception",
            "0123456789ab",
            0,
        );
        assert_ne!(tag(&long), tag(&longer));
        assert_eq!(tag(&longer).len(), 63);
        let zoe = tag(&entry("zoë", "manager", "0123456789ab", 0));
        let zoa = tag(&entry("zoá", "manager", "0123456789ab", 0));
        assert_ne!(zoe, zoa);
        assert!(
            zoe.is_ascii() && zoe.starts_with("safedesk manager 0123456789ab zo_~"),
            "{zoe}"
        );
        // The same person in other capitals (two windows) is counted once.
        let upper = tag(&entry("ZOË", "manager", "ba9876543210", 0));
        let both: Vec<Entry> = [&zoe, &upper]
            .iter()
            .map(|t| from_tag(t, now).unwrap())
            .collect();
        assert_eq!(
            managers_running(&both, now, "someone else"),
            1,
            "{zoe} {upper}"
        );
        let unknown = from_tag(&tag(&entry("who", "", "0123456789ab", 0)), now).unwrap();
        assert_eq!(unknown.role, "");
        assert!(!unknown.decides());
        assert_eq!(from_tag("safedesk", now), None, "a command's own name");
        assert_eq!(from_tag("psql", now), None);
    }
}
