//! Demo and benchmark data: realistic, varied customers, incidents, decisions, restrictions and
//! letters, made deterministically from a seed (no `rand`: a SplitMix64 generator lives below).
//! Nothing here touches the database: the store writes each [`Bulk`] with `Store::bulk_load`.
//!
//! # Named demo customers
//!
//! These are the same whatever the seed (same ids, names, numbers and history; their dates are
//! relative to `now`), so the README and the end-to-end tests can rely on them:
//!
//! | Customer | Phone (as stored) | What they show |
//! |---|---|---|
//! | **Deborah Johnson** (also "Debbie Johnson", née "Deborah Clarke") | `07700 900123`, `(020) 7946 0321` | Active: calls and visits limited to **10 minutes** and **a witness must be present**; decided 20 days ago, review due in 22 days; 4 incidents, 0 since the decision. |
//! | **Marek Kowalczyk** (also "Mark Kowalczyk") | `020 7946 0018` | Active: **written contact only** and **only Sam Patel deals with this customer**; an earlier "no further action" decision; 6 incidents, review due in 8 days. |
//! | **Zoë Åberg** (née "Zoë Lindqvist") | `+44 7700 900456` | **2 of 3** - the next incident goes to a manager (3 incidents logged, one withdrawn as logged against the wrong person). No decision. |
//! | **Tunde Okafor** (also "Babatunde Okafor") | `07700 900234` | **3 of 3**, no decision yet: in the manager's queue. |
//! | **Precious Adeyemi** (née "Precious Ogunleye") | `07700 900777`, `0161 496 0777` | **Services withdrawn**, review **overdue** (due 18 days ago); earlier actions (15-minute limit, dedicated contact) ended when services were withdrawn. The only customer with services withdrawn. |
//! | **José Núñez** (also "Pepe Núñez") | `07700900611` | Active: contact only through **Barnet Advocacy Service (Jo Hughes)** (review continued, due in 10 days); 1 incident since, a breach. |
//! | **Renée O'Connor** (née "Renée Byrne") | `+44 (0)20 7946 0777` | 1 of 3 incidents. |
//! | Unidentified visitor: "Man, about 50, grey beard, green parka; reception, dd/mm around 11:00" | none | Police called 2 days ago: an immediate threat at the top of the manager's queue. |
//!
//! Staff ([`staff`]): `admin` (Helen Carter, admin), `spatel` (Sam Patel, manager), `gmensah` and
//! `mreynolds` (managers), `ahassan`, `tfletcher`, `enowak` (reception), `psharma`, `dokonjo`,
//! `cevans`, `ydemir` (phone team) and `rgreen` (Rachel Green, reception, a leaver: inactive).
//!
//! Generated customers also cover: every channel, category and initial response; police and
//! security references; withdrawn incidents; customers at 1, 2 and 3 incidents since their last
//! decision (some at 3 with no decision yet) and some with dozens; decisions of every outcome;
//! active restrictions of every kind with reviews due in the future, today and overdue; lifted
//! restrictions; a few unidentified visitors; restriction notices sent by post.
//!
//! [`Scale::BENCH`] (100 000 customers, 1 000 000 incidents) is generated in chunks of about
//! `chunk` customers, so it never sits in memory at once. Every customer draws from its own
//! generator seeded from (seed, position), so the output does not depend on the chunk size.

use crate::domain::{
    Bulk, Customer, Decision, Id, Incident, Letter, LetterStatus, Outcome, Restriction,
    RestrictionParams, Role, Staff, Withdrawal,
};
use crate::policy::{rules, Policy};
use crate::time;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::London;
use uuid::Uuid;

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
        restrictions: 40,
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
const NAMED_RESTRICTIONS: usize = 8;

/// The dedicated contact details used by "dedicated_contact" restrictions.
pub const DEDICATED_EMAIL: &str = "casework@inclusionbarnet.example";
pub const DEDICATED_PHONE: &str = "020 7946 0500";

// ---------------------------------------------------------------------------------------------
// The generator: SplitMix64.

#[derive(Debug, Clone)]
struct Rng(u64);

fn mix(a: u64, b: u64) -> u64 {
    let mut r = Rng(a ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64();
    r.next_u64()
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// lo..=hi
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total.max(1));
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    /// A random instant in [a, b] (a when the window is empty).
    fn between(&mut self, a: DateTime<Utc>, b: DateTime<Utc>) -> DateTime<Utc> {
        let span = (b - a).num_seconds();
        if span <= 0 {
            return a;
        }
        a + Duration::seconds(self.below(span as u64 + 1) as i64)
    }

    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(self.range(lo, hi))
    }

    fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.range(lo, hi)) + Duration::minutes(self.range(0, 600))
    }
}

// ---------------------------------------------------------------------------------------------
// Staff

const STAFF: [(&str, &str, Role, bool); 12] = [
    ("admin", "Helen Carter", Role::Admin, true),
    ("spatel", "Sam Patel", Role::Manager, true),
    ("gmensah", "Grace Mensah", Role::Manager, true),
    ("mreynolds", "Mark Reynolds", Role::Manager, true),
    ("ahassan", "Amira Hassan", Role::Reception, true),
    ("tfletcher", "Tom Fletcher", Role::Reception, true),
    ("enowak", "Ewa Nowak", Role::Reception, true),
    ("rgreen", "Rachel Green", Role::Reception, false),
    ("psharma", "Priya Sharma", Role::Phone, true),
    ("dokonjo", "Daniel Okonjo", Role::Phone, true),
    ("cevans", "Chloe Evans", Role::Phone, true),
    ("ydemir", "Yusuf Demir", Role::Phone, true),
];

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

// ---------------------------------------------------------------------------------------------
// Policy vocabulary (the built-in policy's ids; the tests check them against the policy).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Voice,
    InPerson,
    Written,
    Social,
    Other,
}

struct Chan {
    id: &'static str,
    group: Group,
    weight: u32,
    responses: &'static [&'static str],
}

const VOICE_RESPONSES: &[&str] = &[
    "warned",
    "call_ended_after_warning",
    "call_ended_without_warning",
    "police_called",
];
const CHANNELS: [Chan; 9] = [
    Chan {
        id: "phone",
        group: Group::Voice,
        weight: 34,
        responses: VOICE_RESPONSES,
    },
    Chan {
        id: "video",
        group: Group::Voice,
        weight: 3,
        responses: VOICE_RESPONSES,
    },
    Chan {
        id: "face_to_face",
        group: Group::InPerson,
        weight: 22,
        responses: &[
            "warned",
            "asked_to_leave",
            "security_called",
            "police_called",
        ],
    },
    Chan {
        id: "email",
        group: Group::Written,
        weight: 20,
        responses: &["correspondence_not_processed"],
    },
    Chan {
        id: "letter",
        group: Group::Written,
        weight: 4,
        responses: &["correspondence_not_processed"],
    },
    Chan {
        id: "text",
        group: Group::Written,
        weight: 5,
        responses: &["correspondence_not_processed"],
    },
    Chan {
        id: "whatsapp",
        group: Group::Written,
        weight: 4,
        responses: &["correspondence_not_processed"],
    },
    Chan {
        id: "social_media",
        group: Group::Social,
        weight: 4,
        responses: &["warned", "correspondence_not_processed"],
    },
    Chan {
        id: "other",
        group: Group::Other,
        weight: 3,
        responses: &[
            "warned",
            "call_ended_after_warning",
            "call_ended_without_warning",
            "asked_to_leave",
            "security_called",
            "police_called",
            "correspondence_not_processed",
        ],
    },
];
const PHONE: usize = 0;
const FACE_TO_FACE: usize = 2;
const OTHER: usize = 8;

fn min_severity(response: &str) -> u8 {
    match response {
        "police_called" => 3,
        "call_ended_without_warning" | "security_called" => 2,
        _ => 1,
    }
}

fn response_weight(response: &str) -> u32 {
    match response {
        "warned" => 40,
        "call_ended_after_warning" => 32,
        "call_ended_without_warning" => 8,
        "asked_to_leave" => 30,
        "security_called" => 9,
        "police_called" => 6,
        _ => 40,
    }
}

/// The long-term actions (the eight of the policy) and the access restrictions, with how often
/// each is chosen once every kind has been shown.
const ACTIONS: [(&str, u32); 8] = [
    ("time_limit", 20),
    ("witness", 14),
    ("recorded", 14),
    ("written_only", 14),
    ("dedicated_contact", 12),
    ("named_staff", 10),
    ("read_ack_file", 8),
    ("third_party", 6),
];
const ACCESS: [(&str, u32); 6] = [
    ("banned_from_premises", 30),
    ("phone_blocked", 15),
    ("email_blocked", 15),
    ("written_contact_only", 15),
    ("all_direct_contact_ended", 12),
    ("permanent_ban", 6),
];
const WITHDRAWAL: &str = "services_withdrawn";

/// A short description of what happened; the initial response is added after it.
struct Template {
    category: &'static str,
    group: Group,
    severity: u8,
    behaviours: &'static [&'static str],
    text: &'static str,
}

macro_rules! t {
    ($cat:literal, $group:ident, $sev:literal, [$($b:literal),*], $text:literal) => {
        Template { category: $cat, group: Group::$group, severity: $sev, behaviours: &[$($b),*], text: $text }
    };
}

const TEMPLATES: &[Template] = &[
    // Abusive, by phone or video call.
    t!("abusive", Voice, 1, ["shouting", "abusive_language"], "Caller shouted and swore at the adviser after being told {topic} could not be sorted out that day."),
    t!("abusive", Voice, 2, ["abusive_language"], "Caller made racist remarks about the adviser's accent while discussing {topic}."),
    t!("abusive", Voice, 3, ["threats", "harassment"], "Caller said he knew where the adviser lived and would 'sort her out' over {topic}."),
    t!("abusive", Voice, 1, ["bullying"], "Caller repeatedly called the adviser stupid and useless and would not let her speak."),
    t!("abusive", Voice, 2, ["abusive_language"], "Caller made sexual comments to the adviser and laughed when asked to stop."),
    t!("abusive", Voice, 3, ["threats"], "Caller threatened to come to the office and 'smash the place up' if {topic} was not sorted by Friday."),
    t!("abusive", Voice, 1, ["shouting"], "Caller shouted over the adviser for several minutes about {topic}."),
    // Abusive, face to face.
    t!("abusive", InPerson, 1, ["shouting", "bullying"], "Customer shouted at the reception desk and banged on the screen when told there was a wait for {topic}."),
    t!("abusive", InPerson, 3, ["weapons", "attempted_assault"], "Customer threw a leaflet stand towards staff after being told the adviser was not in."),
    t!("abusive", InPerson, 3, ["physical_assault"], "Customer spat at the receptionist when asked to wait their turn."),
    t!("abusive", InPerson, 2, ["abusive_language"], "Customer made homophobic remarks to a member of staff in the waiting area."),
    t!("abusive", InPerson, 2, ["bullying", "threats"], "Customer stood over the receptionist, blocked the way to the office and said 'you'll regret this'."),
    t!("abusive", InPerson, 3, ["weapons", "attempted_assault"], "Customer swung a walking stick at the adviser's desk during an argument about {topic}."),
    t!("abusive", InPerson, 2, ["harassment"], "Customer waited outside after closing and followed a member of staff to the bus stop, filming her."),
    t!("abusive", InPerson, 1, ["gestures", "abusive_language"], "Customer made an offensive gesture at staff through the window and swore at other visitors."),
    // Abusive, in writing.
    t!("abusive", Written, 1, ["abusive_language"], "Message full of abusive language aimed at named members of staff about {topic}."),
    t!("abusive", Written, 2, ["threats"], "Correspondence threatening to 'make staff pay' for the outcome of {topic}."),
    t!("abusive", Written, 2, ["harassment", "abusive_language"], "Series of messages late at night calling the adviser offensive names."),
    t!("abusive", Written, 2, ["abusive_language"], "Message with racist abuse aimed at the adviser handling {topic}."),
    t!("abusive", Written, 2, ["abusive_language"], "Message with sexual remarks about a member of staff."),
    // Abusive, on social media.
    t!("abusive", Social, 2, ["publishing", "harassment"], "Posted staff names and photos on Facebook with abusive comments about the service."),
    t!("abusive", Social, 2, ["publishing", "threats"], "Public post accusing a named adviser of theft and urging others to 'pay her a visit'."),
    // Demands, by phone or video call.
    t!("demands", Voice, 1, ["unreasonable_timescale"], "Caller demanded a written answer on {topic} by the end of the day and said they would ring every hour until they got it."),
    t!("demands", Voice, 1, ["refusing_to_end_call"], "Caller refused to end the call after 50 minutes and kept asking to be put through to the chief executive."),
    t!("demands", Voice, 1, ["particular_staff"], "Caller insisted on speaking only to an adviser who was on leave and would not accept help from anyone else."),
    t!("demands", Voice, 1, ["refusing_to_end_call"], "Caller stayed on the line after the adviser had explained {topic} twice, repeating the same demands."),
    // Demands, face to face.
    t!("demands", InPerson, 1, ["unreasonable_timescale", "particular_staff"], "Customer refused to leave the desk until a manager saw them about {topic} straight away."),
    t!("demands", InPerson, 1, ["particular_staff"], "Customer insisted on seeing a named adviser and waited in reception for three hours, approaching staff repeatedly."),
    // Demands, in writing.
    t!("demands", Written, 1, ["same_request_many_staff"], "The same message about {topic} sent to eight members of staff within an hour, demanding a reply from each."),
    t!("demands", Written, 1, ["unreasonable_timescale"], "Correspondence demanding a full response on {topic} within 24 hours and threatening to go to the press."),
    t!("demands", Written, 2, ["malicious_correspondence"], "Correspondence making false and malicious allegations about a colleague and demanding a written reply to each point."),
    // Demands, on social media.
    t!("demands", Social, 1, ["same_request_many_staff", "unreasonable_timescale"], "Tagged several staff on social media demanding answers about {topic} within the hour."),
    // Persistent contact, by phone or video call.
    t!("persistent", Voice, 1, ["excessive_contact", "refuses_decision"], "Called 14 times in one morning about {topic}, each time refusing to accept the answer already given."),
    t!("persistent", Voice, 1, ["refuses_explanations"], "Caller would not accept that we cannot overturn the council's decision on {topic}."),
    t!("persistent", Voice, 1, ["refuses_procedures"], "Caller refused to use the complaints procedure and kept ringing the main line to reopen {topic}."),
    // Persistent contact, face to face.
    t!("persistent", InPerson, 1, ["refuses_decision", "excessive_contact"], "Customer came in for the third time this week about {topic}, closed last month, and would not accept the decision."),
    t!("persistent", InPerson, 1, ["refuses_procedures"], "Customer visited without an appointment again and refused to book one as explained."),
    // Persistent contact, in writing.
    t!("persistent", Written, 1, ["excessive_contact"], "Over 30 messages in two days about {topic}, most repeating the same points."),
    t!("persistent", Written, 1, ["refuses_decision"], "Further correspondence disputing the outcome of {topic} after the final response was sent."),
    t!("persistent", Written, 1, ["refuses_explanations"], "Messages still demanding we act for them on {topic} after it was explained that this is outside what we can do."),
    // Persistent contact, on social media.
    t!("persistent", Social, 1, ["refuses_procedures", "excessive_contact"], "Daily messages to the organisation's page about {topic} despite being told how to make a complaint."),
    // Elsewhere (outreach, events, the street).
    t!("abusive", Other, 1, ["shouting", "abusive_language"], "At the Burnt Oak outreach session the customer shouted at the volunteer and swore at other people there."),
    t!("abusive", Other, 3, ["physical_assault", "threats"], "At the community event the customer pushed a volunteer and threatened to hit her."),
    t!("demands", Other, 1, ["unreasonable_timescale"], "Approached an adviser in the street outside the office and demanded an answer on {topic} there and then."),
    t!("persistent", Other, 1, ["refuses_procedures"], "Turned up at the peer support group to raise {topic} again after being asked to use the proper procedure."),
];

fn clause(group: Group, response: &str, rng: &mut Rng) -> &'static str {
    let options: &[&str] = match (group, response) {
        (Group::Voice, "warned") => &[
            "Warned that the behaviour was unacceptable and the call would be ended if it continued; the caller calmed down.",
            "Adviser warned the caller that this is unacceptable; the rest of the call was calm.",
        ],
        (Group::Voice, "call_ended_after_warning") => &[
            "Warned that the call would be ended if it continued; it did, so the call was ended.",
            "Call ended after a warning.",
        ],
        (Group::Voice, "call_ended_without_warning") => &[
            "The adviser ended the call at once without a warning.",
            "Call ended immediately; there was no chance to give a warning.",
        ],
        (Group::Voice, "police_called") => &[
            "Call ended and the police called on 999.",
            "Police called after the call because of the threat.",
        ],
        (Group::InPerson, "warned") => &[
            "Told the behaviour was unacceptable and would not be tolerated; they settled down.",
            "Warned by the receptionist; they apologised and waited.",
        ],
        (Group::InPerson, "asked_to_leave") => &[
            "Asked to leave the premises; left after a few minutes.",
            "Asked to leave and walked to the door by two members of staff.",
        ],
        (Group::InPerson, "security_called") => &[
            "Building security called and escorted them out.",
            "Security called; they left with the security officer.",
        ],
        (Group::InPerson, "police_called") => &[
            "Police called on 999; officers attended and spoke to them.",
            "Police called; they left before officers arrived.",
        ],
        (Group::Social, "warned") => &[
            "Replied privately warning that the behaviour is unacceptable and asking for the post to be removed.",
        ],
        (Group::Social, _) => &[
            "Not responded to; customer told by message that the post is inappropriate and offensive.",
        ],
        (Group::Written, _) => &[
            "Not processed; replied that the message is inappropriate and offensive and that we will not respond to further messages like it.",
            "Not processed; customer told in writing that this correspondence is unacceptable and asked to stop.",
        ],
        (_, "warned") => &["Warned that the behaviour was unacceptable."],
        (_, "call_ended_after_warning") => &["Warned, then the conversation was ended."],
        (_, "call_ended_without_warning") => &["The conversation was ended at once."],
        (_, "asked_to_leave") => &["Asked to leave the session."],
        (_, "security_called") => &["Venue security called."],
        (_, "police_called") => &["Police called on 999."],
        _ => &["Not processed; the customer was told it was inappropriate."],
    };
    rng.pick::<&str>(options)
}

const TOPICS: &[&str] = &[
    "their PIP appeal",
    "a direct payments query",
    "their Blue Badge renewal",
    "a housing repair complaint",
    "their support plan review",
    "a delayed reimbursement",
    "the hate crime report they made",
    "an appointment time",
    "their personal budget",
    "a missed payment to their PA",
    "a council tax reduction form",
    "their Access to Work claim",
    "a Universal Credit sanction",
    "their Freedom Pass",
    "a care package review",
    "a disabled facilities grant",
];

const BEHAVIOUR_OTHER: &[&str] = &[
    "Filmed staff on their phone without asking",
    "Left long voicemails late at night",
    "Refused to give their name",
    "Brought a large dog into reception and let it bark at staff",
];

const WITHDRAWAL_REASONS: &[&str] = &[
    "Logged against the wrong customer: it was another person with a similar name.",
    "Duplicate: the same call was logged by a colleague.",
    "On review with the manager the customer was upset but not abusive; not an unacceptable behaviour incident.",
    "The customer's carer explained it was caused by a medical episode; withdrawn after talking it through with the manager.",
];

const ENDED_REASONS: &[&str] = &[
    "Lifted at review: no further incidents in six weeks.",
    "Lifted at review: the customer has engaged well with their advocate.",
    "Lifted at review: the customer no longer wants to use our services.",
    "Lifted early after a meeting with the customer and their support worker.",
];

const THIRD_PARTIES: &[&str] = &[
    "Barnet Advocacy Service (Jo Hughes)",
    "Age UK Barnet (Maureen Ellis)",
    "Mind in Barnet (Kwame Asante)",
    "Citizens Advice Barnet (Rob Tanner)",
    "their social worker at Barnet Adult Social Care (Nadia Rossi)",
];

// ---------------------------------------------------------------------------------------------
// People

struct NameGroup {
    weight: u32,
    female: &'static [&'static str],
    male: &'static [&'static str],
    /// "Kowalski|Kowalska": masculine|feminine forms.
    surnames: &'static [&'static str],
}

const NAME_GROUPS: &[NameGroup] = &[
    NameGroup {
        weight: 34,
        female: &[
            "Susan",
            "Karen",
            "Deborah",
            "Julie",
            "Sarah",
            "Emma",
            "Claire",
            "Jennifer",
            "Margaret",
            "Patricia",
            "Linda",
            "Hannah",
            "Chloe",
            "Sophie",
            "Lucy",
            "Gemma",
            "Kelly",
            "Tracey",
            "Janet",
            "Pauline",
            "Maureen",
            "Bethan",
            "Siobhan",
            "Niamh",
            "Aoife",
            "Fiona",
            "Kirsty",
            "Anne-Marie",
            "Mary-Jane",
            "Elizabeth",
            "Catherine",
            "Victoria",
        ],
        male: &[
            "David",
            "Paul",
            "Mark",
            "Andrew",
            "Stephen",
            "Gary",
            "Kevin",
            "Darren",
            "Lee",
            "Craig",
            "Michael",
            "John",
            "Peter",
            "Robert",
            "Thomas",
            "James",
            "Daniel",
            "Ryan",
            "Connor",
            "Callum",
            "Gareth",
            "Rhys",
            "Dylan",
            "Declan",
            "Patrick",
            "Ewan",
            "Graham",
            "Trevor",
            "Derek",
            "Colin",
            "Keith",
            "William",
            "Christopher",
            "Anthony",
        ],
        surnames: &[
            "Smith",
            "Jones",
            "Williams",
            "Taylor",
            "Brown",
            "Davies",
            "Evans",
            "Wilson",
            "Thomas",
            "Roberts",
            "Johnson",
            "Lewis",
            "Walker",
            "Robinson",
            "Wood",
            "Thompson",
            "White",
            "Hughes",
            "Edwards",
            "Green",
            "Hall",
            "Wright",
            "Clarke",
            "Jackson",
            "Harris",
            "Turner",
            "Hill",
            "Cooper",
            "Ward",
            "Morris",
            "Moore",
            "King",
            "Baker",
            "Harrison",
            "Morgan",
            "O'Connor",
            "O'Brien",
            "O'Sullivan",
            "McDonald",
            "MacLeod",
            "Campbell",
            "Stewart",
            "Murphy",
            "Kelly",
            "Byrne",
            "Fitzgerald",
            "Doherty",
            "Llewellyn",
            "Pritchard",
            "Ellis",
        ],
    },
    NameGroup {
        weight: 18,
        female: &[
            "Priya",
            "Anjali",
            "Sunita",
            "Meena",
            "Kavita",
            "Nisha",
            "Pooja",
            "Harpreet",
            "Gurpreet",
            "Simran",
            "Fatima",
            "Ayesha",
            "Nusrat",
            "Shabana",
            "Farzana",
            "Rukhsana",
            "Tahmina",
            "Nazia",
            "Lakshmi",
            "Tharshini",
        ],
        male: &[
            "Rajesh", "Sanjay", "Amit", "Vikram", "Arjun", "Sunil", "Ravi", "Harjit", "Gurdeep",
            "Mohammed", "Imran", "Asif", "Tariq", "Bilal", "Shahid", "Abdul", "Rahim", "Kamal",
            "Nirmal", "Suresh",
        ],
        surnames: &[
            "Patel",
            "Shah",
            "Sharma",
            "Singh",
            "Kaur",
            "Gill",
            "Sandhu",
            "Khan",
            "Hussain",
            "Ahmed",
            "Akhtar",
            "Ali",
            "Begum",
            "Rahman",
            "Chowdhury",
            "Islam",
            "Uddin",
            "Mistry",
            "Desai",
            "Mehta",
            "Joshi",
            "Iyer",
            "Nair",
            "Sivakumar",
            "Perera",
            "Fernando",
            "Qureshi",
            "Malik",
            "D'Souza",
        ],
    },
    NameGroup {
        weight: 6,
        female: &[
            "Katarzyna",
            "Małgorzata",
            "Agnieszka",
            "Joanna",
            "Magdalena",
            "Anna",
            "Ewa",
            "Zofia",
            "Beata",
            "Dorota",
        ],
        male: &[
            "Marek",
            "Piotr",
            "Tomasz",
            "Paweł",
            "Krzysztof",
            "Łukasz",
            "Michał",
            "Grzegorz",
            "Wojciech",
            "Jakub",
        ],
        surnames: &[
            "Kowalski|Kowalska",
            "Nowak",
            "Wiśniewski|Wiśniewska",
            "Wójcik",
            "Kowalczyk",
            "Kamiński|Kamińska",
            "Lewandowski|Lewandowska",
            "Zieliński|Zielińska",
            "Szymański|Szymańska",
            "Woźniak",
            "Dąbrowski|Dąbrowska",
            "Kozłowski|Kozłowska",
            "Mazur",
            "Krawczyk",
        ],
    },
    NameGroup {
        weight: 8,
        female: &[
            "Precious",
            "Blessing",
            "Chioma",
            "Ngozi",
            "Funmilayo",
            "Adaeze",
            "Folasade",
            "Abimbola",
            "Yetunde",
            "Ifeoma",
            "Ama",
            "Akosua",
            "Abena",
        ],
        male: &[
            "Babatunde",
            "Oluwaseun",
            "Chukwuemeka",
            "Olumide",
            "Adebayo",
            "Ikenna",
            "Obinna",
            "Femi",
            "Kwame",
            "Kofi",
            "Kwabena",
            "Yaw",
        ],
        surnames: &[
            "Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Ogunleye", "Eze", "Nwosu", "Balogun",
            "Afolabi", "Mensah", "Asante", "Owusu", "Boateng", "Appiah", "Osei",
        ],
    },
    NameGroup {
        weight: 5,
        female: &[
            "Ayşe", "Elif", "Zeynep", "Fatma", "Emine", "Hatice", "Derya", "Gülsüm", "Şule",
        ],
        male: &[
            "Mehmet", "Mustafa", "Ahmet", "Hüseyin", "İbrahim", "Emre", "Serkan", "Yusuf", "Murat",
            "Burak",
        ],
        surnames: &[
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan",
            "Doğan", "Koç", "Kurt",
        ],
    },
    NameGroup {
        weight: 5,
        female: &[
            "Eleni",
            "Maria",
            "Androulla",
            "Despina",
            "Georgia",
            "Sofia",
            "Chrystalla",
            "Panayiota",
        ],
        male: &[
            "Andreas",
            "Georgios",
            "Costas",
            "Nikos",
            "Christos",
            "Panayiotis",
            "Michalis",
            "Demetris",
            "Yiannis",
            "Savvas",
        ],
        surnames: &[
            "Georgiou",
            "Christodoulou",
            "Papadopoulos",
            "Ioannou",
            "Constantinou",
            "Charalambous",
            "Nicolaou",
            "Kyriacou",
            "Antoniou",
            "Demetriou",
        ],
    },
    NameGroup {
        weight: 6,
        female: &[
            "Rachel", "Miriam", "Esther", "Naomi", "Rivka", "Tamar", "Leah", "Shira",
        ],
        male: &[
            "Jonathan", "Benjamin", "Aaron", "Yossi", "Moshe", "Eli", "Samuel", "Daniel",
        ],
        surnames: &[
            "Cohen",
            "Levy",
            "Goldberg",
            "Rosenberg",
            "Shapiro",
            "Friedman",
            "Kaplan",
            "Adler",
            "Grossman",
            "Stern",
            "Weiss",
            "Lieberman",
        ],
    },
    NameGroup {
        weight: 4,
        female: &[
            "Marcia", "Beverley", "Yvonne", "Sharon", "Donna", "Paulette",
        ],
        male: &["Delroy", "Winston", "Errol", "Leroy", "Clive", "Desmond"],
        surnames: &[
            "Campbell", "Brown", "Williams", "Grant", "Francis", "Thompson", "Clarke", "Bailey",
            "Reid", "Henry",
        ],
    },
    NameGroup {
        weight: 4,
        female: &["Amina", "Hodan", "Fadumo", "Layla", "Mariam", "Huda"],
        male: &["Abdi", "Abdirahman", "Omar", "Yusuf", "Hassan", "Khalid"],
        surnames: &[
            "Mohamed",
            "Abdullahi",
            "Osman",
            "Hussein",
            "Farah",
            "Warsame",
            "Al-Masri",
            "El-Sayed",
            "Haddad",
        ],
    },
    NameGroup {
        weight: 3,
        female: &["Ioana", "Elena", "Andreea", "Mihaela"],
        male: &["Andrei", "Ionuț", "Mihai", "Gheorghe", "Florin"],
        surnames: &[
            "Popescu",
            "Ionescu",
            "Constantin",
            "Dumitru",
            "Stoica",
            "Popa",
        ],
    },
    NameGroup {
        weight: 3,
        female: &["Mei", "Xiu Ying", "Thi Lan", "Ji-woo", "Hoa"],
        male: &["Wei", "Jun", "Hao", "Minh", "Duc"],
        surnames: &[
            "Chen", "Wang", "Li", "Zhang", "Wong", "Nguyen", "Tran", "Kim", "Park",
        ],
    },
    NameGroup {
        weight: 2,
        female: &["María", "Lucía", "Begoña", "Sofía", "Nuria", "Inês"],
        male: &["José", "Álvaro", "Iñigo", "Ángel", "Jesús", "João"],
        surnames: &[
            "García",
            "Martínez",
            "López",
            "Núñez",
            "Pérez",
            "Sánchez",
            "Gómez",
            "Fernández",
            "Peña",
            "Ibáñez",
            "Gonçalves",
        ],
    },
    NameGroup {
        weight: 2,
        female: &[
            "Zoë", "Renée", "Chloë", "Amélie", "Noémie", "Hélène", "Åsa", "Ingrid",
        ],
        male: &[
            "Søren",
            "Björn",
            "François",
            "Jürgen",
            "Stéphane",
            "Mattias",
        ],
        surnames: &[
            "Åberg",
            "Lindqvist",
            "Sørensen",
            "Dubois",
            "Lefèvre",
            "Girard",
            "Müller",
            "Schäfer",
            "Kovačević",
        ],
    },
];

const NICKNAMES: &[(&str, &str)] = &[
    ("Deborah", "Debbie"),
    ("Margaret", "Maggie"),
    ("Patricia", "Pat"),
    ("Elizabeth", "Liz"),
    ("Catherine", "Kate"),
    ("Victoria", "Vicky"),
    ("Jennifer", "Jenny"),
    ("Michael", "Mike"),
    ("Robert", "Bob"),
    ("William", "Bill"),
    ("Thomas", "Tom"),
    ("Christopher", "Chris"),
    ("Anthony", "Tony"),
    ("Stephen", "Steve"),
    ("Katarzyna", "Kasia"),
    ("Małgorzata", "Gosia"),
    ("Magdalena", "Magda"),
    ("Krzysztof", "Chris"),
    ("Babatunde", "Tunde"),
    ("Oluwaseun", "Seun"),
    ("Chukwuemeka", "Emeka"),
    ("Funmilayo", "Funmi"),
    ("Folasade", "Sade"),
    ("Abimbola", "Bimbo"),
    ("Mohammed", "Mo"),
    ("Sunil", "Sunny"),
    ("Panayiotis", "Peter"),
    ("Georgios", "George"),
    ("Androulla", "Andrea"),
    ("José", "Pepe"),
    ("Yiannis", "John"),
];

/// Names (and other names) of the named demo customers, which nobody else gets.
const NAMED_NAMES: &[&str] = &[
    "Deborah Johnson",
    "Debbie Johnson",
    "Deborah Clarke",
    "Marek Kowalczyk",
    "Mark Kowalczyk",
    "Zoë Åberg",
    "Zoë Lindqvist",
    "Tunde Okafor",
    "Babatunde Okafor",
    "Precious Adeyemi",
    "Precious Ogunleye",
    "José Núñez",
    "Pepe Núñez",
    "Renée O'Connor",
    "Renée Byrne",
];

fn taken_name(name: &str) -> bool {
    NAMED_NAMES.contains(&name) || STAFF.iter().any(|s| s.1 == name)
}

const POSTCODE_AREAS: &[&str] = &[
    "EN4", "EN5", "N2", "N3", "N11", "N12", "N14", "N20", "NW4", "NW7", "NW9", "NW11", "HA8",
];
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

const NOTES: &[&str] = &[
    "Prefers email. Hard of hearing: use Relay UK if calling.",
    "Has a support worker from Barnet Mencap who can attend appointments.",
    "Uses a wheelchair: book the ground-floor meeting room.",
    "Speaks Polish; interpreter through the language line.",
    "Carer is her daughter, who often calls on her behalf.",
    "Autistic: give clear, written next steps and avoid changing appointment times.",
    "Sight impaired: send letters in large print (18pt).",
    "Lives alone; has said they feel isolated. Signpost to the peer support group.",
    "Acquired brain injury: may repeat questions; allow extra time.",
    "Speaks Turkish; son interprets.",
    "Receives help with direct payments; PA agency details on the casework file.",
    "Very anxious on the phone; prefers face-to-face appointments.",
    "Has a hate crime case open with the police.",
    "Mental health crisis plan on file; CMHT care coordinator is the contact.",
    "Former volunteer.",
    "Uses BSL: book an interpreter for appointments.",
];

const VISITOR_WHO: &[(&str, i64, i64)] = &[
    ("Man", 30, 60),
    ("Woman", 30, 60),
    ("Young man", 20, 25),
    ("Young woman", 20, 25),
    ("Older man", 65, 80),
    ("Older woman", 65, 80),
];
const VISITOR_FEATURES: &[&str] = &[
    "grey beard",
    "shaved head",
    "long dark hair in a plait",
    "glasses",
    "walks with a stick",
    "tattoo on the left hand",
    "ginger hair",
    "Scottish accent",
    "carrying a large rucksack",
    "uses a mobility scooter",
    "bleached blonde hair",
];
const VISITOR_CLOTHES: &[&str] = &[
    "green parka",
    "black puffer jacket",
    "red football shirt",
    "hi-vis vest",
    "grey hoodie",
    "long camel coat",
    "blue tracksuit",
    "flat cap",
];
const VISITOR_PLACES: &[&str] = &[
    "reception",
    "the waiting area",
    "outside the main entrance",
    "the Burnt Oak drop-in",
];

/// Ofcom drama ranges: (national digits prefix, numbers 0..1000).
const POOL_PREFIX: [&str; 4] = ["07700900", "02079460", "01134960", "01614960"];

/// National digits of numbers the named customers and the dedicated contact use.
const RESERVED: &[&str] = &[
    "07700900123",
    "02079460321",
    "02079460018",
    "07700900456",
    "07700900234",
    "07700900777",
    "01614960777",
    "07700900611",
    "02079460777",
    "02079460500",
];

fn format_phone(d: &str, rng: &mut Rng) -> String {
    if d.starts_with("07") {
        match rng.weighted(&[45, 20, 15, 8, 12]) {
            0 => format!("{} {}", &d[..5], &d[5..]),
            1 => d.to_string(),
            2 => format!("+44 {} {}", &d[1..5], &d[5..]),
            3 => format!("+44{}", &d[1..]),
            _ => format!("{} {} {}", &d[..5], &d[5..8], &d[8..]),
        }
    } else if d.starts_with("020") {
        let (a, b) = (&d[3..7], &d[7..]);
        match rng.weighted(&[45, 20, 12, 10, 5, 8]) {
            0 => format!("020 {a} {b}"),
            1 => format!("(020) {a} {b}"),
            2 => format!("0207 {} {b}", &a[1..]),
            3 => format!("+44 20 {a} {b}"),
            4 => format!("+44 (0)20 {a} {b}"),
            _ => d.to_string(),
        }
    } else {
        let (area, a, b) = (&d[..4], &d[4..7], &d[7..]);
        match rng.weighted(&[55, 20, 10, 15]) {
            0 => format!("{area} {a} {b}"),
            1 => format!("({area}) {a} {b}"),
            2 => format!("+44 {} {a} {b}", &area[1..]),
            _ => d.to_string(),
        }
    }
}

/// Letters, digits and dots only, lower case, for an email address.
fn email_part(s: &str) -> String {
    deunicode::deunicode(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn uk_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&London).format("%d/%m/%Y").to_string()
}

/// A time on the same weekday (a weekend moves to Friday or Monday), 08:00-16:00 UTC: about
/// 09:00-17:00 in London in summer, 08:00-16:00 in winter.
fn office_hours(rng: &mut Rng, t: DateTime<Utc>) -> DateTime<Utc> {
    let mut d = t.date_naive();
    match d.weekday() {
        Weekday::Sat => d -= Duration::days(1),
        Weekday::Sun => d += Duration::days(1),
        _ => {}
    }
    Utc.from_utc_datetime(&d.and_hms_opt(8, 0, 0).expect("valid"))
        + Duration::seconds(rng.below(8 * 3600) as i64)
}

// ---------------------------------------------------------------------------------------------
// The plan: what kind of history each generated customer gets, fixed before generation so that
// the totals come out exactly and the chunks can be made one after another.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// On file, nothing recorded.
    Zero,
    /// Unidentified visitor, no decision.
    Visitor,
    /// Unidentified visitor banned from the premises after an immediate threat.
    VisitorBanned,
    /// This many incidents, no decision yet.
    Pending(u8),
    /// As Pending, plus one withdrawn incident.
    PendingWithdrawn(u8),
    /// An immediate threat and a restriction without warning.
    Immediate,
    /// One or more decisions after three or more incidents each.
    Decided,
}

#[derive(Debug, Clone, Copy)]
struct Plan {
    profile: Profile,
    incidents: u32,
    restrictions: u8,
    r_max: u8,
}

/// The first generated customers, so that every feature appears at any scale of a few dozen.
const FORCED: &[(Profile, u8)] = &[
    (Profile::Pending(1), 0),
    (Profile::Pending(2), 0),
    (Profile::Pending(3), 0),
    (Profile::Decided, 2),
    (Profile::Immediate, 1),
    (Profile::Visitor, 0),
    (Profile::Decided, 3),
    (Profile::Pending(3), 0),
    (Profile::PendingWithdrawn(2), 0),
    (Profile::Decided, 2),
    (Profile::VisitorBanned, 1),
    (Profile::Decided, 1),
    (Profile::Decided, 0),
    (Profile::Immediate, 2),
    (Profile::Pending(1), 0),
    (Profile::Decided, 2),
    (Profile::Zero, 0),
    (Profile::Pending(2), 0),
    (Profile::Decided, 3),
    (Profile::Visitor, 0),
    (Profile::Decided, 2),
    (Profile::Pending(3), 0),
];

const PROFILES: [(Profile, u32); 9] = [
    (Profile::Zero, 40),
    (Profile::Visitor, 10),
    (Profile::VisitorBanned, 4),
    (Profile::Pending(1), 420),
    (Profile::Pending(2), 190),
    (Profile::Pending(3), 35),
    (Profile::PendingWithdrawn(1), 12),
    (Profile::Immediate, 12),
    (Profile::Decided, 180),
];

fn plan(scale: &Scale, seed: u64) -> Vec<Plan> {
    let n = scale.customers.saturating_sub(NAMED_CUSTOMERS);
    let budget = scale.incidents.saturating_sub(NAMED_INCIDENTS) as u64;
    let r_budget = scale.restrictions.saturating_sub(NAMED_RESTRICTIONS) as u64;
    let mut rng = Rng::new(mix(seed, 0x504C_414E));
    let weights: Vec<u32> = PROFILES.iter().map(|p| p.1).collect();
    let mut plans: Vec<Plan> = (0..n)
        .map(|j| {
            let (profile, forced_r) = match FORCED.get(j) {
                Some(&(p, r)) => (p, Some(r)),
                None => (PROFILES[rng.weighted(&weights)].0, None),
            };
            let (incidents, r_max) = match profile {
                Profile::Zero => (0, 0),
                Profile::Visitor => (1 + u32::from(rng.chance(0.2)), 0),
                Profile::VisitorBanned => (1 + u32::from(rng.chance(0.3)), 1),
                Profile::Pending(k) => (u32::from(k), 0),
                Profile::PendingWithdrawn(k) => (u32::from(k) + 1, 0),
                Profile::Immediate => (1 + rng.below(3) as u32, 3),
                Profile::Decided => (3, 4),
            };
            let restrictions = match (forced_r, profile) {
                (Some(r), _) => r,
                (None, Profile::Decided) => [0, 1, 2, 3][rng.weighted(&[30, 40, 22, 8])],
                (None, Profile::Immediate) => 1 + u8::from(rng.chance(0.25)),
                (None, _) => r_max,
            };
            Plan {
                profile,
                incidents,
                restrictions,
                r_max,
            }
        })
        .collect();

    // Incidents: too few to go round turns the last customers into "nothing recorded".
    let mut sum: u64 = plans.iter().map(|p| u64::from(p.incidents)).sum();
    for p in plans.iter_mut().rev() {
        if sum <= budget {
            break;
        }
        sum -= u64::from(p.incidents);
        *p = Plan {
            profile: Profile::Zero,
            incidents: 0,
            restrictions: 0,
            r_max: 0,
        };
    }
    // The rest go to the customers with decisions, heavy-tailed: a few have hundreds.
    let mut extra = budget - sum;
    if extra > 0 && !plans.iter().any(|p| p.profile == Profile::Decided) {
        if let Some(p) = plans.iter_mut().find(|p| p.profile == Profile::Zero) {
            if extra >= 3 {
                *p = Plan {
                    profile: Profile::Decided,
                    incidents: 3,
                    restrictions: 0,
                    r_max: 4,
                };
                extra -= 3;
            }
        }
    }
    let decided: Vec<usize> = (0..plans.len())
        .filter(|&j| plans[j].profile == Profile::Decided)
        .collect();
    if extra > 0 && !decided.is_empty() {
        let w: Vec<u64> = decided
            .iter()
            .map(|_| {
                let pareto = (1.0 - rng.unit()).max(1e-9).powf(-1.0 / 1.5).min(60.0);
                (pareto * 1000.0) as u64
            })
            .collect();
        let total: u128 = w.iter().map(|&x| u128::from(x)).sum();
        let mut given = 0u64;
        for (k, &j) in decided.iter().enumerate() {
            let e = (u128::from(extra) * u128::from(w[k]) / total) as u64;
            plans[j].incidents += e as u32;
            given += e;
        }
        let start = rng.below(decided.len() as u64) as usize;
        for k in 0..(extra - given) as usize {
            plans[decided[(start + k) % decided.len()]].incidents += 1;
        }
    }

    // Restrictions: thin the draw towards the budget, then adjust one at a time to hit it.
    let free = FORCED.len().min(plans.len());
    let eligible: Vec<usize> = (0..plans.len()).filter(|&j| plans[j].r_max > 0).collect();
    let mut rsum: u64 = plans.iter().map(|p| u64::from(p.restrictions)).sum();
    // Thin the random customers with decisions towards the budget left after the others.
    let thin: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&j| j >= free && plans[j].profile == Profile::Decided)
        .collect();
    let thin_sum: u64 = thin.iter().map(|&j| u64::from(plans[j].restrictions)).sum();
    if rsum > r_budget && thin_sum > 0 {
        let others = rsum - thin_sum;
        let keep = r_budget.saturating_sub(others) as f64 / thin_sum as f64;
        for &j in &thin {
            if !rng.chance(keep) {
                rsum -= u64::from(plans[j].restrictions);
                plans[j].restrictions = 0;
            }
        }
    }
    if !eligible.is_empty() {
        // Prefer changing the random customers, then the forced ones.
        for pass in 0..3 {
            let pool: Vec<usize> = eligible
                .iter()
                .copied()
                .filter(|&j| match pass {
                    0 => j >= free && plans[j].profile == Profile::Decided,
                    1 => j >= free,
                    _ => true,
                })
                .collect();
            if pool.is_empty() {
                continue;
            }
            let mut guard = 0usize;
            while rsum != r_budget && guard < pool.len() * 8 + 64 {
                guard += 1;
                let start = rng.below(pool.len() as u64) as usize;
                let found = (0..pool.len())
                    .map(|k| pool[(start + k) % pool.len()])
                    .find(|&j| {
                        if rsum > r_budget {
                            plans[j].restrictions > 0
                        } else {
                            plans[j].restrictions < plans[j].r_max
                        }
                    });
                let Some(j) = found else { break };
                if rsum > r_budget {
                    plans[j].restrictions -= 1;
                    rsum -= 1;
                } else {
                    plans[j].restrictions += 1;
                    rsum += 1;
                }
            }
        }
    }
    plans
}

// ---------------------------------------------------------------------------------------------
// The generator state, carried from one customer (and chunk) to the next.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Review due in the future.
    Future,
    /// Review due today.
    Today,
    /// Review overdue.
    Overdue,
    /// Reviewed and continued long ago; next review in the future.
    Continued,
    /// All lifted at review.
    Lifted,
}

const FORCED_MODES: [Mode; 5] = [
    Mode::Future,
    Mode::Overdue,
    Mode::Today,
    Mode::Continued,
    Mode::Lifted,
];
const MODES: [(Mode, u32); 5] = [
    (Mode::Future, 40),
    (Mode::Today, 4),
    (Mode::Overdue, 14),
    (Mode::Continued, 20),
    (Mode::Lifted, 22),
];

struct Ctx {
    id: Id,
    pref: usize,
    topic: &'static str,
    visitor: bool,
}

struct Gen {
    now: DateTime<Utc>,
    today: NaiveDate,
    earliest: DateTime<Utc>,
    policy: Policy,
    staff: Vec<Staff>,
    reception: Vec<usize>,
    phone: Vec<usize>,
    managers: Vec<usize>,
    leaver: usize,
    seed_hi: u64,
    fixed: bool,
    next: [u64; 16],
    incident_no: u64,
    mode_no: usize,
    covered_actions: [bool; 8],
    covered_access: [bool; 6],
    pools: [u64; 4],
    extra_phone: u64,
    templates: [Vec<usize>; 5],
    /// No threats: for incidents long ago that no manager decided on.
    calm: bool,
}

fn group_index(g: Group) -> usize {
    match g {
        Group::Voice => 0,
        Group::InPerson => 1,
        Group::Written => 2,
        Group::Social => 3,
        Group::Other => 4,
    }
}

impl Gen {
    fn new(seed: u64, now: DateTime<Utc>) -> Gen {
        let staff = staff();
        let by_role = |role: Role| -> Vec<usize> {
            (0..staff.len())
                .filter(|&i| staff[i].role == role && staff[i].active)
                .collect()
        };
        let mut templates: [Vec<usize>; 5] = Default::default();
        for (i, t) in TEMPLATES.iter().enumerate() {
            templates[group_index(t.group)].push(i);
        }
        Gen {
            now,
            today: time::london_date(now),
            earliest: now - Duration::days(729),
            policy: Policy::built_in(),
            reception: by_role(Role::Reception),
            phone: by_role(Role::Phone),
            managers: by_role(Role::Manager),
            leaver: staff.iter().position(|s| !s.active).unwrap_or(0),
            staff,
            seed_hi: mix(seed, 0x1D5),
            fixed: false,
            next: [0; 16],
            incident_no: 0,
            mode_no: 0,
            covered_actions: [false; 8],
            covered_access: [false; 6],
            pools: [0; 4],
            extra_phone: 0,
            templates,
            calm: false,
        }
    }

    fn id(&mut self, tag: u64) -> Id {
        let (hi, tag) = if self.fixed {
            (FIXED_HI, tag + TAG_FIXED)
        } else {
            (self.seed_hi, tag)
        };
        self.next[tag as usize] += 1;
        make_id(hi, tag, self.next[tag as usize])
    }

    fn staff_by_login(&self, login: &str) -> &Staff {
        self.staff
            .iter()
            .find(|s| s.login == login)
            .expect("a demo staff login")
    }

    /// A London local time `days_ago` days before today.
    fn local(&self, days_ago: i64, hour: i64, minute: i64) -> DateTime<Utc> {
        time::london_midnight(self.today - Duration::days(days_ago))
            + Duration::hours(hour)
            + Duration::minutes(minute)
    }

    // -- Phones --------------------------------------------------------------------------------

    fn drama_number(&mut self, pool: usize) -> Option<String> {
        while self.pools[pool] < 1000 {
            let c = self.pools[pool];
            self.pools[pool] += 1;
            let digits = format!("{}{:03}", POOL_PREFIX[pool], (c * 379 + 211) % 1000);
            if !RESERVED.contains(&digits.as_str()) {
                return Some(digits);
            }
        }
        None
    }

    /// Plausible mobiles beyond the drama range (07400-07699 and 07800-07999), all distinct.
    fn extra_mobile(&mut self) -> String {
        let v = (self.extra_phone * 982_451_653 + 12_345_678) % 500_000_000;
        self.extra_phone += 1;
        let n = if v < 300_000_000 {
            7_400_000_000 + v
        } else {
            7_800_000_000 + (v - 300_000_000)
        };
        format!("0{n}")
    }

    fn phone_number(&mut self, rng: &mut Rng, second: bool) -> String {
        let pool = if second {
            rng.weighted(&[40, 40, 10, 10])
        } else {
            rng.weighted(&[72, 18, 5, 5])
        };
        let digits = match self.drama_number(pool) {
            Some(d) => d,
            None => self.extra_mobile(),
        };
        format_phone(&digits, rng)
    }

    // -- Incidents -----------------------------------------------------------------------------

    fn logger(&self, rng: &mut Rng, group: Group, occurred: DateTime<Utc>) -> usize {
        let front = match group {
            Group::InPerson | Group::Other => true,
            Group::Voice => false,
            Group::Written | Group::Social => rng.chance(0.4),
        };
        if front && occurred < self.now - Duration::days(365) && rng.chance(0.3) {
            return self.leaver;
        }
        if front {
            *rng.pick(&self.reception)
        } else {
            *rng.pick(&self.phone)
        }
    }

    /// Office hours (weekdays 09:00-17:00) for calls and visits, if that stays inside [a, b].
    fn office_time(
        rng: &mut Rng,
        t: DateTime<Utc>,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
        group: Group,
    ) -> DateTime<Utc> {
        match group {
            Group::Voice | Group::InPerson | Group::Other => {
                // The same day, else the day before, else the day after.
                for attempt in 0..6i64 {
                    let shift = [0, 0, -1, -1, 1, 1][attempt as usize];
                    let candidate = office_hours(rng, t + Duration::days(shift));
                    if candidate >= a && candidate <= b {
                        return candidate;
                    }
                }
                t
            }
            Group::Written | Group::Social => {
                let later = t + Duration::hours(7);
                if (1..6).contains(&t.hour()) && later <= b && rng.chance(0.7) {
                    later
                } else {
                    t
                }
            }
        }
    }

    /// The response the k-th generated incident is given, to show every one on every channel.
    fn forced_response(k: u64) -> &'static str {
        let rs = CHANNELS[(k % 9) as usize].responses;
        rs[(k / 9) as usize % rs.len()]
    }

    /// A new incident for `ctx` that happened at `occurred` (and was logged by `log_limit`).
    /// `severe` makes it an immediate threat (police or security).
    fn incident(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        occurred: DateTime<Utc>,
        not_before: DateTime<Utc>,
        log_limit: DateTime<Utc>,
        severe: bool,
    ) -> Incident {
        let k = self.incident_no;
        let mut forced_response: Option<&'static str> = None;
        let ch = if severe {
            if ctx.visitor {
                FACE_TO_FACE
            } else {
                [FACE_TO_FACE, PHONE, OTHER][rng.weighted(&[60, 30, 10])]
            }
        } else if ctx.visitor {
            if rng.chance(0.85) {
                FACE_TO_FACE
            } else {
                OTHER
            }
        } else if k < 63 && !(self.calm && min_severity(Gen::forced_response(k)) > 2) {
            self.incident_no += 1;
            // The first incidents walk through every channel and every response it allows.
            let ch = (k % 9) as usize;
            let rs = CHANNELS[ch].responses;
            forced_response = Some(rs[(k / 9) as usize % rs.len()]);
            ch
        } else if rng.chance(0.7) {
            ctx.pref
        } else {
            let w: Vec<u32> = CHANNELS.iter().map(|c| c.weight).collect();
            rng.weighted(&w)
        };
        let chan = &CHANNELS[ch];
        let group = chan.group;

        // The response first when it is forced, otherwise the template first.
        let min_sev = if severe {
            3
        } else {
            forced_response.map(min_severity).unwrap_or(1)
        };
        let pool = &self.templates[group_index(group)];
        let weights: Vec<u32> = pool
            .iter()
            .map(|&i| {
                let t = &TEMPLATES[i];
                if t.severity < min_sev || (self.calm && t.severity > 2) {
                    0
                } else {
                    match t.severity {
                        1 => 10,
                        2 => 5,
                        _ => 1,
                    }
                }
            })
            .collect();
        let tpl = &TEMPLATES[pool[rng.weighted(&weights)]];
        let response: &'static str = if severe {
            if ch == FACE_TO_FACE && rng.chance(0.3) {
                "security_called"
            } else {
                "police_called"
            }
        } else if let Some(r) = forced_response {
            r
        } else {
            let allowed: Vec<&'static str> = chan
                .responses
                .iter()
                .copied()
                .filter(|r| min_severity(r) <= tpl.severity)
                .collect();
            let w: Vec<u32> = allowed.iter().map(|r| response_weight(r)).collect();
            allowed[rng.weighted(&w)]
        };

        let occurred = Gen::office_time(
            rng,
            occurred,
            not_before.max(occurred - Duration::days(3)),
            log_limit - Duration::minutes(30),
            group,
        )
        .min(log_limit - Duration::minutes(2));
        let delay = match rng.below(10) {
            0..=6 => rng.minutes(3, 60),
            7 | 8 => rng.minutes(60, 360),
            _ => rng.minutes(360, 1440),
        };
        let logged_at = (occurred + delay)
            .min(log_limit - Duration::minutes(1))
            .max(occurred + Duration::minutes(1));
        let who = self.logger(rng, group, occurred);

        let mut behaviours: Vec<String> = tpl.behaviours.iter().map(|b| (*b).to_string()).collect();
        if rng.chance(0.08) {
            let cat = self
                .policy
                .category(tpl.category)
                .expect("template category");
            let extra = &rng.pick(&cat.behaviours).id;
            if !behaviours.contains(extra) {
                behaviours.push(extra.clone());
            }
        }
        let reference = match response {
            "police_called" => {
                let local = occurred.with_timezone(&London);
                format!(
                    "CAD {}/{:02}{}",
                    rng.range(1000, 9999),
                    local.day(),
                    local.format("%b").to_string().to_uppercase()
                )
            }
            "security_called" => format!("Security log {:04}", rng.range(1, 2999)),
            _ => String::new(),
        };
        let immediate_threat =
            response == "police_called" || (tpl.severity == 3 && (severe || rng.chance(0.15)));
        let mut description = tpl.text.replace("{topic}", ctx.topic);
        description.push(' ');
        description.push_str(clause(group, response, rng));
        let witnesses = match group {
            Group::InPerson if rng.chance(0.35) => {
                let other = &self.staff[*rng.pick(&self.reception)].display_name;
                match rng.below(3) {
                    0 => format!("{other} (reception)"),
                    1 => format!("{other} and a visitor in the waiting area"),
                    _ => "Two other customers in reception".to_string(),
                }
            }
            Group::Voice if rng.chance(0.1) => {
                let other = &self.staff[*rng.pick(&self.phone)].display_name;
                format!("Call on speaker; {other} heard it")
            }
            _ => String::new(),
        };
        let behaviour_other = if rng.chance(0.03) {
            rng.pick(BEHAVIOUR_OTHER).to_string()
        } else {
            String::new()
        };
        let id = self.id(TAG_INCIDENT);
        let staff = &self.staff[who];
        Incident {
            id,
            customer_id: ctx.id,
            occurred_at: occurred,
            logged_at,
            logged_by: staff.id,
            logged_by_name: staff.display_name.clone(),
            channel: chan.id.to_string(),
            category: tpl.category.to_string(),
            behaviours,
            behaviour_other,
            response: response.to_string(),
            reference,
            description,
            immediate_threat,
            witnesses,
            withdrawn: None,
            version: 1,
        }
    }

    /// `n` incidents between a and b (sorted), logged before `log_limit`.
    #[allow(clippy::too_many_arguments)]
    fn incidents_between(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        n: u32,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
        log_limit: DateTime<Utc>,
        out: &mut Vec<Incident>,
    ) {
        let mut times: Vec<DateTime<Utc>> = (0..n).map(|_| rng.between(a, b)).collect();
        times.sort();
        for t in times {
            let i = self.incident(rng, ctx, t, a, log_limit, false);
            out.push(i);
        }
        // Office-hours snapping can reorder two incidents on one day: keep them oldest first.
        let len = out.len();
        out[len - n as usize..].sort_by_key(|i| i.occurred_at);
    }

    fn withdraw(&self, rng: &mut Rng, i: &mut Incident) {
        let manager = &self.staff[*rng.pick(&self.managers)];
        let at = (i.logged_at + rng.days(1, 10))
            .min(self.now - Duration::minutes(1))
            .max(i.logged_at);
        i.withdrawn = Some(Withdrawal {
            at,
            by: manager.display_name.clone(),
            reason: rng.pick(WITHDRAWAL_REASONS).to_string(),
        });
    }

    // -- Decisions and restrictions ------------------------------------------------------------

    fn next_mode(&mut self, rng: &mut Rng) -> Mode {
        let m = match FORCED_MODES.get(self.mode_no) {
            Some(&m) => m,
            None => {
                let w: Vec<u32> = MODES.iter().map(|m| m.1).collect();
                MODES[rng.weighted(&w)].0
            }
        };
        self.mode_no += 1;
        m
    }

    /// When a decision with restrictions in this mode was taken.
    fn decision_time(&self, rng: &mut Rng, mode: Option<Mode>) -> DateTime<Utc> {
        let now = self.now;
        let t = match mode {
            Some(Mode::Future) => now - rng.days(2, 38),
            // The review date is set to today whatever the day of the meeting.
            Some(Mode::Today) => now - Duration::days(42),
            Some(Mode::Overdue) => now - rng.days(44, 75),
            Some(Mode::Continued) => now - rng.days(90, 400),
            Some(Mode::Lifted) => now - rng.days(100, 600),
            None => now - rng.days(3, 640),
        };
        // In office hours on that weekday (a weekend moves back to the Friday before).
        let mut date = time::london_date(t);
        match date.weekday() {
            Weekday::Sat => date -= Duration::days(1),
            Weekday::Sun => date -= Duration::days(2),
            _ => {}
        }
        let at =
            time::london_midnight(date) + Duration::minutes(rng.range(9 * 60 + 30, 16 * 60 + 30));
        if at < now - Duration::hours(2) {
            at
        } else {
            t
        }
    }

    /// Kinds for a decision: every action and access restriction is shown (active) once before
    /// the usual mix takes over.
    fn kinds(&mut self, rng: &mut Rng, n: u8, immediate: bool, active: bool) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for _ in 0..n {
            let want_access = immediate
                || (active
                    && self.covered_actions.iter().all(|&c| c)
                    && self.covered_access.iter().any(|&c| !c))
                || rng.chance(0.2);
            let list: &[(&str, u32)] = if want_access { &ACCESS } else { &ACTIONS };
            let covered: &[bool] = if want_access {
                &self.covered_access
            } else {
                &self.covered_actions
            };
            let uncovered =
                (0..list.len()).find(|&i| active && !covered[i] && !out.contains(&list[i].0));
            let i = match uncovered {
                Some(i) => i,
                None => {
                    let w: Vec<u32> = list
                        .iter()
                        .map(|(k, w)| if out.contains(k) { 0 } else { *w })
                        .collect();
                    if w.iter().all(|&x| x == 0) {
                        continue;
                    }
                    rng.weighted(&w)
                }
            };
            if active {
                if want_access {
                    self.covered_access[i] = true;
                } else {
                    self.covered_actions[i] = true;
                }
            }
            out.push(list[i].0);
        }
        out
    }

    fn params(&self, rng: &mut Rng, kind: &str) -> RestrictionParams {
        let mut p = RestrictionParams::default();
        match kind {
            "dedicated_contact" => {
                p.email = DEDICATED_EMAIL.to_string();
                if rng.chance(0.75) {
                    p.phone = DEDICATED_PHONE.to_string();
                }
            }
            "time_limit" => p.minutes = Some(*rng.pick(&[10, 10, 15, 15, 20, 30])),
            "named_staff" => {
                let s = if rng.chance(0.75) {
                    self.staff_by_login("spatel")
                } else {
                    &self.staff[*rng.pick(&self.managers)]
                };
                p.staff_id = Some(s.id);
                p.staff_name = s.display_name.clone();
            }
            "third_party" => p.third_party = rng.pick(THIRD_PARTIES).to_string(),
            _ => {}
        }
        p
    }

    fn attendees(&self, manager: &Staff, employee: Option<&Staff>) -> String {
        match employee {
            Some(e) if e.id != manager.id => format!(
                "{} (manager), {} ({})",
                manager.display_name,
                e.display_name,
                if e.role == Role::Phone {
                    "phone team"
                } else {
                    "reception"
                }
            ),
            _ => format!("{} (manager)", manager.display_name),
        }
    }

    fn staff_of(&self, id: Id) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    /// A decision on the incidents `cycle`, taken at `at`, with restrictions of `kinds`.
    #[allow(clippy::too_many_arguments)]
    fn decide(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        cycle: &[Incident],
        at: DateTime<Utc>,
        outcome: Outcome,
        kinds: &[&'static str],
        mode: Mode,
        end_by: Option<DateTime<Utc>>,
        bulk: &mut Bulk,
    ) {
        let manager = self.staff[*rng.pick(&self.managers)].clone();
        let employee = cycle
            .last()
            .and_then(|i| self.staff_of(i.logged_by))
            .cloned();
        let n = cycle.iter().filter(|i| i.counts()).count();
        let first = cycle
            .first()
            .map(|i| uk_date(i.occurred_at))
            .unwrap_or_default();
        let last = cycle
            .last()
            .map(|i| uk_date(i.occurred_at))
            .unwrap_or_default();
        let mut cats: Vec<&str> = Vec::new();
        for i in cycle.iter() {
            let c = match i.category.as_str() {
                "abusive" => "abusive or offensive behaviour",
                "demands" => "unacceptable demands",
                _ => "persistent contact",
            };
            if !cats.contains(&c) {
                cats.push(c);
            }
        }
        let labels: Vec<String> = kinds
            .iter()
            .map(|k| {
                self.policy
                    .restriction_kind(k)
                    .map(|r| r.label().to_lowercase())
                    .unwrap_or_else(|| (*k).to_string())
            })
            .collect();
        let weeks = self.policy.policy.review_period_weeks;
        let reasons = match outcome {
            Outcome::Actions => format!(
                "{n} incidents between {first} and {last} ({}). The initial responses have not changed the behaviour. Agreed: {}. To be reviewed in {weeks} weeks if the customer still wants to use our services.",
                cats.join(", "),
                labels.join("; ")
            ),
            Outcome::ImmediateRestriction => {
                let threat = cycle.last();
                let reference = threat
                    .map(|i| i.reference.clone())
                    .filter(|r| !r.is_empty())
                    .map(|r| format!("reference {r}"))
                    .unwrap_or_else(|| "no police reference".to_string());
                format!(
                    "On {last} the customer's behaviour posed an immediate threat to the safety of staff ({reference}). Access restricted without prior warning: {}. Written confirmation to be sent where possible; review in {weeks} weeks.",
                    labels.join("; ")
                )
            }
            _ => match rng.below(4) {
                0 => format!("{n} incidents since {first}. The customer has apologised and explained they were under strain over {}; no further action. Staff to keep using the initial responses.", ctx.topic),
                1 => format!("{n} incidents, all linked to a delay on our side with {}, now resolved. No further action; apology letter sent.", ctx.topic),
                2 => format!("Discussed {n} incidents. The customer's support worker will attend future appointments; no further action at this stage."),
                _ => format!("{n} incidents reviewed. The behaviour was out of character after a bereavement; no further action, staff reminded to signpost to bereavement support."),
            },
        };
        let mut decision = Decision {
            id: self.id(TAG_DECISION),
            customer_id: ctx.id,
            case_id: None,
            decided_at: at,
            meeting_date: time::london_date(at),
            attendees: self.attendees(&manager, employee.as_ref()),
            outcome,
            reasons,
            decided_by: manager.id,
            decided_by_name: manager.display_name.clone(),
            no_warning: outcome == Outcome::ImmediateRestriction,
            police_told: (outcome == Outcome::ImmediateRestriction).then_some(true),
            risk_assessment: if outcome == Outcome::ImmediateRestriction {
                "Staff were threatened with harm; the police were called at the time.".to_string()
            } else {
                String::new()
            },
            // Restricting decisions owe a letter; settled below once it is known whether one went.
            letter: if kinds.is_empty() {
                LetterStatus::NotNeeded
            } else {
                LetterStatus::Sent
            },
        };
        let starts_at = (at + rng.minutes(20, 240))
            .min(self.now - Duration::minutes(1))
            .max(at + Duration::minutes(1));
        for &kind in kinds {
            let (review_due, ends_at, ended_reason) =
                self.review_and_end(rng, starts_at, mode, end_by);
            let r = Restriction {
                id: self.id(TAG_RESTRICTION),
                customer_id: ctx.id,
                decision_id: Some(decision.id),
                kind: kind.to_string(),
                params: self.params(rng, kind),
                starts_at,
                review_due: Some(review_due),
                ends_at,
                ended_reason,
                version: 1,
            };
            bulk.restrictions.push(r);
        }
        if !kinds.is_empty() && !ctx.visitor && rng.chance(0.35) {
            let created_at = starts_at + rng.minutes(30, 180);
            if created_at < self.now {
                let sent_at = Some(created_at + rng.minutes(60, 2880))
                    .filter(|&t| t < self.now && rng.chance(0.9));
                let letter = Letter {
                    id: self.id(TAG_LETTER),
                    customer_id: ctx.id,
                    decision_id: Some(decision.id),
                    file: String::new(),
                    kind: "restriction_notice".to_string(),
                    created_at,
                    sent_at,
                    sent_how: if sent_at.is_none() {
                        String::new()
                    } else if rng.chance(0.8) {
                        "post".to_string()
                    } else {
                        "email".to_string()
                    },
                };
                if letter.sent_at.is_none() && self.now - at < Duration::days(14) {
                    decision.letter = LetterStatus::Owed;
                }
                bulk.letters.push(letter);
            }
        }
        bulk.decisions.push(decision);
    }

    fn review_and_end(
        &self,
        rng: &mut Rng,
        starts_at: DateTime<Utc>,
        mode: Mode,
        end_by: Option<DateTime<Utc>>,
    ) -> (NaiveDate, Option<DateTime<Utc>>, String) {
        let default = rules::default_review_date(starts_at, &self.policy);
        if let Some(limit) = end_by {
            let mut end = (starts_at + rng.days(42, 84)).min(limit - Duration::hours(1));
            if end <= starts_at {
                end = starts_at + (limit - starts_at) / 2;
            }
            let reason = if limit < self.now && rng.chance(0.4) {
                "Replaced by a new decision.".to_string()
            } else {
                rng.pick(ENDED_REASONS).to_string()
            };
            return (default, Some(end), reason);
        }
        match mode {
            Mode::Today => (self.today, None, String::new()),
            Mode::Continued => (
                self.today + Duration::days(rng.range(1, 40)),
                None,
                String::new(),
            ),
            Mode::Lifted => {
                let end = (starts_at + rng.days(42, 60)).min(self.now - Duration::hours(1));
                (default, Some(end), rng.pick(ENDED_REASONS).to_string())
            }
            Mode::Future | Mode::Overdue => (default, None, String::new()),
        }
    }

    // -- Customers -----------------------------------------------------------------------------

    fn customer(&mut self, rng: &mut Rng, plan: &Plan, bulk: &mut Bulk) {
        let id = self.id(TAG_CUSTOMER);
        let visitor = matches!(plan.profile, Profile::Visitor | Profile::VisitorBanned);
        let w: Vec<u32> = CHANNELS.iter().map(|c| c.weight).collect();
        let ctx = Ctx {
            id,
            pref: rng.weighted(&w),
            topic: rng.pick::<&str>(TOPICS),
            visitor,
        };
        let first_incident = bulk.incidents.len();
        match plan.profile {
            Profile::Zero => {}
            Profile::Visitor => {
                let severe = rng.chance(0.25);
                let recent = if severe { 20 } else { 700 };
                self.pending(rng, &ctx, plan.incidents, false, severe, recent, bulk)
            }
            Profile::Pending(k) => {
                let recent = match k {
                    1 => 720,
                    2 => 300,
                    _ => 40,
                };
                self.pending(rng, &ctx, u32::from(k), false, false, recent, bulk)
            }
            Profile::PendingWithdrawn(k) => {
                self.pending(rng, &ctx, u32::from(k), true, false, 300, bulk)
            }
            Profile::Immediate | Profile::VisitorBanned => {
                if plan.restrictions == 0 {
                    self.pending(rng, &ctx, plan.incidents, false, false, 300, bulk)
                } else {
                    self.immediate(rng, &ctx, plan, bulk)
                }
            }
            Profile::Decided => self.decided(rng, &ctx, plan, bulk),
        }
        let first = bulk.incidents[first_incident..]
            .iter()
            .map(|i| i.occurred_at)
            .min();
        let created_at = match first {
            Some(t) if rng.chance(0.5) => t - Duration::minutes(rng.range(2, 20)),
            Some(t) => t - rng.days(1, 400),
            None => self.now - rng.days(1, 700),
        };
        let customer = if visitor {
            let seen = first.unwrap_or(created_at).with_timezone(&London);
            let (who, lo, hi) = *rng.pick(VISITOR_WHO);
            let age = rng.range(lo / 5, hi / 5) * 5;
            Customer {
                id,
                name: None,
                description: format!(
                    "{who}, about {age}, {}, {}; {}, {} around {:02}:00",
                    rng.pick(VISITOR_FEATURES),
                    rng.pick(VISITOR_CLOTHES),
                    rng.pick(VISITOR_PLACES),
                    seen.format("%d/%m"),
                    seen.hour()
                ),
                notes: String::new(),
                created_at,
                version: 1,
                ..Customer::default()
            }
        } else {
            self.person(rng, id, created_at)
        };
        bulk.customers.push(customer);
    }

    fn person(&mut self, rng: &mut Rng, id: Id, created_at: DateTime<Utc>) -> Customer {
        let gw: Vec<u32> = NAME_GROUPS.iter().map(|g| g.weight).collect();
        let g = &NAME_GROUPS[rng.weighted(&gw)];
        let female = rng.chance(0.5);
        let first = *rng.pick(if female { g.female } else { g.male });
        let surname_of = |rng: &mut Rng, g: &NameGroup| -> &'static str {
            let s = *rng.pick(g.surnames);
            match s.split_once('|') {
                Some((m, f)) => {
                    if female {
                        f
                    } else {
                        m
                    }
                }
                None => s,
            }
        };
        let mut surname = surname_of(rng, g).to_string();
        if rng.chance(0.05) {
            let other = if rng.chance(0.5) {
                g
            } else {
                &NAME_GROUPS[rng.weighted(&gw)]
            };
            let second = surname_of(rng, other);
            if second != surname && !second.contains('-') && !surname.contains('-') {
                surname = format!("{surname}-{second}");
            }
        }
        // Nobody shares a name with a member of staff or a named demo customer: that would only
        // confuse the demo.
        while taken_name(&format!("{first} {surname}")) {
            surname = surname_of(rng, g).to_string();
        }
        let name = format!("{first} {surname}");
        let mut other_names = Vec::new();
        if female && rng.chance(0.22) {
            let maiden_group = if rng.chance(0.6) {
                g
            } else {
                &NAME_GROUPS[rng.weighted(&gw)]
            };
            let maiden = surname_of(rng, maiden_group);
            let other = format!("{first} {maiden}");
            if !surname.contains(maiden) && !taken_name(&other) {
                other_names.push(other);
            }
        }
        if let Some((_, nick)) = NICKNAMES.iter().find(|(full, _)| *full == first) {
            let other = format!("{nick} {surname}");
            if rng.chance(0.45) && !taken_name(&other) {
                other_names.push(other);
            }
        }
        let phones = match rng.weighted(&[12, 68, 20]) {
            0 => vec![],
            1 => vec![self.phone_number(rng, false)],
            _ => vec![self.phone_number(rng, false), self.phone_number(rng, true)],
        };
        let (f, l) = (email_part(first), email_part(&surname));
        let n_email = rng.weighted(&[35, 55, 10]);
        let mut emails = Vec::new();
        for e in 0..n_email {
            let domain = rng.pick(&["example.org", "example.com", "example.net"]);
            let local = match (e + rng.below(4) as usize) % 4 {
                0 => format!("{f}.{l}"),
                1 => format!("{f}{l}{}", rng.range(1, 99)),
                2 => format!("{}{l}", &f[..1.min(f.len())]),
                _ => format!("{l}.{f}{}", rng.range(40, 99)),
            };
            let address = format!("{local}@{domain}");
            if !emails.contains(&address) {
                emails.push(address);
            }
        }
        let postcode = if rng.chance(0.92) {
            let l1 = INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char;
            let l2 = INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char;
            format!("{} {}{l1}{l2}", rng.pick(POSTCODE_AREAS), rng.below(10))
        } else {
            String::new()
        };
        let notes = if rng.chance(0.35) {
            rng.pick(NOTES).to_string()
        } else {
            String::new()
        };
        Customer {
            id,
            name: Some(name),
            other_names,
            phones,
            emails,
            postcode,
            description: String::new(),
            notes,
            created_at,
            version: 1,
        }
    }

    /// `k` counting incidents and no decision, the last one up to `recent_days` ago.
    #[allow(clippy::too_many_arguments)]
    fn pending(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        k: u32,
        withdrawn: bool,
        severe_last: bool,
        recent_days: i64,
        bulk: &mut Bulk,
    ) {
        let total = k + u32::from(withdrawn);
        if total == 0 {
            return;
        }
        let last = self.now - Duration::minutes(rng.range(90, recent_days * 1440));
        let span = Duration::days(30 + i64::from(total - 1) * rng.range(10, 60));
        let a = (last - span).max(self.earliest);
        let start = bulk.incidents.len();
        // Nobody has decided on these, so only recent ones may be threats.
        self.calm = true;
        if total > 1 {
            self.incidents_between(
                rng,
                ctx,
                total - 1,
                a,
                last - Duration::hours(2),
                self.now,
                &mut bulk.incidents,
            );
        }
        self.calm = !severe_last && last < self.now - Duration::days(30);
        let i = self.incident(
            rng,
            ctx,
            last,
            last - Duration::days(1),
            self.now,
            severe_last,
        );
        self.calm = false;
        bulk.incidents.push(i);
        if withdrawn {
            let j = start + rng.below(u64::from(total)) as usize;
            let mut i = bulk.incidents[j].clone();
            self.withdraw(rng, &mut i);
            bulk.incidents[j] = i;
        }
    }

    fn immediate(&mut self, rng: &mut Rng, ctx: &Ctx, plan: &Plan, bulk: &mut Bulk) {
        let n = plan.incidents.max(1);
        let tail = (rng.weighted(&[70, 20, 10]) as u32).min(n - 1);
        let prior = n - 1 - tail;
        let mode = self.next_mode(rng);
        let decided_at = self.decision_time(rng, Some(mode));
        // The threat in office hours, earlier that day or on one of the days before.
        let threat_at = (0..4)
            .map(|d| office_hours(rng, decided_at - Duration::days(d)))
            .find(|&t| t < decided_at - Duration::hours(1))
            .unwrap_or(decided_at - Duration::hours(2));
        let start = bulk.incidents.len();
        if prior > 0 {
            let a = (threat_at - Duration::days(120)).max(self.earliest);
            self.incidents_between(
                rng,
                ctx,
                prior,
                a,
                threat_at - Duration::days(1),
                threat_at,
                &mut bulk.incidents,
            );
        }
        let threat = self.incident(
            rng,
            ctx,
            threat_at,
            threat_at,
            decided_at - Duration::minutes(5),
            true,
        );
        bulk.incidents.push(threat);
        let cycle: Vec<Incident> = bulk.incidents[start..].to_vec();
        let active = mode != Mode::Lifted;
        let kinds: Vec<&'static str> = if ctx.visitor {
            vec!["banned_from_premises"]
        } else {
            self.kinds(rng, plan.restrictions, true, active)
        };
        self.decide(
            rng,
            ctx,
            &cycle,
            decided_at,
            Outcome::ImmediateRestriction,
            &kinds,
            mode,
            None,
            bulk,
        );
        if tail > 0 {
            self.incidents_between(
                rng,
                ctx,
                tail,
                decided_at + Duration::hours(2),
                self.now - Duration::minutes(30),
                self.now,
                &mut bulk.incidents,
            );
        }
    }

    fn decided(&mut self, rng: &mut Rng, ctx: &Ctx, plan: &Plan, bulk: &mut Bulk) {
        let n = plan.incidents.max(3);
        let tail = ([0u32, 1, 2, 3][rng.weighted(&[50, 28, 17, 5])]).min(n - 3);
        let pre = n - tail;
        let cycles = (1 + (pre - 3) / 15).clamp(1, (pre / 3).min(4)) as usize;
        let r = plan.restrictions;
        let (r_last, r_earlier) = if cycles > 1 && r >= 2 && rng.chance(0.5) {
            let e = 1 + rng.below(u64::from(r - 1)) as u8;
            (r - e, e)
        } else if cycles > 1 && r == 1 && rng.chance(0.25) {
            (0, 1)
        } else {
            (r, 0)
        };
        let mode = if r_last > 0 {
            Some(self.next_mode(rng))
        } else {
            None
        };
        let t_last = self.decision_time(rng, mode);
        let span = Duration::days((30 + 12 * i64::from(pre) + rng.range(0, 120)).min(720));
        let s = (t_last - span)
            .max(self.earliest)
            .min(t_last - Duration::days(3 * cycles as i64));
        // Decision times, evenly spread with some jitter; the last one is t_last.
        let total = (t_last - s).num_seconds();
        let mut times: Vec<DateTime<Utc>> = (1..cycles)
            .map(|i| {
                let base = total * i as i64 / cycles as i64;
                let jitter = total / cycles as i64 / 6;
                s + Duration::seconds(base + rng.range(-jitter, jitter))
            })
            .collect();
        // Meetings in office hours, where that keeps them in order.
        for i in 0..times.len() {
            let t = office_hours(rng, times[i]) + Duration::hours(1);
            let after = if i == 0 { s } else { times[i - 1] } + Duration::days(1);
            if t > after && t < t_last - Duration::days(2) {
                times[i] = t;
            }
        }
        times.push(t_last);
        // Incidents per cycle: three each, the rest spread at random.
        let mut counts = vec![3u32; cycles];
        for _ in 0..(pre - 3 * cycles as u32) {
            counts[rng.below(cycles as u64) as usize] += 1;
        }
        let mut prev = s;
        for c in 0..cycles {
            let d = times[c];
            let k = counts[c];
            let cluster = Duration::days(10 + 6 * i64::from(k) + rng.range(0, 30));
            let a = (prev + Duration::hours(1)).max(d - cluster);
            let b = d - Duration::hours(2);
            let start = bulk.incidents.len();
            self.incidents_between(
                rng,
                ctx,
                k,
                a,
                b,
                d - Duration::minutes(1),
                &mut bulk.incidents,
            );
            if k >= 4 && rng.chance(0.25) {
                let j = start + rng.below(u64::from(k - 1)) as usize;
                let mut i = bulk.incidents[j].clone();
                self.withdraw(rng, &mut i);
                i.withdrawn.as_mut().expect("just set").at =
                    i.withdrawn.as_ref().expect("set").at.min(d);
                bulk.incidents[j] = i;
            }
            let cycle: Vec<Incident> = bulk.incidents[start..].to_vec();
            let last = c + 1 == cycles;
            let (n_kinds, m, end_by) = if last {
                (r_last, mode.unwrap_or(Mode::Future), None)
            } else if c + 2 == cycles {
                (r_earlier, Mode::Lifted, Some(times[c + 1]))
            } else {
                (0, Mode::Lifted, None)
            };
            let active = last && m != Mode::Lifted;
            let kinds = self.kinds(rng, n_kinds, false, active);
            let outcome = if kinds.is_empty() {
                Outcome::NoFurtherAction
            } else {
                Outcome::Actions
            };
            self.decide(rng, ctx, &cycle, d, outcome, &kinds, m, end_by, bulk);
            prev = d;
        }
        if tail > 0 {
            let a = t_last + Duration::hours(2);
            self.incidents_between(
                rng,
                ctx,
                tail,
                a,
                self.now - Duration::minutes(30),
                self.now,
                &mut bulk.incidents,
            );
        }
    }

    // -- The named customers -------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn fixed_incident(
        &mut self,
        customer: Id,
        at: DateTime<Utc>,
        channel: &str,
        category: &str,
        behaviours: &[&str],
        response: &str,
        reference: &str,
        by: &str,
        description: &str,
    ) -> Incident {
        let s = self.staff_by_login(by).clone();
        Incident {
            id: self.id(TAG_INCIDENT),
            customer_id: customer,
            occurred_at: at,
            logged_at: at + Duration::minutes(17),
            logged_by: s.id,
            logged_by_name: s.display_name,
            channel: channel.to_string(),
            category: category.to_string(),
            behaviours: behaviours.iter().map(|b| (*b).to_string()).collect(),
            behaviour_other: String::new(),
            response: response.to_string(),
            reference: reference.to_string(),
            description: description.to_string(),
            immediate_threat: response == "police_called",
            witnesses: String::new(),
            withdrawn: None,
            version: 1,
        }
    }

    fn fixed_decision(
        &mut self,
        customer: Id,
        at: DateTime<Utc>,
        outcome: Outcome,
        attendees: &str,
        reasons: &str,
        by: &str,
    ) -> Decision {
        let s = self.staff_by_login(by).clone();
        Decision {
            id: self.id(TAG_DECISION),
            customer_id: customer,
            case_id: None,
            decided_at: at,
            meeting_date: time::london_date(at),
            attendees: attendees.to_string(),
            outcome,
            reasons: reasons.to_string(),
            decided_by: s.id,
            decided_by_name: s.display_name,
            no_warning: outcome == Outcome::ImmediateRestriction,
            police_told: None,
            risk_assessment: String::new(),
            letter: if outcome == Outcome::NoFurtherAction {
                LetterStatus::NotNeeded
            } else {
                LetterStatus::Sent
            },
        }
    }

    fn fixed_restriction(
        &mut self,
        d: &Decision,
        kind: &str,
        params: RestrictionParams,
        review_due: Option<NaiveDate>,
        end: Option<(DateTime<Utc>, &str)>,
    ) -> Restriction {
        let starts_at = d.decided_at + Duration::hours(2);
        Restriction {
            id: self.id(TAG_RESTRICTION),
            customer_id: d.customer_id,
            decision_id: Some(d.id),
            kind: kind.to_string(),
            params,
            starts_at,
            review_due: review_due.or(Some(rules::default_review_date(starts_at, &self.policy))),
            ends_at: end.map(|e| e.0),
            ended_reason: end.map(|e| e.1.to_string()).unwrap_or_default(),
            version: 1,
        }
    }

    fn fixed_letter(&mut self, d: &Decision, sent_days_later: i64) -> Letter {
        let created_at = d.decided_at + Duration::hours(3);
        Letter {
            id: self.id(TAG_LETTER),
            customer_id: d.customer_id,
            decision_id: Some(d.id),
            file: String::new(),
            kind: "restriction_notice".to_string(),
            created_at,
            sent_at: Some(created_at + Duration::days(sent_days_later)),
            sent_how: "post".to_string(),
        }
    }

    fn named(&mut self, bulk: &mut Bulk) {
        self.fixed = true;
        let sam = self.staff_by_login("spatel").clone();
        let created = |g: &Gen, days: i64| g.local(days, 9, 40);
        let person = |id: Id,
                      name: &str,
                      others: &[&str],
                      phones: &[&str],
                      emails: &[&str],
                      postcode: &str,
                      notes: &str,
                      created_at: DateTime<Utc>| Customer {
            id,
            name: Some(name.to_string()),
            other_names: others.iter().map(|s| (*s).to_string()).collect(),
            phones: phones.iter().map(|s| (*s).to_string()).collect(),
            emails: emails.iter().map(|s| (*s).to_string()).collect(),
            postcode: postcode.to_string(),
            description: String::new(),
            notes: notes.to_string(),
            created_at,
            version: 1,
        };

        // Deborah Johnson: 10-minute calls and a witness, active, review in the future.
        let c = DEBORAH_JOHNSON;
        bulk.customers.push(person(
            c,
            "Deborah Johnson",
            &["Debbie Johnson", "Deborah Clarke"],
            &["07700 900123", "(020) 7946 0321"],
            &["deborah.johnson@example.org"],
            "N12 8QJ",
            "Calls about her direct payments and her PA's pay. Hard of hearing in one ear: speak clearly rather than loudly.",
            created(self, 400),
        ));
        let incs = [
            self.fixed_incident(c, self.local(95, 10, 12), "phone", "abusive", &["shouting", "abusive_language"], "warned", "", "psharma",
                "Caller shouted and swore at the adviser after being told the appointment could not be moved. Warned that the language was unacceptable; she calmed down."),
            self.fixed_incident(c, self.local(71, 14, 30), "phone", "demands", &["refusing_to_end_call"], "call_ended_after_warning", "", "dokonjo",
                "Caller refused to end the call after 55 minutes about her PA's missed payment and insisted on a manager. Warned, then the call was ended."),
            self.fixed_incident(c, self.local(40, 11, 5), "face_to_face", "abusive", &["shouting", "bullying"], "asked_to_leave", "", "ahassan",
                "Came to reception without an appointment, shouted at the receptionist and banged on the screen. Asked to leave the premises and left."),
            self.fixed_incident(c, self.local(27, 15, 45), "phone", "abusive", &["abusive_language", "threats"], "call_ended_after_warning", "", "psharma",
                "Caller called the adviser useless and said she would make sure she lost her job. Warned, then the call was ended."),
        ];
        bulk.incidents.extend(incs);
        let d = self.fixed_decision(c, self.local(20, 14, 0), Outcome::Actions,
            "Sam Patel (manager), Priya Sharma (phone team), Amira Hassan (reception)",
            "Four incidents in ten weeks: shouting, swearing and a threat to an adviser's job, and refusing to end calls. Warnings have not changed the behaviour. Calls and visits limited to 10 minutes, with a witness present. To be reviewed in 6 weeks if she still wants to use our services.",
            "spatel");
        let r1 = self.fixed_restriction(
            &d,
            "time_limit",
            RestrictionParams {
                minutes: Some(10),
                ..Default::default()
            },
            None,
            None,
        );
        let r2 = self.fixed_restriction(&d, "witness", RestrictionParams::default(), None, None);
        let l = self.fixed_letter(&d, 1);
        bulk.restrictions.extend([r1, r2]);
        bulk.letters.push(l);
        bulk.decisions.push(d);

        // Marek Kowalczyk: written contact only, Sam Patel named; an earlier NFA decision.
        let c = MAREK_KOWALCZYK;
        bulk.customers.push(person(
            c,
            "Marek Kowalczyk",
            &["Mark Kowalczyk"],
            &["020 7946 0018"],
            &["marek.kowalczyk@example.com", "mkowalczyk@example.net"],
            "EN5 2DP",
            "Polish speaker; good written English. Long-running dispute about a Blue Badge refusal (the council's decision, not ours).",
            created(self, 500),
        ));
        let incs = [
            self.fixed_incident(c, self.local(330, 8, 2), "email", "persistent", &["excessive_contact"], "correspondence_not_processed", "", "cevans",
                "Over 40 emails in two days about the Blue Badge refusal, most repeating the same points. Not processed; he was told this correspondence is unacceptable."),
            self.fixed_incident(c, self.local(318, 9, 15), "email", "demands", &["same_request_many_staff"], "correspondence_not_processed", "", "cevans",
                "The same email sent to nine members of staff demanding each of them overturn the Blue Badge decision. Not processed; he was told this is inappropriate."),
            self.fixed_incident(c, self.local(301, 13, 20), "phone", "persistent", &["refuses_decision"], "call_ended_after_warning", "", "ydemir",
                "Caller would not accept that we cannot overturn the council's Blue Badge decision and kept repeating it. Warned, then the call was ended."),
        ];
        bulk.incidents.extend(incs);
        let d1 = self.fixed_decision(c, self.local(295, 16, 0), Outcome::NoFurtherAction,
            "Grace Mensah (manager), Chloe Evans (phone team)",
            "Three incidents in a month about the Blue Badge refusal. He accepted on the phone that the decision is the council's. No further action; letter explaining how to appeal to the council.",
            "gmensah");
        bulk.decisions.push(d1);
        let incs = [
            self.fixed_incident(c, self.local(70, 7, 30), "email", "persistent", &["excessive_contact"], "correspondence_not_processed", "", "cevans",
                "Thirty emails over a weekend about the Blue Badge appeal. Not processed; he was told this correspondence is unacceptable."),
            self.fixed_incident(c, self.local(52, 10, 0), "letter", "demands", &["malicious_correspondence"], "correspondence_not_processed", "", "enowak",
                "Letter accusing a named adviser of lying and taking bribes and demanding a written answer to each point. Not processed; he was told it is inappropriate and offensive."),
            self.fixed_incident(c, self.local(41, 12, 10), "phone", "persistent", &["refuses_explanations"], "call_ended_after_warning", "", "ydemir",
                "Caller refused to accept the explanation of what we can do on the appeal and talked over the adviser for 40 minutes. Warned, then the call was ended."),
        ];
        bulk.incidents.extend(incs);
        let d2 = self.fixed_decision(c, self.local(34, 15, 0), Outcome::Actions,
            "Sam Patel (manager), Yusuf Demir (phone team)",
            "Three more incidents since the last decision, all persistent contact about the Blue Badge appeal. Contact limited to writing, and Sam Patel to deal with all of it. To be reviewed in 6 weeks.",
            "spatel");
        let r1 = self.fixed_restriction(
            &d2,
            "written_only",
            RestrictionParams::default(),
            None,
            None,
        );
        let r2 = self.fixed_restriction(
            &d2,
            "named_staff",
            RestrictionParams {
                staff_id: Some(sam.id),
                staff_name: sam.display_name.clone(),
                ..Default::default()
            },
            None,
            None,
        );
        let l = self.fixed_letter(&d2, 1);
        bulk.restrictions.extend([r1, r2]);
        bulk.letters.push(l);
        bulk.decisions.push(d2);

        // Zoë Åberg: two counting incidents (a third withdrawn), no decision.
        let c = ZOE_ABERG;
        bulk.customers.push(person(
            c,
            "Zoë Åberg",
            &["Zoë Lindqvist"],
            &["+44 7700 900456"],
            &["zoe.aberg@example.net"],
            "N3 1QE",
            "Swedish; moved to Finchley in 2019. Prefers text messages.",
            created(self, 200),
        ));
        let mut incs = [
            self.fixed_incident(c, self.local(120, 21, 40), "text", "persistent", &["excessive_contact"], "correspondence_not_processed", "", "psharma",
                "Twenty-two text messages in an evening about her support plan review. Not processed; she was told in writing that this is unacceptable."),
            self.fixed_incident(c, self.local(44, 10, 20), "face_to_face", "abusive", &["shouting"], "asked_to_leave", "", "tfletcher",
                "Woman shouted at the receptionist about a cancelled appointment. Asked to leave the premises."),
            self.fixed_incident(c, self.local(19, 11, 0), "phone", "demands", &["unreasonable_timescale"], "warned", "", "dokonjo",
                "Caller demanded her support plan be finished by the end of the day and said she would ring every hour until it was. Warned that the behaviour is unacceptable."),
        ];
        incs[1].withdrawn = Some(Withdrawal {
            at: self.local(43, 9, 30),
            by: sam.display_name.clone(),
            reason:
                "Logged against the wrong customer: it was another visitor with a similar name."
                    .to_string(),
        });
        bulk.incidents.extend(incs);

        // Tunde Okafor: three incidents, no decision yet: in the manager's queue.
        let c = TUNDE_OKAFOR;
        bulk.customers.push(person(
            c,
            "Tunde Okafor",
            &["Babatunde Okafor"],
            &["07700 900234"],
            &["tunde.okafor@example.com"],
            "NW9 6RB",
            "Getting help with an Access to Work claim.",
            created(self, 60),
        ));
        let incs = [
            self.fixed_incident(c, self.local(25, 10, 5), "phone", "demands", &["unreasonable_timescale"], "warned", "", "psharma",
                "Caller demanded a decision on his Access to Work claim that afternoon. Warned that the behaviour was unacceptable; the rest of the call was calm."),
            self.fixed_incident(c, self.local(12, 14, 15), "face_to_face", "abusive", &["shouting", "gestures"], "asked_to_leave", "", "ahassan",
                "Customer shouted in reception and made an offensive gesture at the receptionist when told his adviser was out. Asked to leave; he left."),
            self.fixed_incident(c, self.local(3, 11, 35), "phone", "abusive", &["abusive_language"], "call_ended_after_warning", "", "cevans",
                "Caller swore repeatedly at the adviser about the delay to his claim. Warned, then the call was ended."),
        ];
        bulk.incidents.extend(incs);

        // Precious Adeyemi: actions exhausted, services withdrawn, review overdue.
        let c = PRECIOUS_ADEYEMI;
        bulk.customers.push(person(
            c,
            "Precious Adeyemi",
            &["Precious Ogunleye"],
            &["07700 900777", "0161 496 0777"],
            &["precious.adeyemi@example.org"],
            "NW4 3JB",
            "Moved from Manchester in 2023; the old landline may still work.",
            created(self, 600),
        ));
        let incs = [
            self.fixed_incident(c, self.local(260, 15, 10), "phone", "abusive", &["threats"], "call_ended_without_warning", "", "dokonjo",
                "Caller said she would 'come down and deal with' the adviser. The adviser ended the call at once."),
            self.fixed_incident(c, self.local(240, 11, 50), "face_to_face", "abusive", &["shouting", "abusive_language"], "asked_to_leave", "", "tfletcher",
                "Customer shouted and swore at reception staff when told her adviser was in a meeting. Asked to leave; she left after ten minutes."),
            self.fixed_incident(c, self.local(225, 23, 5), "email", "persistent", &["excessive_contact"], "correspondence_not_processed", "", "cevans",
                "Fifty emails in three days, several abusive. Not processed; she was told this correspondence is unacceptable."),
        ];
        bulk.incidents.extend(incs);
        let d1 = self.fixed_decision(c, self.local(215, 12, 0), Outcome::Actions,
            "Sam Patel (manager), Daniel Okonjo (phone team), Tom Fletcher (reception)",
            "Three incidents in five weeks including a threat to an adviser. Calls and visits limited to 15 minutes and contact only through the casework address and number.",
            "spatel");
        let ended = self.local(60, 12, 0) + Duration::hours(2);
        let reason = "Ended: the actions were exhausted and services have been withdrawn.";
        let r1 = self.fixed_restriction(
            &d1,
            "time_limit",
            RestrictionParams {
                minutes: Some(15),
                ..Default::default()
            },
            None,
            Some((ended, reason)),
        );
        let r2 = self.fixed_restriction(
            &d1,
            "dedicated_contact",
            RestrictionParams {
                email: DEDICATED_EMAIL.to_string(),
                phone: DEDICATED_PHONE.to_string(),
                ..Default::default()
            },
            None,
            Some((ended, reason)),
        );
        let l1 = self.fixed_letter(&d1, 1);
        bulk.restrictions.extend([r1, r2]);
        bulk.letters.push(l1);
        bulk.decisions.push(d1);
        let incs = [
            self.fixed_incident(c, self.local(170, 10, 30), "phone", "demands", &["refusing_to_end_call"], "call_ended_after_warning", "", "psharma",
                "Caller rang the main line instead of the casework number and refused to end the call after 15 minutes. Warned, then the call was ended."),
            self.fixed_incident(c, self.local(130, 22, 15), "email", "abusive", &["abusive_language"], "correspondence_not_processed", "", "cevans",
                "Email to several staff full of abuse about the time limit. Not processed; she was told it is inappropriate and offensive."),
            self.fixed_incident(c, self.local(95, 13, 40), "face_to_face", "abusive", &["threats", "attempted_assault"], "security_called", "Security log 0231", "ahassan",
                "Customer pushed past the reception desk towards the office and raised her fist at the receptionist. Security called and escorted her out."),
            self.fixed_incident(c, self.local(70, 9, 55), "phone", "abusive", &["abusive_language", "harassment"], "call_ended_after_warning", "", "dokonjo",
                "Caller rang five times in an hour, swearing at each adviser who answered. Warned, then the call was ended."),
        ];
        bulk.incidents.extend(incs);
        let d2 = self.fixed_decision(c, self.local(60, 12, 0), Outcome::WithdrawalOfServices,
            "Sam Patel (manager), Amira Hassan (reception), Daniel Okonjo (phone team)",
            "Four further incidents while the time limit and dedicated contact were in place, including a near-assault at reception. The actions have been exhausted: services withdrawn, confirmed in writing, with the external complaints policy.",
            "spatel");
        let r3 = self.fixed_restriction(&d2, WITHDRAWAL, RestrictionParams::default(), None, None);
        let l2 = self.fixed_letter(&d2, 0);
        bulk.restrictions.push(r3);
        bulk.letters.push(l2);
        bulk.decisions.push(d2);

        // José Núñez: contact only through a third party (reviewed and continued), one breach.
        let c = JOSE_NUNEZ;
        bulk.customers.push(person(
            c,
            "José Núñez",
            &["Pepe Núñez"],
            &["07700900611"],
            &["jose.nunez@example.net"],
            "HA8 7BD",
            "Speaks Spanish; his advocate at Barnet Advocacy Service helps with letters.",
            created(self, 300),
        ));
        let incs = [
            self.fixed_incident(c, self.local(150, 10, 45), "face_to_face", "demands", &["particular_staff"], "warned", "", "enowak",
                "Customer insisted on seeing his former adviser and waited in reception for three hours, approaching staff repeatedly. Warned that the behaviour is unacceptable."),
            self.fixed_incident(c, self.local(130, 14, 20), "phone", "persistent", &["refuses_procedures"], "call_ended_after_warning", "", "ydemir",
                "Caller refused to use the complaints procedure and kept ringing to reopen his PIP appeal. Warned, then the call was ended."),
            self.fixed_incident(c, self.local(118, 16, 0), "phone", "abusive", &["shouting"], "call_ended_after_warning", "", "psharma",
                "Caller shouted over the adviser for several minutes. Warned, then the call was ended."),
        ];
        bulk.incidents.extend(incs);
        let d = self.fixed_decision(c, self.local(110, 11, 0), Outcome::Actions,
            "Mark Reynolds (manager), Priya Sharma (phone team)",
            "Three incidents in six weeks. He has an advocate who is willing to act for him: all contact through Barnet Advocacy Service. Reviewed at six weeks and continued.",
            "mreynolds");
        let review = self.today + Duration::days(10);
        let r = self.fixed_restriction(
            &d,
            "third_party",
            RestrictionParams {
                third_party: "Barnet Advocacy Service (Jo Hughes)".to_string(),
                ..Default::default()
            },
            Some(review),
            None,
        );
        let l = self.fixed_letter(&d, 2);
        bulk.restrictions.push(r);
        bulk.letters.push(l);
        bulk.decisions.push(d);
        let i = self.fixed_incident(c, self.local(15, 19, 10), "email", "persistent", &["excessive_contact"], "correspondence_not_processed", "", "cevans",
            "Emailed staff directly eight times about the PIP appeal instead of going through his advocate. Not processed; he was reminded to contact us through Barnet Advocacy Service.");
        bulk.incidents.push(i);

        // Renée O'Connor: one incident.
        let c = RENEE_OCONNOR;
        bulk.customers.push(person(
            c,
            "Renée O'Connor",
            &["Renée Byrne"],
            &["+44 (0)20 7946 0777"],
            &["renee.oconnor@example.com"],
            "N20 0PL",
            "",
            created(self, 30),
        ));
        let i = self.fixed_incident(c, self.local(9, 15, 20), "phone", "demands", &["refusing_to_end_call"], "call_ended_after_warning", "", "dokonjo",
            "Caller stayed on the line after the adviser had explained the Freedom Pass renewal twice, repeating the same demands. Warned, then the call was ended.");
        bulk.incidents.push(i);

        // An unidentified visitor: police called two days ago.
        let c = UNIDENTIFIED_VISITOR;
        let seen = self.local(2, 11, 5);
        let local = seen.with_timezone(&London);
        bulk.customers.push(Customer {
            id: c,
            name: None,
            description: format!(
                "Man, about 50, grey beard, green parka; reception, {} around 11:00",
                local.format("%d/%m")
            ),
            created_at: seen + Duration::minutes(15),
            version: 1,
            ..Customer::default()
        });
        let mut i = self.fixed_incident(c, seen, "face_to_face", "abusive", &["threats", "weapons"], "police_called",
            &format!("CAD 4412/{}{}", local.format("%d"), local.format("%b").to_string().to_uppercase()), "ahassan",
            "Man shouted that he would 'come back with something' after being told we could not help with his council tax bill, then picked up a chair and raised it towards the receptionist. Police called; he left before officers arrived.");
        i.witnesses = "Tom Fletcher (reception) and two visitors in the waiting area".to_string();
        bulk.incidents.push(i);

        self.fixed = false;
    }
}

// ---------------------------------------------------------------------------------------------
// The API

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

/// An incident as a phone worker logs it about an existing customer: shouting, the call ended
/// after a warning, a few minutes ago. For tests and benchmarks.
pub fn phone_incident(customer: Id, name: &str) -> crate::domain::NewIncident {
    crate::domain::NewIncident {
        id: crate::domain::new_id(),
        subject: crate::domain::Subject::Existing {
            id: customer,
            name: name.to_string(),
        },
        occurred_at: Utc::now() - Duration::minutes(2),
        channel: "phone".into(),
        category: "abusive".into(),
        behaviours: vec!["shouting".into()],
        behaviour_other: String::new(),
        response: "call_ended_after_warning".into(),
        reference: String::new(),
        description: "Shouted at the adviser; the call was ended after a warning.".into(),
        immediate_threat: false,
        witnesses: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerHistory;
    use crate::policy::RestrictionKind;
    use std::collections::{BTreeMap, HashMap, HashSet};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    /// Every record's customer is in the bulk; then the histories the store would build.
    fn histories(b: &Bulk) -> BTreeMap<Id, CustomerHistory> {
        let ids: HashSet<Id> = b.customers.iter().map(|c| c.id).collect();
        assert!(b.incidents.iter().all(|i| ids.contains(&i.customer_id)));
        assert!(b.decisions.iter().all(|d| ids.contains(&d.customer_id)));
        assert!(b.restrictions.iter().all(|r| ids.contains(&r.customer_id)));
        assert!(b.letters.iter().all(|l| ids.contains(&l.customer_id)));
        b.histories()
    }

    fn by_name<'a>(h: &'a BTreeMap<Id, CustomerHistory>, name: &str) -> &'a CustomerHistory {
        let found: Vec<_> = h
            .values()
            .filter(|h| h.customer.name.as_deref() == Some(name))
            .collect();
        assert_eq!(found.len(), 1, "exactly one {name}");
        found[0]
    }

    /// National digits of a UK number in any of the forms the demo writes.
    fn national(p: &str) -> String {
        let d: String = p.chars().filter(char::is_ascii_digit).collect();
        if let Some(rest) = d.strip_prefix("440") {
            format!("0{rest}")
        } else if let Some(rest) = d.strip_prefix("44") {
            format!("0{rest}")
        } else {
            d
        }
    }

    fn sentences(h: &CustomerHistory) -> Vec<String> {
        rules::summary(h, &Policy::built_in(), now()).restrictions
    }

    #[test]
    fn demo_has_the_requested_counts() {
        let b = demo_bulk(now());
        assert_eq!(b.customers.len(), Scale::DEMO.customers);
        assert_eq!(b.incidents.len(), Scale::DEMO.incidents);
        assert_eq!(b.restrictions.len(), Scale::DEMO.restrictions);
        assert!(b.decisions.len() >= 40, "{} decisions", b.decisions.len());
        assert!(b.letters.len() >= 5);
        assert_eq!(b.staff, staff());
    }

    #[test]
    fn other_scales_are_exact_too() {
        let scale = Scale {
            customers: 80,
            incidents: 500,
            restrictions: 30,
        };
        let mut all = Bulk::default();
        generate(&scale, 7, now(), 25, |b| -> Result<(), ()> {
            all.customers.extend(b.customers);
            all.incidents.extend(b.incidents);
            all.restrictions.extend(b.restrictions);
            Ok(())
        })
        .unwrap();
        assert_eq!(all.customers.len(), 80);
        assert_eq!(all.incidents.len(), 500);
        assert_eq!(all.restrictions.len(), 30);
    }

    #[test]
    fn staff_cover_every_role_with_an_admin_sam_patel_and_a_leaver() {
        let s = staff();
        assert!((10..=14).contains(&s.len()));
        for role in Role::ALL {
            assert!(
                s.iter().any(|x| x.role == role && x.active),
                "no active {role}"
            );
        }
        let admin = s.iter().find(|x| x.login == "admin").unwrap();
        assert_eq!((admin.role, admin.id), (Role::Admin, ADMIN));
        let sam = s.iter().find(|x| x.login == "spatel").unwrap();
        assert_eq!(
            (sam.display_name.as_str(), sam.role, sam.id),
            ("Sam Patel", Role::Manager, SAM_PATEL)
        );
        assert_eq!(s.iter().filter(|x| !x.active).count(), 1, "one leaver");
        let logins: HashSet<_> = s.iter().map(|x| x.login.to_lowercase()).collect();
        assert_eq!(logins.len(), s.len());
        let ids: HashSet<_> = s.iter().map(|x| x.id).collect();
        assert_eq!(ids.len(), s.len());
        assert_eq!(staff(), s, "the same every time");
    }

    #[test]
    fn the_vocabulary_matches_the_built_in_policy() {
        let p = Policy::built_in();
        assert_eq!(p.channels.len(), CHANNELS.len());
        for c in &CHANNELS {
            let pc = p
                .channel(c.id)
                .unwrap_or_else(|| panic!("channel {}", c.id));
            assert_eq!(
                pc.responses,
                c.responses
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
            );
        }
        for t in TEMPLATES {
            let cat = p.category(t.category).unwrap();
            for b in t.behaviours {
                assert!(
                    cat.behaviours.iter().any(|x| x.id == *b),
                    "{b} not in {}",
                    t.category
                );
            }
        }
        assert!(TEMPLATES.len() >= 40);
        let kinds: Vec<&str> = ACTIONS
            .iter()
            .chain(ACCESS.iter())
            .map(|k| k.0)
            .chain([WITHDRAWAL])
            .collect();
        let policy_kinds: HashSet<&str> = p
            .actions
            .iter()
            .map(|a| a.id.as_str())
            .chain(p.access_restrictions.iter().map(|a| a.id.as_str()))
            .chain([p.withdrawal.id.as_str()])
            .collect();
        assert_eq!(kinds.iter().copied().collect::<HashSet<_>>(), policy_kinds);
    }

    #[test]
    fn incidents_use_and_cover_the_policy_vocabulary() {
        let p = Policy::built_in();
        let b = demo_bulk(now());
        let mut channels = HashSet::new();
        let mut categories = HashSet::new();
        let mut responses = HashSet::new();
        let mut pairs = HashSet::new();
        for i in &b.incidents {
            let ch = p.channel(&i.channel).expect("known channel");
            assert!(
                ch.responses.contains(&i.response),
                "{} not allowed on {}",
                i.response,
                i.channel
            );
            let cat = p.category(&i.category).expect("known category");
            assert!(!i.behaviours.is_empty());
            for beh in &i.behaviours {
                assert!(
                    cat.behaviours.iter().any(|x| &x.id == beh),
                    "{beh} not in {}",
                    i.category
                );
            }
            let resp = p.response(&i.response).unwrap();
            assert_eq!(resp.needs_reference, !i.reference.is_empty(), "{:?}", i);
            if i.response == "police_called" {
                assert!(i.immediate_threat);
                assert!(i.reference.starts_with("CAD "), "{}", i.reference);
            }
            assert!(!i.description.trim().is_empty());
            channels.insert(i.channel.as_str());
            categories.insert(i.category.as_str());
            responses.insert(i.response.as_str());
            pairs.insert((i.channel.as_str(), i.response.as_str()));
        }
        assert_eq!(channels.len(), p.channels.len());
        assert_eq!(categories.len(), p.categories.len());
        assert_eq!(responses.len(), p.responses.len());
        let all_pairs: usize = p.channels.iter().map(|c| c.responses.len()).sum();
        assert_eq!(
            pairs.len(),
            all_pairs,
            "every response on every channel that allows it"
        );
        let threats = b.incidents.iter().filter(|i| i.immediate_threat).count();
        assert!((3..=60).contains(&threats), "{threats} immediate threats");
        let withdrawn: Vec<_> = b
            .incidents
            .iter()
            .filter_map(|i| i.withdrawn.as_ref())
            .collect();
        assert!(
            (3..=40).contains(&withdrawn.len()),
            "{} withdrawn",
            withdrawn.len()
        );
        assert!(withdrawn
            .iter()
            .all(|w| !w.reason.is_empty() && !w.by.is_empty()));
        assert!(b.incidents.iter().any(|i| !i.witnesses.is_empty()));
        let descriptions: HashSet<_> = b.incidents.iter().map(|i| i.description.as_str()).collect();
        assert!(
            descriptions.len() >= 100,
            "{} distinct descriptions",
            descriptions.len()
        );
    }

    #[test]
    fn incidents_are_spread_over_two_years_and_logged_soon_after() {
        let b = demo_bulk(now());
        let two_years = now() - Duration::days(731);
        let mut by_quarter = [0usize; 8];
        for i in &b.incidents {
            assert!(
                i.occurred_at >= two_years && i.occurred_at < now(),
                "{}",
                i.occurred_at
            );
            assert!(i.logged_at > i.occurred_at && i.logged_at <= now());
            assert!(i.logged_at - i.occurred_at <= Duration::days(1));
            if let Some(w) = &i.withdrawn {
                assert!(w.at >= i.logged_at && w.at <= now());
            }
            by_quarter[((now() - i.occurred_at).num_days() / 92).min(7) as usize] += 1;
        }
        assert!(by_quarter.iter().all(|&n| n >= 20), "{by_quarter:?}");
    }

    #[test]
    fn every_record_refers_to_generated_rows() {
        let b = demo_bulk(now());
        let customers: HashSet<Id> = b.customers.iter().map(|c| c.id).collect();
        assert_eq!(customers.len(), b.customers.len(), "customer ids unique");
        let staff: HashMap<Id, &Staff> = b.staff.iter().map(|s| (s.id, s)).collect();
        let decisions: HashMap<Id, &Decision> = b.decisions.iter().map(|d| (d.id, d)).collect();
        let mut ids = HashSet::new();
        for i in &b.incidents {
            assert!(ids.insert(i.id));
            assert!(customers.contains(&i.customer_id));
            let s = staff[&i.logged_by];
            assert!(
                matches!(s.role, Role::Reception | Role::Phone),
                "logged by {}",
                s.login
            );
            assert_eq!(i.logged_by_name, s.display_name);
        }
        for d in &b.decisions {
            assert!(ids.insert(d.id));
            assert!(customers.contains(&d.customer_id));
            let s = staff[&d.decided_by];
            assert_eq!(s.role, Role::Manager);
            assert_eq!(d.decided_by_name, s.display_name);
            assert!(d.decided_at <= now());
            assert_eq!(d.meeting_date, time::london_date(d.decided_at));
            assert!(!d.reasons.trim().is_empty() && !d.attendees.trim().is_empty());
        }
        for r in &b.restrictions {
            assert!(ids.insert(r.id));
            assert!(customers.contains(&r.customer_id));
            let d = decisions[&r.decision_id.expect("every restriction has its decision")];
            assert_eq!(d.customer_id, r.customer_id);
            assert!(r.starts_at > d.decided_at, "starts after the decision");
            assert!(r.starts_at <= now());
            if let Some(s) = r.params.staff_id {
                assert_eq!(staff[&s].display_name, r.params.staff_name);
            }
            if let Some(end) = r.ends_at {
                assert!(end > r.starts_at && end <= now());
                assert!(!r.ended_reason.is_empty());
            }
            let kind_outcome_ok = match d.outcome {
                Outcome::WithdrawalOfServices => r.kind == WITHDRAWAL,
                Outcome::NoFurtherAction => false,
                _ => r.kind != WITHDRAWAL,
            };
            assert!(kind_outcome_ok, "{} under {:?}", r.kind, d.outcome);
        }
        for l in &b.letters {
            assert!(ids.insert(l.id));
            assert!(customers.contains(&l.customer_id));
            assert!(l.created_at <= now());
            if let Some(s) = l.sent_at {
                assert!(s >= l.created_at && s <= now() && !l.sent_how.is_empty());
            }
        }
        assert!(b.letters.iter().any(|l| l.sent_how == "post"));
        // Every decision follows the incidents it decided on: three or more since the one
        // before, or an immediate threat.
        for h in histories(&b).values() {
            let mut since = None;
            for d in &h.decisions {
                let decided_on: Vec<&Incident> = h
                    .incidents
                    .iter()
                    .filter(|i| {
                        i.counts()
                            && i.logged_at < d.decided_at
                            && since.is_none_or(|s| i.logged_at > s)
                    })
                    .collect();
                if d.outcome == Outcome::ImmediateRestriction {
                    assert!(
                        decided_on.last().is_some_and(|i| i.immediate_threat),
                        "{d:?}"
                    );
                } else {
                    assert!(
                        decided_on.len() >= 3,
                        "{} incidents before {d:?}",
                        decided_on.len()
                    );
                }
                since = Some(d.decided_at);
            }
        }
    }

    #[test]
    fn decisions_cover_every_outcome() {
        let b = demo_bulk(now());
        for o in [
            Outcome::Actions,
            Outcome::NoFurtherAction,
            Outcome::WithdrawalOfServices,
            Outcome::ImmediateRestriction,
        ] {
            assert!(b.decisions.iter().any(|d| d.outcome == o), "no {o:?}");
        }
        let with_restrictions: HashSet<Id> = b
            .restrictions
            .iter()
            .filter_map(|r| r.decision_id)
            .collect();
        for d in &b.decisions {
            assert_eq!(
                d.outcome != Outcome::NoFurtherAction,
                with_restrictions.contains(&d.id),
                "{d:?}"
            );
        }
    }

    #[test]
    fn every_restriction_kind_is_active_with_realistic_params() {
        let p = Policy::built_in();
        let b = demo_bulk(now());
        let active: Vec<&Restriction> = b
            .restrictions
            .iter()
            .filter(|r| rules::is_active(r, now()))
            .collect();
        let kinds: HashSet<&str> = active.iter().map(|r| r.kind.as_str()).collect();
        for a in &p.actions {
            assert!(kinds.contains(a.id.as_str()), "no active {}", a.id);
        }
        for a in &p.access_restrictions {
            assert!(kinds.contains(a.id.as_str()), "no active {}", a.id);
        }
        assert!(kinds.contains(p.withdrawal.id.as_str()));
        for r in &b.restrictions {
            assert!(p.restriction_kind(&r.kind).is_some());
            let pr = &r.params;
            match r.kind.as_str() {
                "time_limit" => assert!(matches!(pr.minutes, Some(10 | 15 | 20 | 30))),
                "dedicated_contact" => {
                    assert_eq!(pr.email, DEDICATED_EMAIL);
                    assert!(pr.phone.is_empty() || pr.phone == DEDICATED_PHONE);
                }
                "named_staff" => assert!(pr.staff_id.is_some() && !pr.staff_name.is_empty()),
                "third_party" => assert!(!pr.third_party.is_empty()),
                _ => assert_eq!(*pr, RestrictionParams::default()),
            }
            // The banner has every placeholder filled.
            let s = rules::restriction_sentence(r, &p);
            assert!(
                !s.contains('{') && !s.contains("the agreed") && !s.contains("the named member"),
                "{s}"
            );
        }
        assert!(active.iter().any(|r| r.kind == "named_staff"
            && r.params.staff_id == Some(SAM_PATEL)
            && r.params.staff_name == "Sam Patel"));
        assert!(active
            .iter()
            .any(|r| r.params.third_party == "Barnet Advocacy Service (Jo Hughes)"));
        assert!(b
            .restrictions
            .iter()
            .any(|r| r.params.phone == DEDICATED_PHONE));
        // Access restrictions also come from immediate restrictions.
        let decisions: HashMap<Id, &Decision> = b.decisions.iter().map(|d| (d.id, d)).collect();
        assert!(b.restrictions.iter().any(|r| {
            matches!(
                p.restriction_kind(&r.kind),
                Some(RestrictionKind::Access(_))
            ) && decisions[&r.decision_id.unwrap()].outcome == Outcome::ImmediateRestriction
        }));
    }

    #[test]
    fn reviews_are_due_in_the_future_today_and_overdue_and_some_are_lifted() {
        let b = demo_bulk(now());
        let today = time::london_date(now());
        let active: Vec<&Restriction> = b
            .restrictions
            .iter()
            .filter(|r| rules::is_active(r, now()))
            .collect();
        assert!(active.iter().all(|r| r.review_due.is_some()));
        let future = active
            .iter()
            .filter(|r| r.review_due.unwrap() > today)
            .count();
        let due_today = active
            .iter()
            .filter(|r| r.review_due.unwrap() == today)
            .count();
        let overdue = active
            .iter()
            .filter(|r| r.review_due.unwrap() < today)
            .count();
        assert!(
            future >= 5 && due_today >= 1 && overdue >= 2,
            "{future} {due_today} {overdue}"
        );
        assert!(
            active
                .iter()
                .filter(|r| rules::review_is_due(r, now()))
                .count()
                >= 3
        );
        let ended: Vec<_> = b
            .restrictions
            .iter()
            .filter(|r| r.ends_at.is_some())
            .collect();
        assert!(ended.len() >= 3, "{} ended", ended.len());
        assert!(ended.iter().any(|r| r.ended_reason.starts_with("Lifted")));
    }

    #[test]
    fn exactly_one_customer_has_services_withdrawn() {
        let b = demo_bulk(now());
        let withdrawn: HashSet<Id> = b
            .restrictions
            .iter()
            .filter(|r| r.kind == WITHDRAWAL)
            .map(|r| r.customer_id)
            .collect();
        assert_eq!(
            withdrawn.into_iter().collect::<Vec<_>>(),
            vec![PRECIOUS_ADEYEMI]
        );
    }

    #[test]
    fn customers_stand_at_one_two_and_three_incidents_and_some_have_many() {
        let p = Policy::built_in();
        let b = demo_bulk(now());
        let h = histories(&b);
        let mut at = [0usize; 4];
        let mut three_undecided = 0;
        let mut three_after_decision = 0;
        for x in h.values() {
            let t = rules::threshold_state(x, &p);
            if t.count <= 3 {
                at[t.count as usize] += 1;
            }
            if t.count == 3 && x.decisions.is_empty() {
                three_undecided += 1;
            }
            if t.count >= 1 && !x.decisions.is_empty() {
                three_after_decision += 1;
            }
        }
        assert!(
            at[0] >= 20 && at[1] >= 10 && at[2] >= 10 && at[3] >= 4,
            "{at:?}"
        );
        assert!(
            three_undecided >= 3,
            "{three_undecided} at 3 with no decision"
        );
        assert!(three_after_decision >= 5, "incidents after a decision");
        let many = h.values().filter(|x| x.incidents.len() >= 10).count();
        assert!(many >= 5, "{many} with ten or more incidents");
        assert!(h.values().any(|x| x.incidents.len() >= 20));
        assert!(
            h.values().any(|x| x.decisions.len() >= 2),
            "repeat decisions"
        );
        // The queue has all four reasons in it.
        let mut reasons = HashSet::new();
        for x in h.values() {
            for e in rules::escalations(x, &p, now()) {
                reasons.insert(std::mem::discriminant(&e));
            }
        }
        assert_eq!(reasons.len(), 4);
        assert!(h
            .values()
            .any(|x| rules::summary(x, &p, now()).nothing_recorded));
    }

    #[test]
    fn the_named_customers_are_as_documented() {
        let p = Policy::built_in();
        let b = demo_bulk(now());
        let h = histories(&b);

        let deborah = by_name(&h, "Deborah Johnson");
        assert_eq!(deborah.customer.id, DEBORAH_JOHNSON);
        assert!(deborah
            .customer
            .phones
            .contains(&"07700 900123".to_string()));
        assert!(deborah
            .customer
            .other_names
            .contains(&"Debbie Johnson".to_string()));
        let s = sentences(deborah);
        assert!(
            s.contains(&"Calls and visits limited to 10 minutes".to_string()),
            "{s:?}"
        );
        assert!(s.contains(&"A witness must be present".to_string()));
        assert_eq!(rules::threshold_state(deborah, &p).count, 0);
        assert!(rules::escalations(deborah, &p, now()).is_empty());

        let marek = by_name(&h, "Marek Kowalczyk");
        assert_eq!(marek.customer.phones, vec!["020 7946 0018"]);
        let s = sentences(marek);
        assert!(s.contains(&"Written contact only".to_string()), "{s:?}");
        assert!(s.contains(&"Only Sam Patel deals with this customer".to_string()));
        assert!(marek
            .restrictions
            .iter()
            .any(|r| r.params.staff_id == Some(SAM_PATEL)));
        assert_eq!(marek.decisions.len(), 2);
        assert!(rules::escalations(marek, &p, now()).is_empty());

        let zoe = by_name(&h, "Zoë Åberg");
        assert_eq!(zoe.customer.phones, vec!["+44 7700 900456"]);
        assert_eq!(
            rules::threshold_state(zoe, &p).sentence(),
            "2 of 3 - the next incident goes to a manager"
        );
        assert!(zoe.decisions.is_empty() && zoe.restrictions.is_empty());
        assert_eq!(zoe.incidents.iter().filter(|i| !i.counts()).count(), 1);

        let tunde = by_name(&h, "Tunde Okafor");
        assert_eq!(tunde.customer.phones, vec!["07700 900234"]);
        assert!(tunde.decisions.is_empty());
        assert!(rules::threshold_state(tunde, &p).reached());
        assert_eq!(rules::threshold_state(tunde, &p).count, 3);
        assert_eq!(
            rules::escalations(tunde, &p, now()),
            vec![rules::Escalation::ThresholdReached {
                count: 3,
                threshold: 3
            }]
        );

        let precious = by_name(&h, "Precious Adeyemi");
        let active = rules::active_restrictions(precious, now());
        assert_eq!(active.len(), 1);
        assert_eq!(active[0].kind, WITHDRAWAL);
        assert!(rules::review_is_due(active[0], now()));
        assert!(
            active[0].review_due.unwrap() < time::london_date(now()),
            "overdue"
        );
        assert!(sentences(precious)[0].starts_with("Services withdrawn - review due"));
        assert!(
            precious
                .restrictions
                .iter()
                .filter(|r| r.ends_at.is_some())
                .count()
                == 2
        );
        assert!(precious
            .decisions
            .iter()
            .any(|d| d.outcome == Outcome::WithdrawalOfServices));

        let jose = by_name(&h, "José Núñez");
        assert_eq!(
            sentences(jose),
            vec!["Contact only through Barnet Advocacy Service (Jo Hughes)"]
        );
        assert!(rules::escalations(jose, &p, now())
            .iter()
            .any(|e| matches!(e, rules::Escalation::Breach { .. })));

        let renee = by_name(&h, "Renée O'Connor");
        assert_eq!(
            rules::threshold_state(renee, &p).sentence(),
            "1 of 3 incidents"
        );

        let visitor = &h[&UNIDENTIFIED_VISITOR];
        assert!(visitor.customer.is_unidentified());
        assert!(visitor
            .customer
            .description
            .starts_with("Man, about 50, grey beard, green parka; reception, "));
        assert!(matches!(
            rules::escalations(visitor, &p, now())[0],
            rules::Escalation::ImmediateThreat { .. }
        ));
        assert!(visitor.incidents[0].reference.starts_with("CAD 4412/"));

        // The named numbers are nobody else's.
        for named in [
            DEBORAH_JOHNSON,
            MAREK_KOWALCZYK,
            ZOE_ABERG,
            TUNDE_OKAFOR,
            PRECIOUS_ADEYEMI,
            JOSE_NUNEZ,
            RENEE_OCONNOR,
        ] {
            for ph in &h[&named].customer.phones {
                let owners = b
                    .customers
                    .iter()
                    .filter(|c| c.phones.iter().any(|x| national(x) == national(ph)))
                    .count();
                assert_eq!(owners, 1, "{ph}");
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_data_whatever_the_chunk_size() {
        let a = demo_bulk(now());
        let b = demo_bulk(now());
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let mut chunks = 0;
        let mut c = Bulk::default();
        generate(&Scale::DEMO, DEMO_SEED, now(), 50, |x| -> Result<(), ()> {
            chunks += 1;
            assert!(x.customers.len() <= 50);
            if chunks > 1 {
                assert!(x.staff.is_empty());
            }
            c.staff.extend(x.staff);
            c.customers.extend(x.customers);
            c.incidents.extend(x.incidents);
            c.decisions.extend(x.decisions);
            c.restrictions.extend(x.restrictions);
            c.letters.extend(x.letters);
            Ok(())
        })
        .unwrap();
        assert_eq!(chunks, 7);
        assert_eq!(format!("{a:?}"), format!("{c:?}"));
    }

    #[test]
    fn the_sink_can_stop_generation() {
        let mut calls = 0;
        let r = generate(&Scale::DEMO, 1, now(), 10, |_| {
            calls += 1;
            if calls == 3 {
                Err("disk full")
            } else {
                Ok(())
            }
        });
        assert_eq!(r, Err("disk full"));
        assert_eq!(calls, 3);
    }

    #[test]
    fn named_customers_do_not_depend_on_the_seed_and_the_rest_do() {
        let collect = |seed: u64| {
            let mut all = Bulk::default();
            generate(
                &Scale::DEMO,
                seed,
                now(),
                usize::MAX,
                |b| -> Result<(), ()> {
                    all = b;
                    Ok(())
                },
            )
            .unwrap();
            all
        };
        let (a, b) = (collect(1), collect(2));
        let named = |x: &Bulk| -> Vec<String> {
            let ids: HashSet<Id> = (1..=8).map(named_id).collect();
            let mut v: Vec<String> = x
                .customers
                .iter()
                .filter(|c| ids.contains(&c.id))
                .map(|c| format!("{c:?}"))
                .collect();
            v.extend(
                x.incidents
                    .iter()
                    .filter(|i| ids.contains(&i.customer_id))
                    .map(|i| format!("{i:?}")),
            );
            v.extend(
                x.restrictions
                    .iter()
                    .filter(|r| ids.contains(&r.customer_id))
                    .map(|r| format!("{r:?}")),
            );
            v.extend(
                x.decisions
                    .iter()
                    .filter(|d| ids.contains(&d.customer_id))
                    .map(|d| format!("{d:?}")),
            );
            v
        };
        assert_eq!(named(&a), named(&b));
        assert_eq!(
            named(&a).len(),
            8 + NAMED_INCIDENTS + NAMED_RESTRICTIONS + 6
        );
        assert_ne!(a.customers[20].name, b.customers[20].name);
        let ids_a: HashSet<Id> = a.customers.iter().map(|c| c.id).collect();
        assert_eq!(ids_a.len(), a.customers.len());
    }

    #[test]
    fn names_contacts_and_postcodes_are_varied_and_realistic() {
        let b = demo_bulk(now());
        let named: Vec<&Customer> = b.customers.iter().filter(|c| c.name.is_some()).collect();
        let names: HashSet<&str> = named.iter().map(|c| c.name.as_deref().unwrap()).collect();
        assert!(names.len() >= 280, "{} distinct names", names.len());
        assert!(
            names.iter().filter(|n| !n.is_ascii()).count() >= 15,
            "accented names"
        );
        assert!(
            names
                .iter()
                .any(|n| n.split(' ').next_back().unwrap().contains('-')),
            "hyphenated surnames"
        );
        assert!(names.iter().filter(|n| n.contains('\'')).count() >= 2);
        for n in ["Zoë Åberg", "José Núñez", "Renée O'Connor"] {
            assert!(names.contains(n));
        }
        let with_other = named.iter().filter(|c| !c.other_names.is_empty()).count();
        assert!(with_other >= 30, "{with_other} with other names");

        let visitors: Vec<&Customer> = b.customers.iter().filter(|c| c.is_unidentified()).collect();
        assert!(
            (4..=20).contains(&visitors.len()),
            "{} unidentified",
            visitors.len()
        );
        for v in &visitors {
            assert!(
                v.description.contains(", about ") && v.description.contains(" around "),
                "{}",
                v.description
            );
            assert!(v.phones.is_empty() && v.emails.is_empty());
        }

        let mut numbers = HashSet::new();
        let mut forms = HashSet::new();
        for c in &b.customers {
            for ph in &c.phones {
                let d = national(ph);
                assert_eq!(d.len(), 11, "{ph}");
                let drama = ["07700900", "02079460", "01134960", "01614960"]
                    .iter()
                    .any(|p| d.starts_with(p));
                assert!(drama, "{ph} is outside the Ofcom drama ranges");
                assert!(numbers.insert(d), "{ph} twice");
                let form: String = ph
                    .chars()
                    .map(|ch| if ch.is_ascii_digit() { '9' } else { ch })
                    .collect();
                forms.insert(form);
            }
            for e in &c.emails {
                let domain = e.rsplit('@').next().unwrap();
                assert!(
                    ["example.org", "example.com", "example.net"].contains(&domain),
                    "{e}"
                );
                assert!(e.is_ascii() && e.matches('@').count() == 1);
            }
            if !c.postcode.is_empty() {
                let (out, inward) = c.postcode.split_once(' ').unwrap();
                assert!(POSTCODE_AREAS.contains(&out), "{}", c.postcode);
                assert_eq!(inward.len(), 3);
            }
            assert!(c.created_at <= now());
        }
        assert!(numbers.len() >= 250);
        assert!(
            numbers.iter().any(|d| d.starts_with("0113"))
                && numbers.iter().any(|d| d.starts_with("0161"))
        );
        assert!(forms.len() >= 8, "{forms:?}");
        for f in ["+99 9999 999999", "(999) 9999 9999", "99999 999999"] {
            assert!(forms.contains(f), "no phone written like {f}");
        }
        assert!(b.customers.iter().filter(|c| !c.notes.is_empty()).count() >= 50);
        // Created no later than their first incident.
        let h = histories(&b);
        for x in h.values() {
            if let Some(i) = x.incidents.first() {
                assert!(x.customer.created_at <= i.logged_at);
            }
        }
    }

    /// `cargo test --release --lib demo::tests::bench_scale -- --ignored --nocapture`
    #[test]
    #[ignore = "slow in debug builds; run in release"]
    fn bench_scale() {
        let started = std::time::Instant::now();
        let (mut customers, mut incidents, mut restrictions, mut chunks, mut biggest) =
            (0, 0, 0, 0, 0);
        let mut numbers: HashSet<String> = HashSet::new();
        let mut withdrawn = 0;
        generate(&Scale::BENCH, 42, now(), 5_000, |b| -> Result<(), ()> {
            chunks += 1;
            customers += b.customers.len();
            incidents += b.incidents.len();
            restrictions += b.restrictions.len();
            biggest = biggest.max(b.incidents.len());
            withdrawn += b
                .restrictions
                .iter()
                .filter(|r| r.kind == WITHDRAWAL)
                .count();
            for c in &b.customers {
                for p in &c.phones {
                    assert!(numbers.insert(national(p)), "{p} twice");
                }
            }
            Ok(())
        })
        .unwrap();
        let took = started.elapsed();
        println!(
            "BENCH: {customers} customers, {incidents} incidents, {restrictions} restrictions, {} distinct phone numbers in {chunks} chunks (largest {biggest} incidents) in {took:.2?}",
            numbers.len()
        );
        assert_eq!(
            (customers, incidents, restrictions),
            (100_000, 1_000_000, 20_000)
        );
        assert!(numbers.len() >= 100_000);
        assert_eq!(withdrawn, 1);
    }
}
