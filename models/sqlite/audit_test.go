package sqlite

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func TestAuditChain(t *testing.T) {
	s := newStore(t)
	clock := t0.Add(123 * time.Millisecond)
	s.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	must(t, s.ImportMembers(ctx, []models.Member{member("alice"), member("bob")}, "olga"))
	must(t, s.CreateElection(ctx, models.Election{Definition: definition("board-2026")}, "olga"))
	must(t, s.OpenElection(ctx, "board-2026", "fp-abc", t0, "olga"))
	before, err := s.AuditLog(ctx)
	must(t, err)
	// Casts and replacements leave no trace in the log.
	c := cast("alice", "ra", t0.Add(time.Hour))
	c.ElectionID = "board-2026"
	must(t, s.Cast(ctx, c))
	must(t, s.Replace(ctx, models.Replacement{ElectionID: "board-2026", OldReceipt: receipt("ra"), NewReceipt: receipt("rb"), Sealed: []byte("x"), Now: t0.Add(time.Hour)}))
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
	if log[5].Actor != "piet" || log[0].Actor != "olga" {
		t.Errorf("actors %q, %q", log[0].Actor, log[5].Actor)
	}
	head, err := models.VerifyChain(log)
	must(t, err)
	if head != log[len(log)-1].Hash {
		t.Error("VerifyChain's head is not the last entry's hash")
	}

	// Editing one row directly breaks the chain at that entry.
	if _, err := s.db.Exec(`UPDATE audit SET detail = 'member bob imported (forged)' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	log, err = s.AuditLog(ctx)
	must(t, err)
	_, err = models.VerifyChain(log)
	if err == nil || !strings.Contains(err.Error(), "audit entry 2 ") {
		t.Errorf("VerifyChain after an edit: %v, want a report on entry 2", err)
	}
}

// Every mutating method appends exactly one entry, or one per member.
func TestEveryChangeIsAudited(t *testing.T) {
	s := setup(t, []string{"a", "b"}, nil) // 2 imports, create, open
	steps := []func() error{
		func() error { return s.AddMember(ctx, member("c"), officer) },
		func() error { return s.SetMemberStatus(ctx, "c", models.Suspended, officer) },
		func() error { return s.AddKey(ctx, "c", key("c", 2), officer) },
		func() error { return s.RemoveKey(ctx, "c", key("c", 2).Fingerprint, officer) },
		func() error { return s.CreateElection(ctx, models.Election{Definition: definition("d")}, officer) },
		func() error { return s.UpdateDefinition(ctx, definition("d"), officer) },
		func() error { return s.WithdrawCandidate(ctx, "e1", "ken", officer) },
		func() error { return s.Extend(ctx, "e1", officer) },
		func() error { return s.CloseElection(ctx, "e1", t0.Add(time.Hour), officer) },
		func() error { return s.SaveResult(ctx, "e1", storedResult(), officer) },
	}
	for i, step := range steps {
		must(t, step())
		log, err := s.AuditLog(ctx)
		must(t, err)
		if want := 4 + i + 1; len(log) != want {
			t.Fatalf("step %d: %d audit entries, want %d", i+1, len(log), want)
		}
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	if _, err := models.VerifyChain(log); err != nil {
		t.Error(err)
	}
}
