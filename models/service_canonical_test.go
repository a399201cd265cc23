package models_test

import (
	"slices"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// boxTexts unseals every ballot in an election's box, in box order.
func boxTexts(t *testing.T, e *env, electionID, keyPath string) []string {
	t.Helper()
	sealed, err := e.store.Ballots(ctx, electionID)
	must(t, err)
	var out []string
	for _, sb := range sealed {
		text, err := models.Unseal(keyFile(t, keyPath), sb.Sealed)
		must(t, err)
		out = append(out, string(text))
	}
	slices.Sort(out)
	return out
}

// TestCastSealsCanonicalText (issue 10 item 2): the service seals the
// canonical text of whatever ballot a front end hands it, built by hand in
// any order, when casting and when replacing: no front end can bypass it.
func TestCastSealsCanonicalText(t *testing.T) {
	e := newEnv(t, 4)
	ranked := e.open(t, definition("e1")) // candidates ada, ken, grace
	approval := definition("e2")
	approval.Method, approval.AllowReplace = tally.Approval, false
	approvalKey := e.create(t, approval)
	e.clock.Set(t0.Add(time.Hour))
	must(t, e.svc.OpenElection(ctx, "e2", officer))

	_, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, models.Ballot{Ranks: [][]string{{"grace", "ada"}, {"ken"}}})
	must(t, err)
	r, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(1)}, models.Ballot{Ranks: [][]string{{"ken"}}})
	must(t, err)
	_, err = e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(1)}, r, models.Ballot{Ranks: [][]string{{"grace", "ken"}}})
	must(t, err)
	_, err = e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(2)}, models.Ballot{})
	must(t, err)
	if got, want := boxTexts(t, e, "e1", ranked), []string{"ada = grace\n", "blank\n", "ken = grace\n"}; !slices.Equal(got, want) {
		t.Errorf("ranked box %q, want %q", got, want)
	}

	_, err = e.svc.CastBallot(ctx, "e2", models.Caster{MemberID: memberID(0)}, models.Ballot{Ranks: [][]string{{"grace"}, {"ada"}, {"ken"}}})
	must(t, err)
	if got, want := boxTexts(t, e, "e2", approvalKey), []string{"ada\nken\ngrace\n"}; !slices.Equal(got, want) {
		t.Errorf("approval box %q, want %q", got, want)
	}
}

// TestCountReadsAnEarlierEmptyBlankBallot: a blank ballot sealed as empty
// text, as booth did before blank ballots said blank (issue 10 item 7),
// still counts as blank, so an election open across the upgrade counts.
func TestCountReadsAnEarlierEmptyBlankBallot(t *testing.T) {
	e := newEnv(t, 2)
	d := definition("e1")
	keyPath := e.open(t, d)
	cast(t, e, "e1", memberID(0), "ada\n")
	el, err := e.store.Election(ctx, "e1")
	must(t, err)
	recipients, err := models.ParseRecipients(el.Recipients)
	must(t, err)
	sealed, err := models.Seal(recipients, nil, models.SealSize(d))
	must(t, err)
	must(t, e.store.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: memberID(1), ReceiptHash: models.ReceiptHash("e1", "legacy"), Sealed: sealed}))
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	res, err := e.svc.Count(ctx, "e1", keyFile(t, keyPath), officer)
	must(t, err)
	if res.Ballots != 2 || len(res.Elected) != 1 || res.Candidates[res.Elected[0]].ID != "ada" {
		t.Errorf("counted %d ballots electing %v; want 2, electing ada", res.Ballots, res.Elected)
	}
}
