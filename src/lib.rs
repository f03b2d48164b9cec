//! safedesk: the unacceptable customer behaviour policy, run from the front desk, the phones and
//! the manager's office, on one shared SQLite file.
//!
//! Layout: [`policy`] holds the rules (pure), [`store`] every line of SQL, [`ui`] the screens,
//! [`app`] the event loop that joins them, [`cli`] the command line.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod letters;
pub mod local;
pub mod policy;
pub mod search;
pub mod session;
pub mod store;
pub mod time;
pub mod tui;
pub mod ui;
