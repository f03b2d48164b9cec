//! `safedesk migrate --from FILE --to postgres://...`: moving an office from its shared SQLite
//! file to a PostgreSQL server (the copy itself is `store::postgres::copy`).

use super::Cli;
use std::path::Path;
use std::process::ExitCode;

/// Copy the file at `from` into the empty database at `to`, and print what was copied, table by
/// table, with the file's counts beside the server's.
#[cfg(feature = "postgres")]
pub fn run(_cli: &Cli, from: &Path, to: &str) -> Result<ExitCode, String> {
    use crate::store::postgres::{copy, PgConfig};
    if !crate::store::is_postgres_address(to) && !to.contains('=') {
        return Err(format!(
            "--to takes the address of the PostgreSQL database to move the office into, such as postgres://safedesk@dbserver/safedesk, not {to:?}. The password goes in the PostgreSQL password file or PGPASSWORD, never on the command line."
        ));
    }
    let config = PgConfig::parse(to)?;
    let report = copy::from_sqlite(from, &config).map_err(|e| e.to_string())?;
    outln!("Moved {} to {config}.", from.display());
    outln!("{:<16} {:>10} {:>10}", "", "in the file", "on the server");
    for (table, n) in &report.tables {
        outln!("{table:<16} {n:>10} {n:>10}");
    }
    outln!(
        "{:<16} {:>10} {:>10}",
        "incident days",
        report.incident_days.0,
        report.incident_days.1
    );
    outln!(
        "The file is left as it was. Point every PC at the server (db = '{config}' in the config file, or SAFEDESK_DB), and keep the file as the office's last backup before the move."
    );
    Ok(ExitCode::SUCCESS)
}

/// Without PostgreSQL built in, say so.
#[cfg(not(feature = "postgres"))]
pub fn run(_cli: &Cli, _from: &Path, _to: &str) -> Result<ExitCode, String> {
    Err("This safedesk was built without PostgreSQL (the postgres feature), so it cannot move an office to a server: use a safedesk built with it.".into())
}
