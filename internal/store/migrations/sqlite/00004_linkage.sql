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
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL UNIQUE CHECK (version >= 1),
    created_at DATETIME NOT NULL,
    params     TEXT NOT NULL,
    stats      TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE link_runs (
    id          TEXT PRIMARY KEY,
    model_id    TEXT NOT NULL REFERENCES link_models (id),
    started_at  DATETIME NOT NULL,
    finished_at DATETIME NOT NULL,
    stats       TEXT NOT NULL DEFAULT '{}'
);

-- A person entity has no key; a phone, vehicle or place entity is its key
-- (E.164, registration mark, "POSTCODE|PREMISES"), held once.
CREATE TABLE entities (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('person', 'phone', 'vehicle', 'place')),
    key            TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL,
    created_by_run TEXT,
    retired_at     DATETIME,
    merged_into    TEXT REFERENCES entities (id),
    CHECK ((kind = 'person') = (key = ''))
);
CREATE UNIQUE INDEX entities_key ON entities (kind, key) WHERE kind <> 'person';

CREATE TABLE entity_members (
    mention_id TEXT PRIMARY KEY REFERENCES mentions (id),
    entity_id  TEXT NOT NULL REFERENCES entities (id),
    run_id     TEXT
) WITHOUT ROWID;
CREATE INDEX entity_members_entity ON entity_members (entity_id);

CREATE TABLE link_judgements (
    mention_a TEXT NOT NULL REFERENCES mentions (id),
    mention_b TEXT NOT NULL REFERENCES mentions (id),
    decision  TEXT NOT NULL CHECK (decision IN ('same', 'different', 'unsure')),
    made_by   TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    made_at   DATETIME NOT NULL,
    PRIMARY KEY (mention_a, mention_b),
    CHECK (mention_a < mention_b)
) WITHOUT ROWID;

CREATE TABLE link_judgement_history (
    mention_a   TEXT NOT NULL,
    mention_b   TEXT NOT NULL,
    decision    TEXT NOT NULL,
    made_by     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    made_at     DATETIME NOT NULL,
    replaced_at DATETIME NOT NULL
);
CREATE INDEX link_judgement_history_pair ON link_judgement_history (mention_a, mention_b);

-- other_id is '' for most changes (a create, a join), so only the others
-- are indexed by it; queries say other_id <> '' to use the index.
CREATE TABLE entity_changes (
    id        TEXT PRIMARY KEY,
    run_id    TEXT,
    seq       INTEGER NOT NULL,
    at        DATETIME NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('create', 'join', 'merge', 'split', 'unmerge', 'retire')),
    entity_id TEXT NOT NULL REFERENCES entities (id),
    other_id  TEXT NOT NULL DEFAULT '',
    mentions  TEXT NOT NULL DEFAULT '[]',
    reason    TEXT NOT NULL DEFAULT '',
    undone_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX entity_changes_entity ON entity_changes (entity_id);
CREATE INDEX entity_changes_other ON entity_changes (other_id) WHERE other_id <> '';

-- The review queue reads the most uncertain pairs first.
CREATE TABLE link_pairs (
    mention_a   TEXT NOT NULL,
    mention_b   TEXT NOT NULL,
    weight      REAL NOT NULL,
    probability REAL NOT NULL CHECK (probability BETWEEN 0 AND 1),
    levels      TEXT NOT NULL DEFAULT '',
    band        TEXT NOT NULL CHECK (band IN ('link', 'review')),
    run_id      TEXT NOT NULL,
    PRIMARY KEY (mention_a, mention_b),
    CHECK (mention_a < mention_b)
) WITHOUT ROWID;
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
