-- Session leases: one row per interactive session, so a member's session
-- limit holds across every front end on this database. A lease expires
-- unless its holder renews it, so a front end that dies does not lock its
-- members out. Nothing here names an election or a vote.
CREATE TABLE leases (
	id        text COLLATE "C" PRIMARY KEY, -- random
	member_id text COLLATE "C" NOT NULL,
	holder    text NOT NULL,                -- the front end serving the session
	expires   bigint NOT NULL               -- Unix nanoseconds, UTC
);
CREATE INDEX leases_by_member ON leases (member_id, expires);
CREATE INDEX leases_by_expiry ON leases (expires);
