//! This PC's keys: the one key table ([`keymap::BINDINGS`]) with the changes its config asks for
//! (`[keys]`, `log_incident = "F2"`). The app looks every key up here, and the help and the hint
//! bar print the keys from here, so a changed key works and is the key they show.
//!
//! A change is refused, with a sentence saying why and what to do, when it names no action,
//! a key cannot be read, the key is another action's where this one works, a key would be text
//! where this action works while typing, or it would leave no way to quit or go back. A refused
//! change leaves that action's usual keys: nobody is locked out by a typo.

use super::keymap::{self, Action, Binding, Context, Need, BINDINGS};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::borrow::Cow;

/// A key: what crossterm reports for it.
pub type Key = (KeyCode, KeyModifiers);

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

/// One change the config asks for: `action = "key"` or `action = ["key", "key"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The action's name as written (`log_incident`).
    pub action: String,
    /// The keys as written, or what was written instead of a key or a list of keys.
    pub keys: Result<Vec<String>, String>,
    /// The config file's line, when known.
    pub line: Option<usize>,
}

/// The keys of one row of the table, as this PC has them.
#[derive(Debug, Clone)]
struct Row {
    keys: Vec<Key>,
    /// The keys that work while typing, where this row works while typing (a changed row keeps
    /// only its usual keys and Ctrl-, Alt- and F- keys there: the rest are text).
    typing_keys: Vec<Key>,
    label: Cow<'static, str>,
    typing_label: Cow<'static, str>,
    changed: bool,
}

/// The keys in force: the table's, with this PC's changes.
#[derive(Debug, Clone)]
pub struct Keymap {
    rows: Vec<Row>,
}

/// A row of the table with this PC's keys for it. It derefs to the table's [`Binding`] (its
/// action, description, contexts, who may use it).
pub struct Bound<'a> {
    pub binding: &'static Binding,
    pub keys: &'a [Key],
    /// How its keys are written in the help and the hints.
    pub label: &'a str,
    /// This PC's config changed its keys.
    pub changed: bool,
}

impl std::ops::Deref for Bound<'_> {
    type Target = Binding;
    fn deref(&self) -> &Binding {
        self.binding
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            rows: BINDINGS
                .iter()
                .map(|b| Row {
                    keys: b.keys.to_vec(),
                    typing_keys: b.keys.to_vec(),
                    label: Cow::Borrowed(b.label),
                    typing_label: Cow::Borrowed(b.label),
                    changed: false,
                })
                .collect(),
        }
    }
}

/// The name of an action in the config: `LogIncident` is `log_incident`, `ShowKind(1)` is
/// `show_kind_1`.
pub fn action_name(a: Action) -> String {
    let debug = format!("{a:?}");
    let mut out = String::new();
    for c in debug.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_digit() {
            out.push('_');
            out.push(c);
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        }
    }
    out
}

/// Every action in the table, once each, in the table's order.
pub fn actions() -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for b in BINDINGS {
        if !out.contains(&b.action) {
            out.push(b.action);
        }
    }
    out
}

/// Actions looked up from anywhere, before the layer on top sees the key.
fn global(a: Action) -> bool {
    matches!(a, Action::LogIncident | Action::Help | Action::ForceQuit)
}

/// Contexts whose keys go through the keymap. The forms, the letter, questions and popups read
/// their own keys (the table lists them so the help tells the truth): those cannot change.
fn routed(ctx: Context) -> bool {
    matches!(
        ctx,
        Context::Search
            | Context::Results
            | Context::Card
            | Context::Help
            | Context::Queue
            | Context::Case
            | Context::Audit
            | Context::Incidents
            | Context::InForce
            | Context::Reports
            | Context::Saved
    )
}

/// The table's rows a change of `a` changes (none: its keys are read by the forms themselves).
fn changeable_rows(a: Action) -> Vec<usize> {
    if matches!(a, Action::Dismiss) {
        return Vec::new();
    }
    BINDINGS
        .iter()
        .enumerate()
        .filter(|(_, b)| b.action == a && (global(a) || b.contexts.iter().all(|c| routed(*c))))
        .map(|(i, _)| i)
        .collect()
}

/// Can the config change this action's keys?
pub fn changeable(a: Action) -> bool {
    !changeable_rows(a).is_empty()
}

/// Actions that must always keep a key: without one, there would be no way out.
fn essential(a: Action) -> bool {
    matches!(
        a,
        Action::Quit | Action::ForceQuit | Action::Back | Action::Help
    )
}

/// A key as the terminal may report it, made comparable: Shift is dropped from characters (the
/// character says it), letters with Ctrl or Alt are lower case, Shift-Tab is always Shift.
pub fn normal((code, mods): Key) -> Key {
    match code {
        KeyCode::Char(c) => {
            let mods = mods - SHIFT;
            let c = if mods.intersects(CTRL | ALT) {
                c.to_ascii_lowercase()
            } else {
                c
            };
            (KeyCode::Char(c), mods)
        }
        KeyCode::BackTab => (KeyCode::BackTab, SHIFT),
        _ => (code, mods),
    }
}

/// A key that types a character (where someone is typing, it is text).
fn is_text(k: Key) -> bool {
    let (code, mods) = normal(k);
    matches!(code, KeyCode::Char(_)) && !mods.intersects(CTRL | ALT)
}

/// A key that is never text or editing: Ctrl-, Alt- or an F- key.
fn never_text(k: Key) -> bool {
    k.1.intersects(CTRL | ALT) || matches!(k.0, KeyCode::F(_))
}

const KNOWN: &str = "a single character, F1 to F12, Enter, Esc, Tab, Backspace, Delete, Home, End, PageUp, PageDown, Up, Down, Left, Right or Space, with Ctrl-, Alt- or Shift- before it if needed (for example \"Ctrl-N\", \"F2\", \"?\")";

/// Read a key as people write it: `Ctrl-N`, `F2`, `?`, `Shift-Tab`, `PageDown`, `alt+x`. Names
/// are read in any case; a single character is itself (`G` is not `g`).
pub fn parse_key(text: &str) -> Result<Key, String> {
    let written = text.trim();
    let mut rest = written;
    let mut mods = NONE;
    loop {
        let lower = rest.to_ascii_lowercase();
        let found = [
            ("ctrl-", CTRL),
            ("ctrl+", CTRL),
            ("control-", CTRL),
            ("control+", CTRL),
            ("alt-", ALT),
            ("alt+", ALT),
            ("shift-", SHIFT),
            ("shift+", SHIFT),
        ]
        .into_iter()
        .find(|(p, _)| lower.starts_with(p) && rest.len() > p.len());
        match found {
            Some((p, m)) => {
                mods |= m;
                rest = &rest[p.len()..];
            }
            None => break,
        }
    }
    let unknown = || format!("\"{written}\" is not a key safedesk can read: write {KNOWN}");
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(unknown()),
        (Some(c), None) if c.is_control() => return Err(unknown()),
        (Some(c), None) => KeyCode::Char(c),
        _ => {
            let lower = rest.to_ascii_lowercase();
            match lower.as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => {
                    mods |= SHIFT;
                    KeyCode::BackTab
                }
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(unknown()),
                },
                _ => return Err(unknown()),
            }
        }
    };
    let code = match code {
        KeyCode::Tab if mods.contains(SHIFT) => KeyCode::BackTab,
        KeyCode::Char(c) if mods.contains(SHIFT) && c != ' ' => {
            if !c.is_alphabetic() {
                return Err(format!(
                    "\"{written}\": Shift with {c} types a different character on each keyboard: write the character it types instead (for example \"?\")"
                ));
            }
            let upper: Vec<char> = c.to_uppercase().collect();
            if mods.intersects(CTRL | ALT) {
                // Ctrl-Shift-N: terminals report it as Ctrl-N.
                return Err(format!(
                    "\"{written}\": most terminals cannot tell Ctrl or Alt with Shift from without it: leave Shift out"
                ));
            }
            KeyCode::Char(upper.first().copied().unwrap_or(c))
        }
        c => c,
    };
    Ok(normal((code, mods)))
}

/// A key as the help writes it: `Ctrl-N`, `Enter`, `Shift-Tab`, `?`, `Space`.
pub fn key_name(k: Key) -> String {
    let (code, mods) = normal(k);
    let mut s = String::new();
    if mods.contains(CTRL) {
        s.push_str("Ctrl-");
    }
    if mods.contains(ALT) {
        s.push_str("Alt-");
    }
    if mods.contains(SHIFT) && !matches!(code, KeyCode::BackTab) {
        s.push_str("Shift-");
    }
    match code {
        KeyCode::Char(' ') => s.push_str("Space"),
        KeyCode::Char(c) if mods.intersects(CTRL | ALT) => s.push(c.to_ascii_uppercase()),
        KeyCode::Char(c) => s.push(c),
        KeyCode::F(n) => s.push_str(&format!("F{n}")),
        KeyCode::Enter => s.push_str("Enter"),
        KeyCode::Esc => s.push_str("Esc"),
        KeyCode::Tab => s.push_str("Tab"),
        KeyCode::BackTab => s.push_str("Shift-Tab"),
        KeyCode::Backspace => s.push_str("Backspace"),
        KeyCode::Delete => s.push_str("Delete"),
        KeyCode::Insert => s.push_str("Insert"),
        KeyCode::Home => s.push_str("Home"),
        KeyCode::End => s.push_str("End"),
        KeyCode::PageUp => s.push_str("PgUp"),
        KeyCode::PageDown => s.push_str("PgDn"),
        KeyCode::Up => s.push_str("Up"),
        KeyCode::Down => s.push_str("Down"),
        KeyCode::Left => s.push_str("Left"),
        KeyCode::Right => s.push_str("Right"),
        other => s.push_str(&format!("{other:?}")),
    }
    s
}

/// Keys written for the help: `F2 / Ctrl-N`, each once; `no key` for none.
fn label_of(keys: &[Key]) -> String {
    let mut names: Vec<String> = Vec::new();
    for k in keys {
        let n = key_name(*k);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if names.is_empty() {
        "no key".into()
    } else {
        names.join(" / ")
    }
}

fn same(a: Key, b: Key) -> bool {
    normal(a) == normal(b)
}

impl Keymap {
    /// The table's keys with `changes` made; the sentences say which changes were refused and
    /// why (those actions keep their usual keys).
    pub fn build(changes: &[Change]) -> (Keymap, Vec<String>) {
        let mut problems = Vec::new();
        // (action, keys, index of the change) that passed the checks of each change alone.
        let mut wanted: Vec<(Action, Vec<Key>, usize)> = Vec::new();
        for (n, c) in changes.iter().enumerate() {
            match check_alone(c) {
                Ok((a, keys)) => {
                    if let Some(w) = wanted.iter_mut().find(|w| w.0 == a) {
                        *w = (a, keys, n);
                    } else {
                        wanted.push((a, keys, n));
                    }
                }
                Err(why) => problems.push(format!("{} {why}", at(c))),
            }
        }
        // Clashes: drop the later change of each clashing pair until none is left.
        loop {
            let map = Keymap::with(&wanted);
            let Some((row, key, ctx, other)) = map.clash() else {
                return (map, problems);
            };
            let a = BINDINGS[row].action;
            let b = BINDINGS[other].action;
            // Which change to refuse: the later one when both are changes.
            let pos = |x: Action| wanted.iter().position(|w| w.0 == x);
            let (drop, with) = match (pos(a), pos(b)) {
                (Some(i), Some(j)) if wanted[j].2 > wanted[i].2 => (j, a),
                (Some(i), _) => (i, b),
                (None, Some(j)) => (j, a),
                (None, None) => unreachable!("clash() reports only changed rows"),
            };
            let c = &changes[wanted[drop].2];
            problems.push(format!(
                "{} {} is already the key for {} in {}: change {} as well, or choose another key. Its usual keys are used.",
                at(c),
                key_name(key),
                action_name(with),
                ctx.name(),
                action_name(with),
            ));
            wanted.remove(drop);
        }
    }

    fn with(wanted: &[(Action, Vec<Key>, usize)]) -> Keymap {
        let mut map = Keymap::default();
        for (a, keys, _) in wanted {
            for i in changeable_rows(*a) {
                let b = &BINDINGS[i];
                let typing_keys: Vec<Key> = keys
                    .iter()
                    .copied()
                    .filter(|k| never_text(*k) || b.keys.iter().any(|d| same(*d, *k)))
                    .collect();
                map.rows[i] = Row {
                    label: Cow::Owned(label_of(keys)),
                    typing_label: Cow::Owned(label_of(&typing_keys)),
                    keys: keys.clone(),
                    typing_keys,
                    changed: true,
                };
            }
        }
        map
    }

    /// A changed row's key that another action has in the same context: (row, key, context,
    /// the other row).
    fn clash(&self) -> Option<(usize, Key, Context, usize)> {
        for (i, _) in self.rows.iter().enumerate().filter(|(_, r)| r.changed) {
            let b = &BINDINGS[i];
            for ctx in b.contexts {
                for (j, o) in BINDINGS.iter().enumerate() {
                    if j == i || o.action == b.action || !o.contexts.contains(ctx) {
                        continue;
                    }
                    for k in self.keys_in(i, *ctx) {
                        if self.keys_in(j, *ctx).iter().any(|x| same(*x, *k)) {
                            return Some((i, *k, *ctx, j));
                        }
                    }
                }
            }
        }
        None
    }

    fn keys_in(&self, row: usize, ctx: Context) -> &[Key] {
        let r = &self.rows[row];
        if ctx.typing() {
            &r.typing_keys
        } else {
            &r.keys
        }
    }

    /// The action a key asks for in this context, if any.
    pub fn resolve(&self, ctx: Context, key: &KeyEvent) -> Option<Action> {
        self.binding(ctx, key).map(|b| b.action)
    }

    /// The table's row a key stands for in this context, if any.
    pub fn binding(&self, ctx: Context, key: &KeyEvent) -> Option<&'static Binding> {
        let k = (key.code, key.modifiers);
        BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.contexts.contains(&ctx))
            .find(|(i, _)| self.keys_in(*i, ctx).iter().any(|x| same(*x, k)))
            .map(|(_, b)| b)
    }

    /// The rows that work in this context, in the table's order, with this PC's keys.
    pub fn bindings(&self, ctx: Context) -> impl Iterator<Item = Bound<'_>> {
        BINDINGS
            .iter()
            .enumerate()
            .filter(move |(_, b)| b.contexts.contains(&ctx))
            .map(move |(i, b)| {
                let r = &self.rows[i];
                Bound {
                    binding: b,
                    keys: self.keys_in(i, ctx),
                    label: if ctx.typing() {
                        &r.typing_label
                    } else {
                        &r.label
                    },
                    changed: r.changed,
                }
            })
    }

    /// How the keys for `action` in this context are written (the first row for it), if it
    /// has any there.
    pub fn label(&self, ctx: Context, action: Action) -> Option<&str> {
        self.bindings(ctx)
            .find(|b| b.action == action && !b.keys.is_empty())
            .map(|b| b.label)
    }

    /// This PC changed some keys.
    pub fn any_changed(&self) -> bool {
        self.rows.iter().any(|r| r.changed)
    }

    /// What the keys of `action` are: this PC's (all its rows, each key once).
    pub fn keys_of(&self, action: Action) -> String {
        let keys: Vec<Key> = BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.action == action)
            .flat_map(|(i, _)| self.rows[i].keys.iter().copied())
            .collect();
        label_of(&keys)
    }

    /// The rows for the hint bar in this context, as (keys, short description), keeping only
    /// those `may` allows (the keys this person's role can use here).
    pub fn hints(&self, ctx: Context, may: impl Fn(Need) -> bool) -> Vec<(&str, &'static str)> {
        // Over the queue and a case the bar has room for their own keys first.
        let crowded = matches!(ctx, Context::Queue | Context::Case);
        let mut offered: Vec<Bound> = self
            .bindings(ctx)
            .filter(|b| b.hint && may(b.needs) && !(b.changed && b.keys.is_empty()))
            .filter(|b| !(crowded && matches!(b.action, Action::FocusSearch | Action::Queue)))
            .collect();
        // The audit trail's own keys first (they are last in the table).
        if ctx == Context::Audit {
            offered.sort_by_key(|b| b.contexts != keymap::AUDIT);
        }
        offered
            .into_iter()
            .map(|b| (b.label, keymap::short(b.action)))
            .collect()
    }
}

/// Where a change is, for its sentence: `[keys] quit (line 12):`.
fn at(c: &Change) -> String {
    match c.line {
        Some(l) => format!("[keys] {} (line {l}):", c.action),
        None => format!("[keys] {}:", c.action),
    }
}

/// The checks a change passes on its own: the action, its keys, what typing needs.
fn check_alone(c: &Change) -> Result<(Action, Vec<Key>), String> {
    let name = c.action.trim().to_ascii_lowercase().replace('-', "_");
    let Some(action) = actions().into_iter().find(|a| action_name(*a) == name) else {
        return Err(
            "there is no such action. safedesk config keys lists every action's name with its keys; this line was ignored."
                .into(),
        );
    };
    if !changeable(action) {
        return Err(format!(
            "{name} is read by the forms and popups themselves and cannot be changed (it stays {}); this line was ignored.",
            Keymap::default().keys_of(action)
        ));
    }
    let written = c.keys.as_ref().map_err(|w| {
        format!("{w} is not a key: write one key in quotes (\"F2\") or a list ([\"?\", \"F1\"]). Its usual keys are used.")
    })?;
    let mut keys = Vec::new();
    for w in written {
        let k = parse_key(w).map_err(|e| format!("{e}. Its usual keys are used."))?;
        if !keys.iter().any(|x| same(*x, k)) {
            keys.push(k);
        }
    }
    if keys.is_empty() && essential(action) {
        return Err(format!(
            "{name} needs at least one key, or there would be no way to {}. Its usual keys ({}) are used.",
            match action {
                Action::Back => "go back",
                Action::Help => "see the keys",
                _ => "quit",
            },
            Keymap::default().keys_of(action)
        ));
    }
    // Where this action works while typing, a key that is text (or edits it) cannot be its
    // only key there: it would type instead.
    for i in changeable_rows(action) {
        let b = &BINDINGS[i];
        let Some(ctx) = b.contexts.iter().find(|c| c.typing()) else {
            continue;
        };
        let usable = keys
            .iter()
            .any(|k| never_text(*k) || b.keys.iter().any(|d| same(*d, *k)));
        if !usable && !keys.is_empty() {
            let first = keys[0];
            let what = if is_text(first) {
                "would be text"
            } else {
                "is used to edit the text"
            };
            let usual = label_of(b.keys);
            return Err(format!(
                "{name} works while typing in {}, where {} {what}: give it a Ctrl-, Alt- or F- key as well, or keep {usual} (for example {name} = [\"{}\", \"{usual}\"]). Its usual keys are used.",
                ctx.name(),
                key_name(first),
                key_name(first),
            ));
        }
    }
    Ok((action, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(action: &str, keys: &[&str]) -> Change {
        Change {
            action: action.into(),
            keys: Ok(keys.iter().map(|k| k.to_string()).collect()),
            line: Some(3),
        }
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn keys_are_read_as_people_write_them() {
        let cases = [
            ("Ctrl-N", (KeyCode::Char('n'), CTRL)),
            ("ctrl+n", (KeyCode::Char('n'), CTRL)),
            ("CTRL-n", (KeyCode::Char('n'), CTRL)),
            ("F2", (KeyCode::F(2), NONE)),
            ("f12", (KeyCode::F(12), NONE)),
            ("?", (KeyCode::Char('?'), NONE)),
            ("q", (KeyCode::Char('q'), NONE)),
            ("G", (KeyCode::Char('G'), NONE)),
            ("Shift-g", (KeyCode::Char('G'), NONE)),
            ("Enter", (KeyCode::Enter, NONE)),
            ("return", (KeyCode::Enter, NONE)),
            ("esc", (KeyCode::Esc, NONE)),
            ("Shift-Tab", (KeyCode::BackTab, SHIFT)),
            ("PageDown", (KeyCode::PageDown, NONE)),
            ("pgup", (KeyCode::PageUp, NONE)),
            ("Space", (KeyCode::Char(' '), NONE)),
            ("Alt-x", (KeyCode::Char('x'), ALT)),
            ("Ctrl--", (KeyCode::Char('-'), CTRL)),
            ("-", (KeyCode::Char('-'), NONE)),
            ("Shift-F3", (KeyCode::F(3), SHIFT)),
            ("Delete", (KeyCode::Delete, NONE)),
            (" Home ", (KeyCode::Home, NONE)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_key(text), Ok(want), "{text}");
        }
        for bad in [
            "", "F13", "F0", "Ctrl-", "Hyper-A", "Enterr", "Shift-1", "ab",
        ] {
            let e = parse_key(bad).unwrap_err();
            assert!(e.contains(bad.trim()), "{bad}: {e}");
        }
    }

    #[test]
    fn keys_are_written_back_the_way_the_help_shows_them() {
        for text in [
            "Ctrl-N",
            "F2",
            "?",
            "Shift-Tab",
            "Enter",
            "Space",
            "Alt-X",
            "PgDn",
        ] {
            assert_eq!(key_name(parse_key(text).unwrap()), text);
        }
    }

    #[test]
    fn action_names_are_snake_case_and_each_is_found() {
        assert_eq!(action_name(Action::LogIncident), "log_incident");
        assert_eq!(action_name(Action::Quit), "quit");
        assert_eq!(action_name(Action::ShowKind(3)), "show_kind_3");
        let names: Vec<String> = actions().into_iter().map(action_name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn a_changed_key_works_and_the_old_one_does_not() {
        let (map, problems) = Keymap::build(&[ch("log_incident", &["F2"]), ch("help", &["F1"])]);
        assert!(problems.is_empty(), "{problems:?}");
        for ctx in [Context::Search, Context::Results, Context::Queue] {
            assert_eq!(
                map.resolve(ctx, &ev(KeyCode::F(2), NONE)),
                Some(Action::LogIncident)
            );
            assert_eq!(map.resolve(ctx, &ev(KeyCode::Char('n'), CTRL)), None);
        }
        assert_eq!(
            map.resolve(Context::Results, &ev(KeyCode::Char('?'), NONE)),
            None
        );
        assert_eq!(
            map.resolve(Context::IncidentForm, &ev(KeyCode::F(1), NONE)),
            Some(Action::Help)
        );
        assert_eq!(map.label(Context::Results, Action::LogIncident), Some("F2"));
        let bound = map
            .bindings(Context::Card)
            .find(|b| b.action == Action::LogIncident)
            .unwrap();
        assert!(bound.changed);
        assert!(map
            .hints(Context::Results, |_| true)
            .contains(&("F2", "log incident")));
    }

    #[test]
    fn a_change_of_open_changes_it_everywhere_it_is_used() {
        let (map, problems) = Keymap::build(&[ch("open", &["Enter", "Right"])]);
        assert!(problems.is_empty(), "{problems:?}");
        for ctx in [Context::Results, Context::Queue, Context::Incidents] {
            assert_eq!(
                map.resolve(ctx, &ev(KeyCode::Right, NONE)),
                Some(Action::Open),
                "{ctx:?}"
            );
        }
        // In the search box Right moves the cursor; Enter still opens.
        assert_eq!(
            map.resolve(Context::Search, &ev(KeyCode::Right, NONE)),
            None
        );
        assert_eq!(
            map.resolve(Context::Search, &ev(KeyCode::Enter, NONE)),
            Some(Action::Open)
        );
        assert_eq!(map.label(Context::Search, Action::Open), Some("Enter"));
        assert_eq!(
            map.label(Context::Results, Action::Open),
            Some("Enter / Right")
        );
    }

    #[test]
    fn clashes_are_refused_naming_the_other_action_and_the_usual_keys_stay() {
        let (map, problems) = Keymap::build(&[ch("quit", &["x"])]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert!(p.contains("[keys] quit (line 3)"), "{p}");
        assert!(p.contains("x is already the key for"), "{p}");
        assert!(
            p.contains("filter_threats") || p.contains("export_customer"),
            "{p}"
        );
        assert_eq!(
            map.resolve(Context::Results, &ev(KeyCode::Char('q'), NONE)),
            Some(Action::Quit)
        );
        // Swapping two keys is fine when both move.
        let (map, problems) = Keymap::build(&[ch("assign_to_me", &["A"]), ch("decide", &["a"])]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            map.resolve(Context::Case, &ev(KeyCode::Char('a'), NONE)),
            Some(Action::Decide)
        );
        // Two changes that clash: the later one is refused.
        let mut later = ch("refresh", &["F5"]);
        later.line = Some(9);
        let (map, problems) = Keymap::build(&[ch("log_incident", &["F5"]), later]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("refresh (line 9)"), "{}", problems[0]);
        assert!(problems[0].contains("log_incident"), "{}", problems[0]);
        assert_eq!(
            map.resolve(Context::Results, &ev(KeyCode::F(5), NONE)),
            Some(Action::LogIncident)
        );
    }

    #[test]
    fn text_keys_are_refused_for_actions_that_work_while_typing() {
        let (map, problems) = Keymap::build(&[ch("log_incident", &["n"])]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("while typing"), "{}", problems[0]);
        assert!(problems[0].contains("Ctrl-, Alt- or F-"), "{}", problems[0]);
        assert_eq!(
            map.resolve(Context::Search, &ev(KeyCode::Char('n'), CTRL)),
            Some(Action::LogIncident)
        );
        // With a key that is not text as well, it works outside typing, and the other key
        // inside.
        let (map, problems) = Keymap::build(&[ch("help", &["?", "F1"])]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(map.label(Context::IncidentForm, Action::Help), Some("F1"));
        assert_eq!(
            map.resolve(Context::Search, &ev(KeyCode::Char('?'), NONE)),
            None
        );
        let (_, problems) = Keymap::build(&[ch("back", &["Backspace"])]);
        assert!(problems[0].contains("edit the text"), "{}", problems[0]);
    }

    #[test]
    fn the_way_out_cannot_be_taken_away_and_unknown_names_are_named() {
        for name in ["quit", "back", "force_quit", "help"] {
            let (map, problems) = Keymap::build(&[ch(name, &[])]);
            assert_eq!(problems.len(), 1, "{name}");
            assert!(
                problems[0].contains("needs at least one key"),
                "{}",
                problems[0]
            );
            assert!(!map.any_changed());
        }
        let (_, problems) = Keymap::build(&[ch("log_incidnet", &["F2"])]);
        assert!(problems[0].contains("log_incidnet"), "{}", problems[0]);
        assert!(
            problems[0].contains("safedesk config keys"),
            "{}",
            problems[0]
        );
        let (_, problems) = Keymap::build(&[ch("save", &["F9"])]);
        assert!(problems[0].contains("cannot be changed"), "{}", problems[0]);
        let (_, problems) = Keymap::build(&[ch("quit", &["Ctrl-Q", "Hyper-Q"])]);
        assert!(problems[0].contains("\"Hyper-Q\""), "{}", problems[0]);
        let bad = Change {
            action: "quit".into(),
            keys: Err("5".into()),
            line: None,
        };
        let (_, problems) = Keymap::build(&[bad]);
        assert!(
            problems[0].starts_with("[keys] quit: 5 is not a key"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn the_built_in_keys_are_the_table_s() {
        let map = Keymap::default();
        for ctx in keymap::EVERYWHERE {
            for (code, mods) in [
                (KeyCode::Char('q'), NONE),
                (KeyCode::Char('c'), CTRL),
                (KeyCode::Char('?'), SHIFT),
                (KeyCode::Char('G'), SHIFT),
                (KeyCode::Enter, NONE),
                (KeyCode::BackTab, NONE),
                (KeyCode::F(1), NONE),
            ] {
                let e = ev(code, mods);
                assert_eq!(
                    map.resolve(*ctx, &e),
                    keymap::resolve(*ctx, &e),
                    "{ctx:?} {e:?}"
                );
            }
        }
    }
}
