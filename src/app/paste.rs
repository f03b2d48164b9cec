//! Telling a paste from typing where the terminal cannot say: the Windows console has no
//! bracketed paste, so pasted text arrives as key presses (a newline as Enter) and would land on
//! the forms' picker keys. Keys come from a person at most every few tens of milliseconds (a
//! held key repeats about every 30 ms); a paste's keys arrive microseconds apart. So a run of
//! at least [`BURST_KEYS`] text keys, each within [`BURST_GAP`] of the one before, is taken as
//! one paste of their text, into the field in focus, never as picker keys or Enter.

use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use std::time::{Duration, Instant};

/// At most this long between a paste's keys.
pub const BURST_GAP: Duration = Duration::from_millis(5);

/// At least this many keys make a paste (two keys pressed together can come closer than the
/// gap; three in a row from a person cannot).
pub const BURST_KEYS: usize = 3;

/// Whether bursts of keys are taken as pastes: on Windows, whose console has no bracketed paste;
/// elsewhere terminals mark a paste themselves, and keys read late by a busy machine would
/// look like a burst. `SAFEDESK_PASTE_BURSTS` (`on` or `off`, as `env`) decides instead, for a
/// terminal without bracketed paste or a Windows terminal that has it.
#[must_use]
pub fn wanted(env: Option<&str>) -> bool {
    match env.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("on" | "1" | "yes" | "true") => true,
        Some("off" | "0" | "no" | "false") => false,
        _ => cfg!(windows),
    }
}

/// The text a key press would be in a paste: a character (typed with Shift or AltGr, which
/// Windows reports as Ctrl+Alt, or with nothing), a line break for Enter, a tab. None for
/// anything else (a key with Ctrl or Alt alone, arrows, F-keys).
fn text_of(ev: &Event) -> Option<char> {
    let Event::Key(k) = ev else { return None };
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let altgr = KeyModifiers::CONTROL | KeyModifiers::ALT;
    let m = k.modifiers - KeyModifiers::SHIFT;
    let plain = m.is_empty() || m == altgr;
    match k.code {
        KeyCode::Char(c) if plain => Some(c),
        KeyCode::Enter if plain => Some('\n'),
        KeyCode::Tab if plain => Some('\t'),
        _ => None,
    }
}

fn is_release(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind == KeyEventKind::Release)
}

/// The events of one batch (each with when it was read), with every burst of text keys made
/// one [`Event::Paste`]. Everything else is kept, in order; key releases inside a burst (the
/// Windows console reports them too) go with it.
#[must_use]
pub fn coalesce(batch: Vec<(Event, Instant)>) -> Vec<Event> {
    let mut out = Vec::with_capacity(batch.len());
    // The run of text keys being gathered: its events as they came, its text, when its last
    // key came.
    let mut run: Vec<Event> = Vec::new();
    let mut text = String::new();
    let mut keys = 0usize;
    let mut last: Option<Instant> = None;
    let flush =
        |out: &mut Vec<Event>, run: &mut Vec<Event>, text: &mut String, keys: &mut usize| {
            if *keys >= BURST_KEYS {
                out.push(Event::Paste(std::mem::take(text)));
                run.clear();
            } else {
                out.append(run);
                text.clear();
            }
            *keys = 0;
        };
    for (ev, at) in batch {
        if is_release(&ev) && keys > 0 {
            run.push(ev);
            continue;
        }
        match text_of(&ev) {
            Some(c) => {
                let close = last.is_some_and(|l| at.saturating_duration_since(l) <= BURST_GAP);
                if keys > 0 && !close {
                    flush(&mut out, &mut run, &mut text, &mut keys);
                }
                run.push(ev);
                text.push(c);
                keys += 1;
                last = Some(at);
            }
            None => {
                flush(&mut out, &mut run, &mut text, &mut keys);
                last = None;
                out.push(ev);
            }
        }
    }
    flush(&mut out, &mut run, &mut text, &mut keys);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn key(c: KeyCode) -> Event {
        Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    fn release(c: KeyCode) -> Event {
        let mut k = KeyEvent::new(c, KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        Event::Key(k)
    }

    /// `text` as keys `gap` apart from `start`, each followed by its release.
    fn typed(text: &str, start: Instant, gap: Duration) -> Vec<(Event, Instant)> {
        let mut out = Vec::new();
        for (i, c) in text.chars().enumerate() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\t' => KeyCode::Tab,
                c => KeyCode::Char(c),
            };
            let at = start + gap * u32::try_from(i).unwrap();
            out.push((key(code), at));
            out.push((release(code), at));
        }
        out
    }

    #[test]
    fn bursts_are_pastes_on_windows_unless_the_environment_says_otherwise() {
        assert_eq!(wanted(None), cfg!(windows));
        assert_eq!(wanted(Some("")), cfg!(windows));
        assert!(wanted(Some("On")));
        assert!(!wanted(Some("off")));
    }

    #[test]
    fn keys_microseconds_apart_are_one_paste_with_its_line_breaks() {
        let t = Instant::now();
        let got = coalesce(typed(
            "Shouted\nat Amira\tagain",
            t,
            Duration::from_micros(40),
        ));
        assert_eq!(got, vec![Event::Paste("Shouted\nat Amira\tagain".into())]);
    }

    #[test]
    fn typing_and_a_held_key_stay_keys() {
        let t = Instant::now();
        // A fast typist: 40 ms apart. A held key: 30 ms apart.
        for gap in [40, 30, 6] {
            let batch = typed("abcd", t, Duration::from_millis(gap));
            let got = coalesce(batch.clone());
            assert_eq!(
                got,
                batch.into_iter().map(|(e, _)| e).collect::<Vec<_>>(),
                "{gap}"
            );
        }
        // Two keys pressed together are still two keys.
        let batch = typed("ab", t, Duration::from_micros(100));
        assert_eq!(coalesce(batch).len(), 4);
    }

    #[test]
    fn a_burst_ends_at_a_pause_or_a_key_that_is_not_text() {
        let t = Instant::now();
        let mut batch = typed("xy", t, Duration::from_millis(100));
        batch.extend(typed(
            "pasted",
            t + Duration::from_millis(300),
            Duration::from_micros(50),
        ));
        let ctrl_s = Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        batch.push((ctrl_s.clone(), t + Duration::from_millis(301)));
        let got = coalesce(batch);
        assert_eq!(got.len(), 6, "{got:?}");
        assert_eq!(got[0], key(KeyCode::Char('x')));
        assert_eq!(got[4], Event::Paste("pasted".into()));
        assert_eq!(got[5], ctrl_s);
        // AltGr letters (Ctrl+Alt on Windows) and capitals are text.
        let altgr = KeyModifiers::CONTROL | KeyModifiers::ALT;
        let batch: Vec<_> = ['€', 'A', '@']
            .iter()
            .map(|c| {
                let m = if *c == 'A' {
                    KeyModifiers::SHIFT
                } else {
                    altgr
                };
                (Event::Key(KeyEvent::new(KeyCode::Char(*c), m)), t)
            })
            .collect();
        assert_eq!(coalesce(batch), vec![Event::Paste("€A@".into())]);
    }
}
