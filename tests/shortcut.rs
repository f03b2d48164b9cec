//! `safedesk setup shortcut`: the desktop shortcut with a Windows shortcut key that opens the
//! incident form (issue 20). The `.lnk` file is read back byte by byte as MS-SHLLINK lays it out:
//! the header (its size, the class id, the flags, the hotkey field), the target's shell item
//! list, then the strings. Elsewhere than Windows the command says it is a Windows feature;
//! on Windows (the Windows tests run under Wine) the real command writes one, and the Windows
//! shell starts what it points at.

mod common;

#[cfg(not(windows))]
#[test]
fn elsewhere_than_windows_setup_shortcut_says_shortcuts_are_a_windows_feature() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.lnk");
    let o = common::safedesk(
        dir.path(),
        &["setup", "shortcut", "--out", out.to_str().unwrap()],
    );
    let said = common::stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert_eq!(
        said.trim_end(),
        "safedesk: Desktop shortcuts are a Windows feature: run safedesk setup shortcut on the Windows PC that needs one."
    );
    assert!(!out.exists());
}

/// The shortcut file, written and read back: on Windows only, where the `mslnk` crate builds.
#[cfg(windows)]
mod on_windows {
    use super::common;
    use safedesk::cli::shortcut::{Hotkey, Shortcut};
    use std::path::Path;

    /// The header's class id, 00021401-0000-0000-C000-000000000046, as the file holds it.
    const CLSID: [u8; 16] = [
        0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x46,
    ];

    /// What a `.lnk` file holds, read back.
    #[derive(Debug)]
    struct Lnk {
        flags: u32,
        hotkey: u16,
        /// The target's item list as bytes (empty when the file has none).
        id_list: Vec<u8>,
        name: Option<String>,
        working_dir: Option<String>,
        arguments: Option<String>,
    }

    fn read_lnk(path: &Path) -> Lnk {
        let b = std::fs::read(path).unwrap();
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        assert_eq!(u32_at(0), 0x4C, "header size");
        assert_eq!(b[4..20], CLSID, "class id");
        let flags = u32_at(20);
        assert!(flags & 0x80 != 0, "strings are UTF-16 (IsUnicode)");
        let hotkey = u16_at(64);
        let mut at = 0x4C;
        let mut id_list = Vec::new();
        if flags & 0x01 != 0 {
            let size = usize::from(u16_at(at));
            id_list = b[at + 2..at + 2 + size].to_vec();
            assert_eq!(
                &id_list[size - 2..],
                &[0, 0],
                "the item list ends with a terminal id"
            );
            at += 2 + size;
        }
        if flags & 0x02 != 0 {
            at += u32_at(at) as usize;
        }
        let mut string = |present: u32| {
            if flags & present == 0 {
                return None;
            }
            let count = usize::from(u16_at(at));
            let units: Vec<u16> = (0..count).map(|i| u16_at(at + 2 + 2 * i)).collect();
            at += 2 + 2 * count;
            Some(String::from_utf16(&units).unwrap())
        };
        let name = string(0x04);
        let _relative_path = string(0x08);
        let working_dir = string(0x10);
        let arguments = string(0x20);
        let _icon = string(0x40);
        assert_eq!(at, b.len(), "nothing after the strings (no extra data)");
        Lnk {
            flags,
            hotkey,
            id_list,
            name,
            working_dir,
            arguments,
        }
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_shortcut_file_holds_the_key_the_command_line_and_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("safedesk.lnk");
        let exe = r"\\office-nas\shared\safedesk\safedesk.exe";
        let cmd = r"C:\Windows\System32\cmd.exe";
        let key = Hotkey::parse("Ctrl+Alt+L").unwrap();
        Shortcut::new(exe, "log", None, cmd, r"C:\Users\Front Desk", key)
            .write(&out)
            .unwrap();
        let lnk = read_lnk(&out);
        // Ctrl (0x02) and Alt (0x04) in the high byte, L's virtual-key code in the low.
        assert_eq!(lnk.hotkey, 0x064C);
        assert_eq!(
            lnk.arguments.as_deref(),
            Some(r#"/s /c ""\\office-nas\shared\safedesk\safedesk.exe" log""#)
        );
        assert_eq!(lnk.working_dir.as_deref(), Some(r"C:\Users\Front Desk"));
        assert_eq!(
            lnk.name.as_deref(),
            Some("Log an incident in safedesk (Ctrl + Alt + L)")
        );
        // The target as Windows finds it: an item list naming the drive, its folders and file.
        assert!(lnk.flags & 0x01 != 0, "{lnk:?}");
        assert!(contains(&lnk.id_list, b"C:\\"), "{lnk:?}");
        for part in ["Windows", "System32", "cmd.exe"] {
            assert!(contains(&lnk.id_list, &utf16(part)), "{part}: {lnk:?}");
        }
        // Written again with another key, the file is replaced whole.
        let key = Hotkey::parse("Ctrl+Shift+F5").unwrap();
        let wt = r"C:\Users\Front Desk\AppData\Local\Microsoft\WindowsApps\wt.exe";
        Shortcut::new(exe, "log", Some(wt), cmd, r"C:\Users\Front Desk", key)
            .write(&out)
            .unwrap();
        let lnk = read_lnk(&out);
        assert_eq!(lnk.hotkey, 0x0374);
        assert_eq!(
            lnk.arguments.as_deref(),
            Some(format!("\"{exe}\" log").as_str())
        );
    }

    #[test]
    fn on_windows_setup_shortcut_writes_the_shortcut_to_safedesk_log() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = d.join("desk.lnk");
        let o = common::safedesk(
            d,
            &[
                "setup",
                "shortcut",
                "--key",
                "ctrl+alt+k",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let said = common::stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{said}{}", common::stderr(&o));
        assert!(said.starts_with("Made "), "{said}");
        assert!(
            said.contains("Ctrl + Alt + K opens safedesk's incident form"),
            "{said}"
        );
        let lnk = read_lnk(&out);
        assert_eq!(lnk.hotkey, 0x064B);
        let args = lnk.arguments.clone().unwrap();
        assert!(
            args.ends_with("safedesk.exe\" log\"") || args.ends_with("safedesk.exe\" log"),
            "{args}"
        );
        // Windows Terminal when the PC has it, else cmd.exe (Wine has no Windows Terminal).
        assert!(
            contains(&lnk.id_list, &utf16("wt.exe")) || contains(&lnk.id_list, &utf16("cmd.exe")),
            "{lnk:?}"
        );
        // Again: replaced, and said so.
        let o = common::safedesk(d, &["setup", "shortcut", "--out", out.to_str().unwrap()]);
        assert!(
            common::stdout(&o).starts_with("Replaced "),
            "{}",
            common::stdout(&o)
        );
        assert_eq!(read_lnk(&out).hotkey, 0x064C);
        // A key Windows cannot take, and a file that is not a shortcut: a sentence, exit code 2.
        for (args, says) in [
            (&["--key", "Shift+L"][..], "needs Ctrl or Alt"),
            (&["--out", "desk.txt"][..], "ends in .lnk"),
        ] {
            let mut all = vec!["setup", "shortcut"];
            all.extend_from_slice(args);
            let o = common::safedesk(d, &all);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert!(common::stderr(&o).contains(says), "{}", common::stderr(&o));
        }
    }

    /// The Windows shell opens the shortcut and runs what it points at: a shortcut made as
    /// `setup shortcut` makes them, to `cmd.exe`, with a command line that writes safedesk's
    /// version to a file.
    #[test]
    fn the_windows_shell_starts_what_the_shortcut_points_at() {
        use std::os::windows::process::CommandExt;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = d.join("version.txt");
        let lnk = d.join("version.lnk");
        let system_root = std::env::var("SystemRoot").unwrap_or_else(|_| "C:\\Windows".into());
        let cmd = format!("{system_root}\\System32\\cmd.exe");
        let command = format!("--version > \"{}\"", out.display());
        // The program's path as Windows writes it (under Wine, the Linux path cargo gives is on Z:).
        let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_safedesk")).unwrap();
        let exe = exe.display().to_string();
        let exe = exe.strip_prefix(r"\\?\").unwrap_or(&exe);
        Shortcut::new(
            exe,
            &command,
            None,
            &cmd,
            &d.display().to_string(),
            Hotkey::parse("Ctrl+Alt+L").unwrap(),
        )
        .write(&lnk)
        .unwrap();
        let status = std::process::Command::new(&cmd)
            .raw_arg(format!("/c start \"\" /wait \"{}\"", lnk.display()))
            .status()
            .unwrap();
        assert!(status.success(), "{status:?}");
        // start /wait returns when the program it started ends; allow for a shell that does not.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let written = loop {
            match std::fs::read_to_string(&out) {
                Ok(s) if !s.is_empty() => break s,
                _ if std::time::Instant::now() > deadline => panic!("the shortcut wrote nothing"),
                _ => std::thread::sleep(std::time::Duration::from_millis(200)),
            }
        };
        assert!(written.starts_with("safedesk "), "{written}");
    }
}
