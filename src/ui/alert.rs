//! The managers' alert band: an immediate threat or a breach no manager has opened yet, in words,
//! over whatever is open, until one of them opens it; and the queue's counts by kind for the
//! title line.

use super::theme::Theme;
use crate::app::App;
use crate::domain::CaseReason;
use crate::text::clean;
use crate::time;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// The most lines the band takes.
pub const MAX_LINES: usize = 3;

/// The band's text for this person now, or None when nothing is waiting for a manager.
pub fn text(app: &App) -> Option<String> {
    if !app.actor.role().is_some_and(|r| r.can_decide()) {
        return None;
    }
    let alerts = app.alerts.unopened();
    let newest = alerts.iter().max_by_key(|a| a.logged_at)?;
    let what = match newest.reason {
        CaseReason::ImmediateThreat => "IMMEDIATE THREAT".to_string(),
        CaseReason::Breach => "BREACH OF A RESTRICTION".to_string(),
        r => r.label().to_uppercase(),
    };
    let when = if time::london_date(newest.logged_at) == time::london_date(app.now) {
        newest
            .logged_at
            .with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string()
    } else {
        time::date_time(newest.logged_at)
    };
    let by = match (&newest.logged_by, &newest.logged_by_role) {
        (Some(n), Some(r)) => format!(" by {} ({})", clean(n), clean(r)),
        (Some(n), None) => format!(" by {}", clean(n)),
        _ => String::new(),
    };
    let one = format!("{what} logged {when}{by}: {}", clean(&newest.customer_name));
    let head = if alerts.len() == 1 {
        format!("!! {one}")
    } else {
        format!(
            "!! {} CASES NO MANAGER HAS OPENED - newest: {one}",
            alerts.len()
        )
    };
    Some(format!("{head} - {}", app.alert_how_to_open()))
}

/// `text` broken into lines of at most `width` columns, at spaces where it can be; at most
/// [`MAX_LINES`], the last ending "..." when it was cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let sep = usize::from(!line.is_empty());
            if line.width() + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than the line: cut it.
            let mut head = String::new();
            let mut rest = String::new();
            for c in word.chars() {
                if rest.is_empty() && (head.clone() + &c.to_string()).width() <= width {
                    head.push(c);
                } else {
                    rest.push(c);
                }
            }
            lines.push(head);
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = &mut lines[MAX_LINES - 1];
        while last.width() + 3 > width {
            last.pop();
        }
        last.push_str("...");
    }
    lines
}

/// How many lines the band takes at this width (0 when there is nothing to show).
pub fn height(app: &App, width: u16) -> u16 {
    text(app).map_or(0, |t| wrap(&t, width as usize).len() as u16)
}

/// Draw the band in `area` (as tall as [`height`] says), over anything there.
pub fn band(frame: &mut Frame, area: Rect, app: &App) {
    let Some(text) = text(app) else {
        return;
    };
    let t = &Theme::of(app);
    let lines: Vec<Line> = wrap(&text, area.width as usize)
        .into_iter()
        .map(|l| {
            let pad = (area.width as usize).saturating_sub(l.width());
            Line::from(Span::styled(
                format!("{l}{}", " ".repeat(pad)),
                t.restricted(),
            ))
        })
        .collect();
    super::clear(frame, area, app);
    frame.render_widget(Paragraph::new(lines), area);
}

/// The queue's open cases by kind, for managers' title line: "Queue: 1 threat, 3 at threshold,
/// 5 reviews", as much as fits in `room` columns (what does not fit is counted: "+8 more").
pub fn counts(app: &App, room: usize) -> Option<String> {
    if !app.actor.role().is_some_and(|r| r.can_decide()) {
        return None;
    }
    let w = app.alerts.watch.as_ref()?;
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts: Vec<(u64, String)> = w
        .by_reason
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| {
            let n = *n;
            (
                n,
                match r {
                    CaseReason::ImmediateThreat => plural(n, "threat", "threats"),
                    CaseReason::Breach => plural(n, "breach", "breaches"),
                    CaseReason::Threshold => format!("{n} at threshold"),
                    CaseReason::ReviewDue => plural(n, "review", "reviews"),
                    CaseReason::CustomerRequest => plural(n, "request", "requests"),
                    CaseReason::Approval => format!("{n} to approve"),
                    CaseReason::DebriefRequested => plural(n, "debrief", "debriefs"),
                },
            )
        })
        .collect();
    if w.confirmation_owed > 0 {
        parts.push((
            w.confirmation_owed,
            plural(w.confirmation_owed, "letter owed", "letters owed"),
        ));
    }
    if parts.is_empty() {
        return Some("Queue: no open cases".to_string()).filter(|s| s.width() <= room);
    }
    let total: u64 = parts.iter().map(|(n, _)| n).sum();
    let mut out = "Queue:".to_string();
    let mut shown = 0;
    let rest = |from: usize| -> String {
        let n: u64 = parts[from..].iter().map(|(n, _)| n).sum();
        format!("+{n} more")
    };
    for (i, (_, p)) in parts.iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let more = if i + 1 < parts.len() {
            format!(", {}", rest(i + 1))
        } else {
            String::new()
        };
        if out.width() + sep.len() + p.width() + more.width() > room {
            break;
        }
        out.push_str(sep);
        out.push_str(p);
        shown += 1;
    }
    if shown == 0 {
        out = format!("Queue: {}", plural(total, "open case", "open cases"));
    } else if shown < parts.len() {
        out.push_str(&format!(", {}", rest(shown)));
    }
    Some(out).filter(|s| s.width() <= room)
}

#[cfg(test)]
mod tests {
    use super::wrap;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn the_band_wraps_at_spaces_and_never_spills() {
        let text = "!! IMMEDIATE THREAT logged 14:05 by Ann Lee (reception): Tunde Okafor - press m then Enter to open it";
        let lines = wrap(text, 80);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 80));
        assert_eq!(lines.join(" "), text);
        let long = "x".repeat(500);
        let lines = wrap(&long, 60);
        assert_eq!(lines.len(), super::MAX_LINES);
        assert!(lines[2].ends_with("..."));
        assert!(lines.iter().all(|l| l.width() <= 60));
    }
}
