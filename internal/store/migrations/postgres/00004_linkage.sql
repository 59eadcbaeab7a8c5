-- What linkage finds, kept so that it can be explained and undone: the
-- models it estimated, its runs, the entities (people, and the phones,
-- vehicles and places they share) that mentions resolve to, every change to
-- an entity, the scored pairs, and the judgements people made, which
-- outlive every re-run. A judgement replaced is kept in its history.
--
-- params and stats are the linkage package's JSON, kept as text so that
-- they read back byte for byte. Run ids are written only by the store, in
-- the transaction that stores the run, so they carry no foreign key; nor do
-- the scored pairs, the largest table, whose mentions linkage read from
-- this store.

-- +goose Up
CREATE TABLE link_models (
    id         uuid PRIMARY KEY,
    version    integer NOT NULL UNIQUE CHECK (version >= 1),
    created_at timestamptz NOT NULL,
    params     text NOT NULL,
    stats      text NOT NULL DEFAULT '{}'
);

CREATE TABLE link_runs (
    id          uuid PRIMARY KEY,
    model_id    uuid NOT NULL REFERENCES link_models (id),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    stats       text NOT NULL DEFAULT '{}'
);

-- A person entity has no key; a phone, vehicle or place entity is its key
-- (E.164, registration mark, "POSTCODE|PREMISES"), held once.
CREATE TABLE entities (
    id             uuid PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('person', 'phone', 'vehicle', 'place')),
    key            text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    created_by_run uuid,
    retired_at     timestamptz,
    merged_into    uuid REFERENCES entities (id),
    CHECK ((kind = 'person') = (key = ''))
);
CREATE UNIQUE INDEX entities_key ON entities (kind, key) WHERE kind <> 'person';

CREATE TABLE entity_members (
    mention_id uuid PRIMARY KEY REFERENCES mentions (id),
    entity_id  uuid NOT NULL REFERENCES entities (id),
    run_id     uuid
);
CREATE INDEX entity_members_entity ON entity_members (entity_id);

CREATE TABLE link_judgements (
    mention_a uuid NOT NULL REFERENCES mentions (id),
    mention_b uuid NOT NULL REFERENCES mentions (id),
    decision  text NOT NULL CHECK (decision IN ('same', 'different', 'unsure')),
    made_by   text NOT NULL,
    note      text NOT NULL DEFAULT '',
    made_at   timestamptz NOT NULL,
    PRIMARY KEY (mention_a, mention_b),
    CHECK (mention_a < mention_b)
);

CREATE TABLE link_judgement_history (
    mention_a   uuid NOT NULL,
    mention_b   uuid NOT NULL,
    decision    text NOT NULL,
    made_by     text NOT NULL,
    note        text NOT NULL DEFAULT '',
    made_at     timestamptz NOT NULL,
    replaced_at timestamptz NOT NULL
);
CREATE INDEX link_judgement_history_pair ON link_judgement_history (mention_a, mention_b);

-- other_id is '' for most changes (a create, a join), so only the others
-- are indexed by it; queries say other_id <> '' to use the index.
CREATE TABLE entity_changes (
    id        uuid PRIMARY KEY,
    run_id    uuid,
    seq       integer NOT NULL,
    at        timestamptz NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('create', 'join', 'merge', 'split', 'unmerge', 'retire')),
    entity_id uuid NOT NULL REFERENCES entities (id),
    other_id  text NOT NULL DEFAULT '',
    mentions  jsonb NOT NULL DEFAULT '[]',
    reason    text NOT NULL DEFAULT '',
    undone_by text NOT NULL DEFAULT ''
);
CREATE INDEX entity_changes_entity ON entity_changes (entity_id);
CREATE INDEX entity_changes_other ON entity_changes (other_id) WHERE other_id <> '';

-- The review queue reads the most uncertain pairs first.
CREATE TABLE link_pairs (
    mention_a   uuid NOT NULL,
    mention_b   uuid NOT NULL,
    weight      double precision NOT NULL,
    probability double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
    levels      text NOT NULL DEFAULT '',
    band        text NOT NULL CHECK (band IN ('link', 'review')),
    run_id      uuid NOT NULL,
    PRIMARY KEY (mention_a, mention_b),
    CHECK (mention_a < mention_b)
);
CREATE INDEX link_pairs_b ON link_pairs (mention_b);
CREATE INDEX link_pairs_review ON link_pairs (abs(probability - 0.5)) WHERE band = 'review';

-- +goose Down
DROP TABLE link_pairs;
DROP TABLE entity_changes;
DROP TABLE link_judgement_history;
DROP TABLE link_judgements;
DROP TABLE entity_members;
DROP TABLE entities;
DROP TABLE link_runs;
DROP TABLE link_models;
