//! A customer's details as both engines check and keep them: tidying and refusing what is
//! typed, and telling a replayed edit from a conflicting one.

use crate::domain::{Customer, Id, NewCustomer, MAX_ADDRESS_LINE, MAX_ADDRESS_LINES, MAX_POSTCODE};
use crate::store::{Result, StoreError};
use crate::text;
use chrono::Utc;

/// Longest text safedesk stores in one field; longer pastes are refused with a message.
pub const MAX_TEXT: usize = 20_000;
/// Longest name or other single-line field.
pub const MAX_LINE: usize = 200;

/// Check and tidy a new customer before it is written.
pub fn validate_new_customer(c: NewCustomer) -> Result<Customer> {
    let clean_line = |s: &str| text::sanitise_for_display(s, false).trim().to_string();
    let name = c.name.as_deref().map(clean_line).filter(|n| !n.is_empty());
    let description = text::sanitise_for_display(&c.description, true)
        .trim()
        .to_string();
    if name.is_none() && description.is_empty() {
        return Err(StoreError::Invalid(
            "Give a name, or for someone whose name is not known a description (appearance, where and when).".into(),
        ));
    }
    if name.as_ref().is_some_and(|n| n.chars().count() > MAX_LINE) {
        return Err(StoreError::Invalid(format!(
            "The name is longer than {MAX_LINE} characters; shorten it."
        )));
    }
    if description.chars().count() > MAX_TEXT || c.notes.chars().count() > MAX_TEXT {
        return Err(StoreError::Invalid(format!(
            "The text is longer than {MAX_TEXT} characters; shorten it."
        )));
    }
    let mut phones = Vec::new();
    for p in c.phones.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        text::check_phone(p).map_err(StoreError::Invalid)?;
        phones.push(clean_line(p));
    }
    let mut emails = Vec::new();
    for e in c.emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        if text::email_key(e).is_none() {
            return Err(StoreError::Invalid(format!(
                "\"{}\" is not an email address; type it as name@example.org.",
                clean_line(e)
            )));
        }
        emails.push(clean_line(e));
    }
    let address = address_lines(&c.address)?;
    let postcode = clean_line(&c.postcode).to_uppercase();
    if postcode.chars().count() > MAX_POSTCODE {
        return Err(StoreError::Invalid(format!(
            "The postcode is longer than {MAX_POSTCODE} characters; type just the postcode (such as N3 1AB) and put the rest of the address in the address lines."
        )));
    }
    let now = Utc::now();
    Ok(Customer {
        id: c.id.unwrap_or_else(crate::domain::new_id),
        name,
        other_names: c
            .other_names
            .iter()
            .map(|n| clean_line(n))
            .filter(|n| !n.is_empty())
            .collect(),
        phones,
        emails,
        postcode,
        address,
        large_print: c.large_print,
        easy_read: c.easy_read,
        description,
        notes: text::sanitise_for_display(&c.notes, true),
        created_at: now,
        version: 1,
    })
}

/// A postal address as typed, checked and tidied: control characters removed, a line break
/// inside a line starts a new line, empty lines dropped; at most [`MAX_ADDRESS_LINES`] lines of
/// at most [`MAX_ADDRESS_LINE`] characters, or it is refused with a message saying so.
pub fn address_lines(typed: &[String]) -> Result<Vec<String>> {
    let lines: Vec<String> = typed
        .iter()
        .flat_map(|l| {
            text::sanitise_for_display(l, true)
                .split('\n')
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(long) = lines.iter().find(|l| l.chars().count() > MAX_ADDRESS_LINE) {
        let start: String = long.chars().take(20).collect();
        return Err(StoreError::Invalid(format!(
            "The address line starting \"{start}\" is longer than {MAX_ADDRESS_LINE} characters; an address line is a house and street, a town and so on: shorten it."
        )));
    }
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(StoreError::Invalid(format!(
            "The address has {} lines; it keeps at most {MAX_ADDRESS_LINES} (the postcode goes in its own field): shorten it.",
            lines.len()
        )));
    }
    Ok(lines)
}

/// What an edit of a customer's details comes to, given the record as it is now.
pub enum Edited {
    /// These very details landed before (a replay from the outbox): nothing to change.
    AlreadySaved,
    /// The record as it will be written, its version one on.
    Changed(Box<Customer>),
}

/// Check an edit against the record as it is (`before`): the person was shown
/// `expected_version`; a newer one means someone else changed it meanwhile, and the edit is
/// refused, so no one's change silently overwrites another's (unless it is this very edit,
/// landed before).
pub fn edited(
    before: &Customer,
    id: Id,
    edit: NewCustomer,
    expected_version: i64,
) -> Result<Edited> {
    if before.version != expected_version {
        // Any other change made meanwhile is a conflict, kept and shown, never overwritten.
        if before.version == expected_version + 1 {
            if let Ok(mut wanted) = validate_new_customer(NewCustomer {
                id: Some(id),
                ..edit.clone()
            }) {
                wanted.created_at = before.created_at;
                wanted.version = before.version;
                if wanted == *before {
                    return Ok(Edited::AlreadySaved);
                }
            }
        }
        return Err(StoreError::Conflict(format!(
            "{}'s details were changed on another PC",
            before.display_name()
        )));
    }
    let mut after = validate_new_customer(NewCustomer {
        id: Some(id),
        ..edit
    })?;
    after.created_at = before.created_at;
    after.version = before.version + 1;
    Ok(Edited::Changed(Box::new(after)))
}

/// A customer to be edited must still be there and not merged into another: `row` is their
/// key and whether their record was merged, None when it is not in the database.
pub fn still_editable<K>(row: Option<(K, bool)>) -> Result<K> {
    match row {
        None => Err(StoreError::Missing(
            "that customer is no longer in the database; search for them again".into(),
        )),
        Some((_, true)) => Err(StoreError::Missing(
            "that record was linked to another customer; search for them again".into(),
        )),
        Some((key, false)) => Ok(key),
    }
}
