package sqlite

import "testing"

// The kiosk's behaviour is checked by the conformance suite (storetest);
// this is what only SQLite needs: the codes table keeps no insertion
// order (no rowid) either.
func TestKioskCodesHaveNoRowid(t *testing.T) {
	s := newStore(t)
	if _, err := s.db.Exec(`SELECT rowid FROM kiosk_codes`); err == nil {
		t.Error("table kiosk_codes has a rowid")
	}
}
