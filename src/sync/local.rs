//! What is kept on this PC rather than the shared drive: the outbox of entries waiting for the
//! shared database, the draft of the incident being typed, and the last choices made on the
//! incident form. Every file is written whole and renamed into place, so a power cut leaves
//! either the old file or the new one, never half of one.

use crate::domain::{Id, NewCustomer, NewIncident, NewLetter, SentHow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An entry that could not be written to the shared database yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Who typed it (their login). At replay it is written only by that same person, as
    /// whoever runs safedesk then: an entry made by anyone else is held, never written in
    /// their name.
    pub login: String,
    /// The shared database it belongs to (its id).
    pub database: String,
    /// The very file it was written for ([`file_mark`]): a copy of the database shares its
    /// id, not this. None for entries queued before files were marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub queued_at: DateTime<Utc>,
    /// Why it was not saved straight away.
    pub reason: String,
    /// What was submitted.
    #[serde(flatten)]
    pub what: Submission,
}

/// Something a person submitted that can wait for the shared database. Each carries the ids
/// (and, for versioned records, the version shown) that make writing it twice change nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Submission {
    Incident(NewIncident),
    /// A correction of a saved incident; `version` is the one corrected.
    Correction {
        incident: NewIncident,
        version: i64,
    },
    Withdrawal {
        incident: Id,
        reason: String,
    },
    /// A customer asked for a review or complained; `request` is this request's own id.
    CustomerRequest {
        request: Id,
        customer: Id,
        note: String,
    },
    /// A customer's details (and notes) as changed; `version` is the one shown.
    CustomerDetails {
        customer: Id,
        edit: NewCustomer,
        version: i64,
    },
    /// The record of a letter whose files were written.
    LetterRecord(NewLetter),
    LetterSent {
        letter: Id,
        on: NaiveDate,
        how: SentHow,
    },
    ConfirmationNotPossible {
        decision: Id,
        reason: String,
    },
    /// Why the letter a review owes could not be sent (`batch` is the review's id).
    ReviewLetterNotPossible {
        batch: Id,
        reason: String,
    },
    /// Who opened restricted customers' cards on this PC (see `sync/views.rs`); `batch` names
    /// the entry, and each view's own id makes a repeat written once.
    Views {
        batch: Id,
        views: Vec<crate::domain::CardView>,
    },
    /// The person using safedesk asks for a debrief after an incident.
    Debrief {
        incident: Id,
    },
    /// A manager held the debrief a case asks for, on that day.
    DebriefHeld {
        case: Id,
        on: chrono::NaiveDate,
    },
}

impl Submission {
    /// The outbox file's name (without `.json`): the same submission always has the same name,
    /// so keeping it twice keeps it once.
    pub fn key(&self) -> String {
        match self {
            Submission::Incident(i) => format!("incident-{}", i.id),
            Submission::Correction { incident, version } => {
                format!("correction-{}-{version}", incident.id)
            }
            Submission::Withdrawal { incident, .. } => format!("withdrawal-{incident}"),
            Submission::CustomerRequest { request, .. } => format!("request-{request}"),
            Submission::CustomerDetails {
                customer, version, ..
            } => format!("customer-{customer}-{version}"),
            Submission::LetterRecord(l) => format!("letter-{}", l.id),
            Submission::LetterSent { letter, .. } => format!("letter-sent-{letter}"),
            Submission::ConfirmationNotPossible { decision, .. } => {
                format!("not-possible-{decision}")
            }
            Submission::ReviewLetterNotPossible { batch, .. } => {
                format!("review-not-possible-{batch}")
            }
            Submission::Views { batch, .. } => format!("views-{batch}"),
            Submission::Debrief { incident } => format!("debrief-{incident}"),
            Submission::DebriefHeld { case, .. } => format!("debrief-held-{case}"),
        }
    }

    /// What it is, in a few words, for messages ("an incident", "a correction").
    pub fn label(&self) -> &'static str {
        match self {
            Submission::Incident(_) => "an incident",
            Submission::Correction { .. } => "a correction of an incident",
            Submission::Withdrawal { .. } => "a withdrawal of an incident",
            Submission::CustomerRequest { .. } => "a customer's review request or complaint",
            Submission::CustomerDetails { .. } => "a customer's details",
            Submission::LetterRecord(_) => "the record of a letter",
            Submission::LetterSent { .. } => "a letter recorded as sent",
            Submission::ConfirmationNotPossible { .. } => {
                "why written confirmation was not possible"
            }
            Submission::ReviewLetterNotPossible { .. } => "why a review's letter could not be sent",
            Submission::Views { .. } => "who opened restricted customers' cards",
            Submission::Debrief { .. } => "a request for a debrief",
            Submission::DebriefHeld { .. } => "a debrief recorded as held",
        }
    }
}

/// What marks one database file apart from its copies, read from the file system: its
/// creation (birth) time to the nanosecond, which SQLite never changes (it writes the file in
/// place) but which a copy gets anew, and which is the same however the file is reached
/// (`S:\` or `\\server\share`); where the file system keeps no creation time, the file's
/// full path. None when the file cannot be looked at.
pub fn file_mark(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if let Ok(born) = meta.created() {
        if let Ok(d) = born.duration_since(std::time::UNIX_EPOCH) {
            return Some(format!("born:{}.{:09}", d.as_secs(), d.subsec_nanos()));
        }
    }
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Some(format!("path:{}", full.display()))
}

/// A file in the outbox that could not be read as an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub path: PathBuf,
    pub why: String,
}

/// The incident form as it was being typed, kept while it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Draft {
    pub database: String,
    /// Set when the draft corrects a saved incident: the version being corrected.
    #[serde(default)]
    pub amend_version: Option<i64>,
    pub started_at: Option<DateTime<Utc>>,
    pub incident_id: Option<Id>,
    pub subject: Option<crate::domain::Subject>,
    pub who_text: String,
    pub new_phone: String,
    pub new_email: String,
    /// A new customer's address and postcode (absent from drafts older versions kept).
    #[serde(default)]
    pub new_address: String,
    #[serde(default)]
    pub new_postcode: String,
    pub visitor_description: String,
    pub when: String,
    pub channel: String,
    pub category: String,
    pub behaviours: Vec<String>,
    pub behaviour_other: String,
    pub response: String,
    pub reference: String,
    pub description: String,
    pub immediate_threat: bool,
    pub witnesses: String,
    #[serde(default)]
    pub distress: Option<bool>,
    #[serde(default)]
    pub workload: String,
    #[serde(default)]
    pub workload_note: String,
    /// Physical violence or injury: the safety answers (absent from older drafts).
    #[serde(default)]
    pub harm: crate::domain::Harm,
}

/// The last choices on the incident form, used as its defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Choices {
    pub channel: Option<String>,
    pub category: Option<String>,
    /// The last response per channel.
    pub responses: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Local {
    dir: PathBuf,
}

/// Write `bytes` to `path` safely: a temporary file, flushed to disk, then renamed over.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

impl Local {
    pub fn new(dir: PathBuf) -> Local {
        Local { dir }
    }

    /// `SAFEDESK_LOCAL_DIR`, or `local` in the user's data folder.
    pub fn default_dir() -> PathBuf {
        if let Some(d) = std::env::var_os("SAFEDESK_LOCAL_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(d);
        }
        directories::ProjectDirs::from("org", "safedesk", "safedesk")
            .map(|d| d.data_local_dir().join("local"))
            .unwrap_or_else(|| PathBuf::from("safedesk-local"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn outbox_dir(&self) -> PathBuf {
        self.dir.join("outbox")
    }

    /// Keep an entry until the shared database takes it.
    pub fn outbox_put(&self, entry: &OutboxEntry) -> std::io::Result<PathBuf> {
        let path = self.outbox_dir().join(format!("{}.json", entry.what.key()));
        let json = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
        write_whole(&path, &json)?;
        Ok(path)
    }

    /// Entries waiting for `database`, oldest first; files that cannot be read are skipped
    /// (and left where they are for someone to look at).
    pub fn outbox(&self, database: &str) -> Vec<OutboxEntry> {
        self.outbox_for(&[database.to_string()])
    }

    /// Every outbox file, read: the entries, and the files that are not entries.
    fn outbox_all(&self) -> (Vec<OutboxEntry>, Vec<Unreadable>) {
        let Ok(read) = std::fs::read_dir(self.outbox_dir()) else {
            return (Vec::new(), Vec::new());
        };
        let mut entries = Vec::new();
        let mut bad = Vec::new();
        for path in read
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
        {
            // A file that cannot be read now (being written, or the disk is in trouble) is
            // looked at again next time.
            if let Ok(bytes) = std::fs::read(&path) {
                match serde_json::from_slice::<OutboxEntry>(&bytes) {
                    Ok(e) => entries.push(e),
                    Err(e) => bad.push(Unreadable {
                        path,
                        why: e.to_string(),
                    }),
                }
            }
        }
        entries.sort_by_key(|e| e.queued_at);
        (entries, bad)
    }

    /// Entries filed under any of `names` (a database's id, and the path it was known by
    /// before it had one), oldest first.
    pub fn outbox_for(&self, names: &[String]) -> Vec<OutboxEntry> {
        let (mut out, _) = self.outbox_all();
        out.retain(|e| names.contains(&e.database));
        out
    }

    /// Outbox files that are not entries (edited by hand, cut short): moved to `refused/`
    /// so they are neither read again nor lost. Returns where each went and why.
    pub fn set_aside_unreadable(&self) -> Vec<(PathBuf, Unreadable)> {
        let (_, bad) = self.outbox_all();
        bad.into_iter()
            .filter_map(|u| {
                let name = u.path.file_name()?.to_owned();
                let to = self.dir.join("refused").join(name);
                std::fs::create_dir_all(to.parent()?).ok()?;
                std::fs::rename(&u.path, &to).ok()?;
                Some((to, u))
            })
            .collect()
    }

    /// The entry with this key reached the shared database.
    pub fn outbox_done(&self, key: &str) -> std::io::Result<()> {
        let path = self.outbox_dir().join(format!("{key}.json"));
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The entry was refused for good: keep it aside, readable, rather than lose it.
    pub fn outbox_refused(&self, key: &str) -> std::io::Result<PathBuf> {
        self.outbox_move(key, "refused")
    }

    /// The entry was made by someone other than the person running safedesk: keep it aside,
    /// readable, unwritten.
    pub fn outbox_held(&self, key: &str) -> std::io::Result<PathBuf> {
        self.outbox_move(key, "held")
    }

    fn outbox_move(&self, key: &str, to: &str) -> std::io::Result<PathBuf> {
        let from = self.outbox_dir().join(format!("{key}.json"));
        let to = self.dir.join(to).join(format!("{key}.json"));
        std::fs::create_dir_all(to.parent().expect("has a parent"))?;
        std::fs::rename(from, &to)?;
        Ok(to)
    }

    fn draft_path(&self) -> PathBuf {
        self.dir.join("draft-incident.json")
    }

    pub fn save_draft(&self, draft: &Draft) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
        write_whole(&self.draft_path(), &json)
    }

    /// The draft left for this database, if any.
    pub fn draft(&self, database: &str) -> Option<Draft> {
        let bytes = std::fs::read(self.draft_path()).ok()?;
        serde_json::from_slice::<Draft>(&bytes)
            .ok()
            .filter(|d| d.database == database)
    }

    pub fn clear_draft(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.draft_path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn choices(&self) -> Choices {
        std::fs::read(self.dir.join("choices.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save_choices(&self, c: &Choices) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(c).map_err(std::io::Error::other)?;
        write_whole(&self.dir.join("choices.json"), &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{new_id, Subject};

    fn entry(db: &str) -> OutboxEntry {
        OutboxEntry {
            login: "cevans".into(),
            database: db.into(),
            queued_at: Utc::now(),
            file: None,
            reason: "locked".into(),
            what: Submission::Incident(NewIncident {
                subject: Subject::Unidentified {
                    id: new_id(),
                    description: "Tall man".into(),
                },
                channel: "face_to_face".into(),
                behaviours: vec![],
                response: "asked_to_leave".into(),
                description: "Shouted 😡".into(),
                ..NewIncident::example(new_id(), "")
            }),
        }
    }

    #[test]
    fn the_outbox_keeps_entries_per_database_until_done() {
        let dir = tempfile::tempdir().unwrap();
        let local = Local::new(dir.path().to_path_buf());
        let a = entry("A");
        local.outbox_put(&a).unwrap();
        local.outbox_put(&entry("B")).unwrap();
        assert_eq!(local.outbox("A"), vec![a.clone()]);
        local.outbox_put(&a).unwrap();
        assert_eq!(local.outbox("A").len(), 1, "the same entry is kept once");
        local.outbox_done(&a.what.key()).unwrap();
        assert!(local.outbox("A").is_empty());
        assert_eq!(local.outbox("B").len(), 1);
        local.outbox_done(&a.what.key()).unwrap();
    }

    #[test]
    fn an_entry_written_before_other_kinds_existed_still_reads_as_an_incident() {
        let dir = tempfile::tempdir().unwrap();
        let local = Local::new(dir.path().to_path_buf());
        let a = entry("A");
        let Submission::Incident(inc) = &a.what else {
            unreachable!()
        };
        let old = serde_json::json!({
            "login": a.login, "database": "A", "queued_at": a.queued_at,
            "reason": "locked", "incident": inc,
        });
        std::fs::create_dir_all(dir.path().join("outbox")).unwrap();
        std::fs::write(
            dir.path()
                .join("outbox")
                .join(format!("incident-{}.json", inc.id)),
            serde_json::to_vec(&old).unwrap(),
        )
        .unwrap();
        assert_eq!(local.outbox("A"), vec![a]);
    }

    #[test]
    fn a_file_that_is_not_an_entry_is_set_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let local = Local::new(dir.path().to_path_buf());
        local.outbox_put(&entry("A")).unwrap();
        let bad = dir.path().join("outbox").join("incident-edited.json");
        std::fs::write(&bad, b"{\"login\": \"cevans\", oops").unwrap();
        assert_eq!(local.outbox("A").len(), 1, "the good entry still reads");
        let aside = local.set_aside_unreadable();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            aside[0].0,
            dir.path().join("refused").join("incident-edited.json")
        );
        assert!(!aside[0].1.why.is_empty());
        assert!(!bad.exists());
        assert_eq!(
            std::fs::read(&aside[0].0).unwrap(),
            b"{\"login\": \"cevans\", oops",
            "kept as it was"
        );
        assert_eq!(local.outbox("A").len(), 1);
    }

    #[test]
    fn drafts_and_choices_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let local = Local::new(dir.path().join("nested"));
        assert!(local.draft("A").is_none());
        let d = Draft {
            database: "A".into(),
            description: "Half typed…".into(),
            ..Draft::default()
        };
        local.save_draft(&d).unwrap();
        assert_eq!(local.draft("A"), Some(d));
        assert!(local.draft("B").is_none());
        local.clear_draft().unwrap();
        assert!(local.draft("A").is_none());
        let c = Choices {
            channel: Some("phone".into()),
            ..Choices::default()
        };
        local.save_choices(&c).unwrap();
        assert_eq!(local.choices(), c);
    }
}
