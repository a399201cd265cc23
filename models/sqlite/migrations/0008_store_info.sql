-- What the store knows of itself, in one row (written by the store when it
-- migrates to this version).
--
-- test_data marks a database created for tests or the demo, the only kind
-- `booth cast` casts in. It is decided when the database is created and
-- never changed: a real election's database can never become one where a
-- command casts for somebody else.
--
-- latest_time is the latest time the store recorded (UTC, fixed width, ''
-- before the first): audit entries and the lifecycle's ticks move it
-- forward, never casts, so it says nothing of when anyone voted. A local
-- clock that has fallen behind it is refused (models.ErrClockSkew).
CREATE TABLE store_info (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	test_data   INTEGER NOT NULL CHECK (test_data IN (0, 1)),
	latest_time TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER store_info_test_data_fixed BEFORE UPDATE OF test_data ON store_info
BEGIN
	SELECT RAISE(ABORT, 'whether a booth database holds test data is decided when it is created and never changed');
END;
CREATE TRIGGER store_info_kept BEFORE DELETE ON store_info
BEGIN
	SELECT RAISE(ABORT, 'the booth database''s own record cannot be deleted');
END;
