//! Starting a session: the settings in force, which database, which policy, who is at the
//! keyboard and what letters are made with.

use super::config::{self, Config};
use super::Cli;
use crate::domain::Actor;
use crate::letters::LetterKit;
use crate::letters::{Organisation, Templates};
use crate::policy::Policy;
use crate::store::{OpenMode, OpenOptions, SqliteStore, Store, StoreError};
use std::path::PathBuf;

/// Everything a command needs, ready to use.
pub struct Session {
    pub store: SqliteStore,
    pub policy: Policy,
    pub actor: Actor,
    pub demo: bool,
    pub read_only: bool,
    /// What letters are made with, or why they cannot be made (shown when one is asked for:
    /// a typo in a template must not stop the front desk working).
    pub letters: Result<LetterKit, String>,
    /// The shared database file, as given.
    pub path: PathBuf,
    /// Ring the terminal bell for managers' alerts.
    pub bell: bool,
}

/// The letter templates, the organisation's details and the letters folder from the config.
pub fn letters(cfg: &Config) -> Result<LetterKit, String> {
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
        dir: cfg
            .letters_dir
            .clone()
            .unwrap_or_else(crate::letters::default_dir),
    })
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

pub fn policy(cli: &Cli, cfg: &Config) -> Result<Policy, String> {
    match cli.policy.as_ref().or(cfg.policy.as_ref()) {
        Some(p) => Policy::load(p).map_err(|e| e.to_string()),
        None => Ok(Policy::built_in()),
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

/// The shared database's path, or a sentence saying how to give one.
pub fn db_path(cli: &Cli, cfg: &Config) -> Result<PathBuf, String> {
    if let Some(p) = cli.db.clone().or_else(|| cfg.db.clone()) {
        return Ok(p);
    }
    if cli.demo {
        return Ok(config::default_demo_path());
    }
    Err(format!(
        "No database given. Pass --db PATH, set SAFEDESK_DB, or put db = \"PATH\" in {}. To try safedesk on demo data, run: safedesk --demo",
        config::default_config_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config file".into())
    ))
}

/// Open (and for --demo, create and fill) the database and work out who is at the keyboard.
pub fn open(cli: &Cli) -> Result<Session, String> {
    let cfg = config(cli)?;
    let policy = policy(cli, &cfg)?;
    let path = db_path(cli, &cfg)?;
    let opts = options(cli, &cfg);
    let login = cli.user.clone().unwrap_or_else(config::os_login);
    let mut store = if cli.demo && !path.exists() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "Cannot make the folder {} for the demo database ({e}).",
                    dir.display()
                )
            })?;
        }
        eprintln!("Creating a demo database at {} ...", path.display());
        crate::demo::db::create(&path, &opts).map_err(|e| e.to_string())?
    } else {
        SqliteStore::open(&path, &opts).map_err(|e| e.to_string())?
    };
    let demo = store.is_demo().map_err(|e| e.to_string())?;
    if cli.demo && !demo {
        return Err(StoreError::NotDemo { path }.to_string());
    }
    let mut staff = store.staff_by_login(&login).map_err(|e| e.to_string())?;
    if staff.is_none() && demo && !cli.read_only {
        // In the demo an unknown login acts as a manager.
        staff =
            Some(crate::demo::db::add_demo_manager(&mut store, &login).map_err(|e| e.to_string())?);
    }
    Ok(Session {
        store,
        policy,
        actor: Actor { staff, login },
        demo,
        read_only: cli.read_only,
        letters: letters(&cfg),
        bell: config::bell(&cfg, std::env::var("SAFEDESK_BELL").ok().as_deref()),
        path,
    })
}
