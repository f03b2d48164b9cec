//! Where the password comes from, as psql finds it: the `PGPASSWORD` environment variable, else
//! the password file (`passfile` in the address, else `PGPASSFILE`, else `~/.pgpass` on Unix and
//! `%APPDATA%\postgresql\pgpass.conf` on Windows). Never from the address or the config file.
//!
//! The file's lines are `host:port:database:user:password`, `*` matching anything in the first
//! four, `\:` and `\\` for a colon or backslash, `#` starting a comment; the first line that
//! matches wins. On Unix a file that others can read is refused (libpq ignores it with a warning;
//! safedesk says so and stops, so a password is never used from a file anyone could have read).

use super::address::{Host, PgConfig};
use std::path::{Path, PathBuf};

/// The socket folder that libpq, as Debian builds it, matches as `localhost` in the file.
const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// The password for `config`: `PGPASSWORD`, else the password file's, else none. A password file
/// that cannot be trusted or read is an error sentence.
pub fn password_for(config: &PgConfig) -> Result<Option<String>, String> {
    if let Ok(p) = std::env::var("PGPASSWORD") {
        if !p.is_empty() {
            return Ok(Some(p));
        }
    }
    let Some(file) = passfile_path(config) else {
        return Ok(None);
    };
    from_file(&file, config)
}

/// The password file to read: `passfile` in the address, `PGPASSFILE`, or the default place.
pub fn passfile_path(config: &PgConfig) -> Option<PathBuf> {
    if let Some(p) = &config.passfile {
        return Some(p.clone());
    }
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    default_passfile()
}

#[cfg(windows)]
fn default_passfile() -> Option<PathBuf> {
    std::env::var_os("APPDATA").map(|a| PathBuf::from(a).join("postgresql").join("pgpass.conf"))
}

#[cfg(not(windows))]
fn default_passfile() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
}

/// The password `file` gives for `config`. A missing file gives none, as in libpq.
pub fn from_file(file: &Path, config: &PgConfig) -> Result<Option<String>, String> {
    let meta = match std::fs::metadata(file) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "The PostgreSQL password file {} could not be read ({e}): check its permissions.",
                file.display()
            ))
        }
    };
    if !meta.is_file() {
        return Err(format!(
            "The PostgreSQL password file {} is not a file: name the password file itself with PGPASSFILE.",
            file.display()
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "The PostgreSQL password file {} can be read by other users (permissions {mode:04o}), so safedesk will not use it: make it private with chmod 600 \"{}\".",
                file.display(),
                file.display()
            ));
        }
    }
    let text = std::fs::read_to_string(file).map_err(|e| {
        format!(
            "The PostgreSQL password file {} could not be read ({e}): check it is a text file you can open.",
            file.display()
        )
    })?;
    Ok(find(&text, config))
}

/// The password of the first line of a password file's `text` that matches `config`.
pub fn find(text: &str, config: &PgConfig) -> Option<String> {
    let host = match &config.host {
        Host::Tcp(h) => h.clone(),
        Host::Socket(d) if d == Path::new(DEFAULT_SOCKET_DIR) => "localhost".to_string(),
        Host::Socket(d) => d.display().to_string(),
    };
    let port = config.port.to_string();
    let wanted = [
        host.as_str(),
        port.as_str(),
        config.dbname.as_str(),
        config.user.as_str(),
    ];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_fields(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = fields
            .iter()
            .zip(wanted)
            .all(|((raw, value), want)| raw == "*" || value == want);
        if matches {
            let password = &fields[4].1;
            return (!password.is_empty()).then(|| password.clone());
        }
    }
    None
}

/// A line cut at its unescaped colons: each field as written (to tell a bare `*` from `\*`) and
/// with its escapes taken out.
fn split_fields(line: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let (mut raw, mut value) = (String::new(), String::new());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                raw.push(c);
                if let Some(n) = chars.next() {
                    raw.push(n);
                    value.push(n);
                }
            }
            ':' => fields.push((std::mem::take(&mut raw), std::mem::take(&mut value))),
            c => {
                raw.push(c);
                value.push(c);
            }
        }
    }
    fields.push((raw, value));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path as a quoted value in an address's key=value form: backslashes (every Windows
    /// path's) and quotes escaped, as libpq reads them.
    fn quoted(p: &std::path::Path) -> String {
        let text = p.display().to_string();
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    fn config(s: &str) -> PgConfig {
        PgConfig::parse_with_user(s, "reception1").unwrap()
    }

    #[test]
    fn the_first_matching_line_wins_with_wildcards() {
        let text = "# office server\n\
                    other:5432:safedesk:reception1:wrong-host\n\
                    db.office:5433:safedesk:reception1:wrong-port\n\
                    db.office:5432:safedesk:reception1:right\n\
                    *:*:*:*:fallback\n";
        let c = config("postgres://db.office/safedesk");
        assert_eq!(find(text, &c).as_deref(), Some("right"));
        let c = config("postgres://elsewhere/safedesk");
        assert_eq!(find(text, &c).as_deref(), Some("fallback"));
        let c = config("postgres://db.office/safedesk?user=manager");
        assert_eq!(find(text, &c).as_deref(), Some("fallback"));
        assert_eq!(find("db.office:5432:safedesk:x:y\n", &c), None);
    }

    #[test]
    fn escapes_and_windows_line_endings_are_read() {
        let text = "db.office:5432:safedesk:reception1:pa\\:ss\\\\word\r\n";
        let c = config("postgres://db.office/safedesk");
        assert_eq!(find(text, &c).as_deref(), Some("pa:ss\\word"));
        // An escaped star is a star, not a wildcard.
        let text = "\\*:5432:safedesk:reception1:star\n";
        assert_eq!(find(text, &c), None);
        // Short lines and empty passwords give nothing.
        assert_eq!(find("db.office:5432:safedesk\n", &c), None);
        assert_eq!(find("db.office:5432:safedesk:reception1:\n", &c), None);
    }

    #[test]
    fn a_socket_matches_localhost_in_the_default_folder_and_its_path_elsewhere() {
        let text = "localhost:5432:safedesk:reception1:local\n\
                    /tmp/pg:5432:safedesk:reception1:private\n";
        let c = config("host=/var/run/postgresql dbname=safedesk");
        assert_eq!(find(text, &c).as_deref(), Some("local"));
        let c = config("host=/tmp/pg dbname=safedesk");
        assert_eq!(find(text, &c).as_deref(), Some("private"));
    }

    #[test]
    fn the_file_in_the_address_is_read_and_a_missing_one_gives_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        let c = config(&format!(
            "host=db dbname=safedesk passfile={}",
            quoted(&file)
        ));
        assert_eq!(passfile_path(&c), Some(file.clone()));
        assert_eq!(from_file(&file, &c), Ok(None));
        std::fs::write(&file, "db:5432:safedesk:reception1:s3cret\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(from_file(&file, &c), Ok(Some("s3cret".into())));
        let e = from_file(dir.path(), &c).unwrap_err();
        assert!(e.contains("is not a file"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "*:*:*:*:s3cret\n").unwrap();
        let c = config("host=db dbname=safedesk");
        for mode in [0o644, 0o640, 0o604] {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = from_file(&file, &c).unwrap_err();
            assert!(e.contains("can be read by other users"), "{e}");
            assert!(e.contains("chmod 600"), "{e}");
        }
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(from_file(&file, &c), Ok(Some("s3cret".into())));
    }
}
