-- Issue 14, second part: notices that are not about an election's ballot.
-- A renewal reminder concerns one member and no election (its notice row
-- names the member, election_id is NULL); the announcement that an
-- election's nominations are open goes to every active member (audience
-- 'members'), since the roll exists only once voting opens.
ALTER TABLE notices ALTER COLUMN election_id DROP NOT NULL;
ALTER TABLE notices ADD COLUMN member_id text COLLATE "C" REFERENCES members (id);
ALTER TABLE notices DROP CONSTRAINT notices_audience_check;
ALTER TABLE notices ADD CONSTRAINT notices_audience_check CHECK (audience IN ('roll', 'not_voted', 'members', 'member'));
ALTER TABLE notices ADD CONSTRAINT notices_member_check CHECK ((audience = 'member') = (election_id IS NULL AND member_id IS NOT NULL));
ALTER TABLE outbox ALTER COLUMN election_id DROP NOT NULL;
