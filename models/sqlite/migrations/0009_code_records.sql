-- Accountability for kiosk codes (models/codes_record.go).
--
-- A code now lists the elections it opens (a JSON array of ids): each
-- holds a sealed record of its issue, and the code opens no other. Codes
-- issued before have no record: they are dropped, and staff issue new
-- ones.
DELETE FROM kiosk_codes;
ALTER TABLE kiosk_codes ADD COLUMN opens TEXT NOT NULL DEFAULT '[]';

-- The issue log: one row per code issued, for the staff's limit and their
-- history. It names the staff member (NULL: an officer at the server's
-- command line), never the member the code is for, and keeps no time of
-- its use: state only says whether it was used or revoked.
CREATE TABLE kiosk_code_issues (
	hash        BLOB PRIMARY KEY CHECK (length(hash) = 32),
	staff       TEXT REFERENCES members (id),
	election_id TEXT REFERENCES elections (id), -- NULL: any open election
	issued      TEXT NOT NULL, -- UTC, fixed width, so text order is time order
	expires     TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'used', 'revoked'))
) WITHOUT ROWID;
CREATE INDEX kiosk_code_issues_by_staff ON kiosk_code_issues (staff, issued);

-- Who issued a code for whom, sealed to the tally key of each election
-- the code opens: the server cannot read it. No time, a random key, and
-- WITHOUT ROWID, so nothing orders the rows; the close rewrites the table
-- in key order.
CREATE TABLE kiosk_code_records (
	election_id TEXT NOT NULL REFERENCES elections (id),
	key         BLOB NOT NULL CHECK (length(key) = 32),
	sealed      BLOB NOT NULL,
	PRIMARY KEY (election_id, key)
) WITHOUT ROWID;
