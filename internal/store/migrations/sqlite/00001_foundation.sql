-- The foundation schema: export files, cases, mentions of people and events,
-- each row carrying the file and row it came from. Lists are JSON arrays.
-- Dates that may be partial are ISO text (1981, 1981-03, 1981-03-12), which
-- sorts in date order. A mention's force and creation time are its source's;
-- mentions are the largest table, so they are not repeated on every row.

-- +goose Up
CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    force       TEXT NOT NULL,
    system      TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL,
    profile     TEXT NOT NULL DEFAULT '',
    received_at DATETIME NOT NULL,
    sha256      TEXT NOT NULL,
    row_count   INTEGER NOT NULL CHECK (row_count >= 0),
    created_at  DATETIME NOT NULL,
    UNIQUE (force, sha256)
);

CREATE TABLE cases (
    id                TEXT PRIMARY KEY,
    force             TEXT NOT NULL,
    crime_ref         TEXT NOT NULL,
    offence_codes     TEXT NOT NULL DEFAULT '[]',
    offence_from      TEXT NOT NULL DEFAULT '',
    offence_to        TEXT NOT NULL DEFAULT '',
    recorded          TEXT NOT NULL DEFAULT '',
    outcome_type      INTEGER NOT NULL DEFAULT 0 CHECK (outcome_type BETWEEN 0 AND 22),
    outcome_date      TEXT NOT NULL DEFAULT '',
    decision_maker    TEXT NOT NULL DEFAULT '',
    closure_rationale TEXT NOT NULL DEFAULT '',
    narrative         TEXT NOT NULL DEFAULT '',
    flags             TEXT NOT NULL DEFAULT '[]',
    source_id         TEXT NOT NULL REFERENCES sources (id),
    source_row        INTEGER NOT NULL CHECK (source_row >= 1),
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    UNIQUE (force, crime_ref)
);
CREATE INDEX cases_source ON cases (source_id);

CREATE TABLE mentions (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT REFERENCES cases (id),
    record_id          TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('victim', 'suspect', 'witness', 'other')),
    forename           TEXT NOT NULL DEFAULT '',
    middle_names       TEXT NOT NULL DEFAULT '',
    surname            TEXT NOT NULL DEFAULT '',
    name_as_written    TEXT NOT NULL DEFAULT '',
    aliases            TEXT NOT NULL DEFAULT '[]',
    dob                TEXT NOT NULL DEFAULT '',
    sex                TEXT NOT NULL DEFAULT '',
    ethnicity_self     TEXT NOT NULL DEFAULT '',
    ethnicity_observed TEXT NOT NULL DEFAULT '',
    nationality        TEXT NOT NULL DEFAULT '',
    addresses          TEXT NOT NULL DEFAULT '[]',
    phones             TEXT NOT NULL DEFAULT '[]',
    vehicles           TEXT NOT NULL DEFAULT '[]',
    vulnerabilities    TEXT NOT NULL DEFAULT '[]',
    source_id          TEXT NOT NULL REFERENCES sources (id),
    source_row         INTEGER NOT NULL CHECK (source_row >= 1),
    version            INTEGER NOT NULL DEFAULT 1,
    updated_at         DATETIME,
    UNIQUE (source_id, record_id)
);
CREATE INDEX mentions_case ON mentions (case_id);

CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT REFERENCES cases (id),
    mention_id TEXT REFERENCES mentions (id),
    type       TEXT NOT NULL,
    date       TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    source_id  TEXT NOT NULL REFERENCES sources (id),
    source_row INTEGER NOT NULL CHECK (source_row >= 1),
    created_at DATETIME NOT NULL,
    CHECK (case_id IS NOT NULL OR mention_id IS NOT NULL)
);
CREATE INDEX events_case ON events (case_id);
CREATE INDEX events_mention ON events (mention_id);

-- +goose Down
DROP TABLE events;
DROP TABLE mentions;
DROP TABLE cases;
DROP TABLE sources;
