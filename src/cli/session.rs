//! Starting a session: the settings in force, which database, which policy, who is at the
//! keyboard and what letters are made with.

use super::config::{self, Config};
use super::{Cli, Command};
use crate::domain::{Actor, OfficeSetting, Role, SettingKind};
use crate::letters::LetterKit;
use crate::letters::{Organisation, Templates};
use crate::policy::Policy;
use crate::store::{Location, OpenMode, OpenOptions, Store};
use std::path::{Path, PathBuf};

/// Everything a command needs, ready to use.
pub struct Session {
    /// The office's database: its shared file, or its database on a PostgreSQL server.
    pub store: Box<dyn Store>,
    /// The office's policy in force in the shared database (the built-in one until an admin
    /// sets another): every PC's rules and screens use it.
    pub policy: Policy,
    /// Its version (0: the built-in one).
    pub policy_version: i64,
    pub actor: Actor,
    pub demo: bool,
    pub read_only: bool,
    /// What letters are made with, or why they cannot be made (shown when one is asked for:
    /// a typo in a template must not stop the front desk working).
    pub letters: Result<LetterKit, String>,
    /// Where the database is, as given.
    pub at: Location,
    /// Ring the terminal bell for managers' alerts.
    pub bell: bool,
    /// Screen-reader mode: lines, not the full screen (--plain or `plain = true`).
    pub plain: bool,
    /// Sentences to show at start: a PC's own policy or letters file that is not used, an
    /// office policy this safedesk cannot read.
    pub notices: Vec<String>,
    /// The theme to draw in: `--theme`, `NO_COLOR` or the config file's.
    pub theme: crate::app::theme::ThemeName,
    /// This PC's own folder (outbox, draft, choices): `SAFEDESK_LOCAL_DIR`, `local_dir` in the
    /// config, or the user's local data folder.
    pub local_dir: PathBuf,
}

/// The letter templates and the organisation's details the office set in the shared database
/// (so every manager's letters are the same), and the letters folder from the config. A PC's
/// own files (`organisation`, `letter_templates` in its config) are used only on a demo
/// database; otherwise they are ignored, with a sentence in `notices`.
pub fn office_letters(
    cfg: &Config,
    db: &Location,
    store: &mut dyn Store,
    demo: bool,
    notices: &mut Vec<String>,
) -> Result<LetterKit, String> {
    let organisation = in_force(
        store,
        SettingKind::Organisation,
        cfg.organisation.as_deref(),
        demo,
        "letters set-organisation FILE",
        notices,
        |set| {
            Organisation::parse(
                &set.body,
                &format!("the organisation's details ({})", set.provenance()),
            )
            .map_err(|e| e.to_string())
        },
        |p| Organisation::load(p).map_err(|e| e.to_string()),
        Organisation::built_in,
    )?;
    let templates = in_force(
        store,
        SettingKind::LetterTemplates,
        cfg.letter_templates.as_deref(),
        demo,
        "letters set-templates FOLDER",
        notices,
        |set| {
            let files: Vec<(String, String)> = serde_json::from_str(&set.body).map_err(|e| {
                format!(
                    "The office's letter templates ({}) cannot be read by this safedesk ({e}). Ask an admin to set them again with: safedesk letters set-templates FOLDER",
                    set.provenance()
                )
            })?;
            Templates::from_files(&files).map_err(|e| e.to_string())
        },
        |dir| Templates::load_dir(dir).map_err(|e| e.to_string()),
        Templates::built_in,
    )?;
    Ok(LetterKit {
        templates,
        organisation,
        dir: crate::letters::letters_dir(cfg.letters_dir.as_deref(), db.file()),
    })
}

/// One of the office's settings as it is in force: the one stored in the database; else, on a demo
/// database, this PC's own file; else the built-in one. A PC's own file that is not used is named
/// in `notices`, with the command an admin runs to set the office's.
#[allow(clippy::too_many_arguments)]
fn in_force<T>(
    store: &mut dyn Store,
    kind: SettingKind,
    local: Option<&Path>,
    demo: bool,
    command: &str,
    notices: &mut Vec<String>,
    from_office: impl FnOnce(&OfficeSetting) -> Result<T, String>,
    from_file: impl FnOnce(&Path) -> Result<T, String>,
    built_in: impl FnOnce() -> T,
) -> Result<T, String> {
    let set = store.office_setting(kind).map_err(|e| e.to_string())?;
    match (&set, local) {
        (Some(set), local) => {
            if let Some(p) = local {
                notices.push(not_used(p, set.kind, Some(set), command));
            }
            from_office(set)
        }
        (None, Some(p)) if demo => from_file(p),
        (None, local) => {
            if let Some(p) = local {
                notices.push(not_used(p, kind, None, command));
            }
            Ok(built_in())
        }
    }
}

/// The letter templates, the organisation's details and the letters folder from this PC's own
/// config (the files it names, checked): what a demo database uses, and what `init` puts in a
/// new one.
pub fn letters(cfg: &Config, db: &Location) -> Result<LetterKit, String> {
    let organisation = match &cfg.organisation {
        Some(p) => Organisation::load(p).map_err(|e| e.to_string())?,
        None => Organisation::built_in(),
    };
    let templates = match &cfg.letter_templates {
        Some(dir) => Templates::load_dir(dir).map_err(|e| e.to_string())?,
        None => Templates::built_in(),
    };
    Ok(LetterKit {
        templates,
        organisation,
        dir: crate::letters::letters_dir(cfg.letters_dir.as_deref(), db.file()),
    })
}

/// "This PC's policy file X is not used: the office's policy, version 2, set by ... is in
/// force. An admin can change it with: safedesk policy set FILE"
pub fn not_used(
    local: &Path,
    kind: SettingKind,
    set: Option<&OfficeSetting>,
    command: &str,
) -> String {
    let what = match kind {
        SettingKind::Policy => "policy file",
        SettingKind::Organisation => "organisation file",
        SettingKind::LetterTemplates => "letter templates folder",
    };
    let in_force = match set {
        Some(set) => format!("{}, {}, is in force", kind.in_words(), set.provenance()),
        None => format!("{} is the one built into safedesk", kind.in_words()),
    };
    format!(
        "This PC's {what} {} is not used: {in_force}. An admin can change it with: safedesk {command}",
        local.display()
    )
}

/// The office's policy in force in the shared database (the built-in one until an admin sets
/// another), with its version (0: built in). When this safedesk cannot read it, the built-in
/// policy is shown and a notice says why (the store refuses every write that runs its rules).
pub fn office_policy(
    store: &mut dyn Store,
    notices: &mut Vec<String>,
) -> Result<(Policy, Option<OfficeSetting>), String> {
    let set = store
        .office_setting(SettingKind::Policy)
        .map_err(|e| e.to_string())?;
    let policy = match &set {
        None => Policy::built_in(),
        Some(s) => Policy::from_office(s).unwrap_or_else(|e| {
            notices.push(e);
            Policy::built_in()
        }),
    };
    Ok((policy, set))
}

/// The config file in force (named, or the user's default one).
pub fn config(cli: &Cli) -> Result<Config, String> {
    match &cli.config {
        Some(p) => config::load(p, true),
        None => match config::default_config_path() {
            Some(p) => config::load(&p, false),
            None => Ok(Config::default()),
        },
    }
}

/// This PC's own policy file (`--policy`, `SAFEDESK_POLICY` or the config), if it names one.
/// It is used only for a new database (`init`) or a demo database.
pub fn local_policy(cli: &Cli, cfg: &Config) -> Option<PathBuf> {
    cli.policy.clone().or_else(|| cfg.policy.clone())
}

/// This PC's own policy file, read and checked, if it names one.
pub fn policy(cli: &Cli, cfg: &Config) -> Result<Option<(Policy, String)>, String> {
    match local_policy(cli, cfg) {
        Some(p) => {
            let policy = Policy::load(&p).map_err(|e| e.to_string())?;
            let text = crate::text::read_text(&p).map_err(|e| e.to_string())?;
            Ok(Some((policy, text)))
        }
        None => Ok(None),
    }
}

pub fn options(cli: &Cli, cfg: &Config) -> OpenOptions {
    OpenOptions {
        mode: if cli.read_only {
            OpenMode::ReadOnly
        } else {
            OpenMode::ReadWrite
        },
        busy_timeout_ms: cfg.busy_timeout_ms.unwrap_or(3000),
        ..OpenOptions::default()
    }
}

/// Where the office's database is (`--db`, `SAFEDESK_DB`, `db` in the config, or the demo's own
/// file for `--demo`), or a sentence saying how to give one.
pub fn db_location(cli: &Cli, cfg: &Config) -> Result<Location, String> {
    if let Some(p) = cli.db.clone().or_else(|| cfg.db.clone()) {
        return Location::parse(&p);
    }
    if cli.demo {
        return Ok(Location::File(config::default_demo_path()));
    }
    Err(format!(
        "No database given. To set one up, open safedesk in a terminal window with no command: it asks where the office's database is. Or put db = 'PATH' in {} (safedesk config init writes one to start from); or pass --db PATH (or set SAFEDESK_DB). To try safedesk on demo data, run: safedesk --demo",
        config::path_in_use(cli)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config file".into())
    ))
}

/// The database for `--demo`: made and filled when there is none yet (a new file, or an empty
/// database on a server), else opened; refused when it is not a demo database.
fn open_demo(at: &Location, opts: &OpenOptions) -> Result<Box<dyn Store>, String> {
    if let Some(path) = at.file() {
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!(
                        "Cannot make the folder {} for the demo database ({e}).",
                        dir.display()
                    )
                })?;
            }
            eprintln!("Creating a demo database at {} ...", path.display());
            return crate::demo::db::create_at(at, opts).map_err(|e| e.to_string());
        }
    }
    let mut store = at.open(opts).map_err(|e| e.to_string())?;
    if at.is_server() && store.list_staff().map_err(|e| e.to_string())?.is_empty() {
        // A new, empty database on a server: the demo is made in it.
        drop(store);
        eprintln!("Filling {at} with demo data ...");
        store = crate::demo::db::create_at(at, opts).map_err(|e| e.to_string())?;
    }
    if !store.is_demo().map_err(|e| e.to_string())? {
        return Err(crate::store::location::not_demo(at).to_string());
    }
    Ok(store)
}

/// Open (and for --demo, create and fill) the database and work out who is at the keyboard.
pub fn open(cli: &Cli) -> Result<Session, String> {
    let cfg = config(cli)?;
    // A demo database takes this PC's policy file; it is read (and refused if broken) first.
    let demo_policy = if cli.demo { policy(cli, &cfg)? } else { None };
    let at = db_location(cli, &cfg)?;
    let opts = options(cli, &cfg);
    let login = cli.user.clone().unwrap_or_else(config::os_login);
    let mut store = if cli.demo {
        open_demo(&at, &opts)?
    } else {
        at.open(&opts).map_err(|e| e.to_string())?
    };
    let demo = store.is_demo().map_err(|e| e.to_string())?;
    let mut staff = store.staff_by_login(&login).map_err(|e| e.to_string())?;
    if staff.is_none() && demo && !cli.read_only {
        // In the demo an unknown login acts as a manager.
        staff = Some(
            crate::demo::db::add_demo_manager(store.as_mut(), &login).map_err(|e| e.to_string())?,
        );
    }
    let mut notices = Vec::new();
    if demo && !cli.read_only {
        if let Some((_, text)) = &demo_policy {
            set_demo_policy(store.as_mut(), text)?;
        }
    }
    let (policy, in_force) = office_policy(store.as_mut(), &mut notices)?;
    if !demo {
        if let Some(p) = local_policy(cli, &cfg) {
            notices.push(not_used(
                &p,
                SettingKind::Policy,
                in_force.as_ref(),
                "policy set FILE",
            ));
        }
    }
    let letters = office_letters(&cfg, &at, store.as_mut(), demo, &mut notices);
    // Commands print these; the app shows them in its notice line.
    if !matches!(cli.command, None | Some(Command::Log)) {
        for n in &notices {
            eprintln!("{n}");
        }
    }
    Ok(Session {
        store,
        policy,
        policy_version: in_force.map_or(0, |s| s.version),
        actor: Actor { staff, login },
        demo,
        read_only: cli.read_only,
        letters,
        bell: config::bell(&cfg, std::env::var("SAFEDESK_BELL").ok().as_deref()),
        plain: cli.plain || cfg.plain.unwrap_or(false),
        at,
        notices,
        theme: crate::app::theme::ThemeName::choose(
            cli.theme,
            std::env::var_os("NO_COLOR").as_deref(),
            cfg.theme,
        ),
        local_dir: config::local_dir(&cfg, std::env::var_os("SAFEDESK_LOCAL_DIR")),
    })
}

/// On a demo database, this PC's policy file becomes the database's policy (set by the demo's
/// admin) when it differs from the one in force.
fn set_demo_policy(store: &mut dyn Store, text: &str) -> Result<(), String> {
    let current = store
        .office_setting(SettingKind::Policy)
        .map_err(|e| e.to_string())?;
    if current.is_some_and(|c| c.body == text) {
        return Ok(());
    }
    let admin = store
        .list_staff()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|s| s.role == Role::Admin && s.active);
    let actor = Actor {
        login: admin.as_ref().map(|a| a.login.clone()).unwrap_or_default(),
        staff: admin,
    };
    store
        .set_office_setting(&actor, SettingKind::Policy, text)
        .map_err(|e| e.to_string())?;
    Ok(())
}
