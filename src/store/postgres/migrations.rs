//! Numbered schema migrations for a PostgreSQL database, and bringing one up to date with them.
//!
//! The schema version is `schema_version` in the `safedesk_meta` table; migration N takes a
//! database from version N-1 to N. Never edit a migration that has shipped: add a new one. The
//! PostgreSQL numbers are their own: migration 1 is the SQLite schema as it stood at SQLite's
//! migration 23, translated.
//!
//! Every migration runs in one transaction holding a transaction-scoped advisory lock
//! ([`LOCK_KEY`]), so two PCs starting a new safedesk at the same moment take turns: the second
//! finds the work done when it gets the lock, and does nothing.
//!
//! # How migration 1 translates the SQLite schema
//!
//! * **Ids** are `uuid` (the client makes them, as with SQLite). Where SQLite keeps `''` for
//!   "none" in an id-like text column (`review.batch`, `letter.review_batch`), the column stays
//!   `text` so the store's meaning is unchanged. `audit.entity_id` is `text`: it may name a login.
//! * **Times** are `timestamptz(0)` (whole seconds, as SQLite's `YYYY-MM-DDTHH:MM:SSZ` text holds
//!   them), so the store reads and writes chrono's `DateTime<Utc>` directly, orders and compares
//!   them as times, and the London day of a time is `AT TIME ZONE 'Europe/London'` with the
//!   server's time zone rules rather than a formula. **Dates** (a meeting, a review due, a
//!   restriction's date) are `date`. One exception: `audit.at` stays `text`, in exactly the form
//!   it was written, because the audit chain's hash covers it as text; a copy from SQLite keeps
//!   every entry's hash true only if the text is kept byte for byte.
//! * **Yes/no** columns are `boolean` (NULL where SQLite allows "not known").
//! * **JSON lists and records** are `jsonb`, checked to be lists where the store keeps lists.
//!   The audit's `before` and `after` stay `text`, as hashed.
//! * **Checks** are SQLite's, and foreign keys as SQLite declares them. `staff.login` is unique
//!   whatever its capitals (`lower(login)`, as SQLite's `COLLATE NOCASE`; the full matching is in
//!   the store's code, as for SQLite).
//! * **Search**: `customer_word` and `customer_typo` as in SQLite (the store fills them); SQLite's
//!   FTS5 trigram table becomes `customer_text` with a `pg_trgm` GIN index (the extension is in
//!   PostgreSQL's own packages and may be installed by the database's owner since PostgreSQL 13).
//! * **Kept by triggers, as in SQLite**: each decision's `waited_days`, each restriction's
//!   `first_review_due`, and the reports' day figures `incident_day`.
//! * **Left out**, being SQLite's ways round a file on a network drive rather than facts:
//!   `queue_row` and `queue_count` (copies of the queue kept so a screenful is a few pages of the
//!   file after another PC's save empties the page cache; the server keeps its own cache, so the
//!   PostgreSQL store reads the queue from `escalation_case` through its expression indexes,
//!   here), `customer_change` (the change log for each PC's local search index, which the
//!   PostgreSQL store will not need: the server searches), and `visitor_incident` (an index of
//!   unidentified visitors' incidents, a join here). If the PostgreSQL store's queries turn out to
//!   need any of them, they come as a new migration with the queries that read them.

use ::postgres::GenericClient;

/// Migration N is `MIGRATIONS[N - 1]`.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1, MIGRATION_2, MIGRATION_3];

/// The newest PostgreSQL schema this build understands.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

/// The advisory lock every migration holds: "safedesk" in ASCII.
pub const LOCK_KEY: i64 = 0x7361_6665_6465_736b;

/// Where a manager's queue puts an open case, most urgent first (as SQLite's `queue_rank!`).
pub(super) const QUEUE_RANK: &str = "(CASE WHEN waiting = 'confirmation' THEN 10 \
     WHEN reason IN ('immediate_threat', 'breach') AND seen_at IS NULL THEN 0 ELSE 5 END \
     + CASE reason WHEN 'immediate_threat' THEN 0 WHEN 'breach' THEN 1 WHEN 'threshold' THEN 2 \
     WHEN 'review_due' THEN 3 ELSE 4 END)";

/// The SQL of migration `n` (1-based), with the queue's rank put in where it says
/// `{queue_rank}` (kept out of the text so the SQL reads as SQL).
pub fn migration_sql(n: u32) -> String {
    MIGRATIONS[n as usize - 1].replace("{queue_rank}", QUEUE_RANK)
}

const MIGRATION_1: &str = r#"
CREATE TABLE safedesk_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO safedesk_meta (key, value) VALUES
    ('app', 'safedesk'),
    ('schema_version', '0'),
    ('database_id', replace(gen_random_uuid()::text, '-', '')),
    ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));

CREATE TABLE staff (
    id           uuid PRIMARY KEY,
    login        text NOT NULL CHECK (login <> ''),
    display_name text NOT NULL,
    role         text NOT NULL CHECK (role IN ('reception', 'phone', 'manager', 'admin')),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz(0) NOT NULL,
    version      bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX staff_login ON staff (lower(login));

-- `seq` is the stable number the search keys point at; `id` is the client-made UUID.
CREATE TABLE customer (
    seq          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    name         text,
    other_names  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(other_names) = 'array'),
    postcode     text NOT NULL DEFAULT '',
    description  text NOT NULL DEFAULT '',
    notes        text NOT NULL DEFAULT '',
    merged_into  uuid REFERENCES customer(id),
    created_at   timestamptz(0) NOT NULL,
    updated_at   timestamptz(0) NOT NULL,
    version      bigint NOT NULL DEFAULT 1,
    address      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(address) = 'array'),
    large_print  boolean NOT NULL DEFAULT false,
    easy_read    boolean NOT NULL DEFAULT false,
    kept_from    timestamptz(0)
);
CREATE INDEX customer_merged_into ON customer(merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE customer_phone (
    customer_seq bigint NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    display      text NOT NULL,
    digits       text NOT NULL,
    rdigits      text NOT NULL,
    PRIMARY KEY (customer_seq, digits)
);
CREATE INDEX customer_phone_digits ON customer_phone(digits text_pattern_ops);
CREATE INDEX customer_phone_rdigits ON customer_phone(rdigits text_pattern_ops);

CREATE TABLE customer_email (
    customer_seq bigint NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    display      text NOT NULL,
    email        text NOT NULL,
    PRIMARY KEY (customer_seq, email)
);
CREATE INDEX customer_email_email ON customer_email(email text_pattern_ops);

-- Search keys, kept by the store whenever a customer's names change: the folded words of every
-- name (word-prefix search), every one-letter deletion of each word of four or more letters
-- (one-typo search), and the folded names and emails for substring search.
CREATE TABLE customer_word (
    word         text NOT NULL,
    customer_seq bigint NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    PRIMARY KEY (word, customer_seq)
);
CREATE INDEX customer_word_prefix ON customer_word(word text_pattern_ops);
CREATE INDEX customer_word_seq ON customer_word(customer_seq);
CREATE TABLE customer_typo (
    key          text NOT NULL,
    customer_seq bigint NOT NULL REFERENCES customer(seq) ON DELETE CASCADE,
    PRIMARY KEY (key, customer_seq)
);
CREATE INDEX customer_typo_seq ON customer_typo(customer_seq);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE customer_text (
    customer_seq bigint PRIMARY KEY REFERENCES customer(seq) ON DELETE CASCADE,
    keys         text NOT NULL
);
CREATE INDEX customer_text_keys ON customer_text USING gin (keys gin_trgm_ops);

CREATE TABLE incident (
    id               uuid PRIMARY KEY,
    customer_id      uuid NOT NULL REFERENCES customer(id),
    occurred_at      timestamptz(0) NOT NULL,
    logged_at        timestamptz(0) NOT NULL,
    logged_by        uuid NOT NULL REFERENCES staff(id),
    channel          text NOT NULL,
    category         text NOT NULL,
    behaviours       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(behaviours) = 'array'),
    behaviour_other  text NOT NULL DEFAULT '',
    response         text NOT NULL,
    reference        text NOT NULL DEFAULT '',
    description      text NOT NULL,
    immediate_threat boolean NOT NULL DEFAULT false,
    witnesses        text NOT NULL DEFAULT '',
    withdrawn_at     timestamptz(0),
    withdrawn_by     uuid,
    withdrawn_reason text,
    version          bigint NOT NULL DEFAULT 1,
    distress         boolean,
    workload         text NOT NULL DEFAULT '',
    workload_note    text NOT NULL DEFAULT ''
);
CREATE INDEX incident_customer ON incident(customer_id, logged_at);
CREATE INDEX incident_occurred ON incident(occurred_at);
CREATE INDEX incident_logged_by ON incident(logged_by, occurred_at);
CREATE INDEX incident_threat ON incident(occurred_at) WHERE immediate_threat;
CREATE INDEX incident_channel ON incident(channel, occurred_at);
CREATE INDEX incident_category ON incident(category, occurred_at);

CREATE TABLE escalation_case (
    id           uuid PRIMARY KEY,
    customer_id  uuid NOT NULL REFERENCES customer(id),
    reason       text NOT NULL,
    opened_at    timestamptz(0) NOT NULL,
    assigned_to  uuid REFERENCES staff(id),
    closed_at    timestamptz(0),
    closed_by    uuid REFERENCES staff(id),
    version      bigint NOT NULL DEFAULT 1,
    -- 'confirmation': an immediate restriction whose written confirmation is still owed.
    waiting      text NOT NULL DEFAULT '',
    decision_id  uuid,
    -- What the customer asked for, for a case they opened by asking for a review or complaining.
    note         text NOT NULL DEFAULT '',
    seen_at      timestamptz(0),
    seen_by      uuid REFERENCES staff(id)
);
CREATE INDEX escalation_case_open ON escalation_case(closed_at, opened_at);
CREATE INDEX escalation_case_customer ON escalation_case(customer_id);
CREATE INDEX escalation_case_unseen ON escalation_case(opened_at)
    WHERE closed_at IS NULL AND seen_at IS NULL;
CREATE INDEX escalation_case_decision ON escalation_case(decision_id) WHERE decision_id IS NOT NULL;
-- The queue in its order: everyone's, and each manager's own cases.
CREATE INDEX escalation_case_queue ON escalation_case({queue_rank}, opened_at, id)
    WHERE closed_at IS NULL;
CREATE INDEX escalation_case_assigned ON escalation_case(assigned_to, {queue_rank}, opened_at, id)
    WHERE closed_at IS NULL;

CREATE TABLE case_incident (
    case_id      uuid NOT NULL REFERENCES escalation_case(id),
    incident_id  uuid NOT NULL REFERENCES incident(id),
    PRIMARY KEY (case_id, incident_id)
);
CREATE INDEX case_incident_incident ON case_incident(incident_id);

CREATE TABLE decision (
    id                   uuid PRIMARY KEY,
    customer_id          uuid NOT NULL REFERENCES customer(id),
    case_id              uuid REFERENCES escalation_case(id),
    decided_at           timestamptz(0) NOT NULL,
    meeting_date         date NOT NULL,
    attendees            text NOT NULL,
    outcome              text NOT NULL,
    reasons              text NOT NULL CHECK (length(trim(reasons)) > 0),
    decided_by           uuid NOT NULL REFERENCES staff(id),
    no_warning           boolean NOT NULL DEFAULT false,
    -- Whether the police or another authority were told (authority_told says which).
    police_told          boolean,
    risk_assessment      text NOT NULL DEFAULT '',
    version              bigint NOT NULL DEFAULT 1,
    letter_status        text NOT NULL DEFAULT ''
        CHECK (letter_status IN ('', 'owed', 'sent', 'not_possible')),
    letter_note          text NOT NULL DEFAULT '',
    reasons_for_customer text NOT NULL DEFAULT '',
    authority_told       text NOT NULL DEFAULT '',
    tried_actions        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tried_actions) = 'array'),
    none_suitable        text NOT NULL DEFAULT '',
    -- Days from the third incident to the decision, worked out when it is saved (a trigger).
    waited_days          integer,
    adjustments          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(adjustments) = 'array'),
    adjustments_other    text NOT NULL DEFAULT '',
    adjustments_why      text NOT NULL DEFAULT ''
);
CREATE INDEX decision_customer ON decision(customer_id, decided_at);
CREATE INDEX decision_letter_owed ON decision(letter_status) WHERE letter_status = 'owed';
CREATE INDEX decision_case ON decision(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX decision_decided ON decision(decided_at, outcome, waited_days);
ALTER TABLE escalation_case ADD CONSTRAINT escalation_case_decision_fk
    FOREIGN KEY (decision_id) REFERENCES decision(id);

CREATE TABLE restriction (
    id               uuid PRIMARY KEY,
    customer_id      uuid NOT NULL REFERENCES customer(id),
    decision_id      uuid REFERENCES decision(id),
    kind             text NOT NULL,
    email            text NOT NULL DEFAULT '',
    phone            text NOT NULL DEFAULT '',
    minutes          integer CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 480),
    staff_id         uuid REFERENCES staff(id),
    third_party      text NOT NULL DEFAULT '',
    starts_at        timestamptz(0) NOT NULL,
    review_due       date,
    ends_at          timestamptz(0),
    ended_reason     text NOT NULL DEFAULT '',
    version          bigint NOT NULL DEFAULT 1,
    scope            text NOT NULL DEFAULT '',
    divert           text NOT NULL DEFAULT '' CHECK (divert IN ('', 'blocked', 'redirected')),
    redirect_to      text NOT NULL DEFAULT '',
    -- The review date first given, so a review can be told on time or late (a trigger).
    first_review_due date,
    windows          text NOT NULL DEFAULT '',
    on_date          date,
    details          text NOT NULL DEFAULT '',
    person           text NOT NULL DEFAULT '',
    person_contact   text NOT NULL DEFAULT ''
);
CREATE INDEX restriction_customer ON restriction(customer_id);
CREATE INDEX restriction_review ON restriction(ends_at, review_due);
CREATE INDEX restriction_decision ON restriction(decision_id) WHERE decision_id IS NOT NULL;

-- One review covers several restrictions: a row each, sharing the review's id as `batch`.
CREATE TABLE review (
    id                   uuid PRIMARY KEY,
    restriction_id       uuid NOT NULL REFERENCES restriction(id),
    reviewed_at          timestamptz(0) NOT NULL,
    reviewed_by          uuid NOT NULL REFERENCES staff(id),
    still_wants          boolean,
    outcome              text NOT NULL CHECK (outcome IN ('lift', 'continue', 'change')),
    next_review          date,
    notes                text NOT NULL DEFAULT '',
    batch                text NOT NULL DEFAULT '',
    customer_id          uuid REFERENCES customer(id),
    reasons_for_customer text NOT NULL DEFAULT '',
    letter_status        text NOT NULL DEFAULT ''
        CHECK (letter_status IN ('', 'owed', 'sent', 'not_possible')),
    letter_note          text NOT NULL DEFAULT '',
    adjustments          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(adjustments) = 'array'),
    adjustments_other    text NOT NULL DEFAULT '',
    adjustments_why      text NOT NULL DEFAULT ''
);
CREATE INDEX review_restriction ON review(restriction_id);
CREATE INDEX review_batch ON review(batch);
CREATE INDEX review_customer ON review(customer_id);
CREATE INDEX review_letter_owed ON review(letter_status) WHERE letter_status = 'owed';
CREATE INDEX review_reviewed ON review(reviewed_at);

CREATE TABLE letter (
    id           uuid PRIMARY KEY,
    customer_id  uuid NOT NULL REFERENCES customer(id),
    case_id      uuid REFERENCES escalation_case(id),
    kind         text NOT NULL,
    body         text NOT NULL DEFAULT '',
    created_at   timestamptz(0) NOT NULL,
    created_by   uuid NOT NULL REFERENCES staff(id),
    sent_at      timestamptz(0),
    sent_how     text NOT NULL DEFAULT '',
    decision_id  uuid REFERENCES decision(id),
    file         text NOT NULL DEFAULT '',
    review_batch text NOT NULL DEFAULT '',
    -- The address printed (a list, empty for none); NULL: made before addresses were kept.
    address      jsonb CHECK (address IS NULL OR jsonb_typeof(address) = 'array'),
    incident_id  uuid REFERENCES incident(id)
);
CREATE INDEX letter_customer ON letter(customer_id);
CREATE INDEX letter_decision ON letter(decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX letter_case ON letter(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX letter_incident ON letter(incident_id) WHERE incident_id IS NOT NULL;

-- The audit trail and its hash chain (see sqlite/audit.rs): `at`, `before` and `after` are text
-- exactly as hashed. `seq` is given by the store (the previous one plus one).
CREATE TABLE audit (
    seq          bigint PRIMARY KEY CHECK (seq > 0),
    at           text NOT NULL,
    staff_id     uuid,
    login        text NOT NULL,
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    text NOT NULL,
    before       text,
    after        text,
    content_hash text CHECK (content_hash IS NULL OR content_hash ~ '^[0-9a-f]{64}$'),
    hash         text CHECK (hash IS NULL OR hash ~ '^[0-9a-f]{64}$'),
    redacted     boolean NOT NULL DEFAULT false,
    customer_id  uuid,
    CHECK (NOT redacted OR (before IS NULL AND after IS NULL))
);
CREATE INDEX audit_entity ON audit(entity_id);
CREATE INDEX audit_customer ON audit(customer_id, seq);
CREATE INDEX audit_staff ON audit(staff_id, seq);
CREATE INDEX audit_at ON audit(at);

-- Who opened a restricted customer's card, outside the chain (why: sqlite/audit.rs).
CREATE TABLE card_view (
    id          uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    staff_id    uuid,
    login       text NOT NULL,
    at          timestamptz(0) NOT NULL
);
CREATE INDEX card_view_customer ON card_view(customer_id, at);

-- The office's settings, every version kept (the newest is in force).
CREATE TABLE office_setting (
    kind       text NOT NULL CHECK (kind IN ('policy', 'organisation', 'letter_templates')),
    version    integer NOT NULL CHECK (version > 0),
    body       text NOT NULL,
    set_at     timestamptz(0) NOT NULL,
    set_by     uuid REFERENCES staff(id),
    set_login  text NOT NULL,
    PRIMARY KEY (kind, version)
);

-- Merging two records of one person, with everything needed to undo it exactly.
CREATE TABLE customer_merge (
    id           uuid PRIMARY KEY,
    survivor_id  uuid NOT NULL REFERENCES customer(id),
    merged_id    uuid NOT NULL REFERENCES customer(id),
    merged_at    timestamptz(0) NOT NULL,
    merged_by    uuid REFERENCES staff(id),
    audit_seq    bigint NOT NULL,
    record       jsonb NOT NULL,
    reversed_at  timestamptz(0),
    reversed_by  uuid REFERENCES staff(id)
);
CREATE INDEX customer_merge_merged ON customer_merge(merged_id);
CREATE INDEX customer_merge_survivor ON customer_merge(survivor_id);
CREATE INDEX customer_merge_audit ON customer_merge(audit_seq);

-- The reports' figures: incidents on each London day by category, channel and whether they were
-- immediate threats (withdrawn ones do not count), kept in the same transaction as the change.
CREATE TABLE incident_day (
    day      date NOT NULL,
    category text NOT NULL,
    channel  text NOT NULL,
    threat   boolean NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (day, category, channel, threat)
);
CREATE FUNCTION safedesk_incident_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.withdrawn_at IS NULL THEN
        UPDATE incident_day SET n = n - 1
         WHERE day = (OLD.occurred_at AT TIME ZONE 'Europe/London')::date
           AND category = OLD.category AND channel = OLD.channel
           AND threat = OLD.immediate_threat;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.withdrawn_at IS NULL THEN
        INSERT INTO incident_day (day, category, channel, threat, n)
        VALUES ((NEW.occurred_at AT TIME ZONE 'Europe/London')::date, NEW.category, NEW.channel,
                NEW.immediate_threat, 1)
        ON CONFLICT (day, category, channel, threat) DO UPDATE SET n = incident_day.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER incident_day_insert AFTER INSERT ON incident
    FOR EACH ROW EXECUTE FUNCTION safedesk_incident_day();
CREATE TRIGGER incident_day_delete AFTER DELETE ON incident
    FOR EACH ROW EXECUTE FUNCTION safedesk_incident_day();
CREATE TRIGGER incident_day_update
    AFTER UPDATE OF occurred_at, category, channel, immediate_threat, withdrawn_at ON incident
    FOR EACH ROW EXECUTE FUNCTION safedesk_incident_day();

-- How many whole days a decision came after the third incident: after its threshold case
-- opened; for one recorded without a case (loaded in bulk), after the customer's last incident
-- before it (withdrawn ones aside); none for a decision on another kind of case.
CREATE FUNCTION safedesk_waited_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    since timestamptz;
BEGIN
    IF NEW.case_id IS NOT NULL THEN
        SELECT CASE WHEN c.reason = 'threshold' THEN c.opened_at END INTO since
          FROM escalation_case c WHERE c.id = NEW.case_id;
    ELSE
        SELECT max(i.occurred_at) INTO since FROM incident i
         WHERE i.customer_id = NEW.customer_id AND i.occurred_at <= NEW.decided_at
           AND i.withdrawn_at IS NULL;
    END IF;
    NEW.waited_days := CASE WHEN since IS NULL THEN NULL
        ELSE greatest(0, trunc(extract(epoch FROM NEW.decided_at - since) / 86400))::integer END;
    RETURN NEW;
END
$$;
CREATE TRIGGER decision_waited_days BEFORE INSERT ON decision
    FOR EACH ROW EXECUTE FUNCTION safedesk_waited_days();

CREATE FUNCTION safedesk_first_review_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.first_review_due IS NULL THEN
        NEW.first_review_due := NEW.review_due;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER restriction_first_review_due BEFORE INSERT ON restriction
    FOR EACH ROW EXECUTE FUNCTION safedesk_first_review_due();
"#;

/// SQLite's migrations 20 to 22, translated: approvals on decisions (`pending` stays text, the
/// restrictions and review date as JSON exactly as SQLite keeps them, '' when none), the news a
/// member of staff has dismissed and from when there is news, and staff safety (who was hurt,
/// RIDDOR, the debriefs asked for).
const MIGRATION_2: &str = r#"
-- Who withdrew an incident is kept as their name, as SQLite keeps it.
ALTER TABLE incident ALTER COLUMN withdrawn_by TYPE text;
-- A case names its decision and a decision its case: moving an office copies one table before
-- the other, so the case's link may be checked at the end of the transaction.
ALTER TABLE escalation_case ALTER CONSTRAINT escalation_case_decision_fk
    DEFERRABLE INITIALLY IMMEDIATE;

ALTER TABLE decision ADD COLUMN approval text NOT NULL DEFAULT ''
    CHECK (approval IN ('', 'waiting', 'approved', 'turned_down'));
ALTER TABLE decision ADD COLUMN approved_by uuid REFERENCES staff(id);
ALTER TABLE decision ADD COLUMN approved_at timestamptz(0);
ALTER TABLE decision ADD COLUMN approval_note text NOT NULL DEFAULT '';
ALTER TABLE decision ADD COLUMN pending text NOT NULL DEFAULT '';
CREATE INDEX decision_waiting ON decision(customer_id) WHERE approval = 'waiting';

CREATE TABLE heard_back (
    staff_id     uuid NOT NULL REFERENCES staff(id),
    event        text NOT NULL,
    dismissed_at timestamptz(0) NOT NULL,
    PRIMARY KEY (staff_id, event)
);
INSERT INTO safedesk_meta (key, value)
    VALUES ('news_since', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
    ON CONFLICT (key) DO NOTHING;

ALTER TABLE incident ADD COLUMN hurt text NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN hurt_staff uuid;
ALTER TABLE incident ADD COLUMN hurt_name text NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN hurt_how text NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN riddor text NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN riddor_ref text NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN debrief boolean NOT NULL DEFAULT false;
CREATE INDEX incident_riddor_owed ON incident(occurred_at)
    WHERE riddor = 'yes' AND riddor_ref = '' AND withdrawn_at IS NULL;
CREATE TABLE debrief (
    id            uuid PRIMARY KEY,
    incident_id   uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    case_id       uuid NOT NULL REFERENCES escalation_case(id) ON DELETE CASCADE,
    staff_id      uuid REFERENCES staff(id),
    staff_name    text NOT NULL,
    requested_at  timestamptz(0) NOT NULL,
    requested_by  uuid NOT NULL REFERENCES staff(id),
    held_on       date,
    held_by       uuid REFERENCES staff(id)
);
CREATE INDEX debrief_incident ON debrief(incident_id);
CREATE INDEX debrief_case ON debrief(case_id);
"#;

/// The order rows were written in: rows that SQLite tells apart by `rowid` where their times
/// are equal (incidents logged in one save, the restrictions of one decision, the rows of one
/// review, cases opened by one save) get `seq`, so both engines list them in the same order. A
/// copy from SQLite brings each row's rowid as its `seq` (`copy.rs`).
/// The tables whose rows carry `seq`, the order they were written in (migration 3).
pub const ROW_ORDER: &[&str] = &[
    "incident",
    "escalation_case",
    "decision",
    "restriction",
    "review",
    "letter",
];

const MIGRATION_3: &str = r#"
ALTER TABLE incident ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE escalation_case ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE decision ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE restriction ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE review ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE letter ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
"#;

/// What a database holds, as far as safedesk is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No tables at all in the schema safedesk uses: a new database, to be set up.
    Empty,
    /// A safedesk database at this schema version.
    Safedesk(u32),
    /// Tables, none of them safedesk's (up to a few of their names).
    Other(Vec<String>),
}

/// What the database behind `client` holds, in its current schema (the first on the search
/// path, `public` unless IT set it otherwise).
pub fn found(client: &mut impl GenericClient) -> Result<Found, ::postgres::Error> {
    let has_meta: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables \
             WHERE schemaname = current_schema() AND tablename = 'safedesk_meta')",
            &[],
        )?
        .get(0);
    if has_meta {
        let v: Option<String> = client
            .query_opt(
                "SELECT value FROM safedesk_meta WHERE key = 'schema_version'",
                &[],
            )?
            .map(|r| r.get(0));
        return Ok(Found::Safedesk(v.and_then(|v| v.parse().ok()).unwrap_or(0)));
    }
    let names: Vec<String> = client
        .query(
            "SELECT c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') \
             ORDER BY 1 LIMIT 4",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(if names.is_empty() {
        Found::Empty
    } else {
        Found::Other(names)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_rank_is_put_in_and_no_placeholder_is_left() {
        let sql = migration_sql(1);
        assert!(!sql.contains("{queue_rank}"));
        assert_eq!(sql.matches(QUEUE_RANK).count(), 2);
    }

    #[test]
    fn the_queue_rank_matches_sqlite_s() {
        // The same ranks in the same order as the SQLite store's index, written for PostgreSQL.
        let sqlite = crate::queue_rank!();
        for part in [
            "waiting = 'confirmation' THEN 10",
            "reason IN ('immediate_threat', 'breach') AND seen_at IS NULL THEN 0 ELSE 5 END",
            "WHEN 'immediate_threat' THEN 0 WHEN 'breach' THEN 1",
            "WHEN 'threshold' THEN 2 WHEN 'review_due' THEN 3 ELSE 4 END",
        ] {
            assert!(sqlite.contains(part), "sqlite: {part}");
            assert!(QUEUE_RANK.contains(part), "postgres: {part}");
        }
    }
}
