-- Issue 14, second part: notices that are not about an election's ballot.
-- A renewal reminder concerns one member and no election (its notice row
-- names the member, election_id is NULL); the announcement that an
-- election's nominations are open goes to every active member (audience
-- 'members'), since the roll exists only once voting opens. SQLite
-- cannot change a CHECK or a NOT NULL in place, so both tables are
-- rebuilt (new tables first, so the foreign keys hold at every step).
CREATE TABLE notices_new (
	id          TEXT PRIMARY KEY, -- election/kind/slot, or renewal/member/term
	election_id TEXT REFERENCES elections (id),
	member_id   TEXT REFERENCES members (id),
	kind        TEXT NOT NULL,
	slot        TEXT NOT NULL,
	audience    TEXT NOT NULL CHECK (audience IN ('roll', 'not_voted', 'members', 'member')),
	created_at  TEXT NOT NULL,
	folded      TEXT,
	CHECK ((audience = 'member') = (election_id IS NULL AND member_id IS NOT NULL))
);
INSERT INTO notices_new (id, election_id, kind, slot, audience, created_at, folded)
	SELECT id, election_id, kind, slot, audience, created_at, folded FROM notices;

CREATE TABLE outbox_new (
	notice_id   TEXT NOT NULL REFERENCES notices_new (id),
	member_id   TEXT NOT NULL REFERENCES members (id),
	election_id TEXT,
	state       TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	due_at      TEXT,
	holder      TEXT,
	lease_until TEXT,
	reason      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (notice_id, member_id)
) WITHOUT ROWID;
INSERT INTO outbox_new SELECT notice_id, member_id, election_id, state, attempts, due_at, holder, lease_until, reason FROM outbox;

DROP TABLE outbox;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX notices_election ON notices (election_id);
CREATE INDEX outbox_state ON outbox (state, notice_id, member_id);
CREATE INDEX outbox_holder ON outbox (holder) WHERE holder IS NOT NULL;
CREATE INDEX outbox_election ON outbox (election_id);
