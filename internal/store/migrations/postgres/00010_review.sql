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
    id               uuid PRIMARY KEY,
    case_id          uuid NOT NULL UNIQUE REFERENCES cases (id),
    force            text NOT NULL,
    referred_by      text NOT NULL,
    referred_at      timestamptz NOT NULL,
    reason           text NOT NULL DEFAULT '',
    duplicate_of     uuid REFERENCES reviews (id),
    duplicate_why    text NOT NULL DEFAULT '',
    state            text NOT NULL CHECK (state IN ('referred', 'triaged', 'under_review', 'at_panel', 'nfa_confirmed', 'with_force', 'concluded')),
    reviewer         text NOT NULL DEFAULT '',
    checklist        jsonb NOT NULL DEFAULT '{}',
    decision         text NOT NULL DEFAULT '',
    decision_reasons text NOT NULL DEFAULT '',
    outcome          text NOT NULL DEFAULT '',
    outcome_reasons  text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    updated_by       text NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX reviews_force ON reviews (force);

-- A rule set's version names one set of weights for good; the latest saved
-- is the one a re-score after new linkage uses.
CREATE TABLE triage_rules (
    version  text PRIMARY KEY,
    weights  jsonb NOT NULL,
    saved_by text NOT NULL,
    saved_at timestamptz NOT NULL
);

CREATE TABLE triage_scores (
    review_id     uuid PRIMARY KEY REFERENCES reviews (id),
    score         integer NOT NULL,
    rules_version text NOT NULL,
    digest        text NOT NULL,
    scored_at     timestamptz NOT NULL,
    reasons       jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX triage_scores_score ON triage_scores (score DESC, review_id);

CREATE TABLE review_transitions (
    id         uuid PRIMARY KEY,
    review_id  uuid NOT NULL REFERENCES reviews (id),
    from_state text NOT NULL,
    to_state   text NOT NULL,
    by_login   text NOT NULL,
    at         timestamptz NOT NULL,
    note       text NOT NULL DEFAULT ''
);
CREATE INDEX review_transitions_review ON review_transitions (review_id, at);

CREATE TABLE review_actions (
    id         uuid PRIMARY KEY,
    review_id  uuid NOT NULL REFERENCES reviews (id),
    force      text NOT NULL,
    title      text NOT NULL CHECK (title <> ''),
    state      text NOT NULL CHECK (state IN ('raised', 'allocated', 'resulted', 'filed')),
    owner      text NOT NULL DEFAULT '',
    due        text NOT NULL,
    result     text NOT NULL DEFAULT '',
    raised_by  text NOT NULL,
    raised_at  timestamptz NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL
);
CREATE INDEX review_actions_review ON review_actions (review_id);
CREATE INDEX review_actions_due ON review_actions (force, state, due);

CREATE TABLE victim_updates (
    id         uuid PRIMARY KEY,
    review_id  uuid NOT NULL REFERENCES reviews (id),
    mention_id uuid NOT NULL REFERENCES mentions (id),
    force      text NOT NULL,
    decision   text NOT NULL,
    decided_at timestamptz NOT NULL,
    enhanced   boolean NOT NULL,
    why        text NOT NULL DEFAULT '',
    deadline   timestamptz NOT NULL,
    told_at    timestamptz,
    told_by    text NOT NULL DEFAULT '',
    method     text NOT NULL DEFAULT ''
);
CREATE INDEX victim_updates_review ON victim_updates (review_id);
CREATE INDEX victim_updates_deadline ON victim_updates (force, deadline) WHERE told_at IS NULL;

CREATE TABLE victim_contacts (
    mention_id    uuid PRIMARY KEY REFERENCES mentions (id),
    force         text NOT NULL,
    method        text NOT NULL DEFAULT '',
    named_contact text NOT NULL DEFAULT '',
    enhanced      boolean NOT NULL DEFAULT false,
    opted_out     boolean NOT NULL DEFAULT false,
    updated_by    text NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE interests (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('person', 'vehicle', 'phone', 'venue')),
    entity_key text NOT NULL CHECK (entity_key <> ''),
    force      text NOT NULL,
    user_id    text NOT NULL,
    login      text NOT NULL,
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
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
