//! Saving letters: safe file names, and files that are never half-written or overwritten.

use chrono::NaiveDate;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{clean, html::to_html_as, io_error, one_line, LetterError, LetterKind};
use crate::domain::NewLetter;
use crate::time;

/// Where the letters of the shared database are saved: `letters_dir` from the config when set;
/// else `SAFEDESK_LETTERS_DIR`; else a `letters` folder beside the database file `db`, so that
/// every manager, on every PC, saves into and finds every letter in the same place. A database on
/// a server has no folder beside it: then the user's own letters folder ([`default_dir`]), and
/// the office sets `letters_dir` to a shared folder.
pub fn letters_dir(configured: Option<&Path>, db: Option<&Path>) -> PathBuf {
    if let Some(d) = configured.filter(|d| !d.as_os_str().is_empty()) {
        return d.to_path_buf();
    }
    if let Some(d) = std::env::var_os("SAFEDESK_LETTERS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    match db {
        Some(db) => beside(db),
        None => default_dir(),
    }
}

/// The `letters` folder beside a database file.
pub fn beside(db: &Path) -> PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("letters"),
        _ => PathBuf::from("letters"),
    }
}

/// Where letters are saved when no database is known yet (before one is opened): `SAFEDESK_LETTERS_DIR`, else a
/// "safedesk letters" folder in the user's Documents.
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SAFEDESK_LETTERS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(|d| d.join("safedesk letters")))
        .or_else(|| {
            directories::ProjectDirs::from("org", "safedesk", "safedesk")
                .map(|d| d.data_dir().join("letters"))
        })
        .unwrap_or_else(|| PathBuf::from("safedesk letters"))
}

/// A safe file stem: "2026-11-25 Restriction notice - Deborah Johnson", with characters Windows
/// does not allow in file names (`\/:*?"<>|` and control characters) removed, trimmed, at most
/// 100 characters, with no dots or spaces at either end, and never a reserved Windows name.
pub fn file_stem(kind: LetterKind, customer_name: &str, date: NaiveDate) -> String {
    let name = one_line(customer_name);
    let raw = if safe_stem(&name).is_empty() {
        format!("{} {}", time::date_to_db(date), kind.label())
    } else {
        format!("{} {} - {}", time::date_to_db(date), kind.label(), name)
    };
    safe_stem(&raw)
}

/// Any text as a file stem that is safe on Windows, macOS and Linux (see [`file_stem`]).
pub(super) fn safe_stem(text: &str) -> String {
    const MAX: usize = 100;
    let kept: String = clean(text)
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .filter(|c| !matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    let words: Vec<&str> = kept.split(' ').filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    let trim = |s: &str| s.trim_matches(['.', ' ']).to_string();
    let mut stem: String = trim(&joined).chars().take(MAX).collect();
    stem = trim(&stem);
    if is_reserved(&stem) {
        let prefixed: String = format!("_{stem}").chars().take(MAX).collect();
        stem = prefixed.trim_end_matches(['.', ' ']).to_string();
    }
    stem
}

/// A name Windows keeps for devices, whatever the extension: CON, PRN, AUX, NUL, COM1 to COM9,
/// LPT1 to LPT9 (and COM¹, LPT² and so on).
fn is_reserved(stem: &str) -> bool {
    let base = stem
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_uppercase();
    if matches!(
        base.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let chars: Vec<char> = base.chars().collect();
    let prefix: String = chars.iter().take(3).collect();
    (prefix == "COM" || prefix == "LPT")
        && chars.len() == 4
        && (chars[3].is_ascii_digit() || matches!(chars[3], '¹' | '²' | '³'))
}

/// Writes `<stem>.md` and `<stem>.html` into `dir` (created if missing). Each is written to a
/// temporary file, flushed to disk, then renamed into place. An existing letter is never
/// overwritten: the stem gets " (2)", " (3)" and so on until both names are free. Returns the
/// paths of the Markdown and the HTML file.
///
/// Both names are claimed (created empty) before anything is written, so two people saving at
/// the same moment get different names. If the computer stops part-way, an empty or missing
/// file can be left under a new name, but never a half-written letter and never a changed old
/// one.
pub fn save(
    dir: &Path,
    stem: &str,
    markdown: &str,
    title: &str,
    large_print: bool,
) -> Result<(PathBuf, PathBuf), LetterError> {
    let advice = "Check the letters folder exists, is on a drive that is connected, and that you can save files in it.";
    fs::create_dir_all(dir).map_err(|e| io_error("create the letters folder", dir, &e, advice))?;
    let stem = match safe_stem(stem) {
        s if s.is_empty() => "Letter".to_string(),
        s => s,
    };
    let html = to_html_as(markdown, title, large_print);
    for n in 1..=1000u32 {
        let stem = if n == 1 {
            stem.clone()
        } else {
            format!("{stem} ({n})")
        };
        let md_path = dir.join(format!("{stem}.md"));
        let html_path = dir.join(format!("{stem}.html"));
        // Claim both names first, so two people saving at once never overwrite each other.
        if !claim(&md_path).map_err(|e| io_error("save the letter", &md_path, &e, advice))? {
            continue;
        }
        match claim(&html_path) {
            Ok(true) => {}
            Ok(false) => {
                let _ = fs::remove_file(&md_path);
                continue;
            }
            Err(e) => {
                let _ = fs::remove_file(&md_path);
                return Err(io_error("save the letter", &html_path, &e, advice));
            }
        }
        let written = write_replacing(dir, &md_path, markdown.as_bytes())
            .and_then(|()| write_replacing(dir, &html_path, html.as_bytes()));
        if let Err((path, e)) = written {
            let _ = fs::remove_file(&md_path);
            let _ = fs::remove_file(&html_path);
            return Err(io_error("save the letter", &path, &e, advice));
        }
        sync_dir(dir);
        return Ok((md_path, html_path));
    }
    Err(LetterError::Io(format!(
        "Could not save the letter in {}: 1000 letters named \"{stem}\" are already there. Move some of them to another folder.",
        dir.display()
    )))
}

/// Creates `path` empty if nothing has that name; false if something does.
fn claim(path: &Path) -> io::Result<bool> {
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes a temporary file in `dir`, flushes it to disk and renames it over `path` (which this
/// process claimed).
fn write_replacing(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), (PathBuf, io::Error)> {
    let tmp = dir.join(format!(".safedesk-{}.tmp", uuid::Uuid::new_v4()));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        (path.to_path_buf(), e)
    })
}

/// Makes the renames durable where the system allows it (not on Windows).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// A letter for the worker to write to files and record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterToSave {
    pub dir: PathBuf,
    pub stem: String,
    pub title: String,
    /// The printable page in large print (the customer needs it).
    pub large_print: bool,
    /// Files written by an earlier try whose record failed: only the record is made now.
    pub written: Option<(PathBuf, PathBuf)>,
    /// The record to keep; `body` holds the Markdown, `file` is filled in once it is written.
    pub record: NewLetter,
}
