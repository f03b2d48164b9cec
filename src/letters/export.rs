//! Subject access exports: everything held about one person, written as a printable page (the
//! letters' A4 HTML, everything escaped), Markdown and JSON, in a folder of its own.

use super::files::safe_stem;
use super::{clean, html::to_html, io_error, one_line, LetterError};
use crate::domain::{scrub, SubjectAccess};
use crate::policy::Policy;
use crate::time;
use std::fs;
use std::path::{Path, PathBuf};

/// Where subject access exports go by default: a `subject access` folder beside the letters
/// folder.
pub fn exports_dir(letters_dir: &Path) -> PathBuf {
    match letters_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("subject access"),
        _ => PathBuf::from("subject access"),
    }
}

/// The three files an export is made of, in the folder it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportWritten {
    pub folder: PathBuf,
    pub html: PathBuf,
    pub markdown: PathBuf,
    pub json: PathBuf,
}

/// Text a person typed, on lines of its own in Markdown: nothing in it is taken as Markdown
/// (a leading `#`, `-` or `>`, emphasis, links) or as HTML.
fn text(t: &str) -> String {
    let t = clean(t);
    t.lines()
        .map(|l| {
            let mut out = String::with_capacity(l.len());
            for (k, c) in l.chars().enumerate() {
                let starts = k == 0 && matches!(c, '#' | '-' | '+' | '>' | '=');
                if starts
                    || matches!(
                        c,
                        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '!'
                    )
                {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn row(out: &mut String, label: &str, value: &str) {
    if !value.trim().is_empty() {
        out.push_str(&format!("- {label}: {}\n", text(&one_line(value))));
    }
}

fn block(out: &mut String, label: &str, value: &str) {
    if !value.trim().is_empty() {
        out.push_str(&format!("- {label}:\n\n"));
        for l in text(value).lines() {
            out.push_str(&format!("    {l}\n"));
        }
        out.push('\n');
    }
}

/// The export as Markdown; `files` holds each letter file's text, by letter id.
pub fn markdown(sa: &SubjectAccess, policy: &Policy, files: &[(String, String)]) -> String {
    let h = &sa.history;
    let c = &h.customer;
    let mut o = String::new();
    o.push_str(&format!(
        "# Everything held about {}\n\nMade on {} for a subject access request. Names of staff are kept; other people's names and records are taken out (\"[another person]\").\n\n",
        text(&c.display_name()),
        time::date_time(sa.made_at)
    ));
    o.push_str("## Details\n\n");
    row(&mut o, "Record", &c.id.to_string());
    row(&mut o, "Name", c.name.as_deref().unwrap_or("not known"));
    row(&mut o, "Other names", &c.other_names.join(", "));
    row(&mut o, "Telephone", &c.phones.join(", "));
    row(&mut o, "Email", &c.emails.join(", "));
    row(&mut o, "Address", &c.address.join(", "));
    row(&mut o, "Postcode", &c.postcode);
    let format = match (c.large_print, c.easy_read) {
        (true, true) => "large print and easy read",
        (true, false) => "large print",
        (false, true) => "easy read",
        _ => "",
    };
    row(&mut o, "Letters in", format);
    row(&mut o, "Description", &c.description);
    block(&mut o, "Notes", &c.notes);
    row(&mut o, "Added", &time::date_time(c.created_at));
    if !sa.merged.is_empty() {
        row(
            &mut o,
            "Records joined to this one",
            &sa.merged
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    o.push_str(&format!("\n## Incidents ({})\n\n", h.incidents.len()));
    if h.incidents.is_empty() {
        o.push_str("No incidents are recorded.\n\n");
    }
    for i in &h.incidents {
        o.push_str(&format!(
            "### {} - {}\n\n",
            time::date_time(i.occurred_at),
            text(policy.label_of(&i.category))
        ));
        row(&mut o, "Record", &i.id.to_string());
        row(&mut o, "How", policy.label_of(&i.channel));
        row(
            &mut o,
            "Behaviours",
            &i.behaviours
                .iter()
                .map(|b| policy.behaviour_label(b).unwrap_or(b).to_string())
                .collect::<Vec<_>>()
                .join("; "),
        );
        row(&mut o, "Other behaviour", &i.behaviour_other);
        row(&mut o, "Response", policy.label_of(&i.response));
        row(&mut o, "Reference", &i.reference);
        row(
            &mut o,
            "Immediate threat",
            if i.immediate_threat { "yes" } else { "no" },
        );
        block(&mut o, "What happened", &i.description);
        block(&mut o, "Witnesses", &i.witnesses);
        row(&mut o, "Circumstances", &policy.circumstances(i));
        row(&mut o, "Staff safety", &i.harm.sentence());
        row(
            &mut o,
            "Logged",
            &format!("{} by {}", time::date_time(i.logged_at), i.logged_by_name),
        );
        if let Some(w) = &i.withdrawn {
            row(
                &mut o,
                "Withdrawn",
                &format!("{} by {}: {}", time::date_time(w.at), w.by, w.reason),
            );
        }
        o.push('\n');
    }
    o.push_str(&format!("## Cases ({})\n\n", sa.cases.len()));
    if sa.cases.is_empty() {
        o.push_str("No cases are recorded.\n\n");
    }
    for k in &sa.cases {
        o.push_str(&format!(
            "### {} - {}\n\n",
            time::date_time(k.opened_at),
            text(k.reason.label())
        ));
        row(&mut o, "Record", &k.id.to_string());
        row(&mut o, "Incidents", &k.incidents.len().to_string());
        row(
            &mut o,
            "Assigned to",
            k.assigned_to.as_deref().unwrap_or(""),
        );
        block(&mut o, "What the customer asked", &k.note);
        o.push('\n');
    }
    o.push_str(&format!("## Decisions ({})\n\n", h.decisions.len()));
    if h.decisions.is_empty() {
        o.push_str("No decisions are recorded.\n\n");
    }
    for d in &h.decisions {
        o.push_str(&format!(
            "### {} - {}\n\n",
            time::date(d.meeting_date),
            text(d.outcome.label())
        ));
        row(&mut o, "Record", &d.id.to_string());
        row(
            &mut o,
            "Decided",
            &format!("{} by {}", time::date_time(d.decided_at), d.decided_by_name),
        );
        row(&mut o, "Attended", &d.attendees);
        block(&mut o, "Reasons (staff notes)", &d.reasons);
        block(
            &mut o,
            "Reasons given to the customer",
            &d.reasons_for_customer,
        );
        row(&mut o, "Authority told", &d.authority_told);
        block(&mut o, "Assessment of risk", &d.risk_assessment);
        row(
            &mut o,
            "Actions tried first",
            &d.tried_actions
                .iter()
                .map(|a| policy.label_of(a).to_string())
                .collect::<Vec<_>>()
                .join("; "),
        );
        row(&mut o, "Why none was suitable", &d.none_suitable);
        row(
            &mut o,
            "Reasonable adjustments considered",
            &policy.adjustments_words(d).unwrap_or_default(),
        );
        o.push('\n');
    }
    o.push_str(&format!("## Restrictions ({})\n\n", h.restrictions.len()));
    if h.restrictions.is_empty() {
        o.push_str("No restrictions are recorded.\n\n");
    }
    for r in &h.restrictions {
        o.push_str(&format!("### {}\n\n", text(policy.label_of(&r.kind))));
        row(&mut o, "Record", &r.id.to_string());
        row(&mut o, "From", &time::date_time(r.starts_at));
        row(
            &mut o,
            "Review due",
            &r.review_due.map(time::date).unwrap_or_default(),
        );
        row(
            &mut o,
            "Ended",
            &r.ends_at
                .map(|e| format!("{} {}", time::date_time(e), r.ended_reason))
                .unwrap_or_else(|| "in force".into()),
        );
        let p = &r.params;
        let params = serde_json::to_value(p).unwrap_or_default();
        if let Some(map) = params.as_object() {
            for (k, v) in map {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                row(&mut o, &k.replace('_', " "), &v);
            }
        }
        o.push('\n');
    }
    o.push_str(&format!("## Reviews ({})\n\n", h.reviews.len()));
    if h.reviews.is_empty() {
        o.push_str("No reviews are recorded.\n\n");
    }
    for r in &h.reviews {
        o.push_str(&format!(
            "### {} - {}\n\n",
            time::date_time(r.reviewed_at),
            r.outcome.label()
        ));
        row(&mut o, "Record", &r.id.to_string());
        row(&mut o, "Reviewed by", &r.reviewed_by_name);
        row(
            &mut o,
            "Still wants the services",
            match r.still_wants {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not known",
            },
        );
        row(
            &mut o,
            "Next review",
            &r.next_review.map(time::date).unwrap_or_default(),
        );
        block(&mut o, "Notes (staff)", &r.notes);
        block(
            &mut o,
            "Reasons given to the customer",
            &r.reasons_for_customer,
        );
        row(
            &mut o,
            "Reasonable adjustments considered",
            &policy.review_adjustments_words(r).unwrap_or_default(),
        );
        o.push('\n');
    }
    o.push_str(&format!("## Letters ({})\n\n", h.letters.len()));
    if h.letters.is_empty() {
        o.push_str("No letters are recorded.\n\n");
    }
    for l in &h.letters {
        o.push_str(&format!(
            "### {} - {}\n\n",
            time::date_time(l.created_at),
            text(&super::kind_in_words(&l.kind))
        ));
        row(&mut o, "Record", &l.id.to_string());
        row(
            &mut o,
            "Sent",
            &l.sent_at
                .map(|s| format!("{} {}", time::date_time(s), l.sent_how.replace('_', " ")))
                .unwrap_or_else(|| "not recorded as sent".into()),
        );
        row(&mut o, "File", &l.file);
        let id = l.id.to_string();
        if let Some((_, body)) = sa.letter_bodies.iter().find(|(i, _)| *i == l.id) {
            block(&mut o, "Text as recorded", body);
        }
        if let Some((_, file)) = files.iter().find(|(i, _)| *i == id) {
            block(&mut o, "Text of the letter's file", file);
        }
        o.push('\n');
    }
    o.push_str(&format!("## Audit entries ({})\n\n", sa.audit.len()));
    o.push_str("Every change made to these records: when, by whom, what, and what it said before and after.\n\n");
    for a in &sa.audit {
        let when = time::from_db(&a.at)
            .map(time::date_time)
            .unwrap_or_else(|| a.at.clone());
        o.push_str(&format!(
            "- {} {}: {} ({} {})\n",
            when,
            text(&a.who),
            text(&a.action),
            text(&a.entity),
            a.entity_id
        ));
        for (label, v) in [("before", &a.before), ("after", &a.after)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                o.push_str(&format!("    - {label}: {}\n", text(&one_line(v))));
            }
        }
    }
    scrub(&o, &sa.others)
}

/// The export as JSON: every record as safedesk holds it, and the letter files' text.
pub fn json(sa: &SubjectAccess, files: &[(String, String)]) -> String {
    let mut v = serde_json::to_value(sa).unwrap_or_default();
    if let Some(m) = v.as_object_mut() {
        m.insert(
            "letter_bodies".into(),
            serde_json::Value::Object(
                sa.letter_bodies
                    .iter()
                    .map(|(id, b)| (id.to_string(), b.clone().into()))
                    .collect(),
            ),
        );
        m.insert(
            "letter_files".into(),
            serde_json::Value::Object(
                files
                    .iter()
                    .map(|(id, t)| (id.clone(), t.clone().into()))
                    .collect(),
            ),
        );
    }
    scrub(
        &serde_json::to_string_pretty(&v).unwrap_or_default(),
        &sa.others,
    )
}

/// Each letter's file text (the Markdown saved beside its printable page), where it can be
/// read, by letter id; other people taken out.
pub fn letter_files(sa: &SubjectAccess) -> Vec<(String, String)> {
    sa.history
        .letters
        .iter()
        .filter(|l| !l.file.is_empty())
        .filter_map(|l| {
            fs::read_to_string(&l.file)
                .ok()
                .map(|t| (l.id.to_string(), scrub(&t, &sa.others)))
        })
        .collect()
}

/// Write the export into a new folder in `dir` ("2026-11-24 Subject access - Name", never an
/// existing one): `export.html` (printable, A4), `export.md` and `export.json`.
pub fn write(
    dir: &Path,
    sa: &SubjectAccess,
    policy: &Policy,
) -> Result<ExportWritten, LetterError> {
    let advice = "Check the folder exists, is on a drive that is connected, and that you can save files in it.";
    fs::create_dir_all(dir).map_err(|e| io_error("create the folder", dir, &e, advice))?;
    let name = sa.history.customer.display_name();
    let base = safe_stem(&format!(
        "{} Subject access - {}",
        time::date_to_db(time::london_date(sa.made_at)),
        name
    ));
    let mut folder = None;
    for n in 1..=1000u32 {
        let stem = if n == 1 {
            base.clone()
        } else {
            format!("{base} ({n})")
        };
        let f = dir.join(&stem);
        match fs::create_dir(&f) {
            Ok(()) => {
                folder = Some(f);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error("create the folder", &f, &e, advice)),
        }
    }
    let folder = folder.ok_or_else(|| {
        LetterError::Io(format!(
            "Could not make a folder in {}: 1000 named \"{base}\" are already there.",
            dir.display()
        ))
    })?;
    let files = letter_files(sa);
    let md = markdown(sa, policy, &files);
    let html = to_html(
        &md,
        &format!("Subject access - {}", scrub(&name, &sa.others)),
    );
    let out = ExportWritten {
        html: folder.join("export.html"),
        markdown: folder.join("export.md"),
        json: folder.join("export.json"),
        folder,
    };
    for (path, body) in [
        (&out.html, html),
        (&out.markdown, md),
        (&out.json, json(sa, &files)),
    ] {
        fs::write(path, body).map_err(|e| io_error("save the export", path, &e, advice))?;
    }
    Ok(out)
}
