//! safedesk: the unacceptable customer behaviour policy, run from the front desk, the phones and
//! the manager's office, on one shared SQLite file.
//!
//! Layout: [`policy`] holds the rules (pure), [`text`] folding, phone numbers, email addresses,
//! name matching and display sanitising (pure), [`store`] every line of SQL, [`sync`] the store
//! worker thread, what the app asks of it and what is kept on this PC (the outbox, drafts),
//! [`app`] the app's state and what keys and replies do to it, [`ui`] the screens, [`tui`] the
//! terminal event loop that joins app, ui and sync, and [`cli`] the command line.

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod letters;
pub mod policy;
pub mod store;
pub mod sync;
pub mod text;
pub mod time;
pub mod tui;
pub mod ui;
