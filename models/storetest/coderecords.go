package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// Issue 10 item 6: the kiosk code issue log, its per-staff limit and the
// sealed records of who issued a code for whom.

// issue is c issued by an officer at T0, with a stand-in sealed record
// for each election it opens.
func issue(c models.KioskCode) models.CodeIssue {
	return staffIssue(c, "", models.CodeRate{}, T0)
}

// staffIssue is c issued by staff (an officer if "") at issued, under
// rate.
func staffIssue(c models.KioskCode, staff string, rate models.CodeRate, issued time.Time) models.CodeIssue {
	ci := models.CodeIssue{Code: c, Staff: staff, Rate: rate, Issued: issued}
	for _, e := range c.Opens {
		ci.Records = append(ci.Records, models.SealedCodeRecord{
			Key:        sha256.Sum256([]byte("record:" + hex.EncodeToString(c.Hash[:]) + ":" + e)),
			ElectionID: e,
			Sealed:     []byte("sealed record of " + hex.EncodeToString(c.Hash[:4]) + " for " + e),
		})
	}
	return ci
}

// sameCode compares two codes field by field.
func sameCode(a, b models.KioskCode) bool {
	return a.Hash == b.Hash && a.MemberID == b.MemberID && a.ElectionID == b.ElectionID &&
		a.Expires.Equal(b.Expires) && slices.Equal(a.Opens, b.Opens)
}

// A staff member issues at most Rate.Codes codes in any window of
// Rate.Per; the refusal says when the next may be issued. Officers and
// other staff are not held back by them.
func testCodeRateLimit(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "sam", "tess"}, nil)
	rate := models.CodeRate{Codes: 3, Per: time.Hour}
	n := 0
	next := func(staff string, at time.Time) error {
		n++
		return s.IssueCode(ctx, staffIssue(kioskCode(fmt.Sprint(n), "alice", "", at.Add(15*time.Minute)), staff, rate, at), actorFor(staff))
	}
	for _, m := range []time.Duration{0, 10, 20} {
		must(t, next("sam", T0.Add(m*time.Minute)))
	}
	err := next("sam", T0.Add(30*time.Minute))
	var re *models.CodeRateError
	if !errors.As(err, &re) || !errors.Is(err, models.ErrCodeRate) {
		t.Fatalf("the fourth code in an hour: %v, want a *CodeRateError", err)
	}
	if !re.Next.Equal(T0.Add(time.Hour)) || re.Rate != rate {
		t.Errorf("refusal says the next code at %s under %s, want %s under %s", re.Next, re.Rate, T0.Add(time.Hour), rate)
	}
	must(t, next("tess", T0.Add(30*time.Minute)))
	for range 5 {
		must(t, next("", T0.Add(30*time.Minute)))
	}
	// At T0+1h the first code leaves the window; the second still holds
	// a place until T0+1h10m.
	must(t, next("sam", T0.Add(time.Hour)))
	err = next("sam", T0.Add(time.Hour+time.Minute))
	if !errors.As(err, &re) || !re.Next.Equal(T0.Add(70*time.Minute)) {
		t.Errorf("after the window moved on: %v, want the next code at %s", err, T0.Add(70*time.Minute))
	}
	log, err := s.CodeLog(ctx, "sam")
	must(t, err)
	if len(log) != 4 {
		t.Errorf("sam's log holds %d codes, want the 4 issued (refusals leave nothing)", len(log))
	}
}

// actorFor names staff in the audit log, or the suite's officer.
func actorFor(staff string) string {
	if staff == "" {
		return Officer
	}
	return models.StaffActor(staff)
}

// The log says, per code and newest first, who issued it, for which
// election, when, until when and whether it was used or revoked; it names
// the member only while the code is live.
func testCodeLog(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "bob", "sam", "tess"}, nil)
	exp := T0.Add(time.Hour)
	used, revoked, live := kioskCode("u", "alice", "e1", exp), kioskCode("r", "bob", "", exp), kioskCode("l", "bob", "", exp)
	other, officers := kioskCode("o", "alice", "", exp), kioskCode("f", "alice", "", exp)
	must(t, s.IssueCode(ctx, staffIssue(used, "sam", models.DefaultCodeRate, T0), models.StaffActor("sam")))
	must(t, s.IssueCode(ctx, staffIssue(revoked, "sam", models.DefaultCodeRate, T0.Add(time.Minute)), models.StaffActor("sam")))
	must(t, s.IssueCode(ctx, staffIssue(live, "sam", models.DefaultCodeRate, T0.Add(2*time.Minute)), models.StaffActor("sam")))
	must(t, s.IssueCode(ctx, staffIssue(other, "tess", models.DefaultCodeRate, T0.Add(3*time.Minute)), models.StaffActor("tess")))
	must(t, s.IssueCode(ctx, staffIssue(officers, "", models.CodeRate{}, T0.Add(4*time.Minute)), Officer))
	_, err := s.RedeemCode(ctx, used.Hash, T0.Add(5*time.Minute))
	must(t, err)
	must(t, s.RevokeCode(ctx, revoked.Hash, Officer))

	log, err := s.CodeLog(ctx, "sam")
	must(t, err)
	want := []models.CodeLogEntry{
		{Hash: live.Hash, Staff: "sam", Issued: T0.Add(2 * time.Minute), Expires: exp, State: models.CodeIssued, MemberID: "bob"},
		{Hash: revoked.Hash, Staff: "sam", Issued: T0.Add(time.Minute), Expires: exp, State: models.CodeRevoked},
		{Hash: used.Hash, Staff: "sam", ElectionID: "e1", Issued: T0, Expires: exp, State: models.CodeUsed},
	}
	if !sameLog(log, want) {
		t.Errorf("sam's log:\n%+v\nwant\n%+v", log, want)
	}
	all, err := s.CodeLog(ctx, "")
	must(t, err)
	var who []string
	for _, e := range all {
		who = append(who, e.Staff+"/"+e.ID())
	}
	wantWho := []string{"/" + officers.ID(), "tess/" + other.ID(), "sam/" + live.ID(), "sam/" + revoked.ID(), "sam/" + used.ID()}
	if !slices.Equal(who, wantWho) {
		t.Errorf("everyone's log: %q, want %q (an officer's code has no staff)", who, wantWho)
	}
	if log, err := s.CodeLog(ctx, "alice"); err != nil || len(log) != 0 {
		t.Errorf("the log of a member who issued nothing: %+v, %v", log, err)
	}
}

func sameLog(got, want []models.CodeLogEntry) bool {
	return slices.EqualFunc(got, want, func(a, b models.CodeLogEntry) bool {
		return a.Hash == b.Hash && a.Staff == b.Staff && a.ElectionID == b.ElectionID && a.Issued.Equal(b.Issued) &&
			a.Expires.Equal(b.Expires) && a.State == b.State && a.MemberID == b.MemberID
	})
}

// Every election a code opens holds its sealed record, listed by election
// in key order; a code redeemed opens just those elections.
func testCodeRecords(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice", "bob"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e2"), Recipients: []string{"age1test"}}, Officer))
	must(t, s.OpenElection(ctx, "e2", Fingerprint(t, s, "e2"), Officer))
	a := kioskCode("a", "alice", "", T0.Add(time.Hour))
	a.Opens = []string{"e1", "e2"}
	b := kioskCode("b", "bob", "e2", T0.Add(time.Hour))
	ia, ib := issue(a), issue(b)
	must(t, s.IssueCode(ctx, ia, Officer))
	must(t, s.IssueCode(ctx, ib, Officer))

	for election, want := range map[string][]models.SealedCodeRecord{
		"e1": {ia.Records[0]},
		"e2": sortedRecords(ia.Records[1], ib.Records[0]),
	} {
		got, err := s.CodeRecords(ctx, election)
		must(t, err)
		if !slices.EqualFunc(got, want, func(x, y models.SealedCodeRecord) bool {
			return x.Key == y.Key && x.ElectionID == y.ElectionID && string(x.Sealed) == string(y.Sealed)
		}) {
			t.Errorf("records of %s: %d, want %d in key order", election, len(got), len(want))
		}
	}
	got, err := s.RedeemCode(ctx, a.Hash, T0)
	must(t, err)
	if !slices.Equal(got.Opens, []string{"e1", "e2"}) {
		t.Errorf("a redeemed code opens %q, want e1 and e2", got.Opens)
	}
	// Redeeming takes the code, not its records.
	if rs, err := s.CodeRecords(ctx, "e1"); err != nil || len(rs) != 1 {
		t.Errorf("records of e1 after the code was used: %d, %v", len(rs), err)
	}
}

func sortedRecords(rs ...models.SealedCodeRecord) []models.SealedCodeRecord {
	slices.SortFunc(rs, func(a, b models.SealedCodeRecord) int { return strings.Compare(string(a.Key[:]), string(b.Key[:])) })
	return rs
}

// A code is stored whole or not at all: with a record for each election
// it opens, its one election if it names one, a known staff member; a
// refused issue leaves no code, log entry or record.
func testCodeIssueRefusals(t *testing.T, s models.Store) {
	Setup(t, s, []string{"alice"}, nil)
	c := kioskCode("a", "alice", "", T0.Add(time.Hour))
	for what, ci := range map[string]models.CodeIssue{
		"no record":              {Code: c, Issued: T0},
		"no election":            issue(models.KioskCode{Hash: c.Hash, MemberID: "alice", Expires: c.Expires}),
		"a record for another":   func() models.CodeIssue { ci := issue(c); ci.Records[0].ElectionID = "e9"; return ci }(),
		"scoped, opening others": issue(models.KioskCode{Hash: c.Hash, MemberID: "alice", ElectionID: "e1", Expires: c.Expires, Opens: []string{"e1", "e2"}}),
		"no issue time":          func() models.CodeIssue { ci := issue(c); ci.Issued = time.Time{}; return ci }(),
	} {
		if err := s.IssueCode(ctx, ci, Officer); err == nil {
			t.Errorf("%s: stored", what)
		}
	}
	wantErr(t, "an unknown staff member", s.IssueCode(ctx, staffIssue(c, "nobody", models.DefaultCodeRate, T0), models.StaffActor("nobody")), models.ErrNotFound)
	wantCodes(t, s, 0)
	if log, err := s.CodeLog(ctx, ""); err != nil || len(log) != 0 {
		t.Errorf("refused issues left %d log entries (%v)", len(log), err)
	}
	if rs, err := s.CodeRecords(ctx, "e1"); err != nil || len(rs) != 0 {
		t.Errorf("refused issues left %d records (%v)", len(rs), err)
	}
	// A hash is issued once, ever: after its code is used it is taken
	// still (the caller draws another), so the log names one code per hash.
	must(t, s.IssueCode(ctx, issue(c), Officer))
	_, err := s.RedeemCode(ctx, c.Hash, T0)
	must(t, err)
	again := issue(c)
	again.Records[0].Key[0] ^= 1
	wantErr(t, "a used code's hash issued again", s.IssueCode(ctx, again, Officer), models.ErrExists)
}

// Staff issuing through several front ends at once: the limit holds
// across them, exactly Rate.Codes codes are issued.
func testCodeRateRace(t *testing.T, stores []models.Store) {
	s := stores[0]
	Setup(t, s, []string{"alice", "sam"}, nil)
	rate := models.CodeRate{Codes: 3, Per: time.Hour}
	ok, refused := race(t, stores, 12, func(i int, s models.Store) error {
		c := kioskCode(fmt.Sprint("race", i), "alice", "", T0.Add(time.Hour))
		return s.IssueCode(ctx, staffIssue(c, "sam", rate, T0.Add(time.Duration(i)*time.Second)), models.StaffActor("sam"))
	}, models.ErrCodeRate)
	if ok != rate.Codes || refused[0] != 12-rate.Codes {
		t.Errorf("%d codes issued and %d refused, want %d and %d", ok, refused[0], rate.Codes, 12-rate.Codes)
	}
	wantCodes(t, s, rate.Codes)
}
