package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func testAuditChain(t *testing.T, s models.Store) {
	must(t, s.ImportMembers(ctx, []models.Member{Member("alice"), Member("bob")}, "olga"))
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("board-2026")}, "olga"))
	fp := Fingerprint(t, s, "board-2026")
	must(t, At(s, T0).OpenElection(ctx, "board-2026", fp, "olga"))
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
		"election board-2026 opened, fingerprint " + fp + ", electorate 2",
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
// import), and the chain verifies after each; casting appends none. Each
// entry's action and detail are pinned to the letter: published audit
// chains hold them, and both stores must write the same words.
func testEveryChangeIsAudited(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil) // 2 imports, create, open
	at := T0.Add(time.Hour)
	k1, k2 := kioskCode("k1", "b", "", at), kioskCode("k2", "b", "e1", at)
	steps := []struct {
		entries []string // "action: detail"
		step    func() error
	}{
		{[]string{"member.add: member c added with keys SHA256:c-1"}, func() error { return s.AddMember(ctx, Member("c"), Officer) }},
		{[]string{"member.add: member d added"}, func() error {
			d := Member("d")
			d.Keys = nil
			return s.AddMember(ctx, d, Officer)
		}},
		{[]string{"member.status: member c status suspended (was active)"}, func() error { return s.SetMemberStatus(ctx, "c", models.Suspended, Officer) }},
		{[]string{"key.add: member c key SHA256:c-2 added"}, func() error { return s.AddKey(ctx, "c", Key("c", 2), Officer) }},
		{[]string{"key.remove: member c key SHA256:c-2 removed"}, func() error { return s.RemoveKey(ctx, "c", Key("c", 2).Fingerprint, Officer) }},
		{[]string{"election.create: election d created (schulze, 3 candidates)"}, func() error {
			return s.CreateElection(ctx, models.Election{Definition: Definition("d")}, Officer)
		}},
		{[]string{"election.update: election d definition replaced"}, func() error { return s.UpdateDefinition(ctx, Definition("d"), Officer) }},
		{[]string{"candidate.withdraw: election e1 candidate ken withdrawn"}, func() error { return s.WithdrawCandidate(ctx, "e1", "ken", Officer) }},
		{[]string{"election.extend: election e1 extended (extension 1), closes 2026-03-04T09:00:00Z"}, func() error { return s.Extend(ctx, "e1", 0, Officer) }},
		{nil, func() error { return At(s, at).Cast(ctx, CastIn("a", "ra")) }},
		{nil, func() error {
			return At(s, at).Replace(ctx, models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("ra"), NewReceipt: Receipt("rb"), Sealed: []byte("x")})
		}},
		{[]string{"election.close: election e1 closed, 1 of 2 voted"}, func() error { return At(s, at).CloseElection(ctx, "e1", Officer) }},
		{[]string{"election.result: election e1 counted: 12 ballots"}, func() error { return s.SaveResult(ctx, "e1", storedResult(), Officer) }},
		{[]string{"election.result: election e1 recounted: 12 ballots"}, func() error { return s.SaveResult(ctx, "e1", storedResult(), Officer) }},
		{[]string{"election.publish: election e1 published: results bundle sha256 " +
			"1e6ed65d77d6364eeaed5a745ba5c4985ae2b700dd85d7cf7f027bdf294a33fc (6 bytes)"}, func() error {
			return s.SaveBundle(ctx, "e1", []byte("bundle"), Officer)
		}},
		{[]string{"election.publish: election e1 published again: results bundle sha256 " +
			"1e6ed65d77d6364eeaed5a745ba5c4985ae2b700dd85d7cf7f027bdf294a33fc (6 bytes)"}, func() error {
			return s.SaveBundle(ctx, "e1", []byte("bundle"), Officer)
		}},
		{[]string{"ballots.unseal: election e1 unsealed to count"}, func() error { return s.Audit(ctx, Officer, "ballots.unseal", "election e1 unsealed to count") }},
		{nil, func() error {
			_, err := s.AcquireLease(ctx, "a", "front-1", 1, time.Minute, at)
			return err
		}},
		{[]string{"kiosk.code.issue: kiosk code " + k1.ID() + " issued for any open election, valid until 2026-03-01T10:00:00Z"}, func() error {
			return s.IssueCode(ctx, issue(k1), Officer)
		}},
		{[]string{"kiosk.code.issue: kiosk code " + k2.ID() + " issued for election e1, valid until 2026-03-01T10:00:00Z"}, func() error {
			return s.IssueCode(ctx, issue(k2), Officer)
		}},
		{nil, func() error { _, err := s.RedeemCode(ctx, k1.Hash, T0); return err }},
		{[]string{"kiosk.code.revoke: kiosk code " + k2.ID() + " revoked"}, func() error { return s.RevokeCode(ctx, k2.Hash, Officer) }},
		{[]string{"kiosk.staff.add: member a may issue kiosk codes"}, func() error { return s.SetStaff(ctx, "a", true, Officer) }},
		{[]string{"kiosk.staff.remove: member a may no longer issue kiosk codes"}, func() error { return s.SetStaff(ctx, "a", false, Officer) }},
		{[]string{"kiosk.device.add: kiosk device stand-1 added with key SHA256:stand-1-1"}, func() error {
			return s.AddKioskDevice(ctx, models.KioskDevice{Name: "stand-1", Key: Key("stand-1", 1)}, Officer)
		}},
		{[]string{"kiosk.device.remove: kiosk device stand-1 removed"}, func() error { return s.RemoveKioskDevice(ctx, "stand-1", Officer) }},
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	wantSetup := []string{
		"member.import: member a imported with keys SHA256:a-1",
		"member.import: member b imported with keys SHA256:b-1",
		"election.create: election e1 created (schulze, 3 candidates)",
		"election.open: election e1 opened, fingerprint " + Fingerprint(t, s, "e1") + ", electorate 2",
	}
	wantEntries(t, "setup", log, wantSetup)
	for i, st := range steps {
		must(t, st.step())
		n := len(log)
		log, err = s.AuditLog(ctx)
		must(t, err)
		if _, err := models.VerifyChain(log); err != nil {
			t.Errorf("audit chain: %v", err)
		}
		wantEntries(t, fmt.Sprintf("step %d", i+1), log[n:], st.entries)
	}
}

// wantEntries checks the action and detail of each of the entries.
func wantEntries(t *testing.T, what string, entries []models.AuditEntry, want []string) {
	t.Helper()
	var got []string
	for _, e := range entries {
		got = append(got, e.Action+": "+e.Detail)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: audit entries\n%q\nwant\n%q", what, got, want)
	}
}
