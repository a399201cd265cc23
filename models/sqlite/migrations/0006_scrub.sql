-- The close's scrub as a state (issue 10 item 1): set by the closing
-- transaction, cleared once the WAL was emptied and the file vacuumed.
-- Elections closed before this migration may have been left unscrubbed by a
-- reader, so they are scrubbed again.
ALTER TABLE elections ADD COLUMN scrub_pending INTEGER NOT NULL DEFAULT 0 CHECK (scrub_pending IN (0, 1));
UPDATE elections SET scrub_pending = 1 WHERE state IN ('closed', 'counted');
