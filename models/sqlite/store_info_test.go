package sqlite

import (
	"strings"
	"testing"
)

// TestStoreInfoCannotBeReplaced (issue 10 item 3): REPLACE's implicit
// delete fires no delete trigger, so INSERT OR REPLACE and REPLACE INTO
// could rewrite the store's one record and turn a real database into test
// data (where `booth cast` casts for anyone) or back. Both are refused,
// the mark stays, and the store still opens afterwards.
func TestStoreInfoCannotBeReplaced(t *testing.T) {
	for _, stmt := range []string{
		`INSERT OR REPLACE INTO store_info (id, test_data) VALUES (1, 1)`,
		`REPLACE INTO store_info (id, test_data) VALUES (1, 1)`,
		`INSERT OR IGNORE INTO store_info (id, test_data) VALUES (1, 1)`,
		`INSERT INTO store_info (id, test_data) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET test_data = 1`,
	} {
		dir := t.TempDir()
		s := openStore(t, dir)
		_, err := s.db.Exec(stmt)
		if err == nil || !strings.Contains(err.Error(), "written once") {
			t.Errorf("%s: %v, want a refusal", stmt, err)
		}
		if test, err := s.TestData(ctx); err != nil || test {
			t.Errorf("after %s: test data %v, %v; want false", stmt, test, err)
		}
		s.Close()
		again := openStore(t, dir)
		if test, err := again.TestData(ctx); err != nil || test {
			t.Errorf("reopened after %s: test data %v, %v; want false", stmt, test, err)
		}
	}
}
