-- The historic-case review: a referred case's review and its moves from
-- state to state, its triage score with the reasons, the actions raised for
-- the force, the decisions each victim must be told of within the Victims'
-- Code deadline, how each victim wishes to be told, and the interests forces
-- register so that they learn when another works the same person or thing.
--
-- A review's version guards against two people overwriting each other. The
-- triage score is kept apart, so that a re-score after new linkage never
-- conflicts with a reviewer's edit; its digest lets a re-score write only
-- what changed (the reasons come last, so that reading the digests of a
-- hundred thousand scores does not follow the reasons' overflow pages).
-- Checklists and triage reasons are JSON.

-- +goose Up
CREATE TABLE reviews (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL UNIQUE REFERENCES cases (id),
    force            TEXT NOT NULL,
    referred_by      TEXT NOT NULL,
    referred_at      DATETIME NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    duplicate_of     TEXT REFERENCES reviews (id),
    duplicate_why    TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('referred', 'triaged', 'under_review', 'at_panel', 'nfa_confirmed', 'with_force', 'concluded')),
    reviewer         TEXT NOT NULL DEFAULT '',
    checklist        TEXT NOT NULL DEFAULT '{}',
    decision         TEXT NOT NULL DEFAULT '',
    decision_reasons TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL DEFAULT '',
    outcome_reasons  TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_by       TEXT NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX reviews_force ON reviews (force);

-- A rule set's version names one set of weights for good; the latest saved
-- is the one a re-score after new linkage uses.
CREATE TABLE triage_rules (
    version  TEXT PRIMARY KEY,
    weights  TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at DATETIME NOT NULL
);

CREATE TABLE triage_scores (
    review_id     TEXT PRIMARY KEY REFERENCES reviews (id),
    score         INTEGER NOT NULL,
    rules_version TEXT NOT NULL,
    digest        TEXT NOT NULL,
    scored_at     DATETIME NOT NULL,
    reasons       TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX triage_scores_score ON triage_scores (score DESC, review_id);

CREATE TABLE review_transitions (
    id         TEXT PRIMARY KEY,
    review_id  TEXT NOT NULL REFERENCES reviews (id),
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    by_login   TEXT NOT NULL,
    at         DATETIME NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_transitions_review ON review_transitions (review_id, at);

CREATE TABLE review_actions (
    id         TEXT PRIMARY KEY,
    review_id  TEXT NOT NULL REFERENCES reviews (id),
    force      TEXT NOT NULL,
    title      TEXT NOT NULL CHECK (title <> ''),
    state      TEXT NOT NULL CHECK (state IN ('raised', 'allocated', 'resulted', 'filed')),
    owner      TEXT NOT NULL DEFAULT '',
    due        TEXT NOT NULL,
    result     TEXT NOT NULL DEFAULT '',
    raised_by  TEXT NOT NULL,
    raised_at  DATETIME NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at DATETIME NOT NULL
);
CREATE INDEX review_actions_review ON review_actions (review_id);
CREATE INDEX review_actions_due ON review_actions (force, state, due);

CREATE TABLE victim_updates (
    id         TEXT PRIMARY KEY,
    review_id  TEXT NOT NULL REFERENCES reviews (id),
    mention_id TEXT NOT NULL REFERENCES mentions (id),
    force      TEXT NOT NULL,
    decision   TEXT NOT NULL,
    decided_at DATETIME NOT NULL,
    enhanced   INTEGER NOT NULL CHECK (enhanced IN (0, 1)),
    why        TEXT NOT NULL DEFAULT '',
    deadline   DATETIME NOT NULL,
    told_at    DATETIME,
    told_by    TEXT NOT NULL DEFAULT '',
    method     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX victim_updates_review ON victim_updates (review_id);
CREATE INDEX victim_updates_deadline ON victim_updates (force, deadline) WHERE told_at IS NULL;

CREATE TABLE victim_contacts (
    mention_id    TEXT PRIMARY KEY REFERENCES mentions (id),
    force         TEXT NOT NULL,
    method        TEXT NOT NULL DEFAULT '',
    named_contact TEXT NOT NULL DEFAULT '',
    enhanced      INTEGER NOT NULL DEFAULT 0 CHECK (enhanced IN (0, 1)),
    opted_out     INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
    updated_by    TEXT NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE interests (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'vehicle', 'phone', 'venue')),
    entity_key TEXT NOT NULL CHECK (entity_key <> ''),
    force      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    login      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    UNIQUE (kind, entity_key, force)
);

-- +goose Down
DROP TABLE interests;
DROP TABLE victim_contacts;
DROP TABLE victim_updates;
DROP TABLE review_actions;
DROP TABLE review_transitions;
DROP TABLE triage_scores;
DROP TABLE triage_rules;
DROP TABLE reviews;
