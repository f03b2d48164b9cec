//! `safedesk retention` and `safedesk export-customer`: keeping records no longer than the
//! policy says, and answering a subject access request.

use super::{session, Cli};
use crate::domain::{Id, RetentionReport, Role};
use crate::letters::{exports_dir, write_export};
use crate::store::Store;
use crate::text::clean;
use crate::time;
use std::path::Path;
use std::process::ExitCode;

/// `safedesk retention [--dry-run] [--json]`: list (or remove) what is past its keeping period.
pub fn retention(cli: &Cli, dry_run: bool, json: bool) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    let today = time::london_date(chrono::Utc::now());
    let report = if dry_run {
        s.store.retention_plan(today).map_err(|e| e.to_string())?
    } else {
        if !s.actor.role().is_some_and(Role::can_manage_staff) {
            return Err(format!(
                "{} cannot remove records: only an admin can run safedesk retention. Anyone may see what it would remove with: safedesk retention --dry-run",
                s.actor.name()
            ));
        }
        s.store
            .retention_run(&s.actor, today)
            .map_err(|e| e.to_string())?
    };
    let mut left: Vec<String> = Vec::new();
    if !dry_run {
        for f in &report.letter_files {
            match std::fs::remove_file(f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => left.push(format!("{f} ({e})")),
            }
        }
    }
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "dry_run": dry_run,
                "items": report.items.iter().map(|i| serde_json::json!({
                    "customer_id": i.customer_id,
                    "customer": i.customer_name,
                    "kind": i.kind,
                    "record_id": i.record_id,
                    "date": time::date(i.date),
                    "rule": i.rule(),
                })).collect::<Vec<_>>(),
                "letter_files": report.letter_files,
                "held_back": report.held,
                "files_not_deleted": left,
            }))
            .map_err(|e| e.to_string())?
        );
    } else {
        out!("{}", in_words(&report, dry_run));
        for l in &left {
            outln!("Could not delete the letter file {l}: delete it by hand.");
        }
    }
    Ok(if left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The report as the command prints it: a line per record, then the totals.
pub fn in_words(report: &RetentionReport, dry_run: bool) -> String {
    let mut out = String::new();
    if report.items.is_empty() {
        out.push_str("Nothing is past its keeping period.\n");
    } else {
        out.push_str(if dry_run {
            "These records are past their keeping period and would be removed:\n"
        } else {
            "Removed, as past their keeping period:\n"
        });
        out.push_str("(The last activity is the later of the customer's last incident, decision, review or letter and the end of their last restriction.)\n");
        for i in &report.items {
            out.push_str(&format!(
                "{} ({}): {} {} of {}. {}.\n",
                clean(&i.customer_name),
                i.customer_id,
                i.kind.in_words(),
                i.record_id,
                time::date(i.date),
                i.rule()
            ));
        }
        let counts: Vec<String> = report
            .counts()
            .into_iter()
            .map(|(k, n)| {
                format!(
                    "{n} {}",
                    if n == 1 {
                        k.in_words().to_string()
                    } else {
                        crate::domain::record_kind_plural(k)
                            .replace(" (once nothing else of theirs is left)", "")
                    }
                )
            })
            .collect();
        out.push_str(&format!(
            "{} {} in all: {}.\n",
            if dry_run { "Would remove" } else { "Removed" },
            report.items.len(),
            counts.join(", ")
        ));
        if dry_run {
            out.push_str("An admin removes them with: safedesk retention\n");
        } else if !report.letter_files.is_empty() {
            out.push_str(&format!(
                "Their {} letter files were deleted from the letters folder.\n",
                report.letter_files.len()
            ));
        }
    }
    if report.held > 0 {
        out.push_str(&format!(
            "{} customer{} past a keeping period {} kept: a restriction in force, an open case or a letter owed holds them.\n",
            report.held,
            if report.held == 1 { "" } else { "s" },
            if report.held == 1 { "is" } else { "are" }
        ));
    }
    out
}

/// `safedesk export-customer ID|QUERY [--out FOLDER]`: everything held about one person.
pub fn export_customer(cli: &Cli, who: &[String], out: Option<&Path>) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    if !s.actor.role().is_some_and(Role::can_decide) {
        return Err(format!(
            "{} cannot export what is held about a customer: a manager or admin answers subject access requests.",
            s.actor.name()
        ));
    }
    let query = who.join(" ");
    let id: Id = match query.trim().parse::<Id>() {
        Ok(id) => id,
        Err(_) => {
            let hits = s.store.lookup(&query, 30).map_err(|e| e.to_string())?;
            match hits.len() {
                0 => {
                    return Err(format!(
                        "No one matches \"{}\". Give their id (safedesk lookup shows it) or another search.",
                        clean(&query)
                    ))
                }
                1 => hits[0].history.customer.id,
                n => {
                    outln!(
                        "{n} people match \"{}\": run this again with the id of the one you mean.",
                        clean(&query)
                    );
                    for h in &hits {
                        let c = &h.history.customer;
                        outln!(
                            "{}  {}{}",
                            c.id,
                            clean(&c.display_name()),
                            [c.postcode.clone(), c.phones.first().cloned().unwrap_or_default()]
                                .iter()
                                .filter(|x| !x.is_empty())
                                .map(|x| format!(", {}", clean(x)))
                                .collect::<String>()
                        );
                    }
                    return Ok(ExitCode::from(1));
                }
            }
        }
    };
    let sa = s
        .store
        .subject_access(id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("There is no customer with the id {id}."))?;
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => match &s.letters {
            Ok(kit) => exports_dir(&kit.dir),
            Err(_) => exports_dir(&crate::letters::letters_dir(None, s.at.file())),
        },
    };
    let written = write_export(&dir, &sa, &s.policy).map_err(|e| e.to_string())?;
    if let Err(e) = s
        .store
        .record_export(&s.actor, id, &written.folder.display().to_string())
    {
        let _ = std::fs::remove_dir_all(&written.folder);
        return Err(format!("{e} The export was not kept."));
    }
    outln!(
        "Everything held about {} is in {}:\n  {} (printable)\n  {}\n  {}",
        clean(&sa.history.customer.display_name()),
        written.folder.display(),
        written.html.display(),
        written.markdown.display(),
        written.json.display()
    );
    Ok(ExitCode::SUCCESS)
}
