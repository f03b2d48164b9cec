//! Pasting where the terminal has no bracketed paste (the Windows console): the text arrives as
//! key presses microseconds apart, with Enter for each line break. The app takes such a burst
//! as one paste into the field in focus, never as picker keys or Enter. Synthetic bursts, so it
//! is checked on every system.

mod common;

use chrono::{TimeZone, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use safedesk::app::form::FormField;
use safedesk::app::{App, Notice};
use safedesk::domain::{Role, Staff};
use std::time::{Duration, Instant};
use uuid::Uuid;

fn app() -> App {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 14, 30, 0).unwrap();
    let staff = Staff {
        id: Uuid::from_u128(5),
        login: "psharma".into(),
        display_name: "Priya Sharma".into(),
        role: Role::Reception,
        active: true,
    };
    let mut app = common::screen::app_as("psharma", Some(staff), now, false);
    app.open_form();
    app
}

/// `text` as the Windows console sends a paste: a press and a release per character, "\r" (and
/// "\n") as Enter, 30 microseconds apart.
fn burst(text: &str) -> Vec<(Event, Instant)> {
    let start = Instant::now();
    let mut out = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let code = match c {
            '\r' | '\n' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        let at = start + Duration::from_micros(30) * u32::try_from(i).unwrap();
        let press = KeyEvent::new(code, KeyModifiers::NONE);
        let mut release = press;
        release.kind = KeyEventKind::Release;
        out.push((Event::Key(press), at));
        out.push((Event::Key(release), at));
    }
    out
}

#[test]
fn a_burst_on_the_channel_picker_changes_no_channel_and_says_so() {
    let mut a = app();
    a.overlays.form_mut().unwrap().focus = FormField::Channel;
    let before = a.overlays.form().unwrap().channel.clone();
    // Letters that are channel keys (t, v, f, e, l) and a line break, as keys: one at a time
    // they would pick a channel and move on.
    a.on_terminal_events(burst("left\r\nvia email"));
    let f = a.overlays.form().unwrap();
    assert_eq!(f.channel, before);
    assert_eq!(f.focus, FormField::Channel);
    assert!(
        matches!(&a.notice, Some(Notice::Info(n)) if n.contains("The paste was not used: Channel")),
        "{:?}",
        a.notice
    );
}

#[test]
fn a_pasted_three_line_text_lands_in_the_description_intact() {
    let mut a = app();
    a.overlays.form_mut().unwrap().focus = FormField::Description;
    // The console sends one Enter for each line break.
    let text = "Shouted at the desk.\rThrew a leaflet.\rLeft at 14:10.";
    a.on_terminal_events(burst(text));
    let f = a.overlays.form().unwrap();
    assert_eq!(f.focus, FormField::Description);
    assert_eq!(
        f.description.value(),
        "Shouted at the desk.\nThrew a leaflet.\nLeft at 14:10."
    );
}

#[test]
fn keys_typed_at_a_persons_pace_still_pick() {
    let mut a = app();
    a.overlays.form_mut().unwrap().focus = FormField::Channel;
    let start = Instant::now();
    let batch: Vec<_> = ["e"]
        .iter()
        .map(|c| {
            let k = KeyEvent::new(KeyCode::Char(c.chars().next().unwrap()), KeyModifiers::NONE);
            (Event::Key(k), start)
        })
        .collect();
    a.on_terminal_events(batch);
    assert_eq!(a.overlays.form().unwrap().channel, "email");
}
