//! Where the shared database is and how to reach it: `--db`, then `SAFEDESK_DB`, then the config
//! file (`safedesk.toml` in the user's config folder, or `--config FILE`).

use crate::app::keys::{self, Change, Keymap};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The config file's contents. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The shared database file, e.g. 'S:\safedesk\safedesk.sqlite'.
    pub db: Option<PathBuf>,
    /// A replacement policy file.
    pub policy: Option<PathBuf>,
    /// How long to wait for another instance's lock before giving up, in milliseconds.
    pub busy_timeout_ms: Option<u64>,
    /// The organisation's details for letters (name, address, complaints wording): a TOML file.
    pub organisation: Option<PathBuf>,
    /// A folder of letter templates replacing some or all of the built-in ones.
    pub letter_templates: Option<PathBuf>,
    /// Where letters are saved.
    pub letters_dir: Option<PathBuf>,
    /// This PC's own folder (the outbox, the draft being typed, the last choices, the copy of the
    /// lookup's tables). `SAFEDESK_LOCAL_DIR` wins over it.
    pub local_dir: Option<PathBuf>,
    /// Ring the terminal bell when a manager is alerted (an immediate threat or a breach no
    /// manager has opened). On unless `bell = false`; `SAFEDESK_BELL=off` also turns it off.
    pub bell: Option<bool>,
    /// Screen-reader mode (as --plain): lines instead of the full screen.
    pub plain: Option<bool>,
    /// The screens' colours: "default", "high-contrast" or "monochrome". `--theme` and
    /// `SAFEDESK_THEME` win over it, and so does `NO_COLOR` (monochrome).
    pub theme: Option<crate::app::theme::ThemeName>,
    /// Let the mouse click panes and rows and scroll with the wheel. On unless `mouse = false`
    /// (which leaves the terminal's own selecting and copying of text).
    pub mouse: Option<bool>,
    /// Keys changed on this PC (`[keys]`, last in the file): an action's name, then one key or a
    /// list of keys. `safedesk config keys` lists the actions.
    pub keys: Option<KeyTable>,
    /// The `[keys]` entries as changes, with their lines (filled when the file is read).
    #[serde(skip)]
    pub key_changes: Vec<Change>,
}

/// The `[keys]` table as written, with where each entry is.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct KeyTable(pub BTreeMap<String, toml::Spanned<toml::Value>>);

impl Eq for KeyTable {}

/// The `[keys]` entries of a config file read from `text`, as changes with their lines.
fn key_changes(table: Option<&KeyTable>, text: &str) -> Vec<Change> {
    let Some(table) = table else {
        return Vec::new();
    };
    let mut out: Vec<Change> = table
        .0
        .iter()
        .map(|(action, v)| {
            let keys = match v.get_ref() {
                toml::Value::String(k) => Ok(vec![k.clone()]),
                toml::Value::Array(list) => list
                    .iter()
                    .map(|k| k.as_str().map(str::to_string).ok_or_else(|| k.to_string()))
                    .collect(),
                other => Err(other.to_string()),
            };
            let start = v.span().start.min(text.len());
            Change {
                action: action.clone(),
                keys,
                line: Some(text[..start].matches('\n').count() + 1),
            }
        })
        .collect();
    // In the file's order, so that of two changes that clash, the later is refused.
    out.sort_by_key(|c| c.line);
    out
}

/// The keys in force on this PC: the built-in ones with the config's changes, and a sentence
/// for each change refused (that action keeps its usual keys).
pub fn keymap(cfg: &Config) -> (Keymap, Vec<String>) {
    Keymap::build(&cfg.key_changes)
}

/// Should the mouse click and scroll? On unless the config says `mouse = false`.
pub fn mouse(cfg: &Config) -> bool {
    cfg.mouse.unwrap_or(true)
}

/// Should the bell ring for managers' alerts? The `SAFEDESK_BELL` environment variable (`off`,
/// `0`, `no`, `false` or `on`, `1`, `yes`, `true`) wins over the config file; on by default.
pub fn bell(cfg: &Config, env: Option<&str>) -> bool {
    match env.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("off" | "0" | "no" | "false") => false,
        Some("on" | "1" | "yes" | "true") => true,
        _ => cfg.bell.unwrap_or(true),
    }
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("org", "safedesk", "safedesk")
}

/// The default config file path for this user.
pub fn default_config_path() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().join("safedesk.toml"))
}

/// Where `--demo` keeps its database when no --db is given.
pub fn default_demo_path() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().join("demo.sqlite"))
        .unwrap_or_else(|| PathBuf::from("safedesk-demo.sqlite"))
}

/// Read a config file. A missing default file is no config; a missing named file is an error.
pub fn load(path: &Path, named: bool) -> Result<Config, String> {
    let text = match crate::text::read_text(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(Config::default())
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(format!("The config file {}: {e}", path.display()))
        }
        Err(e) => {
            return Err(format!(
                "The config file {} cannot be read ({e}). Check the path given with --config or SAFEDESK_CONFIG.",
                path.display()
            ))
        }
    };
    let mut cfg: Config = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim().trim_end_matches('.');
        // A setting's name misspelt: say which there are (a value's own sentence says enough).
        let settings = if message.starts_with("unknown field") {
            " The settings are db, policy, busy_timeout_ms, organisation, letter_templates, letters_dir, local_dir, bell, plain, theme, mouse and [keys]."
        } else {
            ""
        };
        format!(
            "The config file {}{}: {message}.{settings}",
            path.display(),
            line.map(|l| format!(", line {l}")).unwrap_or_default(),
        )
    })?;
    cfg.key_changes = key_changes(cfg.keys.as_ref(), &text);
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    for (name, p) in [
        ("db", &mut cfg.db),
        ("policy", &mut cfg.policy),
        ("organisation", &mut cfg.organisation),
        ("letter_templates", &mut cfg.letter_templates),
        ("letters_dir", &mut cfg.letters_dir),
        ("local_dir", &mut cfg.local_dir),
    ] {
        if let Some(p) = p {
            *p = expand(p, &env).map_err(|e| {
                format!(
                    "The config file {}: {name} = '{}' {e}",
                    path.display(),
                    p.display()
                )
            })?;
        }
    }
    Ok(cfg)
}

/// A path with Windows' `%NAME%` environment variables (`%USERPROFILE%`, `%APPDATA%`) put in, as
/// Explorer and shortcuts do, on every system. A variable that is not set is refused with a
/// sentence (the rest of the sentence is the caller's: the setting and its value come first).
pub fn expand(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    let Some(text) = path.to_str().filter(|t| t.contains('%')) else {
        return Ok(path.to_path_buf());
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || "_()".contains(c)))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('%') {
            let name = &after[..name_len];
            let Some(value) = env(name) else {
                return Err(format!(
                    "names %{name}%, which is not set on this PC: write the folder out in full (for example 'C:\\Users\\sam\\safedesk'), or set {name}."
                ));
            };
            out.push_str(&value);
            rest = &after[name_len + 1..];
        } else {
            // A % that starts no variable is part of the name.
            out.push('%');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(PathBuf::from(out))
}

/// This PC's own folder: `SAFEDESK_LOCAL_DIR` (when set), else `local_dir` in the config, else
/// `local` in the user's data folder.
pub fn local_dir(cfg: &Config, env: Option<std::ffi::OsString>) -> PathBuf {
    env.filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| cfg.local_dir.clone())
        .unwrap_or_else(crate::sync::local::Local::default_dir)
}

/// The login of whoever runs safedesk, as Windows names the account: `USERDOMAIN\USERNAME`
/// (the domain, or the PC's name for a PC's own account), USERNAME alone when no domain is set;
/// USER or LOGNAME elsewhere. Staff are matched to it by [`crate::text::login::matches`].
pub fn os_login() -> String {
    os_login_from(&|v| std::env::var(v).ok())
}

/// [`os_login`] from the environment `env`.
pub fn os_login_from(env: &dyn Fn(&str) -> Option<String>) -> String {
    let get = |v: &str| {
        env(v)
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
    };
    if let Some(user) = get("USERNAME") {
        return match get("USERDOMAIN") {
            Some(domain) if !user.contains('\\') && !user.contains('@') => {
                format!("{domain}\\{user}")
            }
            _ => user,
        };
    }
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| get(v))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The config file this PC uses: `--config` or `SAFEDESK_CONFIG`, else the user's default one.
pub fn path_in_use(cli: &super::Cli) -> Option<PathBuf> {
    cli.config.clone().or_else(default_config_path)
}

/// A config file with every setting explained and commented out: what `config init` writes.
pub const COMMENTED: &str = r#"# safedesk's settings for this PC. Every setting is optional; remove the # to use one.
# Check this file with: safedesk config check

# The shared database on the office's network drive. Every PC should reach it the same way,
# for example through the same mapped drive letter.
# db = 'S:\safedesk\safedesk.sqlite'

# How long to wait, in milliseconds, for another PC that is saving before keeping a save on this
# PC (in its outbox) to be written later.
# busy_timeout_ms = 3000

# This PC's own folder: the outbox (saves kept while the shared drive cannot be reached, written
# later), the incident being typed, the last choices and a copy of the lookup's tables. By default
# it is in the user's local application data, which Windows does not copy to other PCs and which
# a non-persistent remote desktop (Citrix, Azure Virtual Desktop, a "mandatory" or "temporary"
# profile) wipes at sign-out, taking anything waiting in the outbox with it. On such desktops set
# it to a folder that is kept: the persistent profile or home drive (H:\safedesk), never the
# shared database's folder. %USERPROFILE% and other %NAME% variables may be used in any path here.
# SAFEDESK_LOCAL_DIR wins over this setting.
# local_dir = 'H:\safedesk'

# Ring the terminal bell when a manager is alerted (an immediate threat or a breach no manager
# has opened). SAFEDESK_BELL=off also turns it off.
# bell = true

# Where letters are saved. By default: a "letters" folder beside the shared database file, so
# every manager sees every letter. With the database on a PostgreSQL server there is no folder
# beside it: each user's own Documents\safedesk letters, unless this names a shared folder.
# letters_dir = 'S:\safedesk\letters'

# Used only when making a new database (safedesk init) or on demo data: the office's own policy,
# organisation details and letter templates are kept in the shared database (safedesk policy set,
# safedesk letters set-organisation, safedesk letters set-templates).
# policy = 'C:\safedesk\policy.toml'
# organisation = 'C:\safedesk\organisation.toml'
# letter_templates = 'C:\safedesk\letters'

# Screen-reader mode, as safedesk --plain: no boxes and no full screen; safedesk writes lines and
# reads a line at a time, so the console's history is what a screen reader reads, and every change
# is said in a full sentence. Type help in it for the commands.
# plain = true

# The screens' colours: "default" (light text on dark grey), "high-contrast" (white and a few
# strong colours on black) or "monochrome" (no colour: bold, underline and reverse video). In
# every theme the selected row is marked with > and the pane you are in with a ► before its title.
# safedesk --theme NAME or SAFEDESK_THEME=NAME chooses one for a session, and NO_COLOR (set to
# anything) gives monochrome; both win over this setting.
# theme = "high-contrast"

# Let the mouse click a pane or a row to select it and scroll with its wheel (where the terminal
# reports the mouse). Nothing needs the mouse. Turn it off to select and copy text the terminal's
# own way.
# mouse = true

# Keys. Any action's keys can be changed on this PC: its name, then one key or a list of keys,
# such as "Ctrl-N", "F2", "?", "Enter", "Shift-Tab", "PageDown". safedesk config keys lists every
# action's name with its keys and what it does, and the help (?) shows the keys in force. A change
# that cannot work (a key another action uses there, a letter for an action that works while
# typing, no key to quit) is refused with a sentence saying why, and the usual keys are kept.
# [keys] must come after every other setting: keep it last in this file.
# [keys]
# log_incident = "F2"
# help = ["?", "F1"]
"#;

/// `safedesk config path|check|init`.
pub fn command(
    cli: &super::Cli,
    command: &super::ConfigCommand,
) -> Result<std::process::ExitCode, String> {
    use std::process::ExitCode;
    let Some(path) = path_in_use(cli) else {
        return Err(
            "This PC has no folder for settings: give a config file with --config FILE.".into(),
        );
    };
    match command {
        super::ConfigCommand::Path => {
            let said = if path.exists() {
                "it exists"
            } else {
                "it does not exist yet: safedesk config init writes one"
            };
            outln!("{} ({said})", path.display());
            Ok(ExitCode::SUCCESS)
        }
        super::ConfigCommand::Check => {
            if !path.exists() {
                outln!(
                    "There is no config file at {}: safedesk uses its defaults (and needs --db or SAFEDESK_DB for the shared database). safedesk config init writes one to start from.",
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let cfg = match load(&path, true) {
                Ok(cfg) => cfg,
                Err(e) => {
                    outln!("{e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let mut problems = Vec::new();
            let mut look = |what: &str, p: &Option<PathBuf>, folder: bool| {
                if let Some(p) = p {
                    let ok = if folder { p.is_dir() } else { p.is_file() };
                    if !ok {
                        problems.push(format!(
                            "{what} = '{}': there is no such {} from this PC. Check the path, or that the drive is connected.",
                            p.display(),
                            if folder { "folder" } else { "file" }
                        ));
                    }
                }
            };
            // A PostgreSQL address is not a file to look for, but it is read (a typo is named).
            let server = cfg
                .db
                .as_deref()
                .filter(|p| crate::store::is_postgres_address(&p.to_string_lossy()));
            let postgres = server.and_then(|p| crate::store::Location::parse(p).err());
            if server.is_none() {
                look("db", &cfg.db, false);
            }
            look("policy", &cfg.policy, false);
            look("organisation", &cfg.organisation, false);
            look("letter_templates", &cfg.letter_templates, true);
            if cfg.busy_timeout_ms == Some(0) {
                problems.push(
                    "busy_timeout_ms = 0: every save would go to the outbox whenever another PC is saving. Use 3000."
                        .into(),
                );
            }
            problems.extend(postgres.map(|e| format!("db: {e}")));
            problems.extend(keymap(&cfg).1);
            if problems.is_empty() {
                outln!("{} is right.", path.display());
                Ok(ExitCode::SUCCESS)
            } else {
                outln!("{}:", path.display());
                for p in &problems {
                    outln!("- {p}");
                }
                Ok(ExitCode::from(1))
            }
        }
        super::ConfigCommand::Keys => {
            let cfg = if path.exists() {
                load(&path, true)?
            } else {
                Config::default()
            };
            let (map, problems) = keymap(&cfg);
            out!("{}", keys_listing(&map));
            outln!(
                "Change an action's keys in {} under [keys], for example: log_incident = \"F2\" or help = [\"?\", \"F1\"].",
                path.display()
            );
            for p in &problems {
                outln!("{p}");
            }
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        super::ConfigCommand::Init { force } => {
            if path.exists() && !force {
                return Err(format!(
                    "{} exists already and is left as it is. Add --force to replace it with the commented one.",
                    path.display()
                ));
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("The folder {} cannot be made ({e}).", dir.display()))?;
            }
            std::fs::write(&path, COMMENTED)
                .map_err(|e| format!("{} cannot be written ({e}).", path.display()))?;
            outln!(
                "Wrote {}: every setting is explained there. Remove the # before the ones you use, then run safedesk config check.",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Every action: its name for `[keys]`, its keys on this PC and what it does.
pub fn keys_listing(map: &Keymap) -> String {
    use crate::app::keymap::BINDINGS;
    let built_in = Keymap::default();
    let mut out = String::from("Every action, its keys and what it does:\n");
    for a in keys::actions() {
        let name = keys::action_name(a);
        let now = map.keys_of(a);
        let mut note = String::new();
        if now != built_in.keys_of(a) {
            note = format!(" (changed in the config; usually {})", built_in.keys_of(a));
        } else if !keys::changeable(a) {
            note = " (cannot be changed: the forms read it themselves)".into();
        }
        let what = BINDINGS
            .iter()
            .find(|b| b.action == a)
            .map_or("", |b| b.desc);
        out.push_str(&format!("  {name:<20} {now:<16} {what}{note}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_names_the_line_of_a_typo() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "db = 'S:/shared/safedesk.sqlite'\nbusy_timeout_ms = 4000\n",
        )
        .unwrap();
        let c = load(&p, true).unwrap();
        assert_eq!(c.db, Some(PathBuf::from("S:/shared/safedesk.sqlite")));
        assert_eq!(c.busy_timeout_ms, Some(4000));
        std::fs::write(&p, "db = 'x'\ndatabse = 'y'\n").unwrap();
        let e = load(&p, true).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("databse"), "{e}");
    }

    #[test]
    fn the_bell_is_on_unless_turned_off_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "bell = false\n").unwrap();
        let off = load(&p, true).unwrap();
        assert!(!bell(&off, None));
        assert!(bell(&off, Some("on")));
        let default = Config::default();
        assert!(bell(&default, None));
        assert!(bell(&default, Some("")));
        for v in ["off", "0", "No", "false"] {
            assert!(!bell(&default, Some(v)), "{v}");
        }
    }

    #[test]
    fn a_misspelt_theme_names_its_line_and_the_three_themes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "theme = \"high-contrast\"\n").unwrap();
        assert_eq!(
            load(&p, true).unwrap().theme,
            Some(crate::app::theme::ThemeName::HighContrast)
        );
        std::fs::write(&p, "bell = true\ntheme = \"hi-contrast\"\n").unwrap();
        let e = load(&p, true).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(
            e.contains("no theme called \"hi-contrast\": the themes are default, high-contrast and monochrome"),
            "{e}"
        );
        // The commented file's example is a theme that exists.
        let example = COMMENTED
            .lines()
            .find_map(|l| l.strip_prefix("# theme = "))
            .expect("COMMENTED has a theme example");
        std::fs::write(&p, format!("theme = {example}\n")).unwrap();
        assert!(load(&p, true).is_ok());
    }

    #[test]
    fn the_keys_table_is_read_with_its_lines_and_refusals_name_them() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "mouse = false\n[keys]\nlog_incident = \"F2\"\nhelp = [\"?\", \"F1\"]\nquit = 5\nfrobnicate = \"F3\"\n",
        )
        .unwrap();
        let c = load(&p, true).unwrap();
        assert!(!mouse(&c));
        assert_eq!(c.key_changes.len(), 4);
        assert_eq!(c.key_changes[0].action, "log_incident");
        assert_eq!(c.key_changes[0].line, Some(3));
        assert_eq!(
            c.key_changes[1].keys,
            Ok(vec!["?".to_string(), "F1".to_string()])
        );
        let (map, problems) = keymap(&c);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("quit (line 5)"), "{problems:?}");
        assert!(problems[1].contains("frobnicate (line 6)"), "{problems:?}");
        assert_eq!(map.keys_of(crate::app::keymap::Action::LogIncident), "F2");
        assert!(keys_listing(&map).contains("log_incident         F2"));
        // The commented file reads as no settings at all, and each example works uncommented.
        let mut uncommented = String::new();
        for l in COMMENTED.lines() {
            let l = l.trim_start_matches("# ");
            if l.starts_with("mouse")
                || l == "[keys]"
                || l.starts_with("log_incident")
                || l.starts_with("help =")
            {
                uncommented.push_str(l);
                uncommented.push('\n');
            }
        }
        std::fs::write(&p, &uncommented).unwrap();
        let c = load(&p, true).unwrap();
        assert!(keymap(&c).1.is_empty(), "{uncommented}");
        assert_eq!(c.key_changes.len(), 2, "{uncommented}");
    }

    #[test]
    fn a_config_saved_by_notepad_or_powershell_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        let text = "db = 'S:\\safedesk\\safedesk.sqlite'\r\nbell = false\r\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [text.as_bytes().to_vec(), bom, utf16] {
            std::fs::write(&p, bytes).unwrap();
            let c = load(&p, true).unwrap();
            assert_eq!(c.db, Some(PathBuf::from("S:\\safedesk\\safedesk.sqlite")));
            assert_eq!(c.bell, Some(false));
        }
        std::fs::write(&p, b"db = 'S:\\caf\xE9.sqlite'\n").unwrap();
        let e = load(&p, true).unwrap_err();
        assert!(
            e.contains("is not UTF-8 text") && e.contains("Save it as UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn percent_variables_in_paths_are_put_in_and_an_unset_one_is_refused() {
        let env = |n: &str| (n == "USERPROFILE").then(|| "C:\\Users\\sam".to_string());
        assert_eq!(
            expand(Path::new("%USERPROFILE%\\safedesk"), &env).unwrap(),
            PathBuf::from("C:\\Users\\sam\\safedesk")
        );
        // A % that starts no variable stays.
        assert_eq!(
            expand(Path::new("S:\\100% sure\\x"), &env).unwrap(),
            PathBuf::from("S:\\100% sure\\x")
        );
        let e = expand(Path::new("%NOPE%\\x"), &env).unwrap_err();
        assert!(e.contains("%NOPE%, which is not set on this PC"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "local_dir = '%SAFEDESK_TEST_SURELY_UNSET%\\x'\n").unwrap();
        let e = load(&p, true).unwrap_err();
        assert!(
            e.contains("local_dir = '%SAFEDESK_TEST_SURELY_UNSET%"),
            "{e}"
        );
    }

    #[test]
    fn the_local_folder_is_the_environments_then_the_configs() {
        let cfg = Config {
            local_dir: Some(PathBuf::from("H:/safedesk")),
            ..Config::default()
        };
        assert_eq!(local_dir(&cfg, None), PathBuf::from("H:/safedesk"));
        assert_eq!(
            local_dir(&cfg, Some("/tmp/x".into())),
            PathBuf::from("/tmp/x")
        );
        assert_eq!(
            local_dir(&cfg, Some("".into())),
            PathBuf::from("H:/safedesk")
        );
        // The commented file's example works uncommented, and [keys] is still last.
        let example = COMMENTED
            .lines()
            .find_map(|l| l.strip_prefix("# local_dir = "))
            .expect("COMMENTED has a local_dir example");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, format!("local_dir = {example}\n")).unwrap();
        assert_eq!(
            load(&p, true).unwrap().local_dir,
            Some(PathBuf::from("H:\\safedesk"))
        );
        assert!(COMMENTED.find("local_dir").unwrap() < COMMENTED.find("[keys]").unwrap());
    }

    #[test]
    fn a_missing_default_file_is_no_config_but_a_named_one_is_an_error() {
        let p = Path::new("/definitely/not/here/safedesk.toml");
        assert_eq!(load(p, false).unwrap(), Config::default());
        assert!(load(p, true).is_err());
    }
}
