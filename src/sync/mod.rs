//! The I/O side the app and the command line share: the store worker thread ([`worker`]), what
//! the app and the worker say to each other ([`protocol`]), the answers kept for when the shared
//! drive cannot be reached ([`kept`]), and what is kept on this PC: the outbox, the draft being
//! typed and the last choices made ([`local`]), and who has safedesk open, in small files beside
//! the database ([`presence`]).

pub mod kept;
pub mod local;
pub mod presence;
pub mod protocol;
pub mod running;
pub mod views;
pub mod worker;

pub use protocol::{local_request, CaseData, Health, Reply, Request};
