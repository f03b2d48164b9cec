//! safedesk: the unacceptable customer behaviour policy, run from the front desk, the phones and
//! the manager's office, on one shared SQLite file.
//!
//! Layout, from the bottom up: [`time`] dates and London times, [`text`] folding, phone numbers,
//! email addresses, name matching and display sanitising (pure), [`domain`] the plain records
//! everyone shares, [`policy`] the rules (pure), [`store`] every line of SQL, [`letters`] the
//! letters and the facts they are built from, [`sync`] the store worker thread, what the app asks
//! of it and what is kept on this PC (the outbox, drafts), [`app`] the app's state and what keys
//! and replies do to it, [`ui`] the screens (drawing only), [`demo`] the demo data, [`cli`] the
//! command line, and [`tui`] the terminal event loop that joins app, ui and sync. The README's
//! "How the code is laid out" follows a key press through them; `tests/layout.rs` checks that
//! no modules side by side depend on each other in a circle.

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod letters;
pub mod plain;
pub mod policy;
pub mod store;
pub mod sync;
pub mod text;
pub mod time;
pub mod tui;
pub mod ui;
