package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func testMemberRoundTrip(t *testing.T, s models.Store) {
	alice := Member("alice")
	alice.Joined = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))
	alice.Keys = append(alice.Keys, Key("alice", 2))
	must(t, s.AddMember(ctx, alice, Officer))
	must(t, s.AddMember(ctx, Member("bob"), Officer))
	must(t, s.AddMember(ctx, models.Member{ID: "keyless", Name: "No Key"}, Officer))

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
	if len(all) != 3 || all[0].ID != "alice" || all[1].ID != "bob" || len(all[1].Keys) != 1 || all[2].Keys != nil {
		t.Errorf("Members = %+v", all)
	}
}

// Member IDs sort by bytes, whatever a database's locale would say.
func testMemberOrder(t *testing.T, s models.Store) {
	ids := []string{"a.b", "a-c", "a_a", "aa", "B", "a0"}
	for _, id := range ids {
		must(t, s.AddMember(ctx, models.Member{ID: id, Name: id}, Officer))
	}
	all, err := s.Members(ctx)
	must(t, err)
	var got []string
	for _, m := range all {
		got = append(got, m.ID)
	}
	if want := []string{"B", "a-c", "a.b", "a0", "a_a", "aa"}; !reflect.DeepEqual(got, want) {
		t.Errorf("members in order %q, want byte order %q", got, want)
	}
}

func testMemberDefaults(t *testing.T, s models.Store) {
	before := time.Now().UTC()
	At(s, before) // a join time defaults to the store's time
	m := Member("carol")
	m.Status, m.Joined = "", time.Time{}
	must(t, s.AddMember(ctx, m, Officer))
	after := time.Now().UTC()
	got, err := s.Member(ctx, "carol")
	must(t, err)
	if got.Status != models.Active || got.Joined.Before(before) || got.Joined.After(after) || got.Joined.Location() != time.UTC {
		t.Errorf("defaults: status %q joined %v, want active and a UTC time between %v and %v", got.Status, got.Joined, before, after)
	}
	bad := Member("dave")
	bad.Status = "emperor"
	if err := s.AddMember(ctx, bad, Officer); err == nil {
		t.Error("unknown status accepted")
	}
	if err := s.AddMember(ctx, models.Member{Name: "No ID"}, Officer); err == nil {
		t.Error("a member without an ID accepted")
	}
}

func testMemberRefusals(t *testing.T, s models.Store) {
	must(t, s.AddMember(ctx, Member("alice"), Officer))

	wantErr(t, "duplicate ID", s.AddMember(ctx, Member("alice"), Officer), models.ErrExists)

	thief := Member("mallory")
	thief.Keys = []models.Key{Key("alice", 1)}
	err := s.AddMember(ctx, thief, Officer)
	wantErr(t, "key of another member", err, models.ErrKeyTaken)
	if !strings.Contains(err.Error(), "alice") || !strings.Contains(err.Error(), "mallory") {
		t.Errorf("key-taken error %q does not name both members", err)
	}
	if _, err := s.Member(ctx, "mallory"); err == nil {
		t.Error("member with a taken key was added anyway")
	}
	twice := Member("twice")
	twice.Keys = append(twice.Keys, Key("twice", 1))
	wantErr(t, "one key listed twice", s.AddMember(ctx, twice, Officer), models.ErrExists)

	_, err = s.Member(ctx, "nobody")
	wantErr(t, "Member unknown", err, models.ErrNotFound)
	_, err = s.MemberByFingerprint(ctx, "SHA256:unknown")
	wantErr(t, "MemberByFingerprint unknown", err, models.ErrNotFound)
}

func testImportIsAllOrNothing(t *testing.T, s models.Store) {
	for _, tc := range []struct {
		name string
		ms   []models.Member
		want error
	}{
		{"duplicate id", []models.Member{Member("a"), Member("b"), Member("a")}, models.ErrExists},
		{"shared key", []models.Member{Member("a"), Member("b"), {ID: "c", Keys: []models.Key{Key("a", 1)}}}, models.ErrKeyTaken},
	} {
		wantErr(t, tc.name, s.ImportMembers(ctx, tc.ms, Officer), tc.want)
		ms, err := s.Members(ctx)
		must(t, err)
		log, err := s.AuditLog(ctx)
		must(t, err)
		if len(ms) != 0 || len(log) != 0 {
			t.Errorf("%s: after a failed import %d members and %d audit entries remain", tc.name, len(ms), len(log))
		}
	}
	must(t, s.ImportMembers(ctx, []models.Member{Member("a"), Member("b")}, Officer))
	ms, err := s.Members(ctx)
	must(t, err)
	if len(ms) != 2 {
		t.Errorf("import added %d members, want 2", len(ms))
	}
}

func testSetMemberStatus(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "bob"}, nil)
	must(t, s.SetMemberStatus(ctx, "alice", models.Suspended, Officer))
	got, err := s.Member(ctx, "alice")
	must(t, err)
	if got.Status != models.Suspended {
		t.Errorf("status %q, want suspended", got.Status)
	}
	// Suspended and removed members are still found by key; the caller decides.
	must(t, s.SetMemberStatus(ctx, "bob", models.Removed, Officer))
	got, err = s.MemberByFingerprint(ctx, Key("bob", 1).Fingerprint)
	must(t, err)
	if got.Status != models.Removed {
		t.Errorf("removed member found with status %q", got.Status)
	}
	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	if len(roll) != 2 {
		t.Errorf("roll after removing a member has %d rows, want 2 (removal keeps roll rows)", len(roll))
	}
	must(t, s.SetMemberStatus(ctx, "alice", models.Active, Officer))
	if got, _ := s.Member(ctx, "alice"); got.Status != models.Active {
		t.Errorf("reinstated member has status %q", got.Status)
	}
	wantErr(t, "unknown member", s.SetMemberStatus(ctx, "nobody", models.Active, Officer), models.ErrNotFound)
	if err := s.SetMemberStatus(ctx, "alice", "gone", Officer); err == nil {
		t.Error("unknown status accepted")
	}
}

func testKeys(t *testing.T, s models.Store) {
	must(t, s.AddMember(ctx, Member("alice"), Officer))
	must(t, s.AddMember(ctx, Member("bob"), Officer))

	must(t, s.AddKey(ctx, "alice", Key("alice", 2), Officer))
	if m, err := s.MemberByFingerprint(ctx, Key("alice", 2).Fingerprint); err != nil || m.ID != "alice" {
		t.Fatalf("new key finds %q, %v", m.ID, err)
	}
	wantErr(t, "key of an unknown member", s.AddKey(ctx, "nobody", Key("x", 1), Officer), models.ErrNotFound)
	wantErr(t, "key held by another", s.AddKey(ctx, "alice", Key("bob", 1), Officer), models.ErrKeyTaken)
	wantErr(t, "key added twice", s.AddKey(ctx, "alice", Key("alice", 2), Officer), models.ErrExists)
	if err := s.AddKey(ctx, "alice", models.Key{Type: "ssh-ed25519"}, Officer); err == nil {
		t.Error("a key without a fingerprint accepted")
	}

	wantErr(t, "removing another's key", s.RemoveKey(ctx, "alice", Key("bob", 1).Fingerprint, Officer), models.ErrNotFound)
	if _, err := s.MemberByFingerprint(ctx, Key("bob", 1).Fingerprint); err != nil {
		t.Errorf("bob's key gone after a refused removal: %v", err)
	}
	must(t, s.RemoveKey(ctx, "alice", Key("alice", 2).Fingerprint, Officer))
	_, err := s.MemberByFingerprint(ctx, Key("alice", 2).Fingerprint)
	wantErr(t, "removed key", err, models.ErrNotFound)
	wantErr(t, "removing twice", s.RemoveKey(ctx, "alice", Key("alice", 2).Fingerprint, Officer), models.ErrNotFound)
	// A removed key is free for another member.
	must(t, s.AddKey(ctx, "bob", Key("alice", 2), Officer))
}
