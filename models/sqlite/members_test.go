package sqlite

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func TestMemberRoundTrip(t *testing.T) {
	s := newStore(t)
	alice := member("alice")
	alice.Joined = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))
	alice.Keys = append(alice.Keys, key("alice", 2))
	must(t, s.AddMember(ctx, alice, officer))
	must(t, s.AddMember(ctx, member("bob"), officer))

	want := alice
	want.Joined = alice.Joined.UTC()
	got, err := s.Member(ctx, "alice")
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Member:\n got %+v\nwant %+v", got, want)
	}
	for _, k := range alice.Keys {
		got, err := s.MemberByFingerprint(ctx, k.Fingerprint)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("MemberByFingerprint(%s) = %+v", k.Fingerprint, got)
		}
	}
	all, err := s.Members(ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != "alice" || all[1].ID != "bob" || len(all[1].Keys) != 1 {
		t.Errorf("Members = %+v", all)
	}
}

func TestMemberDefaults(t *testing.T) {
	s := newStore(t)
	s.now = func() time.Time { return t0 }
	m := member("carol")
	m.Status, m.Joined = "", time.Time{}
	must(t, s.AddMember(ctx, m, officer))
	got, err := s.Member(ctx, "carol")
	must(t, err)
	if got.Status != models.Active || !got.Joined.Equal(t0) {
		t.Errorf("defaults: status %q joined %v, want active and %v", got.Status, got.Joined, t0)
	}
	bad := member("dave")
	bad.Status = "emperor"
	if err := s.AddMember(ctx, bad, officer); err == nil {
		t.Error("unknown status accepted")
	}
}

func TestMemberRefusals(t *testing.T) {
	s := newStore(t)
	must(t, s.AddMember(ctx, member("alice"), officer))

	wantErr(t, "duplicate ID", s.AddMember(ctx, member("alice"), officer), models.ErrExists)

	thief := member("mallory")
	thief.Keys = []models.Key{key("alice", 1)}
	err := s.AddMember(ctx, thief, officer)
	wantErr(t, "key of another member", err, models.ErrKeyTaken)
	if !strings.Contains(err.Error(), "alice") || !strings.Contains(err.Error(), "mallory") {
		t.Errorf("key-taken error %q does not name both members", err)
	}
	if _, err := s.Member(ctx, "mallory"); err == nil {
		t.Error("member with a taken key was added anyway")
	}

	_, err = s.Member(ctx, "nobody")
	wantErr(t, "Member unknown", err, models.ErrNotFound)
	_, err = s.MemberByFingerprint(ctx, "SHA256:unknown")
	wantErr(t, "MemberByFingerprint unknown", err, models.ErrNotFound)
}

func TestImportIsAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		ms   []models.Member
		want error
	}{
		{"duplicate id", []models.Member{member("a"), member("b"), member("a")}, models.ErrExists},
		{"shared key", []models.Member{member("a"), member("b"), {ID: "c", Keys: []models.Key{key("a", 1)}}}, models.ErrKeyTaken},
	} {
		s := newStore(t)
		wantErr(t, tc.name, s.ImportMembers(ctx, tc.ms, officer), tc.want)
		ms, err := s.Members(ctx)
		must(t, err)
		log, err := s.AuditLog(ctx)
		must(t, err)
		if len(ms) != 0 || len(log) != 0 {
			t.Errorf("%s: after a failed import %d members and %d audit entries remain", tc.name, len(ms), len(log))
		}
	}
	s := newStore(t)
	must(t, s.ImportMembers(ctx, []models.Member{member("a"), member("b")}, officer))
	ms, err := s.Members(ctx)
	must(t, err)
	if len(ms) != 2 {
		t.Errorf("import added %d members, want 2", len(ms))
	}
}

func TestSetMemberStatus(t *testing.T) {
	s := setup(t, []string{"alice", "bob"}, nil)
	must(t, s.SetMemberStatus(ctx, "alice", models.Suspended, officer))
	got, err := s.Member(ctx, "alice")
	must(t, err)
	if got.Status != models.Suspended {
		t.Errorf("status %q, want suspended", got.Status)
	}
	// Suspended and removed members are still found by key; the caller decides.
	must(t, s.SetMemberStatus(ctx, "bob", models.Removed, officer))
	got, err = s.MemberByFingerprint(ctx, key("bob", 1).Fingerprint)
	must(t, err)
	if got.Status != models.Removed {
		t.Errorf("removed member found with status %q", got.Status)
	}
	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	if len(roll) != 2 {
		t.Errorf("roll after removing a member has %d rows, want 2 (removal keeps roll rows)", len(roll))
	}
	wantErr(t, "unknown member", s.SetMemberStatus(ctx, "nobody", models.Active, officer), models.ErrNotFound)
	if err := s.SetMemberStatus(ctx, "alice", "gone", officer); err == nil {
		t.Error("unknown status accepted")
	}
}

func TestKeys(t *testing.T) {
	s := newStore(t)
	must(t, s.AddMember(ctx, member("alice"), officer))
	must(t, s.AddMember(ctx, member("bob"), officer))

	must(t, s.AddKey(ctx, "alice", key("alice", 2), officer))
	if m, err := s.MemberByFingerprint(ctx, key("alice", 2).Fingerprint); err != nil || m.ID != "alice" {
		t.Fatalf("new key finds %q, %v", m.ID, err)
	}
	wantErr(t, "key of an unknown member", s.AddKey(ctx, "nobody", key("x", 1), officer), models.ErrNotFound)
	wantErr(t, "key held by another", s.AddKey(ctx, "alice", key("bob", 1), officer), models.ErrKeyTaken)
	wantErr(t, "key added twice", s.AddKey(ctx, "alice", key("alice", 2), officer), models.ErrExists)

	wantErr(t, "removing another's key", s.RemoveKey(ctx, "alice", key("bob", 1).Fingerprint, officer), models.ErrNotFound)
	if _, err := s.MemberByFingerprint(ctx, key("bob", 1).Fingerprint); err != nil {
		t.Errorf("bob's key gone after a refused removal: %v", err)
	}
	must(t, s.RemoveKey(ctx, "alice", key("alice", 2).Fingerprint, officer))
	_, err := s.MemberByFingerprint(ctx, key("alice", 2).Fingerprint)
	wantErr(t, "removed key", err, models.ErrNotFound)
	wantErr(t, "removing twice", s.RemoveKey(ctx, "alice", key("alice", 2).Fingerprint, officer), models.ErrNotFound)
}

// The login lookup is a primary-key search, not a scan.
func TestFingerprintLookupUsesIndex(t *testing.T) {
	s := newStore(t)
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN SELECT member_id FROM keys WHERE fingerprint = ?`, "SHA256:x")
	must(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "SEARCH keys USING PRIMARY KEY") {
		t.Errorf("query plan %q, want a primary-key search", plan)
	}
}
