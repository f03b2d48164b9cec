//! The static tables the generator draws from: staff; how it treats the built-in policy's
//! channels, responses and restriction kinds (by id, with weights); incident templates, topics,
//! names, postcodes, notes, visitors and phone number ranges.

use super::rng::Rng;
use crate::domain::Role;
use crate::policy::Policy;

pub(super) const STAFF: [(&str, &str, Role, bool); 12] = [
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

// ---------------------------------------------------------------------------------------------
// Policy vocabulary: the channels, responses and restriction kinds are the built-in policy's;
// these tables say how the demo treats them, by id (the tests check the ids against the policy).

/// The kind of contact a channel is: it decides the incident templates, who logs the incident and
/// how the response is described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Group {
    Voice,
    InPerson,
    Written,
    Social,
    Other,
}

/// Each channel's group and how often it is chosen. A channel of the policy this table does not
/// name is `Other`, chosen with [`OTHER_CHANNEL_WEIGHT`].
pub(super) const CHANNEL_WEIGHTS: &[(&str, Group, u32)] = &[
    ("phone", Group::Voice, 34),
    ("video", Group::Voice, 3),
    ("face_to_face", Group::InPerson, 22),
    ("email", Group::Written, 20),
    ("letter", Group::Written, 4),
    ("text", Group::Written, 5),
    ("whatsapp", Group::Written, 4),
    ("social_media", Group::Social, 4),
    ("other", Group::Other, 3),
];
pub(super) const OTHER_CHANNEL_WEIGHT: u32 = 3;

/// A channel of the policy as the generator uses it.
pub(super) struct Chan {
    pub(super) id: String,
    pub(super) group: Group,
    pub(super) weight: u32,
    /// The initial responses the policy allows on it.
    pub(super) responses: Vec<String>,
}

/// The policy's ids in a table's order (the order the demo was written for), then the policy's
/// other ids in the policy's order.
pub(super) fn in_table_order<'a>(table: &[&str], policy: &[&'a str]) -> Vec<&'a str> {
    let named = table
        .iter()
        .filter_map(|id| policy.iter().copied().find(|p| p == id));
    let others = policy.iter().copied().filter(|p| !table.contains(p));
    named.chain(others).collect()
}

/// The policy's channels, with their groups and weights.
pub(super) fn channels(policy: &Policy) -> Vec<Chan> {
    let table: Vec<&str> = CHANNEL_WEIGHTS.iter().map(|c| c.0).collect();
    let ids: Vec<&str> = policy.channels.iter().map(|c| c.id.as_str()).collect();
    in_table_order(&table, &ids)
        .into_iter()
        .map(|id| {
            let (group, weight) = CHANNEL_WEIGHTS
                .iter()
                .find(|c| c.0 == id)
                .map(|c| (c.1, c.2))
                .unwrap_or((Group::Other, OTHER_CHANNEL_WEIGHT));
            Chan {
                id: id.to_string(),
                group,
                weight,
                responses: policy
                    .channel(id)
                    .map(|c| c.responses.clone())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

pub(super) fn min_severity(response: &str) -> u8 {
    match response {
        "police_called" => 3,
        "call_ended_without_warning" | "security_called" => 2,
        _ => 1,
    }
}

pub(super) fn response_weight(response: &str) -> u32 {
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

/// How often each long-term action and access restriction is chosen once every kind has been
/// shown. The kinds themselves come from the built-in policy ([`kinds_with_weights`]): a kind
/// these tables do not name is chosen with [`OTHER_KIND_WEIGHT`].
pub(super) const ACTION_WEIGHTS: &[(&str, u32)] = &[
    ("time_limit", 20),
    ("witness", 14),
    ("recorded", 14),
    ("written_only", 14),
    ("dedicated_contact", 12),
    ("named_staff", 10),
    ("read_ack_file", 8),
    ("third_party", 6),
    // The actions public bodies' practice adds: shown by the named customers (José Núñez's
    // contact window), never drawn, so the seeded data stays as it was.
    ("contact_window", 0),
    ("behaviour_agreement", 0),
    ("advocate", 0),
];
pub(super) const ACCESS_WEIGHTS: &[(&str, u32)] = &[
    ("banned_from_premises", 30),
    ("phone_blocked", 15),
    ("email_blocked", 15),
    ("written_contact_only", 15),
    ("all_direct_contact_ended", 12),
    ("permanent_ban", 6),
];
pub(super) const OTHER_KIND_WEIGHT: u32 = 10;

/// The policy's kinds with their weights, in the table's order (the order the demo first shows
/// them in), then the policy's other kinds.
pub(super) fn kinds_with_weights(table: &[(&str, u32)], policy: &[&str]) -> Vec<(String, u32)> {
    let ids: Vec<&str> = table.iter().map(|k| k.0).collect();
    in_table_order(&ids, policy)
        .into_iter()
        .map(|id| {
            let weight = table.iter().find(|k| k.0 == id).map(|k| k.1);
            (id.to_string(), weight.unwrap_or(OTHER_KIND_WEIGHT))
        })
        .collect()
}

/// A short description of what happened; the initial response is added after it.
pub(super) struct Template {
    pub(super) category: &'static str,
    pub(super) group: Group,
    pub(super) severity: u8,
    pub(super) behaviours: &'static [&'static str],
    pub(super) text: &'static str,
}

macro_rules! t {
    ($cat:literal, $group:ident, $sev:literal, [$($b:literal),*], $text:literal) => {
        Template { category: $cat, group: Group::$group, severity: $sev, behaviours: &[$($b),*], text: $text }
    };
}

pub(super) const TEMPLATES: &[Template] = &[
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

pub(super) fn clause(group: Group, response: &str, rng: &mut Rng) -> &'static str {
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

pub(super) const TOPICS: &[&str] = &[
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

pub(super) const BEHAVIOUR_OTHER: &[&str] = &[
    "Filmed staff on their phone without asking",
    "Left long voicemails late at night",
    "Refused to give their name",
    "Brought a large dog into reception and let it bark at staff",
];

pub(super) const WITHDRAWAL_REASONS: &[&str] = &[
    "Logged against the wrong customer: it was another person with a similar name.",
    "Duplicate: the same call was logged by a colleague.",
    "On review with the manager the customer was upset but not abusive; not an unacceptable behaviour incident.",
    "The customer's carer explained it was caused by a medical episode; withdrawn after talking it through with the manager.",
];

pub(super) const ENDED_REASONS: &[&str] = &[
    "Lifted at review: no further incidents in six weeks.",
    "Lifted at review: the customer has engaged well with their advocate.",
    "Lifted at review: the customer no longer wants to use our services.",
    "Lifted early after a meeting with the customer and their support worker.",
];

pub(super) const THIRD_PARTIES: &[&str] = &[
    "Barnet Advocacy Service (Jo Hughes)",
    "Age UK Barnet (Maureen Ellis)",
    "Mind in Barnet (Kwame Asante)",
    "Citizens Advice Barnet (Rob Tanner)",
    "their social worker at Barnet Adult Social Care (Nadia Rossi)",
];

// ---------------------------------------------------------------------------------------------
// People

pub(super) struct NameGroup {
    pub(super) weight: u32,
    pub(super) female: &'static [&'static str],
    pub(super) male: &'static [&'static str],
    /// "Kowalski|Kowalska": masculine|feminine forms.
    pub(super) surnames: &'static [&'static str],
}

pub(super) const NAME_GROUPS: &[NameGroup] = &[
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

pub(super) const NICKNAMES: &[(&str, &str)] = &[
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
pub(super) const NAMED_NAMES: &[&str] = &[
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

pub(super) fn taken_name(name: &str) -> bool {
    NAMED_NAMES.contains(&name) || STAFF.iter().any(|s| s.1 == name)
}

pub(super) const POSTCODE_AREAS: &[&str] = &[
    "EN4", "EN5", "N2", "N3", "N11", "N12", "N14", "N20", "NW4", "NW7", "NW9", "NW11", "HA8",
];
/// The post town of each postcode area the demo uses.
pub(super) const POSTAL_TOWNS: &[(&str, &str)] = &[
    ("EN4", "Barnet"),
    ("EN5", "Barnet"),
    ("N2", "London"),
    ("N3", "London"),
    ("N11", "London"),
    ("N12", "London"),
    ("N14", "London"),
    ("N20", "London"),
    ("NW4", "London"),
    ("NW7", "London"),
    ("NW9", "London"),
    ("NW11", "London"),
    ("HA8", "Edgware"),
];
pub(super) const STREETS: &[&str] = &[
    "Ballards Lane",
    "Hendon Lane",
    "Regents Park Road",
    "Woodhouse Road",
    "Friern Barnet Lane",
    "Oakleigh Road North",
    "Totteridge Lane",
    "Station Road",
    "Church Lane",
    "Brent Street",
    "Watford Way",
    "The Broadway",
    "High Road",
    "Mays Lane",
    "Wood Street",
    "Cat Hill",
    "Colney Hatch Lane",
    "Squires Lane",
    "Long Lane",
    "East End Road",
];
pub(super) const BLOCKS: &[&str] = &[
    "Grange Court",
    "Elm House",
    "Cedar Lodge",
    "Willow Court",
    "Priory House",
    "Beech Mansions",
];
pub(super) const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

pub(super) const NOTES: &[&str] = &[
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

pub(super) const VISITOR_WHO: &[(&str, i64, i64)] = &[
    ("Man", 30, 60),
    ("Woman", 30, 60),
    ("Young man", 20, 25),
    ("Young woman", 20, 25),
    ("Older man", 65, 80),
    ("Older woman", 65, 80),
];
pub(super) const VISITOR_FEATURES: &[&str] = &[
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
pub(super) const VISITOR_CLOTHES: &[&str] = &[
    "green parka",
    "black puffer jacket",
    "red football shirt",
    "hi-vis vest",
    "grey hoodie",
    "long camel coat",
    "blue tracksuit",
    "flat cap",
];
pub(super) const VISITOR_PLACES: &[&str] = &[
    "reception",
    "the waiting area",
    "outside the main entrance",
    "the Burnt Oak drop-in",
];

/// Ofcom drama ranges: (national digits prefix, numbers 0..1000).
pub(super) const POOL_PREFIX: [&str; 4] = ["07700900", "02079460", "01134960", "01614960"];

/// National digits of numbers the named customers and the dedicated contact use.
pub(super) const RESERVED: &[&str] = &[
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
