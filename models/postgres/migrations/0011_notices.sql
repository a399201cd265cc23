-- Issue 14: notices and their outbox, one row per notice and member.
-- A row keeps no time of its own beyond due_at (a retry's earliest time)
-- and lease_until (how long a front end holds it); the close clears both
-- and folds the rows of notices sent to those who had not voted into
-- counts (folded), since who got a reminder says who had not voted by
-- then.
CREATE TABLE notices (
	id          text COLLATE "C" PRIMARY KEY, -- election/kind/slot
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	kind        text NOT NULL,
	slot        text NOT NULL,
	audience    text NOT NULL CHECK (audience IN ('roll', 'not_voted')),
	created_at  bigint NOT NULL,
	folded      jsonb -- the counts, once the rows were dropped
);
CREATE INDEX notices_election ON notices (election_id);

CREATE TABLE outbox (
	notice_id   text COLLATE "C" NOT NULL REFERENCES notices (id),
	member_id   text COLLATE "C" NOT NULL REFERENCES members (id),
	election_id text COLLATE "C" NOT NULL,
	state       text NOT NULL CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
	attempts    integer NOT NULL DEFAULT 0,
	due_at      bigint,
	holder      text,
	lease_until bigint,
	reason      text NOT NULL DEFAULT '',
	PRIMARY KEY (notice_id, member_id)
);
CREATE INDEX outbox_state ON outbox (state, notice_id, member_id);
CREATE INDEX outbox_holder ON outbox (holder) WHERE holder IS NOT NULL;
CREATE INDEX outbox_election ON outbox (election_id);
