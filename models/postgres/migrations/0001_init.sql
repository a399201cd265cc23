-- Booth's first schema on PostgreSQL. Secrecy rules this layout follows:
--  * roll (who may vote, who voted) and box (what was voted) share no key,
--    no timestamp, no sequence and no foreign key between them;
--  * every row carries xmin, the transaction that wrote it, and a cast
--    writes a roll mark and a ballot together: CloseElection writes an
--    election's roll, box and replaced receipts back, each table in its own
--    subtransaction, then VACUUM FULL drops the old row versions.
-- Identifiers sort by bytes (COLLATE "C"), as in the SQLite store, whatever
-- the database's locale. Times are Unix nanoseconds, UTC.

CREATE TABLE members (
	id     text COLLATE "C" PRIMARY KEY,
	name   text NOT NULL,
	email  text NOT NULL DEFAULT '',
	status text NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
	joined bigint NOT NULL
);

-- The fingerprint is the key: the login lookup is a primary-key hit.
CREATE TABLE keys (
	fingerprint text COLLATE "C" PRIMARY KEY,
	member_id   text COLLATE "C" NOT NULL REFERENCES members (id),
	type        text NOT NULL,
	public      text NOT NULL,
	comment     text NOT NULL DEFAULT ''
);
CREATE INDEX keys_member ON keys (member_id, fingerprint);

CREATE TABLE elections (
	id          text COLLATE "C" PRIMARY KEY,
	definition  jsonb NOT NULL, -- models.Definition
	state       text NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'counted')),
	fingerprint text NOT NULL DEFAULT '',
	recipients  text[] NOT NULL DEFAULT '{}',
	withdrawn   text[] NOT NULL DEFAULT '{}', -- candidate IDs
	extensions  integer NOT NULL DEFAULT 0,
	opened_at   bigint, -- NULL until opened
	closed_at   bigint  -- NULL until closed
);

CREATE TABLE roll (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	member_id   text COLLATE "C" NOT NULL REFERENCES members (id),
	voted       boolean NOT NULL DEFAULT false,
	PRIMARY KEY (election_id, member_id)
);
-- A member's elections are looked up at every login. The index holds no
-- vote flag.
CREATE INDEX roll_by_member ON roll (member_id, election_id);

CREATE TABLE box (
	election_id  text COLLATE "C" NOT NULL REFERENCES elections (id),
	receipt_hash bytea NOT NULL CHECK (length(receipt_hash) = 32),
	sealed       bytea NOT NULL,
	PRIMARY KEY (election_id, receipt_hash)
);

CREATE TABLE replaced (
	election_id  text COLLATE "C" NOT NULL REFERENCES elections (id),
	receipt_hash bytea NOT NULL CHECK (length(receipt_hash) = 32),
	PRIMARY KEY (election_id, receipt_hash)
);

CREATE TABLE results (
	election_id text COLLATE "C" PRIMARY KEY REFERENCES elections (id),
	result      jsonb NOT NULL, -- tally.Result
	counted_at  bigint NOT NULL
);

CREATE TABLE audit (
	seq    bigint PRIMARY KEY,
	at     bigint NOT NULL, -- Unix seconds, UTC
	actor  text NOT NULL,
	action text NOT NULL,
	detail text NOT NULL,
	prev   bytea NOT NULL,
	hash   bytea NOT NULL
);
