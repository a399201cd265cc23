-- Accountability for kiosk codes (models/codes_record.go).
--
-- A code now lists the elections it opens: each holds a sealed record of
-- its issue, and the code opens no other. Codes issued before have no
-- record: they are dropped, and staff issue new ones.
DELETE FROM kiosk_codes;
ALTER TABLE kiosk_codes ADD COLUMN opens text[] COLLATE "C" NOT NULL DEFAULT '{}';

-- The issue log: one row per code issued, for the staff's limit and their
-- history. It names the staff member (NULL: an officer at the server's
-- command line), never the member the code is for, and keeps no time of
-- its use: state only says whether it was used or revoked.
CREATE TABLE kiosk_code_issues (
	hash        bytea PRIMARY KEY CHECK (length(hash) = 32),
	staff       text COLLATE "C" REFERENCES members (id),
	election_id text COLLATE "C" REFERENCES elections (id), -- NULL: any open election
	issued      bigint NOT NULL, -- Unix nanoseconds, UTC
	expires     bigint NOT NULL,
	state       text NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'used', 'revoked'))
);
CREATE INDEX kiosk_code_issues_by_staff ON kiosk_code_issues (staff, issued);

-- Who issued a code for whom, sealed to the tally key of each election
-- the code opens: the server cannot read it. No time and a random key;
-- the close writes an election's rows back in key order and VACUUM FULL
-- drops the old versions (and their xmin, the issuing transaction).
CREATE TABLE kiosk_code_records (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	key         bytea NOT NULL CHECK (length(key) = 32),
	sealed      bytea NOT NULL,
	PRIMARY KEY (election_id, key)
);
