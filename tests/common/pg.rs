//! A private PostgreSQL server for one test: `initdb` and `pg_ctl` (PostgreSQL 13 or newer, from
//! the system's packages) make and start a cluster in a temporary folder under /tmp, listening on
//! a Unix socket in that folder and on 127.0.0.1 at a free port, nothing system-wide. The
//! superuser `postgres` logs in without a password over the socket and from 127.0.0.1 (the
//! tests' own back door); every other role must give its password (scram-sha-256).
//!
//! initdb refuses to run as root, and the tests run as root in CI: as root the cluster is made
//! and run as the `nobody` user through `runuser` (util-linux, on every Debian system; no
//! network, no user to create), its folder handed to `nobody` first. Dropping the server stops
//! it (`pg_ctl stop -m immediate`: nothing of a test's database needs keeping) and removes the
//! folder. A test process killed outright leaves the server running until its folder is removed
//! (PostgreSQL notices its lock file gone within a minute and stops).
//!
//! [`PgServer::start`] returns None, after printing why, when PostgreSQL is not installed; with
//! `CI=true` it panics instead, so CI cannot pass by skipping (.ci/run installs it).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct PgServer {
    folder: tempfile::TempDir,
    bin: PathBuf,
    /// The user the server runs as, when the tests run as root.
    run_as: Option<&'static str>,
    pub port: u16,
    /// How long initdb and the start took.
    pub started_in: Duration,
    /// The server's settings (`pg_ctl -o`), for [`PgServer::start_again`].
    options: String,
}

/// The folder holding `initdb` and `pg_ctl`: on PATH, else Debian's newest
/// /usr/lib/postgresql/N/bin.
pub fn binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            let mut v: Vec<(u32, PathBuf)> = d
                .flatten()
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                    Some((n, e.path().join("bin")))
                })
                .collect();
            v.sort();
            v.into_iter().rev().map(|(_, p)| p).collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(debian)
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A port on 127.0.0.1 that nothing listens on just now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl PgServer {
    /// Make and start a private server for `test`, or None (having said why) when PostgreSQL is
    /// not installed and this is not CI.
    pub fn start(test: &str) -> Option<PgServer> {
        Self::start_with(test, false)
    }

    /// As [`PgServer::start`], the server also offering TLS with a certificate for `localhost`
    /// signed by a test authority of its own ([`PgServer::ca_file`]), made with the `openssl`
    /// command (Debian's postgresql packages depend on it).
    pub fn start_tls(test: &str) -> Option<PgServer> {
        Self::start_with(test, true)
    }

    fn start_with(test: &str, tls: bool) -> Option<PgServer> {
        let Some(bin) = binaries() else {
            let why = "PostgreSQL is not installed (no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin; apt-get install postgresql)";
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{test}: {why}, and CI=true: .ci/run installs it, and CI must not skip this test");
            }
            eprintln!("skipped {test}: {why}");
            return None;
        };
        let t0 = Instant::now();
        let folder = tempfile::Builder::new()
            .prefix("sdpg")
            .tempdir_in("/tmp")
            .unwrap();
        let run_as = is_root().then_some("nobody");
        if let Some(user) = run_as {
            let st = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(folder.path())
                .status()
                .unwrap();
            assert!(st.success(), "chown {user} {}", folder.path().display());
        }
        let mut server = PgServer {
            folder,
            bin,
            run_as,
            port: free_port(),
            started_in: Duration::ZERO,
            options: String::new(),
        };
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
                "--auth=trust",
            ],
        );
        // The superuser by the tests' back door; everyone else with a password.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all postgres trust\n\
             host all postgres 127.0.0.1/32 trust\n\
             local all all scram-sha-256\n\
             host all all 127.0.0.1/32 scram-sha-256\n",
        )
        .unwrap();
        let mut options = format!(
            "-c unix_socket_directories={dir} -c listen_addresses=127.0.0.1 -c port={port} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c shared_buffers=16MB -c max_connections=50",
            dir = server.socket_dir().display(),
            port = server.port
        );
        if tls {
            let dir = server.folder.path().join("tls");
            std::fs::create_dir(&dir).unwrap();
            authority(&dir, "ca");
            authority(&dir, "other-ca");
            openssl(
                &dir,
                &[
                    "req",
                    "-new",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=localhost",
                ],
            );
            std::fs::write(dir.join("ext"), "subjectAltName=DNS:localhost\n").unwrap();
            openssl(
                &dir,
                &[
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    "ext",
                    "-out",
                    "server.crt",
                ],
            );
            // The server's key must be its own and private.
            if let Some(user) = server.run_as {
                let st = Command::new("chown")
                    .arg("-R")
                    .arg(format!("{user}:"))
                    .arg(&dir)
                    .status()
                    .unwrap();
                assert!(st.success());
            }
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )
            .unwrap();
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key",
                d = dir.display()
            ));
        }
        server.options = options;
        server.start_again();
        server.started_in = t0.elapsed();
        Some(server)
    }

    /// Stop the server, as IT stopping it for maintenance would (`pg_ctl stop -m fast`: every
    /// connection is closed); the data stays, for [`PgServer::start_again`].
    pub fn stop(&self) {
        let data = self.data();
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
    }

    /// Start the server (again, after [`PgServer::stop`]): the same data, socket and port.
    pub fn start_again(&self) {
        let data = self.data();
        let log = self.folder.path().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "-o",
                &self.options,
                "start",
            ],
        );
    }

    /// One private server for the whole test binary, started by the first test that asks (None
    /// as [`PgServer::start`]). It outlives the tests: a watchdog process stops it and removes
    /// its folder once this test process has ended, however it ended.
    pub fn shared() -> Option<&'static PgServer> {
        static SHARED: std::sync::OnceLock<Option<PgServer>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| {
                let server = PgServer::start("the shared test server")?;
                server.watch_over(std::process::id());
                Some(server)
            })
            .as_ref()
    }

    /// Stop this server and remove its folder once process `pid` has ended.
    fn watch_over(&self, pid: u32) {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = match self.run_as {
            Some(user) => format!("runuser -u {user} -- '{}'", pg_ctl.display()),
            None => format!("'{}'", pg_ctl.display()),
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {stop} -D '{data}' stop -m immediate; rm -rf '{folder}'",
            data = self.data().display(),
            folder = self.folder.path().display()
        );
        // Never waited for: it must outlive this process, to stop the server after it.
        #[allow(clippy::zombie_processes)]
        Command::new("sh")
            .args(["-c", &script])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("sh, to watch over the shared test server");
    }

    /// A new, empty database on this server, with a name no other test has.
    pub fn fresh_database(&self, test: &str) -> String {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name: String = test
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        let db = format!("t{n}_{name}");
        self.sql("postgres", &format!("CREATE DATABASE {db}"));
        db
    }

    /// The address of `dbname` as the superuser over the Unix socket, as a URL.
    pub fn superuser_address(&self, dbname: &str) -> String {
        format!(
            "postgres://postgres@/{dbname}?host={}&port={}",
            self.socket_dir().display(),
            self.port
        )
    }

    /// The test authority that signed a TLS server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.folder.path().join("tls").join("ca.crt")
    }

    /// Another authority, which signed nothing the server has.
    pub fn other_ca_file(&self) -> PathBuf {
        self.folder.path().join("tls").join("other-ca.crt")
    }

    fn data(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    /// The folder holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        self.folder.path()
    }

    fn command(&self, program: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(program);
        let mut c = match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        c.args(args).current_dir(self.folder.path());
        c.output().unwrap()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program, args);
        if !out.status.success() {
            let log =
                std::fs::read_to_string(self.folder.path().join("server.log")).unwrap_or_default();
            panic!(
                "{program} failed: {}\n{}\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// A database address for `dbname` as `user` over the Unix socket, in libpq's key=value form.
    pub fn socket_address(&self, dbname: &str, user: &str) -> String {
        format!(
            "host='{}' port={} dbname={dbname} user={user}",
            self.socket_dir().display(),
            self.port
        )
    }

    /// A database address for `dbname` as `user` over TCP to 127.0.0.1, as a URL.
    pub fn tcp_address(&self, dbname: &str, user: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{dbname}", self.port)
    }

    /// The superuser's connection to `dbname`, over the socket: the tests' back door.
    pub fn superuser(&self, dbname: &str) -> postgres::Client {
        postgres::Config::new()
            .host_path(self.socket_dir())
            .port(self.port)
            .user("postgres")
            .dbname(dbname)
            .connect(postgres::NoTls)
            .unwrap()
    }

    /// Run `sql` as the superuser in `dbname`.
    pub fn sql(&self, dbname: &str, sql: &str) {
        self.superuser(dbname).batch_execute(sql).unwrap();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed certificate authority `name`.crt with its key.
fn authority(dir: &Path, name: &str) {
    let (key, crt, subject) = (
        format!("{name}.key"),
        format!("{name}.crt"),
        format!("/CN=safedesk test {name}"),
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &crt,
            "-days",
            "2",
            "-subj",
            &subject,
        ],
    );
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.command(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        // The folder itself goes when `folder` is dropped, just after.
    }
}
