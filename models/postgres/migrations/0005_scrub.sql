-- The close's scrub as a state (issue 10 item 1): set by the closing
-- transaction, cleared once VACUUM FULL ran after every older transaction
-- ended. Elections closed before this migration may have been left
-- unscrubbed, so they are scrubbed again.
ALTER TABLE elections ADD COLUMN scrub_pending boolean NOT NULL DEFAULT false;
UPDATE elections SET scrub_pending = true WHERE state IN ('closed', 'counted');
