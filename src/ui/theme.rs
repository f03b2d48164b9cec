//! Colours and emphasis, in three themes (the person's choice, [`ThemeName`]; see
//! `app/theme.rs` for how it is chosen):
//!
//! * default: light text on dark grey, with a few colours;
//! * high contrast: white and a few strong colours on black;
//! * monochrome (also what `NO_COLOR` gives, https://no-color.org): no colour at all, only bold,
//!   underline and reverse video on the terminal's own colours.
//!
//! Colour is never the only signal: every restriction is also written out in words, the selected
//! row is marked with "> " as well as reverse video or a coloured bar, and the pane with the
//! keyboard has "►" before its title.
//!
//! Every style the screens use is one of the [`Role`]s here, and each role is a [`Look`]: a
//! foreground and a background (both explicit colours in the colour themes, from the xterm-256
//! cube and greys, whose RGB values are fixed) and emphasis. The whole screen is first painted in
//! the theme's normal look, so no text sits on a terminal's own background of unknown colour.
//! The tests walk every role of every theme and check each pair's contrast is at least 4.5:1
//! (WCAG 2 AA).

pub use crate::app::theme::ThemeName;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

/// What a piece of text is to the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Most text; also the whole screen's background.
    Normal,
    /// Hints and less important detail (still 4.5:1 or more).
    Dim,
    /// A pane's or panel's title.
    Title,
    /// The title of the pane that has the keyboard.
    FocusedTitle,
    Heading,
    /// The border of a pane without the keyboard.
    Border,
    /// The border of the pane or panel that has the keyboard.
    FocusedBorder,
    /// A restriction in force, an immediate threat: a bar.
    Restricted,
    /// A restriction named in running text.
    RestrictedText,
    Warning,
    Ok,
    /// The selected row, field or choice.
    Selected,
    /// A key to press, a field's label.
    Key,
    /// Something failed or was refused: a bar.
    Error,
    /// A bar's value written on the bar in a chart. Keep it last (see [`Role::ALL`]).
    BarValue,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 15] = [
        Role::Normal,
        Role::Dim,
        Role::Title,
        Role::FocusedTitle,
        Role::Heading,
        Role::Border,
        Role::FocusedBorder,
        Role::Restricted,
        Role::RestrictedText,
        Role::Warning,
        Role::Ok,
        Role::Selected,
        Role::Key,
        Role::Error,
        Role::BarValue,
    ];
}

/// How a role looks: a foreground and a background (`None`: the terminal's own) and emphasis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub mods: Modifier,
}

impl Look {
    pub fn style(self) -> Style {
        let mut s = Style::default().add_modifier(self.mods);
        if let Some(c) = self.fg {
            s = s.fg(c);
        }
        if let Some(c) = self.bg {
            s = s.bg(c);
        }
        s
    }
}

/// `fg` on `bg` (xterm-256 colour numbers) with `mods`.
const fn on(fg: u8, bg: u8, mods: Modifier) -> Look {
    Look {
        fg: Some(Color::Indexed(fg)),
        bg: Some(Color::Indexed(bg)),
        mods,
    }
}

/// The terminal's own colours, with `mods`.
const fn plain(mods: Modifier) -> Look {
    Look {
        fg: None,
        bg: None,
        mods,
    }
}

const B: Modifier = Modifier::BOLD;
const NONE: Modifier = Modifier::empty();
const REV: Modifier = Modifier::REVERSED;

/// The default theme's colours (xterm-256 numbers).
mod default {
    /// #262626, the background.
    pub const BG: u8 = 235;
    /// #d0d0d0, text: 9.8:1.
    pub const TEXT: u8 = 252;
    /// #a8a8a8, dimmer text: 6.4:1.
    pub const DIM: u8 = 248;
    /// #949494, a border: 5.0:1.
    pub const LINE: u8 = 246;
    /// #eeeeee, headings: 13:1.
    pub const BRIGHT: u8 = 255;
    /// #87d7ff, titles and keys: 9.5:1.
    pub const CYAN: u8 = 117;
    /// #ff8787: 6.5:1.
    pub const RED: u8 = 210;
    /// #ffd75f: 10.9:1.
    pub const YELLOW: u8 = 221;
    /// #87d787: 8.7:1.
    pub const GREEN: u8 = 114;
    /// #ffffff on #af0000 (7.4:1): restrictions and errors.
    pub const WHITE: u8 = 231;
    pub const DARK_RED: u8 = 124;
    /// #ffffff on #005f87 (7.0:1): the selected row.
    pub const BLUE: u8 = 24;
}

/// The high contrast theme's colours (xterm-256 numbers).
mod high {
    /// #000000, the background.
    pub const BLACK: u8 = 16;
    /// #ffffff: 21:1.
    pub const WHITE: u8 = 231;
    /// #d0d0d0, dimmer text: 13.6:1.
    pub const GREY: u8 = 252;
    /// #ffff00: 19.6:1.
    pub const YELLOW: u8 = 226;
    /// #00ffff: 16.7:1.
    pub const CYAN: u8 = 51;
    /// #00ff00: 15.3:1.
    pub const GREEN: u8 = 46;
    /// #ff8787: 9.1:1.
    pub const RED: u8 = 210;
    /// #870000 under white: 10.3:1.
    pub const DARK_RED: u8 = 88;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
}

impl Theme {
    /// The theme the person chose.
    pub fn of(app: &crate::app::App) -> Theme {
        Theme { name: app.theme }
    }

    /// How `role` looks in this theme.
    pub fn look(&self, role: Role) -> Look {
        match self.name {
            ThemeName::Default => {
                use default::*;
                match role {
                    Role::Normal => on(TEXT, BG, NONE),
                    Role::Dim => on(DIM, BG, NONE),
                    Role::Title | Role::Key | Role::FocusedBorder => on(CYAN, BG, B),
                    Role::FocusedTitle => on(BG, CYAN, B),
                    Role::Heading => on(BRIGHT, BG, B),
                    Role::Border => on(LINE, BG, NONE),
                    Role::Restricted | Role::Error => on(WHITE, DARK_RED, B),
                    Role::RestrictedText => on(RED, BG, B),
                    Role::Warning => on(YELLOW, BG, B),
                    Role::Ok => on(GREEN, BG, NONE),
                    Role::Selected => on(WHITE, BLUE, B),
                    Role::BarValue => on(BG, TEXT, NONE),
                }
            }
            ThemeName::HighContrast => {
                use high::*;
                match role {
                    Role::Normal | Role::Border => on(WHITE, BLACK, NONE),
                    Role::Dim => on(GREY, BLACK, NONE),
                    Role::Title | Role::FocusedBorder | Role::Warning => on(YELLOW, BLACK, B),
                    Role::FocusedTitle => on(BLACK, YELLOW, B),
                    Role::Heading => on(WHITE, BLACK, B),
                    Role::Key => on(CYAN, BLACK, B),
                    Role::Restricted | Role::Error => on(WHITE, DARK_RED, B),
                    Role::RestrictedText => on(RED, BLACK, B),
                    Role::Ok => on(GREEN, BLACK, NONE),
                    Role::Selected | Role::BarValue => on(BLACK, WHITE, B),
                }
            }
            ThemeName::Monochrome => match role {
                Role::Normal | Role::Dim | Role::Border | Role::Ok => plain(NONE),
                Role::Title
                | Role::Heading
                | Role::FocusedBorder
                | Role::RestrictedText
                | Role::Warning
                | Role::Key => plain(B),
                Role::FocusedTitle | Role::Restricted | Role::Error => {
                    plain(B.union(REV).union(Modifier::UNDERLINED))
                }
                Role::Selected => plain(B.union(REV)),
                Role::BarValue => plain(REV),
            },
        }
    }

    pub fn style(&self, role: Role) -> Style {
        self.look(role).style()
    }

    /// Most text, and the whole screen's background.
    pub fn normal(&self) -> Style {
        self.style(Role::Normal)
    }

    pub fn dim(&self) -> Style {
        self.style(Role::Dim)
    }

    pub fn title(&self) -> Style {
        self.style(Role::Title)
    }

    pub fn heading(&self) -> Style {
        self.style(Role::Heading)
    }

    pub fn border(&self, focused: bool) -> Style {
        self.style(if focused {
            Role::FocusedBorder
        } else {
            Role::Border
        })
    }

    /// A pane's title; the pane with the keyboard says so with "►" before it, as well as
    /// its own look (reverse video in monochrome).
    pub fn pane_title(&self, title: &str, focused: bool) -> Span<'static> {
        if focused {
            Span::styled(format!("►{title}"), self.style(Role::FocusedTitle))
        } else {
            Span::styled(title.to_string(), self.title())
        }
    }

    /// A restriction in force.
    pub fn restricted(&self) -> Style {
        self.style(Role::Restricted)
    }

    pub fn restricted_text(&self) -> Style {
        self.style(Role::RestrictedText)
    }

    pub fn warning(&self) -> Style {
        self.style(Role::Warning)
    }

    pub fn ok(&self) -> Style {
        self.style(Role::Ok)
    }

    pub fn selected(&self) -> Style {
        self.style(Role::Selected)
    }

    pub fn key(&self) -> Style {
        self.style(Role::Key)
    }

    pub fn error(&self) -> Style {
        self.style(Role::Error)
    }

    pub fn bar_value(&self) -> Style {
        self.style(Role::BarValue)
    }
}

/// The RGB value of an xterm-256 colour (16-255, whose values are fixed; 0-15 are the
/// terminal's own and have none), or of an RGB colour.
pub fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match c {
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i @ 16..=231) => {
            let i = usize::from(i - 16);
            Some((LEVELS[i / 36], LEVELS[(i / 6) % 6], LEVELS[i % 6]))
        }
        Color::Indexed(i @ 232..=255) => {
            let v = 8 + 10 * (i - 232);
            Some((v, v, v))
        }
        _ => None,
    }
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio of two colours, 1 to 21.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contrast_ratio_matches_known_values() {
        let black = (0, 0, 0);
        let white = (255, 255, 255);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #777777 on white is the well-known near miss for AA: 4.48:1.
        let grey = contrast((0x77, 0x77, 0x77), white);
        assert!((grey - 4.48).abs() < 0.01, "{grey}");
        assert!(grey < 4.5);
        // #767676 is the lightest grey that passes on white: 4.54:1.
        assert!(contrast((0x76, 0x76, 0x76), white) >= 4.5);
        // Pure red on white: 4.0:1.
        assert!((contrast((255, 0, 0), white) - 4.0).abs() < 0.01);
    }

    #[test]
    fn xterm_colours_have_their_standard_rgb() {
        assert_eq!(rgb(Color::Indexed(16)), Some((0, 0, 0)));
        assert_eq!(rgb(Color::Indexed(231)), Some((255, 255, 255)));
        assert_eq!(rgb(Color::Indexed(124)), Some((175, 0, 0)));
        assert_eq!(rgb(Color::Indexed(117)), Some((135, 215, 255)));
        assert_eq!(rgb(Color::Indexed(232)), Some((8, 8, 8)));
        assert_eq!(rgb(Color::Indexed(255)), Some((238, 238, 238)));
        // The first 16 are whatever the terminal makes them.
        assert_eq!(rgb(Color::Indexed(1)), None);
        assert_eq!(rgb(Color::Red), None);
        assert_eq!(rgb(Color::Reset), None);
    }

    #[test]
    fn every_role_is_listed_once() {
        for (i, r) in Role::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i, "{r:?}");
        }
        assert_eq!(Role::ALL.len(), Role::BarValue as usize + 1);
    }

    /// Every foreground and background pair of the colour themes is at least 4.5:1, and both
    /// are colours whose RGB is known (never the terminal's own).
    #[test]
    fn every_pair_in_the_colour_themes_is_at_least_4_5_to_1() {
        let mut checked = 0;
        for name in [ThemeName::Default, ThemeName::HighContrast] {
            let t = Theme { name };
            let normal = t.look(Role::Normal);
            for role in Role::ALL {
                let look = t.look(role);
                let fg = look.fg.and_then(rgb);
                let bg = look.bg.and_then(rgb);
                let (Some(fg), Some(bg)) = (fg, bg) else {
                    panic!("{name} {role:?}: {look:?} has a colour of unknown RGB");
                };
                let ratio = contrast(fg, bg);
                assert!(
                    ratio >= 4.5,
                    "{name} {role:?}: {fg:?} on {bg:?} is only {ratio:.2}:1"
                );
                // A bar (restricted, selected, an error) is told apart from the background
                // around it by more than its text: its own background differs.
                if matches!(role, Role::Restricted | Role::Selected | Role::Error) {
                    assert_ne!(look.bg, normal.bg, "{name} {role:?}");
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 2 * Role::ALL.len());
    }

    #[test]
    fn high_contrast_is_7_to_1_or_more() {
        let t = Theme {
            name: ThemeName::HighContrast,
        };
        for role in Role::ALL {
            let l = t.look(role);
            let ratio = contrast(l.fg.and_then(rgb).unwrap(), l.bg.and_then(rgb).unwrap());
            assert!(ratio >= 7.0, "{role:?}: {ratio:.2}");
        }
    }

    #[test]
    fn monochrome_has_no_colour_and_selection_and_focus_are_reverse_video() {
        let t = Theme {
            name: ThemeName::Monochrome,
        };
        for role in Role::ALL {
            let l = t.look(role);
            assert_eq!((l.fg, l.bg), (None, None), "{role:?}");
        }
        for role in [Role::Selected, Role::FocusedTitle, Role::Restricted] {
            assert!(t.look(role).mods.contains(Modifier::REVERSED), "{role:?}");
        }
    }

    #[test]
    fn the_pane_with_the_keyboard_says_so_in_every_theme() {
        for name in ThemeName::ALL {
            let t = Theme { name };
            let on = t.pane_title(" Results ", true);
            let off = t.pane_title(" Results ", false);
            assert_eq!(on.content, "► Results ");
            assert_eq!(off.content, " Results ");
            assert_ne!(on.style, off.style, "{name}");
        }
    }
}
