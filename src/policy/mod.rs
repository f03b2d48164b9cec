//! The policy as data: loaded from `assets/policy.toml` (embedded) or a replacement file, checked
//! thoroughly, and then used by the pure escalation rules in [`rules`].

pub mod decision;
pub mod incident;
pub mod news;
pub mod retention;
pub mod rules;
pub mod safety;
pub mod who;
pub mod window;

use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

/// The policy shipped with safedesk.
pub const BUILT_IN: &str = include_str!("../../assets/policy.toml");

/// Placeholders a banner may use.
pub const PLACEHOLDERS: [&str; 12] = [
    "minutes",
    "staff",
    "contact",
    "third_party",
    "review",
    "scope",
    "redirect",
    "window",
    "date",
    "text",
    "person",
    "person_contact",
];

/// The parameter kinds a long-term action may take: a dedicated contact (email and/or phone),
/// a number of minutes, a member of staff, a third party's name, what it applies to (calls,
/// visits or both), set days and times each week, a date (on or before today), a sentence or
/// two, and a person with their contact details. An organisation's own action uses these.
pub const PARAMS: [&str; 9] = [
    "contact",
    "minutes",
    "staff",
    "third_party",
    "scope",
    "window",
    "date",
    "text",
    "person",
];

/// What a parameter kind is called on the decision form when the action does not name it.
pub fn param_kind_label(kind: &str) -> &'static str {
    match kind {
        "contact" => "Email and/or phone",
        "minutes" => "Minutes",
        "staff" => "Staff member",
        "third_party" => "Third party",
        "window" => "Days and times",
        "date" => "Date",
        "text" => "Details",
        "person" => "Name",
        _ => "",
    }
}

/// Parameters an access restriction may require: whether a number or address is blocked or
/// redirected, and to where.
pub const ACCESS_PARAMS: [&str; 1] = ["divert"];

/// What a blocked-or-redirected restriction records (`divert`): blocked.
pub const BLOCKED: &str = "blocked";
/// ... or redirected (to `redirect_to`).
pub const REDIRECTED: &str = "redirected";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub policy: General,
    pub categories: Vec<Category>,
    pub responses: Vec<Response>,
    pub channels: Vec<Channel>,
    pub actions: Vec<Action>,
    pub withdrawal: Withdrawal,
    pub access_restrictions: Vec<AccessRestriction>,
    /// How letters tell the customer to contact us; optional in a policy file of an older safedesk.
    #[serde(default)]
    pub letters: Letters,
    pub complaints: Complaints,
    /// What phone staff do now when a customer's card carries a manager flag; optional in a
    /// policy file of an older safedesk.
    #[serde(default)]
    pub phone_advice: PhoneAdvice,
    /// What a time limit or recording applies to; optional in a policy file of an older
    /// safedesk (calls only, visits only, or both).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<Scope>,
    /// Which incidents cause significant alarm or possible crime; optional in a policy file of
    /// an older safedesk.
    #[serde(default)]
    pub alarm: Alarm,
    /// How long records are kept after the customer's last activity; optional in a policy
    /// file of an older safedesk (the defaults in [`retention::Retention`]).
    #[serde(default)]
    pub retention: retention::Retention,
    /// What is not unacceptable, in the policy's words, and the questions the incident form
    /// asks because of it; optional in a policy file of an older safedesk.
    #[serde(default)]
    pub principles: Principles,
    /// The reasonable adjustments a decision that restricts considers first; optional in a
    /// policy file of an older safedesk (the five in [`default_adjustments`]).
    #[serde(default = "default_adjustments")]
    pub adjustments: Vec<Adjustment>,
    /// What letters say of the adjustments considered; optional in a policy file of an older
    /// safedesk.
    #[serde(default)]
    pub adjustment_letters: AdjustmentLetters,
    /// Who may impose each outcome or restriction, and which need a second person's approval;
    /// optional in a policy file of an older safedesk (the built-in table).
    #[serde(default = "who::default_who_decides")]
    pub who_decides: Vec<who::WhoDecides>,
    /// Which incidents ask who was hurt, RIDDOR and a debrief; optional in a policy file of an
    /// older safedesk (the behaviours of physical violence).
    #[serde(default)]
    pub safety: safety::StaffSafety,
}

/// What the policy says is not unacceptable, shown where an incident is logged, and the
/// questions asked because of it: did the customer appear to be in distress, and for demands,
/// what was the effect on workloads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principles {
    /// One line, for the incident form at 80 columns.
    pub short: String,
    /// The policy's own sentences, quoted.
    #[serde(default)]
    pub said: Vec<String>,
    pub distress_question: String,
    #[serde(default)]
    pub distress_said: String,
    /// The category whose incidents are asked the effect on workloads ("" asks none).
    #[serde(default)]
    pub demands_category: String,
    #[serde(default)]
    pub workload_question: String,
    #[serde(default)]
    pub workload_said: String,
    #[serde(default)]
    pub workload: Vec<Choice>,
}

/// A choice with its key on a form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub key: char,
    pub label: String,
}

impl Default for Principles {
    fn default() -> Principles {
        Policy::built_in_principles()
    }
}

/// A reasonable adjustment a manager considers before restricting.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    pub id: String,
    pub label: String,
    /// In a letter's sentence of what was considered, in the customer's words; empty: the
    /// label, as in a sentence ("a named contact at the organisation").
    #[serde(default)]
    pub letter: String,
}

/// What letters say of the reasonable adjustments a decision or review considered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdjustmentLetters {
    /// The sentence naming those considered ({considered}, each adjustment's `letter`); said
    /// only when the decision restricts and some of the policy's were considered. Never the
    /// manager's reasons, nor others typed.
    pub considered: String,
    /// The sentence that asks the customer to tell us what would help (said with it).
    pub invitation: String,
}

impl Default for AdjustmentLetters {
    fn default() -> AdjustmentLetters {
        AdjustmentLetters {
            considered: "Before making this decision, we thought about changes to how we work with you that might help, including {considered}.".into(),
            invitation: "If a change to how we work with you would help, because of a disability or for any other reason, please tell us and we will consider it.".into(),
        }
    }
}

pub fn default_adjustments() -> Vec<Adjustment> {
    [
        (
            "named_contact",
            "A named contact at the organisation",
            "a named member of staff to deal with your contact with us",
        ),
        (
            "advocate",
            "An advocate or supporter",
            "contact through an advocate or supporter of your choice",
        ),
        ("easy_read", "Easy-read letters", "letters in easy read"),
        (
            "longer_calls",
            "Longer call times",
            "longer telephone calls",
        ),
        (
            "quieter_visits",
            "A quieter visiting time",
            "visits at a quieter time of day",
        ),
    ]
    .into_iter()
    .map(|(id, label, letter)| Adjustment {
        id: id.into(),
        label: label.into(),
        letter: letter.into(),
    })
    .collect()
}

/// What a time limit or recording applies to: calls, visits or both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub id: String,
    /// In the decision form.
    pub label: String,
    pub key: char,
    /// `{scope}` in a banner, for staff.
    pub banner: String,
    /// `{scope}` in a letter, for the customer.
    pub letter: String,
}

fn default_scopes() -> Vec<Scope> {
    [
        ("calls", "Calls only", 'c', "calls", "telephone calls"),
        ("visits", "Visits only", 'v', "visits", "visits"),
        (
            "both",
            "Calls and visits",
            'b',
            "calls and visits",
            "telephone calls and visits",
        ),
    ]
    .into_iter()
    .map(|(id, label, key, banner, letter)| Scope {
        id: id.into(),
        label: label.into(),
        key,
        banner: banner.into(),
        letter: letter.into(),
    })
    .collect()
}

/// The scope a restriction recorded before safedesk asked applies to.
pub const SCOPE_BOTH: &str = "both";

/// The incidents of significant alarm, distress or possible crime, after which any decision
/// records whether the police or another authority were told and the assessment of risk.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Alarm {
    /// In the decision form's messages: "significant alarm or possible crime".
    pub label: String,
    /// An incident marked as an immediate threat counts.
    pub immediate_threat: bool,
    /// Initial responses that count (policy ids).
    pub responses: Vec<String>,
    /// Behaviours that count (policy ids).
    pub behaviours: Vec<String>,
    /// What a letter says when the police or another authority were told ({authority}).
    pub letter_told: String,
}

impl Default for Alarm {
    fn default() -> Alarm {
        Alarm {
            label: "significant alarm or possible crime".into(),
            immediate_threat: true,
            responses: vec!["police_called".into()],
            behaviours: Vec::new(),
            letter_told: "We have told {authority} about what happened.".into(),
        }
    }
}

/// A blocked-or-redirected restriction's texts for one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    pub banner: String,
    pub letter: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    pub name: String,
    pub incident_threshold: u32,
    pub review_period_weeks: u32,
    /// May a review date be set later than the review period? Not unless the file says so.
    #[serde(default)]
    pub review_later_allowed: bool,
    pub emergency_advice: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub key: char,
    pub behaviours: Vec<Behaviour>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub id: String,
    pub label: String,
    pub key: char,
    #[serde(default)]
    pub needs_reference: bool,
    #[serde(default)]
    pub immediate_threat: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub id: String,
    pub label: String,
    pub key: char,
    pub responses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    pub label: String,
    pub banner: String,
    #[serde(default)]
    pub params: Vec<String>,
    #[serde(default)]
    pub letter_contact: Option<LetterContact>,
    /// What a letter tells the customer about it, in plain words to them, with the banner's
    /// placeholders (the banner is for staff and never reaches a letter). Empty in a policy file
    /// of an older safedesk: the label is used.
    #[serde(default)]
    pub letter: String,
    /// Choices it cannot go with, and why: a decision with both is refused.
    #[serde(default)]
    pub excludes: Vec<Exclusion>,
    /// How a review still works while it is in force, for the letter (may be empty).
    #[serde(default)]
    pub review_note: String,
    /// How a withdrawal letter names it when it was tried before services were withdrawn
    /// ("limiting the length of your telephone calls"); its label in lower case when empty.
    #[serde(default)]
    pub tried: String,
    /// Offered on the decision form? An organisation switches an action off with `false`;
    /// restrictions already made with it still show.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// What the decision form calls a parameter ("Date signed"), by kind.
    #[serde(default)]
    pub param_labels: std::collections::BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

impl Action {
    /// What the decision form calls one of its parameters.
    pub fn param_label<'a>(&'a self, kind: &str) -> &'a str {
        self.param_labels
            .get(kind)
            .map(String::as_str)
            .unwrap_or_else(|| param_kind_label(kind))
    }
}

/// A choice a restriction cannot go with, and why (shown to the manager).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    pub id: String,
    pub reason: String,
}

/// How a letter tells the customer to contact us while a restriction is in force: the end of
/// "Please contact us ...", with the banner's placeholders. The lowest `rank` in force wins.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterContact {
    pub rank: u32,
    pub text: String,
}

/// The end of "Please contact us ..." when no restriction in force has its own.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letters {
    /// With no restriction in force.
    pub contact_usual: String,
    /// With restrictions in force, none of which says how to contact us.
    pub contact_within_limits: String,
    /// On the card of a customer whose correspondence was not processed (and who was told so),
    /// until a manager decides: what staff do with what they send next.
    #[serde(default = "default_correspondence_banner")]
    pub correspondence_banner: String,
}

fn default_correspondence_banner() -> String {
    "CORRESPONDENCE NOT PROCESSED: their abusive letters, emails and messages are not answered. Do not reply to what they send until a manager decides otherwise.".into()
}

impl Default for Letters {
    fn default() -> Letters {
        Letters {
            contact_usual: "in the usual ways".into(),
            contact_within_limits: "in the usual ways, within the limits above".into(),
            correspondence_banner: default_correspondence_banner(),
        }
    }
}

/// What the person on the phone does now, shown to phone staff under each "MANAGER" line of a
/// card (the flag says what a manager must do; this says what the caller's call needs meanwhile).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhoneAdvice {
    /// An immediate threat waits for a manager.
    pub immediate_threat: String,
    /// A breach of a restriction in force waits for a manager.
    pub breach: String,
    /// The incident threshold is reached and a manager must decide.
    pub threshold_reached: String,
    /// A restriction's review date has come.
    pub review_due: String,
}

impl Default for PhoneAdvice {
    fn default() -> PhoneAdvice {
        PhoneAdvice {
            immediate_threat: "On the phone now: if they threaten anyone, end the call at once and tell a manager in person straight away. If anyone is unsafe, call 999.".into(),
            breach: "On the phone now: keep strictly to the restrictions above; if they break one again, end the call politely and log it as an incident. A manager will decide what happens next.".into(),
            threshold_reached: "On the phone now: help them as usual. If the behaviour starts again, warn them once, end the call if it goes on, and log it as an incident for the manager.".into(),
            review_due: "On the phone now: the restrictions above still apply until a manager has reviewed them; keep to them.".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    pub id: String,
    pub label: String,
    pub banner: String,
    #[serde(default)]
    pub letter_contact: Option<LetterContact>,
    /// What a letter tells the customer, as for an action.
    #[serde(default)]
    pub letter: String,
    #[serde(default)]
    pub review_note: String,
    /// The letter's sentence naming the actions tried first ({tried}).
    #[serde(default = "default_tried_letter")]
    pub tried_letter: String,
    /// The letter's sentence when no action was suitable.
    #[serde(default = "default_none_suitable_letter")]
    pub none_suitable_letter: String,
}

fn default_tried_letter() -> String {
    "Before this we tried {tried}, but your behaviour towards our staff continued.".into()
}

fn default_none_suitable_letter() -> String {
    "We considered the other ways of managing our contact with you that our policy sets out, but none of them was suitable.".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRestriction {
    pub id: String,
    pub label: String,
    pub banner: String,
    #[serde(default)]
    pub letter_contact: Option<LetterContact>,
    /// What a letter tells the customer, as for an action.
    #[serde(default)]
    pub letter: String,
    #[serde(default)]
    pub excludes: Vec<Exclusion>,
    #[serde(default)]
    pub review_note: String,
    /// "divert": the decision says whether it is blocked or redirected, and to where.
    #[serde(default)]
    pub params: Vec<String>,
    /// The banner and letter when blocked.
    #[serde(default)]
    pub blocked: Option<Wording>,
    /// The banner and letter when redirected ({redirect}).
    #[serde(default)]
    pub redirected: Option<Wording>,
}

impl AccessRestriction {
    /// Does the decision say whether it is blocked or redirected?
    pub fn diverts(&self) -> bool {
        self.params.iter().any(|p| p == "divert")
    }

    /// The wording for how it was decided (blocked or redirected), if the policy has one.
    pub fn wording(&self, divert: &str) -> Option<&Wording> {
        match divert {
            BLOCKED => self.blocked.as_ref(),
            REDIRECTED => self.redirected.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaints {
    pub text: String,
}

/// What kind of thing a restriction id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestrictionKind<'a> {
    Action(&'a Action),
    Withdrawal(&'a Withdrawal),
    Access(&'a AccessRestriction),
}

impl RestrictionKind<'_> {
    pub fn label(&self) -> &str {
        match self {
            RestrictionKind::Action(a) => &a.label,
            RestrictionKind::Withdrawal(w) => &w.label,
            RestrictionKind::Access(a) => &a.label,
        }
    }

    pub fn banner(&self) -> &str {
        match self {
            RestrictionKind::Action(a) => &a.banner,
            RestrictionKind::Withdrawal(w) => &w.banner,
            RestrictionKind::Access(a) => &a.banner,
        }
    }
}

impl<'a> RestrictionKind<'a> {
    /// How a letter tells the customer to contact us while this is in force, if it says.
    pub fn letter_contact(self) -> Option<&'a LetterContact> {
        match self {
            RestrictionKind::Action(a) => a.letter_contact.as_ref(),
            RestrictionKind::Withdrawal(w) => w.letter_contact.as_ref(),
            RestrictionKind::Access(a) => a.letter_contact.as_ref(),
        }
    }

    /// What a letter tells the customer about it (with placeholders): its `letter`, or its
    /// label in a policy file that has none. Never the staff banner.
    pub fn letter(self) -> &'a str {
        let (letter, label) = match self {
            RestrictionKind::Action(a) => (&a.letter, &a.label),
            RestrictionKind::Withdrawal(w) => (&w.letter, &w.label),
            RestrictionKind::Access(a) => (&a.letter, &a.label),
        };
        if letter.trim().is_empty() {
            label
        } else {
            letter
        }
    }

    /// How a review still works while it is in force (may be empty).
    pub fn review_note(self) -> &'a str {
        match self {
            RestrictionKind::Action(a) => &a.review_note,
            RestrictionKind::Withdrawal(w) => &w.review_note,
            RestrictionKind::Access(a) => &a.review_note,
        }
    }

    /// The choices it cannot go with.
    pub fn excludes(self) -> &'a [Exclusion] {
        match self {
            RestrictionKind::Action(a) => &a.excludes,
            RestrictionKind::Withdrawal(_) => &[],
            RestrictionKind::Access(a) => &a.excludes,
        }
    }
}

impl<'a> RestrictionKind<'a> {
    /// Its banner for this restriction: a blocked-or-redirected one says which.
    pub fn banner_for(self, divert: &str) -> &'a str {
        if let RestrictionKind::Access(a) = self {
            if let Some(w) = a.wording(divert) {
                return &w.banner;
            }
        }
        match self {
            RestrictionKind::Action(a) => &a.banner,
            RestrictionKind::Withdrawal(w) => &w.banner,
            RestrictionKind::Access(a) => &a.banner,
        }
    }

    /// Its customer wording for this restriction: a blocked-or-redirected one says which.
    pub fn letter_for(self, divert: &str) -> &'a str {
        if let RestrictionKind::Access(a) = self {
            if let Some(w) = a.wording(divert) {
                return &w.letter;
            }
        }
        self.letter()
    }

    /// The parameters it takes (an action's, or an access restriction's "divert").
    pub fn params(self) -> &'a [String] {
        match self {
            RestrictionKind::Action(a) => &a.params,
            RestrictionKind::Withdrawal(_) => &[],
            RestrictionKind::Access(a) => &a.params,
        }
    }
}

impl Policy {
    /// A scope by id.
    pub fn scope(&self, id: &str) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.id == id)
    }

    /// Did this incident cause significant alarm or possible crime, as the policy defines it?
    pub fn is_alarming(&self, i: &crate::domain::Incident) -> bool {
        let a = &self.alarm;
        i.counts()
            && ((a.immediate_threat && i.immediate_threat)
                || a.responses.contains(&i.response)
                || i.behaviours.iter().any(|b| a.behaviours.contains(b)))
    }

    /// The latest review date a decision or review made on `today` may set, unless the policy
    /// allows later ones (then None).
    pub fn latest_review(&self, today: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        (!self.policy.review_later_allowed).then(|| today + self.review_period())
    }

    /// Why two restriction ids cannot be decided together, if the policy says they cannot
    /// (either one's `excludes` naming the other).
    pub fn contradiction(&self, a: &str, b: &str) -> Option<&str> {
        let names = |x: &str, y: &str| {
            self.restriction_kind(x)?
                .excludes()
                .iter()
                .find(|e| e.id == y)
                .map(|e| e.reason.as_str())
        };
        names(a, b).or_else(|| names(b, a))
    }
}

/// A policy file that cannot be used, with where and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "The policy file {}, line {}: {}",
                self.file, line, self.message
            )?,
            None => write!(f, "The policy file {}: {}", self.file, self.message)?,
        }
        write!(
            f,
            ". Correct the file, or start without --policy to use the built-in policy."
        )
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// The policy built into safedesk. It is checked by the test suite, so this cannot fail.
    pub fn built_in() -> Policy {
        Policy::parse(BUILT_IN, "(built in)").expect("the built-in policy is valid")
    }

    /// Read and check a policy file.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let file = path.display().to_string();
        let text = crate::text::read_text(path).map_err(|e| PolicyError {
            file: file.clone(),
            line: None,
            message: format!("it cannot be read ({e})"),
        })?;
        Policy::parse(&text, &file)
    }

    /// The office's policy as an admin set it in the shared database, or why this safedesk
    /// cannot use it (a newer safedesk set it with something this one does not know).
    pub fn from_office(set: &crate::domain::OfficeSetting) -> Result<Policy, String> {
        Policy::parse(&set.body, "the office's policy").map_err(|e| {
            format!(
                "The office's policy ({}) cannot be used by this safedesk ({}{}): nothing that runs the policy's rules can be saved. Install the safedesk your admin uses, or ask an admin to set the policy again with: safedesk policy set FILE",
                set.provenance(),
                e.line.map(|l| format!("line {l}: ")).unwrap_or_default(),
                e.message
            )
        })
    }

    /// Parse and check policy text; `file` names it in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| PolicyError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().trim_end_matches('.').to_string(),
        })?;
        policy.check().map_err(|(needle, message)| PolicyError {
            file: file.to_string(),
            line: match needle.strip_prefix(WHO_NEEDLE) {
                Some(n) => who::who_line(text, n),
                None => find_line(text, &needle),
            },
            message,
        })?;
        Ok(policy)
    }

    /// Semantic checks; an error is (text to locate the line by, message).
    fn check(&self) -> Result<(), (String, String)> {
        let g = &self.policy;
        if g.incident_threshold == 0 || g.incident_threshold > 100 {
            return Err((
                "incident_threshold".into(),
                format!(
                    "incident_threshold is {}; it must be a whole number from 1 to 100",
                    g.incident_threshold
                ),
            ));
        }
        if g.review_period_weeks == 0 || g.review_period_weeks > 104 {
            return Err((
                "review_period_weeks".into(),
                format!(
                    "review_period_weeks is {}; it must be a whole number of weeks from 1 to 104",
                    g.review_period_weeks
                ),
            ));
        }
        for (what, list) in [
            ("category", &self.categories.len()),
            ("initial response", &self.responses.len()),
            ("channel", &self.channels.len()),
            ("long-term action", &self.actions.len()),
        ] {
            if *list == 0 {
                return Err((
                    String::new(),
                    format!("it lists no {what}; at least one is needed"),
                ));
            }
        }
        // Every id unique within its kind; restriction ids unique across actions, withdrawal and
        // access restrictions because they share a column in the database.
        let mut seen = HashSet::new();
        for c in &self.categories {
            unique(&mut seen, "category", &c.id)?;
            let mut behaviours = HashSet::new();
            for b in &c.behaviours {
                unique(&mut behaviours, "behaviour", &b.id)?;
                nonempty(&b.label, &b.id)?;
            }
            nonempty(&c.label, &c.id)?;
        }
        unique_keys("categories", self.categories.iter().map(|c| (&c.id, c.key)))?;
        let mut seen = HashSet::new();
        for r in &self.responses {
            unique(&mut seen, "initial response", &r.id)?;
            nonempty(&r.label, &r.id)?;
        }
        unique_keys("responses", self.responses.iter().map(|r| (&r.id, r.key)))?;
        let mut seen_ch = HashSet::new();
        for ch in &self.channels {
            unique(&mut seen_ch, "channel", &ch.id)?;
            nonempty(&ch.label, &ch.id)?;
            if ch.responses.is_empty() {
                return Err((
                    ch.id.clone(),
                    format!("channel \"{}\" lists no initial responses", ch.id),
                ));
            }
            for r in &ch.responses {
                if !seen.contains(r.as_str()) {
                    return Err((
                        format!("\"{r}\""),
                        format!(
                            "channel \"{}\" names the initial response \"{r}\", which is not one of the [[responses]] ids",
                            ch.id
                        ),
                    ));
                }
            }
        }
        unique_keys("channels", self.channels.iter().map(|c| (&c.id, c.key)))?;
        let mut seen = HashSet::new();
        for a in &self.actions {
            unique(&mut seen, "restriction", &a.id)?;
            nonempty(&a.label, &a.id)?;
            for (i, p) in a.params.iter().enumerate() {
                if !PARAMS.contains(&p.as_str()) {
                    return Err((
                        format!("\"{p}\""),
                        format!(
                            "action \"{}\" names the parameter kind \"{p}\", which safedesk does not know; the parameter kinds are {}",
                            a.id,
                            PARAMS.join(", ")
                        ),
                    ));
                }
                if a.params[..i].contains(p) {
                    return Err((
                        format!("\"{p}\""),
                        format!(
                            "action \"{}\" takes the parameter kind \"{p}\" twice; an action takes each kind once",
                            a.id
                        ),
                    ));
                }
            }
            for (kind, label) in &a.param_labels {
                if !a.params.contains(kind) {
                    return Err((
                        format!("{kind} ="),
                        format!(
                            "action \"{}\" names the parameter \"{kind}\" in param_labels but does not take it (params = [...])",
                            a.id
                        ),
                    ));
                }
                if label.trim().is_empty() {
                    return Err((
                        format!("{kind} ="),
                        format!(
                            "action \"{}\" gives the parameter \"{kind}\" an empty label",
                            a.id
                        ),
                    ));
                }
            }
            check_banner(&a.id, &a.banner)?;
            check_letter_contact(&a.id, a.letter_contact.as_ref())?;
            check_letter_texts(&a.id, &a.letter, &a.review_note)?;
        }
        unique(&mut seen, "restriction", &self.withdrawal.id)?;
        check_banner(&self.withdrawal.id, &self.withdrawal.banner)?;
        check_letter_contact(&self.withdrawal.id, self.withdrawal.letter_contact.as_ref())?;
        check_letter_texts(
            &self.withdrawal.id,
            &self.withdrawal.letter,
            &self.withdrawal.review_note,
        )?;
        for a in &self.access_restrictions {
            unique(&mut seen, "restriction", &a.id)?;
            nonempty(&a.label, &a.id)?;
            check_banner(&a.id, &a.banner)?;
            check_letter_contact(&a.id, a.letter_contact.as_ref())?;
            check_letter_texts(&a.id, &a.letter, &a.review_note)?;
            for p in &a.params {
                if !ACCESS_PARAMS.contains(&p.as_str()) {
                    return Err((
                        format!("\"{p}\""),
                        format!(
                            "access restriction \"{}\" has the parameter \"{p}\"; the parameters are {}",
                            a.id,
                            ACCESS_PARAMS.join(", ")
                        ),
                    ));
                }
            }
            if a.diverts() {
                for (what, w) in [("blocked", &a.blocked), ("redirected", &a.redirected)] {
                    let Some(w) = w else {
                        return Err((
                            format!("\"{}\"", a.id),
                            format!(
                                "\"{}\" says whether it is blocked or redirected (params = [\"divert\"]) but has no `{what}` banner and letter",
                                a.id
                            ),
                        ));
                    };
                    check_placeholders(&a.id, what, &w.banner)?;
                    check_placeholders(&a.id, what, &w.letter)?;
                }
            }
        }
        let mut keys = HashSet::new();
        for s in &self.scopes {
            unique(&mut keys, "scope", &s.id)?;
            nonempty(&s.label, &s.id)?;
            nonempty(&s.banner, &s.id)?;
            nonempty(&s.letter, &s.id)?;
        }
        unique_keys("scopes", self.scopes.iter().map(|s| (&s.id, s.key)))?;
        if self.scope(SCOPE_BOTH).is_none() {
            return Err((
                "[[scopes]]".into(),
                format!("[[scopes]] has no \"{SCOPE_BOTH}\": restrictions recorded before safedesk asked apply to both calls and visits"),
            ));
        }
        for r in &self.alarm.responses {
            if self.response(r).is_none() {
                return Err((
                    format!("\"{r}\""),
                    format!("[alarm] names the initial response \"{r}\", which is not one of the [[responses]] ids"),
                ));
            }
        }
        for b in &self.alarm.behaviours {
            if self.behaviour_label(b).is_none() {
                return Err((
                    format!("\"{b}\""),
                    format!("[alarm] names the behaviour \"{b}\", which is not one of the categories' behaviours"),
                ));
            }
        }
        if !self.alarm.letter_told.contains("{authority}") {
            return Err((
                "letter_told".into(),
                "[alarm] letter_told must name who was told with {authority}".into(),
            ));
        }
        if !self.adjustment_letters.considered.contains("{considered}") {
            return Err((
                "considered".into(),
                "[adjustment_letters] considered must list the adjustments considered with {considered}".into(),
            ));
        }
        if !self.withdrawal.tried_letter.contains("{tried}") {
            return Err((
                "tried_letter".into(),
                "[withdrawal] tried_letter must list the actions tried with {tried}".into(),
            ));
        }
        let excluding = self.actions.iter().map(|a| (&a.id, &a.excludes)).chain(
            self.access_restrictions
                .iter()
                .map(|a| (&a.id, &a.excludes)),
        );
        for (id, excludes) in excluding {
            for e in excludes {
                if e.id == *id || self.restriction_kind(&e.id).is_none() {
                    return Err((
                        format!("\"{}\"", e.id),
                        format!(
                            "\"{id}\" excludes \"{}\", which is not another action or access restriction in the policy",
                            e.id
                        ),
                    ));
                }
                if e.reason.trim().is_empty() {
                    return Err((
                        format!("\"{}\"", e.id),
                        format!(
                            "\"{id}\" excludes \"{}\" with no reason: say why, for the manager",
                            e.id
                        ),
                    ));
                }
            }
        }
        for (name, text) in [
            ("contact_usual", &self.letters.contact_usual),
            ("contact_within_limits", &self.letters.contact_within_limits),
            ("correspondence_banner", &self.letters.correspondence_banner),
        ] {
            if text.trim().is_empty() {
                return Err((
                    format!("{name} ="),
                    format!("[letters] {name} is empty: say how a letter tells the customer to contact us"),
                ));
            }
        }
        for (name, text) in [
            ("immediate_threat", &self.phone_advice.immediate_threat),
            ("breach", &self.phone_advice.breach),
            ("threshold_reached", &self.phone_advice.threshold_reached),
            ("review_due", &self.phone_advice.review_due),
        ] {
            if text.trim().is_empty() {
                return Err((
                    format!("{name} ="),
                    format!("[phone_advice] {name} is empty: say what phone staff do now when a card carries that manager flag"),
                ));
            }
        }
        self.retention
            .check()
            .map_err(|(field, message)| (format!("{field} ="), message))?;
        self.check_principles()?;
        self.check_safety()?;
        let mut seen = HashSet::new();
        for a in &self.adjustments {
            unique(&mut seen, "adjustment", &a.id)?;
            nonempty(&a.label, &a.id)?;
        }
        self.check_who_decides()
            .map_err(|(needle, message)| (format!("{WHO_NEEDLE}{needle}"), message))?;
        Ok(())
    }

    fn check_principles(&self) -> Result<(), (String, String)> {
        let p = &self.principles;
        for (name, text) in [
            ("short", &p.short),
            ("distress_question", &p.distress_question),
        ] {
            if text.trim().is_empty() {
                return Err((
                    format!("{name} ="),
                    format!("[principles] {name} is empty: the incident form shows it"),
                ));
            }
        }
        if !p.demands_category.is_empty() {
            if self.category(&p.demands_category).is_none() {
                return Err((
                    "demands_category".into(),
                    format!(
                        "[principles] demands_category is \"{}\", which is not one of the [[categories]] ids (leave it \"\" to ask no category about workloads)",
                        p.demands_category
                    ),
                ));
            }
            if p.workload.is_empty() || p.workload_question.trim().is_empty() {
                return Err((
                    "workload".into(),
                    "[principles] asks about workloads (demands_category) but has no workload_question or workload choices".into(),
                ));
            }
        }
        let mut seen = HashSet::new();
        for c in &p.workload {
            unique(&mut seen, "workload choice", &c.id)?;
            nonempty(&c.label, &c.id)?;
        }
        unique_keys(
            "workload choices",
            p.workload.iter().map(|c| (&c.id, c.key)),
        )?;
        Ok(())
    }

    /// The principles of the built-in policy, for a policy file of an older safedesk.
    fn built_in_principles() -> Principles {
        BUILT_IN
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| t.get("principles").cloned())
            .and_then(|v| v.try_into().ok())
            .unwrap_or_else(|| Principles {
                short: String::new(),
                said: Vec::new(),
                distress_question: String::new(),
                distress_said: String::new(),
                demands_category: String::new(),
                workload_question: String::new(),
                workload_said: String::new(),
                workload: Vec::new(),
            })
    }

    /// Is this incident category asked the effect on workloads?
    pub fn asks_workload(&self, category: &str) -> bool {
        !self.principles.demands_category.is_empty() && self.principles.demands_category == category
    }

    /// A workload choice by id.
    pub fn workload_choice(&self, id: &str) -> Option<&Choice> {
        self.principles.workload.iter().find(|c| c.id == id)
    }

    /// What an incident recorded about the customer's circumstances, for a manager weighing
    /// it: "Appeared in distress: yes. Effect on workloads: Significant ... (took two hours)".
    /// The workload part only for the category it is asked of, or when it was recorded.
    pub fn circumstances(&self, i: &crate::domain::Incident) -> String {
        let distress = match i.distress {
            Some(true) => "yes",
            Some(false) => "no",
            None => "not known",
        };
        let mut s = format!("Appeared in distress: {distress}");
        if self.asks_workload(&i.category) || !i.workload.is_empty() {
            let choice = self
                .workload_choice(&i.workload)
                .map(|c| c.label.as_str())
                .unwrap_or(if i.workload.is_empty() {
                    "not known"
                } else {
                    i.workload.as_str()
                });
            s.push_str(&format!(". Effect on workloads: {choice}"));
            if !i.workload_note.trim().is_empty() {
                s.push_str(&format!(" ({})", i.workload_note.trim()));
            }
        }
        s
    }

    /// A decision's reasonable adjustments in words, if it recorded any: "A named contact;
    /// Easy-read letters; meeting at a quieter branch. Why: ...".
    pub fn adjustments_words(&self, d: &crate::domain::Decision) -> Option<String> {
        self.considered_words(&d.adjustments, &d.adjustments_other, &d.adjustments_why)
    }

    /// The reasonable adjustments a review that kept restrictions considered, as
    /// [`Policy::adjustments_words`] says a decision's.
    pub fn review_adjustments_words(&self, r: &crate::domain::Review) -> Option<String> {
        self.considered_words(&r.adjustments, &r.adjustments_other, &r.adjustments_why)
    }

    fn considered_words(&self, ids: &[String], other: &str, why: &str) -> Option<String> {
        let mut list: Vec<String> = ids
            .iter()
            .map(|a| self.adjustment_label(a).to_string())
            .collect();
        if !other.trim().is_empty() {
            list.push(other.trim().to_string());
        }
        if list.is_empty() && why.trim().is_empty() {
            return None;
        }
        let mut s = if list.is_empty() {
            "none recorded".to_string()
        } else {
            list.join("; ")
        };
        if !why.trim().is_empty() {
            s.push_str(&format!(". Why: {}", why.trim().replace('\n', " ")));
        }
        Some(s)
    }

    /// An adjustment's label, or the id of one no longer in the policy.
    pub fn adjustment_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.adjustments
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.label.as_str())
            .unwrap_or(id)
    }

    pub fn threshold(&self) -> u32 {
        self.policy.incident_threshold
    }

    pub fn review_period(&self) -> chrono::Duration {
        chrono::Duration::weeks(i64::from(self.policy.review_period_weeks))
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    pub fn response(&self, id: &str) -> Option<&Response> {
        self.responses.iter().find(|r| r.id == id)
    }

    /// The label of a behaviour id from any category.
    pub fn behaviour_label(&self, id: &str) -> Option<&str> {
        self.categories
            .iter()
            .flat_map(|c| c.behaviours.iter())
            .find(|b| b.id == id)
            .map(|b| b.label.as_str())
    }

    /// What a restriction id stands for, if this policy knows it.
    pub fn restriction_kind(&self, id: &str) -> Option<RestrictionKind<'_>> {
        if let Some(a) = self.actions.iter().find(|a| a.id == id) {
            return Some(RestrictionKind::Action(a));
        }
        if self.withdrawal.id == id {
            return Some(RestrictionKind::Withdrawal(&self.withdrawal));
        }
        self.access_restrictions
            .iter()
            .find(|a| a.id == id)
            .map(RestrictionKind::Access)
    }

    /// Label for a policy id of any kind, falling back to the id itself so that an entry made
    /// under an older policy file is still shown.
    pub fn label_of<'a>(&'a self, id: &'a str) -> &'a str {
        if let Some(c) = self.category(id) {
            return &c.label;
        }
        if let Some(c) = self.channel(id) {
            return &c.label;
        }
        if let Some(r) = self.response(id) {
            return &r.label;
        }
        if let Some(k) = self.restriction_kind(id) {
            return match k {
                RestrictionKind::Action(a) => &a.label,
                RestrictionKind::Withdrawal(w) => &w.label,
                RestrictionKind::Access(a) => &a.label,
            };
        }
        self.behaviour_label(id).unwrap_or(id)
    }
}

fn unique(seen: &mut HashSet<String>, what: &str, id: &str) -> Result<(), (String, String)> {
    if id.trim().is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err((
            format!("\"{id}\""),
            format!("the {what} id \"{id}\" must be letters, digits and underscores only"),
        ));
    }
    if !seen.insert(id.to_string()) {
        return Err((
            format!("\"{id}\""),
            format!("the {what} id \"{id}\" is used twice; every id must be different"),
        ));
    }
    Ok(())
}

fn nonempty(label: &str, id: &str) -> Result<(), (String, String)> {
    if label.trim().is_empty() {
        return Err((format!("\"{id}\""), format!("\"{id}\" has an empty label")));
    }
    Ok(())
}

fn unique_keys<'a>(
    what: &str,
    items: impl Iterator<Item = (&'a String, char)>,
) -> Result<(), (String, String)> {
    let mut keys: Vec<(char, &String)> = Vec::new();
    for (id, key) in items {
        if !key.is_ascii_alphanumeric() {
            return Err((
                format!("\"{id}\""),
                format!("\"{id}\" has the key '{key}'; keys must be a letter or digit"),
            ));
        }
        let key = key.to_ascii_lowercase();
        if let Some((_, other)) = keys.iter().find(|(k, _)| *k == key) {
            return Err((
                format!("\"{id}\""),
                format!("{what} \"{other}\" and \"{id}\" both use the key '{key}'"),
            ));
        }
        keys.push((key, id));
    }
    Ok(())
}

fn check_banner(id: &str, banner: &str) -> Result<(), (String, String)> {
    check_placeholders(id, "banner", banner)
}

/// A restriction's customer wording and review note: placeholders as in a banner (either may
/// be empty).
fn check_letter_texts(id: &str, letter: &str, review_note: &str) -> Result<(), (String, String)> {
    for (what, text) in [("letter", letter), ("review_note", review_note)] {
        if !text.trim().is_empty() {
            check_placeholders(id, what, text)?;
        }
    }
    Ok(())
}

fn check_letter_contact(id: &str, contact: Option<&LetterContact>) -> Result<(), (String, String)> {
    match contact {
        Some(c) => check_placeholders(id, "letter_contact", &c.text),
        None => Ok(()),
    }
}

/// A text with `{placeholder}`s (a banner, a letter's contact sentence): not empty, and every
/// placeholder one of [`PLACEHOLDERS`].
fn check_placeholders(id: &str, what: &str, text: &str) -> Result<(), (String, String)> {
    if text.trim().is_empty() {
        return Err((format!("\"{id}\""), format!("\"{id}\" has an empty {what}")));
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err((
                text.to_string(),
                format!("the {what} of \"{id}\" has a '{{' with no closing '}}'"),
            ));
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err((
                text.to_string(),
                format!(
                    "the {what} of \"{id}\" uses {{{name}}}; the placeholders are {}",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Marks a refusal's text to locate as one inside `[[who_decides]]`.
const WHO_NEEDLE: &str = "\u{0}who_decides:";

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The first line containing `needle` outside a comment.
fn find_line(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.lines()
        .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_file_without_customer_wording_still_loads_and_letters_use_the_label() {
        let mut text = String::new();
        // Nor what a newer safedesk added: scopes, blocked or redirected.
        let mut in_scopes = false;
        for line in BUILT_IN.lines() {
            let t = line.trim_start();
            if t.starts_with('[') {
                in_scopes = t == "[[scopes]]";
            }
            if in_scopes
                || t.starts_with("blocked =")
                || t.starts_with("redirected =")
                || t.starts_with("params = [\"divert\"]")
            {
                continue;
            }
            if t.starts_with("letter =") || t.starts_with("review_note =") {
                continue;
            }
            text.push_str(line);
            text.push('\n');
        }
        // `excludes` lists span lines: drop them whole.
        let mut out = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with("excludes = [") {
                skipping = true;
            }
            if !skipping {
                out.push_str(line);
                out.push('\n');
            }
            if skipping && line.starts_with(']') {
                skipping = false;
            }
        }
        assert!(!out.contains("excludes = ["));
        let p = Policy::parse(&out, "old.toml").expect("an older policy file loads");
        let k = p.restriction_kind("witness").unwrap();
        assert_eq!(k.letter(), k.label());
        assert!(p.contradiction("written_only", "time_limit").is_none());
        // The scopes an older file lacks are safedesk's own; review dates stay within the period.
        assert_eq!(
            p.scope("both").unwrap().letter,
            "telephone calls and visits"
        );
        assert!(!p.policy.review_later_allowed);
    }

    #[test]
    fn blocked_or_redirected_needs_both_wordings_and_scopes_need_both() {
        let no_redirect = BUILT_IN.replacen(
            "redirected = { banner = \"Phone number redirected to {redirect}\", letter = \"Calls from your telephone number now go to {redirect} instead of our staff\" }\n",
            "",
            1,
        );
        assert_ne!(no_redirect, BUILT_IN);
        let e = Policy::parse(&no_redirect, "p.toml").unwrap_err();
        assert!(
            e.message.contains("has no `redirected` banner and letter"),
            "{e}"
        );
        let later = BUILT_IN.replacen(
            "review_later_allowed = false",
            "review_later_allowed = true",
            1,
        );
        assert!(
            Policy::parse(&later, "p.toml")
                .unwrap()
                .policy
                .review_later_allowed
        );
        let no_both = BUILT_IN.replacen("id = \"both\"", "id = \"all\"", 1);
        let e = Policy::parse(&no_both, "p.toml").unwrap_err();
        assert!(e.message.contains("[[scopes]] has no \"both\""), "{e}");
        let bad_alarm =
            BUILT_IN.replacen("behaviours = [\"threats\"", "behaviours = [\"threatz\"", 1);
        let e = Policy::parse(&bad_alarm, "p.toml").unwrap_err();
        assert!(
            e.message
                .contains("[alarm] names the behaviour \"threatz\""),
            "{e}"
        );
    }

    #[test]
    fn an_exclusion_must_name_another_restriction_and_say_why() {
        let bad = BUILT_IN.replacen(
            "{ id = \"time_limit\", reason",
            "{ id = \"time_limits\", reason",
            1,
        );
        let e = Policy::parse(&bad, "p.toml").unwrap_err();
        assert!(e.message.contains("excludes \"time_limits\""), "{e}");
        assert!(e.line.is_some());
        let bad = BUILT_IN.replacen("{ id = \"named_staff\", reason = \"with all direct contact ended no member of staff deals with the customer\" }", "{ id = \"named_staff\", reason = \" \" }", 1);
        assert_ne!(bad, BUILT_IN);
        let e = Policy::parse(&bad, "p.toml").unwrap_err();
        assert!(e.message.contains("no reason"), "{e}");
        let bad = BUILT_IN.replacen(
            "letter = \"We will record",
            "letter = \"{recording} We will record",
            1,
        );
        assert!(Policy::parse(&bad, "p.toml").is_err());
    }

    #[test]
    fn built_in_policy_is_valid_and_complete() {
        let p = Policy::built_in();
        assert_eq!(p.threshold(), 3);
        assert_eq!(p.policy.review_period_weeks, 6);
        assert_eq!(p.categories.len(), 3);
        assert_eq!(
            p.actions.len(),
            11,
            "the policy's eight long-term actions, and the three public bodies' practice adds"
        );
        assert_eq!(p.access_restrictions.len(), 6);
        let channels: Vec<_> = p.channels.iter().map(|c| c.id.as_str()).collect();
        for c in [
            "phone",
            "video",
            "face_to_face",
            "email",
            "letter",
            "text",
            "whatsapp",
            "social_media",
            "other",
        ] {
            assert!(channels.contains(&c), "missing channel {c}");
        }
        for r in [
            "warned",
            "call_ended_after_warning",
            "call_ended_without_warning",
            "asked_to_leave",
            "security_called",
            "police_called",
            "correspondence_not_processed",
        ] {
            assert!(p.response(r).is_some(), "missing response {r}");
        }
        assert!(p.response("police_called").unwrap().needs_reference);
    }

    fn broken(from: &str, to: &str) -> PolicyError {
        let text = BUILT_IN.replacen(from, to, 1);
        assert_ne!(text, BUILT_IN, "the test must change the text");
        Policy::parse(&text, "test.toml").unwrap_err()
    }

    #[test]
    fn a_syntax_typo_names_the_line() {
        let e = broken("incident_threshold = 3", "incident_threshold = = 3");
        let want = BUILT_IN
            .lines()
            .position(|l| l.starts_with("incident_threshold"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(want));
        assert!(e.to_string().contains("test.toml, line"));
    }

    #[test]
    fn a_misspelt_field_is_refused() {
        let e = broken("review_period_weeks", "review_period_wekes");
        assert!(e.message.contains("review_period_wekes"), "{e}");
        assert!(e.line.is_some());
    }

    #[test]
    fn a_zero_threshold_is_refused() {
        let e = broken("incident_threshold = 3", "incident_threshold = 0");
        assert!(e.message.contains("from 1 to 100"), "{e}");
        assert_eq!(
            e.line,
            find_line(BUILT_IN, "incident_threshold"),
            "points at the threshold line"
        );
    }

    #[test]
    fn an_unknown_response_in_a_channel_is_refused() {
        let e = broken(
            "responses = [\"correspondence_not_processed\"]",
            "responses = [\"corespondence_not_processed\"]",
        );
        assert!(e.message.contains("corespondence_not_processed"), "{e}");
        assert!(e.line.is_some());
    }

    #[test]
    fn duplicate_ids_and_keys_are_refused() {
        let e = broken("id = \"shouting\"", "id = \"bullying\"");
        assert!(e.message.contains("used twice"), "{e}");
        let e = broken("key = \"d\"", "key = \"a\"");
        assert!(e.message.contains("both use the key"), "{e}");
    }

    #[test]
    fn an_organisations_own_action_is_data_and_an_unknown_parameter_kind_is_named() {
        // Quiet visiting hours, an organisation's own action, from the general kinds alone.
        let own = r#"
[[actions]]
id = "quiet_hours"
label = "Visits only in the quiet hours"
banner = "Visits only {window}"
params = ["window"]
param_labels = { window = "Quiet hours" }
letter = "Please visit us only at these times: {window}"

# When none of the actions"#;
        let text = BUILT_IN.replacen("\n# When none of the actions", own, 1);
        let p = Policy::parse(&text, "ours.toml").unwrap();
        let a = p.actions.iter().find(|a| a.id == "quiet_hours").unwrap();
        assert!(a.enabled);
        assert_eq!(a.param_label("window"), "Quiet hours");
        // A kind safedesk does not know is refused, naming it and its line.
        let e = Policy::parse(
            &text.replace(r#"params = ["window"]"#, r#"params = ["moon_phase"]"#),
            "ours.toml",
        )
        .unwrap_err();
        assert!(e.message.contains("\"moon_phase\""), "{e}");
        assert!(e.message.contains("parameter kind"), "{e}");
        assert!(e.message.contains("window, date, text, person"), "{e}");
        assert!(e.line.is_some(), "{e}");
        // A label for a parameter it does not take is refused too.
        let e = Policy::parse(
            &text.replace(
                r#"param_labels = { window = "Quiet hours" }"#,
                r#"param_labels = { date = "Quiet hours" }"#,
            ),
            "ours.toml",
        )
        .unwrap_err();
        assert!(e.message.contains("param_labels"), "{e}");
        // Switched off, its restrictions still read (the decision form does not offer it).
        let off = Policy::parse(
            &text.replace(
                "id = \"quiet_hours\"",
                "id = \"quiet_hours\"\nenabled = false",
            ),
            "ours.toml",
        )
        .unwrap();
        assert!(
            !off.actions
                .iter()
                .find(|a| a.id == "quiet_hours")
                .unwrap()
                .enabled
        );
        assert_eq!(
            off.label_of("quiet_hours"),
            "Visits only in the quiet hours"
        );
    }

    #[test]
    fn the_principles_and_adjustments_are_data_and_an_older_file_gets_the_built_in_ones() {
        let p = Policy::built_in();
        assert!(p
            .principles
            .short
            .contains("reasonably forceful or determined"));
        assert!(p
            .principles
            .said
            .iter()
            .any(|s| s.contains("express their views")));
        assert!(p.asks_workload("demands") && !p.asks_workload("abusive"));
        assert_eq!(p.adjustments.len(), 5);
        // A file from before: no [principles], no [[adjustments]].
        let start = BUILT_IN.find("[principles]").unwrap();
        let end = BUILT_IN[start..].find("# ----").unwrap() + start;
        let mut older = format!("{}{}", &BUILT_IN[..start], &BUILT_IN[end..]);
        while let Some(a) = older.find("[[adjustments]]") {
            let e = older[a..].find("\n\n").unwrap() + a + 2;
            older.replace_range(a..e, "");
        }
        let o = Policy::parse(&older, "older.toml").unwrap();
        assert_eq!(o.principles, p.principles);
        assert_eq!(o.adjustments, p.adjustments);
        // Nor [adjustment_letters]: the built-in words.
        let a = older.find("[adjustment_letters]").unwrap();
        let e = older[a..].find("\n\n").unwrap() + a + 2;
        older.replace_range(a..e, "");
        let o = Policy::parse(&older, "older.toml").unwrap();
        assert_eq!(o.adjustment_letters, p.adjustment_letters);
        // Its sentence must have somewhere to list them.
        let e = broken("including {considered}.", "including them all.");
        assert!(e.message.contains("{considered}"), "{e}");
        // A demands category the file does not have is refused.
        let e = broken(
            "demands_category = \"demands\"",
            "demands_category = \"demandz\"",
        );
        assert!(e.message.contains("demandz"), "{e}");
    }

    #[test]
    fn unknown_banner_placeholder_is_refused() {
        let e = broken("{minutes} minutes", "{minuets} minutes");
        assert!(e.message.contains("{minuets}"), "{e}");
    }

    #[test]
    fn unknown_letter_contact_placeholder_is_refused() {
        let e = broken(
            "text = \"only through {third_party}\"",
            "text = \"only through {thirdparty}\"",
        );
        assert!(e.message.contains("letter_contact"), "{e}");
        assert!(e.message.contains("{thirdparty}"), "{e}");
    }

    #[test]
    fn a_policy_file_without_letter_contacts_or_phone_advice_still_loads() {
        let older = &BUILT_IN[..BUILT_IN.find("[phone_advice]").expect("the table is there")];
        let text = older
            .lines()
            .filter(|l| {
                !l.starts_with("letter_contact")
                    && !l.starts_with("contact_")
                    && !l.starts_with("correspondence_banner")
            })
            .collect::<Vec<_>>()
            .join("\n")
            .replace("[letters]", "");
        let p = Policy::parse(&text, "old.toml").expect("an older file loads");
        assert_eq!(p.letters, Letters::default());
        assert_eq!(p.phone_advice, PhoneAdvice::default());
        assert!(p.actions.iter().all(|a| a.letter_contact.is_none()));
    }

    #[test]
    fn empty_phone_advice_is_refused() {
        let e = broken(
            "review_due = \"On the phone now: the restrictions above still apply until a manager has reviewed them; keep to them.\"",
            "review_due = \"  \"",
        );
        assert!(e.message.contains("[phone_advice] review_due"), "{e}");
    }

    #[test]
    fn labels_fall_back_to_ids() {
        let p = Policy::built_in();
        assert_eq!(p.label_of("phone"), "Telephone");
        assert_eq!(p.label_of("shouting"), "Shouting");
        assert_eq!(p.label_of("no_such_thing"), "no_such_thing");
    }
}
