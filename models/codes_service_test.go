package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// kioskEnv is a service with members m001–m003 and an open election e1;
// m003 is suspended.
func kioskEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, 3)
	e.open(t, definition("e1"))
	must(t, e.store.SetMemberStatus(ctx, "m003", models.Suspended, officer))
	return e
}

func TestIssueAndRedeemCode(t *testing.T) {
	e := kioskEnv(t)
	now := e.clock.Now()
	ic, err := e.svc.IssueCode(ctx, "m001", "", 0, "staff-sam")
	must(t, err)
	if !codeForm.MatchString(ic.Code) || ic.MemberID != "m001" || ic.ElectionID != "" || !ic.Expires.Equal(now.Add(models.DefaultCodeTTL)) {
		t.Fatalf("issued %+v, want a code for m001 valid 15 minutes from %s", ic, now)
	}
	live, err := e.svc.LiveCodes(ctx)
	must(t, err)
	if len(live) != 1 || live[0].ID() != ic.ID() {
		t.Fatalf("live codes %+v, want the one issued", live)
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	last := log[len(log)-1]
	if last.Action != "kiosk.code.issue" || last.Actor != "staff-sam" || strings.Contains(last.Detail, "m001") || !strings.Contains(last.Detail, "any open election") {
		t.Errorf("audit entry %+v: want the issue by staff-sam, for any open election, not naming the member", last)
	}

	// Typed as a person would: lower case, spaces, O for 0.
	typed := strings.ReplaceAll(strings.ToLower(strings.ReplaceAll(ic.Code, "-", " ")), "0", "o")
	voter, err := e.svc.RedeemCode(ctx, typed)
	must(t, err)
	if voter.Member.ID != "m001" || voter.ElectionID != "" {
		t.Errorf("redeemed %+v, want m001 for any election", voter)
	}
	_, err = e.svc.RedeemCode(ctx, ic.Code)
	wantErr(t, "a used code", err, models.ErrCodeInvalid)
	_, err = e.svc.RedeemCode(ctx, "not a code")
	wantErr(t, "a malformed code", err, models.ErrCodeInvalid)
}

func TestCodeExpiresAndIsRevoked(t *testing.T) {
	e := kioskEnv(t)
	short, err := e.svc.IssueCode(ctx, "m001", "e1", time.Minute, officer)
	must(t, err)
	long, err := e.svc.IssueCode(ctx, "m002", "", time.Hour, officer)
	must(t, err)
	e.clock.Set(e.clock.Now().Add(time.Minute))
	_, err = e.svc.RedeemCode(ctx, short.Code)
	wantErr(t, "an expired code", err, models.ErrCodeExpired)
	_, err = e.svc.RedeemCode(ctx, short.Code)
	wantErr(t, "an expired code, again", err, models.ErrCodeInvalid)

	revoked, err := e.svc.RevokeCode(ctx, strings.ToUpper(long.ID()[:5]), officer)
	must(t, err)
	if revoked.MemberID != "m002" {
		t.Errorf("revoked %+v, want m002's code", revoked)
	}
	_, err = e.svc.RedeemCode(ctx, long.Code)
	wantErr(t, "a revoked code", err, models.ErrCodeInvalid)
	_, err = e.svc.RevokeCode(ctx, long.ID(), officer)
	wantErr(t, "revoking it again", err, models.ErrNotFound)
	for _, bad := range []string{"", "abc", "xyz123", long.ID()[:3]} {
		if _, err := e.svc.RevokeCode(ctx, bad, officer); err == nil || !strings.Contains(err.Error(), "not a code id") {
			t.Errorf("RevokeCode(%q): %v, want a refusal naming the id's form", bad, err)
		}
	}
}

// Two live codes whose ids share a prefix: the prefix alone revokes
// neither.
func TestRevokeAmbiguousPrefix(t *testing.T) {
	e := kioskEnv(t)
	exp := e.clock.Now().Add(time.Hour)
	a := models.KioskCode{Hash: [32]byte{0xab, 0xcd, 0x01}, MemberID: "m001", Expires: exp, Opens: []string{"e1"}}
	b := models.KioskCode{Hash: [32]byte{0xab, 0xcd, 0x02}, MemberID: "m002", Expires: exp, Opens: []string{"e1"}}
	for i, c := range []models.KioskCode{a, b} {
		rec := models.SealedCodeRecord{Key: [32]byte{byte(i)}, ElectionID: "e1", Sealed: []byte("record")}
		must(t, e.store.IssueCode(ctx, models.CodeIssue{Code: c, Issued: e.clock.Now(), Records: []models.SealedCodeRecord{rec}}, officer))
	}
	if _, err := e.svc.RevokeCode(ctx, "abcd", officer); err == nil || !strings.Contains(err.Error(), "2 live kiosk codes") {
		t.Errorf("an ambiguous prefix: %v", err)
	}
	if got, err := e.svc.RevokeCode(ctx, "abcd02", officer); err != nil || got.MemberID != "m002" {
		t.Errorf("RevokeCode(abcd02) = %+v, %v", got, err)
	}
	n, err := e.svc.RevokeMemberCodes(ctx, "m001", officer)
	if err != nil || n != 1 {
		t.Errorf("RevokeMemberCodes = %d, %v; want 1", n, err)
	}
	if live, _ := e.svc.LiveCodes(ctx); len(live) != 0 {
		t.Errorf("%d codes left", len(live))
	}
	_, err = e.svc.RevokeMemberCodes(ctx, "nobody", officer)
	wantErr(t, "an unknown member", err, models.ErrNotFound)
}

// A code is issued only when it could open an election.
func TestIssueCodeRefusals(t *testing.T) {
	e := kioskEnv(t)
	e.create(t, definition("draft"))
	cast(t, e, "e1", "m002", "ada\n")
	for _, tc := range []struct {
		name, member, election string
		ttl                    time.Duration
		want                   error
		says                   string
	}{
		{"unknown member", "nobody", "", 0, models.ErrNotFound, ""},
		{"suspended member", "m003", "", 0, models.ErrInactive, "suspended"},
		{"unknown election", "m001", "e9", 0, models.ErrNotFound, ""},
		{"election not open", "m001", "draft", 0, models.ErrNotOpen, ""},
		{"voted in that election", "m002", "e1", 0, models.ErrAlreadyVoted, ""},
		{"voted everywhere", "m002", "", 0, models.ErrNothingToVote, "no open election left"},
		{"too short", "m001", "", 30 * time.Second, nil, "between 1m0s and 24h0m0s"},
		{"too long", "m001", "", 48 * time.Hour, nil, "between 1m0s and 24h0m0s"},
	} {
		_, err := e.svc.IssueCode(ctx, tc.member, tc.election, tc.ttl, officer)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want %v saying %q", tc.name, err, tc.want, tc.says)
		}
	}
	// Added after e1 opened: not on its roll.
	must(t, e.store.AddMember(ctx, models.Member{ID: "late", Name: "Late", Status: models.Active}, officer))
	_, err := e.svc.IssueCode(ctx, "late", "e1", 0, officer)
	wantErr(t, "a member not on the roll", err, models.ErrNotOnRoll)
	if live, _ := e.svc.LiveCodes(ctx); len(live) != 0 {
		t.Errorf("%d codes stored by refused issues", len(live))
	}
}

// One member, one ballot, whichever way they come in: the roll mark is
// the same.
func TestKioskAndKeyVotersShareTheRoll(t *testing.T) {
	e := kioskEnv(t)
	// Voted by key after the code was issued: the code opens nothing.
	ic, err := e.svc.IssueCode(ctx, "m001", "e1", 0, officer)
	must(t, err)
	cast(t, e, "e1", "m001", "ada\n")
	_, err = e.svc.RedeemCode(ctx, ic.Code)
	wantErr(t, "redeeming after voting by key", err, models.ErrAlreadyVoted)

	// Voted at the kiosk: the key casts nothing more.
	ic, err = e.svc.IssueCode(ctx, "m002", "", 0, officer)
	must(t, err)
	voter, err := e.svc.RedeemCode(ctx, ic.Code)
	must(t, err)
	_, err = e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: voter.Member.ID}, ballot(t, e, "e1", "ken\n"))
	must(t, err)
	_, err = e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: "m002"}, ballot(t, e, "e1", "ada\n"))
	wantErr(t, "casting by key after the kiosk", err, models.ErrAlreadyVoted)
	if voted, ballots := boxState(t, e, "e1"); voted != 2 || ballots != 2 {
		t.Errorf("%d marked, %d ballots; want 2 and 2", voted, ballots)
	}

	// Suspended after the code was issued: refused at the kiosk.
	e.open(t, definition("e2"))
	ic, err = e.svc.IssueCode(ctx, "m001", "", 0, officer)
	must(t, err)
	must(t, e.store.SetMemberStatus(ctx, "m001", models.Suspended, officer))
	_, err = e.svc.RedeemCode(ctx, ic.Code)
	wantErr(t, "a member suspended since", err, models.ErrInactive)
}

func TestAddKioskDeviceRefusals(t *testing.T) {
	e := kioskEnv(t)
	member := models.Key{Fingerprint: "SHA256:member-key", Type: "ssh-ed25519", Public: "ssh-ed25519 AAAAmember"}
	must(t, e.store.AddKey(ctx, "m001", member, officer))
	device := models.Key{Fingerprint: "SHA256:device-key", Type: "ssh-ed25519", Public: "ssh-ed25519 AAAAdevice"}
	for _, tc := range []struct {
		name string
		keys []models.Key
		says string
	}{
		{"Stand 1", []models.Key{device}, "kiosk device name"},
		{"stand-1", nil, "exactly one key, and 0"},
		{"stand-1", []models.Key{device, member}, "exactly one key, and 2"},
		{"stand-1", []models.Key{member}, "is member m001's"},
	} {
		if err := e.svc.AddKioskDevice(ctx, tc.name, tc.keys, officer); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("AddKioskDevice(%q, %d keys): %v, want it to say %q", tc.name, len(tc.keys), err, tc.says)
		}
	}
	must(t, e.svc.AddKioskDevice(ctx, "stand-1", []models.Key{device}, officer))
	if err := e.svc.AddKioskDevice(ctx, "stand-1", []models.Key{{Fingerprint: "SHA256:other", Type: "ssh-ed25519", Public: "x"}}, officer); err == nil ||
		!strings.Contains(err.Error(), "booth kiosk remove stand-1") {
		t.Errorf("a device name taken: %v", err)
	}
}
