-- The people search index reads, every few seconds, the person records
-- changed since it last looked: those of sources stored since, found
-- through sources' creation time and mentions' (source_id, record_id)
-- index, and those updated since, through this index. Without it each
-- look read every mention.

-- +goose Up
CREATE INDEX sources_created ON sources (created_at);
CREATE INDEX mentions_updated ON mentions (updated_at) WHERE updated_at IS NOT NULL;

-- +goose Down
DROP INDEX mentions_updated;
DROP INDEX sources_created;
