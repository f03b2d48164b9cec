//! `safedesk import customers FILE.csv` and `safedesk import incidents FILE.csv`: the spreadsheet
//! an office kept before safedesk, saved as CSV.
//!
//! Every row is read and checked first, by the same rules as the forms (the incident form's
//! checks in `policy::incident`, the customer details' in the store); a row that fails is listed
//! with its row number (as the spreadsheet numbers it: the header is row 1), the column and the
//! reason. Nothing is written unless every row passes, or `--skip-bad` is given. Then the rows
//! are written in batches, each its own short `BEGIN IMMEDIATE` transaction (about 50 ms, with a
//! pause between them for a waiting PC to take its turn), so the other PCs
//! are never held up for long; incidents go through the store's own path for saving one, so
//! they count towards escalation as if typed.
//!
//! Each row's id is made from its content (and how many identical rows came before it), so
//! importing the same file again writes nothing twice: if the drive goes away part-way, the
//! batches already written stay, the rest are not written, and running the same command again
//! once the drive is back writes only the rest.
//!
//! The file may start with a byte-order mark, use Windows line endings and quoted line breaks;
//! a file that is not UTF-8 is read as Windows-1252 (what older Excel saves as "CSV"), and the
//! command says so.

use super::{session, Cli};
use crate::domain::{Id, NewCustomer, NewIncident, Subject};
use crate::policy::incident::{self as rules, Field as FormField};
use crate::policy::Policy;
use crate::store::{Store, StoreError};
use crate::text;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// What a CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Customers,
    Incidents,
}

impl Kind {
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "customers" => Some(Kind::Customers),
            "incidents" => Some(Kind::Incidents),
            _ => None,
        }
    }

    /// The fields a column can be mapped to.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Customers => &[
                "name",
                "first_name",
                "last_name",
                "other_names",
                "phone",
                "email",
                "address",
                "postcode",
                "notes",
                "description",
                "letters",
            ],
            Kind::Incidents => &[
                "customer_id",
                "name",
                "first_name",
                "last_name",
                "phone",
                "email",
                "address",
                "postcode",
                "occurred_at",
                "time",
                "channel",
                "category",
                "behaviours",
                "behaviour_other",
                "response",
                "reference",
                "description",
                "immediate_threat",
                "witnesses",
            ],
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Incidents => "incidents",
        }
    }
}

/// How long one batch's transaction should hold the shared file: the rows per batch follow
/// what the last batch took, so another PC's save waits at most about this long.
pub const BATCH_TARGET: std::time::Duration = std::time::Duration::from_millis(50);
/// The pause between batches, in which a PC waiting for the lock (its busy handler tries every
/// millisecond) gets its turn.
pub const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(10);

/// Rows in the next batch, from how long the last batch of `n` took.
fn next_batch(n: usize, took: std::time::Duration) -> usize {
    let ms = took.as_secs_f64().max(0.000_1) * 1000.0;
    let want = (n as f64 * BATCH_TARGET.as_secs_f64() * 1000.0 / ms) as usize;
    // Grow slowly, shrink at once; never fewer than 10 rows, as each commit costs the drive's
    // syncs whatever it holds.
    want.clamp(10, (n * 2).max(10)).min(500)
}

/// Write `rows` in batches, each its own short transaction, with a pause between them; stops at
/// the first batch refused, saying at which row.
fn in_batches<T>(
    rows: &[(usize, T)],
    mut write: impl FnMut(&[(usize, T)]) -> Result<(), StoreError>,
) -> Result<usize, (usize, usize, StoreError)> {
    let (mut at, mut n) = (0, 10);
    while at < rows.len() {
        let batch = &rows[at..(at + n).min(rows.len())];
        let started = std::time::Instant::now();
        if let Err(e) = write(batch) {
            return Err((batch[0].0, at, e));
        }
        at += batch.len();
        n = next_batch(batch.len(), started.elapsed());
        if at < rows.len() {
            std::thread::sleep(BATCH_PAUSE);
        }
    }
    Ok(at)
}

/// Which column holds which field, and how dates are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// (column as headed in the file, field)
    pub columns: Vec<(String, String)>,
    /// Dates like 11/24/2026 are month first (`dates=month-first`).
    pub month_first: bool,
}

impl Mapping {
    /// "Surname=last_name,Forename=first_name,dates=month-first"; a mapping file has the same
    /// entries one a line (or comma-separated), with `#` comments.
    pub fn parse(text: &str, kind: Kind) -> Result<Mapping, String> {
        let mut m = Mapping::default();
        for entry in text
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(|l| l.split(','))
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let Some((col, field)) = entry.split_once('=') else {
                return Err(format!(
                    "The mapping entry \"{entry}\" has no '=': write it as Column=field, for example Surname=last_name."
                ));
            };
            let (col, field) = (col.trim(), field.trim().to_lowercase());
            if col.eq_ignore_ascii_case("dates") {
                m.month_first = match field.replace(['_', ' '], "-").as_str() {
                    "month-first" | "mdy" | "us" => true,
                    "day-first" | "dmy" | "uk" => false,
                    _ => {
                        return Err(format!(
                        "dates={field} in the mapping: write dates=month-first or dates=day-first."
                    ))
                    }
                };
                continue;
            }
            if !kind.fields().contains(&field.as_str()) {
                return Err(format!(
                    "The mapping sends the column \"{col}\" to \"{field}\", which is not a field of {}. The fields are: {}.",
                    kind.plural(),
                    kind.fields().join(", ")
                ));
            }
            m.columns.push((col.to_string(), field));
        }
        Ok(m)
    }
}

/// The file's bytes as text, as every text file is read ([`crate::text::decode_text`]: a UTF-8
/// or UTF-16 byte-order mark is dropped, CRLF made LF); a file that is not valid UTF-8 is read as
/// Windows-1252. The second value says so, when it was.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    if let Ok(text) = crate::text::decode_text(bytes) {
        let note = encoding_rs::Encoding::for_bom(bytes)
            .filter(|(enc, _)| *enc != encoding_rs::UTF_8)
            .map(|(enc, _)| format!("The file is {}: read as such.", enc.name()));
        return (text, note);
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_string(), None),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (
                text.into_owned(),
                Some(
                    "The file is not UTF-8, so it was read as Windows-1252 (what older Excel saves as CSV): check that names with accents look right in the dry run."
                        .into(),
                ),
            )
        }
    }
}

/// One refused row: its number as the spreadsheet shows it, the column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "row {}: {}", self.row, self.reason)
        } else {
            write!(f, "row {}, {}: {}", self.row, self.column, self.reason)
        }
    }
}

/// A date (and time) as a spreadsheet holds it: 24/11/2026 (or 11/24/2026 month first),
/// 2026-11-24, 24-11-2026 or 24.11.2026, each with an optional time (14:05 or 14:05:30), or a
/// spreadsheet date number (46350, 46350.5 for midday). London time; a date alone is its
/// midnight.
pub fn parse_when(text: &str, month_first: bool) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let help = "write it as 24/11/2026, 2026-11-24 or a spreadsheet date number, with a time such as 14:05 if known";
    if t.is_empty() {
        return Err(format!("the date is empty: {help}."));
    }
    if let Ok(serial) = t.parse::<f64>() {
        // Spreadsheet serial numbers (1900 date system): 1 is 01/01/1900; day 60 is the
        // spreadsheet's 29/02/1900, which never was, so day numbers count from 30/12/1899.
        if !(61.0..2_958_466.0).contains(&serial) {
            return Err(format!("\"{t}\" is not a date: {help}."));
        }
        let days = serial.floor();
        let secs = ((serial - days) * 86_400.0).round() as i64;
        let date =
            NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date") + Duration::days(days as i64);
        return crate::time::london_at(date, (secs / 3600) as u32 % 24, (secs % 3600 / 60) as u32)
            .ok_or_else(|| format!("\"{t}\" is not a time that exists in London."));
    }
    let (day, clock) = match t.split_once([' ', 'T']) {
        Some((d, c)) => (d.trim(), c.trim()),
        None => (t, ""),
    };
    let bad = || format!("\"{t}\" is not a date I can read: {help}.");
    let parts: Vec<&str> = day.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let n = |i: usize| parts[i].parse::<u32>().map_err(|_| bad());
    let date = if parts[0].len() == 4 {
        NaiveDate::from_ymd_opt(n(0)? as i32, n(1)?, n(2)?)
    } else {
        let year = match n(2)? {
            y if y < 100 => 2000 + y as i32,
            y => y as i32,
        };
        let (d, m) = if month_first {
            (n(1)?, n(0)?)
        } else {
            (n(0)?, n(1)?)
        };
        match NaiveDate::from_ymd_opt(year, m, d) {
            Some(date) => Some(date),
            None if !month_first && NaiveDate::from_ymd_opt(year, d, m).is_some() => {
                return Err(format!(
                    "\"{t}\" is not a date day first; if the file writes dates month first (11/24/2026), add dates=month-first to the mapping."
                ))
            }
            None => None,
        }
    };
    let date = date.ok_or_else(bad)?;
    let (h, m) = if clock.is_empty() {
        (0, 0)
    } else {
        let c: Vec<&str> = clock.trim_end_matches('Z').split(':').collect();
        let num = |s: Option<&&str>| {
            s.and_then(|s| s.get(..2.min(s.len())))
                .and_then(|s| s.parse::<u32>().ok())
        };
        match (num(c.first()), num(c.get(1))) {
            (Some(h), Some(m)) if h < 24 && m < 60 => (h, m),
            _ => return Err(format!("\"{clock}\" is not a time: write it as 14:05.")),
        }
    };
    crate::time::london_at(date, h, m)
        .ok_or_else(|| format!("\"{t}\" is not a time that exists in London."))
}

/// A column's value in one record, by field (several columns may feed one field: they are
/// joined, by a space for names and as lines for an address).
struct Row<'a> {
    cells: HashMap<&'a str, Vec<(&'a str, String)>>,
}

impl Row<'_> {
    fn get(&self, field: &str) -> String {
        self.cells
            .get(field)
            .map(|v| {
                v.iter()
                    .map(|(_, s)| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }

    fn lines(&self, field: &str) -> Vec<String> {
        self.cells
            .get(field)
            .map(|v| {
                v.iter()
                    .flat_map(|(_, s)| s.split(['\n', ';']))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The column (as headed) a field came from, for messages.
    fn column(&self, field: &str) -> String {
        self.cells
            .get(field)
            .and_then(|v| v.first())
            .map(|(c, _)| c.to_string())
            .unwrap_or_else(|| field.to_string())
    }

    fn name(&self) -> String {
        let full = self.get("name");
        if !full.is_empty() {
            return full;
        }
        format!("{} {}", self.get("first_name"), self.get("last_name"))
            .trim()
            .to_string()
    }

    fn name_column(&self) -> String {
        if self.cells.contains_key("name") {
            self.column("name")
        } else if self.cells.contains_key("last_name") {
            self.column("last_name")
        } else {
            "name".into()
        }
    }
}

/// A row's id, made from its content and how many identical rows came before it, so the same
/// file imported twice is recognised.
fn row_id(kind: Kind, cells: &[String], seen: &mut HashMap<u128, u32>) -> Id {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4 ^ kind as u64;
    for c in cells {
        for byte in c.trim().bytes().chain([0x1f]) {
            a = (a ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ byte as u64)
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(7);
        }
    }
    let base = ((a as u128) << 64) | b as u128;
    let n = seen.entry(base).or_insert(0);
    *n += 1;
    let v = base ^ (*n as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // A version-4-shaped UUID, so it looks like every other id.
    uuid::Builder::from_u128(v)
        .with_variant(uuid::Variant::RFC4122)
        .with_version(uuid::Version::Random)
        .into_uuid()
}

/// An id for a new customer first met in an incidents file, from what identifies them.
fn person_id(key: &str) -> Id {
    let mut seen = HashMap::new();
    row_id(
        Kind::Customers,
        &["person".to_string(), key.to_string()],
        &mut seen,
    )
}

/// What the file held: the rows that passed, and those refused.
pub struct Checked<T> {
    pub good: Vec<(usize, T)>,
    pub refused: Vec<Refusal>,
    pub notes: Vec<String>,
}

/// Read the CSV and map its columns; errors that stop the whole file (no header, a mapped
/// column missing, a field that must be there) come back as the sentence to print.
fn read_rows(
    text: &str,
    kind: Kind,
    mapping: &Mapping,
    mut each: impl FnMut(usize, &Row<'_>, &[String]) -> Result<(), Vec<Refusal>>,
) -> Result<(Vec<Refusal>, Vec<String>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("The file's first row (its column headings) cannot be read ({e})."))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err("The file is empty or has no column headings in its first row.".into());
    }
    let norm = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
    // The columns used: the mapping's, or (with none) the columns headed as a field is named.
    let mut used: Vec<(usize, String, String)> = Vec::new();
    if mapping.columns.is_empty() {
        for (i, h) in headers.iter().enumerate() {
            if kind.fields().contains(&norm(h).as_str()) {
                used.push((i, h.clone(), norm(h)));
            }
        }
    } else {
        for (col, field) in &mapping.columns {
            let Some(i) = headers.iter().position(|h| norm(h) == norm(col)) else {
                return Err(format!(
                    "The mapping names the column \"{col}\", which the file does not have. Its columns are: {}.",
                    headers.join(", ")
                ));
            };
            used.push((i, headers[i].clone(), field.clone()));
        }
    }
    let has = |f: &str| used.iter().any(|(_, _, u)| u == f);
    let mut missing: Vec<&str> = Vec::new();
    match kind {
        Kind::Customers => {
            if !has("name") && !has("last_name") && !has("description") {
                missing.push("name (or first_name and last_name)");
            }
        }
        Kind::Incidents => {
            if !has("customer_id") && !has("name") && !has("last_name") {
                missing.push("customer_id or name");
            }
            for f in [
                "occurred_at",
                "channel",
                "category",
                "response",
                "description",
            ] {
                if !has(f) {
                    missing.push(f);
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "No column is mapped to {}. The file's columns are: {}. Map them with --map \"Column=field,...\" (the fields of {} are: {}).",
            missing.join(", "),
            headers.join(", "),
            kind.plural(),
            kind.fields().join(", ")
        ));
    }
    let mut notes = Vec::new();
    let unused: Vec<&str> = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.is_empty() && !used.iter().any(|(u, _, _)| u == i))
        .map(|(_, h)| h.as_str())
        .collect();
    if !unused.is_empty() {
        notes.push(format!("Columns not imported: {}.", unused.join(", ")));
    }
    let mut refused = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let row = k + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                refused.push(Refusal {
                    row,
                    column: String::new(),
                    reason: format!("cannot be read ({e})"),
                });
                continue;
            }
        };
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() < headers.len() {
            refused.push(Refusal {
                row,
                column: String::new(),
                reason: format!(
                    "has {} cells where the header has {}: a cell is missing (a line break outside quotes, or a row cut short)",
                    cells.len(),
                    headers.len()
                ),
            });
            continue;
        }
        if cells[headers.len()..].iter().any(|c| !c.trim().is_empty()) {
            refused.push(Refusal {
                row,
                column: String::new(),
                reason: format!(
                    "has {} cells where the header has {}: a comma outside quotes, or cells with no heading",
                    cells.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let mut map: HashMap<&str, Vec<(&str, String)>> = HashMap::new();
        for (i, h, f) in &used {
            map.entry(f.as_str())
                .or_default()
                .push((h.as_str(), text::sanitise_for_display(&cells[*i], true)));
        }
        if let Err(mut r) = each(row, &Row { cells: map }, &cells) {
            refused.append(&mut r);
        }
    }
    Ok((refused, notes))
}

/// Check a customers file, row by row.
pub fn check_customers(text: &str, mapping: &Mapping) -> Result<Checked<NewCustomer>, String> {
    let mut good = Vec::new();
    let mut seen = HashMap::new();
    let (refused, notes) = read_rows(text, Kind::Customers, mapping, |row, r, cells| {
        let mut out = Vec::new();
        let mut bad = |column: String, reason: String| {
            out.push(Refusal {
                row,
                column,
                reason,
            })
        };
        let name = r.name();
        let phones = r.lines("phone");
        for p in &phones {
            if let Err(m) = text::check_phone(p) {
                bad(r.column("phone"), m);
            }
        }
        let emails = r.lines("email");
        for e in &emails {
            if text::email_key(e).is_none() {
                bad(
                    r.column("email"),
                    format!("\"{e}\" is not an email address; write it as name@example.org."),
                );
            }
        }
        let address = r.lines("address");
        if let Err(m) = rules::address_problem(&address, &r.get("postcode")) {
            bad(r.column("address"), m);
        }
        let letters = r.get("letters");
        let format = crate::domain::LetterFormat::parse(&letters);
        if format.is_none() {
            bad(
                r.column("letters"),
                format!("\"{letters}\": write standard, large print, easy read or large print and easy read."),
            );
        }
        let c = NewCustomer {
            id: Some(row_id(Kind::Customers, cells, &mut seen)),
            name: (!name.is_empty()).then_some(name),
            other_names: r.lines("other_names"),
            phones,
            emails,
            postcode: r.get("postcode"),
            address,
            large_print: format.is_some_and(|f| f.large_print),
            easy_read: format.is_some_and(|f| f.easy_read),
            description: r.get("description"),
            notes: r.lines("notes").join("\n"),
        };
        if out.is_empty() {
            if let Err(e) = crate::store::sqlite::check_customer(c.clone()) {
                let column = if e.to_string().contains("name") {
                    r.name_column()
                } else {
                    String::new()
                };
                out.push(Refusal {
                    row,
                    column,
                    reason: e.to_string(),
                });
            }
        }
        if out.is_empty() {
            good.push((row, c));
            Ok(())
        } else {
            Err(out)
        }
    })?;
    Ok(Checked {
        good,
        refused,
        notes,
    })
}

/// A policy value as a spreadsheet may write it: its id or its label, any case.
fn policy_value<'a>(
    text: &str,
    options: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<String, Vec<String>> {
    let key = |s: &str| text::fold(s).replace(['_', '-'], " ");
    let want = key(text);
    let mut labels = Vec::new();
    for (id, label) in options {
        if key(id) == want || key(label) == want {
            return Ok(id.to_string());
        }
        labels.push(label.to_string());
    }
    Err(labels)
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" => Some(false),
        "yes" | "y" | "true" | "1" => Some(true),
        _ => None,
    }
}

/// Who an incident row is about, found once per person.
#[derive(Default)]
struct People {
    found: HashMap<String, Result<Subject, String>>,
}

impl People {
    fn subject(&mut self, store: &mut dyn Store, r: &Row<'_>) -> Result<Subject, (String, String)> {
        let id = r.get("customer_id");
        if !id.is_empty() {
            let col = r.column("customer_id");
            let key = format!("id:{id}");
            let found = self.found.entry(key).or_insert_with(|| {
                let Ok(id) = id.parse::<Id>() else {
                    return Err(format!(
                        "\"{id}\" is not a customer id (they look like 0b6f...-...)."
                    ));
                };
                match store.history(id) {
                    Ok(Some(h)) if h.merged_into.is_none() => Ok(Subject::Existing {
                        id,
                        name: h.customer.display_name(),
                    }),
                    Ok(Some(h)) => Err(format!(
                        "that customer's record was merged into {}'s: use their id.",
                        h.merged_into.map(|m| m.into_name).unwrap_or_default()
                    )),
                    Ok(None) => Err("no customer has that id.".into()),
                    Err(e) => Err(e.to_string()),
                }
            });
            return found.clone().map_err(|m| (col, m));
        }
        let name = r.name();
        let col = r.name_column();
        if name.is_empty() {
            return Err((
                col,
                "no name and no customer id: give one or the other.".into(),
            ));
        }
        let phone = r.lines("phone").into_iter().next().unwrap_or_default();
        let email = r.lines("email").into_iter().next().unwrap_or_default();
        let pkey = text::phone_key(&phone).unwrap_or_default();
        let ekey = text::email_key(&email).unwrap_or_default();
        let key = format!("{}|{pkey}|{ekey}", text::fold(&name));
        let address = r.lines("address");
        let postcode = r.get("postcode");
        let found = self.found.entry(key.clone()).or_insert_with(|| {
            let mut existing = |q: &str, keep: &dyn Fn(&crate::domain::Customer) -> bool| -> Result<Vec<(Id, String)>, String> {
                Ok(store
                    .lookup(q, 30)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .map(|h| h.history.customer)
                    .filter(|c| keep(c))
                    .map(|c| (c.id, c.display_name()))
                    .collect())
            };
            let mut hits = Vec::new();
            if !pkey.is_empty() {
                hits = existing(&phone, &|c| c.phones.iter().any(|p| text::phone_key(p).as_deref() == Some(&pkey)))?;
            }
            if hits.is_empty() && !ekey.is_empty() {
                hits = existing(&email, &|c| c.emails.iter().any(|e| text::email_key(e).as_deref() == Some(&ekey)))?;
            }
            if hits.is_empty() {
                let folded = text::fold(&name);
                hits = existing(&name, &|c| c.name.as_deref().is_some_and(|n| text::fold(n) == folded))?;
            }
            hits.dedup();
            match hits.len() {
                0 => Ok(Subject::New {
                    id: person_id(&key),
                    name: name.clone(),
                    phone: phone.clone(),
                    email: email.clone(),
                    address: address.clone(),
                    postcode: postcode.clone(),
                }),
                1 => Ok(Subject::Existing {
                    id: hits[0].0,
                    name: hits[0].1.clone(),
                }),
                n => Err(format!(
                    "{n} customers match \"{name}\": add a phone, email or customer_id column to say which."
                )),
            }
        });
        found.clone().map_err(|m| (col, m))
    }
}

/// Check an incidents file, row by row, by the incident form's rules; who each row is about is
/// found by its customer id, or its phone, email or exact name (a new customer when none).
pub fn check_incidents(
    text: &str,
    mapping: &Mapping,
    policy: &Policy,
    store: &mut dyn Store,
    now: DateTime<Utc>,
) -> Result<Checked<NewIncident>, String> {
    let mut good = Vec::new();
    let mut seen = HashMap::new();
    let mut people = People::default();
    let (refused, notes) = read_rows(text, Kind::Incidents, mapping, |row, r, cells| {
        let mut out = Vec::new();
        let mut bad = |column: String, reason: String| {
            out.push(Refusal {
                row,
                column,
                reason,
            })
        };
        let subject = match people.subject(store, r) {
            Ok(s) => Some(s),
            Err((c, m)) => {
                bad(c, m);
                None
            }
        };
        let when_text = format!("{} {}", r.get("occurred_at"), r.get("time"));
        let occurred_at = match parse_when(&when_text, mapping.month_first) {
            Ok(t) => Some(t),
            Err(m) => {
                bad(r.column("occurred_at"), m);
                None
            }
        };
        let mut value = |field: &str, what: &str, options: Vec<(&str, &str)>| -> String {
            let cell = r.get(field);
            if cell.is_empty() {
                return String::new();
            }
            match policy_value(&cell, options.into_iter()) {
                Ok(id) => id,
                Err(labels) => {
                    bad(
                        r.column(field),
                        format!(
                            "\"{cell}\" is not {what} in the policy; write one of: {}.",
                            labels.join(", ")
                        ),
                    );
                    String::new()
                }
            }
        };
        let channel = value(
            "channel",
            "a channel",
            policy
                .channels
                .iter()
                .map(|c| (c.id.as_str(), c.label.as_str()))
                .collect(),
        );
        let category = value(
            "category",
            "a behaviour category",
            policy
                .categories
                .iter()
                .map(|c| (c.id.as_str(), c.label.as_str()))
                .collect(),
        );
        let response = value(
            "response",
            "an initial response",
            policy
                .responses
                .iter()
                .map(|c| (c.id.as_str(), c.label.as_str()))
                .collect(),
        );
        let mut behaviours = Vec::new();
        if let Some(cat) = policy.category(&category) {
            for b in r.lines("behaviours") {
                match policy_value(
                    &b,
                    cat.behaviours
                        .iter()
                        .map(|x| (x.id.as_str(), x.label.as_str())),
                ) {
                    Ok(id) => behaviours.push(id),
                    Err(labels) => bad(
                        r.column("behaviours"),
                        format!(
                            "\"{b}\" is not one of the examples for {}; write one of: {}.",
                            cat.label,
                            labels.join(", ")
                        ),
                    ),
                }
            }
        }
        let threat = r.get("immediate_threat");
        let immediate_threat = yes_no(&threat).unwrap_or_else(|| {
            bad(
                r.column("immediate_threat"),
                format!("\"{threat}\": write yes or no."),
            );
            false
        });
        let (Some(subject), Some(occurred_at)) = (subject, occurred_at) else {
            return Err(out);
        };
        let inc = NewIncident {
            id: row_id(Kind::Incidents, cells, &mut seen),
            subject,
            occurred_at,
            channel,
            category,
            behaviours,
            behaviour_other: r.get("behaviour_other"),
            response,
            reference: r.get("reference"),
            description: r.lines("description").join("\n"),
            immediate_threat,
            witnesses: r.get("witnesses"),
            // The old spreadsheet did not ask.
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
        };
        if out.is_empty() {
            for p in rules::check_as(&inc, policy, now, rules::When::History) {
                let field = match p.field {
                    FormField::Subject => r.name_column(),
                    FormField::When => r.column("occurred_at"),
                    FormField::Channel => r.column("channel"),
                    FormField::Category => r.column("category"),
                    FormField::Behaviours => r.column("behaviours"),
                    FormField::Response => r.column("response"),
                    FormField::Reference => r.column("reference"),
                    FormField::Description => r.column("description"),
                    FormField::Witnesses => r.column("witnesses"),
                    FormField::Workload => r.column("category"),
                    FormField::HurtName | FormField::HurtHow | FormField::RiddorRef => {
                        r.column("behaviours")
                    }
                };
                out.push(Refusal {
                    row,
                    column: field,
                    reason: p.message,
                });
            }
        }
        if out.is_empty() {
            good.push((row, inc));
            Ok(())
        } else {
            Err(out)
        }
    })?;
    Ok(Checked {
        good,
        refused,
        notes,
    })
}

/// The options of `safedesk import customers|incidents FILE.csv`.
pub struct Options<'a> {
    pub kind: Kind,
    pub file: &'a Path,
    pub dry_run: bool,
    pub map: Option<&'a str>,
    pub map_file: Option<&'a Path>,
    pub skip_bad: bool,
}

/// `safedesk import customers|incidents FILE.csv`: exit code 0 when every row was imported (or
/// would be, with --dry-run), 1 when any row was refused (with --skip-bad the others were
/// written), 2 when the file cannot be read or the writing stopped part-way.
pub fn run(cli: &Cli, o: &Options<'_>) -> Result<ExitCode, String> {
    let mut mapping_text = String::new();
    if let Some(f) = o.map_file {
        mapping_text = crate::text::read_text(f)
            .map_err(|e| format!("Cannot read the mapping file {} ({e}).", f.display()))?;
        mapping_text.push('\n');
    }
    if let Some(m) = o.map {
        mapping_text.push_str(m);
    }
    let mapping = Mapping::parse(&mapping_text, o.kind)?;
    let bytes =
        std::fs::read(o.file).map_err(|e| format!("Cannot read {} ({e}).", o.file.display()))?;
    let (text, encoding_note) = decode(&bytes);
    let mut s = session::open(cli)?;
    let mut report = String::new();
    if let Some(n) = encoding_note {
        let _ = writeln!(report, "{n}");
    }
    let now = Utc::now();
    let (rows, refused, notes): (usize, Vec<Refusal>, Vec<String>);
    let mut incidents = Vec::new();
    let mut customers = Vec::new();
    match o.kind {
        Kind::Customers => {
            let c = check_customers(&text, &mapping)?;
            rows = c.good.len();
            (refused, notes) = (c.refused, c.notes);
            customers = c.good;
        }
        Kind::Incidents => {
            let policy = s.policy.clone();
            let c = check_incidents(&text, &mapping, &policy, &mut s.store, now)?;
            rows = c.good.len();
            (refused, notes) = (c.refused, c.notes);
            incidents = c.good;
        }
    }
    for n in notes {
        let _ = writeln!(report, "{n}");
    }
    let refused_rows: std::collections::BTreeSet<usize> = refused.iter().map(|r| r.row).collect();
    let _ = writeln!(
        report,
        "Checked {} rows: {rows} can be imported, {} refused.",
        rows + refused_rows.len(),
        refused_rows.len()
    );
    if !refused.is_empty() {
        let _ = writeln!(report, "Refused:");
        for r in &refused {
            let _ = writeln!(report, "  {r}");
        }
    }
    let print = |r: &str| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(r.as_bytes());
        let _ = out.flush();
    };
    if o.dry_run {
        let _ = writeln!(report, "Nothing was written (--dry-run).");
        print(&report);
        return Ok(if refused.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    if !refused.is_empty() && !o.skip_bad {
        let _ = writeln!(
            report,
            "Nothing was written: correct those rows and import the file again, or give --skip-bad to import the other {rows}."
        );
        print(&report);
        return Ok(ExitCode::from(1));
    }
    print(&report);
    let outcome: Result<String, (usize, usize, StoreError)> = match o.kind {
        Kind::Customers => {
            let mut added = 0;
            let res = in_batches(&customers, |batch| {
                let list: Vec<NewCustomer> = batch.iter().map(|(_, c)| c.clone()).collect();
                added += s.store.import_customers(&s.actor, &list)?;
                Ok(())
            });
            res.map(|n| {
                format!(
                    "Imported {added} customers{}.",
                    if added < n {
                        format!(" ({} were there already, from an earlier import, and were left as they were)", n - added)
                    } else {
                        String::new()
                    }
                )
            })
        }
        Kind::Incidents => {
            let policy = s.policy.clone();
            let (mut saved, mut again) = (0, 0);
            let open_before = s.store.open_cases().map(|c| c.len()).unwrap_or(0);
            let res = in_batches(&incidents, |batch| {
                let list: Vec<NewIncident> = batch.iter().map(|(_, i)| i.clone()).collect();
                for o in s.store.record_incidents(&s.actor, &policy, &list)? {
                    if o.already_saved {
                        again += 1;
                    } else {
                        saved += 1;
                    }
                }
                Ok(())
            });
            let open_after = s.store.open_cases().map(|c| c.len()).unwrap_or(0);
            let cases = open_after.saturating_sub(open_before);
            res.map(|_| {
                let mut m = format!("Imported {saved} incidents; the escalation rules ran for each: {cases} more cases are open for a manager.");
                if again > 0 {
                    let _ = write!(m, " {again} were there already, from an earlier import, and were left as they were.");
                }
                m
            })
        }
    };
    match outcome {
        Ok(m) => {
            print(&format!("{m}\n"));
            Ok(if refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Err((row, done, e)) => Err(format!(
            "The import stopped at row {row}: {e}\n{done} of {rows} {} were written before it stopped; the rest were not. Run the same command again once it can be: the rows already written are recognised and not written twice.",
            o.kind.plural()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_day_first_iso_month_first_and_as_serial_numbers() {
        let d = |t: &str, mf: bool| parse_when(t, mf).map(crate::time::date_time);
        assert_eq!(d("24/11/2026", false).unwrap(), "24/11/2026 00:00");
        assert_eq!(d("24/11/2026 14:05", false).unwrap(), "24/11/2026 14:05");
        assert_eq!(d("2026-11-24", false).unwrap(), "24/11/2026 00:00");
        assert_eq!(d("2026-11-24T14:05:30", false).unwrap(), "24/11/2026 14:05");
        assert_eq!(d("11/24/2026", true).unwrap(), "24/11/2026 00:00");
        assert_eq!(d("24/11/26", false).unwrap(), "24/11/2026 00:00");
        // 46350 is 24/11/2026 in a spreadsheet; .5 is midday.
        assert_eq!(d("46350", false).unwrap(), "24/11/2026 00:00");
        assert_eq!(d("46350.5", false).unwrap(), "24/11/2026 12:00");
        assert!(d("11/24/2026", false)
            .unwrap_err()
            .contains("dates=month-first"));
        assert!(d("31/02/2026", false).unwrap_err().contains("not a date"));
        assert!(d("soon", false).unwrap_err().contains("not a date"));
        assert!(d("24/11/2026 25:00", false)
            .unwrap_err()
            .contains("not a time"));
    }

    #[test]
    fn a_mapping_names_columns_fields_and_the_date_order() {
        let m = Mapping::parse(
            "Surname=last_name, Forename=first_name\n# a comment\ndates=month-first",
            Kind::Customers,
        )
        .unwrap();
        assert_eq!(m.columns.len(), 2);
        assert!(m.month_first);
        let e = Mapping::parse("Shoe size=shoe", Kind::Customers).unwrap_err();
        assert!(e.contains("not a field of customers"), "{e}");
        assert!(Mapping::parse("Surname", Kind::Customers)
            .unwrap_err()
            .contains("no '='"));
    }

    #[test]
    fn text_that_is_not_utf8_is_read_as_windows_1252() {
        let (t, note) = decode(b"name\nZo\xeb \xc5berg\n");
        assert_eq!(t, "name\nZoë Åberg\n");
        assert!(note.unwrap().contains("Windows-1252"));
        let (t, note) = decode("\u{feff}name\r\nZoë\r\n".as_bytes());
        assert_eq!(t, "name\nZoë\n");
        assert!(note.is_none());
    }

    #[test]
    fn the_same_rows_get_the_same_ids_and_identical_rows_differ() {
        let cells = vec!["a".to_string(), "b".to_string()];
        let mut s1 = HashMap::new();
        let mut s2 = HashMap::new();
        let first = row_id(Kind::Incidents, &cells, &mut s1);
        let second = row_id(Kind::Incidents, &cells, &mut s1);
        assert_ne!(first, second);
        assert_eq!(first, row_id(Kind::Incidents, &cells, &mut s2));
        assert_eq!(second, row_id(Kind::Incidents, &cells, &mut s2));
    }
}
