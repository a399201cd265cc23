-- Issue 13. A member's term: good_until is when it ends (Unix
-- nanoseconds, UTC; NULL when memberships do not expire). The
-- foundation's membership rules, one row of JSON (models.Foundation).
-- Nominations: one row per nominee of an election, and one per member
-- supporting them; nominations are public, so these rows may show who
-- nominated whom.
ALTER TABLE members ADD COLUMN good_until bigint;

CREATE TABLE foundation (
	id    int PRIMARY KEY CHECK (id = 1),
	rules jsonb NOT NULL
);

CREATE TABLE nominations (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	nominee_id  text COLLATE "C" NOT NULL REFERENCES members (id),
	state       text NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn', 'rejected')),
	statement   text NOT NULL DEFAULT '',
	reason      text NOT NULL DEFAULT '',
	PRIMARY KEY (election_id, nominee_id)
);

CREATE TABLE nomination_supporters (
	election_id  text COLLATE "C" NOT NULL,
	nominee_id   text COLLATE "C" NOT NULL,
	supporter_id text COLLATE "C" NOT NULL REFERENCES members (id),
	PRIMARY KEY (election_id, nominee_id, supporter_id),
	FOREIGN KEY (election_id, nominee_id) REFERENCES nominations (election_id, nominee_id)
);
CREATE INDEX nomination_supporters_by ON nomination_supporters (election_id, supporter_id);
