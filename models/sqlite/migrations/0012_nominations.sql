-- Issue 13. A member's term: good_until is when it ends (UTC, fixed width;
-- '' when memberships do not expire). The foundation's membership rules,
-- one row of JSON (models.Foundation). Nominations: one row per nominee
-- of an election, and one per member supporting them; nominations are
-- public, so these rows may show who nominated whom.
ALTER TABLE members ADD COLUMN good_until TEXT NOT NULL DEFAULT '';

CREATE TABLE foundation (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	rules TEXT NOT NULL
);

CREATE TABLE nominations (
	election_id TEXT NOT NULL REFERENCES elections (id),
	nominee_id  TEXT NOT NULL REFERENCES members (id),
	state       TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn', 'rejected')),
	statement   TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (election_id, nominee_id)
) WITHOUT ROWID;

CREATE TABLE nomination_supporters (
	election_id  TEXT NOT NULL,
	nominee_id   TEXT NOT NULL,
	supporter_id TEXT NOT NULL REFERENCES members (id),
	PRIMARY KEY (election_id, nominee_id, supporter_id),
	FOREIGN KEY (election_id, nominee_id) REFERENCES nominations (election_id, nominee_id)
) WITHOUT ROWID;
CREATE INDEX nomination_supporters_by ON nomination_supporters (election_id, supporter_id);
