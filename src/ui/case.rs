//! One case, as a manager works it: why it is in the queue, the restrictions in force, the
//! incidents behind it in full, earlier decisions, reviews and letters, and the keys for what
//! to do next.

use super::theme::Theme;
use crate::app::manager::CaseView;
use crate::app::App;
use crate::domain::{CaseReason, LetterStatus, Outcome};
use crate::policy::rules;
use crate::text::clean;
use crate::time;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Everything the case view shows, as lines (also used by the tests).
pub fn lines(view: &CaseView, app: &App) -> Vec<Line<'static>> {
    let t = &Theme::of(app);
    let p = &app.policy;
    let c = &view.case;
    let mut out: Vec<Line<'static>> = Vec::new();
    let heading = |s: &str| Line::from(Span::styled(s.to_string(), t.heading()));
    out.push(Line::from(vec![
        Span::styled(
            c.why().to_uppercase(),
            if c.reason == CaseReason::ImmediateThreat {
                t.restricted()
            } else {
                t.warning()
            },
        ),
        Span::raw(format!(
            "  since {} - {}",
            time::date_time(c.opened_at),
            c.assigned_to
                .as_deref()
                .map(|a| format!("assigned to {}", clean(a)))
                .unwrap_or_else(|| "not assigned".into())
        )),
    ]));
    if c.reason == CaseReason::DebriefRequested {
        for l in c.note.lines() {
            out.push(Line::from(clean(l)));
        }
        out.push(Line::from(Span::styled(
            "Once the debrief is held, press h to record it (the day; your name is kept): the case closes.",
            t.warning(),
        )));
    } else if !c.note.is_empty() {
        for l in c.note.lines() {
            out.push(Line::from(format!("Customer asked: {}", clean(l))));
        }
    }
    let Some(h) = &view.history else {
        out.push(Line::from(Span::styled("Loading the case...", t.dim())));
        return out;
    };
    let s = rules::summary(h, p, app.now);
    if s.restrictions.is_empty() {
        out.push(Line::from("No restrictions in force."));
    } else {
        out.push(Line::from(Span::styled(
            "RESTRICTED - in force now:",
            t.restricted(),
        )));
        for r in &s.restrictions {
            out.push(Line::from(Span::styled(
                format!("  * {}", clean(r)),
                t.restricted(),
            )));
        }
    }
    out.push(Line::from(s.threshold_sentence.clone()));
    if c.waiting_for_confirmation {
        out.push(Line::from(Span::styled(
            "Written confirmation of the immediate restriction is owed \"where possible\": press l to produce it, or n if it was not possible.",
            t.warning(),
        )));
    }
    if let Some(d) = crate::app::manager::waiting_decision(c, h) {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled(
            format!(
                "DECISION WAITING FOR APPROVAL - decided by {} on {}:",
                clean(&d.decided_by_name),
                time::date_time(d.decided_at)
            ),
            t.warning(),
        )));
        out.push(Line::from(format!(
            "  Decided: {}",
            clean(&p.decision_words(d))
        )));
        if let Some(r) = d.approval.review_date {
            out.push(Line::from(format!("  Review date: {}", time::date(r))));
        }
        if let Some(a) = p.adjustments_words(d) {
            out.push(Line::from(format!(
                "  Reasonable adjustments considered: {}",
                clean(&a)
            )));
        }
        for (n, l) in d.reasons.lines().enumerate() {
            let prefix = if n == 0 { "  Reasons: " } else { "    " };
            out.push(Line::from(format!("{prefix}{}", clean(l))));
        }
        out.push(Line::from(Span::styled(
            if app.actor.staff.as_ref().map(|s| s.id) == Some(d.decided_by) {
                "Nothing of it is in force until another manager or an admin approves it: you made it, so you cannot.".to_string()
            } else {
                "Nothing of it is in force until approved: y approves it (in force at once, on every PC), t turns it down with a reason.".to_string()
            },
            t.warning(),
        )));
    }
    let also = view.answered_too();
    if !also.is_empty() {
        out.push(Line::from(Span::styled(
            "Also open for this customer (a decision here answers these too):",
            t.warning(),
        )));
        for o in also {
            out.push(Line::from(format!(
                "  * {} since {}",
                o.why(),
                time::date_time(o.opened_at)
            )));
        }
    }
    out.push(Line::from(""));
    let incidents = view.incidents();
    out.push(heading(&format!(
        "Incidents behind this case ({})",
        incidents.len()
    )));
    if incidents.is_empty() {
        out.push(Line::from(Span::styled(
            match c.reason {
                CaseReason::ReviewDue => "None: the review date of a restriction has come.",
                CaseReason::CustomerRequest => {
                    "None: the customer asked for a review or complained."
                }
                CaseReason::DebriefRequested => "None: the incident is no longer on record.",
                _ => "None recorded.",
            },
            t.dim(),
        )));
    }
    for i in incidents {
        let withdrawn = i.withdrawn.is_some();
        out.push(Line::from(vec![
            Span::styled(format!("{}  ", time::date_time(i.occurred_at)), t.key()),
            Span::styled(
                format!(
                    "{} - {}{}",
                    p.label_of(&i.channel),
                    p.label_of(&i.category),
                    if i.immediate_threat {
                        " - IMMEDIATE THREAT"
                    } else {
                        ""
                    }
                ),
                if withdrawn { t.dim() } else { t.normal() },
            ),
        ]));
        if withdrawn {
            out.push(Line::from(Span::styled(
                "  WITHDRAWN: it no longer counts",
                t.dim(),
            )));
        }
        let mut seen: Vec<String> = i
            .behaviours
            .iter()
            .map(|b| p.label_of(b).to_string())
            .collect();
        if !i.behaviour_other.is_empty() {
            seen.push(clean(&i.behaviour_other));
        }
        if !seen.is_empty() {
            out.push(Line::from(format!("  Seen: {}", seen.join("; "))));
        }
        out.push(Line::from(format!(
            "  Response: {}{} - logged by {}",
            p.label_of(&i.response),
            if i.reference.is_empty() {
                String::new()
            } else {
                format!(" (ref {})", clean(&i.reference))
            },
            clean(&i.logged_by_name)
        )));
        if let Some(told) = h.told_in_writing(i.id) {
            out.push(Line::from(format!("  {told}")));
        }
        for (n, l) in i.description.lines().enumerate() {
            let prefix = if n == 0 { "  What happened: " } else { "    " };
            out.push(Line::from(format!("{prefix}{}", clean(l))));
        }
        if !i.witnesses.is_empty() {
            out.push(Line::from(format!(
                "  Witnesses: {}",
                clean(&i.witnesses.replace('\n', "; "))
            )));
        }
        // The policy's principles beside each incident: distress, and demands' workload.
        out.push(Line::from(Span::styled(
            format!("  {}", clean(&p.circumstances(i))),
            t.dim(),
        )));
        // Physical violence or injury: who was hurt, RIDDOR (a report still owed stands out).
        if !i.harm.is_empty() {
            out.push(Line::from(Span::styled(
                format!("  {}", clean(&i.harm.sentence())),
                if i.harm.riddor_owed() && !withdrawn {
                    t.warning()
                } else {
                    t.dim()
                },
            )));
        }
    }
    out.push(Line::from(""));
    out.push(heading("Earlier decisions"));
    if h.decisions.is_empty() {
        out.push(Line::from(Span::styled("None.", t.dim())));
    }
    for d in h.decisions.iter().rev() {
        out.push(Line::from(vec![
            Span::styled(format!("{}  ", time::date(d.meeting_date)), t.key()),
            Span::raw(format!(
                "{} - decided by {}, with {}",
                d.outcome.label(),
                clean(&d.decided_by_name),
                clean(&d.attendees)
            )),
        ]));
        if let Some(a) = crate::policy::who::approval_words(d) {
            out.push(Line::from(Span::styled(
                format!("  {}", clean(&a)),
                if d.in_force() {
                    t.normal()
                } else {
                    t.warning()
                },
            )));
        }
        for (n, l) in d.reasons.lines().enumerate() {
            let prefix = if n == 0 { "  Reasons: " } else { "    " };
            out.push(Line::from(format!("{prefix}{}", clean(l))));
        }
        let immediate = d.outcome == Outcome::ImmediateRestriction || d.no_warning;
        if immediate || d.police_told.is_some() {
            out.push(Line::from(format!(
                "  {}Police or another authority told: {}. Risk assessment: {}",
                if immediate { "No warning given. " } else { "" },
                match d.police_told {
                    Some(true) if !d.authority_told.trim().is_empty() =>
                        format!("yes ({})", clean(&d.authority_told)),
                    Some(true) => "yes".to_string(),
                    Some(false) => "no".to_string(),
                    None => "not recorded".to_string(),
                },
                clean(&d.risk_assessment.replace('\n', " "))
            )));
        }
        if let Some(a) = p.adjustments_words(d) {
            out.push(Line::from(format!(
                "  Reasonable adjustments considered: {}",
                clean(&a)
            )));
        }
        if d.outcome == Outcome::WithdrawalOfServices {
            if !d.tried_actions.is_empty() {
                out.push(Line::from(format!(
                    "  Actions tried first: {}",
                    d.tried_actions
                        .iter()
                        .map(|a| clean(p.label_of(a)))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            } else if !d.none_suitable.trim().is_empty() {
                out.push(Line::from(format!(
                    "  No action was suitable: {}",
                    clean(&d.none_suitable.replace('\n', " "))
                )));
            }
        }
        match &d.letter {
            LetterStatus::Owed => out.push(Line::from(Span::styled(
                "  LETTER OWED: the customer has not been told in writing yet",
                t.warning(),
            ))),
            LetterStatus::NotPossible { reason } => out.push(Line::from(format!(
                "  Written confirmation not possible: {}",
                clean(reason)
            ))),
            _ => {}
        }
    }
    out.push(Line::from(""));
    out.push(heading("Restrictions"));
    if h.restrictions.is_empty() {
        out.push(Line::from(Span::styled("None.", t.dim())));
    }
    for r in h.restrictions.iter().rev() {
        let active = rules::is_active(r, app.now);
        let sentence = clean(&rules::restriction_sentence(r, p));
        if active {
            let review = r
                .review_due
                .map(|d| {
                    let due = d <= time::london_date(app.now);
                    format!(
                        " - review {} {}",
                        if due { "DUE" } else { "due" },
                        time::date(d)
                    )
                })
                .unwrap_or_else(|| " - no review date".into());
            out.push(Line::from(Span::styled(
                format!(
                    "IN FORCE  {sentence}{review} (since {})",
                    time::date(time::london_date(r.starts_at))
                ),
                t.restricted(),
            )));
        } else {
            out.push(Line::from(Span::styled(
                format!(
                    "ended     {sentence}{}",
                    r.ends_at
                        .map(|e| format!(" - ended {}", time::date(time::london_date(e))))
                        .unwrap_or_default()
                ),
                t.dim(),
            )));
            if !r.ended_reason.is_empty() {
                out.push(Line::from(Span::styled(
                    format!("          {}", clean(&r.ended_reason)),
                    t.dim(),
                )));
            }
        }
    }
    if !h.reviews.is_empty() {
        out.push(Line::from(""));
        out.push(heading("Reviews"));
        let mut seen = Vec::new();
        for v in h.reviews.iter().rev() {
            let key = (v.reviewed_at, v.outcome);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            out.push(Line::from(format!(
                "{}  {} by {}{}{} - {}",
                time::date(time::london_date(v.reviewed_at)),
                v.outcome.label(),
                clean(&v.reviewed_by_name),
                match v.still_wants {
                    Some(true) => ", the customer still wants the services",
                    Some(false) => ", the customer no longer wants the services",
                    None => "",
                },
                v.next_review
                    .map(|d| format!(", next review {}", time::date(d)))
                    .unwrap_or_default(),
                clean(&v.notes.replace('\n', " "))
            )));
            if let Some(a) = p.review_adjustments_words(v) {
                out.push(Line::from(format!(
                    "  Reasonable adjustments considered: {}",
                    clean(&a)
                )));
            }
        }
    }
    out.push(Line::from(""));
    out.push(heading("Letters"));
    if h.letters.is_empty() {
        out.push(Line::from(Span::styled("None produced yet.", t.dim())));
    }
    for l in h.letters.iter().rev() {
        let status = match l.sent_at {
            Some(at) => format!(
                "sent {} on {}",
                crate::domain::SentHow::parse(&l.sent_how)
                    .map(|h| h.label().to_string())
                    .unwrap_or_else(|| clean(&l.sent_how)),
                time::date(time::london_date(at))
            ),
            None => "NOT SENT YET - press s when it goes".to_string(),
        };
        out.push(Line::from(format!(
            "{}  {} - {}{}",
            time::date(time::london_date(l.created_at)),
            crate::letters::kind_in_words(&l.kind),
            status,
            if l.file.is_empty() {
                String::new()
            } else {
                format!(" - {}", clean(&l.file))
            }
        )));
    }
    out
}

/// How far the case can scroll in a panel of `area` before its end comes into view.
pub fn max_scroll(view: &CaseView, app: &App, area: Rect) -> u16 {
    let lines = lines(view, app);
    let inner_h = area.height.saturating_sub(2) as usize;
    let inner_w = area.width.saturating_sub(2).max(1);
    // Long lines wrap at word boundaries: count the rows exactly as they are drawn, so the
    // last line can always be scrolled to.
    let rows = super::card::rows(&lines, inner_w);
    rows.saturating_sub(inner_h).min(u16::MAX as usize) as u16
}

pub fn case(frame: &mut Frame, area: Rect, app: &App) {
    let Some(view) = app.overlays.case_view() else {
        return;
    };
    let t = &Theme::of(app);
    use crate::app::keymap::{Action, Context};
    let keys: &[(Action, &str)] = if view.case.reason == CaseReason::Approval {
        &[
            (Action::Approve, "approve"),
            (Action::TurnDown, "turn down"),
            (Action::AssignToMe, "assign to me"),
            (Action::Back, "back"),
        ]
    } else {
        &[
            (Action::Decide, "decide"),
            (Action::Review, "review"),
            (Action::Letter, "letter"),
            (Action::AssignToMe, "assign to me"),
            (Action::Back, "back"),
        ]
    };
    let title = format!(
        " Case: {} - {} ",
        clean(&view.case.customer_name),
        super::title_keys(app, Context::Case, keys)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(title, t.title()));
    super::clear(frame, area, app);
    let max = max_scroll(view, app, area);
    let lines = lines(view, app);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.scroll.min(max), 0))
            .block(block),
        area,
    );
}
