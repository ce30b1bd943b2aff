-- The audit trail, appended and never updated. Each row is a segment: the
-- events of one committed batch, in seq order, as frames of their seq, the
-- hash of the event before, their own hash and their record (the event as
-- the hash chain covers it, warden.AuditEvent.AppendRecord). One row per
-- batch rather than per event keeps the trail's cost off the request path;
-- the other columns bound the segment's seqs and request times (unix
-- microseconds) so that reads skip segments, and verification checks them
-- against the frames.

-- +goose Up
CREATE TABLE audit_segments (
    first_seq  BIGINT PRIMARY KEY,
    last_seq   BIGINT NOT NULL,
    first_time BIGINT NOT NULL,
    last_time  BIGINT NOT NULL,
    events     BLOB NOT NULL
);
CREATE INDEX audit_segments_by_time ON audit_segments (last_time);

-- One row: the last event appended, written in the same transaction, so
-- that removing the newest events does not leave a chain that verifies.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_segments;
