//! The customer card: every restriction in force written out at the top, where they stand
//! against the threshold, then the incidents, decisions and letters.

use super::theme::Theme;
use crate::app::{App, Pane};
use crate::domain::{CustomerHistory, Incident};
use crate::policy::rules;
use crate::text::clean;
use crate::time;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub fn card(frame: &mut Frame, area: Rect, app: &App) {
    let t = &Theme::of(app);
    let focused = app.pane == Pane::Card;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(Span::styled(" Customer card ", t.title()));
    let Some(h) = app.card_history() else {
        let text = vec![
            Line::from("Search on the left; the selected person's card shows here."),
            Line::from(""),
            Line::from("Restrictions are written at the top of the card in words."),
        ];
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return;
    };
    let (lines, selected_at) = card_lines_marked(app, h, app.card_is_full());
    let inner_h = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2);
    let max_scroll = wrapped_height(&lines, width).saturating_sub(inner_h);
    // Keep the highlighted incident in view; the banner stays on screen while it fits.
    let scroll = match selected_at.filter(|_| focused) {
        Some(line) => {
            let row = wrapped_height(&lines[..line], width);
            if row + 6 < inner_h {
                0
            } else {
                row.saturating_sub(2)
            }
        }
        None => app.card_scroll as usize,
    }
    .min(max_scroll) as u16;
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(block);
    frame.render_widget(p, area);
}

/// Roughly how many rows `lines` take when wrapped to `width`.
fn wrapped_height(lines: &[Line], width: u16) -> usize {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(w)).sum()
}

/// The card as lines of text. `full` is false while only the lookup's summary is loaded.
pub fn card_lines<'a>(app: &App, h: &CustomerHistory, full: bool) -> Vec<Line<'a>> {
    card_lines_marked(app, h, full).0
}

/// The card's lines and the index of the highlighted incident's first line.
fn card_lines_marked<'a>(
    app: &App,
    h: &CustomerHistory,
    full: bool,
) -> (Vec<Line<'a>>, Option<usize>) {
    let t = &Theme::of(app);
    let p = &app.policy;
    let s = rules::summary(h, p, app.now);
    let c = &h.customer;
    let mut out: Vec<Line> = Vec::new();
    out.push(Line::from(Span::styled(
        clean(&c.display_name()),
        t.heading(),
    )));
    if s.restrictions.is_empty() {
        out.push(Line::from(Span::styled(
            "No restrictions in force.",
            t.ok(),
        )));
    } else {
        for r in &s.restrictions {
            out.push(Line::from(vec![
                Span::styled("RESTRICTED", t.restricted()),
                Span::raw(" "),
                Span::styled(clean(r), t.restricted_text()),
            ]));
        }
    }
    let threshold_style = if s.threshold.reached() || s.threshold.count + 1 == s.threshold.threshold
    {
        t.warning()
    } else {
        t.normal()
    };
    out.push(Line::from(Span::styled(
        s.threshold_sentence.clone(),
        threshold_style,
    )));
    for e in &s.escalations {
        out.push(Line::from(vec![
            Span::styled("MANAGER", t.warning()),
            Span::raw(" "),
            Span::raw(e.clone()),
        ]));
    }
    out.push(Line::from(""));
    let mut contact = Vec::new();
    if !c.phones.is_empty() {
        contact.push(format!("Phone: {}", clean(&c.phones.join(", "))));
    }
    if !c.emails.is_empty() {
        contact.push(format!("Email: {}", clean(&c.emails.join(", "))));
    }
    if !c.postcode.is_empty() {
        contact.push(format!("Postcode: {}", clean(&c.postcode)));
    }
    for line in contact {
        out.push(Line::from(line));
    }
    if !c.other_names.is_empty() {
        out.push(Line::from(format!(
            "Also known as: {}",
            clean(&c.other_names.join(", "))
        )));
    }
    if c.name.is_some() && !c.description.trim().is_empty() {
        out.push(Line::from(format!(
            "Description: {}",
            clean(&c.description)
        )));
    }
    if !c.notes.trim().is_empty() {
        out.push(Line::from(format!("Notes: {}", clean(&c.notes))));
    }
    if c.is_unidentified() && full {
        out.push(Line::from(Span::styled(
            "Unidentified visitor: press l on this card to link the record to a customer once you know who it is.",
            t.dim(),
        )));
    }
    if !full {
        out.push(Line::from(Span::styled(
            "Loading the full history...",
            t.dim(),
        )));
        return (out, None);
    }
    let mut selected_at = None;
    // Incidents, newest first.
    out.push(Line::from(""));
    let total = h.incidents.len();
    out.push(Line::from(Span::styled(
        if total == 0 {
            "Incidents: none recorded".to_string()
        } else {
            format!("Incidents ({total}, newest first)")
        },
        t.heading(),
    )));
    for (n, i) in h.incidents.iter().rev().enumerate() {
        let selected = n == app.card_cursor && app.pane == Pane::Card;
        if selected {
            selected_at = Some(out.len());
        }
        incident_lines(app, h, i, selected, &mut out);
    }
    // Restrictions, including ended ones.
    if !h.restrictions.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Restrictions", t.heading())));
        for r in h.restrictions.iter().rev() {
            let state = if rules::is_active(r, app.now) {
                "in force"
            } else if r.starts_at > app.now {
                "starts later"
            } else {
                "ended"
            };
            let mut line = format!(
                "{} - {} from {}",
                clean(&rules::restriction_sentence(r, p)),
                state,
                time::date(time::london_date(r.starts_at))
            );
            if let Some(due) = r.review_due {
                line.push_str(&format!(", review {}", time::date(due)));
            }
            if let Some(end) = r.ends_at {
                line.push_str(&format!(", ended {}", time::date(time::london_date(end))));
                if !r.ended_reason.is_empty() {
                    line.push_str(&format!(" ({})", clean(&r.ended_reason)));
                }
            }
            out.push(Line::from(format!("  {line}")));
        }
    }
    if !h.decisions.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Manager decisions", t.heading())));
        for d in h.decisions.iter().rev() {
            out.push(Line::from(format!(
                "  {} {} by {}",
                time::date(d.meeting_date),
                d.outcome.label(),
                clean(&d.decided_by_name)
            )));
            out.push(Line::from(Span::styled(
                format!("    Reasons: {}", clean(&d.reasons)),
                t.dim(),
            )));
        }
    }
    if !h.letters.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Letters", t.heading())));
        for l in h.letters.iter().rev() {
            let sent = match l.sent_at {
                Some(at) => format!(
                    "sent {} by {}",
                    time::date(time::london_date(at)),
                    clean(&l.sent_how)
                ),
                None => "not sent yet".to_string(),
            };
            out.push(Line::from(format!(
                "  {} {} - {}",
                time::date(time::london_date(l.created_at)),
                clean(&l.kind.replace('_', " ")),
                sent
            )));
        }
    }
    (out, selected_at)
}

fn incident_lines<'a>(
    app: &App,
    h: &CustomerHistory,
    i: &Incident,
    selected: bool,
    out: &mut Vec<Line<'a>>,
) {
    let t = &Theme::of(app);
    let p = &app.policy;
    let mut head = vec![Span::styled(
        format!(
            "{}{} {} - {}",
            if selected { "> " } else { "  " },
            time::date_time(i.occurred_at),
            p.label_of(&i.channel),
            p.label_of(&i.category)
        ),
        if selected { t.selected() } else { t.normal() },
    )];
    if i.withdrawn.is_some() {
        head.push(Span::styled(" WITHDRAWN", t.dim()));
    }
    if rules::is_urgent(i, p) {
        head.push(Span::styled(" IMMEDIATE THREAT", t.restricted()));
    }
    if rules::is_breach(i, &h.restrictions) {
        head.push(Span::styled(" BREACH", t.warning()));
    }
    out.push(Line::from(head));
    let mut what = p.label_of(&i.response).to_string();
    if !i.reference.is_empty() {
        what.push_str(&format!(" (ref {})", clean(&i.reference)));
    }
    out.push(Line::from(format!(
        "    {what}; logged by {}",
        clean(&i.logged_by_name)
    )));
    if !i.behaviours.is_empty() {
        let labels: Vec<&str> = i.behaviours.iter().map(|b| p.label_of(b)).collect();
        out.push(Line::from(Span::styled(
            format!("    Seen: {}", labels.join("; ")),
            t.dim(),
        )));
    }
    if !i.description.is_empty() {
        out.push(Line::from(format!("    {}", clean(&i.description))));
    }
    if !i.witnesses.is_empty() {
        out.push(Line::from(format!(
            "    Witnesses: {}",
            clean(&i.witnesses)
        )));
    }
    if let Some(w) = &i.withdrawn {
        out.push(Line::from(Span::styled(
            format!(
                "    Withdrawn {} by {}: {}",
                time::date(time::london_date(w.at)),
                clean(&w.by),
                clean(&w.reason)
            ),
            t.dim(),
        )));
    }
}
