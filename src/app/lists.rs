//! Lists and reports: the incidents list (managers see everyone's, reception and phone staff
//! their own), the restrictions in force with their review dates, and the reports pane. State
//! and keys only: drawing is in `ui::reports`; everything is read through requests, a
//! screenful at a time.

use super::keymap::Action;
use super::manager::TextPurpose;
use super::{App, Notice, Overlay, Pane, Prompt, Request};
use crate::domain::{
    last_months, CaseReason, CaseSummary, Id, InForcePage, IncidentFilter, IncidentPage,
    IncidentQuery, LookupHit, MatchedOn, Report, Staff,
};
use crate::time;
use tui_input::Input;

/// Rows read at a time for the lists (more than any screen shows).
pub const LIST_PAGE: usize = 60;

/// The incidents list.
#[derive(Debug, Clone, Default)]
pub struct IncidentsView {
    pub filter: IncidentFilter,
    /// The rows read so far, newest first, and what the store said of them.
    pub page: Option<IncidentPage>,
    pub selected: usize,
    pub error: Option<String>,
    /// The staff list, for the staff filter (managers).
    pub staff: Vec<Staff>,
}

/// The restrictions in force.
#[derive(Debug, Clone, Default)]
pub struct InForceView {
    pub page: Option<InForcePage>,
    pub selected: usize,
    pub error: Option<String>,
}

/// The reports pane.
#[derive(Debug, Clone)]
pub struct ReportsView {
    /// 12 or 24 months.
    pub months: u32,
    pub report: Option<Report>,
    pub error: Option<String>,
    /// 0: incidents; 1: decisions, restrictions and reviews (with the overdue ones). A tall
    /// screen shows both.
    pub section: usize,
    /// The overdue review highlighted.
    pub selected: usize,
}

impl Default for ReportsView {
    fn default() -> ReportsView {
        ReportsView {
            months: 12,
            report: None,
            error: None,
            section: 0,
            selected: 0,
        }
    }
}

impl IncidentsView {
    pub fn rows(&self) -> usize {
        self.page.as_ref().map_or(0, |p| p.rows.len())
    }

    /// The filters in words, for the title ("all incidents" when none).
    pub fn describe(&self, app: &App) -> String {
        let f = &self.filter;
        let mut parts = Vec::new();
        match (f.from, f.to) {
            (Some(a), Some(b)) if a == b => parts.push(format!("on {}", time::date(a))),
            (Some(a), Some(b)) => parts.push(format!("{} to {}", time::date(a), time::date(b))),
            (Some(a), None) => parts.push(format!("from {}", time::date(a))),
            (None, Some(b)) => parts.push(format!("to {}", time::date(b))),
            (None, None) => {}
        }
        if let Some(c) = &f.category {
            parts.push(app.policy.label_of(c).to_string());
        }
        if let Some(c) = &f.channel {
            parts.push(app.policy.label_of(c).to_string());
        }
        if let Some(s) = f.staff {
            let name = self
                .staff
                .iter()
                .find(|x| x.id == s)
                .map_or("one member of staff".to_string(), |x| {
                    x.display_name.clone()
                });
            parts.push(format!("logged by {name}"));
        }
        if f.unidentified {
            parts.push("unidentified visitors not yet linked".into());
        }
        if f.threats {
            parts.push("immediate threats".into());
        }
        if parts.is_empty() {
            "all".into()
        } else {
            parts.join(", ")
        }
    }
}

impl App {
    /// The person may see everyone's figures (managers and admins).
    fn sees_everything(&self) -> bool {
        self.actor.role().is_some_and(|r| r.can_decide())
    }

    pub fn open_incidents(&mut self) {
        if self.actor.role().is_none() {
            self.notice = Some(Notice::Error(super::not_known(&self.actor, &self.location)));
            return;
        }
        self.overlays
            .open(Overlay::Incidents(IncidentsView::default()));
        if self.sees_everything() {
            self.requests.push(Request::LoadStaffList);
        }
        self.reload_incidents();
    }

    pub(super) fn reload_incidents(&mut self) {
        let Some(v) = self.overlays.incidents() else {
            return;
        };
        let limit = v.rows().max(LIST_PAGE);
        self.requests.push(Request::LoadIncidents(IncidentQuery {
            filter: v.filter.clone(),
            offset: 0,
            limit,
        }));
    }

    pub fn open_in_force(&mut self) {
        self.overlays.open(Overlay::InForce(InForceView::default()));
        self.requests.push(Request::LoadInForce {
            offset: 0,
            limit: LIST_PAGE,
        });
    }

    pub fn open_reports(&mut self) {
        self.overlays.open(Overlay::Reports(ReportsView::default()));
        self.reload_report();
    }

    pub(super) fn reload_report(&mut self) {
        let Some(v) = self.overlays.reports() else {
            return;
        };
        let (from, to) = last_months(time::london_date(self.now), v.months);
        self.requests.push(Request::LoadReport { from, to });
    }

    /// What arrived for the lists and the reports.
    pub(super) fn incidents_arrived(
        &mut self,
        query: IncidentQuery,
        result: Result<IncidentPage, String>,
    ) {
        let Some(v) = self.overlays.incidents_mut() else {
            return;
        };
        if query.filter != v.filter {
            return;
        }
        match result {
            Ok(page) => {
                v.error = None;
                match v.page.as_mut() {
                    Some(p) if page.offset > 0 && page.offset == p.rows.len() => {
                        p.rows.extend(page.rows);
                        p.more = page.more;
                        p.total = page.total;
                    }
                    _ if page.offset == 0 => v.page = Some(page),
                    _ => {}
                }
                v.selected = v.selected.min(v.rows().saturating_sub(1));
            }
            Err(e) => v.error = Some(e),
        }
    }

    pub(super) fn staff_arrived(&mut self, staff: Vec<Staff>) {
        if let Some(f) = self.overlays.form_mut() {
            f.staff = staff.iter().filter(|s| s.active).cloned().collect();
        }
        if let Some(v) = self.overlays.incidents_mut() {
            v.staff = staff;
        }
    }

    pub(super) fn in_force_arrived(&mut self, result: Result<InForcePage, String>) {
        let Some(v) = self.overlays.in_force_mut() else {
            return;
        };
        match result {
            Ok(page) => {
                v.error = None;
                match v.page.as_mut() {
                    Some(p) if page.offset > 0 && page.offset == p.rows.len() => {
                        p.rows.extend(page.rows);
                        p.total = page.total;
                    }
                    _ if page.offset == 0 => v.page = Some(page),
                    _ => {}
                }
                let n = v.page.as_ref().map_or(0, |p| p.rows.len());
                v.selected = v.selected.min(n.saturating_sub(1));
            }
            Err(e) => v.error = Some(e),
        }
    }

    pub(super) fn report_arrived(&mut self, result: Result<Report, String>) {
        let Some(v) = self.overlays.reports_mut() else {
            return;
        };
        match result {
            Ok(r) => {
                v.error = None;
                v.selected = v.selected.min(r.overdue.len().saturating_sub(1));
                v.report = Some(r);
            }
            Err(e) => v.error = Some(e),
        }
    }

    /// Open a customer's card from a list: read it, then show it as the only result.
    pub(super) fn open_customer(&mut self, id: Id) {
        self.awaiting_card = Some(id);
        self.requests.push(Request::LoadCard { id });
        self.notice = Some(Notice::Info("Opening the customer's card...".into()));
    }

    /// The card asked for from a list arrived: it becomes the result on screen, opened, with
    /// the lists and reports closed over it.
    pub(super) fn customer_opened(&mut self, h: &crate::domain::CustomerHistory) {
        let name = h.customer.display_name();
        self.results = vec![LookupHit {
            history: h.clone(),
            matched: MatchedOn::Name(name.clone()),
            score: 0,
        }];
        self.results_capped = false;
        self.selected = 0;
        self.card_scroll = 0;
        self.card_cursor = 0;
        self.card = Some(h.clone());
        self.card_failed = None;
        self.lookup_failed = None;
        // The search box says whose card it is; no search is sent for it.
        self.search = Input::new(name.clone());
        self.lookup_sent += 1;
        self.lookup_shown = self.lookup_sent;
        self.overlays.close_incidents();
        self.overlays.close_in_force();
        self.overlays.close_reports();
        self.overlays.close_queue();
        self.pane = Pane::Card;
        self.notice = Some(Notice::Info(format!(
            "{name}'s card. Press i for the incidents list again."
        )));
    }

    /// Open a restriction's review: its open review case, or the customer's card when no case
    /// has been opened for it yet.
    fn open_review(&mut self, row: &crate::domain::InForceRow) {
        match row.case_id {
            Some(case) if self.sees_everything() => self.open_case(CaseSummary {
                id: case,
                customer_id: row.customer_id,
                customer_name: row.customer_name.clone(),
                reason: CaseReason::ReviewDue,
                opened_at: row.starts_at,
                incidents: Vec::new(),
                assigned_to: None,
                assigned_to_id: None,
                waiting_for_confirmation: false,
                decision_id: None,
                note: String::new(),
                version: 0,
                seen_at: Some(row.starts_at),
                seen_by: None,
            }),
            _ => self.open_customer(row.customer_id),
        }
    }

    /// Keys over the incidents list; true when the key was the list's.
    pub(super) fn incidents_key(&mut self, action: Action) -> bool {
        let categories: Vec<String> = self
            .policy
            .categories
            .iter()
            .map(|c| c.id.clone())
            .collect();
        let channels: Vec<String> = self.policy.channels.iter().map(|c| c.id.clone()).collect();
        let today = time::london_date(self.now);
        let everyone = self.sees_everything();
        let Some(v) = self.overlays.incidents_mut() else {
            return false;
        };
        let n = v.rows();
        let before = v.filter.clone();
        match action {
            a if super::selection::moved(&mut v.selected, n, a, 10) => {}
            Action::Back | Action::Incidents => {
                self.overlays.close_incidents();
                return true;
            }
            Action::FocusSearch => {
                self.overlays.close_incidents();
                self.pane = Pane::Search;
                return true;
            }
            Action::Open => {
                let id = v
                    .page
                    .as_ref()
                    .and_then(|p| p.rows.get(v.selected))
                    .map(|r| r.customer_id);
                if let Some(id) = id {
                    self.open_customer(id);
                }
                return true;
            }
            Action::FilterToday => {
                if v.filter.from == Some(today) && v.filter.to == Some(today) {
                    v.filter.from = None;
                    v.filter.to = None;
                } else {
                    v.filter.from = Some(today);
                    v.filter.to = Some(today);
                }
            }
            Action::FilterDates => {
                self.overlays.open(Overlay::Prompt(Prompt::Text {
                    purpose: TextPurpose::IncidentDates,
                    title: " Incidents between two dates ".into(),
                    lines: vec![
                        "From which day to which? For example: 1/11/2026 to 24/11/2026".into(),
                        "One date alone is that day; \"all\" shows every date.".into(),
                    ],
                    input: Input::default(),
                    keys: "Enter: show them.   Esc: cancel.".into(),
                }));
                return true;
            }
            Action::FilterCategory => v.filter.category = next_of(&categories, &v.filter.category),
            Action::FilterChannel => v.filter.channel = next_of(&channels, &v.filter.channel),
            Action::FilterStaff if everyone && v.staff.is_empty() => {
                self.requests.push(Request::LoadStaffList);
                self.notice = Some(Notice::Info(
                    "The staff list is being read: press s again in a moment.".into(),
                ));
                return true;
            }
            Action::FilterStaff if everyone => {
                let ids: Vec<Id> = v.staff.iter().map(|s| s.id).collect();
                v.filter.staff = match v.filter.staff {
                    None => ids.first().copied(),
                    Some(s) => ids
                        .iter()
                        .position(|x| *x == s)
                        .and_then(|i| ids.get(i + 1))
                        .copied(),
                };
            }
            Action::FilterStaff => {}
            Action::FilterUnidentified => v.filter.unidentified = !v.filter.unidentified,
            Action::FilterThreats => v.filter.threats = !v.filter.threats,
            Action::ClearFilters => v.filter = IncidentFilter::default(),
            _ => return false,
        }
        if v.filter != before {
            v.selected = 0;
            v.page = None;
            self.reload_incidents();
        } else {
            self.incidents_more();
        }
        true
    }

    /// Read the next rows when the selection nears the end of what is read.
    fn incidents_more(&mut self) {
        let Some(v) = self.overlays.incidents() else {
            return;
        };
        let Some(p) = &v.page else {
            return;
        };
        if p.more && v.selected + 20 >= p.rows.len() {
            self.requests.push(Request::LoadIncidents(IncidentQuery {
                filter: v.filter.clone(),
                offset: p.rows.len(),
                limit: LIST_PAGE,
            }));
        }
    }

    /// The dates typed for the incidents list.
    pub(super) fn incident_dates_given(&mut self, text: &str) {
        let today = time::london_date(self.now);
        let t = text.trim().to_lowercase();
        let range = if t == "all" {
            Ok((None, None))
        } else {
            let parts: Vec<&str> = t
                .split(" to ")
                .flat_map(|p| p.split(" - "))
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let date = |s: &str| crate::domain::parse_day(s, "The dates", today);
            match parts.as_slice() {
                [one] => date(one).map(|d| (Some(d), Some(d))),
                [a, b] => date(a).and_then(|a| date(b).map(|b| (Some(a), Some(b)))),
                _ => Err("The dates: type two dates with \"to\" between them, for example 1/11/2026 to 24/11/2026.".into()),
            }
        };
        match range {
            Ok((Some(a), Some(b))) if a > b => {
                self.notice = Some(Notice::Error(format!(
                    "The dates: {} is after {}. Give the earlier date first.",
                    time::date(a),
                    time::date(b)
                )))
            }
            Ok((Some(a), _)) if a > today => {
                self.notice = Some(Notice::Error(format!(
                    "The dates: {} has not come yet, so there are no incidents. Give a date up to today.",
                    time::date(a)
                )))
            }
            Ok((from, to)) => {
                if let Some(v) = self.overlays.incidents_mut() {
                    v.filter.from = from;
                    v.filter.to = to;
                    v.selected = 0;
                    v.page = None;
                }
                self.reload_incidents();
            }
            Err(e) => self.notice = Some(Notice::Error(e)),
        }
    }

    /// Keys over the restrictions in force.
    pub(super) fn in_force_key(&mut self, action: Action) -> bool {
        let Some(v) = self.overlays.in_force_mut() else {
            return false;
        };
        let n = v.page.as_ref().map_or(0, |p| p.rows.len());
        match action {
            a if super::selection::moved(&mut v.selected, n, a, 10) => {}
            Action::Back | Action::InForce => {
                self.overlays.close_in_force();
                return true;
            }
            Action::FocusSearch => {
                self.overlays.close_in_force();
                self.pane = Pane::Search;
                return true;
            }
            Action::Open => {
                let row = v
                    .page
                    .as_ref()
                    .and_then(|p| p.rows.get(v.selected))
                    .cloned();
                if let Some(row) = row {
                    self.open_review(&row);
                }
                return true;
            }
            _ => return false,
        }
        if let Some(p) = v.page.as_ref() {
            if (p.rows.len() as u64) < p.total && v.selected + 20 >= p.rows.len() {
                let offset = p.rows.len();
                self.requests.push(Request::LoadInForce {
                    offset,
                    limit: LIST_PAGE,
                });
            }
        }
        true
    }

    /// Keys over the reports pane.
    pub(super) fn reports_key(&mut self, action: Action) -> bool {
        let Some(v) = self.overlays.reports_mut() else {
            return false;
        };
        let n = v.report.as_ref().map_or(0, |r| r.overdue.len());
        match action {
            Action::Up | Action::Down | Action::Top | Action::Bottom => {
                super::selection::moved(&mut v.selected, n, action, 0);
            }
            Action::NextPane | Action::PrevPane => v.section = 1 - v.section.min(1),
            Action::Months => {
                v.months = if v.months == 12 { 24 } else { 12 };
                self.reload_report();
            }
            Action::Back | Action::Reports => self.overlays.close_reports(),
            Action::FocusSearch => {
                self.overlays.close_reports();
                self.pane = Pane::Search;
            }
            Action::Open => {
                let row = v
                    .report
                    .as_ref()
                    .and_then(|r| r.overdue.get(v.selected))
                    .cloned();
                match row {
                    Some(row) => self.open_review(&row),
                    None => {
                        self.notice = Some(Notice::Info(
                            "No review is overdue: there is nothing to open.".into(),
                        ))
                    }
                }
            }
            _ => return false,
        }
        true
    }
}

/// The next of `all` after `now` in turn, then none again.
fn next_of(all: &[String], now: &Option<String>) -> Option<String> {
    match now {
        None => all.first().cloned(),
        Some(c) => all
            .iter()
            .position(|x| x == c)
            .and_then(|i| all.get(i + 1))
            .cloned(),
    }
}
