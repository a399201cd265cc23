package postgres

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// Issue 10 item 6: a kiosk code's sealed record is written in the
// transaction that logs its issue (staff member, time), so its xmin ties
// it to that log entry. The close writes the election's records again in
// key order and VACUUM FULL drops the old versions: afterwards no record
// shares a transaction with a log entry, and the pages hold no other.
func TestCloseRewritesCodeRecords(t *testing.T) {
	s := newStore(t)
	usePageinspect(t, s)
	ids := storetest.MemberIDs(20)
	storetest.Setup(t, s, ids, nil)
	issueStaffCodes(t, s, ids[0], ids)
	shared := func() int {
		issues := xmins(t, s, "kiosk_code_issues")
		return len(slices.DeleteFunc(xmins(t, s, "kiosk_code_records"), func(x string) bool { return !slices.Contains(issues, x) }))
	}
	if n := shared(); n != len(ids) {
		t.Fatalf("before the close %d transactions wrote both a record and a log entry, want %d", n, len(ids))
	}
	must(t, storetest.At(s, storetest.T0.Add(time.Hour)).CloseElection(ctx, "e1", storetest.Officer))
	if n := shared(); n != 0 {
		t.Errorf("after the close %d records share their transaction with a log entry", n)
	}
	if tuples, distinct := heapTuples(t, s, "kiosk_code_records"); tuples != int64(len(ids)) || distinct != 1 {
		t.Errorf("after the close the pages of kiosk_code_records hold %d tuples with %d distinct xmin; want %d, all written by one transaction", tuples, distinct, len(ids))
	}
	rows, _ := s.pool.Query(ctx, `SELECT key FROM kiosk_code_records ORDER BY ctid`)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	must(t, err)
	if !slices.IsSortedFunc(keys, bytes.Compare) {
		t.Error("after the close the records do not lie in key order")
	}
}

// issueStaffCodes has staff (made staff here) issue a code for e1 to each
// member, "code ID", a second apart from T0, each with a stand-in record.
func issueStaffCodes(t *testing.T, s *Store, staff string, members []string) {
	t.Helper()
	must(t, s.SetStaff(ctx, staff, true, storetest.Officer))
	for i, id := range members {
		c := models.KioskCode{Hash: sha256.Sum256([]byte("code " + id)), MemberID: id, Expires: storetest.T0.Add(2 * time.Hour), Opens: []string{"e1"}}
		rec := models.SealedCodeRecord{Key: sha256.Sum256([]byte("key " + id)), ElectionID: "e1", Sealed: []byte("sealed record")}
		must(t, s.IssueCode(ctx, models.CodeIssue{Code: c, Staff: staff, Issued: storetest.T0.Add(time.Duration(i) * time.Second),
			Records: []models.SealedCodeRecord{rec}}, models.StaffActor(staff)))
	}
}
