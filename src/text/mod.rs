//! Text as people type it and as a terminal shows it. All of it is pure: no database, no
//! terminal, no panics on any input, and no I/O but `files::read_text`'s reading of a file's
//! bytes.
//!
//! * `fold`: names folded to plain ASCII words for matching ([`fold`]);
//! * `phone`: phone numbers ([`phone_key`], [`reversed`], [`check_phone`]);
//! * `email`: email addresses ([`email_key`]);
//! * `query`: what was typed into the lookup box ([`classify`], [`QueryKind`]);
//! * `distance`: bounded edit distance, for matching with one typo;
//! * `names`: how well a name matches a query ([`name_score`]);
//! * `display`: any text made safe to draw on a terminal ([`sanitise_for_display`], [`clean`]);
//! * `files`: text files as Windows programs save them ([`read_text`], [`decode_text`]);
//! * `login`: logins as Windows names accounts, folded and matched as Windows matches them;
//! * `trigram` (tests only): the windows the store's trigram index cuts folded text into.

mod display;
mod distance;
mod email;
mod files;
mod fold;
pub mod login;
mod names;
mod phone;
mod query;
#[cfg(test)]
mod trigram;

pub use display::{clean, sanitise_for_display};
pub use email::email_key;
pub use files::{decode_text, read_text};
pub use fold::fold;
pub use names::name_score;
pub use phone::{check_phone, phone_key, reversed};
pub use query::{classify, too_short, QueryKind, TooShort, MIN_NAME_LETTERS, MIN_PHONE_DIGITS};

/// Text that looks like an SQL injection, which every function here must take as plain text.
#[cfg(test)]
const SQL: &str = "'; DROP TABLE customer; --";
