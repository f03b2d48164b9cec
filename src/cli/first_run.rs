//! The first start's work on the disk (its screens are `app::first_run`): whether it is wanted,
//! checking a path for a new or an existing office database, making the database (as
//! `safedesk init` does) and writing its path into this PC's config file, keeping the file's
//! other lines and comments.

use super::config::{self, Config};
use super::{session, Cli};
use crate::store::sqlite::SCHEMA_VERSION;
use crate::store::{Location, OpenMode, OpenOptions, SqliteStore, Store, StoreError};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The file name a folder's path gets.
pub const FILE_NAME: &str = "safedesk.sqlite";

/// What the first run needs to know to start.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The config file it writes the database's path to.
    pub config_file: PathBuf,
    /// The path the path box starts with.
    pub suggestion: String,
    /// Who is at the keyboard.
    pub login: String,
    /// Screen-reader mode (`--plain` or `plain = true`): the same questions, as lines.
    pub plain: bool,
}

/// A path the first run would not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub sentence: String,
    /// The file to create is there already (it may be the one to use).
    pub exists: bool,
}

impl From<String> for Refused {
    fn from(sentence: String) -> Refused {
        Refused {
            sentence,
            exists: false,
        }
    }
}

/// A path the first run will use, with what to tell the person about it (a folder's path that
/// got the file name added, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub path: PathBuf,
    pub notes: Vec<String>,
}

/// The first run is wanted when the app is opened at a terminal (keys in, screen out) with no
/// database given: no --db, no SAFEDESK_DB, no `db` in the config, not --demo. Otherwise (a
/// pipe, say) None, and opening the session says what to do.
pub fn wanted(cli: &Cli) -> Result<Option<Setup>, String> {
    if cli.db.is_some() || cli.demo {
        return Ok(None);
    }
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Ok(None);
    }
    let Some(config_file) = config::path_in_use(cli) else {
        return Ok(None);
    };
    let cfg = this_config(cli)?;
    if cfg.db.is_some() {
        return Ok(None);
    }
    Ok(Some(Setup {
        config_file,
        suggestion: suggestion(),
        login: cli.user.clone().unwrap_or_else(config::os_login),
        plain: cli.plain || cfg.plain.unwrap_or(false),
    }))
}

/// The config in force; a config file named with --config that does not exist yet is an empty
/// one (the first run writes it).
fn this_config(cli: &Cli) -> Result<Config, String> {
    match &cli.config {
        Some(p) if !p.exists() => Ok(Config::default()),
        _ => session::config(cli),
    }
}

/// Where the office's database usually is, as this kind of PC names it.
pub fn suggestion() -> String {
    if cfg!(windows) {
        r"S:\safedesk\safedesk.sqlite".into()
    } else if cfg!(target_os = "macos") {
        "/Volumes/Office/safedesk/safedesk.sqlite".into()
    } else {
        "/mnt/office/safedesk/safedesk.sqlite".into()
    }
}

/// The typed path as a path: not empty, no control characters, absolute. Quotes around it (as
/// Windows' "Copy as path" gives it) are left out.
fn typed(text: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    if text.is_empty() {
        return Err("Type the path of the database file.".into());
    }
    if text.chars().any(char::is_control) {
        return Err(
            "The path has a control character in it (a tab, a line break or another invisible character). Type it again."
                .into(),
        );
    }
    std::path::absolute(text).map_err(|e| format!("{text} is not a path this PC can use ({e})."))
}

/// Check a path for a new office database: a folder's path gets [`FILE_NAME`] added; the folder
/// must exist and be writable, and the file must not exist yet.
pub fn check_new(text: &str) -> Result<Chosen, Refused> {
    if server(text)?.is_some() {
        // A database on a server: made when asked (an empty one IT set up for safedesk).
        return Ok(Chosen {
            path: PathBuf::from(text.trim()),
            notes: Vec::new(),
        });
    }
    let mut path = typed(text)?;
    let mut notes = Vec::new();
    let ends_in_separator = text.trim_end().ends_with(['/', std::path::MAIN_SEPARATOR]);
    if path.is_dir() || ends_in_separator {
        let file = path.join(FILE_NAME);
        notes.push(format!(
            "{} is a folder, so {FILE_NAME} was added: the database is {}.",
            path.display(),
            file.display()
        ));
        path = file;
    }
    if path.exists() {
        return Err(Refused {
            sentence: format!(
                "{} exists already, so it is not made again.",
                path.display()
            ),
            exists: path.is_file(),
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(format!(
            "The folder {} does not exist. Make it first on the shared drive (or check the drive letter), then press Enter again.",
            dir.display()
        )
        .into());
    }
    // Tried rather than judged from the permissions: a network drive's say is the one that counts.
    let probe = dir.join(format!(".safedesk-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => {
            return Err(format!(
                "The folder {} cannot be written from this PC ({e}). Ask IT for write access to it, or choose another folder.",
                dir.display()
            )
            .into())
        }
    }
    Ok(Chosen { path, notes })
}

/// A typed `postgres://` address: the server it names (None for a file's path), or what is
/// wrong with it.
fn server(text: &str) -> Result<Option<Location>, String> {
    let text = text.trim();
    if !crate::store::is_postgres_address(text) {
        return Ok(None);
    }
    Location::parse(Path::new(text)).map(Some)
}

/// Check a path for an existing office database: it must be a safedesk database this safedesk
/// can open (not a newer one), and not the demo. A folder's path is taken to mean the
/// [`FILE_NAME`] in it.
pub fn check_existing(cli: &Cli, text: &str) -> Result<Chosen, String> {
    if let Some(at) = server(text)? {
        let cfg = this_config(cli)?;
        let mut store = at
            .open(&session::options(cli, &cfg))
            .map_err(|e| e.to_string())?;
        if store.list_staff().map_err(|e| e.to_string())?.is_empty() {
            return Err(format!(
                "{at} has no safedesk staff yet: go back (Esc) and choose c to set the office database up there."
            ));
        }
        if store.is_demo().map_err(|e| e.to_string())? {
            return Err(format!(
                "{at} holds the demo's made-up records, not the office's. Go back (Esc) and choose d to open the demo, or give the office's database."
            ));
        }
        return Ok(Chosen {
            path: PathBuf::from(text.trim()),
            notes: Vec::new(),
        });
    }
    let mut path = typed(text)?;
    let mut notes = Vec::new();
    if path.is_dir() {
        let file = path.join(FILE_NAME);
        if !file.is_file() {
            return Err(format!(
                "{} is a folder, and there is no {FILE_NAME} in it. Give the path of the database file itself.",
                path.display()
            ));
        }
        notes.push(format!(
            "{} is a folder, so the {FILE_NAME} in it is used: {}.",
            path.display(),
            file.display()
        ));
        path = file;
    }
    let cfg = this_config(cli)?;
    let opts = OpenOptions {
        mode: OpenMode::ReadOnly,
        ..session::options(cli, &cfg)
    };
    let mut store = SqliteStore::open_to_inspect(&path, &opts).map_err(|e| match e {
        StoreError::NotFound { .. } => format!(
            "There is no file at {}. Check the path, and that the shared drive is connected; or go back (Esc) and choose c to create the office database.",
            path.display()
        ),
        e => e.to_string(),
    })?;
    let found = store.schema_version().map_err(|e| e.to_string())?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path,
            found,
            supported: SCHEMA_VERSION,
        }
        .to_string());
    }
    if store.is_demo().map_err(|e| e.to_string())? {
        return Err(format!(
            "{} holds the demo's made-up records, not the office's. Go back (Esc) and choose d to open the demo, or give the office's database.",
            path.display()
        ));
    }
    let read_only = std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly());
    if read_only && !cli.read_only {
        return Err(StoreError::ReadOnly { path }.to_string());
    }
    Ok(Chosen { path, notes })
}

/// Make the office database at `path` (checked with [`check_new`]) as `safedesk init --name`
/// does. Returns what to tell the person.
pub fn create(cli: &Cli, path: &Path, name: &str) -> Result<Vec<String>, String> {
    let cfg = this_config(cli)?;
    super::maintenance::create(cli, &cfg, &Location::parse(path)?, name)
}

/// A path as a TOML string: a literal one ('S:\safedesk\x.sqlite', backslashes as they are),
/// or, when it holds a single quote or a control character, a basic one with escapes.
pub fn toml_string(s: &str) -> String {
    if !s.contains('\'') && !s.chars().any(char::is_control) {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Is this line (trimmed) a `db = ...` setting?
fn sets_db(line: &str) -> bool {
    line.strip_prefix("db")
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// The config text with `db = PATH` in it: an existing `db` line is replaced (the first; any
/// more are removed), else the first commented-out `# db = ...` line, else it goes before the
/// first [table] or at the end. Every other line is kept as it was. Checked by reading it back.
pub fn with_db(text: &str, db: &Path) -> Result<String, String> {
    let Some(db_text) = db.to_str() else {
        return Err(format!(
            "The path {} cannot be written to the config file: it is not plain text.",
            db.display()
        ));
    };
    let setting = format!("db = {}", toml_string(db_text));
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let (mut active, mut commented, mut table) = (Vec::new(), None, None);
    for (i, l) in lines.iter().enumerate() {
        let s = l.trim_start_matches('\u{feff}').trim();
        if s.starts_with('[') {
            table = Some(i);
            break;
        }
        if sets_db(s) {
            active.push(i);
        } else if commented.is_none() && s.strip_prefix('#').is_some_and(|c| sets_db(c.trim())) {
            commented = Some(i);
        }
    }
    let bom = |l: &str| {
        if l.starts_with('\u{feff}') {
            "\u{feff}"
        } else {
            ""
        }
    };
    if let Some(&first) = active.first() {
        lines[first] = format!("{}{setting}", bom(&lines[first]));
        for &i in active[1..].iter().rev() {
            lines.remove(i);
        }
    } else if let Some(i) = commented {
        lines[i] = format!("{}{setting}", bom(&lines[i]));
    } else if let Some(i) = table {
        lines.insert(i, String::new());
        lines.insert(i, setting);
    } else {
        lines.push(setting);
    }
    let mut out = lines.join(eol);
    out.push_str(eol);
    // Read back: the new path, and every other setting as it was.
    let now: Config = toml::from_str(&out).map_err(|e| {
        format!("The config file would not read back with the database's path in it ({}); nothing was written. Add db = {} to it by hand.", e.message().trim(), toml_string(db_text))
    })?;
    if now.db.as_deref() != Some(db) {
        return Err(format!(
            "The config file would not read back with the database's path in it; nothing was written. Add db = {} to it by hand.",
            toml_string(db_text)
        ));
    }
    if let Ok(before) = toml::from_str::<Config>(text) {
        if (Config { db: None, ..before }) != (Config { db: None, ..now }) {
            return Err("Adding the database's path would change other settings in the config file; nothing was written. Add db = 'PATH' to it by hand.".into());
        }
    }
    Ok(out)
}

/// Write `db = PATH` into the config file `file`: made from the commented one (`config init`'s)
/// when there is none, otherwise changed only in that line. Returns the sentence that says so.
pub fn write_config(file: &Path, db: &Path) -> Result<String, String> {
    let text = match crate::text::read_text(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => config::COMMENTED.to_string(),
        Err(e) => {
            return Err(format!(
                "The config file {} cannot be read ({e}), so the database's path was not saved.",
                file.display()
            ))
        }
    };
    let new = with_db(&text, db)?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "The folder {} for this PC's settings cannot be made ({e}).",
                dir.display()
            )
        })?;
    }
    // Written beside it and moved over it, so a failure never leaves half a file.
    let part = file.with_extension("toml-new");
    std::fs::write(&part, &new)
        .and_then(|()| std::fs::rename(&part, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&part);
            format!(
                "The config file {} cannot be written ({e}), so the database's path was not saved: add db = {} to it by hand.",
                file.display(),
                toml_string(&db.to_string_lossy())
            )
        })?;
    Ok(format!(
        "Saved db = {} in {} for this PC.",
        toml_string(&db.to_string_lossy()),
        file.display()
    ))
}

/// What a step of the first run comes to.
pub enum Outcome {
    /// Open the app with this command line, telling the person these sentences first.
    Open(Box<Cli>, Vec<String>),
    /// Leave, having written nothing.
    Quit,
    /// Refused: the first run's `message` says why, and it asks again.
    Again,
}

/// Carry out what the first run's screens (or lines) asked for: open the demo; make the office
/// database (the person its first admin); or check an existing one; then write its path into
/// this PC's config. A refusal is handed to `f`, to be said and asked again.
pub fn carry_out(
    cli: &Cli,
    setup: &Setup,
    f: &mut crate::app::first_run::FirstRun,
    step: crate::app::first_run::Step,
) -> Outcome {
    use crate::app::first_run::Step;
    let (chosen, made) = match step {
        Step::Quit => return Outcome::Quit,
        Step::Demo => {
            let demo = Cli {
                demo: true,
                db: Some(config::default_demo_path()),
                config: cli.config.clone().filter(|p| p.exists()),
                ..cli.clone()
            };
            let next = "Next time, safedesk --demo opens the demo again.".to_string();
            return Outcome::Open(Box::new(demo), vec![next]);
        }
        Step::Create { path, name } => {
            let chosen = match check_new(&path) {
                Ok(c) => c,
                Err(r) => {
                    f.refused(r.sentence, r.exists);
                    return Outcome::Again;
                }
            };
            match create(cli, &chosen.path, &name) {
                Ok(set) => (chosen, Some(set)),
                Err(e) => {
                    f.refused(e, false);
                    return Outcome::Again;
                }
            }
        }
        Step::Existing { path } => match check_existing(cli, &path) {
            Ok(c) => (c, None),
            Err(e) => {
                f.refused(e, false);
                return Outcome::Again;
            }
        },
    };
    // The database is there: it opens whether or not its path could be saved.
    let mut words = chosen.notes;
    match write_config(&setup.config_file, &chosen.path) {
        Ok(s) | Err(s) => words.insert(0, s),
    }
    if let Some(set) = made {
        words.push(format!(
            "You ({}) are its first admin: add colleagues with safedesk staff add.",
            setup.login
        ));
        words.extend(set);
    }
    let open = Cli {
        db: Some(chosen.path),
        ..cli.clone()
    };
    Outcome::Open(Box::new(open), words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Config {
        toml::from_str(text).unwrap()
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn a_server_address_is_read_as_one_and_a_password_in_it_refused() {
        let e = check_new("postgres://clerk:secret@dbserver/safedesk").unwrap_err();
        assert!(
            e.sentence.contains("password file") && !e.sentence.contains("secret"),
            "{}",
            e.sentence
        );
        let typo = check_new("postgres://clerk@dbserver/safedesk?sslmod=require").unwrap_err();
        assert!(typo.sentence.contains("sslmod"), "{}", typo.sentence);
        let ok = check_new("postgres://clerk@dbserver/safedesk").unwrap();
        assert_eq!(ok.path, Path::new("postgres://clerk@dbserver/safedesk"));
        assert!(ok.notes.is_empty());
    }

    #[test]
    fn a_new_config_is_the_commented_one_with_the_db_line_in_place_of_its_example() {
        let out = with_db(config::COMMENTED, Path::new(r"S:\safedesk\safedesk.sqlite")).unwrap();
        assert!(
            out.contains("\ndb = 'S:\\safedesk\\safedesk.sqlite'\n"),
            "{out}"
        );
        assert!(!out.contains("# db = "), "{out}");
        assert_eq!(
            read(&out).db,
            Some(PathBuf::from(r"S:\safedesk\safedesk.sqlite"))
        );
        // Every other line of the commented file is kept.
        let kept = config::COMMENTED
            .lines()
            .filter(|l| !l.starts_with("# db = "))
            .collect::<Vec<_>>();
        let now = out
            .lines()
            .filter(|l| !l.starts_with("db = "))
            .collect::<Vec<_>>();
        assert_eq!(kept, now);
    }

    #[test]
    fn an_existing_file_keeps_its_lines_and_comments_and_only_the_db_line_changes() {
        let before = "# Amira's PC\nbusy_timeout_ms = 4000 # the drive is slow\n\n  db = 'D:\\old.sqlite'  # moved\nbell = false\n";
        let out = with_db(before, Path::new("/srv/office/safedesk.sqlite")).unwrap();
        assert_eq!(
            out,
            "# Amira's PC\nbusy_timeout_ms = 4000 # the drive is slow\n\ndb = '/srv/office/safedesk.sqlite'\nbell = false\n"
        );
        // A commented-out db line is the one replaced when there is no other.
        let before = "bell = false\n# db = 'S:\\x.sqlite'\n# a note\n";
        let out = with_db(before, Path::new("/a/b.sqlite")).unwrap();
        assert_eq!(out, "bell = false\ndb = '/a/b.sqlite'\n# a note\n");
        // Neither: added at the end, or before the first table; CRLF files stay CRLF.
        let out = with_db("bell = true", Path::new("/a.sqlite")).unwrap();
        assert_eq!(out, "bell = true\ndb = '/a.sqlite'\n");
        let out = with_db("bell = true\r\n", Path::new("/a.sqlite")).unwrap();
        assert_eq!(out, "bell = true\r\ndb = '/a.sqlite'\r\n");
        let out = with_db("", Path::new("/a.sqlite")).unwrap();
        assert_eq!(out, "db = '/a.sqlite'\n");
        // A file with a table: the line goes before it. (Config has no tables today, so reading
        // such a file back fails and nothing is written.)
        let out = with_db("bell = true\n[later]\ndb = 'x'\n", Path::new("/a.sqlite"));
        assert!(out.unwrap_err().contains("nothing was written"));
    }

    #[test]
    fn paths_are_quoted_so_they_read_back_exactly() {
        for p in [
            r"S:\safedesk\safedesk.sqlite",
            r"\\server\share\safedesk.sqlite",
            "/home/o'brien/safedesk.sqlite",
            r#"S:\it's "here"\safedesk.sqlite"#,
            "/tmp/naïve café/safedesk.sqlite",
        ] {
            let out = with_db("", Path::new(p)).unwrap();
            assert_eq!(read(&out).db, Some(PathBuf::from(p)), "{out}");
        }
        assert_eq!(toml_string(r"S:\a"), r"'S:\a'");
        assert_eq!(toml_string(r"S:\o'b"), r#""S:\\o'b""#);
    }

    #[test]
    fn write_config_makes_the_file_and_its_folder_or_changes_only_the_db_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings").join("safedesk.toml");
        let said = write_config(&file, Path::new("/srv/a.sqlite")).unwrap();
        assert!(said.contains(&file.display().to_string()), "{said}");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("# safedesk's settings for this PC."),
            "{text}"
        );
        assert_eq!(
            config::load(&file, true).unwrap().db,
            Some(PathBuf::from("/srv/a.sqlite"))
        );
        write_config(&file, Path::new("/srv/b.sqlite")).unwrap();
        let again = std::fs::read_to_string(&file).unwrap();
        assert_eq!(again, text.replace("/srv/a.sqlite", "/srv/b.sqlite"));
        assert!(!file.with_extension("toml-new").exists());
    }

    #[test]
    fn a_new_database_needs_an_existing_writable_folder_and_no_file_there() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let folder = check_new(d.to_str().unwrap()).unwrap();
        assert_eq!(folder.path, d.join(FILE_NAME));
        assert!(folder.notes[0].contains("is a folder, so safedesk.sqlite was added"));
        let missing = check_new(d.join("nope").join("x.sqlite").to_str().unwrap()).unwrap_err();
        assert!(missing.sentence.contains("does not exist"), "{missing:?}");
        std::fs::write(d.join("there.sqlite"), "x").unwrap();
        let there = check_new(d.join("there.sqlite").to_str().unwrap()).unwrap_err();
        assert!(
            there.exists && there.sentence.contains("exists already"),
            "{there:?}"
        );
        assert!(check_new("  ")
            .unwrap_err()
            .sentence
            .contains("Type the path"));
        assert!(check_new("/tmp/a\u{7}b")
            .unwrap_err()
            .sentence
            .contains("control character"));
    }
}
