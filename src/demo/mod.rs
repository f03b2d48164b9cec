//! Demo and benchmark data: realistic, varied customers, incidents, decisions, restrictions and
//! letters, made deterministically from a seed by one seeded generator ([`Rng`]). Only [`db`]
//! touches the database: the store writes each [`Bulk`] with `Store::bulk_load`.
//!
//! `rng` holds the generator, `data` the tables it draws from, `plan` what history each
//! customer gets, `generate` the generator itself and `named` the named demo customers, which
//! are the same whatever the seed (the README and the end-to-end tests rely on them).
//!
//! [`Scale::BENCH`] (100 000 customers, 1 000 000 incidents) is generated in chunks of about
//! `chunk` customers, so it never sits in memory at once. Every customer draws from its own
//! generator seeded from (seed, position), so the output does not depend on the chunk size.

mod data;
pub mod db;
mod generate;
mod named;
mod plan;
mod rng;
#[cfg(test)]
mod tests;

pub use rng::Rng;

use crate::domain::Bulk;
use crate::domain::{Id, Staff};
use chrono::{DateTime, Utc};
use data::STAFF;
use generate::Gen;
use plan::plan;
use rng::mix;
use uuid::Uuid;

/// What a phone worker types, as the benches and the search tests look people up on generated
/// data: full numbers in several forms, last digits, names, a typo, parts of names, an email.
pub const BENCH_QUERIES: &[&str] = &[
    "07700 900123",
    "+44 7700 900123",
    "900123",
    "020 7946 0018",
    "Deborah Johnson",
    "johnson",
    "Jonhson",
    "smith",
    "kowalczyk",
    "zoe aberg",
    "pat",
    "ohnso",
    "deborah.j",
];

/// How much data to make. The named demo customers are part of the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub customers: usize,
    pub incidents: usize,
    pub restrictions: usize,
}

impl Scale {
    pub const DEMO: Scale = Scale {
        customers: 320,
        incidents: 900,
        // 40 made by the generator, as before, and the named customers' (one more since
        // the contact window, another since the behaviour agreement).
        restrictions: 42,
    };
    pub const BENCH: Scale = Scale {
        customers: 100_000,
        incidents: 1_000_000,
        restrictions: 20_000,
    };
}

/// The seed [`demo_bulk`] uses.
pub const DEMO_SEED: u64 = 0x5AFE_DE5C_2024_1124;

// ---------------------------------------------------------------------------------------------
// Ids

/// The namespace of the named customers and the staff: the same for every seed.
const FIXED_HI: u64 = 0x5afe_de5c_0000_4000;

const TAG_CUSTOMER: u64 = 1;
const TAG_INCIDENT: u64 = 2;
const TAG_DECISION: u64 = 3;
const TAG_RESTRICTION: u64 = 4;
const TAG_LETTER: u64 = 5;
/// Added to a tag for the fixed (seed-independent) records, so they never meet generated ids.
const TAG_FIXED: u64 = 8;
const TAG_STAFF: u64 = 16;

/// A version-4-shaped UUID from a namespace, a record tag and a counter: unique by construction.
const fn make_id(hi: u64, tag: u64, n: u64) -> Uuid {
    let hi = (hi & !0xF000) | 0x4000;
    let lo = 0x8000_0000_0000_0000u64 | (tag << 48) | (n & 0xFFFF_FFFF_FFFF);
    Uuid::from_u128(((hi as u128) << 64) | lo as u128)
}

const fn staff_id(n: u64) -> Id {
    make_id(FIXED_HI, TAG_STAFF, n)
}

const fn named_id(n: u64) -> Id {
    make_id(FIXED_HI, TAG_FIXED + TAG_CUSTOMER, n)
}

/// Staff "admin" (Helen Carter).
pub const ADMIN: Id = staff_id(1);
/// Staff "spatel" (Sam Patel, manager): the named member of staff in the demo.
pub const SAM_PATEL: Id = staff_id(2);

// The named demo customers: what each of them shows is listed in `named.rs`.
pub const DEBORAH_JOHNSON: Id = named_id(1);
pub const MAREK_KOWALCZYK: Id = named_id(2);
pub const ZOE_ABERG: Id = named_id(3);
pub const TUNDE_OKAFOR: Id = named_id(4);
pub const PRECIOUS_ADEYEMI: Id = named_id(5);
pub const JOSE_NUNEZ: Id = named_id(6);
pub const RENEE_OCONNOR: Id = named_id(7);
pub const UNIDENTIFIED_VISITOR: Id = named_id(8);

const NAMED_CUSTOMERS: usize = 8;
const NAMED_INCIDENTS: usize = 29;
const NAMED_RESTRICTIONS: usize = 10;

/// The dedicated contact details used by "dedicated_contact" restrictions.
pub const DEDICATED_EMAIL: &str = "casework@inclusionbarnet.example";
pub const DEDICATED_PHONE: &str = "020 7946 0500";

/// Staff of every role: one admin ("admin"), managers including Sam Patel ("spatel"), reception
/// and phone team, and one inactive leaver ("rgreen"). Ids are the same every time.
pub fn staff() -> Vec<Staff> {
    STAFF
        .iter()
        .enumerate()
        .map(|(i, &(login, name, role, active))| Staff {
            id: staff_id(i as u64 + 1),
            login: login.to_string(),
            display_name: name.to_string(),
            role,
            active,
        })
        .collect()
}

/// Generate `scale` worth of data in chunks of about `chunk` customers (each with all of its
/// incidents, decisions, restrictions and letters), handing each [`Bulk`] to `sink`. The first
/// Bulk also carries [`staff`] and the named demo customers. Deterministic for a seed and `now`,
/// whatever the chunk size.
pub fn generate<E>(
    scale: &Scale,
    seed: u64,
    now: DateTime<Utc>,
    chunk: usize,
    mut sink: impl FnMut(Bulk) -> Result<(), E>,
) -> Result<(), E> {
    let chunk = chunk.max(1);
    let plans = plan(scale, seed);
    let mut g = Gen::new(seed, now);
    let mut bulk = Bulk {
        staff: staff(),
        ..Bulk::default()
    };
    g.named(&mut bulk);
    for (j, p) in plans.iter().enumerate() {
        if bulk.customers.len() >= chunk {
            sink(std::mem::take(&mut bulk))?;
        }
        let mut rng = Rng::new(mix(seed, j as u64 + 1));
        g.customer(&mut rng, p, &mut bulk);
    }
    sink(bulk)
}

/// The whole [`Scale::DEMO`] data set, from [`DEMO_SEED`], as one Bulk.
pub fn demo_bulk(now: DateTime<Utc>) -> Bulk {
    let mut all = Bulk::default();
    let result: Result<(), std::convert::Infallible> =
        generate(&Scale::DEMO, DEMO_SEED, now, usize::MAX, |b| {
            all.staff.extend(b.staff);
            all.customers.extend(b.customers);
            all.incidents.extend(b.incidents);
            all.decisions.extend(b.decisions);
            all.restrictions.extend(b.restrictions);
            all.letters.extend(b.letters);
            Ok(())
        });
    match result {
        Ok(()) => all,
        Err(never) => match never {},
    }
}
