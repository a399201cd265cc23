-- A member's elections are looked up at every login (the booth's home
-- screen): index the roll by member. The index holds no vote flag, so
-- casting does not touch it.
CREATE INDEX roll_by_member ON roll (member_id, election_id);
