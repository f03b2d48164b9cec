//! The generator: the customers of a plan, each with its incidents, decisions, restrictions and
//! letters, drawn from the tables in `data`.

use super::data::*;
use super::plan::{Plan, Profile};
use super::rng::{mix, Rng};
use super::*;
use crate::domain::Bulk;
use crate::domain::{
    Customer, Decision, Id, Incident, Letter, LetterStatus, Outcome, Restriction,
    RestrictionParams, Role, Staff, Withdrawal,
};
use crate::policy::{rules, Policy, RestrictionKind};
use crate::time;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::London;

pub(super) fn format_phone(d: &str, rng: &mut Rng) -> String {
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
pub(super) fn email_part(s: &str) -> String {
    deunicode::deunicode(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub(super) fn uk_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&London).format("%d/%m/%Y").to_string()
}

/// A time on the same weekday (a weekend moves to Friday or Monday), 08:00-16:00 UTC: about
/// 09:00-17:00 in London in summer, 08:00-16:00 in winter.
pub(super) fn office_hours(rng: &mut Rng, t: DateTime<Utc>) -> DateTime<Utc> {
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
// The generator state, carried from one customer (and chunk) to the next.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
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

pub(super) const FORCED_MODES: [Mode; 5] = [
    Mode::Future,
    Mode::Overdue,
    Mode::Today,
    Mode::Continued,
    Mode::Lifted,
];
pub(super) const MODES: [(Mode, u32); 5] = [
    (Mode::Future, 40),
    (Mode::Today, 4),
    (Mode::Overdue, 14),
    (Mode::Continued, 20),
    (Mode::Lifted, 22),
];

pub(super) struct Ctx {
    pub(super) id: Id,
    pub(super) pref: usize,
    pub(super) topic: &'static str,
    pub(super) visitor: bool,
}

pub(super) struct Gen {
    pub(super) now: DateTime<Utc>,
    pub(super) today: NaiveDate,
    pub(super) earliest: DateTime<Utc>,
    pub(super) policy: Policy,
    pub(super) staff: Vec<Staff>,
    pub(super) reception: Vec<usize>,
    pub(super) phone: Vec<usize>,
    pub(super) managers: Vec<usize>,
    pub(super) leaver: usize,
    pub(super) seed_hi: u64,
    pub(super) fixed: bool,
    pub(super) next: [u64; 16],
    pub(super) incident_no: u64,
    pub(super) mode_no: usize,
    /// The policy's channels, and where phone, face to face and other are among them.
    pub(super) channels: Vec<Chan>,
    pub(super) ch_phone: usize,
    pub(super) ch_face_to_face: usize,
    pub(super) ch_other: usize,
    /// How many incidents it takes to show every response on every channel.
    pub(super) walk: u64,
    /// The policy's long-term actions and access restrictions, each with its weight.
    pub(super) actions: Vec<(String, u32)>,
    pub(super) access: Vec<(String, u32)>,
    /// Which of them have been shown active.
    pub(super) covered_actions: Vec<bool>,
    pub(super) covered_access: Vec<bool>,
    pub(super) pools: [u64; 4],
    pub(super) extra_phone: u64,
    pub(super) templates: [Vec<usize>; 5],
    /// No threats: for incidents long ago that no manager decided on.
    pub(super) calm: bool,
}

pub(super) fn group_index(g: Group) -> usize {
    match g {
        Group::Voice => 0,
        Group::InPerson => 1,
        Group::Written => 2,
        Group::Social => 3,
        Group::Other => 4,
    }
}

impl Gen {
    pub(super) fn new(seed: u64, now: DateTime<Utc>) -> Gen {
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
        let policy = Policy::built_in();
        let action_ids: Vec<&str> = policy.actions.iter().map(|a| a.id.as_str()).collect();
        let access_ids: Vec<&str> = policy
            .access_restrictions
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        let actions = kinds_with_weights(ACTION_WEIGHTS, &action_ids);
        let access = kinds_with_weights(ACCESS_WEIGHTS, &access_ids);
        let channels = channels(&policy);
        let channel = |id: &str| {
            channels
                .iter()
                .position(|c| c.id == id)
                .unwrap_or_else(|| panic!("the demo needs the policy's {id} channel"))
        };
        let (ch_phone, ch_face_to_face, ch_other) =
            (channel("phone"), channel("face_to_face"), channel("other"));
        // The first incidents walk through every channel and every response it allows.
        let walk = channels.len()
            * channels
                .iter()
                .map(|c| c.responses.len())
                .max()
                .unwrap_or(0);
        Gen {
            now,
            today: time::london_date(now),
            earliest: now - Duration::days(729),
            policy,
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
            // A kind the tables weigh 0 is never drawn, nor shown first.
            covered_actions: actions.iter().map(|(_, w)| *w == 0).collect(),
            covered_access: vec![false; access.len()],
            actions,
            access,
            walk: walk as u64,
            channels,
            ch_phone,
            ch_face_to_face,
            ch_other,
            pools: [0; 4],
            extra_phone: 0,
            templates,
            calm: false,
        }
    }

    pub(super) fn id(&mut self, tag: u64) -> Id {
        let (hi, tag) = if self.fixed {
            (FIXED_HI, tag + TAG_FIXED)
        } else {
            (self.seed_hi, tag)
        };
        self.next[tag as usize] += 1;
        make_id(hi, tag, self.next[tag as usize])
    }

    pub(super) fn staff_by_login(&self, login: &str) -> &Staff {
        self.staff
            .iter()
            .find(|s| s.login == login)
            .expect("a demo staff login")
    }

    /// A London local time `days_ago` days before today.
    pub(super) fn local(&self, days_ago: i64, hour: i64, minute: i64) -> DateTime<Utc> {
        time::london_midnight(self.today - Duration::days(days_ago))
            + Duration::hours(hour)
            + Duration::minutes(minute)
    }

    // -- Phones --------------------------------------------------------------------------------

    pub(super) fn drama_number(&mut self, pool: usize) -> Option<String> {
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
    pub(super) fn extra_mobile(&mut self) -> String {
        let v = (self.extra_phone * 982_451_653 + 12_345_678) % 500_000_000;
        self.extra_phone += 1;
        let n = if v < 300_000_000 {
            7_400_000_000 + v
        } else {
            7_800_000_000 + (v - 300_000_000)
        };
        format!("0{n}")
    }

    pub(super) fn phone_number(&mut self, rng: &mut Rng, second: bool) -> String {
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

    pub(super) fn logger(&self, rng: &mut Rng, group: Group, occurred: DateTime<Utc>) -> usize {
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
    pub(super) fn office_time(
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
    pub(super) fn forced_response(&self, k: u64) -> (usize, &str) {
        let n = self.channels.len() as u64;
        let ch = (k % n) as usize;
        let rs = &self.channels[ch].responses;
        (ch, &rs[(k / n) as usize % rs.len()])
    }

    /// A new incident for `ctx` that happened at `occurred` (and was logged by `log_limit`).
    /// `severe` makes it an immediate threat (police or security).
    pub(super) fn incident(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        occurred: DateTime<Utc>,
        not_before: DateTime<Utc>,
        log_limit: DateTime<Utc>,
        severe: bool,
    ) -> Incident {
        let k = self.incident_no;
        let mut forced_response: Option<String> = None;
        let ch = if severe {
            if ctx.visitor {
                self.ch_face_to_face
            } else {
                [self.ch_face_to_face, self.ch_phone, self.ch_other][rng.weighted(&[60, 30, 10])]
            }
        } else if ctx.visitor {
            if rng.chance(0.85) {
                self.ch_face_to_face
            } else {
                self.ch_other
            }
        } else if k < self.walk && !(self.calm && min_severity(self.forced_response(k).1) > 2) {
            self.incident_no += 1;
            // The first incidents walk through every channel and every response it allows.
            let (ch, response) = self.forced_response(k);
            forced_response = Some(response.to_string());
            ch
        } else if rng.chance(0.7) {
            ctx.pref
        } else {
            let w: Vec<u32> = self.channels.iter().map(|c| c.weight).collect();
            rng.weighted(&w)
        };
        let chan = &self.channels[ch];
        let (channel, group) = (chan.id.clone(), chan.group);

        // The response first when it is forced, otherwise the template first.
        let min_sev = if severe {
            3
        } else {
            forced_response.as_deref().map(min_severity).unwrap_or(1)
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
        let response: String = if severe {
            if ch == self.ch_face_to_face && rng.chance(0.3) {
                "security_called".to_string()
            } else {
                "police_called".to_string()
            }
        } else if let Some(r) = forced_response {
            r
        } else {
            let allowed: Vec<&str> = chan
                .responses
                .iter()
                .map(String::as_str)
                .filter(|r| min_severity(r) <= tpl.severity)
                .collect();
            let w: Vec<u32> = allowed.iter().map(|r| response_weight(r)).collect();
            allowed[rng.weighted(&w)].to_string()
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
        let reference = match response.as_str() {
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
        description.push_str(clause(group, &response, rng));
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
            channel,
            category: tpl.category.to_string(),
            behaviours,
            behaviour_other,
            response: response.to_string(),
            reference,
            description,
            immediate_threat,
            witnesses,
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
            withdrawn: None,
            version: 1,
        }
    }

    /// `n` incidents between a and b (sorted), logged before `log_limit`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn incidents_between(
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

    pub(super) fn withdraw(&self, rng: &mut Rng, i: &mut Incident) {
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

    pub(super) fn next_mode(&mut self, rng: &mut Rng) -> Mode {
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
    pub(super) fn decision_time(&self, rng: &mut Rng, mode: Option<Mode>) -> DateTime<Utc> {
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
    pub(super) fn kinds(
        &mut self,
        rng: &mut Rng,
        n: u8,
        immediate: bool,
        active: bool,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for _ in 0..n {
            let want_access = immediate
                || (active
                    && self.covered_actions.iter().all(|&c| c)
                    && self.covered_access.iter().any(|&c| !c))
                || rng.chance(0.2);
            let (list, covered) = if want_access {
                (&self.access, &self.covered_access)
            } else {
                (&self.actions, &self.covered_actions)
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
            let kind = list[i].0.clone();
            if active {
                if want_access {
                    self.covered_access[i] = true;
                } else {
                    self.covered_actions[i] = true;
                }
            }
            out.push(kind);
        }
        out
    }

    /// What a restriction of `kind` records, as the policy asks for it.
    pub(super) fn params(
        &self,
        rng: &mut Rng,
        kind: &str,
        decided: NaiveDate,
    ) -> RestrictionParams {
        let mut p = RestrictionParams::default();
        let wanted: &[String] = match self.policy.restriction_kind(kind) {
            Some(RestrictionKind::Action(a)) => &a.params,
            _ => &[],
        };
        for param in wanted {
            match param.as_str() {
                "contact" => {
                    p.email = DEDICATED_EMAIL.to_string();
                    if rng.chance(0.75) {
                        p.phone = DEDICATED_PHONE.to_string();
                    }
                }
                "minutes" => p.minutes = Some(*rng.pick(&[10, 10, 15, 15, 20, 30])),
                "staff" => {
                    let s = if rng.chance(0.75) {
                        self.staff_by_login("spatel")
                    } else {
                        &self.staff[*rng.pick(&self.managers)]
                    };
                    p.staff_id = Some(s.id);
                    p.staff_name = s.display_name.clone();
                }
                "third_party" => p.third_party = rng.pick(THIRD_PARTIES).to_string(),
                // Calls and visits, as the demo's restrictions always were (no draw, so the
                // seeded data stays the same).
                "scope" => p.scope = crate::policy::SCOPE_BOTH.to_string(),
                // The general kinds, without a draw for the same reason.
                "window" => p.windows = "Tue 10:00-12:00, Thu 14:00-16:00".to_string(),
                "date" => p.date = Some(decided),
                "text" => {
                    p.text = "No shouting or swearing at staff; one call a day to the main line; appointments kept or cancelled a day ahead.".to_string()
                }
                "person" => {
                    p.person = "Jo Hughes, Barnet Advocacy Service".to_string();
                    p.person_contact = "020 7946 0990, advocacy@example.org".to_string();
                }
                _ => {}
            }
        }
        p
    }

    pub(super) fn attendees(&self, manager: &Staff, employee: Option<&Staff>) -> String {
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

    pub(super) fn staff_of(&self, id: Id) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    /// A decision on the incidents `cycle`, taken at `at`, with restrictions of `kinds`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn decide(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        cycle: &[Incident],
        at: DateTime<Utc>,
        outcome: Outcome,
        kinds: &[String],
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
            reasons_for_customer: match outcome {
                Outcome::NoFurtherAction => String::new(),
                Outcome::ImmediateRestriction => format!(
                    "On {last} your behaviour put the safety of our staff at risk, so we had to restrict how you contact us straight away, without a warning first."
                ),
                _ => format!(
                    "Between {first} and {last} our staff had to respond to your behaviour {n} times. Warnings have not changed it, and we need to keep our staff safe and able to help everyone."
                ),
            },
            incidents: Vec::new(),
            decided_by: manager.id,
            decided_by_name: manager.display_name.clone(),
            no_warning: outcome == Outcome::ImmediateRestriction,
            police_told: (outcome == Outcome::ImmediateRestriction).then_some(true),
            authority_told: if outcome == Outcome::ImmediateRestriction {
                "the police".to_string()
            } else {
                String::new()
            },
            tried_actions: vec![],
            none_suitable: String::new(),
            // Restricting decisions record the adjustments considered first (no draw, so the
            // seeded data stays the same).
            adjustments: if kinds.is_empty() {
                Vec::new()
            } else {
                vec!["named_contact".to_string(), "longer_calls".to_string()]
            },
            adjustments_other: String::new(),
            adjustments_why: if kinds.is_empty() {
                String::new()
            } else {
                "A named contact and longer call times were offered before this; the behaviour went on.".to_string()
            },
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
            approval: Default::default(),
            version: 1,
        };
        let starts_at = (at + rng.minutes(20, 240))
            .min(self.now - Duration::minutes(1))
            .max(at + Duration::minutes(1));
        for kind in kinds {
            let (review_due, ends_at, ended_reason) =
                self.review_and_end(rng, starts_at, mode, end_by);
            let r = Restriction {
                id: self.id(TAG_RESTRICTION),
                customer_id: ctx.id,
                decision_id: Some(decision.id),
                kind: kind.to_string(),
                params: self.params(rng, kind, time::london_date(at)),
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
                    incident_id: None,
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

    pub(super) fn review_and_end(
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

    pub(super) fn customer(&mut self, rng: &mut Rng, plan: &Plan, bulk: &mut Bulk) {
        let id = self.id(TAG_CUSTOMER);
        let visitor = matches!(plan.profile, Profile::Visitor | Profile::VisitorBanned);
        let w: Vec<u32> = self.channels.iter().map(|c| c.weight).collect();
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

    pub(super) fn person(&mut self, rng: &mut Rng, id: Id, created_at: DateTime<Utc>) -> Customer {
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
        // The address comes from a generator of its own, so adding it left every other part of
        // the demo as it was.
        let address = street_address(id, &postcode);
        let large_print = notes.contains("large print");
        Customer {
            id,
            name: Some(name),
            other_names,
            phones,
            emails,
            postcode,
            address,
            large_print,
            easy_read: false,
            description: String::new(),
            notes,
            created_at,
            version: 1,
        }
    }

    /// `k` counting incidents and no decision, the last one up to `recent_days` ago.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pending(
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

    pub(super) fn immediate(&mut self, rng: &mut Rng, ctx: &Ctx, plan: &Plan, bulk: &mut Bulk) {
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
        let kinds: Vec<String> = if ctx.visitor {
            vec!["banned_from_premises".to_string()]
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

    pub(super) fn decided(&mut self, rng: &mut Rng, ctx: &Ctx, plan: &Plan, bulk: &mut Bulk) {
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
}

/// A plausible address in the postcode's area (Barnet), from the customer's id alone: the same
/// id always gets the same address. About one in ten has none on record (and none without a
/// postcode), so the demo has letters that cannot go by post.
pub(super) fn street_address(id: Id, postcode: &str) -> Vec<String> {
    let area = postcode.split(' ').next().unwrap_or_default();
    let Some(&(_, town)) = POSTAL_TOWNS.iter().find(|(a, _)| *a == area) else {
        return Vec::new();
    };
    let mut rng = Rng::new(super::rng::mix(id.as_u128() as u64, 0xADD2E55));
    if rng.chance(0.1) {
        return Vec::new();
    }
    let street = *rng.pick(STREETS);
    let number = rng.range(1, 180);
    let mut lines = Vec::new();
    if rng.chance(0.3) {
        lines.push(format!("Flat {}, {}", rng.range(1, 40), rng.pick(BLOCKS)));
    }
    lines.push(format!("{number} {street}"));
    lines.push(town.to_string());
    lines
}
