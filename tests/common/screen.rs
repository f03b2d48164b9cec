//! The app as the screen tests make it: someone signed in, the built-in policy, no colour, a
//! fixed clock; and drawing it as the event loop does.

use chrono::{DateTime, Utc};
use safedesk::app::App;
use safedesk::domain::LookupHit;
use safedesk::domain::{Actor, Role, Staff};
use safedesk::policy::Policy;
use safedesk::sync::{Health, Reply, Request};

/// A member of staff numbered `n`, whose login is their first name in lower case.
pub fn staff(n: u128, name: &str, role: Role) -> Staff {
    Staff {
        id: uuid::Uuid::from_u128(n),
        login: name.split(' ').next().unwrap().to_lowercase(),
        display_name: name.into(),
        role,
        active: true,
    }
}

/// The app for `login` (who is `staff`, if on the list) on the shared database, at `now`,
/// drawn without colour, the database answering.
pub fn app_as(login: &str, staff: Option<Staff>, now: DateTime<Utc>, demo: bool) -> App {
    let mut app = App::new(
        Policy::built_in(),
        Actor {
            login: login.into(),
            staff,
        },
        "/shared/safedesk.sqlite".into(),
        demo,
        false,
    );
    app.theme = safedesk::app::theme::ThemeName::Monochrome;
    app.now = now;
    app.health = Health::Ok { checked: now };
    app
}

/// Draw as the event loop does: what the screen worked out (how far views scroll, where the
/// card's incidents are, whether the window is too small) goes back to the app for the next key.
pub fn draw_fed(app: &mut App, w: u16, h: u16) -> String {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = safedesk::app::Drawn::default();
    t.draw(|f| drawn = safedesk::ui::draw(f, app)).unwrap();
    app.drawn = drawn;
    super::text(t.backend().buffer())
}

/// Type a query and answer its lookup as the store worker would.
pub fn search(app: &mut App, q: &str, hits: Vec<LookupHit>) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for c in q.chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let seq = app
        .take_requests()
        .iter()
        .filter_map(|r| match r {
            Request::Lookup { seq, .. } => Some(*seq),
            _ => None,
        })
        .max()
        .expect("typing asks for a lookup");
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(hits),
    });
}

/// The screen with its styles, a line a row: each run of cells that look the same starts with
/// how they look, `[fg/bg mods]` (colours as xterm-256 numbers, `-` for the terminal's own; `b`
/// bold, `r` reverse video, `u` underlined; just `[mods]` on the terminal's own colours), and
/// only where the look changes.
pub fn styled(buf: &ratatui::buffer::Buffer) -> String {
    use ratatui::style::{Color, Modifier};
    let colour = |c: Color| match c {
        Color::Reset => "-".to_string(),
        Color::Indexed(i) => i.to_string(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        other => format!("{other:?}"),
    };
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut last = None;
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let look = (cell.fg, cell.bg, cell.modifier);
            if last != Some(look) {
                last = Some(look);
                let mut mods = String::new();
                for (m, c) in [
                    (Modifier::BOLD, 'b'),
                    (Modifier::REVERSED, 'r'),
                    (Modifier::UNDERLINED, 'u'),
                    (Modifier::DIM, 'd'),
                    (Modifier::ITALIC, 'i'),
                ] {
                    if cell.modifier.contains(m) {
                        mods.push(c);
                    }
                }
                if cell.fg == Color::Reset && cell.bg == Color::Reset {
                    // The terminal's own colours (all of monochrome): emphasis only.
                    out.push_str(&format!("[{mods}]"));
                } else {
                    let sep = if mods.is_empty() { "" } else { " " };
                    out.push_str(&format!(
                        "[{}/{}{sep}{mods}]",
                        colour(cell.fg),
                        colour(cell.bg)
                    ));
                }
            }
            out.push_str(cell.symbol());
        }
        out.push('\n');
    }
    out
}

/// The app drawn (as the event loop does) at `w` x `h` in each theme, with its styles
/// ([`styled`]), checking on the way what every screen must be in every theme:
/// * the same words in each (colour is never the only signal);
/// * in the colour themes, every cell has a foreground and a background whose RGB is known
///   (nothing left on the terminal's own colours) and every character written is at least 4.5:1
///   on its background (WCAG 2 AA);
/// * in monochrome, no colour at all.
///
/// The app is left in the theme it came in.
pub fn in_each_theme(
    app: &mut App,
    w: u16,
    h: u16,
) -> Vec<(safedesk::app::theme::ThemeName, String)> {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use safedesk::app::theme::ThemeName;
    let was = app.theme;
    let mut words: Option<String> = None;
    let mut out = Vec::new();
    for theme in ThemeName::ALL {
        app.theme = theme;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        let mut drawn = safedesk::app::Drawn::default();
        t.draw(|f| drawn = safedesk::ui::draw(f, app)).unwrap();
        app.drawn = drawn;
        let buf = t.backend().buffer();
        let text = super::text(buf);
        match &words {
            None => words = Some(text.clone()),
            Some(first) => assert_eq!(&text, first, "{theme} has other words"),
        }
        check_theme(theme, buf, &text);
        out.push((theme, styled(buf)));
    }
    app.theme = was;
    out
}

/// Every cell of a screen drawn in `theme`: in monochrome no colour at all; in the colour
/// themes a known colour for the text and its background (nothing left on the terminal's own),
/// and every character 4.5:1 or more on its background.
pub fn check_theme(
    theme: safedesk::app::theme::ThemeName,
    buf: &ratatui::buffer::Buffer,
    text: &str,
) {
    use ratatui::style::Color;
    use safedesk::app::theme::ThemeName;
    use safedesk::ui::theme::{contrast, rgb};
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            let at = || format!("{theme}, row {y} column {x} {:?}:\n{text}", c.symbol());
            if theme == ThemeName::Monochrome {
                assert!(
                    c.fg == Color::Reset && c.bg == Color::Reset,
                    "a colour in monochrome at {}",
                    at()
                );
                continue;
            }
            let (Some(fg), Some(bg)) = (rgb(c.fg), rgb(c.bg)) else {
                panic!(
                    "{:?} on {:?}, colours of unknown RGB, at {}",
                    c.fg,
                    c.bg,
                    at()
                );
            };
            if !c.symbol().trim().is_empty() {
                let ratio = contrast(fg, bg);
                assert!(ratio >= 4.5, "{ratio:.2}:1 at {}", at());
            }
        }
    }
}
