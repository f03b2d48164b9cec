//! `safedesk setup shortcut`: a desktop shortcut (a `.lnk` file) with a Windows shortcut key
//! (Ctrl+Alt+L unless `--key` says otherwise) that opens `safedesk log`, the empty incident form,
//! from anywhere on the desktop: in Windows Terminal when this PC has it, else in a console window.
//!
//! The file is written by the `mslnk` crate, shortcut key and all (its header's HotkeyFlags); the
//! crate builds for Windows only, so elsewhere only the key and the command line are made here.
//! Windows honours a shortcut key only for shortcuts on the desktop or in the Start menu, so the
//! shortcut goes on this account's desktop (the known folder, OneDrive's when it is redirected).
//! Elsewhere than Windows the command says in a sentence that shortcuts are a Windows feature.

#[cfg(windows)]
use mslnk::{HotkeyFlags, HotkeyKey, HotkeyModifiers, ShellLink};
use std::path::Path;
#[cfg(windows)]
use std::path::PathBuf;
use std::process::ExitCode;

/// The key the shortcut gets when `--key` is not given.
pub const DEFAULT_KEY: &str = "Ctrl+Alt+L";

/// The shortcut's file name on the desktop.
pub const FILE_NAME: &str = "safedesk - log an incident.lnk";

/// A Windows shortcut key: Ctrl and/or Alt (Shift may be added) with a letter, digit or F-key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hotkey {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
    /// The key's Windows virtual-key code: 0x30-0x39 digits, 0x41-0x5A letters, 0x70-0x87 F1-F24.
    pub vk: u8,
}

#[cfg(windows)]
const DIGITS: [HotkeyKey; 10] = {
    use HotkeyKey::*;
    [Key0, Key1, Key2, Key3, Key4, Key5, Key6, Key7, Key8, Key9]
};
#[cfg(windows)]
const LETTERS: [HotkeyKey; 26] = {
    use HotkeyKey::*;
    [
        KeyA, KeyB, KeyC, KeyD, KeyE, KeyF, KeyG, KeyH, KeyI, KeyJ, KeyK, KeyL, KeyM, KeyN, KeyO,
        KeyP, KeyQ, KeyR, KeyS, KeyT, KeyU, KeyV, KeyW, KeyX, KeyY, KeyZ,
    ]
};
#[cfg(windows)]
const F_KEYS: [HotkeyKey; 24] = {
    use HotkeyKey::*;
    [
        F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, F14, F15, F16, F17, F18, F19, F20,
        F21, F22, F23, F24,
    ]
};

impl Hotkey {
    /// Read `Ctrl+Alt+L`, `alt+shift+f5`, `Control+Alt+7`; a sentence saying what to give when
    /// it is not a key Windows can take for a shortcut.
    pub fn parse(text: &str) -> Result<Hotkey, String> {
        let example = "e.g. --key Ctrl+Alt+L";
        let parts: Vec<&str> = text.split('+').map(str::trim).collect();
        let (key, modifiers) = parts.split_last().expect("split gives one part at least");
        let mut hotkey = Hotkey {
            ctrl: false,
            alt: false,
            shift: false,
            vk: 0,
        };
        for m in modifiers {
            match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => hotkey.ctrl = true,
                "alt" => hotkey.alt = true,
                "shift" => hotkey.shift = true,
                _ => {
                    return Err(format!(
                        "\"{text}\" is not a shortcut key: \"{m}\" is not Ctrl, Alt or Shift ({example})."
                    ))
                }
            }
        }
        let upper = key.to_ascii_uppercase();
        hotkey.vk = match upper.as_bytes() {
            [c @ b'A'..=b'Z'] | [c @ b'0'..=b'9'] => *c,
            [b'F', n @ ..] if !n.is_empty() => match upper[1..].parse::<u8>() {
                Ok(n @ 1..=24) => 0x6F + n,
                _ => 0,
            },
            _ => 0,
        };
        if hotkey.vk == 0 {
            return Err(format!(
                "\"{text}\" is not a shortcut key: end it with a letter, a digit or F1 to F24 ({example})."
            ));
        }
        if !hotkey.ctrl && !hotkey.alt {
            return Err(format!(
                "\"{text}\" is not a shortcut key Windows takes: it needs Ctrl or Alt (or both), so typing is never taken for it ({example})."
            ));
        }
        Ok(hotkey)
    }

    /// As Windows' shortcut properties write it: Ctrl + Alt + L.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.ctrl {
            parts.push("Ctrl".to_string());
        }
        if self.shift {
            parts.push("Shift".to_string());
        }
        if self.alt {
            parts.push("Alt".to_string());
        }
        parts.push(match self.vk {
            0x70..=0x87 => format!("F{}", self.vk - 0x6F),
            c => char::from(c).to_string(),
        });
        parts.join(" + ")
    }

    /// The shortcut file's hotkey field (MS-SHLLINK 2.1.3): the modifiers in the high byte
    /// (Shift 1, Ctrl 2, Alt 4), the key's virtual-key code in the low.
    pub fn word(&self) -> u16 {
        let modifiers =
            u16::from(self.shift) | u16::from(self.ctrl) << 1 | u16::from(self.alt) << 2;
        modifiers << 8 | u16::from(self.vk)
    }

    /// The same as the `mslnk` crate's header field.
    #[cfg(windows)]
    fn flags(&self) -> HotkeyFlags {
        let key = match self.vk {
            c @ b'0'..=b'9' => DIGITS[usize::from(c - b'0')],
            c @ b'A'..=b'Z' => LETTERS[usize::from(c - b'A')],
            c => F_KEYS[usize::from(c - 0x70)],
        };
        let mut modifiers = HotkeyModifiers::NO_MODIFIER;
        modifiers.set(HotkeyModifiers::HOTKEYF_CONTROL, self.ctrl);
        modifiers.set(HotkeyModifiers::HOTKEYF_ALT, self.alt);
        modifiers.set(HotkeyModifiers::HOTKEYF_SHIFT, self.shift);
        HotkeyFlags::new(key, modifiers)
    }
}

/// What the shortcut starts: the program and its command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    /// The program the shortcut points at: Windows Terminal (`wt.exe`) or `cmd.exe`.
    pub target: String,
    /// Its command line, which runs safedesk.
    pub arguments: String,
    /// The folder it starts in (this account's home folder: a share cannot be `cmd.exe`'s).
    pub working_dir: String,
    /// What Windows shows when the pointer rests on it.
    pub description: String,
    pub hotkey: Hotkey,
}

impl Shortcut {
    /// A shortcut running `"EXE" COMMAND` in Windows Terminal when `terminal` is `wt.exe`'s path,
    /// else in a console window through `cmd.exe` (`cmd_exe`), which also runs an `EXE` given as
    /// a share's `\\server\share\...` path.
    pub fn new(
        exe: &str,
        command: &str,
        terminal: Option<&str>,
        cmd_exe: &str,
        working_dir: &str,
        hotkey: Hotkey,
    ) -> Shortcut {
        let run = format!("\"{exe}\" {command}");
        let (target, arguments) = match terminal {
            Some(wt) => (wt.to_string(), run),
            // /s: the outer quotes are taken off and the rest run as it is.
            None => (cmd_exe.to_string(), format!("/s /c \"{run}\"")),
        };
        Shortcut {
            target,
            arguments,
            working_dir: working_dir.to_string(),
            description: format!("Log an incident in safedesk ({})", hotkey.label()),
            hotkey,
        }
    }

    /// Write the `.lnk` file at `out` (replacing one there).
    #[cfg(windows)]
    pub fn write(&self, out: &Path) -> Result<(), String> {
        let mut link = ShellLink::default();
        // The target as a shell item list (the drive, then each folder and the file), which is
        // how Windows finds it; the strings after it are the command line and the rest.
        link.header_mut()
            .update_link_flags(mslnk::LinkFlags::HAS_LINK_TARGET_ID_LIST, true);
        if let Some(list) = link.linktarget_mut() {
            list.set_linktarget(&self.target);
        }
        link.set_name(Some(self.description.clone()));
        link.set_working_dir(Some(self.working_dir.clone()));
        link.set_arguments(Some(self.arguments.clone()));
        *link.header_mut().hotkey_mut() = self.hotkey.flags();
        link.create_lnk(out).map_err(|e| {
            format!(
                "The shortcut could not be written to {}: {e:?}. Choose a folder you can write to with --out.",
                out.display()
            )
        })
    }
}

/// `safedesk setup shortcut` elsewhere than Windows: a sentence saying it is for Windows.
#[cfg(not(windows))]
pub fn run(_key: &str, _out: Option<&Path>) -> Result<ExitCode, String> {
    Err(
        "Desktop shortcuts are a Windows feature: run safedesk setup shortcut on the Windows PC that needs one."
            .into(),
    )
}

/// `safedesk setup shortcut [--key KEY] [--out FILE.lnk]`.
#[cfg(windows)]
pub fn run(key: &str, out: Option<&Path>) -> Result<ExitCode, String> {
    let hotkey = Hotkey::parse(key)?;
    let out = match out {
        Some(path) => {
            if !path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("lnk"))
            {
                return Err(format!(
                    "--out {}: a shortcut's file name ends in .lnk (e.g. --out \"safedesk.lnk\").",
                    path.display()
                ));
            }
            path.to_path_buf()
        }
        None => desktop()?.join(FILE_NAME),
    };
    let exe = std::env::current_exe().map_err(|e| {
        format!("Where this safedesk.exe is could not be told ({e}): run it from its folder.")
    })?;
    let exe = plain_path(&exe);
    let home = directories::BaseDirs::new()
        .map(|d| plain_path(d.home_dir()))
        .unwrap_or_else(|| "C:\\".to_string());
    let system_root = std::env::var("SystemRoot").unwrap_or_else(|_| "C:\\Windows".into());
    let cmd_exe = format!("{system_root}\\System32\\cmd.exe");
    let terminal = windows_terminal().map(|p| plain_path(&p));
    let shortcut = Shortcut::new(&exe, "log", terminal.as_deref(), &cmd_exe, &home, hotkey);
    let replaced = out.exists();
    shortcut.write(&out)?;
    println!(
        "{} {}: {} opens safedesk's incident form ({}) in {}.",
        if replaced { "Replaced" } else { "Made" },
        out.display(),
        hotkey.label(),
        exe,
        if terminal.is_some() {
            "Windows Terminal"
        } else {
            "a console window (Windows Terminal is not installed)"
        }
    );
    if std::path::Path::new(&exe).starts_with(std::env::temp_dir()) {
        println!("This safedesk.exe is in a temporary folder: put it where it stays (beside the database on the share) and run this again there.");
    }
    Ok(ExitCode::SUCCESS)
}

/// This account's desktop folder (Windows' known folder, so a desktop moved to OneDrive too).
#[cfg(windows)]
fn desktop() -> Result<PathBuf, String> {
    directories::UserDirs::new()
        .and_then(|d| d.desktop_dir().map(Path::to_path_buf))
        .ok_or_else(|| {
            "This account has no desktop folder: give the shortcut's file with --out FILE.lnk."
                .into()
        })
}

/// Windows Terminal's `wt.exe` when this PC has it: on the PATH, or where the Microsoft Store
/// puts its command (an app execution alias, which only the link itself can be asked about).
#[cfg(windows)]
fn windows_terminal() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let store = std::env::var_os("LOCALAPPDATA")
        .map(|d| PathBuf::from(d).join("Microsoft").join("WindowsApps"));
    on_path
        .into_iter()
        .chain(store)
        .map(|d| d.join("wt.exe"))
        .find(|wt| std::fs::symlink_metadata(wt).is_ok())
}

/// A path as Windows shows it, without the `\\?\` that canonical paths carry.
#[cfg(any(windows, test))]
fn plain_path(p: &Path) -> String {
    let s = p.display().to_string();
    match s.strip_prefix(r"\\?\UNC\") {
        Some(rest) => format!(r"\\{rest}"),
        None => s.strip_prefix(r"\\?\").unwrap_or(&s).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate's header field holds what the file must.
    #[cfg(windows)]
    #[test]
    fn the_crates_hotkey_field_is_the_files() {
        for key in ["Ctrl+Alt+L", "Ctrl+Shift+F12", "Alt+7", "ctrl+alt+shift+z"] {
            let k = Hotkey::parse(key).unwrap();
            let f = k.flags();
            let crate_word = (*f.key() as u16) | (u16::from(f.modifiers().bits()) << 8);
            assert_eq!(crate_word, k.word(), "{key}");
        }
    }

    #[test]
    fn keys_are_read_as_windows_takes_them() {
        let k = Hotkey::parse("Ctrl+Alt+L").unwrap();
        assert_eq!((k.ctrl, k.alt, k.shift, k.vk), (true, true, false, b'L'));
        assert_eq!(k.word(), 0x064C);
        assert_eq!(k.label(), "Ctrl + Alt + L");
        let k = Hotkey::parse(" control + shift + f12 ").unwrap();
        assert_eq!((k.ctrl, k.alt, k.shift, k.vk), (true, false, true, 0x7B));
        assert_eq!(k.word(), 0x037B);
        assert_eq!(k.label(), "Ctrl + Shift + F12");
        let k = Hotkey::parse("alt+7").unwrap();
        assert_eq!(k.word(), 0x0437);
        assert_eq!(Hotkey::parse("Ctrl+Alt+F24").unwrap().vk, 0x87);
    }

    #[test]
    fn keys_windows_cannot_take_are_refused_saying_what_to_give() {
        for (key, says) in [
            ("L", "needs Ctrl or Alt"),
            ("Shift+L", "needs Ctrl or Alt"),
            ("Ctrl+Alt+", "end it with a letter, a digit or F1 to F24"),
            ("Ctrl+Alt+LL", "end it with a letter, a digit or F1 to F24"),
            ("Ctrl+Alt+F25", "end it with a letter, a digit or F1 to F24"),
            ("Ctrl+Alt+Å", "end it with a letter, a digit or F1 to F24"),
            ("Win+L", "\"Win\" is not Ctrl, Alt or Shift"),
            ("", "end it with a letter"),
        ] {
            let said = Hotkey::parse(key).unwrap_err();
            assert!(said.contains(says), "{key}: {said}");
            assert!(said.contains("--key Ctrl+Alt+L"), "{key}: {said}");
        }
    }

    #[test]
    fn the_command_line_runs_safedesk_log_in_the_terminal_or_a_console() {
        let key = Hotkey::parse(DEFAULT_KEY).unwrap();
        let exe = r"\\office-nas\shared\safedesk\safedesk.exe";
        let cmd = r"C:\Windows\System32\cmd.exe";
        let wt = r"C:\Users\spatel\AppData\Local\Microsoft\WindowsApps\wt.exe";
        let s = Shortcut::new(exe, "log", Some(wt), cmd, r"C:\Users\spatel", key);
        assert_eq!(s.target, wt);
        assert_eq!(s.arguments, format!("\"{exe}\" log"));
        let s = Shortcut::new(exe, "log", None, cmd, r"C:\Users\spatel", key);
        assert_eq!(s.target, cmd);
        assert_eq!(s.arguments, format!("/s /c \"\"{exe}\" log\""));
        assert_eq!(
            s.description,
            "Log an incident in safedesk (Ctrl + Alt + L)"
        );
    }

    #[test]
    fn paths_lose_the_long_path_prefix() {
        assert_eq!(
            plain_path(Path::new(r"\\?\C:\safedesk.exe")),
            r"C:\safedesk.exe"
        );
        assert_eq!(
            plain_path(Path::new(r"\\?\UNC\nas\shared\safedesk.exe")),
            r"\\nas\shared\safedesk.exe"
        );
        assert_eq!(
            plain_path(Path::new(r"S:\safedesk.exe")),
            r"S:\safedesk.exe"
        );
    }
}
