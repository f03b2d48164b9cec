//! What is kept on this PC rather than the shared drive: the outbox of entries waiting for the
//! shared database, the draft of the incident being typed, and the last choices made on the
//! incident form. Every file is written whole and renamed into place, so a power cut leaves
//! either the old file or the new one, never half of one.

use crate::domain::{Id, NewIncident};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An entry that could not be written to the shared database yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Who typed it (their login), so it is saved in their name.
    pub login: String,
    /// The shared database it belongs to.
    pub database: String,
    pub queued_at: DateTime<Utc>,
    /// Why it was not saved straight away.
    pub reason: String,
    pub incident: NewIncident,
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
        let path = self
            .outbox_dir()
            .join(format!("incident-{}.json", entry.incident.id));
        let json = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
        write_whole(&path, &json)?;
        Ok(path)
    }

    /// Entries waiting for `database`, oldest first; files that cannot be read are skipped
    /// (and left where they are for someone to look at).
    pub fn outbox(&self, database: &str) -> Vec<OutboxEntry> {
        self.outbox_for(&[database.to_string()])
    }

    /// Entries filed under any of `names` (a database's id, and the path it was known by
    /// before it had one), oldest first.
    pub fn outbox_for(&self, names: &[String]) -> Vec<OutboxEntry> {
        let Ok(read) = std::fs::read_dir(self.outbox_dir()) else {
            return Vec::new();
        };
        let mut out: Vec<OutboxEntry> = read
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| std::fs::read(&p).ok())
            .filter_map(|b| serde_json::from_slice::<OutboxEntry>(&b).ok())
            .filter(|e| names.contains(&e.database))
            .collect();
        out.sort_by_key(|e| e.queued_at);
        out
    }

    /// The entry reached the shared database.
    pub fn outbox_done(&self, incident: Id) -> std::io::Result<()> {
        let path = self.outbox_dir().join(format!("incident-{incident}.json"));
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The entry was refused for good: keep it aside, readable, rather than lose it.
    pub fn outbox_refused(&self, incident: Id) -> std::io::Result<PathBuf> {
        let from = self.outbox_dir().join(format!("incident-{incident}.json"));
        let to = self
            .dir
            .join("refused")
            .join(format!("incident-{incident}.json"));
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
            reason: "locked".into(),
            incident: NewIncident {
                subject: Subject::Unidentified {
                    id: new_id(),
                    description: "Tall man".into(),
                },
                channel: "face_to_face".into(),
                behaviours: vec![],
                response: "asked_to_leave".into(),
                description: "Shouted 😡".into(),
                ..NewIncident::example(new_id(), "")
            },
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
        local.outbox_done(a.incident.id).unwrap();
        assert!(local.outbox("A").is_empty());
        assert_eq!(local.outbox("B").len(), 1);
        local.outbox_done(a.incident.id).unwrap();
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
