-- Issue 14: notices and their outbox, one row per notice and member.
-- A row keeps no time of its own beyond due_at (a retry's earliest time)
-- and lease_until (how long a front end holds it); the close clears both
-- and folds the rows of notices sent to those who had not voted into
-- counts (folded), since who got a reminder says who had not voted by
-- then.
CREATE TABLE notices (
	id          TEXT PRIMARY KEY, -- election/kind/slot
	election_id TEXT NOT NULL REFERENCES elections (id),
	kind        TEXT NOT NULL,
	slot        TEXT NOT NULL,
	audience    TEXT NOT NULL CHECK (audience IN ('roll', 'not_voted')),
	created_at  TEXT NOT NULL,
	folded      TEXT -- JSON of the counts, once the rows were dropped
);
CREATE INDEX notices_election ON notices (election_id);

CREATE TABLE outbox (
	notice_id   TEXT NOT NULL REFERENCES notices (id),
	member_id   TEXT NOT NULL REFERENCES members (id),
	election_id TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	due_at      TEXT,
	holder      TEXT,
	lease_until TEXT,
	reason      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (notice_id, member_id)
) WITHOUT ROWID;
CREATE INDEX outbox_state ON outbox (state, notice_id, member_id);
CREATE INDEX outbox_holder ON outbox (holder) WHERE holder IS NOT NULL;
CREATE INDEX outbox_election ON outbox (election_id);
