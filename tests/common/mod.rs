//! Helpers shared by the test files (each test file uses some of them).
#![allow(dead_code)]

pub mod engine;
#[cfg(unix)]
#[cfg(feature = "postgres")]
pub mod pg;
pub mod printable;
pub mod replies;
pub mod screen;
pub mod tmux;
pub mod world;

use std::path::Path;
use std::process::{Command, Output};

/// Whether the heavy tests run (SAFEDESK_HEAVY_TESTS is set, as .ci/run sets it); if not, says
/// that `what` was skipped.
pub fn heavy(what: &str) -> bool {
    if std::env::var_os("SAFEDESK_HEAVY_TESTS").is_none() {
        eprintln!("skipped: set SAFEDESK_HEAVY_TESTS=1 to run {what}");
        return false;
    }
    true
}

/// Run the real binary in `dir`, away from the user's own config, database and local folder.
///
/// A start that fails before the program runs at all is tried again, twice: Wine's process
/// creation now and then answers ERROR_INTERNAL_ERROR (1359) under load, and nothing ran.
pub fn safedesk(dir: &Path, args: &[&str]) -> Output {
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_safedesk"))
            .args(args)
            .current_dir(dir)
            .env_remove("SAFEDESK_DB")
            .env_remove("SAFEDESK_USER")
            .env_remove("SAFEDESK_POLICY")
            .env("SAFEDESK_CONFIG", dir.join("no-config.toml"))
            .env("SAFEDESK_LOCAL_DIR", dir.join("local"))
            .output()
    };
    let mut tries = 0;
    loop {
        match run() {
            Ok(out) => return out,
            Err(e) if tries < 2 && e.raw_os_error() == Some(1359) => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            Err(e) => panic!("safedesk could not be started: {e}"),
        }
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Draw the app on a TestBackend of `w` x `h` and return the screen as text.
pub fn render(app: &safedesk::app::App, w: u16, h: u16) -> String {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| {
        safedesk::ui::draw(f, app);
    })
    .unwrap();
    text(t.backend().buffer())
}

/// A drawn screen as text, a line a row.
pub fn text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Make `dir` a folder this user may not write in: read and list only on Unix; on Windows an
/// entry denying Everyone writing (as IT sets a share's folder). False, with the folder left
/// writable, when the system lets this user write there anyway: root on Unix, and Wine (where
/// the Windows tests run), which keeps no Windows permissions. Undo with [`allow_writing`].
pub fn deny_writing(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    #[cfg(windows)]
    {
        let _ = Command::new("icacls")
            .arg(dir)
            .args(["/deny", "*S-1-1-0:(OI)(CI)(W)"])
            .output();
    }
    let probe = dir.join("write-probe");
    if std::fs::write(&probe, "x").is_ok() {
        let _ = std::fs::remove_file(&probe);
        allow_writing(dir);
        return false;
    }
    true
}

/// Undo [`deny_writing`].
pub fn allow_writing(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    #[cfg(windows)]
    {
        let _ = Command::new("icacls")
            .arg(dir)
            .args(["/remove:d", "*S-1-1-0"])
            .output();
    }
}
