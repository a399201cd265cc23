-- The kiosk at a conference stand (models/codes.go).
--
-- One-time voting codes, kept only as their hash, for one member and
-- optionally one election, until they expire. A code is deleted when it is
-- used, revoked or found expired; no row says when it was issued or used.
-- WITHOUT ROWID, so no rowid carries the order codes were issued in.
CREATE TABLE kiosk_codes (
	hash        BLOB PRIMARY KEY CHECK (length(hash) = 32),
	member_id   TEXT NOT NULL REFERENCES members (id),
	election_id TEXT REFERENCES elections (id), -- NULL: any open election
	expires     TEXT NOT NULL -- UTC, fixed width, so text order is time order
) WITHOUT ROWID;
CREATE INDEX kiosk_codes_by_expiry ON kiosk_codes (expires);

-- Members with the staff role: they may issue codes over SSH.
CREATE TABLE kiosk_staff (
	member_id TEXT PRIMARY KEY REFERENCES members (id)
) WITHOUT ROWID;

-- Thin clients: a laptop's SSH key that opens the kiosk, never a booth.
CREATE TABLE kiosk_devices (
	name        TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL UNIQUE,
	type        TEXT NOT NULL,
	public      TEXT NOT NULL,
	comment     TEXT NOT NULL DEFAULT ''
);

-- A key is a member's or a device's, never both: login decides by the key
-- which of the two a connection is. AddKioskDevice checks the members'
-- keys; this keeps a device's key from becoming a member's.
CREATE TRIGGER keys_not_kiosk_devices BEFORE INSERT ON keys
WHEN EXISTS (SELECT 1 FROM kiosk_devices WHERE fingerprint = NEW.fingerprint)
BEGIN
	SELECT RAISE(ABORT, 'this key is registered as a kiosk device: a key belongs to a member or to a kiosk device, not both');
END;
