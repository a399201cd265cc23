package models_test

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// Issue 10 item 6: staff could issue codes without limit and nothing tied
// a staff member to the member a used code was for.

// staffEnv is kioskEnv with m001 and m002 as staff, e1's tally key, and
// the service limited to rate.
func staffEnv(t *testing.T, rate models.CodeRate) (*env, string) {
	t.Helper()
	e := newEnv(t, 5)
	key := e.open(t, definition("e1"))
	must(t, e.store.SetStaff(ctx, "m001", true, officer))
	must(t, e.store.SetStaff(ctx, "m002", true, officer))
	e.svc.CodeRate = rate
	return e, key
}

func readKey(t *testing.T, path string) []age.Identity {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	ids, err := models.ParseIdentities(f)
	must(t, err)
	return ids
}

// A staff member issues at most the limit's codes in its window, also
// through two front ends (two Services) on one store; the refusal says
// when the next may be issued. Officers at the command line are not
// limited, and a member without the staff role issues nothing.
func TestStaffCodeRateLimitAcrossFrontEnds(t *testing.T) {
	rate := models.CodeRate{Codes: 3, Per: time.Hour}
	e, _ := staffEnv(t, rate)
	other := e.frontEnd(e.store)
	other.CodeRate = rate
	start := e.clock.Now()
	fronts := []*models.Service{e.svc, other, e.svc}
	for i, svc := range fronts {
		e.clock.Set(start.Add(time.Duration(i) * time.Minute))
		if _, err := svc.StaffIssueCode(ctx, "m001", "m003", ""); err != nil {
			t.Fatalf("code %d of 3: %v", i+1, err)
		}
	}
	e.clock.Set(start.Add(10 * time.Minute))
	_, err := other.StaffIssueCode(ctx, "m001", "m004", "")
	var re *models.CodeRateError
	if !errors.As(err, &re) || !re.Next.Equal(start.Add(time.Hour)) {
		t.Fatalf("a fourth code within the hour on the other front end: %v, want a refusal naming %s", err, start.Add(time.Hour))
	}
	if !strings.Contains(err.Error(), start.Add(time.Hour).UTC().Format("15:04:05")) {
		t.Errorf("the refusal %q does not say when the next code may be issued", err)
	}
	// Others are not held back: another staff member, an officer.
	if _, err := other.StaffIssueCode(ctx, "m002", "m004", ""); err != nil {
		t.Errorf("another staff member: %v", err)
	}
	for range 5 {
		if _, err := e.svc.IssueCode(ctx, "m004", "", 0, officer); err != nil {
			t.Fatalf("an officer's code: %v", err)
		}
	}
	_, err = e.svc.StaffIssueCode(ctx, "m003", "m004", "")
	wantErr(t, "a member without the staff role", err, models.ErrNotStaff)
	// The window moves on.
	e.clock.Set(start.Add(time.Hour))
	if _, err := other.StaffIssueCode(ctx, "m001", "m004", ""); err != nil {
		t.Errorf("once the first code left the window: %v", err)
	}
}

// The record of who issued a code for whom is sealed to the tally key of
// each election the code opens: the committee reads it with that key
// (audited, checked against the audit chain), another key reads nothing.
func TestCodeRecordSealedToTallyKey(t *testing.T) {
	e, key1 := staffEnv(t, models.DefaultCodeRate)
	key2 := e.create(t, definition("e2"))
	e.clock.Set(t0.Add(2 * time.Hour))
	must(t, e.svc.OpenElection(ctx, "e2", officer))
	any, err := e.svc.StaffIssueCode(ctx, "m001", "m003", "")
	must(t, err)
	only2, err := e.svc.StaffIssueCode(ctx, "m002", "m004", "e2")
	must(t, err)
	officers, err := e.svc.IssueCode(ctx, "m005", "e1", 0, "olga")
	must(t, err)
	if _, err := e.svc.RedeemCode(ctx, any.Code); err != nil {
		t.Fatal(err)
	}

	_, err = e.svc.InvestigateCodes(ctx, "e1", readKey(t, key2), officer)
	if err == nil || !strings.Contains(err.Error(), "does not open") {
		t.Errorf("e1's records with e2's key: %v, want a refusal", err)
	}
	got, err := e.svc.InvestigateCodes(ctx, "e1", readKey(t, key1), "committee")
	must(t, err)
	want := []struct {
		by, member string
		code       models.IssuedCode
		state      models.CodeState
	}{
		{models.StaffActor("m001"), "m003", any, models.CodeUsed},
		{"olga", "m005", officers, models.CodeIssued},
	}
	if len(got) != len(want) {
		t.Fatalf("e1 has %d records, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		f := got[i]
		if f.Issuer() != w.by || f.Member != w.member || f.Code[:8] != w.code.ID() || f.State != w.state || !f.Logged || f.AuditSeq == 0 {
			t.Errorf("record %d: %+v, want %s issuing %s for %s, %s, matched in the audit log", i+1, f, w.by, w.code.ID(), w.member, w.state)
		}
	}
	got2, err := e.svc.InvestigateCodes(ctx, "e2", readKey(t, key2), "committee")
	must(t, err)
	if len(got2) != 2 || got2[0].Member != "m003" || got2[1].Member != "m004" || got2[1].Staff != "m002" || got2[1].Code[:8] != only2.ID() {
		t.Errorf("e2's records: %+v, want m001's code for m003 (any election) and m002's for m004", got2)
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	last := log[len(log)-1]
	if last.Action != "kiosk.code.investigate" || last.Actor != "committee" || !strings.Contains(last.Detail, "election e2") {
		t.Errorf("the last audit entry is %+v, want the committee's investigation of e2", last)
	}
}

// A code for any election opens only the elections it was issued for:
// one that opened later holds no record of it.
func TestAnyElectionCodeOpensOnlyRecordedElections(t *testing.T) {
	e, _ := staffEnv(t, models.DefaultCodeRate)
	e.create(t, definition("e2"))
	ic, err := e.svc.StaffIssueCode(ctx, "m001", "m003", "")
	must(t, err)
	must(t, e.svc.OpenElection(ctx, "e2", officer))
	v, err := e.svc.RedeemCode(ctx, ic.Code)
	must(t, err)
	if v.Allows("e2") || !v.Allows("e1") {
		t.Errorf("the code issued before e2 opened allows e2: %v, e1: %v; want e1 only", v.Allows("e2"), v.Allows("e1"))
	}
}

// Staff see their own codes only, and a code's member only while it is
// live.
func TestStaffCodeHistoryIsOwn(t *testing.T) {
	e, _ := staffEnv(t, models.CodeRate{Codes: 3, Per: time.Hour})
	used, err := e.svc.StaffIssueCode(ctx, "m001", "m003", "")
	must(t, err)
	live, err := e.svc.StaffIssueCode(ctx, "m001", "m004", "e1")
	must(t, err)
	theirs, err := e.svc.StaffIssueCode(ctx, "m002", "m005", "")
	must(t, err)
	_, err = e.svc.RedeemCode(ctx, used.Code)
	must(t, err)

	h, err := e.svc.StaffCodeHistory(ctx, "m001")
	must(t, err)
	if len(h.Entries) != 2 || h.Left != 1 {
		t.Fatalf("m001's history: %d codes, %d left; want 2 and 1", len(h.Entries), h.Left)
	}
	byID := map[string]models.CodeLogEntry{}
	for _, c := range h.Entries {
		byID[c.ID()] = c
	}
	if c := byID[live.ID()]; c.MemberID != "m004" || c.ElectionID != "e1" || c.State != models.CodeIssued {
		t.Errorf("the live code: %+v, want m004's for e1, issued", c)
	}
	if c := byID[used.ID()]; c.MemberID != "" || c.State != models.CodeUsed {
		t.Errorf("the used code: %+v, want used and no member", c)
	}
	if _, ok := byID[theirs.ID()]; ok {
		t.Error("m001's history shows m002's code")
	}
	e.clock.Set(e.clock.Now().Add(time.Hour))
	h, err = e.svc.StaffCodeHistory(ctx, "m001")
	must(t, err)
	for _, c := range h.Entries {
		if c.MemberID != "" || c.StateAt(e.clock.Now()) == models.CodeIssued {
			t.Errorf("after the expiry: %+v, want no member and not issued", c)
		}
	}
	_, err = e.svc.StaffCodeHistory(ctx, "m003")
	wantErr(t, "a member without the staff role", err, models.ErrNotStaff)
}

// The record and log tables hold no member id or name in plain text, and
// every sealed record has one length.
func TestCodeTablesHoldNoPlainMember(t *testing.T) {
	e, _ := staffEnv(t, models.DefaultCodeRate)
	must(t, e.store.AddMember(ctx, models.Member{ID: "zq-voter-7", Name: "Zoltan Quux", Status: models.Active}, officer))
	// A member added after the open is not on e1's roll: a second
	// election opened now has them.
	d := definition("e2")
	d.OpensAt = e.clock.Now()
	e.create(t, d)
	must(t, e.svc.OpenElection(ctx, "e2", officer))
	ic, err := e.svc.StaffIssueCode(ctx, "m001", "zq-voter-7", "")
	must(t, err)
	_, err = e.svc.IssueCode(ctx, "m003", "", 0, officer)
	must(t, err)
	_, err = e.svc.RedeemCode(ctx, ic.Code)
	must(t, err)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, sqlite.DBFile)+"?mode=ro")
	must(t, err)
	defer db.Close()
	lengths := map[int]int{}
	for _, table := range []string{"kiosk_code_records", "kiosk_code_issues"} {
		rows, err := db.Query(`SELECT * FROM ` + table)
		must(t, err)
		cols, err := rows.Columns()
		must(t, err)
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			for i, v := range vals {
				var b []byte
				switch v := v.(type) {
				case []byte:
					b = v
				case string:
					b = []byte(v)
				}
				for _, secret := range []string{"zq-voter-7", "Zoltan", "m003"} {
					if bytes.Contains(b, []byte(secret)) {
						t.Errorf("%s.%s holds %q in plain text", table, cols[i], secret)
					}
				}
				if table == "kiosk_code_records" && cols[i] == "sealed" {
					lengths[len(b)]++
				}
			}
		}
		must(t, rows.Err())
		rows.Close()
		if n == 0 {
			t.Errorf("%s is empty: nothing was checked", table)
		}
	}
	if len(lengths) != 1 {
		t.Errorf("sealed records come in %d lengths (%v), want one", len(lengths), lengths)
	}
}

// A front end whose own clock runs hours ahead neither moves a staff
// member's earlier codes out of the limit's window nor lets a code outlive
// its expiry: codes go by the store's clock, as the cast window does
// (issue 10 items 4 and 6).
func TestCodesGoByTheStoreClock(t *testing.T) {
	rate := models.CodeRate{Codes: 2, Per: time.Hour}
	e, _ := staffEnv(t, rate)
	ahead := models.NewService(e.store)
	ahead.CodeRate = rate
	ahead.Now = func() time.Time { return e.clock.Now().Add(3 * time.Hour) }
	for i := range 2 {
		if _, err := e.svc.StaffIssueCode(ctx, "m001", "m003", ""); err != nil {
			t.Fatalf("code %d of 2: %v", i+1, err)
		}
	}
	var re *models.CodeRateError
	if _, err := ahead.StaffIssueCode(ctx, "m001", "m004", ""); !errors.As(err, &re) {
		t.Fatalf("a third code through a front end 3 h ahead: %v, want the limit's refusal", err)
	}
	code, err := e.svc.IssueCode(ctx, "m004", "", 15*time.Minute, officer)
	must(t, err)
	if _, err := ahead.RedeemCode(ctx, code.Code); err != nil {
		t.Errorf("a 15-minute code redeemed at once through a front end 3 h ahead: %v, want it to work", err)
	}
}
