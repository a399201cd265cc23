package storetest

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func testAuditChain(t *testing.T, s models.Store) {
	must(t, s.ImportMembers(ctx, []models.Member{Member("alice"), Member("bob")}, "olga"))
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("board-2026")}, "olga"))
	must(t, At(s, T0).OpenElection(ctx, "board-2026", "fp-abc", "olga"))
	before, err := s.AuditLog(ctx)
	must(t, err)
	// Casts and replacements leave no trace in the log.
	c := CastIn("alice", "ra")
	c.ElectionID = "board-2026"
	must(t, At(s, T0.Add(time.Hour)).Cast(ctx, c))
	must(t, At(s, T0.Add(time.Hour)).Replace(ctx, models.Replacement{ElectionID: "board-2026", MemberID: "alice", OldReceipt: Receipt("ra"), NewReceipt: Receipt("rb"), Sealed: []byte("x")}))
	after, err := s.AuditLog(ctx)
	must(t, err)
	if len(after) != len(before) {
		t.Fatalf("casting added %d audit entries", len(after)-len(before))
	}
	must(t, s.Audit(ctx, "olga", "ballots.unseal", "election board-2026 unsealed to count"))
	must(t, s.SetMemberStatus(ctx, "bob", models.Suspended, "piet"))

	log, err := s.AuditLog(ctx)
	must(t, err)
	wantDetails := []string{
		"member alice imported with keys SHA256:alice-1",
		"member bob imported",
		"election board-2026 created",
		"election board-2026 opened, fingerprint fp-abc, electorate 2",
		"election board-2026 unsealed to count",
		"member bob status suspended (was active)",
	}
	if len(log) != len(wantDetails) {
		t.Fatalf("%d audit entries, want %d: %+v", len(log), len(wantDetails), log)
	}
	for i, e := range log {
		if e.Seq != int64(i+1) || !strings.HasPrefix(e.Detail, wantDetails[i]) {
			t.Errorf("entry %d: seq %d detail %q, want %q", i+1, e.Seq, e.Detail, wantDetails[i])
		}
		if e.At.Location() != time.UTC || e.At.Nanosecond() != 0 {
			t.Errorf("entry %d time %v is not UTC to the second", e.Seq, e.At)
		}
	}
	if log[5].Actor != "piet" || log[0].Actor != "olga" || log[4].Action != "ballots.unseal" {
		t.Errorf("entries 1, 5, 6: %+v, %+v, %+v", log[0], log[4], log[5])
	}
	head, err := models.VerifyChain(log)
	must(t, err)
	if head != log[len(log)-1].Hash {
		t.Error("VerifyChain's head is not the last entry's hash")
	}
}

// Every mutating method appends exactly one entry (one per member for an
// import), and the chain verifies after each; casting appends none.
func testEveryChangeIsAudited(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil) // 2 imports, create, open
	at := T0.Add(time.Hour)
	steps := []struct {
		entries int
		step    func() error
	}{
		{1, func() error { return s.AddMember(ctx, Member("c"), Officer) }},
		{1, func() error { return s.SetMemberStatus(ctx, "c", models.Suspended, Officer) }},
		{1, func() error { return s.AddKey(ctx, "c", Key("c", 2), Officer) }},
		{1, func() error { return s.RemoveKey(ctx, "c", Key("c", 2).Fingerprint, Officer) }},
		{1, func() error { return s.CreateElection(ctx, models.Election{Definition: Definition("d")}, Officer) }},
		{1, func() error { return s.UpdateDefinition(ctx, Definition("d"), Officer) }},
		{1, func() error { return s.WithdrawCandidate(ctx, "e1", "ken", Officer) }},
		{1, func() error { return s.Extend(ctx, "e1", 0, Officer) }},
		{0, func() error { return At(s, at).Cast(ctx, CastIn("a", "ra")) }},
		{0, func() error {
			return At(s, at).Replace(ctx, models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("ra"), NewReceipt: Receipt("rb"), Sealed: []byte("x")})
		}},
		{1, func() error { return At(s, at).CloseElection(ctx, "e1", Officer) }},
		{1, func() error { return s.SaveResult(ctx, "e1", storedResult(), Officer) }},
		{1, func() error { return s.SaveBundle(ctx, "e1", []byte("bundle"), Officer) }},
		{1, func() error { return s.Audit(ctx, Officer, "ballots.unseal", "election e1 unsealed to count") }},
		{0, func() error {
			_, err := s.AcquireLease(ctx, "a", "front-1", 1, time.Minute, at)
			return err
		}},
		{1, func() error { return s.IssueCode(ctx, issue(kioskCode("k1", "b", "", at)), Officer) }},
		{1, func() error { return s.IssueCode(ctx, issue(kioskCode("k2", "b", "", at)), Officer) }},
		{0, func() error { _, err := s.RedeemCode(ctx, kioskCode("k1", "b", "", at).Hash, T0); return err }},
		{1, func() error { return s.RevokeCode(ctx, kioskCode("k2", "b", "", at).Hash, Officer) }},
		{1, func() error { return s.SetStaff(ctx, "a", true, Officer) }},
		{1, func() error {
			return s.AddKioskDevice(ctx, models.KioskDevice{Name: "stand-1", Key: Key("stand-1", 1)}, Officer)
		}},
		{1, func() error { return s.RemoveKioskDevice(ctx, "stand-1", Officer) }},
	}
	want := 4
	for i, st := range steps {
		must(t, st.step())
		want += st.entries
		if n := verifyChain(t, s); n != want {
			t.Fatalf("step %d: %d audit entries, want %d", i+1, n, want)
		}
	}
}
