//! `safedesk report`: the reports' figures as a file to send: CSV for a spreadsheet, Markdown,
//! or a printable page with the charts drawn, for the trustees' pack. Files leave the team, so
//! a count of 1 or 2, which could point to someone, is written as "fewer than 3".

use super::{session, Cli};
use crate::domain::{check_range, last_months, DecisionTimes, Outcome, Report};
use crate::policy::Policy;
use crate::store::Store;
use crate::time;
use chrono::{NaiveDate, Utc};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// What a suppressed count is written as.
pub const FEWER_THAN_3: &str = "fewer than 3";

/// A count as it may be shared outside the team.
pub fn shared(n: u64) -> String {
    if (1..3).contains(&n) {
        FEWER_THAN_3.to_string()
    } else {
        n.to_string()
    }
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Md,
    Html,
}

/// A date given on the command line: 24/11/2026 (or 24/11, today, yesterday) or 2026-11-24.
pub fn parse_arg(text: &str, field: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    crate::domain::parse_day(text, field, today)
}

/// `safedesk report [--from DATE] [--to DATE] [--format csv|md|html] [--out FILE]`.
pub fn run(
    cli: &Cli,
    from: Option<&str>,
    to: Option<&str>,
    format: Format,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    let now = Utc::now();
    let today = time::london_date(now);
    let (dfrom, dto) = last_months(today, 12);
    let from = from.map_or(Ok(dfrom), |t| parse_arg(t, "--from", today))?;
    let to = to.map_or(Ok(dto), |t| parse_arg(t, "--to", today))?;
    check_range(from, to, today)?;
    // A range running past today stops at today: there are no figures after it yet.
    let to = to.min(today);
    let mut s = session::open(cli)?;
    let report = s
        .store
        .report(&s.actor, from, to, now)
        .map_err(|e| e.to_string())?;
    let text = match format {
        Format::Csv => csv(&report, &s.policy),
        Format::Md => markdown(&report, &s.policy),
        Format::Html => html(&report, &s.policy),
    };
    match out {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| {
                format!(
                    "Could not write the report to {}: {e}. Check the folder exists and you may write there.",
                    p.display()
                )
            })?;
            eprintln!(
                "Wrote the report for {} to {} to {}.",
                time::date(from),
                time::date(to),
                p.display()
            );
        }
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// One figure of the report: its section, period, item and count (suppressed when shared).
struct Row {
    section: &'static str,
    period: String,
    item: String,
    count: u64,
    /// A number of days, not of people: never suppressed.
    days: bool,
}

fn outcome_label(id: &str) -> String {
    Outcome::parse(id).map_or_else(|| id.to_string(), |o| o.label().to_string())
}

/// Every figure in the report, in order.
fn rows(r: &Report, p: &Policy) -> Vec<Row> {
    let mut out = Vec::new();
    let row = |section, period: &str, item: &str, count| Row {
        section,
        period: period.to_string(),
        item: item.to_string(),
        count,
        days: false,
    };
    for m in &r.months {
        let period = m.month.format("%Y-%m").to_string();
        out.push(row("incidents", &period, "all", m.total));
        out.push(row("immediate threats", &period, "all", m.threats));
        for (k, n) in &m.by_category {
            out.push(row("incidents by category", &period, p.label_of(k), *n));
        }
        for (k, n) in &m.by_channel {
            out.push(row("incidents by channel", &period, p.label_of(k), *n));
        }
    }
    out.push(row("incidents", "total", "all", r.total_incidents()));
    out.push(row("immediate threats", "total", "all", r.total_threats()));
    for (k, n) in r.by_category() {
        out.push(row("incidents by category", "total", p.label_of(&k), n));
    }
    for (k, n) in r.by_channel() {
        out.push(row("incidents by channel", "total", p.label_of(&k), n));
    }
    for (k, n) in &r.outcomes {
        out.push(row("decisions by outcome", "total", &outcome_label(k), *n));
    }
    let today = time::date_to_db(r.today);
    for (k, n) in &r.in_force {
        out.push(row("restrictions in force", &today, p.label_of(k), *n));
    }
    out.push(row("reviews", "total", "held on time", r.reviews_on_time));
    out.push(row("reviews", "total", "held late", r.reviews_late));
    out.push(row("reviews", &today, "overdue now", r.overdue_total));
    let t = &r.decision_times;
    out.push(row(
        "third incident to decision",
        "total",
        "decisions",
        t.decisions,
    ));
    for (label, n) in DecisionTimes::BUCKETS.iter().zip(t.buckets) {
        out.push(row("third incident to decision", "total", label, n));
    }
    for (item, d) in [
        ("median days", t.median_days),
        ("longest days", t.longest_days),
    ] {
        if let Some(d) = d {
            out.push(Row {
                days: true,
                ..row("third incident to decision", "total", item, d.max(0) as u64)
            });
        }
    }
    out
}

fn count_text(r: &Row) -> String {
    if r.days {
        r.count.to_string()
    } else {
        shared(r.count)
    }
}

fn csv_field(s: &str) -> String {
    // A field a spreadsheet would take as a formula is quoted with a leading apostrophe.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The figures as CSV: one row a figure (section, period, item, count). Periods are months
/// (YYYY-MM), "total" for the whole dates, or a date for figures as of today.
pub fn csv(r: &Report, p: &Policy) -> String {
    let mut s = String::from("section,period,item,count\n");
    let _ = writeln!(
        s,
        "about,{} to {},dates (London),{}",
        time::date_to_db(r.from),
        time::date_to_db(r.to),
        csv_field(&format!("counts of 1 or 2 are shown as {FEWER_THAN_3}"))
    );
    for row in rows(r, p) {
        let _ = writeln!(
            s,
            "{},{},{},{}",
            csv_field(row.section),
            csv_field(&row.period),
            csv_field(&row.item),
            csv_field(&count_text(&row))
        );
    }
    s
}

fn title(r: &Report) -> String {
    format!(
        "Incidents and decisions, {} to {}",
        time::date(r.from),
        time::date(r.to)
    )
}

fn month_name(m: NaiveDate) -> String {
    m.format("%b %Y").to_string()
}

/// The figures as Markdown tables.
pub fn markdown(r: &Report, p: &Policy) -> String {
    let mut s = format!("# {}\n\n", title(r));
    let _ = writeln!(
        s,
        "Counts of 1 or 2 are shown as \"{FEWER_THAN_3}\", so no one can be picked out. Restrictions in force and overdue reviews are as of {}.\n",
        time::date(r.today)
    );
    if r.total_incidents() == 0 {
        s.push_str("No incidents were recorded in these dates.\n\n");
    }
    s.push_str("## Incidents each month\n\n| Month | Incidents | Immediate threats |\n| --- | ---: | ---: |\n");
    for m in &r.months {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            month_name(m.month),
            shared(m.total),
            shared(m.threats)
        );
    }
    let _ = writeln!(
        s,
        "| **Total** | **{}** | **{}** |\n",
        shared(r.total_incidents()),
        shared(r.total_threats())
    );
    let mut table = |heading: &str, col: &str, items: Vec<(String, u64)>| {
        let _ = writeln!(s, "## {heading}\n\n| {col} | Count |\n| --- | ---: |");
        if items.is_empty() {
            s.push_str("| None | 0 |\n");
        }
        for (k, n) in items {
            let _ = writeln!(s, "| {} | {} |", k.replace('|', "/"), shared(n));
        }
        s.push('\n');
    };
    let label = |v: Vec<(String, u64)>| -> Vec<(String, u64)> {
        v.into_iter()
            .map(|(k, n)| (p.label_of(&k).to_string(), n))
            .collect()
    };
    table("Incidents by category", "Category", label(r.by_category()));
    table("Incidents by channel", "Channel", label(r.by_channel()));
    table(
        "Decisions by outcome",
        "Outcome",
        r.outcomes
            .iter()
            .map(|(k, n)| (outcome_label(k), *n))
            .collect(),
    );
    table("Restrictions in force", "Kind", label(r.in_force.clone()));
    table(
        "Reviews",
        "Reviews",
        vec![
            ("Held on time".into(), r.reviews_on_time),
            ("Held late".into(), r.reviews_late),
            ("Overdue now".into(), r.overdue_total),
        ],
    );
    let t = &r.decision_times;
    table(
        "Third incident to decision",
        "Time taken",
        DecisionTimes::BUCKETS
            .iter()
            .zip(t.buckets)
            .map(|(l, n)| (l.to_string(), n))
            .collect(),
    );
    let _ = writeln!(s, "{}", decision_sentence(t));
    s
}

fn decision_sentence(t: &DecisionTimes) -> String {
    match (t.median_days, t.longest_days) {
        (Some(m), Some(l)) => format!(
            "{} decisions after a third incident: half were made within {m} days; the longest took {l} days.",
            shared(t.decisions)
        ),
        _ => "No decisions after a third incident in these dates.".to_string(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart of the months as inline SVG: every bar labelled with its month and count (a
/// suppressed count draws no bar, only "<3"), scaled to the page's width.
fn month_chart(r: &Report) -> String {
    let n = r.months.len().max(1);
    let (w, h, top, bottom) = (600.0_f64, 220.0_f64, 20.0_f64, 40.0_f64);
    let slot = w / n as f64;
    let max = r.months.iter().map(|m| m.total).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Incidents each month\">"
    );
    let _ = write!(
        s,
        "<line x1=\"0\" y1=\"{y}\" x2=\"{w}\" y2=\"{y}\" stroke=\"#000\"/>",
        y = h - bottom
    );
    for (i, m) in r.months.iter().enumerate() {
        let x = i as f64 * slot;
        let suppressed = (1..3).contains(&m.total);
        let bh = if suppressed {
            0.0
        } else {
            (h - top - bottom) * m.total as f64 / max
        };
        let y = h - bottom - bh;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#555\"/>",
            x + slot * 0.15,
            slot * 0.7
        );
        let value = if suppressed {
            "&lt;3".to_string()
        } else {
            m.total.to_string()
        };
        let fs = (slot * 0.3).clamp(7.0, 12.0);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{fs:.1}\" text-anchor=\"middle\">{value}</text>",
            x + slot / 2.0,
            y - 4.0
        );
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{fs:.1}\" text-anchor=\"middle\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{fs:.1}\" text-anchor=\"middle\">{}</text>",
            x + slot / 2.0,
            h - bottom + 14.0,
            m.month.format("%b"),
            x + slot / 2.0,
            h - bottom + 28.0,
            m.month.format("%y")
        );
    }
    s.push_str("</svg>");
    s
}

/// A table with a bar beside each count (the count is always written; the bar is only a guide).
fn bar_table(heading: &str, col: &str, items: &[(String, u64)]) -> String {
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let mut s = format!(
        "<h2>{}</h2><table><thead><tr><th>{}</th><th class=\"n\">Count</th><th class=\"bar\"></th></tr></thead><tbody>",
        esc(heading),
        esc(col)
    );
    if items.is_empty() {
        s.push_str("<tr><td>None</td><td class=\"n\">0</td><td></td></tr>");
    }
    for (k, n) in items {
        let pct = if (1..3).contains(n) { 0 } else { n * 100 / max };
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"bar\"><div style=\"width:{pct}%\"></div></td></tr>",
            esc(k),
            esc(&shared(*n))
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// A printable page (A4) with the charts drawn, for the trustees' pack.
pub fn html(r: &Report, p: &Policy) -> String {
    let label = |v: Vec<(String, u64)>| -> Vec<(String, u64)> {
        v.into_iter()
            .map(|(k, n)| (p.label_of(&k).to_string(), n))
            .collect()
    };
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{t}</title><style>\n\
@page {{ size: A4; margin: 20mm; }}\n\
body {{ font-family: Arial, Helvetica, sans-serif; font-size: 11pt; color: #000; max-width: 165mm; margin: 0 auto; }}\n\
h1 {{ font-size: 16pt; }} h2 {{ font-size: 13pt; margin-top: 1.2em; break-after: avoid; }}\n\
.chart {{ width: 100%; height: auto; display: block; }}\n\
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; break-inside: avoid; }}\n\
th, td {{ text-align: left; padding: 2px 4px; border-bottom: 1px solid #ccc; overflow-wrap: anywhere; }}\n\
th:first-child, td:first-child {{ width: 55%; }} .n {{ text-align: right; width: 20%; }} .bar {{ width: 25%; }}\n\
.bar div {{ height: 0.8em; background: #555; }}\n\
section {{ break-inside: avoid; }}\n\
</style></head><body>\n<h1>{t}</h1>\n\
<p>Counts of 1 or 2 are shown as \u{201c}{FEWER_THAN_3}\u{201d} (in the chart, &lt;3), so no one can be picked out. Restrictions in force and overdue reviews are as of {today}.</p>\n",
        t = esc(&title(r)),
        today = time::date(r.today)
    );
    if r.total_incidents() == 0 {
        s.push_str("<p><strong>No incidents were recorded in these dates.</strong></p>\n");
    }
    let _ = writeln!(
        s,
        "<section><h2>Incidents each month ({} in all, {} immediate threats)</h2>{}</section>",
        esc(&shared(r.total_incidents())),
        esc(&shared(r.total_threats())),
        month_chart(r)
    );
    s.push_str(&bar_table(
        "Incidents by category",
        "Category",
        &label(r.by_category()),
    ));
    s.push_str(&bar_table(
        "Incidents by channel",
        "Channel",
        &label(r.by_channel()),
    ));
    let outcomes: Vec<(String, u64)> = r
        .outcomes
        .iter()
        .map(|(k, n)| (outcome_label(k), *n))
        .collect();
    s.push_str(&bar_table("Decisions by outcome", "Outcome", &outcomes));
    s.push_str(&bar_table(
        "Restrictions in force",
        "Kind",
        &label(r.in_force.clone()),
    ));
    s.push_str(&bar_table(
        "Reviews",
        "Reviews",
        &[
            ("Held on time".into(), r.reviews_on_time),
            ("Held late".into(), r.reviews_late),
            ("Overdue now".into(), r.overdue_total),
        ],
    ));
    let t = &r.decision_times;
    let buckets: Vec<(String, u64)> = DecisionTimes::BUCKETS
        .iter()
        .zip(t.buckets)
        .map(|(l, n)| (l.to_string(), n))
        .collect();
    s.push_str(&bar_table(
        "Third incident to decision",
        "Time taken",
        &buckets,
    ));
    let _ = write!(s, "<p>{}</p>\n</body></html>\n", esc(&decision_sentence(t)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed() {
        assert_eq!(shared(0), "0");
        assert_eq!(shared(1), FEWER_THAN_3);
        assert_eq!(shared(2), FEWER_THAN_3);
        assert_eq!(shared(3), "3");
    }

    #[test]
    fn spreadsheet_formulas_are_not_run() {
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
    }
}
