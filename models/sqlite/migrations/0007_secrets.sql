-- Secrets the server keeps for itself, each created once per store so
-- that every front end on the store uses the same: 'candidate-order'
-- seeds each member's shuffled candidate order (issue 10 item 2), which
-- must not be computable from public values. Never published or exported.
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
