-- A case may be restricted to a case team: then only the team's members
-- read it, whatever their role. Kept apart from cases so that a newer
-- export of the case, which knows nothing of teams, never lifts it.

-- +goose Up
CREATE TABLE case_restrictions (
    case_id       TEXT PRIMARY KEY REFERENCES cases (id),
    team          text NOT NULL CHECK (team <> ''),
    restricted_by text NOT NULL,
    restricted_at DATETIME NOT NULL
);
CREATE INDEX case_restrictions_team ON case_restrictions (team);

-- +goose Down
DROP TABLE case_restrictions;
