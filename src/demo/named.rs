//! The named demo customers and their histories. These are the same whatever the seed (same
//! ids, names, numbers and history; their dates are relative to `now`), so the README and the
//! end-to-end tests can rely on them:
//!
//! | Customer | Phone (as stored) | What they show |
//! |---|---|---|
//! | **Deborah Johnson** (also "Debbie Johnson", née "Deborah Clarke") | `07700 900123`, `(020) 7946 0321` | Active: calls and visits limited to **10 minutes** and **a witness must be present**; decided 20 days ago, review due in 22 days; 4 incidents, 0 since the decision. |
//! | **Marek Kowalczyk** (also "Mark Kowalczyk") | `020 7946 0018` | Active: **written contact only** and **only Sam Patel deals with this customer**; an earlier "no further action" decision; 6 incidents, review due in 8 days. |
//! | **Zoë Åberg** (née "Zoë Lindqvist") | `+44 7700 900456` | **2 of 3** - the next incident goes to a manager (3 incidents logged, one withdrawn as logged against the wrong person). No decision. |
//! | **Tunde Okafor** (also "Babatunde Okafor") | `07700 900234` | **3 of 3**, no decision yet: in the manager's queue. |
//! | **Precious Adeyemi** (née "Precious Ogunleye") | `07700 900777`, `0161 496 0777` | **Services withdrawn**, review **overdue** (due 18 days ago); earlier actions (15-minute limit, dedicated contact, a signed behaviour agreement) ended when services were withdrawn. The only customer with services withdrawn. |
//! | **José Núñez** (also "Pepe Núñez") | `07700900611` | Active: contact only through **his advocate Jo Hughes, Barnet Advocacy Service** (020 7946 0990), and his advocate's calls only on one set morning a week, never today's (review continued, due in 10 days); 1 incident since, a breach. |
//! | **Renée O'Connor** (née "Renée Byrne") | `+44 (0)20 7946 0777` | 1 of 3 incidents. |
//! | Unidentified visitor: "Man, about 50, grey beard, green parka; reception, dd/mm around 11:00" | none | Police called 2 days ago: an immediate threat at the top of the manager's queue. |
//!
//! Staff ([`staff`]): `admin` (Helen Carter, admin), `spatel` (Sam Patel, manager), `gmensah` and
//! `mreynolds` (managers), `ahassan`, `tfletcher`, `enowak` (reception), `psharma`, `dokonjo`,
//! `cevans`, `ydemir` (phone team) and `rgreen` (Rachel Green, reception, a leaver: inactive).

use super::generate::Gen;
use super::*;
use crate::domain::Bulk;
use crate::domain::{
    Customer, Decision, Id, Incident, Letter, LetterStatus, Outcome, Restriction,
    RestrictionParams, Withdrawal,
};
use crate::policy::rules;
use crate::time;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Europe::London;

impl Gen {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fixed_incident(
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
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
            withdrawn: None,
            version: 1,
        }
    }

    pub(super) fn fixed_decision(
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
            reasons_for_customer: String::new(),
            incidents: Vec::new(),
            decided_by: s.id,
            decided_by_name: s.display_name,
            no_warning: outcome == Outcome::ImmediateRestriction,
            police_told: None,
            authority_told: String::new(),
            tried_actions: vec![],
            none_suitable: String::new(),
            adjustments: if outcome == Outcome::NoFurtherAction {
                Vec::new()
            } else {
                vec!["named_contact".to_string(), "easy_read".to_string()]
            },
            adjustments_other: String::new(),
            adjustments_why: if outcome == Outcome::NoFurtherAction {
                String::new()
            } else {
                "A named contact and easy-read letters were offered first; the behaviour went on."
                    .to_string()
            },
            risk_assessment: String::new(),
            letter: if outcome == Outcome::NoFurtherAction {
                LetterStatus::NotNeeded
            } else {
                LetterStatus::Sent
            },
            approval: Default::default(),
            version: 1,
        }
    }

    pub(super) fn fixed_restriction(
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

    pub(super) fn fixed_letter(&mut self, d: &Decision, sent_days_later: i64) -> Letter {
        let created_at = d.decided_at + Duration::hours(3);
        Letter {
            id: self.id(TAG_LETTER),
            customer_id: d.customer_id,
            decision_id: Some(d.id),
            file: String::new(),
            incident_id: None,
            kind: "restriction_notice".to_string(),
            created_at,
            sent_at: Some(created_at + Duration::days(sent_days_later)),
            sent_how: "post".to_string(),
        }
    }

    pub(super) fn named(&mut self, bulk: &mut Bulk) {
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
            address: named_address(id).iter().map(|s| (*s).to_string()).collect(),
            large_print: false,
            easy_read: false,
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
        // She signed a behaviour agreement with them, which ended with the withdrawal.
        if self.policy.restriction_kind(BEHAVIOUR_AGREEMENT).is_some() {
            let signed = time::london_date(d1.decided_at) + Duration::days(7);
            let r = self.fixed_restriction(
                &d1,
                BEHAVIOUR_AGREEMENT,
                RestrictionParams {
                    date: Some(signed),
                    text: "To use the casework number, keep calls to 15 minutes and not to raise her voice at staff.".to_string(),
                    ..Default::default()
                },
                None,
                Some((ended, reason)),
            );
            bulk.restrictions.push(r);
        }
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
        let withdrawal = self.policy.withdrawal.id.clone();
        let r3 = self.fixed_restriction(&d2, &withdrawal, RestrictionParams::default(), None, None);
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
        // Contact only through his advocate (the policy's own action when it has one; an older
        // policy's third party otherwise).
        let r = if self.policy.restriction_kind(ADVOCATE).is_some() {
            self.fixed_restriction(
                &d,
                ADVOCATE,
                RestrictionParams {
                    person: "Jo Hughes, Barnet Advocacy Service".to_string(),
                    person_contact: "020 7946 0990".to_string(),
                    ..Default::default()
                },
                Some(review),
                None,
            )
        } else {
            self.fixed_restriction(
                &d,
                "third_party",
                RestrictionParams {
                    third_party: "Barnet Advocacy Service (Jo Hughes)".to_string(),
                    ..Default::default()
                },
                Some(review),
                None,
            )
        };
        bulk.restrictions.push(r);
        // His advocate rings on one set morning a week: a day that is never today, so a
        // lookup shows the window and that now is outside it.
        if self.policy.restriction_kind(CONTACT_WINDOW).is_some() {
            let day = (self.today + Duration::days(2)).weekday();
            let w = self.fixed_restriction(
                &d,
                CONTACT_WINDOW,
                RestrictionParams {
                    windows: format!("{} 10:00-12:00", day_short(day)),
                    scope: "calls".to_string(),
                    ..Default::default()
                },
                Some(review),
                None,
            );
            bulk.restrictions.push(w);
        }
        let l = self.fixed_letter(&d, 2);
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

/// The policy's action for calls or visits only at set times, if it has one.
const CONTACT_WINDOW: &str = "contact_window";
/// The policy's action for contact only through an advocate, if it has one.
const ADVOCATE: &str = "advocate";
/// The policy's written behaviour agreement, if it has one.
const BEHAVIOUR_AGREEMENT: &str = "behaviour_agreement";

fn day_short(d: chrono::Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.num_days_from_monday() as usize]
}

/// The named demo customers' postal addresses (the postcode is kept apart). Renée O'Connor has
/// none on record, so the demo shows a letter that cannot go by post.
fn named_address(id: Id) -> &'static [&'static str] {
    use super::*;
    match id {
        DEBORAH_JOHNSON => &["Flat 4, Holden Court", "23 Holden Road", "London"],
        MAREK_KOWALCZYK => &["17 Alston Road", "Barnet"],
        ZOE_ABERG => &["9 Lichfield Grove", "London"],
        TUNDE_OKAFOR => &["41 Colindale Avenue", "London"],
        PRECIOUS_ADEYEMI => &["Flat 12, Brent Court", "88 Brent Street", "London"],
        JOSE_NUNEZ => &["5 Station Road", "Edgware"],
        _ => &[],
    }
}
