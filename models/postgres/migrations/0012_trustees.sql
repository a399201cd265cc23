-- Issue 15: elections whose key is split among trustees. A share is
-- sealed to its trustee's SSH key; the whole key is never stored.
CREATE TABLE trustee_shares (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	idx         integer NOT NULL CHECK (idx >= 1), -- the trustee's place, 1-based
	sealed      bytea NOT NULL,
	PRIMARY KEY (election_id, idx)
);

-- A trustee count: its one-time public key (age1…), and the releases its
-- count used (statements and signatures only, no share).
CREATE TABLE count_sessions (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	session_key text NOT NULL,
	state       text NOT NULL CHECK (state IN ('open', 'finished', 'abandoned')),
	started_at  bigint NOT NULL, -- Unix nanoseconds, UTC
	finished_at bigint,          -- NULL while open
	releases    jsonb NOT NULL DEFAULT '[]',
	PRIMARY KEY (election_id, session_key)
);
CREATE UNIQUE INDEX count_sessions_one_open ON count_sessions (election_id) WHERE state = 'open';
