-- Issue 12. An election cancelled before any ballot keeps the state
-- 'closed' (as on SQLite, whose state CHECK cannot change) and the time it
-- was cancelled; models reads it as cancelled. open_refused holds the
-- fingerprint of the definition whose opening was refused for an empty
-- electorate, so the refusal is audited once however often the clock
-- tries again.
ALTER TABLE elections ADD COLUMN cancelled_at bigint; -- NULL unless cancelled
ALTER TABLE elections ADD COLUMN open_refused text NOT NULL DEFAULT '';
