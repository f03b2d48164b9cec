//! The layout of `src/` has no import circle: at every level of the module tree, the modules side
//! by side (say `app` and `ui`, or `store::sqlite::lookup` and `store::sqlite::records`) never
//! depend on each other in a circle. A module may use its own ancestors' items (`super::App`) and
//! its own descendants (a parent re-exporting its children); test-only modules are left out.
//!
//! Run it with `cargo test --test layout`; `-- --nocapture` also prints how the top-level modules
//! depend on each other, lowest first.
//!
//! It reads the source itself (comments and strings left out, `use` trees expanded, `crate::`,
//! `super::`, `self::`, child-module and `use`-alias paths resolved to the module that holds them),
//! so it needs nothing installed and runs in CI with the other tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module: its path from the crate root (`["store", "sqlite"]`), where it is and its code.
struct Module {
    path: Vec<String>,
    file: String,
    code: String,
}

/// One module using another, and where.
#[derive(Debug, Clone)]
struct Use {
    from: Vec<String>,
    to: Vec<String>,
    at: String,
}

#[test]
fn no_module_depends_on_its_siblings_in_a_circle() {
    let modules = read_tree(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    assert!(
        modules.len() > 20,
        "the source tree was not found or read ({} modules)",
        modules.len()
    );
    let uses = uses(&modules);
    let top = sibling_graph(&uses, &[]);
    for (m, deps) in &top {
        assert!(
            modules.iter().any(|x| x.path == [m.clone()]),
            "unknown module {m}"
        );
        let _ = deps;
    }
    // The app layer never reaches for the screen, whatever else changes.
    assert!(
        !top.get("app").is_some_and(|d| d.contains_key("ui")),
        "app uses ui: {:?}",
        top["app"]["ui"]
    );
    println!("Top-level modules, each with what it uses:");
    for (m, deps) in &top {
        println!(
            "  {m}: {}",
            deps.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let circles = circles(&modules, &uses);
    assert!(
        circles.is_empty(),
        "import circles between modules side by side:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_check_finds_a_circle_between_siblings_and_allows_parents_and_children() {
    let tree = |files: &[(&str, &str)]| -> Vec<Module> {
        files
            .iter()
            .map(|(path, code)| Module {
                path: path
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                file: format!("{path}.rs"),
                code: strip(code),
            })
            .collect()
    };
    // A circle through a `use` tree and a plain path, between two grandchildren's parents.
    let bad = tree(&[
        ("", "pub mod app; pub mod ui;"),
        ("app", "pub mod keys; use crate::ui::{theme::Theme, self};"),
        ("app::keys", "fn f() { let _ = super::super::ui::draw; }"),
        ("ui", "pub mod theme; pub fn draw(a: &crate::app::App) {}"),
        ("ui::theme", ""),
    ]);
    let found = circles(&bad, &uses(&bad));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("app") && found[0].contains("ui"),
        "{found:?}"
    );
    // Siblings under one parent, through an alias.
    let siblings = tree(&[
        ("", "pub mod store;"),
        ("store", "mod lookup; mod records; pub struct Hit;"),
        (
            "store::lookup",
            "use super::records as r; fn f() { r::index(); }",
        ),
        (
            "store::records",
            "use crate::store::lookup::find; use super::Hit;",
        ),
    ]);
    assert_eq!(circles(&siblings, &uses(&siblings)).len(), 1);
    // Children using their parent, a parent using its children, comments, strings and test
    // modules: no circle.
    let fine = tree(&[
        ("", "pub mod store; pub mod ui;"),
        ("store", "mod sqlite; pub use sqlite::Db; pub struct Hit;"),
        (
            "store::sqlite",
            "use super::Hit; // crate::ui::x\n const S: &str = \"crate::ui::y\";\n pub struct Db;\n#[cfg(test)]\nmod tests { use crate::ui::z; }",
        ),
        ("ui", "use crate::store::{Hit, sqlite::Db};"),
    ]);
    assert_eq!(circles(&fine, &uses(&fine)), Vec::<String>::new());
}

/// Every module file under `src` (the library's; `main.rs` is the binary's own crate), without
/// the modules that exist only for tests.
fn read_tree(src: &Path) -> Vec<Module> {
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut modules: Vec<Module> = files
        .into_iter()
        .filter_map(|f| {
            let rel = f
                .strip_prefix(src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if rel == "main.rs" || rel.starts_with("bin/") {
                return None;
            }
            let mut path: Vec<String> = rel
                .trim_end_matches(".rs")
                .split('/')
                .map(String::from)
                .collect();
            if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                path.pop();
            }
            let code = strip(&std::fs::read_to_string(&f).ok()?);
            Some(Module {
                path,
                file: format!("src/{rel}"),
                code,
            })
        })
        .collect();
    // `#[cfg(test)] mod tests;` makes a file (and what is under it) test-only.
    let test_only: Vec<Vec<String>> = modules
        .iter()
        .flat_map(|m| {
            test_children(&m.code).into_iter().map(move |c| {
                let mut p = m.path.clone();
                p.push(c);
                p
            })
        })
        .collect();
    modules.retain(|m| !test_only.iter().any(|t| m.path.starts_with(t)));
    modules
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code without comments, string and character literals, or inline `#[cfg(test)]`
/// modules; each removed character becomes a space, so line numbers still hold.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (next == Some('"') || next == Some('#'))
            && !c[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"...", r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &c[i..j.min(c.len())] {
                blank(&mut out, ch);
            }
            i = j;
        } else if c[i] == '"' {
            blank(&mut out, c[i]);
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), not a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 2..c.len().min(i + 12)).find(|&j| c[j] == '\'')
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for &ch in &c[i..=e] {
                        blank(&mut out, ch);
                    }
                    i = e + 1;
                }
                None => {
                    out.push(c[i]);
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    blank_test_modules(&out)
}

/// The names of `#[cfg(test)] mod NAME;` children.
fn test_children(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        rest = &rest[at + 12..];
        let t = rest.trim_start();
        let t = t.strip_prefix("pub ").unwrap_or(t).trim_start();
        if let Some(after) = t.strip_prefix("mod ") {
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let tail = after.trim_start()[name.len()..].trim_start();
            if tail.starts_with(';') {
                out.push(name);
            }
        }
    }
    out
}

/// Blank out `#[cfg(test)] mod NAME { ... }` blocks.
fn blank_test_modules(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let text: String = out.iter().collect();
    let mut from = 0;
    while let Some(rel) = text[from..].find("#[cfg(test)]") {
        let at = from + rel;
        from = at + 12;
        let after = &text[from..];
        let t = after.trim_start();
        let t = t.strip_prefix("pub ").unwrap_or(t).trim_start();
        let Some(m) = t.strip_prefix("mod ") else {
            continue;
        };
        let Some(brace) = m.find(['{', ';']) else {
            continue;
        };
        if !m[brace..].starts_with('{') {
            continue;
        }
        // Byte offset of the `{` in `text`.
        let open = text.len() - m.len() + brace;
        let mut depth = 0;
        let mut end = open;
        for (i, ch) in text[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let start_char = text[..at].chars().count();
        let end_char = text[..=end].chars().count();
        for ch in out.iter_mut().take(end_char).skip(start_char) {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        from = end + 1;
    }
    out.into_iter().collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Colons,
    Open,
    Close,
    Comma,
    Star,
    Semi,
    Other,
}

/// Tokens with their line numbers.
fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            let s: String = c[i..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            i += s.chars().count();
            out.push((Tok::Ident(s.trim_start_matches("r#").to_string()), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::Colons, line));
            i += 2;
        } else {
            out.push((
                match ch {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Comma,
                    '*' => Tok::Star,
                    ';' => Tok::Semi,
                    _ => Tok::Other,
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

/// The paths a `use` tree names, from `toks[i]` (just after `use`); returns them and where the
/// tree ends. An alias (`as x`, or the last segment) is returned beside each path.
fn use_tree(
    toks: &[(Tok, usize)],
    mut i: usize,
    prefix: &[String],
) -> (Vec<(Vec<String>, String)>, usize) {
    let mut path = prefix.to_vec();
    let mut out = Vec::new();
    loop {
        match toks.get(i).map(|t| &t.0) {
            Some(Tok::Ident(s)) if s == "as" => {
                if let Some((Tok::Ident(alias), _)) = toks.get(i + 1) {
                    out.push((path.clone(), alias.clone()));
                }
                return (out, i + 2);
            }
            Some(Tok::Ident(s)) => {
                if s == "self" && !path.is_empty() {
                    // `use a::{self}` names `a`.
                } else {
                    path.push(s.clone());
                }
                i += 1;
            }
            Some(Tok::Colons) => i += 1,
            Some(Tok::Star) => {
                out.push((path.clone(), String::new()));
                return (out, i + 1);
            }
            Some(Tok::Open) => {
                i += 1;
                loop {
                    match toks.get(i).map(|t| &t.0) {
                        Some(Tok::Close) => return (out, i + 1),
                        Some(Tok::Comma) => i += 1,
                        None => return (out, i),
                        _ => {
                            let (more, next) = use_tree(toks, i, &path);
                            out.extend(more);
                            i = next;
                        }
                    }
                }
            }
            _ => {
                let alias = path.last().cloned().unwrap_or_default();
                out.push((path, alias));
                return (out, i);
            }
        }
    }
}

/// Every use of one module by another.
fn uses(modules: &[Module]) -> Vec<Use> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    // The module that holds what an absolute path names: its longest known prefix.
    let holder = |abs: &[String]| -> Option<Vec<String>> {
        (0..=abs.len())
            .rev()
            .map(|n| abs[..n].to_vec())
            .find(|p| known.contains(p))
    };
    let mut out = Vec::new();
    for m in modules {
        let toks = tokens(&m.code);
        // Resolve a path's first segments to an absolute path, if it is one of ours.
        let absolute =
            |segs: &[String], aliases: &BTreeMap<String, Vec<String>>| -> Option<Vec<String>> {
                let first = segs.first()?;
                let mut base: Vec<String>;
                let mut rest = &segs[1..];
                match first.as_str() {
                    "crate" => base = Vec::new(),
                    "self" => base = m.path.clone(),
                    "super" => {
                        base = m.path.clone();
                        base.pop();
                        while rest.first().is_some_and(|s| s == "super") {
                            base.pop();
                            rest = &rest[1..];
                        }
                    }
                    name => {
                        let mut child = m.path.clone();
                        child.push(name.to_string());
                        if known.contains(&child) {
                            base = child;
                        } else if let Some(a) = aliases.get(name) {
                            base = a.clone();
                        } else {
                            return None;
                        }
                    }
                }
                base.extend(rest.iter().cloned());
                Some(base)
            };
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut found: Vec<(Vec<String>, usize)> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let (tok, line) = &toks[i];
            if *tok == Tok::Ident("use".into())
                && !matches!(toks.get(i + 1), Some((Tok::Colons, _)))
            {
                let (paths, next) = use_tree(&toks, i + 1, &[]);
                for (p, alias) in paths {
                    if let Some(abs) = absolute(&p, &aliases) {
                        if known.contains(&abs) && !alias.is_empty() {
                            aliases.insert(alias, abs.clone());
                        }
                        found.push((abs, *line));
                    }
                }
                i = next.max(i + 1);
                continue;
            }
            if let Tok::Ident(_) = tok {
                let before_is_colons = i > 0 && toks[i - 1].0 == Tok::Colons;
                if !before_is_colons && matches!(toks.get(i + 1), Some((Tok::Colons, _))) {
                    let mut segs = Vec::new();
                    let mut j = i;
                    while let Some((Tok::Ident(s), _)) = toks.get(j) {
                        segs.push(s.clone());
                        if matches!(toks.get(j + 1), Some((Tok::Colons, _))) {
                            j += 2;
                        } else {
                            break;
                        }
                    }
                    if let Some(abs) = absolute(&segs, &aliases) {
                        found.push((abs, *line));
                    }
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        for (abs, line) in found {
            if let Some(to) = holder(&abs) {
                if to != m.path {
                    out.push(Use {
                        from: m.path.clone(),
                        to,
                        at: format!("{}:{} ({})", m.file, line, display(&abs)),
                    });
                }
            }
        }
    }
    out
}

fn display(p: &[String]) -> String {
    if p.is_empty() {
        "crate".into()
    } else {
        format!("crate::{}", p.join("::"))
    }
}

/// Under `parent`, which child uses which other child, with one place each does.
fn sibling_graph(uses: &[Use], parent: &[String]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for u in uses {
        // Using an ancestor's items, or one's own descendants, is no circle.
        if u.from.starts_with(&u.to) || u.to.starts_with(&u.from) {
            continue;
        }
        let common = u.from.iter().zip(&u.to).take_while(|(a, b)| a == b).count();
        if u.from[..common] != *parent {
            continue;
        }
        g.entry(u.from[common].clone())
            .or_default()
            .entry(u.to[common].clone())
            .or_insert_with(|| u.at.clone());
    }
    g
}

/// Every circle among siblings, at every level, each written out with where each step is.
fn circles(modules: &[Module], uses: &[Use]) -> Vec<String> {
    let mut out = Vec::new();
    let parents: BTreeSet<Vec<String>> = modules
        .iter()
        .filter(|m| !m.path.is_empty())
        .map(|m| m.path[..m.path.len() - 1].to_vec())
        .collect();
    for parent in parents {
        let g = sibling_graph(uses, &parent);
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for start in g.keys() {
            if reported.contains(start) {
                continue;
            }
            if let Some(cycle) = cycle_from(&g, start) {
                let mut text = format!("- under {}: ", display(&parent));
                for w in cycle.windows(2) {
                    text.push_str(&format!("{} -> {} [{}]; ", w[0], w[1], g[&w[0]][&w[1]]));
                }
                reported.extend(cycle.iter().cloned());
                out.push(text.trim_end_matches("; ").to_string());
            }
        }
    }
    out
}

/// A path from `start` back to itself, if there is one.
fn cycle_from(g: &BTreeMap<String, BTreeMap<String, String>>, start: &str) -> Option<Vec<String>> {
    fn dfs(
        g: &BTreeMap<String, BTreeMap<String, String>>,
        at: &str,
        start: &str,
        seen: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> bool {
        for next in g.get(at).map(|d| d.keys()).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if dfs(g, next, start, seen, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    dfs(g, start, start, &mut seen, &mut path).then_some(path)
}
