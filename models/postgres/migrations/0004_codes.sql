-- The kiosk at a conference stand (models/codes.go).
--
-- One-time voting codes, kept only as their hash, for one member and
-- optionally one election, until they expire. A code is deleted when it is
-- used, revoked or found expired; no row says when it was issued or used.
CREATE TABLE kiosk_codes (
	hash        bytea PRIMARY KEY CHECK (length(hash) = 32),
	member_id   text COLLATE "C" NOT NULL REFERENCES members (id),
	election_id text COLLATE "C" REFERENCES elections (id), -- NULL: any open election
	expires     bigint NOT NULL -- Unix nanoseconds, UTC
);
CREATE INDEX kiosk_codes_by_expiry ON kiosk_codes (expires);

-- Members with the staff role: they may issue codes over SSH.
CREATE TABLE kiosk_staff (
	member_id text COLLATE "C" PRIMARY KEY REFERENCES members (id)
);

-- Thin clients: a laptop's SSH key that opens the kiosk, never a booth. A
-- key is a member's or a device's, never both; the store checks both
-- tables under a lock on the fingerprint.
CREATE TABLE kiosk_devices (
	name        text COLLATE "C" PRIMARY KEY,
	fingerprint text COLLATE "C" NOT NULL UNIQUE,
	type        text NOT NULL,
	public      text NOT NULL,
	comment     text NOT NULL DEFAULT ''
);
