//! The incidents list, the restrictions in force and the reports pane. Every chart writes its
//! labels and values as text (never colour alone), and every chart is laid out inside its own
//! box, so nothing is drawn past it at 80x24.

use super::theme::Theme;
use crate::app::mouse::ListSpot;
use crate::app::App;
use crate::domain::{DecisionTimes, InForceRow, Outcome, Report};
use crate::text::clean;
use crate::time;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline, Wrap};
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `s` cut to `w` display columns (with an ellipsis) and padded to exactly `w`.
pub fn fit(s: &str, w: usize) -> String {
    let s = clean(s);
    let mut out = String::new();
    if s.width() <= w {
        out.push_str(&s);
    } else if w > 0 {
        let mut used = 0;
        for c in s.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > w - 1 {
                break;
            }
            out.push(c);
            used += cw;
        }
        out.push('…');
    }
    let pad = w.saturating_sub(out.width());
    out.push_str(&" ".repeat(pad));
    out
}

/// A count with thousands separated: 12 345.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count in at most four characters, for the top of a bar: 987, 1.2k, 12k, 120k, 1.2m.
fn short(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{:.1}k", n as f64 / 1000.0),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}m", n as f64 / 1_000_000.0),
    }
}

fn outcome_label(id: &str) -> String {
    Outcome::parse(id).map_or_else(|| id.to_string(), |o| o.label().to_string())
}

fn boxed<'a>(title: String, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::TOP)
        .border_style(t.dim())
        .title(Span::styled(title, t.heading()))
}

/// Horizontal bars, one a row, each labelled with its name and count; the bars share the
/// widest count's scale. Rows that do not fit are summed into "others" in the last row.
fn bars(frame: &mut Frame, area: Rect, title: String, items: &[(String, u64)], t: &Theme) {
    let block = boxed(title, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width < 10 {
        return;
    }
    if items.is_empty() {
        frame.render_widget(Paragraph::new("None."), inner);
        return;
    }
    let rows = inner.height as usize;
    let mut shown: Vec<(String, u64)> = items.to_vec();
    if shown.len() > rows {
        let rest: u64 = shown[rows - 1..].iter().map(|(_, n)| n).sum();
        let others = shown.len() - (rows - 1);
        shown.truncate(rows - 1);
        shown.push((format!("{others} others"), rest));
    }
    let numw = shown
        .iter()
        .map(|(_, n)| count(*n).len())
        .max()
        .unwrap_or(1);
    let labelw = ((inner.width as usize) * 11 / 20)
        .saturating_sub(numw + 1)
        .max(4);
    let labelw = labelw.min(
        shown
            .iter()
            .map(|(k, _)| clean(k).width())
            .max()
            .unwrap_or(4),
    );
    let bars: Vec<Bar> = shown
        .iter()
        .map(|(k, n)| {
            Bar::default()
                .value(*n)
                .label(Line::from(format!(
                    "{} {:>numw$}",
                    fit(k, labelw),
                    count(*n)
                )))
                .text_value(String::new())
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(t.normal())
        .data(BarGroup::default().bars(&bars));
    // A column kept clear on the right, so a full bar never runs into the chart beside it.
    let inner = Rect {
        width: inner.width - 1,
        ..inner
    };
    frame.render_widget(chart, inner);
}

/// The incidents each month as vertical bars, with the month under each and the count on top
/// where it fits (the line above says the highest and the lowest in words).
fn months_chart(frame: &mut Frame, area: Rect, r: &Report, t: &Theme) {
    let busiest = r.months.iter().max_by_key(|m| m.total);
    let quietest = r.months.iter().min_by_key(|m| m.total);
    let words = match (busiest, quietest) {
        (Some(b), Some(q)) if b.total > 0 => format!(
            " Incidents each month: most {} in {}, fewest {} in {} ",
            count(b.total),
            b.month.format("%b %Y"),
            count(q.total),
            q.month.format("%b %Y")
        ),
        _ => " Incidents each month: none in these months ".to_string(),
    };
    let block = boxed(words, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let n = r.months.len().max(1) as u16;
    if inner.width < n || inner.height < 3 {
        return;
    }
    let gap = u16::from(inner.width >= n * 3);
    let width = ((inner.width + gap) / n).saturating_sub(gap).clamp(1, 6);
    let bars: Vec<Bar> = r
        .months
        .iter()
        .map(|m| {
            let label = if width >= 3 {
                m.month.format("%b").to_string()
            } else {
                m.month.format("%m").to_string()
            };
            let value = short(m.total);
            let value = if value.len() as u16 <= width {
                value
            } else {
                String::new()
            };
            Bar::default()
                .value(m.total)
                .label(Line::from(label))
                .text_value(value)
        })
        .collect();
    let chart = BarChart::default()
        .bar_width(width)
        .bar_gap(gap)
        .bar_style(t.normal())
        .value_style(t.bar_value())
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, inner);
}

/// The incidents: the months, the immediate threats each month, by category and by channel.
fn incidents_section(frame: &mut Frame, area: Rect, app: &App, r: &Report, t: &Theme) {
    let label = |v: Vec<(String, u64)>| -> Vec<(String, u64)> {
        v.into_iter()
            .map(|(k, n)| (app.policy.label_of(&k).to_string(), n))
            .collect()
    };
    let cats = label(r.by_category());
    let chans = label(r.by_channel());
    let bottom = (cats.len().max(chans.len()).max(1) as u16 + 1).min(area.height / 2);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(5),
            Constraint::Length(1),
            Constraint::Length(bottom),
        ])
        .split(area);
    months_chart(frame, rows[0], r, t);
    // The immediate threats as a sparkline, with its numbers beside it.
    let threats: Vec<u64> = r.months.iter().map(|m| m.threats).collect();
    let most = threats.iter().max().copied().unwrap_or(0);
    let words = format!(
        "Immediate threats: {} (most in a month {}) ",
        count(r.total_threats()),
        count(most)
    );
    let w = (words.width() as u16).min(rows[1].width);
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(w), Constraint::Min(0)])
        .split(rows[1]);
    frame.render_widget(Paragraph::new(Span::styled(words, t.heading())), cols[0]);
    let spark_w = (threats.len() as u16).min(cols[1].width);
    frame.render_widget(
        Sparkline::default().data(&threats).max(most.max(1)),
        Rect {
            width: spark_w,
            ..cols[1]
        },
    );
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(rows[2]);
    bars(frame, cols[0], " By category ".into(), &cats, t);
    bars(frame, cols[1], " By channel ".into(), &chans, t);
}

/// One overdue review as a line.
fn overdue_line(row: &InForceRow, app: &App, today: chrono::NaiveDate, w: usize) -> String {
    let due = row.review_due.map_or("no date".to_string(), time::date);
    let late = row
        .review_due
        .map(|d| (today - d).num_days())
        .filter(|d| *d > 0)
        .map_or(String::new(), |d| {
            format!("OVERDUE by {d} day{}", if d == 1 { "" } else { "s" })
        });
    let case = if row.case_id.is_some() {
        "case open"
    } else {
        "no case yet"
    };
    let fixed = 10 + 1 + 20 + 1 + 11 + 1;
    let rest = w.saturating_sub(fixed);
    let name_w = rest * 2 / 5;
    let kind_w = rest.saturating_sub(name_w + 1);
    format!(
        "{} {} {} {} {}",
        fit(&due, 10),
        fit(&late, 20),
        fit(&row.customer_name, name_w),
        fit(app.policy.label_of(&row.kind), kind_w),
        fit(case, 11)
    )
}

/// Decisions, restrictions in force, reviews and the overdue ones.
fn decisions_section(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    r: &Report,
    selected: usize,
    t: &Theme,
) {
    let dt = &r.decision_times;
    let times = match (dt.median_days, dt.longest_days) {
        (Some(m), Some(l)) => format!("half within {m} days, longest {l}"),
        _ => "none after a third incident".into(),
    };
    let summary = format!(
        "Decisions: {}.  Restrictions in force: {}.  Reviews held: {} on time, {} late; {} overdue now.  Third incident to decision: {}.",
        count(r.outcomes.iter().map(|(_, n)| n).sum()),
        count(r.in_force.iter().map(|(_, n)| n).sum()),
        count(r.reviews_on_time),
        count(r.reviews_late),
        count(r.overdue_total),
        times
    );
    let summary_h = super::wrap_words(&summary, area.width as usize).len() as u16;
    let list_h = (area.height / 3).max(3);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(summary_h.min(3)),
            Constraint::Min(3),
            Constraint::Length(list_h),
        ])
        .split(area);
    frame.render_widget(Paragraph::new(summary).wrap(Wrap { trim: true }), rows[0]);
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(rows[1]);
    let left = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(cols[0]);
    let outcomes: Vec<(String, u64)> = r
        .outcomes
        .iter()
        .map(|(k, n)| (outcome_label(k), *n))
        .collect();
    bars(
        frame,
        left[0],
        " Decisions by outcome ".into(),
        &outcomes,
        t,
    );
    let reviews = vec![
        ("Held on time".to_string(), r.reviews_on_time),
        ("Held late".to_string(), r.reviews_late),
        ("Overdue now".to_string(), r.overdue_total),
    ];
    let times: Vec<(String, u64)> = DecisionTimes::BUCKETS
        .iter()
        .zip(dt.buckets)
        .map(|(l, n)| (format!("Decided in {l}"), n))
        .collect();
    let right = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(cols[1]);
    bars(frame, left[1], " Reviews ".into(), &reviews, t);
    let kinds: Vec<(String, u64)> = r
        .in_force
        .iter()
        .map(|(k, n)| (app.policy.label_of(k).to_string(), *n))
        .collect();
    bars(frame, right[0], " Restrictions in force ".into(), &kinds, t);
    bars(
        frame,
        right[1],
        " Third incident to decision ".into(),
        &times,
        t,
    );
    // The overdue reviews, most overdue first: Enter opens the case.
    let block = boxed(
        format!(
            " Reviews overdue: {}{} ",
            count(r.overdue_total),
            if r.overdue.is_empty() {
                String::new()
            } else {
                " - Up/Down, Enter opens the case".into()
            }
        ),
        t,
    );
    let inner = block.inner(rows[2]);
    frame.render_widget(block, rows[2]);
    if r.overdue.is_empty() {
        frame.render_widget(Paragraph::new("No review is overdue."), inner);
        return;
    }
    let h = inner.height as usize;
    let first = selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = r
        .overdue
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, row)| {
            let mark = if i == selected { "> " } else { "  " };
            let text = format!(
                "{mark}{}",
                overdue_line(row, app, r.today, (inner.width as usize).saturating_sub(2))
            );
            if i == selected {
                Line::styled(text, t.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The reports pane.
pub fn reports(frame: &mut Frame, area: Rect, app: &App) {
    let Some(view) = app.overlays.reports() else {
        return;
    };
    let t = &Theme::of(app);
    let title = format!(
        " Reports - last {} months (t: {}), Tab: {}, Esc back ",
        view.months,
        if view.months == 12 { 24 } else { 12 },
        if view.section == 0 {
            "decisions and reviews"
        } else {
            "incidents"
        }
    );
    let inner = super::overlay(frame, area, app, title);
    let Some(r) = &view.report else {
        let text = view
            .error
            .clone()
            .unwrap_or_else(|| "Reading the figures...".into());
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    };
    let mut head = format!(
        "{} to {}: {} incidents, {} immediate threats.",
        time::date(r.from),
        time::date(r.to),
        count(r.total_incidents()),
        count(r.total_threats())
    );
    if r.total_incidents() == 0 {
        head.push_str(" No incidents were recorded in these months.");
    }
    if let Some(e) = &view.error {
        head = format!("{} (could not read them again: {e})", head);
    }
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(1)])
        .split(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&head, rows[0].width as usize),
            t.heading(),
        )),
        rows[0],
    );
    let body = rows[1];
    if body.height >= 34 {
        let halves = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(48), Constraint::Percentage(52)])
            .split(body);
        incidents_section(frame, halves[0], app, r, t);
        decisions_section(frame, halves[1], app, r, view.selected, t);
    } else if view.section == 0 {
        incidents_section(frame, body, app, r, t);
    } else {
        decisions_section(frame, body, app, r, view.selected, t);
    }
}

/// A list's overlay, titled with what it lists and its keys (what Enter opens, and back, as the
/// person's keymap has them); the area inside it.
fn list_overlay(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    (what, opens): (&str, &str),
    ctx: crate::app::keymap::Context,
) -> Rect {
    use crate::app::keymap::Action;
    super::overlay(
        frame,
        area,
        app,
        format!(
            " {what} - {} ",
            super::title_keys(app, ctx, &[(Action::Open, opens), (Action::Back, "back")])
        ),
    )
}

/// The incidents list.
/// Returns where its rows are, for the mouse.
pub fn incidents(frame: &mut Frame, area: Rect, app: &App) -> Option<ListSpot> {
    let view = app.overlays.incidents()?;
    let t = &Theme::of(app);
    let inner = list_overlay(
        frame,
        area,
        app,
        ("Incidents, newest first", "opens the card"),
        crate::app::keymap::Context::Incidents,
    );
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(2), Constraint::Min(1)])
        .split(inner);
    let own = view.page.as_ref().is_some_and(|p| p.own_only);
    let matched = match &view.page {
        None => "reading...".to_string(),
        Some(p) => match p.total {
            Some(n) => format!("{} match", count(n)),
            None if p.more => format!("{}+ shown so far", count(p.rows.len() as u64)),
            None => format!("{} match", count(p.rows.len() as u64)),
        },
    };
    let head = vec![
        Line::from(vec![
            Span::styled(format!("Showing: {}", view.describe(app)), t.heading()),
            Span::raw(format!(" - {matched}. ! = immediate threat")),
        ]),
        Line::styled(
            if own {
                "The incidents you logged (reception and phone staff see their own)."
            } else {
                "t today d dates c category h channel s staff u unidentified x threats 0 all"
            },
            t.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(head), rows[0]);
    let body = rows[1];
    if let Some(e) = &view.error {
        frame.render_widget(
            Paragraph::new(Span::styled(e.clone(), t.error())).wrap(Wrap { trim: true }),
            body,
        );
        return None;
    }
    let Some(page) = &view.page else {
        return None;
    };
    if page.rows.is_empty() {
        frame.render_widget(
            Paragraph::new("No incidents match. Press 0 to show them all.")
                .wrap(Wrap { trim: true }),
            body,
        );
        return None;
    }
    let w = body.width as usize;
    let h = body.height as usize;
    let first = view.selected.saturating_sub(h.saturating_sub(1));
    let fixed = 3 + 16 + 1;
    let rest = w.saturating_sub(fixed);
    let name_w = rest * 32 / 100;
    let cat_w = rest * 24 / 100;
    let chan_w = rest * 16 / 100;
    let by_w = rest.saturating_sub(name_w + cat_w + chan_w + 3);
    let lines: Vec<Line> = page
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, r)| {
            let text = format!(
                "{}{} {} {} {} {} {}",
                if i == view.selected { ">" } else { " " },
                if r.immediate_threat { "!" } else { " " },
                fit(&time::date_time(r.occurred_at), 16),
                fit(
                    &r.customer_name
                        .replacen("Unidentified visitor: ", "Visitor: ", 1),
                    name_w
                ),
                fit(app.policy.label_of(&r.category), cat_w),
                fit(app.policy.label_of(&r.channel), chan_w),
                fit(&r.logged_by, by_w)
            );
            if i == view.selected {
                Line::styled(text, t.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    Some(ListSpot {
        rows: super::spot(body),
        first,
        height: 1,
        len: page.rows.len(),
    })
}

/// The restrictions in force, the review most overdue first.
/// Returns where its rows are, for the mouse.
pub fn in_force(frame: &mut Frame, area: Rect, app: &App) -> Option<ListSpot> {
    let view = app.overlays.in_force()?;
    let t = &Theme::of(app);
    let inner = list_overlay(
        frame,
        area,
        app,
        (
            "Restrictions in force, review most overdue first",
            "opens the review",
        ),
        crate::app::keymap::Context::InForce,
    );
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(1)])
        .split(inner);
    let body = rows[1];
    if let Some(e) = &view.error {
        frame.render_widget(
            Paragraph::new(Span::styled(e.clone(), t.error())).wrap(Wrap { trim: true }),
            inner,
        );
        return None;
    }
    let Some(page) = &view.page else {
        frame.render_widget(Paragraph::new("Reading..."), inner);
        return None;
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                "{} restrictions in force. Review due, how late, customer, restriction, case:",
                count(page.total)
            ),
            t.heading(),
        )),
        rows[0],
    );
    if page.rows.is_empty() {
        frame.render_widget(Paragraph::new("No restriction is in force."), body);
        return None;
    }
    let today = time::london_date(app.now);
    let h = body.height as usize;
    let first = view.selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = page
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, r)| {
            let mark = if i == view.selected { "> " } else { "  " };
            let text = format!(
                "{mark}{}",
                overdue_line(r, app, today, (body.width as usize).saturating_sub(2))
            );
            if i == view.selected {
                Line::styled(text, t.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    Some(ListSpot {
        rows: super::spot(body),
        first,
        height: 1,
        len: page.rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_short_enough_for_a_bar() {
        assert_eq!(short(987), "987");
        assert_eq!(short(1234), "1.2k");
        assert_eq!(short(56_772), "56k");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(fit("Deborah Johnson", 8), "Deborah…");
        assert_eq!(fit("Zoë", 5), "Zoë  ");
    }
}
