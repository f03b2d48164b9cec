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
