-- What ingest keeps beside the records: rows it could not take
-- (quarantine), values it took differently from how they were written
-- (notes), and the parts that nominal index people play in cases
-- (involvements, from a force's link table). Sources say who loaded them.

-- +goose Up
ALTER TABLE sources ADD COLUMN loaded_by TEXT NOT NULL DEFAULT '';

CREATE TABLE quarantine (
    id         TEXT PRIMARY KEY,
    source_id  TEXT NOT NULL REFERENCES sources (id),
    source_row INTEGER NOT NULL CHECK (source_row >= 1),
    field      TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    raw        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_source ON quarantine (source_id, source_row);

CREATE TABLE ingest_notes (
    id         TEXT PRIMARY KEY,
    source_id  TEXT NOT NULL REFERENCES sources (id),
    source_row INTEGER NOT NULL CHECK (source_row >= 1),
    kind       TEXT NOT NULL CHECK (kind IN ('warning', 'repair')),
    field      TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ingest_notes_source ON ingest_notes (source_id, source_row);

CREATE TABLE involvements (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    mention_id TEXT NOT NULL REFERENCES mentions (id),
    role       TEXT NOT NULL CHECK (role IN ('victim', 'suspect', 'witness', 'other')),
    source_id  TEXT NOT NULL REFERENCES sources (id),
    source_row INTEGER NOT NULL CHECK (source_row >= 1),
    created_at DATETIME NOT NULL,
    UNIQUE (case_id, mention_id, role)
);
CREATE INDEX involvements_mention ON involvements (mention_id);

-- +goose Down
DROP TABLE involvements;
DROP TABLE ingest_notes;
DROP TABLE quarantine;
ALTER TABLE sources DROP COLUMN loaded_by;
