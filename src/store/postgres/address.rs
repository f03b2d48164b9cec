//! A PostgreSQL database address, as PostgreSQL users write it: a URL
//! (`postgres://user@server:5432/safedesk?sslmode=verify-full`, or `postgresql://`) or libpq's
//! `key=value` form (`host=server dbname=safedesk sslmode=require`). Each mistake is one sentence
//! naming what is wrong and what to write instead.
//!
//! A password is never taken from the address (it would then sit in the config file, a shortcut
//! or the shell's history): one is refused, pointing at `PGPASSWORD` or the password file
//! (`passfile.rs`). What is left out, on purpose: several servers in one address, `hostaddr`, and
//! the `PG*` environment variables other than `PGPASSWORD` and `PGPASSFILE`, so the address in
//! the config is the whole story of where safedesk connects.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// How far the connection is protected, as libpq's `sslmode` means it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, the certificate not checked (libpq's default).
    Prefer,
    /// TLS or no connection; the certificate checked against a root certificate only when one
    /// is given or found in the default place (as libpq does, for compatibility).
    Require,
    /// TLS, and the certificate must be signed by the given certificate authority.
    VerifyCa,
    /// As `VerifyCa`, and the certificate must name the server connected to.
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode, String> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "The database address's sslmode \"{other}\" is not one safedesk knows: use disable, prefer, require, verify-ca or verify-full."
                ))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A host name or IP address, reached over TCP.
    Tcp(String),
    /// The folder holding the server's Unix socket (a host starting with `/`, as in libpq).
    Socket(PathBuf),
}

/// A checked database address. It holds no password, ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConfig {
    pub host: Host,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    pub sslmode: SslMode,
    /// The certificate authority's file for verify-ca and verify-full (`sslrootcert`).
    pub sslrootcert: Option<PathBuf>,
    /// The password file named in the address (`passfile`), before `PGPASSFILE`.
    pub passfile: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub application_name: String,
}

/// How long to wait for the server when the address does not say (`connect_timeout`): libpq
/// waits for ever, which would leave a PC hanging on a server that is gone.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The sentence for a password found in the address.
pub const PASSWORD_REFUSED: &str = "The database address holds a password, and safedesk never takes one from the command line or the config file: take it out of the address, and put it in the PostgreSQL password file (pgpass) or the PGPASSWORD environment variable instead.";

const KNOWN: &str = "host, port, dbname, user, sslmode, sslrootcert, passfile, connect_timeout and application_name";

impl fmt::Display for PgConfig {
    /// The address without anything secret, for messages: `postgres://user@host:port/db`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            Host::Tcp(h) if h.contains(':') => write!(
                f,
                "postgres://{}@[{h}]:{}/{}",
                self.user, self.port, self.dbname
            ),
            Host::Tcp(h) => write!(
                f,
                "postgres://{}@{h}:{}/{}",
                self.user, self.port, self.dbname
            ),
            Host::Socket(d) => write!(
                f,
                "postgres://{}@:{}/{}?host={}",
                self.user,
                self.port,
                self.dbname,
                d.display()
            ),
        }
    }
}

pub use crate::store::is_postgres_address;

impl PgConfig {
    /// Read an address in either form. The default user is this PC's login name, as for psql.
    pub fn parse(address: &str) -> Result<PgConfig, String> {
        Self::parse_with_user(address, &default_user())
    }

    /// As [`PgConfig::parse`], with the user to take when the address names none.
    pub fn parse_with_user(address: &str, default_user: &str) -> Result<PgConfig, String> {
        let address = address.trim();
        let pairs = if is_postgres_address(address) {
            url_pairs(address)?
        } else if address.contains('=') {
            keyword_pairs(address)?
        } else {
            return Err(format!(
                "\"{address}\" is not a PostgreSQL address: write it as postgres://server/database (or host=server dbname=database)."
            ));
        };
        let mut b = Builder::default();
        for (k, v) in pairs {
            b.set(&k, v)?;
        }
        b.finish(default_user)
    }
}

#[derive(Default)]
struct Builder {
    host: Option<String>,
    port: Option<String>,
    dbname: Option<String>,
    user: Option<String>,
    sslmode: Option<String>,
    sslrootcert: Option<String>,
    passfile: Option<String>,
    connect_timeout: Option<String>,
    application_name: Option<String>,
}

impl Builder {
    fn set(&mut self, key: &str, value: String) -> Result<(), String> {
        let slot = match key {
            "host" => &mut self.host,
            "port" => &mut self.port,
            "dbname" => &mut self.dbname,
            "user" => &mut self.user,
            "sslmode" => &mut self.sslmode,
            "sslrootcert" => &mut self.sslrootcert,
            "passfile" => &mut self.passfile,
            "connect_timeout" => &mut self.connect_timeout,
            "application_name" => &mut self.application_name,
            "password" => return Err(PASSWORD_REFUSED.to_string()),
            "hostaddr" => {
                return Err("The database address's hostaddr is not used by safedesk: give the server's name or IP address as host instead.".into())
            }
            other => {
                return Err(format!(
                    "The database address has a setting safedesk does not know, \"{other}\": it understands {KNOWN}."
                ))
            }
        };
        *slot = Some(value);
        Ok(())
    }

    fn finish(self, default_user: &str) -> Result<PgConfig, String> {
        let host = match self.host.as_deref().map(str::trim) {
            None | Some("") => Host::Tcp("localhost".into()),
            Some(h) if h.contains(',') => {
                return Err(format!(
                    "The database address names several servers ({h}): safedesk connects to one; give only the one to use."
                ))
            }
            Some(h) if h.starts_with('/') => Host::Socket(PathBuf::from(h)),
            Some(h) => {
                if h.chars().any(|c| c.is_whitespace() || c == '/' || c == '@') {
                    return Err(format!(
                        "The server name in the database address, \"{h}\", is not a host name or IP address: check it for a typo."
                    ));
                }
                Host::Tcp(h.to_string())
            }
        };
        let port = match self.port.as_deref().map(str::trim) {
            None | Some("") => 5432,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(format!(
                        "The port in the database address, \"{p}\", is not a port number: give a number from 1 to 65535, as in postgres://server:5432/safedesk (5432 is PostgreSQL's usual port)."
                    ))
                }
            },
        };
        let dbname = match self.dbname.as_deref().map(str::trim) {
            None | Some("") => {
                return Err("The database address names no database: put the database's name after the server, as in postgres://server/safedesk (or dbname=safedesk).".into())
            }
            Some(d) => d.to_string(),
        };
        let user = match self.user.as_deref().map(str::trim) {
            None | Some("") => default_user.to_string(),
            Some(u) => u.to_string(),
        };
        if user.is_empty() {
            return Err("The database address names no user, and this PC's login name could not be read: add the PostgreSQL user, as in postgres://safedesk@server/safedesk.".into());
        }
        let sslmode = match self.sslmode.as_deref().map(str::trim) {
            None | Some("") => SslMode::Prefer,
            Some(m) => SslMode::parse(m)?,
        };
        let sslrootcert = match self.sslrootcert.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("system") => {
                return Err("sslrootcert=system is not supported by this safedesk: give the file holding the certificate authority's certificate, as in sslrootcert=C:\\safedesk\\root.crt.".into())
            }
            Some(f) => Some(PathBuf::from(f)),
        };
        let connect_timeout = match self.connect_timeout.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_CONNECT_TIMEOUT,
            Some(t) => match t.parse::<u64>() {
                Ok(n) if (1..=3600).contains(&n) => Duration::from_secs(n),
                _ => {
                    return Err(format!(
                        "The database address's connect_timeout, \"{t}\", is not a number of seconds from 1 to 3600."
                    ))
                }
            },
        };
        Ok(PgConfig {
            host,
            port,
            dbname,
            user,
            sslmode,
            sslrootcert,
            passfile: self
                .passfile
                .filter(|p| !p.trim().is_empty())
                .map(PathBuf::from),
            connect_timeout,
            application_name: self
                .application_name
                .unwrap_or_else(|| "safedesk".to_string()),
        })
    }
}

/// This PC's login name, the user libpq takes when none is given.
fn default_user() -> String {
    let var = if cfg!(windows) { "USERNAME" } else { "USER" };
    std::env::var(var).unwrap_or_default()
}

/// `%XX` decoding, as in a URL. A bad escape is refused.
fn percent_decode(s: &str, what: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None => {
                    return Err(format!(
                        "The {what} in the database address has a % that is not followed by two hex digits: write %25 for a % sign."
                    ))
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        format!("The {what} in the database address does not decode to readable text: check its % escapes.")
    })
}

/// The settings of a `postgres://` URL, in the order written (query settings last, so they win).
fn url_pairs(url: &str) -> Result<Vec<(String, String)>, String> {
    let rest = &url[url.find("://").expect("checked by is_postgres_address") + 3..];
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match main.find('/') {
        Some(i) => (&main[..i], Some(&main[i + 1..])),
        None => (main, None),
    };
    let mut pairs = Vec::new();
    let hostport = match authority.rsplit_once('@') {
        Some((userinfo, hp)) => {
            if userinfo.contains(':') {
                return Err(PASSWORD_REFUSED.to_string());
            }
            if !userinfo.is_empty() {
                pairs.push(("user".to_string(), percent_decode(userinfo, "user name")?));
            }
            hp
        }
        None => authority,
    };
    // [v6 address]:port, or name:port.
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, after)) => match after {
                "" => (h, None),
                p if p.starts_with(':') => (h, Some(&p[1..])),
                _ => {
                    return Err(format!(
                        "The server in the database address, \"{hostport}\", is not written as [address]:port."
                    ))
                }
            },
            None => {
                return Err(format!(
                    "The server in the database address, \"{hostport}\", opens a [ but never closes it."
                ))
            }
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if !host.is_empty() {
        pairs.push(("host".into(), percent_decode(host, "server name")?));
    }
    if let Some(p) = port {
        pairs.push(("port".into(), p.to_string()));
    }
    if let Some(p) = path {
        if !p.is_empty() {
            pairs.push(("dbname".into(), percent_decode(p, "database name")?));
        }
    }
    for part in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            format!(
                "The database address's setting \"{part}\" has no value: write it as name=value, as in ?sslmode=require."
            )
        })?;
        pairs.push((
            percent_decode(k, "setting name")?,
            percent_decode(v, "setting value")?,
        ));
    }
    Ok(pairs)
}

/// The settings of a `key=value key='quoted value'` string, as libpq reads it.
fn keyword_pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(format!(
                "The database address's setting \"{key}\" has no value: write it as {key}=value."
            ));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n)
                        }
                    }
                    '\'' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(format!(
                    "The database address's setting \"{key}\" opens a quote (') but never closes it."
                ));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        value.push(n)
                    }
                } else {
                    value.push(c);
                }
            }
        }
        pairs.push((key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<PgConfig, String> {
        PgConfig::parse_with_user(s, "reception1")
    }

    #[test]
    fn a_url_is_read_with_its_defaults() {
        let c = parse("postgres://db.office.local/safedesk").unwrap();
        assert_eq!(c.host, Host::Tcp("db.office.local".into()));
        assert_eq!(c.port, 5432);
        assert_eq!(c.dbname, "safedesk");
        assert_eq!(c.user, "reception1");
        assert_eq!(c.sslmode, SslMode::Prefer);
        assert_eq!(c.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(c.application_name, "safedesk");
        assert_eq!(
            c.to_string(),
            "postgres://reception1@db.office.local:5432/safedesk"
        );
    }

    #[test]
    fn a_full_url_is_read() {
        let c = parse(
            "PostgreSQL://safedesk_app@10.0.0.5:6543/office%20db?sslmode=verify-full&sslrootcert=/etc/ca.crt&connect_timeout=3",
        )
        .unwrap();
        assert_eq!(c.host, Host::Tcp("10.0.0.5".into()));
        assert_eq!(c.port, 6543);
        assert_eq!(c.dbname, "office db");
        assert_eq!(c.user, "safedesk_app");
        assert_eq!(c.sslmode, SslMode::VerifyFull);
        assert_eq!(c.sslrootcert, Some(PathBuf::from("/etc/ca.crt")));
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
    }

    #[test]
    fn ipv6_and_socket_hosts_are_read() {
        let c = parse("postgres://[::1]:5433/safedesk").unwrap();
        assert_eq!(c.host, Host::Tcp("::1".into()));
        assert_eq!(c.port, 5433);
        assert_eq!(c.to_string(), "postgres://reception1@[::1]:5433/safedesk");
        let c = parse("postgres://%2Fvar%2Frun%2Fpostgresql/safedesk").unwrap();
        assert_eq!(c.host, Host::Socket("/var/run/postgresql".into()));
        let c = parse("postgresql:///safedesk?host=/tmp/pg&port=5999").unwrap();
        assert_eq!(c.host, Host::Socket("/tmp/pg".into()));
        assert_eq!(c.port, 5999);
    }

    #[test]
    fn keyword_value_strings_are_read_with_quotes() {
        let c = parse(
            "host=db.office.local port = 5433 dbname='safe desk' user=o\\'brien sslmode=require",
        )
        .unwrap();
        assert_eq!(c.host, Host::Tcp("db.office.local".into()));
        assert_eq!(c.port, 5433);
        assert_eq!(c.dbname, "safe desk");
        assert_eq!(c.user, "o'brien");
        assert_eq!(c.sslmode, SslMode::Require);
        let c = parse("dbname='it\\'s' application_name='front desk'").unwrap();
        assert_eq!(c.dbname, "it's");
        assert_eq!(c.application_name, "front desk");
        assert_eq!(c.host, Host::Tcp("localhost".into()));
    }

    #[test]
    fn every_sslmode_is_read() {
        for m in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let c = parse(&format!("postgres://h/d?sslmode={m}")).unwrap();
            assert_eq!(c.sslmode.as_str(), m);
        }
    }

    #[test]
    fn a_password_anywhere_is_refused_with_where_to_put_it() {
        for s in [
            "postgres://me:secret@server/safedesk",
            "postgres://me:@server/safedesk",
            "postgres://server/safedesk?password=secret",
            "host=server dbname=safedesk password=secret",
        ] {
            let e = parse(s).unwrap_err();
            assert_eq!(e, PASSWORD_REFUSED, "{s}");
            assert!(e.contains("PGPASSWORD") && e.contains("password file"));
        }
    }

    #[test]
    fn typos_each_get_one_sentence() {
        let cases = [
            (
                "postgres://server:54x2/safedesk",
                "\"54x2\", is not a port number",
            ),
            (
                "postgres://server:0/safedesk",
                "\"0\", is not a port number",
            ),
            ("postgres://server:70000/safedesk", "from 1 to 65535"),
            (
                "host=server port=abc dbname=x",
                "\"abc\", is not a port number",
            ),
            (
                "postgres://server/safedesk?sslmode=requre",
                "sslmode \"requre\" is not one safedesk knows",
            ),
            (
                "postgres://server/safedesk?sslmode=allow",
                "use disable, prefer, require, verify-ca or verify-full",
            ),
            ("postgres://server", "names no database"),
            ("postgres://server/", "names no database"),
            ("host=server", "names no database"),
            (
                "postgres://server/safedesk?sslmdoe=require",
                "does not know, \"sslmdoe\"",
            ),
            ("postgres://a,b/safedesk", "several servers"),
            ("postgres://server/safedesk?sslmode", "has no value"),
            ("host=server dbname", "has no value"),
            ("host=server dbname='x", "never closes it"),
            ("postgres://[::1/safedesk", "never closes it"),
            ("postgres://server/safe%zzdesk", "two hex digits"),
            (
                "postgres://server/safedesk?connect_timeout=soon",
                "not a number of seconds",
            ),
            (
                "postgres://server/safedesk?hostaddr=10.0.0.1",
                "hostaddr is not used",
            ),
            ("server/safedesk", "is not a PostgreSQL address"),
        ];
        for (s, want) in cases {
            let e = parse(s).unwrap_err();
            assert!(e.contains(want), "{s}: {e}");
            assert!(e.ends_with('.'), "{s}: {e}");
            assert_eq!(e.matches(". ").count(), 0, "one sentence: {e}");
        }
    }

    #[test]
    fn no_user_and_no_login_is_refused() {
        let e = PgConfig::parse_with_user("postgres://server/safedesk", "").unwrap_err();
        assert!(e.contains("names no user"), "{e}");
    }

    #[test]
    fn addresses_are_told_from_paths() {
        assert!(is_postgres_address("postgres://x/y"));
        assert!(is_postgres_address("  POSTGRESQL://x/y"));
        assert!(!is_postgres_address("S:\\safedesk\\safedesk.sqlite"));
        assert!(!is_postgres_address("/srv/postgres/safedesk.sqlite"));
    }
}
