//! The command line: what `safedesk` accepts ([`Cli`], read by clap) and the commands that print
//! instead of opening the app, one file per group. Starting a session (the settings file, the
//! database, who is at the keyboard) is in [`session`] and [`config`]; the app itself is opened
//! by the terminal event loop (`crate::tui`).

#[macro_use]
pub mod out;
pub mod config;
pub mod csv_import;
pub mod first_run;
pub mod import;
pub mod lookup;
pub mod maintenance;
pub mod migrate;
pub mod office;
pub mod report;
pub mod retention;
pub mod session;
pub mod shortcut;
pub mod staff;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "safedesk",
    version,
    about = "Run the unacceptable customer behaviour policy: look callers up, log incidents, work the escalation queue.",
    after_help = "With no command, safedesk opens the app. Try it on demo data: safedesk --demo"
)]
pub struct Cli {
    /// The shared database: the path of its file (usually on a network drive), or the address
    /// of its database on a PostgreSQL server, postgres://USER@HOST/DBNAME (the password comes
    /// from the PostgreSQL password file or PGPASSWORD, never from here).
    #[arg(
        long,
        global = true,
        env = "SAFEDESK_DB",
        value_name = "PATH or postgres://..."
    )]
    pub db: Option<PathBuf>,
    /// This PC's own policy file: used only by `init` (a new database starts with it) and on a
    /// demo database. The office's policy is kept in the shared database: see `policy set`.
    #[arg(long, global = true, env = "SAFEDESK_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The config file (default: safedesk.toml in your config folder).
    #[arg(long, global = true, env = "SAFEDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Act as this member of staff (default: your login on this PC).
    #[arg(long, global = true, env = "SAFEDESK_USER", value_name = "LOGIN")]
    pub user: Option<String>,
    /// Use the demo database (made and filled with demo data when missing).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Look people up only; change nothing.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Screen-reader mode: no boxes and no full screen, one line at a time, every change said
    /// in a full sentence (also `plain = true` in the config file).
    #[arg(long, global = true)]
    pub plain: bool,
    /// The screens' colours: default, high-contrast or monochrome (no colour). Without it:
    /// monochrome when NO_COLOR is set, else the config file's theme.
    #[arg(long, global = true, env = "SAFEDESK_THEME", value_name = "NAME", value_parser = theme_name)]
    pub theme: Option<crate::app::theme::ThemeName>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--theme NAME`, or the sentence naming the three themes.
fn theme_name(s: &str) -> Result<crate::app::theme::ThemeName, String> {
    s.parse()
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Open the app straight on an empty incident form (for a desktop shortcut).
    Log,
    /// Look a caller up by name, phone number or email and print their restrictions.
    /// Exit code 0 with matches, 1 with none, 2 on error.
    Lookup {
        /// What to search for (quote it, or give several words).
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Print JSON for scripts and phone systems.
        #[arg(long)]
        json: bool,
        /// Most results to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Create a new shared database at --db; you become its first admin.
    Init {
        /// Your name as colleagues know it.
        #[arg(long)]
        name: Option<String>,
    },
    /// `import customers FILE.csv` or `import incidents FILE.csv`: bring in a spreadsheet saved
    /// as CSV. Every row is checked first by the forms' rules and every refused row listed with
    /// its row number, column and reason; nothing is written unless every row passes (or
    /// --skip-bad). Exit code 0 when all rows were imported, 1 when any was refused, 2 on error.
    ///
    /// `import FILE` (JSON lines, one incident each, as the outbox keeps them, or - for standard
    /// input): each is saved in its own transaction; one that cannot reach the database waits in
    /// this PC's outbox. Prints "saved ID", "queued ID" or "refused ID: why" per line. Exit code 0
    /// when all were saved or queued, 1 if any refused.
    #[command(verbatim_doc_comment)]
    Import {
        /// customers FILE.csv, incidents FILE.csv, or one FILE of JSON lines (- for standard input).
        #[arg(required = true, num_args = 1..=2, value_name = "WHAT FILE")]
        args: Vec<String>,
        /// Check every row and say what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Which column is which field: "Surname=last_name,Forename=first_name,DOB=..."; add
        /// dates=month-first for dates written 11/24/2026.
        #[arg(long, value_name = "COLUMN=FIELD,...")]
        map: Option<String>,
        /// The same mapping from a file, one Column=field a line (# starts a comment).
        #[arg(long, value_name = "FILE")]
        map_file: Option<PathBuf>,
        /// Import the rows that pass and list the others (without it, one bad row stops all).
        #[arg(long)]
        skip_bad: bool,
    },
    /// Move the office from its shared SQLite file to an empty PostgreSQL database: everything
    /// is copied in one transaction, and the file is left as it was.
    Migrate {
        /// The office's shared safedesk file.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The PostgreSQL database: postgres://USER@HOST/DBNAME (the password comes from the
        /// PostgreSQL password file or PGPASSWORD).
        #[arg(long, value_name = "ADDRESS")]
        to: String,
    },
    /// Merging two records of one person: undo a merge (managers and admins).
    Merge {
        #[command(subcommand)]
        command: MergeCommand,
    },
    /// List, add and change staff (admins only for changes).
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// This PC's config file: where it is, whether it is right, and a commented one to start
    /// from.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The office's policy, kept in the shared database: every PC uses it. Admins set it.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The organisation's details and letter templates, kept in the shared database so every
    /// manager's letters are the same. Admins set them.
    Letters {
        #[command(subcommand)]
        command: LettersCommand,
    },
    /// Check the shared database for damage and broken links, and show its size, schema and
    /// journal mode. Reads only. Exit code 0 when all is well, 1 when problems were found, 2 when
    /// it cannot be opened.
    Check {
        /// Run SQLite's faster quick_check instead of the full integrity_check.
        #[arg(long)]
        quick: bool,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Copy the shared database safely while others keep working, and check the copy. Back up
    /// with this, not by copying the file: a copy taken during a save can be torn.
    Backup {
        /// The backup file to make, or a folder to make safedesk-YYYY-MM-DD-HHMM.sqlite in.
        #[arg(value_name = "DEST")]
        dest: PathBuf,
        /// Replace DEST if it already exists.
        #[arg(long)]
        force: bool,
    },
    /// Remove what is past its keeping period (the policy's [retention]), in one transaction:
    /// admins only, audited. Nothing behind a restriction in force, an open case or an owed
    /// letter goes. Try --dry-run first: it lists what would go and why.
    Retention {
        /// List what would be removed and why, changing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Write everything held about one person (a subject access request) as a printable page,
    /// Markdown and JSON in a new folder (managers and admins). A search that matches several
    /// people lists them: run it again with the id.
    ExportCustomer {
        /// The customer's id, or a search (name, phone number or email).
        #[arg(required = true, num_args = 1.., value_name = "ID|QUERY")]
        who: Vec<String>,
        /// The folder to make the export's folder in (default: "subject access" beside the
        /// letters folder).
        #[arg(long, value_name = "FOLDER")]
        out: Option<PathBuf>,
    },
    /// Write the reports' figures to send (managers): incidents each month by category and
    /// channel, decisions, restrictions in force, reviews on time or late, and the time from a
    /// third incident to the decision. Counts of 1 or 2 are written as "fewer than 3".
    Report {
        /// The first day (24/11/2026 or 2026-11-24); default the first of the month a year ago.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The last day, included; default today.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// csv for a spreadsheet, md for Markdown, html for a printable page with the charts.
        #[arg(long, value_enum, default_value = "csv")]
        format: report::Format,
        /// Write to this file instead of the screen.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Set this PC up (Windows): `setup shortcut` puts a shortcut on the desktop whose key
    /// opens the incident form from anywhere.
    Setup {
        #[command(subcommand)]
        command: SetupCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum SetupCommand {
    /// A desktop shortcut with a shortcut key (Ctrl+Alt+L unless --key says) that runs
    /// `safedesk log` in Windows Terminal, or a console window when the PC has no Windows
    /// Terminal. Run again to change the key: the shortcut is replaced.
    Shortcut {
        /// The shortcut key: Ctrl and/or Alt, perhaps Shift, and a letter, digit or F1 to F24.
        #[arg(long, default_value = shortcut::DEFAULT_KEY, value_name = "KEY")]
        key: String,
        /// Write the shortcut here instead of on this account's desktop (a key works only for
        /// a shortcut on the desktop or in the Start menu).
        #[arg(long, value_name = "FILE.lnk")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum MergeCommand {
    /// Put two merged records back as they were, by the merge's audit entry number (the retired
    /// record's card shows it) or its id. Refused, with the reason, when something recorded or
    /// changed since would be lost or misfiled.
    Undo {
        #[arg(value_name = "ID")]
        merge: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ConfigCommand {
    /// Print which config file this PC uses, and whether it exists.
    Path,
    /// Read the config file and say whether it is right: a misspelt or unknown setting is named
    /// with its line, and files and folders it names that cannot be found are listed.
    /// Exit code 0 when all is well, 1 when something needs fixing.
    Check,
    /// Write a config file with every setting explained (commented out) at the config path.
    /// An existing file is never overwritten unless --force is given.
    Init {
        #[arg(long)]
        force: bool,
    },
    /// List every action's name (for `[keys]` in the config file), its keys on this PC and what
    /// it does. Exit code 1 when a change in the config is refused.
    Keys,
}

#[derive(Debug, Clone, Subcommand)]
pub enum PolicyCommand {
    /// Print the policy in force, its version, who set it and when.
    Show,
    /// Make FILE the office's policy (admins only). It is checked first: a file with a mistake
    /// is refused with its line, and nothing changes.
    Set { file: PathBuf },
}

#[derive(Debug, Clone, Subcommand)]
pub enum LettersCommand {
    /// Say which organisation details and letter templates are in force, and who set them.
    Show,
    /// Make FILE (like assets/organisation.toml) the organisation's details (admins only).
    SetOrganisation { file: PathBuf },
    /// Make the templates in FOLDER (some or all of the five letters) the office's (admins
    /// only); a letter left out uses the built-in wording.
    SetTemplates { folder: PathBuf },
}

#[derive(Debug, Clone, Subcommand)]
pub enum StaffCommand {
    /// Everyone on the staff list.
    List,
    /// Add a member of staff.
    Add {
        /// The login they use on their PC.
        login: String,
        /// Their name as colleagues know it.
        #[arg(long)]
        name: String,
        /// reception, phone, manager or admin.
        #[arg(long)]
        role: String,
    },
    /// Change someone's role.
    SetRole {
        login: String,
        /// reception, phone, manager or admin.
        role: String,
    },
    /// Mark someone as having left (they can no longer change anything).
    Leave { login: String },
    /// Mark a leaver as back.
    Return { login: String },
}

/// Carry out a command that prints rather than opening the app, and say how it went as an exit
/// code. None when the command opens the app (no command, or `log`).
pub fn run(cli: &Cli) -> Option<Result<ExitCode, String>> {
    Some(match cli.command.as_ref()? {
        Command::Log => return None,
        Command::Lookup { query, json, limit } => lookup::run(cli, query, *json, *limit),
        Command::Init { name } => maintenance::init(cli, name.as_deref()),
        Command::Import {
            args,
            dry_run,
            map,
            map_file,
            skip_bad,
        } => match args.as_slice() {
            [file] if !*dry_run && map.is_none() && map_file.is_none() && !*skip_bad => {
                import::run(cli, std::path::Path::new(file))
            }
            [file] => Err(format!(
                "--dry-run, --map, --map-file and --skip-bad are for a spreadsheet: safedesk import customers {file} or safedesk import incidents {file}."
            )),
            [what, file] => match csv_import::Kind::parse(what) {
                Some(kind) => csv_import::run(
                    cli,
                    &csv_import::Options {
                        kind,
                        file: std::path::Path::new(file),
                        dry_run: *dry_run,
                        map: map.as_deref(),
                        map_file: map_file.as_deref(),
                        skip_bad: *skip_bad,
                    },
                ),
                None => Err(format!(
                    "safedesk import {what} {file}: say what the file holds, customers or incidents (safedesk import customers FILE.csv)."
                )),
            },
            _ => Err("safedesk import FILE, or safedesk import customers|incidents FILE.csv.".into()),
        },
        Command::Migrate { from, to } => migrate::run(cli, from, to),
        Command::Merge { command } => merge_command(cli, command),
        Command::Staff { command } => staff::run(cli, command),
        Command::Policy { command } => office::policy(cli, command),
        Command::Config { command } => config::command(cli, command),
        Command::Letters { command } => office::letters(cli, command),
        Command::Check { quick, json } => maintenance::check(cli, *quick, *json),
        Command::Backup { dest, force } => maintenance::backup(cli, dest, *force),
        Command::Retention { dry_run, json } => retention::retention(cli, *dry_run, *json),
        Command::ExportCustomer { who, out } => {
            retention::export_customer(cli, who, out.as_deref())
        }
        Command::Report {
            from,
            to,
            format,
            out,
        } => report::run(cli, from.as_deref(), to.as_deref(), *format, out.as_deref()),
        Command::Setup {
            command: SetupCommand::Shortcut { key, out },
        } => shortcut::run(key, out.as_deref()),
    })
}

/// `safedesk merge undo ID`.
fn merge_command(cli: &Cli, command: &MergeCommand) -> Result<ExitCode, String> {
    use crate::store::Store;
    match command {
        MergeCommand::Undo { merge } => {
            let which = crate::domain::MergeRef::parse(merge).ok_or_else(|| {
                format!(
                    "\"{merge}\" is not a merge: give the number of its audit entry (the retired record's card shows it) or the merge's id."
                )
            })?;
            let mut s = session::open(cli)?;
            let done = s
                .store
                .reverse_merge(&s.actor, which)
                .map_err(|e| e.to_string())?;
            outln!(
                "Undone: {} and {} are two records again, each with the history it had before the merge.",
                done.survivor_name, done.restored_name
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
