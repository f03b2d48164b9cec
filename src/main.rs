//! The `safedesk` program: a command that prints ([`safedesk::cli`]), or with no command (or
//! `log`) the app at the terminal ([`safedesk::tui`]).

use clap::Parser;
use safedesk::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ran =
        cli::run(&cli).unwrap_or_else(|| safedesk::tui::start(&cli).map(|()| ExitCode::SUCCESS));
    match ran {
        Ok(code) => code,
        Err(message) => {
            eprintln!("safedesk: {message}");
            ExitCode::from(2)
        }
    }
}
