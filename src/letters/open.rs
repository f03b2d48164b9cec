//! Opening a letter's printable page with the program this computer uses for web pages (through
//! the `open` crate: the system's own way, on Windows, macOS and Linux alike). Tests never
//! launch a browser: `SAFEDESK_OPEN_WITH=record:FILE` writes each path asked for to FILE instead.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a printable page is opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OpenWith {
    /// The system's default program for the file (a web browser, for an HTML page).
    #[default]
    System,
    /// Write the path, one a line, to this file, and open nothing (for tests).
    Record(PathBuf),
}

impl OpenWith {
    /// From `SAFEDESK_OPEN_WITH`: unset or empty means the system's program; `record:FILE`
    /// records instead. Anything else is refused with a sentence saying what it may be.
    pub fn parse(value: &str) -> Result<OpenWith, String> {
        let v = value.trim();
        if v.is_empty() || v.eq_ignore_ascii_case("system") {
            return Ok(OpenWith::System);
        }
        match v.strip_prefix("record:") {
            Some(file) if !file.trim().is_empty() => Ok(OpenWith::Record(PathBuf::from(file))),
            _ => Err(format!(
                "SAFEDESK_OPEN_WITH is \"{}\": leave it unset to open letters with this computer's program for web pages, or set it to record:FILE to write their paths to FILE instead.",
                crate::text::clean(v)
            )),
        }
    }

    /// What the environment asks for (the system's program when `SAFEDESK_OPEN_WITH` is unset or
    /// not understood).
    pub fn from_env() -> OpenWith {
        std::env::var("SAFEDESK_OPEN_WITH")
            .ok()
            .and_then(|v| OpenWith::parse(&v).ok())
            .unwrap_or_default()
    }

    /// Open `page`, or say why it could not be opened and what to do instead.
    pub fn open(&self, page: &Path) -> Result<(), String> {
        if !page.is_file() {
            return Err(format!(
                "The printable page {} is not there (moved, renamed or deleted, or the drive is not connected). Look in the letters folder, or produce the letter again.",
                page.display()
            ));
        }
        let failed = |e: &dyn std::fmt::Display| {
            format!(
                "Could not open {} with this computer's program for web pages ({e}). Open the file yourself from the letters folder and print it from the browser.",
                page.display()
            )
        };
        match self {
            OpenWith::System => open::that_detached(page).map_err(|e| failed(&e)),
            OpenWith::Record(file) => OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
                .and_then(|mut f| writeln!(f, "{}", page.display()))
                .map_err(|e| failed(&e)),
        }
    }
}

/// The printable page saved beside a letter's Markdown file (`.html` in place of `.md`).
pub fn printable_page(markdown_file: &str) -> Option<PathBuf> {
    let f = markdown_file.trim();
    (!f.is_empty()).then(|| Path::new(f).with_extension("html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_override_records_and_anything_else_is_refused() {
        assert_eq!(OpenWith::parse(""), Ok(OpenWith::System));
        assert_eq!(
            OpenWith::parse("record:/tmp/opened.txt"),
            Ok(OpenWith::Record(PathBuf::from("/tmp/opened.txt")))
        );
        let e = OpenWith::parse("firefox").unwrap_err();
        assert!(e.contains("record:FILE"), "{e}");
        assert!(OpenWith::parse("record:").is_err());
    }

    #[test]
    fn a_recorded_page_is_written_to_the_file_and_a_missing_one_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("2026-11-24 Restriction notice - A B.html");
        std::fs::write(&page, "<html></html>").unwrap();
        let log = dir.path().join("opened.txt");
        let with = OpenWith::Record(log.clone());
        with.open(&page).unwrap();
        with.open(&page).unwrap();
        let text = std::fs::read_to_string(&log).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert_eq!(
            text.lines().next(),
            Some(page.display().to_string().as_str())
        );

        let gone = dir.path().join("gone.html");
        let e = with.open(&gone).unwrap_err();
        assert!(e.contains("is not there"), "{e}");

        let nowhere = OpenWith::Record(dir.path().join("no such folder").join("log.txt"));
        let e = nowhere.open(&page).unwrap_err();
        assert!(e.starts_with("Could not open"), "{e}");
    }

    #[test]
    fn the_page_is_beside_the_markdown() {
        assert_eq!(
            printable_page("/l/2026-11-24 Review outcome - X.md"),
            Some(PathBuf::from("/l/2026-11-24 Review outcome - X.html"))
        );
        assert_eq!(printable_page(" "), None);
    }
}
