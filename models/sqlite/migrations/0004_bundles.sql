-- Published results bundles (models/bundle): the signed file each counted
-- election publishes, kept so the server can hand it out over SSH. It
-- holds only what is public once published; a newer publication replaces
-- the older one (the audit log keeps the SHA-256 of each).
CREATE TABLE bundles (
	election_id TEXT PRIMARY KEY REFERENCES elections (id),
	data        BLOB NOT NULL
);
