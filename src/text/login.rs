//! Logins as Windows names accounts: `spatel`, `Front Desk` (local accounts may hold spaces),
//! `OFFICE\spatel` (a domain account) or `spatel@office.local` (its user principal name), in any
//! script. Matched as Windows matches them: without regard to capitals, here with full Unicode
//! case folding (`ZOË.ÅBERG` is `zoë.åberg`, `STRASSE` is `straße`) after canonical
//! normalisation (a "ë" typed as e + U+0308 is the same "ë"). Folding is done when comparing, so
//! logins stored by any earlier version keep matching.
//!
//! Folding uses `unicase` (Unicode's CaseFolding.txt, full mappings) between two passes of NFC
//! from `unicode-normalization`: NFKC is not used, because it would make different names the
//! same (full-width letters and ASCII, a superscript ² and 2), which Windows does not.

use unicode_normalization::UnicodeNormalization;

/// The most characters a login may have: Windows' longest account names (a user principal
/// name) fit with room to spare.
pub const MAX_LOGIN_CHARS: usize = 256;

/// Characters Windows does not allow in an account name (besides control characters).
const NOT_IN_NAMES: &str = "\"/[]:;|=,+*?<>";

/// A login folded for comparing: trimmed, canonically composed, case-folded.
#[must_use]
pub fn fold_login(text: &str) -> String {
    let nfc: String = text.trim().nfc().collect();
    unicase::UniCase::new(nfc.as_str())
        .to_folded_case()
        .nfc()
        .collect()
}

/// A login's parts: the account and, when it names one, its domain (or computer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account<'a> {
    pub user: &'a str,
    pub domain: Option<&'a str>,
}

/// `OFFICE\spatel` and `spatel@office.local` name a domain; anything else is an account name
/// alone.
#[must_use]
pub fn account(login: &str) -> Account<'_> {
    let login = login.trim();
    if let Some((domain, user)) = login.split_once('\\') {
        return Account {
            user: user.trim(),
            domain: Some(domain.trim()),
        };
    }
    if let Some((user, domain)) = login.rsplit_once('@') {
        return Account {
            user: user.trim(),
            domain: Some(domain.trim()),
        };
    }
    Account {
        user: login,
        domain: None,
    }
}

/// Two domain names the same: the same name folded, or a short (NetBIOS) name and the first part
/// of a DNS name (`OFFICE` and `office.local`), as one domain is usually called both.
fn same_domain(a: &str, b: &str) -> bool {
    let (a, b) = (fold_login(a), fold_login(b));
    if a == b {
        return true;
    }
    let first = |d: &str| d.split('.').next().unwrap_or_default().to_string();
    (!a.contains('.') && first(&b) == a) || (!b.contains('.') && first(&a) == b)
}

/// How well the staff list's `stored` login names the account `signed_in` (as [`os_login`]
/// gives it, `DOMAIN\user` when the domain is known): None when it does not, `Some(1)` for an
/// account name alone (any domain's, or a PC's own), `Some(2)` for one with its domain, so that
/// `OFFICE\spatel` on the list wins over `spatel` for OFFICE's Sam.
///
/// [`os_login`]: crate::cli::config::os_login
#[must_use]
pub fn matches(stored: &str, signed_in: &str) -> Option<u8> {
    let (s, i) = (account(stored), account(signed_in));
    if fold_login(s.user) != fold_login(i.user) {
        return None;
    }
    match (s.domain, i.domain) {
        (None, _) => Some(1),
        (Some(sd), Some(id)) if same_domain(sd, id) => Some(2),
        _ => None,
    }
}

/// The same person, whichever way round: for an outbox entry made under one form of the login
/// (`spatel`, from before domains were read) and delivered under another (`OFFICE\spatel`).
#[must_use]
pub fn same_person(a: &str, b: &str) -> bool {
    matches(a, b).is_some() || matches(b, a).is_some()
}

/// The same login as written on the staff list (an account and domain written the same way,
/// whatever the capitals or normalisation): two such cannot both be on it.
#[must_use]
pub fn same_login(a: &str, b: &str) -> bool {
    let (a, b) = (account(a), account(b));
    fold_login(a.user) == fold_login(b.user) && a.domain.map(fold_login) == b.domain.map(fold_login)
}

/// A login as typed for `staff add`, trimmed, or the sentence that says what is wrong with it.
pub fn check_login(login: &str) -> Result<String, String> {
    let login = login.trim();
    let example = "A login is the name the person signs in to their PC with, as whoami shows it: spatel, \"Front Desk\", OFFICE\\spatel or spatel@office.local";
    let count = login.chars().count();
    if count == 0 {
        return Err(format!("{example}. None was given."));
    }
    if count > MAX_LOGIN_CHARS {
        return Err(format!(
            "{example}, at most {MAX_LOGIN_CHARS} characters; this one has {count}. Check it was pasted whole and alone."
        ));
    }
    if login.chars().any(char::is_control) {
        return Err(format!(
            "{example}. This one holds a control character (a tab or line break): type it again."
        ));
    }
    if login.matches('\\').count() > 1 {
        return Err(format!(
            "{example}. This one has more than one \\: give one domain, then the account."
        ));
    }
    let a = account(login);
    if a.user.is_empty() || a.domain.is_some_and(str::is_empty) {
        return Err(format!(
            "{example}. \"{login}\" leaves out the {}.",
            if a.user.is_empty() {
                "account name"
            } else {
                "domain"
            }
        ));
    }
    if let Some(c) = a.user.chars().find(|c| NOT_IN_NAMES.contains(*c)) {
        return Err(format!(
            "{example}. Windows account names cannot hold {c} (nor any of {NOT_IN_NAMES}), so \"{login}\" is no one's."
        ));
    }
    Ok(login.to_string())
}

/// What `staff add` says about how the login will be matched.
#[must_use]
pub fn how_matched(login: &str) -> String {
    let a = account(login);
    match a.domain {
        None => format!(
            "safedesk knows them whenever they sign in as {} (on any PC, in any domain), in capitals or not.",
            a.user
        ),
        Some(d) => {
            let short = d.split('.').next().unwrap_or(d);
            format!(
                "safedesk knows them when they sign in as {} in the domain {d}{}, in capitals or not; the same name in another domain or as a PC's own account is someone else.",
                a.user,
                if d.contains('.') {
                    format!(" (also called {})", short.to_uppercase())
                } else {
                    String::new()
                }
            )
        }
    }
}

/// `arg` written so that it can be pasted into a command in cmd, PowerShell and a Unix shell
/// alike: as it is when it is plain (letters, digits, `.`, `_`, `-`), otherwise in double quotes
/// (which all three take, with a backslash kept as it is). Text that double quotes cannot keep
/// safe in all three (`$`, `` ` ``, `%`, `!` or `"`) gets single quotes, which PowerShell and
/// Unix shells take.
#[must_use]
pub fn quoted_for_shell(arg: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "._-".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) && !arg.starts_with('-') {
        return arg.to_string();
    }
    if arg.chars().any(|c| "$`%!\"".contains(c)) {
        return format!("'{}'", arg.replace('\'', "''"));
    }
    format!("\"{arg}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_full_unicode_and_ignores_normalisation() {
        assert_eq!(fold_login("ZOË.ÅBERG"), fold_login("zoë.åberg"));
        // A decomposed ë (e + combining diaeresis) is the same letter.
        assert_eq!(fold_login("Zoe\u{308}"), fold_login("ZOË"));
        assert_eq!(fold_login("STRASSE"), fold_login("straße"));
        assert_eq!(fold_login("ΣΊΣΥΦΟΣ"), fold_login("σίσυφος"));
        assert_eq!(fold_login("  Front Desk "), "front desk");
        // Different names stay different: no transliteration, no compatibility folding.
        assert_ne!(fold_login("zoe"), fold_login("zoë"));
        assert_ne!(fold_login("\u{FF46}ile"), fold_login("file"));
    }

    #[test]
    fn accounts_match_as_windows_matches_them() {
        // An account name alone: any domain's, or none.
        assert_eq!(matches("spatel", "spatel"), Some(1));
        assert_eq!(matches("SPatel", "OFFICE\\spatel"), Some(1));
        assert_eq!(matches("Front Desk", "RECEPTION-PC\\front desk"), Some(1));
        assert_eq!(matches("ZOË.ÅBERG", "OFFICE\\zoë.åberg"), Some(1));
        // With its domain: that domain only, by either of its names.
        assert_eq!(matches("OFFICE\\spatel", "office\\SPATEL"), Some(2));
        assert_eq!(matches("spatel@office.local", "OFFICE\\spatel"), Some(2));
        assert_eq!(matches("OFFICE\\spatel", "spatel@Office.Local"), Some(2));
        assert_eq!(matches("OFFICE\\spatel", "OTHER\\spatel"), None);
        assert_eq!(matches("OFFICE\\spatel", "spatel"), None);
        assert_eq!(matches("spatel@office.local", "spatel@other.local"), None);
        assert_eq!(matches("spatel", "spatel2"), None);
        assert!(same_person("spatel", "OFFICE\\spatel"));
        assert!(same_person("OFFICE\\spatel", "spatel"));
        assert!(!same_person("OFFICE\\spatel", "OTHER\\spatel"));
        assert!(same_login("Zoe\u{308}", "ZOË"));
        assert!(!same_login("spatel", "OFFICE\\spatel"));
    }

    #[test]
    fn a_login_is_checked_with_a_sentence_that_says_what_to_do() {
        for ok in [
            "spatel",
            "Front Desk",
            "OFFICE\\spatel",
            "spatel@office.local",
            "ZOË.ÅBERG",
            "王小明",
        ] {
            assert_eq!(check_login(&format!(" {ok} ")).unwrap(), ok);
        }
        let long = "a".repeat(300);
        let e = check_login(&long).unwrap_err();
        assert!(
            e.contains("at most 256 characters; this one has 300"),
            "{e}"
        );
        assert!(check_login(" ").unwrap_err().contains("None was given"));
        assert!(check_login("a\tb")
            .unwrap_err()
            .contains("control character"));
        assert!(check_login("A\\B\\c")
            .unwrap_err()
            .contains("more than one"));
        assert!(check_login("OFFICE\\")
            .unwrap_err()
            .contains("account name"));
        assert!(check_login("spatel@").unwrap_err().contains("domain"));
        assert!(check_login("sam|patel")
            .unwrap_err()
            .contains("cannot hold |"));
    }

    #[test]
    fn suggested_commands_paste_into_any_shell() {
        assert_eq!(quoted_for_shell("spatel"), "spatel");
        assert_eq!(quoted_for_shell("zoë.åberg"), "zoë.åberg");
        assert_eq!(quoted_for_shell("Front Desk"), "\"Front Desk\"");
        assert_eq!(quoted_for_shell("OFFICE\\spatel"), "\"OFFICE\\spatel\"");
        assert_eq!(
            quoted_for_shell("spatel@office.local"),
            "\"spatel@office.local\""
        );
        assert_eq!(quoted_for_shell("-x"), "\"-x\"");
        assert_eq!(quoted_for_shell("sam$"), "'sam$'");
        assert_eq!(quoted_for_shell("o'neil$"), "'o''neil$'");
    }

    #[test]
    fn how_a_login_is_matched_is_said() {
        assert!(how_matched("spatel").contains("as spatel (on any PC, in any domain)"));
        let d = how_matched("spatel@office.local");
        assert!(
            d.contains("in the domain office.local (also called OFFICE)"),
            "{d}"
        );
    }
}
