package postgres

import (
	"crypto/sha256"
	"testing"
	"time"

	"vote.example.org/booth/models/storetest"
)

// After the close and its scrub, a redeemed code's dead kiosk_codes row
// (hash, member) must be gone from the pages: kiosk_code_issues names the
// staff member by the same hash, so together they would tie staff to
// member in plain text (issue 10 item 6, second review).
func TestScrubClearsRedeemedCodesFromThePages(t *testing.T) {
	s := newStore(t)
	usePageinspect(t, s)
	ids := storetest.MemberIDs(6)
	storetest.Setup(t, s, ids, nil)
	issueStaffCodes(t, s, ids[0], ids[1:])
	for _, id := range ids[1:] {
		if _, err := s.RedeemCode(ctx, sha256.Sum256([]byte("code "+id)), storetest.T0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	must(t, storetest.At(s, storetest.T0.Add(time.Hour)).CloseElection(ctx, "e1", storetest.Officer))
	if scalar[bool](t, s, `SELECT scrub_pending FROM elections WHERE id = 'e1'`) {
		t.Fatal("the close left e1 not scrubbed")
	}
	// Dead kiosk_codes tuples: t_data holds hash and member_id.
	n := scalar[int64](t, s, `SELECT count(*) FROM (
		SELECT t_data FROM generate_series(0, pg_relation_size('kiosk_codes') / current_setting('block_size')::int - 1) AS blk,
		LATERAL heap_page_items(get_raw_page('kiosk_codes', blk::int)) WHERE t_data IS NOT NULL) d
		JOIN kiosk_code_issues i ON position(i.hash IN d.t_data) > 0 WHERE i.staff IS NOT NULL AND i.state = 'used'`)
	if n > 0 {
		t.Errorf("after the close and scrub, %d redeemed codes still tie their issuing staff member to the member in plaintext (dead kiosk_codes tuples joined to kiosk_code_issues by hash)", n)
	}
}
