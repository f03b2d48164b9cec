//! A shared database in a temp folder, made as an office would: an admin, a manager, someone at
//! reception and one customer, for the store tests to work on.

use super::engine::{Db, Engine};
use safedesk::domain::{Actor, Id, NewCustomer, NewRestriction, Role};
use safedesk::policy::Policy;
use safedesk::store::Store;
use std::path::PathBuf;

pub use super::engine::opts;

pub struct World {
    /// The database, on the engine the world was made on.
    pub db: Db,
    /// The SQLite file (on PostgreSQL, a path in a folder of the test's own that holds nothing).
    pub path: PathBuf,
    /// The first connection (the first PC).
    pub store: Box<dyn Store>,
    pub policy: Policy,
    /// Sam Patel, a manager.
    pub manager: Actor,
    /// The receptionist named when the world was made.
    pub reception: Actor,
    /// The customer named when the world was made.
    pub customer: Id,
}

/// Who `login` is on this database's staff list.
pub fn actor(store: &mut dyn Store, login: &str) -> Actor {
    Actor {
        login: login.into(),
        staff: store.staff_by_login(login).unwrap(),
    }
}

/// A new shared database with Sam Patel (manager), the receptionist `(login, name)` and
/// `customer`, added by the receptionist.
pub fn world(reception: (&str, &str), customer: NewCustomer) -> World {
    world_on(Engine::Sqlite, reception, customer)
}

/// [`world`] on `engine`.
pub fn world_on(engine: Engine, reception: (&str, &str), customer: NewCustomer) -> World {
    let (db, mut store) = Db::create(engine, ("admin", "Alex Morgan"));
    let path = db
        .sqlite_path()
        .unwrap_or_else(|| db.dir.path().join("shared.sqlite"));
    let admin = actor(&mut *store, "admin");
    store
        .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
    store
        .add_staff(&admin, reception.0, reception.1, Role::Reception)
        .unwrap();
    let manager = actor(&mut *store, "spatel");
    let reception = actor(&mut *store, reception.0);
    let c = store.add_customer(&reception, customer).unwrap();
    World {
        db,
        path,
        store,
        policy: Policy::built_in(),
        manager,
        reception,
        customer: c.id,
    }
}

/// The decisions and letters world: Amira Hassan at reception, and Tunde Okafor, a known
/// customer with nothing recorded yet.
pub fn tunde() -> World {
    tunde_on(Engine::Sqlite)
}

/// [`tunde`] on `engine`.
pub fn tunde_on(engine: Engine) -> World {
    world_on(
        engine,
        ("ahassan", "Amira Hassan"),
        NewCustomer {
            name: Some("Tunde Okafor".into()),
            phones: vec!["07700 900234".into()],
            ..NewCustomer::default()
        },
    )
}

/// Today in London.
pub fn today() -> chrono::NaiveDate {
    safedesk::time::london_date(chrono::Utc::now())
}

/// A restriction of policy kind `k` with no details.
pub fn kind(k: &str) -> NewRestriction {
    NewRestriction {
        kind: k.into(),
        ..NewRestriction::default()
    }
}

impl World {
    /// Another connection to the SQLite file, for a test that looks inside it (SQLite only).
    pub fn sqlite(&self) -> safedesk::store::SqliteStore {
        assert_eq!(
            self.db.engine,
            Engine::Sqlite,
            "only a SQLite world has a file"
        );
        safedesk::store::SqliteStore::open(&self.path, &opts()).unwrap()
    }

    /// A decision on `case` for this world's customer, as Sam Patel's form gives it: reasons
    /// for staff and for the customer, the reasonable adjustments considered, a review in six
    /// weeks when something is restricted, and for a withdrawal the time limit tried first.
    pub fn deciding(
        &self,
        case: &safedesk::domain::CaseSummary,
        outcome: safedesk::domain::Outcome,
        restrictions: Vec<NewRestriction>,
    ) -> safedesk::domain::NewDecision {
        use safedesk::domain::Outcome;
        safedesk::domain::NewDecision {
            id: safedesk::domain::new_id(),
            customer_id: self.customer,
            case_id: Some(case.id),
            case_version: Some(case.version),
            also_closes: vec![],
            meeting_date: today(),
            attendees: "Amira Hassan, Sam Patel".into(),
            outcome,
            reasons: "Three incidents of shouting in a week.".into(),
            reasons_for_customer: "You shouted at our staff three times in a week.".into(),
            review_date: (!restrictions.is_empty()).then(|| today() + chrono::Duration::weeks(6)),
            restrictions,
            police_told: None,
            authority_told: String::new(),
            risk_assessment: String::new(),
            tried_actions: if outcome == Outcome::WithdrawalOfServices {
                vec!["time_limit".into()]
            } else {
                vec![]
            },
            none_suitable: String::new(),
            adjustments: if outcome == Outcome::NoFurtherAction {
                vec![]
            } else {
                vec!["named_contact".into()]
            },
            adjustments_other: String::new(),
            adjustments_why: if outcome == Outcome::NoFurtherAction {
                String::new()
            } else {
                "Offered for a month; the shouting went on.".into()
            },
        }
    }

    /// Grace Mensah, a second manager (added to the staff list the first time she is asked for):
    /// the second person a decision that needs approval waits for.
    pub fn second_manager(&mut self) -> Actor {
        if self.store.staff_by_login("gmensah").unwrap().is_none() {
            let admin = actor(&mut *self.store, "admin");
            self.store
                .add_staff(&admin, "gmensah", "Grace Mensah", Role::Manager)
                .unwrap();
        }
        actor(&mut *self.store, "gmensah")
    }

    /// Approve, as Grace Mensah, the decision `id` that waits for a second person's approval.
    pub fn approve(&mut self, id: Id) -> safedesk::domain::ApprovalSaved {
        let grace = self.second_manager();
        let h = self.store.history(self.customer).unwrap().unwrap();
        let d = h
            .decisions
            .iter()
            .find(|d| d.id == id)
            .expect("the decision to approve");
        let answer = safedesk::domain::ApprovalAnswer {
            decision_id: id,
            version: d.version,
            approve: true,
            reason: String::new(),
        };
        self.store
            .answer_approval(&grace, &self.policy, &answer)
            .unwrap()
    }
}
