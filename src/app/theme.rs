//! Which theme the screens are drawn in: the person's choice, held by the app (the colours
//! themselves are the screens' business, in `ui/theme.rs`).
//!
//! Chosen, first that says: `--theme NAME` or `SAFEDESK_THEME`; else monochrome when `NO_COLOR`
//! is set to anything (https://no-color.org); else `theme = "NAME"` in the config file; else the
//! default theme. Every setting from the environment beats the config file in safedesk (as
//! `SAFEDESK_DB` and `SAFEDESK_BELL` do): the config file is this PC's, the environment the
//! person's own.

use std::fmt;
use std::str::FromStr;

/// A theme, by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum ThemeName {
    /// Light text on a dark grey background, with a few colours.
    #[default]
    Default,
    /// White and a few strong colours on black.
    HighContrast,
    /// No colour at all: bold, underline and reverse video on the terminal's own colours.
    Monochrome,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [
        ThemeName::Default,
        ThemeName::HighContrast,
        ThemeName::Monochrome,
    ];

    /// As it is typed: `default`, `high-contrast`, `monochrome`.
    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Default => "default",
            ThemeName::HighContrast => "high-contrast",
            ThemeName::Monochrome => "monochrome",
        }
    }

    /// The theme to draw in: `chosen` (`--theme` or `SAFEDESK_THEME`), else monochrome when
    /// `no_color` (the value of `NO_COLOR`) is set and not empty, else the config file's
    /// `theme`, else the default.
    pub fn choose(
        chosen: Option<ThemeName>,
        no_color: Option<&std::ffi::OsStr>,
        config: Option<ThemeName>,
    ) -> ThemeName {
        if let Some(t) = chosen {
            return t;
        }
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ThemeName::Monochrome;
        }
        config.unwrap_or_default()
    }

    /// The theme with nothing chosen but the environment: monochrome when `NO_COLOR` is set.
    pub fn from_env() -> ThemeName {
        ThemeName::choose(None, std::env::var_os("NO_COLOR").as_deref(), None)
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The sentence for a theme name that is not one: names the three there are.
pub fn unknown(typed: &str) -> String {
    format!(
        "there is no theme called \"{}\": the themes are default, high-contrast and monochrome",
        crate::text::clean(typed.trim())
    )
}

impl FromStr for ThemeName {
    type Err = String;

    /// Case, spaces and `_` for `-` are forgiven: `High contrast` is `high-contrast`.
    fn from_str(s: &str) -> Result<ThemeName, String> {
        let folded: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '_' { '-' } else { c })
            .collect();
        ThemeName::ALL
            .into_iter()
            .find(|t| t.name() == folded || (folded == "highcontrast" && *t == Self::HighContrast))
            .ok_or_else(|| unknown(s))
    }
}

impl TryFrom<String> for ThemeName {
    type Error = String;

    fn try_from(s: String) -> Result<ThemeName, String> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn names_read_back_and_a_misspelt_one_names_the_three() {
        for t in ThemeName::ALL {
            assert_eq!(t.name().parse::<ThemeName>(), Ok(t));
        }
        assert_eq!("High Contrast".parse(), Ok(ThemeName::HighContrast));
        assert_eq!(" MONOCHROME ".parse(), Ok(ThemeName::Monochrome));
        let e = "hi-contrast".parse::<ThemeName>().unwrap_err();
        assert_eq!(
            e,
            "there is no theme called \"hi-contrast\": the themes are default, high-contrast and monochrome"
        );
    }

    #[test]
    fn the_flag_beats_no_color_which_beats_the_config() {
        use ThemeName::*;
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert_eq!(ThemeName::choose(None, None, None), Default);
        assert_eq!(ThemeName::choose(None, set, None), Monochrome);
        assert_eq!(ThemeName::choose(None, empty, None), Default);
        assert_eq!(ThemeName::choose(None, set, Some(HighContrast)), Monochrome);
        assert_eq!(
            ThemeName::choose(None, None, Some(HighContrast)),
            HighContrast
        );
        assert_eq!(
            ThemeName::choose(Some(HighContrast), set, Some(Default)),
            HighContrast
        );
        assert_eq!(ThemeName::choose(Some(Default), set, None), Default);
    }
}
