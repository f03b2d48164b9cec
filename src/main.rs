use clap::Parser;
use safedesk::app::worker::Context;
use safedesk::app::App;
use safedesk::cli::{Cli, Command, StaffCommand};
use safedesk::commands;
use safedesk::local::Local;
use safedesk::session;
use safedesk::store::{SqliteStore, Store};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("safedesk: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match &cli.command {
        None | Some(Command::Log) => {
            let s = session::open(&cli)?;
            let location = s.store.location();
            let local = Local::new(Local::default_dir());
            let mut app = App::new(
                s.policy.clone(),
                s.actor.clone(),
                location.clone(),
                s.demo,
                s.read_only,
            );
            app.choices = local.choices();
            let deciding = s.actor.role().is_some_and(|r| r.can_decide());
            match &s.letters {
                Ok(kit)
                    if deciding
                        && !s.demo
                        && kit.organisation.is_example()
                        && app.notice.is_none() =>
                {
                    app.notice = Some(safedesk::app::Notice::Info(
                        "Letters use the example organisation details: put your own in a file and name it with organisation = \"PATH\" in the config file.".into(),
                    ));
                }
                Err(e) if deciding => app.notice = Some(safedesk::app::Notice::Error(e.clone())),
                _ => {}
            }
            app.letter_kit = s.letters.map(std::sync::Arc::new);
            app.draft_offer = local.draft(&location);
            if matches!(cli.command, Some(Command::Log)) && app.draft_offer.is_none() {
                app.open_form();
            }
            let mut store = s.store;
            let ctx = Context {
                policy: s.policy,
                actor: s.actor,
                local: Some(local.clone()),
                database: store.database_id().unwrap_or_else(|_| location.clone()),
                also: vec![location],
            };
            safedesk::tui::run(app, Box::new(store), ctx, Some(local))
                .map_err(|e| format!("The terminal failed: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Lookup { query, json, limit }) => {
            let mut s = session::open(&cli)?;
            let query = query.join(" ");
            let hits = s
                .store
                .lookup(&query, (*limit).clamp(1, 100))
                .map_err(|e| e.to_string())?;
            let now = chrono::Utc::now();
            if *json {
                let list: Vec<_> = hits
                    .iter()
                    .map(|h| commands::lookup_json(h, &s.policy, now))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
                );
            } else if hits.is_empty() {
                println!("No one matches \"{}\".", safedesk::text::clean(&query));
            } else {
                print!("{}", commands::lookup_text(&hits, &s.policy, now));
            }
            Ok(if hits.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Some(Command::Init { name }) => {
            let cfg = session::config(&cli)?;
            let path = session::db_path(&cli, &cfg)?;
            let login = cli.user.clone().unwrap_or_else(safedesk::config::os_login);
            let opts = session::options(&cli, &cfg);
            SqliteStore::create(&path, &opts, &login, name.as_deref().unwrap_or(""), false)
                .map_err(|e| e.to_string())?;
            println!(
                "Created {}. You ({login}) are its first admin.\nAdd colleagues with: safedesk --db \"{}\" staff add LOGIN --name \"Their Name\" --role reception|phone|manager|admin",
                path.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import { file }) => {
            let mut s = session::open(&cli)?;
            let local = Local::new(Local::default_dir());
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(file)
            }
            .map_err(|e| format!("Cannot read {} ({e}).", file.display()))?;
            let refused = commands::import(&mut s, &local, &text);
            Ok(if refused == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Staff { command }) => {
            let mut s = session::open(&cli)?;
            match command {
                StaffCommand::List => print!("{}", commands::staff_table(&mut s.store)?),
                StaffCommand::Add { login, name, role } => {
                    let role = commands::parse_role(role)?;
                    let added = s
                        .store
                        .add_staff(&s.actor, login, name, role)
                        .map_err(|e| e.to_string())?;
                    println!(
                        "Added {} ({}) as {}.",
                        added.display_name, added.login, added.role
                    );
                }
                StaffCommand::SetRole { login, role } => {
                    let role = commands::parse_role(role)?;
                    let s2 = s
                        .store
                        .set_staff_role(&s.actor, login, role)
                        .map_err(|e| e.to_string())?;
                    println!("{} ({}) is now {}.", s2.display_name, s2.login, s2.role);
                }
                StaffCommand::Leave { login } | StaffCommand::Return { login } => {
                    let active = matches!(command, StaffCommand::Return { .. });
                    let s2 = s
                        .store
                        .set_staff_active(&s.actor, login, active)
                        .map_err(|e| e.to_string())?;
                    println!(
                        "{} ({}) is now {}.",
                        s2.display_name,
                        s2.login,
                        if active {
                            "active"
                        } else {
                            "marked as having left"
                        }
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { quick, json }) => {
            let report = open_to_inspect(&cli)?
                .check(*quick)
                .map_err(|e| e.to_string())?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
                );
            } else {
                print!("{}", commands::check_text(&report));
            }
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Backup { dest, force }) => {
            let mut store = open_to_inspect(&cli)?;
            let dest = commands::backup_destination(dest, chrono::Local::now());
            let show = std::io::stderr().is_terminal();
            let mut progress = |done: u64, total: u64| {
                if show && total > 0 {
                    eprint!("\rCopying: {:3}%", done * 100 / total);
                    let _ = std::io::stderr().flush();
                }
            };
            let made = store.backup_to(&dest, *force, &mut progress);
            if show {
                eprint!("\r              \r");
            }
            print!(
                "{}",
                commands::backup_text(&made.map_err(|e| e.to_string())?)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The database named by --db (or the config), opened to be looked over or copied: read-only,
/// never migrated, never written.
fn open_to_inspect(cli: &Cli) -> Result<SqliteStore, String> {
    let cfg = session::config(cli)?;
    let path = session::db_path(cli, &cfg)?;
    SqliteStore::open_to_inspect(&path, &session::options(cli, &cfg)).map_err(|e| e.to_string())
}
