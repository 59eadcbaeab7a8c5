-- The foundation schema: export files, cases, mentions of people and events,
-- each row carrying the file and row it came from. Lists are JSON arrays.
-- Dates that may be partial are ISO text (1981, 1981-03, 1981-03-12), which
-- sorts in date order. A mention's force and creation time are its source's;
-- mentions are the largest table, so they are not repeated on every row.

-- +goose Up
CREATE TABLE sources (
    id          uuid PRIMARY KEY,
    force       text NOT NULL,
    system      text NOT NULL DEFAULT '',
    file_name   text NOT NULL,
    profile     text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL,
    sha256      text NOT NULL,
    row_count   integer NOT NULL CHECK (row_count >= 0),
    created_at  timestamptz NOT NULL,
    UNIQUE (force, sha256)
);

CREATE TABLE cases (
    id                uuid PRIMARY KEY,
    force             text NOT NULL,
    crime_ref         text NOT NULL,
    offence_codes     jsonb NOT NULL DEFAULT '[]',
    offence_from      text NOT NULL DEFAULT '',
    offence_to        text NOT NULL DEFAULT '',
    recorded          text NOT NULL DEFAULT '',
    outcome_type      integer NOT NULL DEFAULT 0 CHECK (outcome_type BETWEEN 0 AND 22),
    outcome_date      text NOT NULL DEFAULT '',
    decision_maker    text NOT NULL DEFAULT '',
    closure_rationale text NOT NULL DEFAULT '',
    narrative         text NOT NULL DEFAULT '',
    flags             jsonb NOT NULL DEFAULT '[]',
    source_id         uuid NOT NULL REFERENCES sources (id),
    source_row        integer NOT NULL CHECK (source_row >= 1),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (force, crime_ref)
);
CREATE INDEX cases_source ON cases (source_id);

CREATE TABLE mentions (
    id                 uuid PRIMARY KEY,
    case_id            uuid REFERENCES cases (id),
    record_id          text NOT NULL,
    role               text NOT NULL CHECK (role IN ('victim', 'suspect', 'witness', 'other')),
    forename           text NOT NULL DEFAULT '',
    middle_names       text NOT NULL DEFAULT '',
    surname            text NOT NULL DEFAULT '',
    name_as_written    text NOT NULL DEFAULT '',
    aliases            jsonb NOT NULL DEFAULT '[]',
    dob                text NOT NULL DEFAULT '',
    sex                text NOT NULL DEFAULT '',
    ethnicity_self     text NOT NULL DEFAULT '',
    ethnicity_observed text NOT NULL DEFAULT '',
    nationality        text NOT NULL DEFAULT '',
    addresses          jsonb NOT NULL DEFAULT '[]',
    phones             jsonb NOT NULL DEFAULT '[]',
    vehicles           jsonb NOT NULL DEFAULT '[]',
    vulnerabilities    jsonb NOT NULL DEFAULT '[]',
    source_id          uuid NOT NULL REFERENCES sources (id),
    source_row         integer NOT NULL CHECK (source_row >= 1),
    version            integer NOT NULL DEFAULT 1,
    updated_at         timestamptz,
    UNIQUE (source_id, record_id)
);
CREATE INDEX mentions_case ON mentions (case_id);

CREATE TABLE events (
    id         uuid PRIMARY KEY,
    case_id    uuid REFERENCES cases (id),
    mention_id uuid REFERENCES mentions (id),
    type       text NOT NULL,
    date       text NOT NULL DEFAULT '',
    detail     text NOT NULL DEFAULT '',
    source_id  uuid NOT NULL REFERENCES sources (id),
    source_row integer NOT NULL CHECK (source_row >= 1),
    created_at timestamptz NOT NULL,
    CHECK (case_id IS NOT NULL OR mention_id IS NOT NULL)
);
CREATE INDEX events_case ON events (case_id);
CREATE INDEX events_mention ON events (mention_id);

-- +goose Down
DROP TABLE events;
DROP TABLE mentions;
DROP TABLE cases;
DROP TABLE sources;
