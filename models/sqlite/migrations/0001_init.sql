-- Booth's first schema. Secrecy rules this layout follows:
--  * roll (who may vote, who voted) and box (what was voted) share no key,
--    no timestamp, no autoincrement and no foreign key;
--  * roll, box and replaced are WITHOUT ROWID tables, so no rowid carries
--    insertion order; CloseElection rewrites them in key order.

CREATE TABLE members (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	email  TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
	joined TEXT NOT NULL -- UTC, fixed width, so text order is time order
);

-- The fingerprint is the key: the login lookup is a primary-key hit.
CREATE TABLE keys (
	fingerprint TEXT PRIMARY KEY,
	member_id   TEXT NOT NULL REFERENCES members (id),
	type        TEXT NOT NULL,
	public      TEXT NOT NULL,
	comment     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX keys_member ON keys (member_id);

CREATE TABLE elections (
	id          TEXT PRIMARY KEY,
	definition  TEXT NOT NULL, -- JSON of models.Definition
	state       TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'counted')),
	fingerprint TEXT NOT NULL DEFAULT '',
	recipients  TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	withdrawn   TEXT NOT NULL DEFAULT '[]', -- JSON array of candidate IDs
	extensions  INTEGER NOT NULL DEFAULT 0,
	opened_at   TEXT NOT NULL DEFAULT '',
	closed_at   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE roll (
	election_id TEXT NOT NULL REFERENCES elections (id),
	member_id   TEXT NOT NULL REFERENCES members (id),
	voted       INTEGER NOT NULL DEFAULT 0 CHECK (voted IN (0, 1)),
	PRIMARY KEY (election_id, member_id)
) WITHOUT ROWID;

CREATE TABLE box (
	election_id  TEXT NOT NULL REFERENCES elections (id),
	receipt_hash BLOB NOT NULL CHECK (length(receipt_hash) = 32),
	sealed       BLOB NOT NULL,
	PRIMARY KEY (election_id, receipt_hash)
) WITHOUT ROWID;

CREATE TABLE replaced (
	election_id  TEXT NOT NULL REFERENCES elections (id),
	receipt_hash BLOB NOT NULL CHECK (length(receipt_hash) = 32),
	PRIMARY KEY (election_id, receipt_hash)
) WITHOUT ROWID;

CREATE TABLE results (
	election_id TEXT PRIMARY KEY REFERENCES elections (id),
	result      TEXT NOT NULL, -- JSON, see result.go
	counted_at  TEXT NOT NULL
);

CREATE TABLE audit (
	seq    INTEGER PRIMARY KEY,
	at     INTEGER NOT NULL, -- Unix seconds, UTC
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev   BLOB NOT NULL,
	hash   BLOB NOT NULL
);
