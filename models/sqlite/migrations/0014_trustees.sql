-- Issue 15: elections whose key is split among trustees. A share is
-- sealed to its trustee's SSH key; the whole key is never stored.
CREATE TABLE trustee_shares (
	election_id TEXT NOT NULL REFERENCES elections (id),
	idx         INTEGER NOT NULL CHECK (idx >= 1), -- the trustee's place, 1-based
	sealed      BLOB NOT NULL,
	PRIMARY KEY (election_id, idx)
) WITHOUT ROWID;

-- A trustee count: its one-time public key (age1…), and the releases its
-- count used (JSON, statements and signatures only, no share).
CREATE TABLE count_sessions (
	election_id TEXT NOT NULL REFERENCES elections (id),
	session_key TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('open', 'finished', 'abandoned')),
	started_at  TEXT NOT NULL,
	finished_at TEXT NOT NULL DEFAULT '',
	releases    TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (election_id, session_key)
);
CREATE UNIQUE INDEX count_sessions_one_open ON count_sessions (election_id) WHERE state = 'open';
