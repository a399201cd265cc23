-- store_info holds one row, written once (0008). INSERT OR REPLACE and
-- REPLACE INTO replace it without firing the delete trigger (a REPLACE's
-- implicit delete fires none), so they could rewrite test_data: any
-- insert once the row exists is refused (issue 10 item 3). The store
-- writes the row only while none exists.
CREATE TRIGGER store_info_one_row BEFORE INSERT ON store_info
WHEN EXISTS (SELECT 1 FROM store_info)
BEGIN
	SELECT RAISE(ABORT, 'the booth database''s own record is written once, when the database is created, and never replaced');
END;
