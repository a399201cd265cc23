-- Session leases: one row per interactive session, so a member's session
-- limit holds across every process serving from this database. A lease
-- expires unless its holder renews it, so a process that dies does not
-- lock its members out. Nothing here names an election or a vote.
CREATE TABLE leases (
	id        TEXT PRIMARY KEY,  -- random, hex
	member_id TEXT NOT NULL,
	holder    TEXT NOT NULL,     -- the front end serving the session
	expires   TEXT NOT NULL      -- UTC, fixed width, so text order is time order
) WITHOUT ROWID;
CREATE INDEX leases_by_member ON leases (member_id, expires);
CREATE INDEX leases_by_expiry ON leases (expires);
