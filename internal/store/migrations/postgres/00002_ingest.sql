-- What ingest keeps beside the records: rows it could not take
-- (quarantine), values it took differently from how they were written
-- (notes), and the parts that nominal index people play in cases
-- (involvements, from a force's link table). Sources say who loaded them.

-- +goose Up
ALTER TABLE sources ADD COLUMN loaded_by text NOT NULL DEFAULT '';

CREATE TABLE quarantine (
    id         uuid PRIMARY KEY,
    source_id  uuid NOT NULL REFERENCES sources (id),
    source_row integer NOT NULL CHECK (source_row >= 1),
    field      text NOT NULL DEFAULT '',
    value      text NOT NULL DEFAULT '',
    reason     text NOT NULL,
    raw        text NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_source ON quarantine (source_id, source_row);

CREATE TABLE ingest_notes (
    id         uuid PRIMARY KEY,
    source_id  uuid NOT NULL REFERENCES sources (id),
    source_row integer NOT NULL CHECK (source_row >= 1),
    kind       text NOT NULL CHECK (kind IN ('warning', 'repair')),
    field      text NOT NULL DEFAULT '',
    value      text NOT NULL DEFAULT '',
    detail     text NOT NULL DEFAULT ''
);
CREATE INDEX ingest_notes_source ON ingest_notes (source_id, source_row);

CREATE TABLE involvements (
    id         uuid PRIMARY KEY,
    case_id    uuid NOT NULL REFERENCES cases (id),
    mention_id uuid NOT NULL REFERENCES mentions (id),
    role       text NOT NULL CHECK (role IN ('victim', 'suspect', 'witness', 'other')),
    source_id  uuid NOT NULL REFERENCES sources (id),
    source_row integer NOT NULL CHECK (source_row >= 1),
    created_at timestamptz NOT NULL,
    UNIQUE (case_id, mention_id, role)
);
CREATE INDEX involvements_mention ON involvements (mention_id);

-- +goose Down
DROP TABLE involvements;
DROP TABLE ingest_notes;
DROP TABLE quarantine;
ALTER TABLE sources DROP COLUMN loaded_by;
