-- Victims' identities kept apart. A victim's names, aliases, date of birth
-- and addresses are not stored on the mention: the mention keeps a
-- pseudonym, and the identity is sealed (AES-256-GCM, the row bound as
-- additional data) in victim_identities, one row per version of the
-- mention so that history stays sealed too. victim_index holds keyed blind
-- indexes (HMAC-SHA256) of the current version for equality search. The
-- values a quarantined row or an ingest note keeps may be a victim's, and
-- the role of a bad row is not known, so they are sealed likewise. The keys
-- are never in the database.

-- +goose Up
ALTER TABLE mentions ADD COLUMN pseudonym text NOT NULL DEFAULT '';
CREATE INDEX mentions_pseudonym ON mentions (pseudonym) WHERE pseudonym <> '';

CREATE TABLE victim_identities (
    mention_id TEXT NOT NULL REFERENCES mentions (id),
    version    integer NOT NULL CHECK (version >= 1),
    key_id     text NOT NULL,
    sealed     BLOB NOT NULL,
    PRIMARY KEY (mention_id, version)
);

CREATE TABLE victim_index (
    mention_id TEXT NOT NULL REFERENCES mentions (id),
    kind       text NOT NULL,
    digest     BLOB NOT NULL
);
CREATE INDEX victim_index_digest ON victim_index (kind, digest);
CREATE INDEX victim_index_mention ON victim_index (mention_id);

ALTER TABLE quarantine ADD COLUMN key_id text NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN sealed BLOB;
ALTER TABLE ingest_notes ADD COLUMN key_id text NOT NULL DEFAULT '';
ALTER TABLE ingest_notes ADD COLUMN sealed BLOB;

-- +goose Down
ALTER TABLE ingest_notes DROP COLUMN sealed;
ALTER TABLE ingest_notes DROP COLUMN key_id;
ALTER TABLE quarantine DROP COLUMN sealed;
ALTER TABLE quarantine DROP COLUMN key_id;
DROP TABLE victim_index;
DROP TABLE victim_identities;
DROP INDEX mentions_pseudonym;
ALTER TABLE mentions DROP COLUMN pseudonym;
