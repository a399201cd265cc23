package storetest

import (
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// kioskCode is a code for member, for election (or any, if ""), until
// expires, with a hash derived from label.
func kioskCode(label, member, election string, expires time.Time) models.KioskCode {
	opens := []string{election}
	if election == "" {
		opens = []string{"e1"}
	}
	return models.KioskCode{Hash: sha256.Sum256([]byte("code:" + label)), MemberID: member, ElectionID: election, Expires: expires, Opens: opens}
}

func wantCodes(t *testing.T, s models.Store, n int) {
	t.Helper()
	cs, err := s.Codes(ctx)
	must(t, err)
	if len(cs) != n {
		t.Errorf("%d kiosk codes stored, want %d", len(cs), n)
	}
}

// A code is redeemed once: the row goes in the transaction that finds it.
func testRedeemCodeOnce(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "bob"}, nil)
	scoped := kioskCode("a", "alice", "e1", T0.Add(15*time.Minute))
	open := kioskCode("b", "bob", "", T0.Add(15*time.Minute))
	must(t, s.IssueCode(ctx, issue(scoped), Officer))
	must(t, s.IssueCode(ctx, issue(open), Officer))
	wantCodes(t, s, 2)

	got, err := s.RedeemCode(ctx, scoped.Hash, T0)
	must(t, err)
	if !sameCode(got, scoped) {
		t.Errorf("redeemed %+v, want %+v", got, scoped)
	}
	_, err = s.RedeemCode(ctx, scoped.Hash, T0)
	wantErr(t, "redeeming a used code", err, models.ErrCodeInvalid)
	got, err = s.RedeemCode(ctx, open.Hash, T0)
	must(t, err)
	if !sameCode(got, open) {
		t.Errorf("redeemed %+v, want bob's code for any election", got)
	}
	wantCodes(t, s, 0)
	_, err = s.RedeemCode(ctx, sha256.Sum256([]byte("never issued")), T0)
	wantErr(t, "redeeming a code never issued", err, models.ErrCodeInvalid)
}

// An expired code is refused and deleted; redeeming any code also deletes
// the other expired ones.
func testRedeemExpiredCode(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "bob"}, nil)
	c := kioskCode("a", "alice", "", T0.Add(15*time.Minute))
	stale := kioskCode("b", "bob", "", T0.Add(5*time.Minute))
	must(t, s.IssueCode(ctx, issue(c), Officer))
	must(t, s.IssueCode(ctx, issue(stale), Officer))
	_, err := s.RedeemCode(ctx, c.Hash, c.Expires) // valid until, not at
	wantErr(t, "redeeming at the expiry", err, models.ErrCodeExpired)
	wantCodes(t, s, 0)
	_, err = s.RedeemCode(ctx, c.Hash, T0)
	wantErr(t, "redeeming an expired code again", err, models.ErrCodeInvalid)

	live := kioskCode("c", "alice", "", T0.Add(time.Hour))
	stale = kioskCode("d", "bob", "", T0.Add(5*time.Minute)) // a hash is issued once, ever
	must(t, s.IssueCode(ctx, issue(live), Officer))
	must(t, s.IssueCode(ctx, issue(stale), Officer))
	if n, err := s.DeleteExpiredCodes(ctx, T0.Add(10*time.Minute)); err != nil || n != 1 {
		t.Errorf("DeleteExpiredCodes: %d, %v; want 1 deleted", n, err)
	}
	if cs, _ := s.Codes(ctx); len(cs) != 1 || !sameCode(cs[0], live) {
		t.Errorf("codes left: %+v, want only the live one", cs)
	}
}

func testIssueCodeRefusals(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice"}, nil)
	c := kioskCode("a", "alice", "", T0.Add(15*time.Minute))
	must(t, s.IssueCode(ctx, issue(c), Officer))
	wantErr(t, "a hash issued twice", s.IssueCode(ctx, issue(c), Officer), models.ErrExists)
	wantErr(t, "an unknown member", s.IssueCode(ctx, issue(kioskCode("b", "nobody", "", c.Expires)), Officer), models.ErrNotFound)
	wantErr(t, "an unknown election", s.IssueCode(ctx, issue(kioskCode("c", "alice", "e9", c.Expires)), Officer), models.ErrNotFound)
	if err := s.IssueCode(ctx, issue(models.KioskCode{Hash: c.Hash, MemberID: "alice"}), Officer); err == nil {
		t.Error("a code without an expiry was stored")
	}
}

// The audit log records issuing and revoking codes, never the member.
func testCodeAuditNamesNoMember(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice"}, nil)
	a, b := kioskCode("a", "alice", "e1", T0.Add(time.Minute)), kioskCode("b", "alice", "", T0.Add(time.Minute))
	must(t, s.IssueCode(ctx, issue(a), "staff-sam"))
	must(t, s.IssueCode(ctx, issue(b), "staff-sam"))
	must(t, s.RevokeCode(ctx, b.Hash, Officer))
	wantErr(t, "revoking a revoked code", s.RevokeCode(ctx, b.Hash, Officer), models.ErrNotFound)
	_, err := s.RedeemCode(ctx, b.Hash, T0)
	wantErr(t, "redeeming a revoked code", err, models.ErrCodeInvalid)
	_, err = s.RedeemCode(ctx, a.Hash, T0)
	must(t, err)

	log, err := s.AuditLog(ctx)
	must(t, err)
	var actions []string
	for _, e := range log {
		if !strings.HasPrefix(e.Action, "kiosk.") {
			continue
		}
		actions = append(actions, e.Action)
		if strings.Contains(e.Detail, "alice") || strings.Contains(e.Actor, "alice") {
			t.Errorf("audit entry %d names the member: %s %q", e.Seq, e.Action, e.Detail)
		}
	}
	if want := "kiosk.code.issue kiosk.code.issue kiosk.code.revoke"; strings.Join(actions, " ") != want {
		t.Errorf("kiosk audit entries %q, want %q (redeeming is not audited)", actions, want)
	}
	verifyChain(t, s)
}

func testStaffRole(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "bob"}, nil)
	must(t, s.SetStaff(ctx, "bob", true, Officer))
	must(t, s.SetStaff(ctx, "alice", true, Officer))
	must(t, s.SetStaff(ctx, "alice", true, Officer)) // granting twice is granting
	if ids, err := s.Staff(ctx); err != nil || strings.Join(ids, ",") != "alice,bob" {
		t.Errorf("Staff: %q, %v", ids, err)
	}
	must(t, s.SetStaff(ctx, "alice", false, Officer))
	for id, want := range map[string]bool{"alice": false, "bob": true, "nobody": false} {
		if got, err := s.IsStaff(ctx, id); err != nil || got != want {
			t.Errorf("IsStaff(%s) = %v, %v; want %v", id, got, err, want)
		}
	}
	wantErr(t, "an unknown member", s.SetStaff(ctx, "nobody", true, Officer), models.ErrNotFound)
	verifyChain(t, s)
}

func testKioskDevices(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice"}, nil)
	stand := models.KioskDevice{Name: "stand-1", Key: Key("stand-1", 1)}
	must(t, s.AddKioskDevice(ctx, stand, Officer))
	got, err := s.KioskDeviceByFingerprint(ctx, stand.Key.Fingerprint)
	if err != nil || got != stand {
		t.Errorf("KioskDeviceByFingerprint: %+v, %v", got, err)
	}
	_, err = s.KioskDeviceByFingerprint(ctx, "SHA256:nothing")
	wantErr(t, "an unknown device key", err, models.ErrNotFound)

	wantErr(t, "a name taken", s.AddKioskDevice(ctx, models.KioskDevice{Name: "stand-1", Key: Key("stand-1", 2)}, Officer), models.ErrExists)
	wantErr(t, "another device's key", s.AddKioskDevice(ctx, models.KioskDevice{Name: "stand-2", Key: stand.Key}, Officer), models.ErrKeyTaken)
	wantErr(t, "a member's key", s.AddKioskDevice(ctx, models.KioskDevice{Name: "stand-2", Key: Key("alice", 1)}, Officer), models.ErrKeyTaken)
	if err := s.AddKey(ctx, "alice", stand.Key, Officer); err == nil || !strings.Contains(err.Error(), "kiosk device") {
		t.Errorf("a device's key was added to a member: %v", err)
	}
	must(t, s.AddKioskDevice(ctx, models.KioskDevice{Name: "stand-0", Key: Key("stand-0", 1)}, Officer))
	ds, err := s.KioskDevices(ctx)
	must(t, err)
	if len(ds) != 2 || ds[0].Name != "stand-0" || ds[1] != stand {
		t.Errorf("KioskDevices: %+v", ds)
	}
	must(t, s.RemoveKioskDevice(ctx, "stand-1", Officer))
	wantErr(t, "removing a removed device", s.RemoveKioskDevice(ctx, "stand-1", Officer), models.ErrNotFound)
	_, err = s.KioskDeviceByFingerprint(ctx, stand.Key.Fingerprint)
	wantErr(t, "a removed device's key", err, models.ErrNotFound)
	// Its key is free for a member now.
	must(t, s.AddKey(ctx, "alice", stand.Key, Officer))
	verifyChain(t, s)
}

// Kiosks typing the same code at once: exactly one gets in.
func testRedeemCodeRace(t *testing.T, stores []models.Store) {
	s := stores[0]
	Setup(t, s, []string{"alice"}, nil)
	c := kioskCode("a", "alice", "", T0.Add(15*time.Minute))
	must(t, s.IssueCode(ctx, issue(c), Officer))
	ok, refused := race(t, stores, 8, func(_ int, s models.Store) error {
		_, err := s.RedeemCode(ctx, c.Hash, T0)
		return err
	}, models.ErrCodeInvalid)
	if ok != 1 || refused[0] != 7 {
		t.Errorf("%d kiosks got in with one code and %d were refused, want 1 and 7", ok, refused[0])
	}
}
