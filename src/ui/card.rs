//! The customer card: every restriction in force written out at the top, where they stand
//! against the threshold, then the incidents, decisions and letters.

use super::theme::Theme;
use crate::app::card::CardRows;
use crate::app::{App, Pane};
use crate::domain::{CustomerHistory, Incident, Role};
use crate::policy::rules;
use crate::text::clean;
use crate::time;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Draw the card: the banner (who else matches, restrictions, threshold, manager flags) pinned
/// at the top, the history scrolling under it. Returns what the keys need to scroll it.
pub fn card(frame: &mut Frame, area: Rect, app: &App) -> CardRows {
    let t = &Theme::of(app);
    let focused = app.pane == Pane::Card;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(t.pane_title(" Customer card ", focused));
    let Some(h) = app.card_history() else {
        let text = if app.lookup_failed.is_some() && !app.query().trim().is_empty() {
            vec![
                Line::from(Span::styled(
                    "No card: the search could not be done, so no one is shown here.",
                    t.error(),
                )),
                Line::from(""),
                Line::from("Whoever is on the phone or at the desk has not been checked yet."),
            ]
        } else {
            vec![
                Line::from("Search on the left; the selected person's card shows here."),
                Line::from(""),
                Line::from("Restrictions are written at the top of the card in words."),
            ]
        };
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return CardRows::default();
    };
    let inner = block.inner(area);
    let width = inner.width.max(1);
    let mut banner = banner_lines(app, h);
    let (mut body, incident_lines) = body_lines(app, h, app.card_is_full());
    // The banner stays in view; the history keeps a few rows (fewer in a small window).
    let min_body: u16 = if inner.height >= 10 { 3 } else { 1 };
    let room = inner.height.saturating_sub(min_body + 1).max(1) as usize;
    let banner_rows = rows(&banner, width);
    let mut moved = 0;
    if banner_rows > room {
        // Taller than the pane: it still comes first, and says how much more there is, which
        // leads the scrolling part.
        let mut keep = 0;
        let mut used = 0;
        for (n, l) in banner.iter().enumerate() {
            let r = rows(std::slice::from_ref(l), width);
            if n > 0 && used + r > room.saturating_sub(1) {
                break;
            }
            used += r;
            keep = n + 1;
        }
        let rest: Vec<Line> = banner.split_off(keep);
        let more = rows(&rest, width);
        moved = rest.len();
        banner.push(Line::from(Span::styled(
            format!(
                "{more} more {} of warnings just below: read them before anything else.",
                if more == 1 { "line" } else { "lines" }
            ),
            t.warning(),
        )));
        body.splice(0..0, rest);
    }
    let banner_rows = (rows(&banner, width) as u16).min(inner.height);
    let body_area = Rect {
        y: inner.y + banner_rows + 1,
        height: inner.height.saturating_sub(banner_rows + 1),
        ..inner
    };
    // Where each incident starts and ends, in rows of the scrolling part.
    let mut starts = Vec::with_capacity(body.len() + 1);
    let mut at = 0usize;
    for l in &body {
        starts.push(at);
        at += rows(std::slice::from_ref(l), width);
    }
    starts.push(at);
    let clamp = |r: usize| r.min(u16::MAX as usize) as u16;
    let incidents: Vec<(u16, u16)> = incident_lines
        .iter()
        .map(|&(first, past)| (clamp(starts[first + moved]), clamp(starts[past + moved])))
        .collect();
    let scroll_max = clamp(at.saturating_sub(body_area.height as usize));
    let scroll = app.card_scroll.min(scroll_max);
    let block = if scroll < scroll_max {
        block.title_bottom(Span::styled(" more below: Down, PgDn, End ", t.dim()))
    } else {
        block
    };
    frame.render_widget(block, area);
    frame.render_widget(
        Paragraph::new(banner).wrap(Wrap { trim: false }),
        Rect {
            height: banner_rows,
            ..inner
        },
    );
    // A rule between what stays and what scrolls.
    if inner.height > banner_rows {
        let label = if scroll > 0 {
            "─ more above: Up, PgUp, Home "
        } else {
            ""
        };
        let mut rule: String = label.to_string();
        let fill = (inner.width as usize).saturating_sub(label.chars().count());
        rule.push_str(&"─".repeat(fill));
        frame.render_widget(
            Paragraph::new(Span::styled(rule, t.dim())),
            Rect {
                y: inner.y + banner_rows,
                height: 1,
                ..inner
            },
        );
    }
    frame.render_widget(
        Paragraph::new(body)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        body_area,
    );
    CardRows {
        scroll_max,
        page: body_area.height,
        incidents,
    }
}

/// How many rows `lines` take wrapped to `width`, exactly as a wrapping paragraph draws them.
pub fn rows(lines: &[Line], width: u16) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(width.max(1))
}

/// The card as lines of text, banner first. `full` is false while only the lookup's summary is
/// loaded.
pub fn card_lines<'a>(app: &App, h: &CustomerHistory, full: bool) -> Vec<Line<'a>> {
    let mut out = banner_lines(app, h);
    out.extend(body_lines(app, h, full).0);
    out
}

/// Who else the search found, when it found more than one person: how many, and every one of
/// them with a restriction in force, with enough to tell them apart.
fn who_lines<'a>(app: &App, h: &CustomerHistory) -> Vec<Line<'a>> {
    let t = &Theme::of(app);
    let n = app.results.len();
    if n < 2 {
        return Vec::new();
    }
    let restricted: Vec<(usize, &CustomerHistory)> = app
        .results
        .iter()
        .enumerate()
        .filter(|(_, hit)| !rules::active_restrictions(&hit.history, app.now).is_empty())
        .map(|(i, hit)| (i, &hit.history))
        .collect();
    let how_many = if app.results_capped {
        format!("More than {n} people match")
    } else {
        format!("{n} people match")
    };
    let of = if app.results_capped {
        format!(" - of the first {n}, ")
    } else {
        " - ".to_string()
    };
    let mut spans = vec![Span::styled(how_many, t.heading())];
    match restricted.len() {
        0 => spans.push(Span::raw(format!(
            "{of}none has a restriction in force. Check which one you are dealing with."
        ))),
        k => {
            spans.push(Span::raw(format!(
                "{of}{k} {} ",
                if k == 1 { "is" } else { "are" }
            )));
            spans.push(Span::styled("RESTRICTED", t.restricted()));
            spans.push(Span::raw(": "));
            for (j, (i, other)) in restricted.iter().enumerate() {
                let c = &other.customer;
                let this = c.id == h.customer.id;
                let mut who = clean(&c.display_name());
                if this {
                    // Their details are just below.
                } else if !c.postcode.trim().is_empty() {
                    who.push_str(&format!(", {}", clean(c.postcode.trim())));
                } else if let Some(p) = c.phones.first() {
                    who.push_str(&format!(", phone {}", clean(p)));
                }
                if let Some(last) = other
                    .incidents
                    .iter()
                    .map(|i| i.occurred_at)
                    .max()
                    .filter(|_| !this)
                {
                    who.push_str(&format!(
                        ", last incident {}",
                        time::date(time::london_date(last))
                    ));
                }
                spans.push(Span::styled(who, t.restricted_text()));
                spans.push(Span::raw(if this {
                    " (this card)".to_string()
                } else {
                    format!(" (result {})", i + 1)
                }));
                spans.push(Span::raw(if j + 1 == restricted.len() {
                    "."
                } else {
                    "; "
                }));
            }
            if !restricted
                .iter()
                .any(|(_, o)| o.customer.id == h.customer.id)
            {
                spans.push(Span::raw(
                    " This card is not them: check who you are dealing with.",
                ));
            }
        }
    }
    vec![Line::from(spans)]
}

/// What stays at the top of the card: who else matches, the name, every restriction in force,
/// the threshold, and the manager flags (with what phone staff do now).
fn banner_lines<'a>(app: &App, h: &CustomerHistory) -> Vec<Line<'a>> {
    let t = &Theme::of(app);
    let p = &app.policy;
    let s = rules::summary(h, p, app.now);
    let c = &h.customer;
    let mut out: Vec<Line> = who_lines(app, h);
    out.push(Line::from(Span::styled(
        clean(&c.display_name()),
        t.heading(),
    )));
    if let Some(m) = &h.merged_into {
        // A retired record: say where everything went, before anything else.
        out.push(Line::from(Span::styled(clean(&m.sentence()), t.warning())));
    }
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
    if rules::correspondence_not_processed(h) {
        out.push(Line::from(Span::styled(
            clean(&p.letters.correspondence_banner),
            t.warning(),
        )));
    }
    // Every letter the customer is owed stays in view until it is sent or recorded as not
    // possible.
    for o in h.letters_owed() {
        out.push(Line::from(vec![
            Span::styled("Letter owed:", t.warning()),
            Span::raw(format!(" {}", o.describe())),
        ]));
    }
    let phone = app.actor.role() == Some(Role::Phone);
    for e in rules::escalations(h, p, app.now) {
        out.push(Line::from(vec![
            Span::styled("MANAGER", t.warning()),
            Span::raw(" "),
            Span::raw(e.sentence(p)),
        ]));
        if phone {
            out.push(Line::from(Span::styled(
                format!("  {}", clean(e.phone_advice(p))),
                t.warning(),
            )));
        }
    }
    out
}

/// The card under its banner: contact details, then the incidents (newest first), the
/// restrictions, decisions and letters. Also the lines each incident takes: first and one past
/// the last.
fn body_lines<'a>(
    app: &App,
    h: &CustomerHistory,
    full: bool,
) -> (Vec<Line<'a>>, Vec<(usize, usize)>) {
    let t = &Theme::of(app);
    let p = &app.policy;
    let c = &h.customer;
    let mut out: Vec<Line> = Vec::new();
    let mut contact = Vec::new();
    if !c.phones.is_empty() {
        contact.push(format!("Phone: {}", clean(&c.phones.join(", "))));
    }
    if !c.emails.is_empty() {
        contact.push(format!("Email: {}", clean(&c.emails.join(", "))));
    }
    let postal = c.postal_lines();
    if !postal.is_empty() {
        contact.push(format!("Address: {}", clean(&postal.join(", "))));
    } else if !c.postcode.is_empty() {
        contact.push(format!("Postcode: {}", clean(&c.postcode)));
    }
    for line in contact {
        out.push(Line::from(line));
    }
    if !c.is_unidentified() && postal.is_empty() && full {
        out.push(Line::from(Span::styled(
            "No postal address: letters cannot go by post until one is added (c on this card).",
            t.dim(),
        )));
    }
    if c.large_print || c.easy_read {
        out.push(Line::from(format!(
            "Letters: {}",
            capitalised(c.letter_format().words())
        )));
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
        return (out, Vec::new());
    }
    let mut incidents = Vec::new();
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
        let first = out.len();
        incident_lines(app, h, i, selected, &mut out);
        incidents.push((first, out.len()));
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
            if let Some(a) = crate::policy::who::approval_words(d) {
                out.push(Line::from(Span::styled(
                    format!("    {}", clean(&a)),
                    if d.in_force() {
                        t.normal()
                    } else {
                        t.warning()
                    },
                )));
            }
            out.push(Line::from(Span::styled(
                format!("    Reasons: {}", clean(&d.reasons)),
                t.dim(),
            )));
            if let Some(a) = p.adjustments_words(d) {
                out.push(Line::from(Span::styled(
                    format!("    Adjustments considered: {}", clean(&a)),
                    t.dim(),
                )));
            }
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
    (out, incidents)
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
    // What the person logging it said of distress and workloads, once recorded.
    if i.distress.is_some() || !i.workload.is_empty() {
        out.push(Line::from(Span::styled(
            format!("    {}", clean(&p.circumstances(i))),
            t.dim(),
        )));
    }
    // Physical violence or injury: for managers, whoever logged it and the member of staff hurt.
    let me = app.my_id();
    if !i.harm.is_empty()
        && (app.actor.role().is_some_and(|r| r.can_decide())
            || me.is_some_and(|m| m == i.logged_by || i.harm.hurt_staff == Some(m)))
    {
        out.push(Line::from(Span::styled(
            format!("    {}", clean(&i.harm.sentence())),
            if i.harm.riddor_owed() && i.withdrawn.is_none() {
                t.warning()
            } else {
                t.dim()
            },
        )));
    }
    if let Some(told) = h.told_in_writing(i.id) {
        out.push(Line::from(format!("    {told}")));
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

/// "large print" as "Large print".
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
