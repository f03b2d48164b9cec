//! Numbered schema migrations, and bringing a database up to date with them when it is opened.
//! The schema version is `PRAGMA user_version`; migration N takes a database from version N-1 to
//! N. Never edit a migration that has shipped: add a new one.

use super::errors::map_err;
use super::SqliteStore;
use crate::store::{OpenMode, Result, StoreError};
use rusqlite::TransactionBehavior;

/// Migration N is `MIGRATIONS[N - 1]`.
pub const MIGRATIONS: &[&str] = &[
    MIGRATION_1,
    MIGRATION_2,
    MIGRATION_3,
    MIGRATION_4,
    MIGRATION_5,
    MIGRATION_6,
    MIGRATION_7,
    MIGRATION_8,
    MIGRATION_9,
    MIGRATION_10,
    MIGRATION_11,
    MIGRATION_12,
    MIGRATION_13,
    MIGRATION_14,
    MIGRATION_15,
    MIGRATION_16,
    MIGRATION_17,
    MIGRATION_18,
    MIGRATION_19,
    MIGRATION_20,
    MIGRATION_21,
    MIGRATION_22,
    MIGRATION_23,
];

/// The newest schema this build understands.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

const MIGRATION_1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE staff (
    id           TEXT PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('reception', 'phone', 'manager', 'admin')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);

-- `seq` is the stable integer key the search index points at; `id` is the client-made UUID.
CREATE TABLE customer (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    name         TEXT,
    other_names  TEXT NOT NULL DEFAULT '[]',
    postcode     TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    merged_into  TEXT REFERENCES customer(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE customer_phone (
    customer_seq INTEGER NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    display      TEXT NOT NULL,
    digits       TEXT NOT NULL,
    rdigits      TEXT NOT NULL,
    PRIMARY KEY (customer_seq, digits)
) WITHOUT ROWID;
CREATE INDEX customer_phone_digits ON customer_phone(digits);
CREATE INDEX customer_phone_rdigits ON customer_phone(rdigits);

CREATE TABLE customer_email (
    customer_seq INTEGER NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    display      TEXT NOT NULL,
    email        TEXT NOT NULL,
    PRIMARY KEY (customer_seq, email)
) WITHOUT ROWID;
CREATE INDEX customer_email_email ON customer_email(email);

-- Search keys, kept by the store whenever a customer's names change.
-- Folded words of every name, for word-prefix search.
CREATE TABLE customer_word (
    word         TEXT NOT NULL,
    customer_seq INTEGER NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    PRIMARY KEY (word, customer_seq)
) WITHOUT ROWID;
CREATE INDEX customer_word_seq ON customer_word(customer_seq);
-- Every one-letter deletion of each word of four or more letters, for one-typo search.
CREATE TABLE customer_typo (
    key          TEXT NOT NULL,
    customer_seq INTEGER NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    PRIMARY KEY (key, customer_seq)
) WITHOUT ROWID;
CREATE INDEX customer_typo_seq ON customer_typo(customer_seq);
-- Folded names and email addresses, for substring search (rowid = customer.seq).
CREATE VIRTUAL TABLE customer_text USING fts5(keys, tokenize = 'trigram');

CREATE TABLE incident (
    id               TEXT PRIMARY KEY,
    customer_id      TEXT NOT NULL REFERENCES customer(id),
    occurred_at      TEXT NOT NULL,
    logged_at        TEXT NOT NULL,
    logged_by        TEXT NOT NULL REFERENCES staff(id),
    channel          TEXT NOT NULL,
    category         TEXT NOT NULL,
    behaviours       TEXT NOT NULL DEFAULT '[]',
    behaviour_other  TEXT NOT NULL DEFAULT '',
    response         TEXT NOT NULL,
    reference        TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL,
    immediate_threat INTEGER NOT NULL DEFAULT 0 CHECK (immediate_threat IN (0, 1)),
    witnesses        TEXT NOT NULL DEFAULT '',
    withdrawn_at     TEXT,
    withdrawn_by     TEXT,
    withdrawn_reason TEXT,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX incident_customer ON incident(customer_id, logged_at);

CREATE TABLE escalation_case (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    reason       TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    assigned_to  TEXT REFERENCES staff(id),
    closed_at    TEXT,
    closed_by    TEXT REFERENCES staff(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX escalation_case_open ON escalation_case(closed_at, opened_at);
CREATE INDEX escalation_case_customer ON escalation_case(customer_id);

CREATE TABLE case_incident (
    case_id      TEXT NOT NULL REFERENCES escalation_case(id),
    incident_id  TEXT NOT NULL REFERENCES incident(id),
    PRIMARY KEY (case_id, incident_id)
) WITHOUT ROWID;

CREATE TABLE decision (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customer(id),
    case_id        TEXT REFERENCES escalation_case(id),
    decided_at     TEXT NOT NULL,
    meeting_date   TEXT NOT NULL,
    attendees      TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    reasons        TEXT NOT NULL CHECK (length(trim(reasons)) > 0),
    decided_by     TEXT NOT NULL REFERENCES staff(id),
    no_warning     INTEGER NOT NULL DEFAULT 0,
    police_told    INTEGER,
    risk_assessment TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX decision_customer ON decision(customer_id, decided_at);

CREATE TABLE restriction (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customer(id),
    decision_id    TEXT REFERENCES decision(id),
    kind           TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    minutes        INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 480),
    staff_id       TEXT REFERENCES staff(id),
    third_party    TEXT NOT NULL DEFAULT '',
    starts_at      TEXT NOT NULL,
    review_due     TEXT,
    ends_at        TEXT,
    ended_reason   TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX restriction_customer ON restriction(customer_id);
CREATE INDEX restriction_review ON restriction(ends_at, review_due);

CREATE TABLE review (
    id              TEXT PRIMARY KEY,
    restriction_id  TEXT NOT NULL REFERENCES restriction(id),
    reviewed_at     TEXT NOT NULL,
    reviewed_by     TEXT NOT NULL REFERENCES staff(id),
    still_wants     INTEGER,
    outcome         TEXT NOT NULL CHECK (outcome IN ('lift', 'continue', 'change')),
    next_review     TEXT,
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_restriction ON review(restriction_id);

CREATE TABLE letter (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    case_id      TEXT REFERENCES escalation_case(id),
    kind         TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES staff(id),
    sent_at      TEXT,
    sent_how     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX letter_customer ON letter(customer_id);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    staff_id   TEXT,
    login      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_entity ON audit(entity_id);
"#;

/// Decisions, reviews and letters: the letter a decision owes, the case waiting for written
/// confirmation after an immediate restriction, letters kept with their file and decision.
const MIGRATION_2: &str = r#"
ALTER TABLE decision ADD COLUMN letter_status TEXT NOT NULL DEFAULT ''
    CHECK (letter_status IN ('', 'owed', 'sent', 'not_possible'));
ALTER TABLE decision ADD COLUMN letter_note TEXT NOT NULL DEFAULT '';
CREATE INDEX decision_letter_owed ON decision(letter_status) WHERE letter_status = 'owed';

-- 'confirmation': an immediate restriction whose written confirmation is still owed.
ALTER TABLE escalation_case ADD COLUMN waiting TEXT NOT NULL DEFAULT '';
ALTER TABLE escalation_case ADD COLUMN decision_id TEXT REFERENCES decision(id);
-- What the customer asked for, for a case they opened by asking for a review or complaining.
ALTER TABLE escalation_case ADD COLUMN note TEXT NOT NULL DEFAULT '';

ALTER TABLE letter ADD COLUMN decision_id TEXT REFERENCES decision(id);
ALTER TABLE letter ADD COLUMN file TEXT NOT NULL DEFAULT '';

-- One review covers several restrictions: a row each, sharing the review's id as `batch`.
ALTER TABLE review ADD COLUMN batch TEXT NOT NULL DEFAULT '';
ALTER TABLE review ADD COLUMN customer_id TEXT REFERENCES customer(id);
CREATE INDEX review_batch ON review(batch);
CREATE INDEX review_customer ON review(customer_id);
"#;

/// An id for the database itself, so that what waits in a PC's outbox is matched to it however
/// the file is reached (a mapped drive letter one day, a \\server\share path the next).
const MIGRATION_3: &str = r#"
INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));
"#;

/// When a manager first opened a case, and who: an immediate threat or a breach alerts every
/// manager running safedesk until one of them opens it. Cases open at the upgrade have not been
/// opened by anyone as far as safedesk knows, so they alert too.
const MIGRATION_4: &str = r#"
ALTER TABLE escalation_case ADD COLUMN seen_at TEXT;
ALTER TABLE escalation_case ADD COLUMN seen_by TEXT REFERENCES staff(id);
CREATE INDEX escalation_case_unseen ON escalation_case(opened_at)
    WHERE closed_at IS NULL AND seen_at IS NULL;
"#;

/// The office's settings, kept in the shared file so every PC works to the same ones: the policy
/// in force, the organisation's details and the letter templates. Every version an admin sets is
/// kept (the newest is in force); none means the ones built into safedesk.
const MIGRATION_5: &str = r#"
CREATE TABLE office_setting (
    kind       TEXT NOT NULL CHECK (kind IN ('policy', 'organisation', 'letter_templates')),
    version    INTEGER NOT NULL CHECK (version > 0),
    body       TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    set_by     TEXT REFERENCES staff(id),
    set_login  TEXT NOT NULL,
    PRIMARY KEY (kind, version)
) WITHOUT ROWID;
"#;

/// The reasons a customer is given, kept apart from the internal notes: a letter prints only
/// these. Decisions and reviews recorded before have none (empty), and their letters say so
/// rather than print the notes.
const MIGRATION_6: &str = r#"
ALTER TABLE decision ADD COLUMN reasons_for_customer TEXT NOT NULL DEFAULT '';
ALTER TABLE review ADD COLUMN reasons_for_customer TEXT NOT NULL DEFAULT '';
"#;

/// The letter a review owes: a review that lifted or changed restrictions tells the customer in
/// writing, and the letter is kept against the review it is about.
const MIGRATION_7: &str = r#"
ALTER TABLE review ADD COLUMN letter_status TEXT NOT NULL DEFAULT ''
    CHECK (letter_status IN ('', 'owed', 'sent', 'not_possible'));
ALTER TABLE review ADD COLUMN letter_note TEXT NOT NULL DEFAULT '';
CREATE INDEX review_letter_owed ON review(letter_status) WHERE letter_status = 'owed';
ALTER TABLE letter ADD COLUMN review_batch TEXT NOT NULL DEFAULT '';
"#;

/// Where an open case comes in the manager's queue, most urgent first: immediate threats and
/// breaches no manager has opened (0, 1), then the cases to decide by reason (5 to 9), then the
/// decided cases waiting only for their written confirmation (10 to 14). Within a rank, the
/// oldest first. The index and every query of the queue use this exact text; the triggers use
/// it with `NEW.` or `OLD.` before each column.
#[macro_export]
#[doc(hidden)]
macro_rules! queue_rank {
    () => {
        $crate::queue_rank!("")
    };
    ($p:literal) => {
        concat!(
            "(CASE WHEN ",
            $p,
            "waiting = 'confirmation' THEN 10 WHEN ",
            $p,
            "reason IN ('immediate_threat', 'breach') AND ",
            $p,
            "seen_at IS NULL THEN 0 ELSE 5 END + CASE ",
            $p,
            "reason WHEN 'immediate_threat' THEN 0 WHEN 'breach' THEN 1 \
             WHEN 'threshold' THEN 2 WHEN 'review_due' THEN 3 ELSE 4 END)"
        )
    };
}

/// The queue in its order, so a screenful is read without reading every open case: one index
/// for everyone's queue and one for each manager's own cases; and how many open cases there are
/// of each rank, kept by triggers in the same transaction as every change to a case, so the
/// queue's counts are a few rows whatever its length.
const MIGRATION_8: &str = concat!(
    "CREATE INDEX escalation_case_queue ON escalation_case(",
    queue_rank!(),
    ", opened_at) WHERE closed_at IS NULL;\n",
    "CREATE INDEX escalation_case_assigned ON escalation_case(assigned_to, ",
    queue_rank!(),
    ", opened_at) WHERE closed_at IS NULL;\n",
    "CREATE TABLE queue_count (rank INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n",
    "INSERT INTO queue_count (rank, n) SELECT ",
    queue_rank!(),
    ", count(*) FROM escalation_case WHERE closed_at IS NULL GROUP BY 1;\n",
    "CREATE TRIGGER queue_count_insert AFTER INSERT ON escalation_case \
     WHEN NEW.closed_at IS NULL BEGIN \
       INSERT INTO queue_count (rank, n) VALUES (",
    queue_rank!("NEW."),
    ", 1) ON CONFLICT (rank) DO UPDATE SET n = n + 1; END;\n",
    "CREATE TRIGGER queue_count_delete AFTER DELETE ON escalation_case \
     WHEN OLD.closed_at IS NULL BEGIN \
       UPDATE queue_count SET n = n - 1 WHERE rank = ",
    queue_rank!("OLD."),
    "; END;\n",
    "CREATE TRIGGER queue_count_update AFTER UPDATE OF closed_at, waiting, reason, seen_at \
     ON escalation_case BEGIN \
       UPDATE queue_count SET n = n - 1 WHERE OLD.closed_at IS NULL AND rank = ",
    queue_rank!("OLD."),
    "; INSERT INTO queue_count (rank, n) SELECT ",
    queue_rank!("NEW."),
    ", 1 WHERE NEW.closed_at IS NULL ON CONFLICT (rank) DO UPDATE SET n = n + 1; END;\n"
);

/// Postal addresses and letter formats: a customer's address lines (a JSON list; the postcode
/// stays in its own column) and whether they need large print or easy read; and the address a
/// letter was printed with (a JSON list, empty for none), so one printed without an address is
/// never recorded as sent by post. Letters made before have NULL: not known.
const MIGRATION_9: &str = r#"
ALTER TABLE customer ADD COLUMN address TEXT NOT NULL DEFAULT '[]';
ALTER TABLE customer ADD COLUMN large_print INTEGER NOT NULL DEFAULT 0 CHECK (large_print IN (0, 1));
ALTER TABLE customer ADD COLUMN easy_read INTEGER NOT NULL DEFAULT 0 CHECK (easy_read IN (0, 1));
ALTER TABLE letter ADD COLUMN address TEXT;
"#;

/// Policy fidelity in decisions: which authority was told (police_told now means the police or
/// another authority; earlier decisions told the police), the long-term actions tried before a
/// withdrawal or why none was suitable, what a time limit or recording applies to (empty: both,
/// as before), whether a number or address is blocked or redirected and to where, and the
/// incident a letter answers (the reply to abusive correspondence).
const MIGRATION_10: &str = r#"
ALTER TABLE decision ADD COLUMN authority_told TEXT NOT NULL DEFAULT '';
UPDATE decision SET authority_told = 'the police' WHERE police_told = 1;
ALTER TABLE decision ADD COLUMN tried_actions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE decision ADD COLUMN none_suitable TEXT NOT NULL DEFAULT '';
ALTER TABLE restriction ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE restriction ADD COLUMN divert TEXT NOT NULL DEFAULT ''
    CHECK (divert IN ('', 'blocked', 'redirected'));
ALTER TABLE restriction ADD COLUMN redirect_to TEXT NOT NULL DEFAULT '';
ALTER TABLE letter ADD COLUMN incident_id TEXT REFERENCES incident(id);
CREATE INDEX letter_incident ON letter(incident_id) WHERE incident_id IS NOT NULL;
"#;

/// One statement of migration 11's triggers: the customer it names is numbered as the newest
/// change. `seq`: by their number (`NEW.seq`, `OLD.customer_seq`; `0` stands for the staff
/// list); `id`: by their id; `case`: the customer of the case with that id.
macro_rules! note_change {
    (seq $s:literal) => {
        concat!(
            "INSERT INTO customer_change (customer_seq, change) SELECT ",
            $s,
            ", coalesce((SELECT max(change) FROM customer_change), 0) + 1 WHERE true \
             ON CONFLICT (customer_seq) DO UPDATE SET change = excluded.change;"
        )
    };
    (id $id:literal) => {
        concat!(
            "INSERT INTO customer_change (customer_seq, change) \
             SELECT seq, coalesce((SELECT max(change) FROM customer_change), 0) + 1 \
             FROM customer WHERE id = ",
            $id,
            " ON CONFLICT (customer_seq) DO UPDATE SET change = excluded.change;"
        )
    };
    (case $c:literal) => {
        concat!(
            "INSERT INTO customer_change (customer_seq, change) \
             SELECT cu.seq, coalesce((SELECT max(change) FROM customer_change), 0) + 1 \
             FROM escalation_case c JOIN customer cu ON cu.id = c.customer_id WHERE c.id = ",
            $c,
            " ON CONFLICT (customer_seq) DO UPDATE SET change = excluded.change;"
        )
    };
}

/// A change log for the per-PC search index (`local_index.rs`): one row per customer, numbered
/// by the last change to anything a lookup shows of them (their details, phones, emails,
/// incidents, cases and the incidents in them, decisions, restrictions, reviews), kept by triggers in the same transaction as the
/// change. Row 0 stands for the staff list (whose names the history shows). A PC that has its
/// own copy reads only the rows numbered after the last it applied, so after another PC's save
/// it reads the few customers that changed rather than the search indexes.
const MIGRATION_11: &str = concat!(
    r#"
CREATE TABLE customer_change (
    customer_seq INTEGER PRIMARY KEY,
    change       INTEGER NOT NULL
);
CREATE INDEX customer_change_order ON customer_change(change);
"#,
    "CREATE TRIGGER customer_change_customer_insert AFTER INSERT ON customer BEGIN ",
    note_change!(seq "NEW.seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_customer_update AFTER UPDATE ON customer BEGIN ",
    note_change!(seq "NEW.seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_customer_delete AFTER DELETE ON customer BEGIN ",
    note_change!(seq "OLD.seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_phone_insert AFTER INSERT ON customer_phone BEGIN ",
    note_change!(seq "NEW.customer_seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_phone_update AFTER UPDATE ON customer_phone BEGIN ",
    note_change!(seq "NEW.customer_seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_phone_delete AFTER DELETE ON customer_phone BEGIN ",
    note_change!(seq "OLD.customer_seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_email_insert AFTER INSERT ON customer_email BEGIN ",
    note_change!(seq "NEW.customer_seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_email_update AFTER UPDATE ON customer_email BEGIN ",
    note_change!(seq "NEW.customer_seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_email_delete AFTER DELETE ON customer_email BEGIN ",
    note_change!(seq "OLD.customer_seq"),
    " END;\n",
    "CREATE TRIGGER customer_change_incident_insert AFTER INSERT ON incident BEGIN ",
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_incident_update AFTER UPDATE ON incident BEGIN ",
    note_change!(id "OLD.customer_id"),
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_incident_delete AFTER DELETE ON incident BEGIN ",
    note_change!(id "OLD.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_decision_insert AFTER INSERT ON decision BEGIN ",
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_decision_update AFTER UPDATE ON decision BEGIN ",
    note_change!(id "OLD.customer_id"),
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_decision_delete AFTER DELETE ON decision BEGIN ",
    note_change!(id "OLD.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_restriction_insert AFTER INSERT ON restriction BEGIN ",
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_restriction_update AFTER UPDATE ON restriction BEGIN ",
    note_change!(id "OLD.customer_id"),
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_restriction_delete AFTER DELETE ON restriction BEGIN ",
    note_change!(id "OLD.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_review_insert AFTER INSERT ON review BEGIN ",
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_review_update AFTER UPDATE ON review BEGIN ",
    note_change!(id "OLD.customer_id"),
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_review_delete AFTER DELETE ON review BEGIN ",
    note_change!(id "OLD.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_case_insert AFTER INSERT ON escalation_case BEGIN ",
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_case_update AFTER UPDATE OF id, customer_id, decision_id ON escalation_case BEGIN ",
    note_change!(id "OLD.customer_id"),
    note_change!(id "NEW.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_case_delete AFTER DELETE ON escalation_case BEGIN ",
    note_change!(id "OLD.customer_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_case_incident_insert AFTER INSERT ON case_incident BEGIN ",
    note_change!(case "NEW.case_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_case_incident_delete AFTER DELETE ON case_incident BEGIN ",
    note_change!(case "OLD.case_id"),
    " END;\n",
    "CREATE TRIGGER customer_change_staff_insert AFTER INSERT ON staff BEGIN ",
    note_change!(seq "0"),
    " END;\n",
    "CREATE TRIGGER customer_change_staff_update AFTER UPDATE ON staff BEGIN ",
    note_change!(seq "0"),
    " END;\n",
    "CREATE TRIGGER customer_change_staff_delete AFTER DELETE ON staff BEGIN ",
    note_change!(seq "0"),
    " END;\n",
);

/// The customer's name as every screen of the queue shows it.
macro_rules! queue_name {
    ($p:literal) => {
        concat!(
            "(SELECT coalesce(name, 'Unidentified visitor: ' || description) FROM customer \
             WHERE id = ",
            $p,
            "customer_id)"
        )
    };
}

/// The incidents behind a case, oldest first, as a list of ids.
macro_rules! queue_incidents {
    ($case:literal) => {
        concat!(
            "coalesce((SELECT group_concat(incident_id) FROM (SELECT ci.incident_id \
             FROM case_incident ci JOIN incident i ON i.id = ci.incident_id \
             WHERE ci.case_id = ",
            $case,
            " ORDER BY i.occurred_at, i.id)), '')"
        )
    };
}

/// A row for an open case as the queue shows it, from the case `NEW`.
macro_rules! queue_row_insert {
    () => {
        concat!(
            "INSERT INTO queue_row (rank, opened_at, case_rowid, case_id, customer_id, \
             customer_name, reason, assigned_to, waiting, decision_id, note, version, \
             incident_ids, seen_at, seen_by) SELECT ",
            crate::queue_rank!("NEW."),
            ", NEW.opened_at, NEW.rowid, NEW.id, NEW.customer_id, ",
            queue_name!("NEW."),
            ", NEW.reason, NEW.assigned_to, NEW.waiting, NEW.decision_id, NEW.note, \
             NEW.version, ",
            queue_incidents!("NEW.id"),
            ", NEW.seen_at, NEW.seen_by WHERE NEW.closed_at IS NULL;"
        )
    };
}

/// The queue's rows kept whole, in the queue's order, so a screenful is a few pages of the file
/// even right after another PC's save (when this PC's page cache is no longer trusted): every
/// column a row shows, the customer's name and the incidents behind it included, copied by
/// triggers in the same transaction as every change to a case, its incidents, an incident's time
/// or a customer's name. Only the staff names are joined when read (the staff table is small).
/// `queue_row_order` is the queue's order alone, narrow, for counting a rank's cases and for
/// finding where a page far down the queue starts without reading the rows before it.
const MIGRATION_12: &str = concat!(
    "CREATE TABLE queue_row (
    rank          INTEGER NOT NULL,
    opened_at     TEXT NOT NULL,
    case_rowid    INTEGER NOT NULL,
    case_id       TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    reason        TEXT NOT NULL,
    assigned_to   TEXT,
    waiting       TEXT NOT NULL,
    decision_id   TEXT,
    note          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    incident_ids  TEXT NOT NULL,
    seen_at       TEXT,
    seen_by       TEXT,
    PRIMARY KEY (rank, opened_at, case_rowid)
) WITHOUT ROWID;
CREATE UNIQUE INDEX queue_row_case ON queue_row(case_id);
CREATE INDEX queue_row_customer ON queue_row(customer_id);
CREATE INDEX queue_row_assigned ON queue_row(assigned_to, rank, opened_at, case_rowid);
CREATE INDEX queue_row_order ON queue_row(rank, opened_at, case_rowid);
INSERT INTO queue_row SELECT ",
    queue_rank!(),
    ", opened_at, rowid, id, customer_id, ",
    queue_name!("escalation_case."),
    ", reason, assigned_to, waiting, decision_id, note, version, ",
    queue_incidents!("escalation_case.id"),
    ", seen_at, seen_by FROM escalation_case WHERE closed_at IS NULL;
CREATE TRIGGER queue_row_insert AFTER INSERT ON escalation_case BEGIN ",
    queue_row_insert!(),
    " END;
CREATE TRIGGER queue_row_update AFTER UPDATE ON escalation_case BEGIN \
 DELETE FROM queue_row WHERE case_id = OLD.id; ",
    queue_row_insert!(),
    " END;
CREATE TRIGGER queue_row_delete AFTER DELETE ON escalation_case BEGIN \
 DELETE FROM queue_row WHERE case_id = OLD.id; END;
CREATE TRIGGER queue_row_incident_in AFTER INSERT ON case_incident BEGIN \
 UPDATE queue_row SET incident_ids = ",
    queue_incidents!("NEW.case_id"),
    " WHERE case_id = NEW.case_id; END;
CREATE TRIGGER queue_row_incident_out AFTER DELETE ON case_incident BEGIN \
 UPDATE queue_row SET incident_ids = ",
    queue_incidents!("OLD.case_id"),
    " WHERE case_id = OLD.case_id; END;
CREATE TRIGGER queue_row_incident_time AFTER UPDATE OF occurred_at ON incident BEGIN \
 UPDATE queue_row SET incident_ids = ",
    queue_incidents!("queue_row.case_id"),
    " WHERE case_id IN (SELECT case_id FROM case_incident WHERE incident_id = NEW.id); END;
CREATE TRIGGER queue_row_customer_name AFTER UPDATE OF name, description ON customer BEGIN \
 UPDATE queue_row SET customer_name = \
 coalesce(NEW.name, 'Unidentified visitor: ' || NEW.description) WHERE customer_id = NEW.id; END;
"
);

/// The audit trail made tamper-evident and readable (see `sqlite/audit.rs`): each entry's
/// content hash and chained hash (filled for the entries already there by
/// [`super::audit::chain_existing`], run straight after this SQL in the same transaction), whether
/// retention blanked its content, and the customer it is about (for a customer's history of
/// changes, read by an index); the staff and date indexes page the office-wide view. Who opened a
/// restricted customer's card goes in `card_view`, outside the chain (why: `sqlite/audit.rs`).
const MIGRATION_13: &str = r#"
ALTER TABLE audit ADD COLUMN content_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
ALTER TABLE audit ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1));
ALTER TABLE audit ADD COLUMN customer_id TEXT;
CREATE INDEX audit_customer ON audit(customer_id, seq);
CREATE INDEX audit_staff ON audit(staff_id, seq);
CREATE INDEX audit_at ON audit(at);

CREATE TABLE card_view (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    staff_id    TEXT,
    login       TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX card_view_customer ON card_view(customer_id, at);
"#;

/// The migration whose SQL is followed by chaining the audit entries already written.
const CHAIN_MIGRATION: u32 = 13;

/// Retention: the date a customer's keeping period runs from, kept when a retention run removes
/// the records it was counted from (their incidents, say), so what is left of them is kept for
/// its own number of years from the same date and not from an older one. And an index on each
/// column that points at a record a run may remove and had none, so removing a record finds
/// what points at it (and SQLite's foreign key check finds it) without reading the whole table.
const MIGRATION_14: &str = r#"
ALTER TABLE customer ADD COLUMN kept_from TEXT;
CREATE INDEX case_incident_incident ON case_incident(incident_id);
CREATE INDEX escalation_case_decision ON escalation_case(decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX restriction_decision ON restriction(decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX decision_case ON decision(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX letter_decision ON letter(decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX letter_case ON letter(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX customer_merged_into ON customer(merged_into) WHERE merged_into IS NOT NULL;
"#;

/// Merging two records of the same person: one row per merge, holding everything needed to undo
/// it exactly (both records as they were, which rows moved from where, every case of either
/// before and after), and whether and by whom it was reversed. The audit log holds the same.
const MIGRATION_15: &str = r#"
CREATE TABLE customer_merge (
    id           TEXT PRIMARY KEY,
    survivor_id  TEXT NOT NULL REFERENCES customer(id),
    merged_id    TEXT NOT NULL REFERENCES customer(id),
    merged_at    TEXT NOT NULL,
    merged_by    TEXT REFERENCES staff(id),
    audit_seq    INTEGER NOT NULL,
    record       TEXT NOT NULL,
    reversed_at  TEXT,
    reversed_by  TEXT REFERENCES staff(id)
);
CREATE INDEX customer_merge_merged ON customer_merge(merged_id);
CREATE INDEX customer_merge_survivor ON customer_merge(survivor_id);
CREATE INDEX customer_merge_audit ON customer_merge(audit_seq);
"#;

/// The London date of a stored UTC time (`YYYY-MM-DDTHH:MM:SSZ`) in SQL, given as a prefix
/// (`""`, `"NEW."`) and a column: British Summer Time runs from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October.
#[macro_export]
#[doc(hidden)]
macro_rules! london_day {
    ($p:literal, $c:literal) => {
        concat!(
            "substr(CASE WHEN ",
            $p,
            $c,
            " >= date(substr(",
            $p,
            $c,
            ", 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00Z' AND ",
            $p,
            $c,
            " < date(substr(",
            $p,
            $c,
            ", 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00Z' THEN datetime(",
            $p,
            $c,
            ", '+1 hour') ELSE ",
            $p,
            $c,
            " END, 1, 10)"
        )
    };
}

/// Add (`+ 1`) or take away (`- 1`) an incident (`NEW.` or `OLD.`) from its day's figures,
/// when it counts.
macro_rules! incident_day_change {
    ($p:literal, $sign:literal) => {
        concat!(
            "INSERT INTO incident_day (day, category, channel, threat, n) SELECT ",
            london_day!($p, "occurred_at"), ", ", $p, "category, ", $p, "channel, ", $p,
            "immediate_threat, ", $sign, " WHERE ", $p,
            "withdrawn_at IS NULL ON CONFLICT (day, category, channel, threat) DO UPDATE SET n = n ",
            $sign, ";"
        )
    };
}

/// How many days a decision (`NEW.` or `decision.`) came after the third incident: after its
/// threshold case opened; for one recorded without a case (loaded in bulk), after the customer's
/// last incident before it (withdrawn ones aside). None for a decision on another kind of case.
macro_rules! waited_days {
    ($p:literal) => {
        concat!(
            "CASE WHEN ",
            $p,
            "case_id IS NOT NULL THEN (SELECT CASE WHEN c.reason = 'threshold' \
             THEN max(0, CAST(julianday(",
            $p,
            "decided_at) - julianday(c.opened_at) AS INTEGER)) \
             END FROM escalation_case c WHERE c.id = ",
            $p,
            "case_id) ELSE (SELECT max(0, \
             CAST(julianday(",
            $p,
            "decided_at) - julianday(max(i.occurred_at)) AS INTEGER)) \
             FROM incident i WHERE i.customer_id = ",
            $p,
            "customer_id AND i.occurred_at <= ",
            $p,
            "decided_at AND i.withdrawn_at IS NULL) END"
        )
    };
}

/// Reports and lists: how many incidents there are on each London day by category, channel and
/// whether they were immediate threats (withdrawn incidents do not count), kept by triggers in
/// the same transaction as every change to an incident, so the reports read a few hundred rows
/// a month whatever the file's size; how long each decision came after the third incident,
/// worked out when it is saved, so the reports read one index for decisions; the incidents list newest first (for everyone, for one
/// member of staff, and the immediate threats) a screenful at a time; unidentified visitors;
/// decisions and reviews by date; and the review date a restriction was first given, so a
/// review can be told on time or late after the date has moved on.
const MIGRATION_16: &str = concat!(
    "CREATE TABLE incident_day (
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    channel  TEXT NOT NULL,
    threat   INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (day, category, channel, threat)
) WITHOUT ROWID;
INSERT INTO incident_day (day, category, channel, threat, n) SELECT ",
    london_day!("", "occurred_at"),
    ", category, channel, immediate_threat, count(*) FROM incident WHERE withdrawn_at IS NULL \
     GROUP BY 1, 2, 3, 4;
CREATE TRIGGER incident_day_insert AFTER INSERT ON incident WHEN NEW.withdrawn_at IS NULL BEGIN ",
    incident_day_change!("NEW.", "+ 1"),
    " END;
CREATE TRIGGER incident_day_delete AFTER DELETE ON incident WHEN OLD.withdrawn_at IS NULL BEGIN ",
    incident_day_change!("OLD.", "- 1"),
    " END;
CREATE TRIGGER incident_day_update AFTER UPDATE OF occurred_at, category, channel, \
 immediate_threat, withdrawn_at ON incident BEGIN ",
    incident_day_change!("OLD.", "- 1"),
    " ",
    incident_day_change!("NEW.", "+ 1"),
    " END;
CREATE INDEX incident_occurred ON incident(occurred_at);
CREATE INDEX incident_logged_by ON incident(logged_by, occurred_at);
CREATE INDEX incident_threat ON incident(occurred_at) WHERE immediate_threat = 1;
CREATE TABLE visitor_incident (
    occurred_at TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    PRIMARY KEY (occurred_at, incident_id)
) WITHOUT ROWID;
CREATE INDEX visitor_incident_id ON visitor_incident(incident_id);
INSERT INTO visitor_incident (occurred_at, incident_id) SELECT i.occurred_at, i.id FROM incident i \
 JOIN customer c ON c.id = i.customer_id \
 WHERE c.name IS NULL AND c.merged_into IS NULL AND i.withdrawn_at IS NULL;
CREATE TRIGGER visitor_incident_insert AFTER INSERT ON incident WHEN NEW.withdrawn_at IS NULL \
 AND EXISTS (SELECT 1 FROM customer WHERE id = NEW.customer_id AND name IS NULL \
 AND merged_into IS NULL) BEGIN \
 INSERT OR IGNORE INTO visitor_incident (occurred_at, incident_id) VALUES (NEW.occurred_at, NEW.id); \
 END;
CREATE TRIGGER visitor_incident_update AFTER UPDATE OF customer_id, occurred_at, withdrawn_at \
 ON incident BEGIN DELETE FROM visitor_incident WHERE incident_id = OLD.id; \
 INSERT OR IGNORE INTO visitor_incident (occurred_at, incident_id) SELECT NEW.occurred_at, NEW.id \
 WHERE NEW.withdrawn_at IS NULL AND EXISTS (SELECT 1 FROM customer WHERE id = NEW.customer_id \
 AND name IS NULL AND merged_into IS NULL); END;
CREATE TRIGGER visitor_incident_delete AFTER DELETE ON incident BEGIN \
 DELETE FROM visitor_incident WHERE incident_id = OLD.id; END;
CREATE TRIGGER visitor_incident_customer AFTER UPDATE OF name, merged_into ON customer BEGIN \
 DELETE FROM visitor_incident WHERE incident_id IN (SELECT id FROM incident \
 WHERE customer_id = NEW.id); \
 INSERT OR IGNORE INTO visitor_incident (occurred_at, incident_id) SELECT occurred_at, id \
 FROM incident WHERE customer_id = NEW.id AND withdrawn_at IS NULL AND NEW.name IS NULL \
 AND NEW.merged_into IS NULL; END;
ALTER TABLE decision ADD COLUMN waited_days INTEGER;
UPDATE decision SET waited_days = ",
    waited_days!("decision."),
    ";
CREATE TRIGGER decision_waited_days AFTER INSERT ON decision BEGIN \
 UPDATE decision SET waited_days = ",
    waited_days!("NEW."),
    " WHERE id = NEW.id; END;
CREATE INDEX decision_decided ON decision(decided_at, outcome, waited_days);
CREATE INDEX review_reviewed ON review(reviewed_at);
ALTER TABLE restriction ADD COLUMN first_review_due TEXT;
UPDATE restriction SET first_review_due = CASE WHEN EXISTS (SELECT 1 FROM review v \
 WHERE v.restriction_id = restriction.id) THEN date(substr(starts_at, 1, 10), '+42 days') \
 ELSE review_due END;
CREATE TRIGGER restriction_first_review_due AFTER INSERT ON restriction \
 WHEN NEW.first_review_due IS NULL BEGIN \
 UPDATE restriction SET first_review_due = NEW.review_due WHERE id = NEW.id; END;
"
);

/// The incidents list filtered by channel or by category reads a screenful newest first from
/// an index of its own, not every incident newest first until enough match (a rare channel
/// walked about 1 400 pages of a million incidents).
const MIGRATION_17: &str = r#"
CREATE INDEX incident_channel ON incident(channel, occurred_at);
CREATE INDEX incident_category ON incident(category, occurred_at);
"#;

/// The policy's principles where an incident is logged: did the customer appear to be in
/// distress (NULL not known, 0 no, 1 yes), and for demands the effect on workloads (a policy
/// choice id) and in the logger's words.
const MIGRATION_18: &str = r#"
ALTER TABLE incident ADD COLUMN distress INTEGER;
ALTER TABLE incident ADD COLUMN workload TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN workload_note TEXT NOT NULL DEFAULT '';
"#;

/// Reasonable adjustments considered before a decision restricts or withdraws (policy ids as a
/// JSON list, others typed, and why they were or were not enough), and the general parameter
/// kinds of the policy's actions: weekly windows, a date, a text, a person and their contact.
const MIGRATION_19: &str = r#"
ALTER TABLE decision ADD COLUMN adjustments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE decision ADD COLUMN adjustments_other TEXT NOT NULL DEFAULT '';
ALTER TABLE decision ADD COLUMN adjustments_why TEXT NOT NULL DEFAULT '';
ALTER TABLE restriction ADD COLUMN windows TEXT NOT NULL DEFAULT '';
ALTER TABLE restriction ADD COLUMN on_date TEXT;
ALTER TABLE restriction ADD COLUMN details TEXT NOT NULL DEFAULT '';
ALTER TABLE restriction ADD COLUMN person TEXT NOT NULL DEFAULT '';
ALTER TABLE restriction ADD COLUMN person_contact TEXT NOT NULL DEFAULT '';
"#;

/// Who may decide what: a decision the policy says needs a second person's approval is saved
/// waiting for it (`approval` 'waiting'), with what it would put in force kept as it was given
/// (`pending`, the restrictions and review date as JSON), and nothing in force; approved (or
/// turned down, with `approval_note`) by someone other than its author, who is recorded with
/// the time. '' is a decision that needed no approval.
const MIGRATION_20: &str = r#"
ALTER TABLE decision ADD COLUMN approval TEXT NOT NULL DEFAULT ''
    CHECK (approval IN ('', 'waiting', 'approved', 'turned_down'));
ALTER TABLE decision ADD COLUMN approved_by TEXT REFERENCES staff(id);
ALTER TABLE decision ADD COLUMN approved_at TEXT;
ALTER TABLE decision ADD COLUMN approval_note TEXT NOT NULL DEFAULT '';
ALTER TABLE decision ADD COLUMN pending TEXT NOT NULL DEFAULT '';
CREATE INDEX decision_waiting ON decision(customer_id) WHERE approval = 'waiting';
"#;

/// The reporter hears back: which news about the incidents they logged each member of staff has
/// dismissed (an event is `case:<id>`, `decision:<id>` or `review:<id>`), kept in the shared file
/// so it stays dismissed on every PC; and from when there is news (what was decided before this
/// safedesk is not news, so nobody's start screen fills with years of old outcomes).
const MIGRATION_21: &str = r#"
CREATE TABLE heard_back (
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    event        TEXT NOT NULL,
    dismissed_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, event)
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('news_since', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
"#;

/// A review that keeps restrictions records the reasonable adjustments considered again, as a
/// decision does (policy ids as a JSON list, others typed, and why), on each of its rows.
const MIGRATION_23: &str = r#"
ALTER TABLE review ADD COLUMN adjustments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE review ADD COLUMN adjustments_other TEXT NOT NULL DEFAULT '';
ALTER TABLE review ADD COLUMN adjustments_why TEXT NOT NULL DEFAULT '';
"#;

/// Staff safety: on an incident of physical violence or injury, who was hurt ('' not asked,
/// 'nobody', 'staff', 'other'), the member of staff (an id) or the name, how, whether it is
/// reportable under RIDDOR ('' not asked, 'yes', 'no', 'not_sure') and its reference, and
/// whether a debrief was wanted on the form; the debriefs asked for, each with the case it
/// opened in the manager's queue and when it was held and by whom; and the incidents whose
/// RIDDOR report is still owed, found without reading every incident.
const MIGRATION_22: &str = r#"
ALTER TABLE incident ADD COLUMN hurt TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN hurt_staff TEXT;
ALTER TABLE incident ADD COLUMN hurt_name TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN hurt_how TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN riddor TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN riddor_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN debrief INTEGER NOT NULL DEFAULT 0;
CREATE INDEX incident_riddor_owed ON incident(occurred_at)
    WHERE riddor = 'yes' AND riddor_ref = '' AND withdrawn_at IS NULL;
CREATE TABLE debrief (
    id            TEXT PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    case_id       TEXT NOT NULL REFERENCES escalation_case(id) ON DELETE CASCADE,
    staff_id      TEXT REFERENCES staff(id),
    staff_name    TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    requested_by  TEXT NOT NULL REFERENCES staff(id),
    held_on       TEXT,
    held_by       TEXT REFERENCES staff(id)
);
CREATE INDEX debrief_incident ON debrief(incident_id);
CREATE INDEX debrief_case ON debrief(case_id);
"#;

impl SqliteStore {
    /// Refuse a database that is newer than this build or not safedesk's, and bring an older one
    /// up to date in one `BEGIN IMMEDIATE` transaction.
    pub(super) fn check_and_migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let (version, tables): (u32, i64) = self
            .conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), \
                 (SELECT count(*) FROM sqlite_schema)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| map_err(&path, e))?;
        if version > LATEST {
            return Err(StoreError::TooNew {
                path,
                found: version,
                supported: LATEST,
            });
        }
        if version == 0 && tables > 0 {
            return Err(StoreError::NotSafedesk {
                path,
                detail: "it is an SQLite file with other tables in it".into(),
            });
        }
        if version == LATEST {
            return Ok(());
        }
        if self.mode == OpenMode::ReadOnly {
            return Err(StoreError::Invalid(format!(
                "{} uses an older database schema ({version}; this safedesk uses {}). Open it once without --read-only so it can be brought up to date.",
                path.display(),
                LATEST
            )));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_err(&path, e))?;
        // Another instance may have migrated while we waited for the lock.
        let current: u32 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| map_err(&path, e))?;
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let n = i as u32 + 1;
            if n <= current {
                continue;
            }
            tx.execute_batch(sql).map_err(|e| map_err(&path, e))?;
            if n == CHAIN_MIGRATION {
                super::audit::chain_existing(&tx).map_err(|e| map_err(&path, e))?;
            }
            tx.pragma_update(None, "user_version", n)
                .map_err(|e| map_err(&path, e))?;
        }
        if current == 0 {
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('app', 'safedesk')",
                [],
            )
            .map_err(|e| map_err(&path, e))?;
        }
        tx.commit().map_err(|e| map_err(&path, e))
    }
}
