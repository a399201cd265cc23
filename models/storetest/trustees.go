package storetest

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// An election with trustees keeps their sealed shares, in trustee order,
// written with the election (audited); its count sessions go open →
// releases recorded → finished, a new session abandons the open one, and
// a session that is not open takes nothing.
func testTrusteeSessions(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil)
	trustees := &models.Trustees{Threshold: 2, Keys: []string{"k1", "k2", "k3"}, Members: []string{"", "", "c"},
		Recipient: "ssh-ed25519 AAAA", Commitments: []string{"c0", "c1"}}
	d := Definition("tr")
	d.Trustees = trustees
	shares := [][]byte{[]byte("sealed-1"), []byte("sealed-2"), []byte("sealed-3")}
	bad := models.Election{Definition: d, SealedShares: shares[:2]}
	if err := s.CreateElection(ctx, bad, Officer); err == nil {
		t.Fatal("an election with 3 trustees was stored with 2 shares")
	}
	if _, err := s.Election(ctx, "tr"); err == nil {
		t.Fatal("the refused election was stored")
	}
	before := verifyChain(t, s)
	must(t, s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{trustees.Recipient}, SealedShares: shares}, Officer))
	if n := verifyChain(t, s); n != before+2 {
		t.Errorf("creating an election with trustees wrote %d audit entries, want 2 (created, shares)", n-before)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	if last := log[len(log)-1]; last.Action != "trustee.shares" || !strings.Contains(last.Detail, "threshold 2") {
		t.Errorf("last audit entry %q %q", last.Action, last.Detail)
	}
	got, err := s.TrusteeShares(ctx, "tr")
	must(t, err)
	if len(got) != 3 || !bytes.Equal(got[0], shares[0]) || !bytes.Equal(got[2], shares[2]) {
		t.Errorf("shares read back: %q", got)
	}
	e, err := s.Election(ctx, "tr")
	must(t, err)
	if e.Trustees == nil || e.Trustees.Threshold != 2 || !slices.Equal(e.Trustees.Members, trustees.Members) || e.SealedShares != nil {
		t.Errorf("election read back: trustees %+v, shares %d", e.Trustees, len(e.SealedShares))
	}
	_, err = s.TrusteeShares(ctx, "nope")
	wantErr(t, "shares of an unknown election", err, models.ErrNotFound)

	// Sessions only once closed.
	wantErr(t, "session of a draft", s.StartCountSession(ctx, "tr", "age1one", Officer), models.ErrWrongState)
	wantErr(t, "session of an election without trustees", s.StartCountSession(ctx, "e1", "age1one", Officer), models.ErrWrongState)
	must(t, At(s, T0).OpenElection(ctx, "tr", Fingerprint(t, s, "tr"), Officer))
	must(t, At(s, T0.Add(time.Hour)).CloseElection(ctx, "tr", Officer))

	must(t, s.StartCountSession(ctx, "tr", "age1one", Officer))
	wantErr(t, "the same key again", s.StartCountSession(ctx, "tr", "age1one", Officer), models.ErrExists)
	At(s, T0.Add(2*time.Hour))
	must(t, s.StartCountSession(ctx, "tr", "age1two", Officer))
	rel := []models.UsedRelease{{Index: 1, Trustee: "SHA256:x", Statement: "st1\n", Signature: "sig1\n"}, {Index: 3, Trustee: "SHA256:z", Statement: "st3\n", Signature: "sig3\n"}}
	wantErr(t, "releases to an abandoned session", s.RecordReleases(ctx, "tr", "age1one", rel, Officer), models.ErrWrongState)
	wantErr(t, "releases to an unknown session", s.RecordReleases(ctx, "tr", "age1three", rel, Officer), models.ErrNotFound)
	before = verifyChain(t, s)
	must(t, s.RecordReleases(ctx, "tr", "age1two", rel, Officer))
	if n := verifyChain(t, s); n != before+2 {
		t.Errorf("recording 2 releases wrote %d audit entries, want one each", n-before)
	}
	sessions, err := s.CountSessions(ctx, "tr")
	must(t, err)
	if len(sessions) != 2 || sessions[0].State != models.SessionAbandoned || sessions[1].State != models.SessionOpen ||
		sessions[0].FinishedAt.IsZero() || !sessions[1].FinishedAt.IsZero() || !slices.Equal(sessions[1].Releases, rel) {
		t.Fatalf("sessions: %+v", sessions)
	}
	At(s, T0.Add(3*time.Hour))
	must(t, s.FinishCountSession(ctx, "tr", "age1two", Officer))
	wantErr(t, "finish twice", s.FinishCountSession(ctx, "tr", "age1two", Officer), models.ErrWrongState)
	sessions, err = s.CountSessions(ctx, "tr")
	must(t, err)
	if sessions[1].State != models.SessionFinished || !sessions[1].FinishedAt.Equal(T0.Add(3*time.Hour)) || len(sessions[1].Releases) != 2 {
		t.Errorf("finished session: %+v", sessions[1])
	}
	_, err = s.CountSessions(ctx, "nope")
	wantErr(t, "sessions of an unknown election", err, models.ErrNotFound)
}
