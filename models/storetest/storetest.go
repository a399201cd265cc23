// Package storetest is the conformance suite for models.Store: every store
// operation and invariant (one ballot per member, the sealed box in
// receipt-hash order, receipts, replacement, roll marks equal to ballots,
// the election lifecycle, the audit chain, results and bundles, session
// leases, kiosk codes, staff and devices, members' preferences), run the same way against each
// implementation, so that the SQLite and PostgreSQL stores behave alike.
// Each store's tests call Run and RunShared; the fixtures here serve their
// implementation-specific tests too.
package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// Run runs the suite. open returns a new, empty store for one test, whose
// clock is clock, and closes it when the test ends.
func Run(t *testing.T, open func(t *testing.T, clock func() time.Time) models.Store) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, models.Store)
	}{
		{"MemberRoundTrip", testMemberRoundTrip},
		{"MemberDefaults", testMemberDefaults},
		{"MemberOrder", testMemberOrder},
		{"MemberRefusals", testMemberRefusals},
		{"ImportIsAllOrNothing", testImportIsAllOrNothing},
		{"SetMemberStatus", testSetMemberStatus},
		{"Keys", testKeys},
		{"ElectionRoundTrip", testElectionRoundTrip},
		{"UpdateDefinitionOnlyInDraft", testUpdateDefinitionOnlyInDraft},
		{"OpenFreezesTheElectorate", testOpenFreezesTheElectorate},
		{"CloseAndExtend", testCloseAndExtend},
		{"WithdrawCandidate", testWithdrawCandidate},
		{"OpeningEarly", testOpeningEarly},
		{"EmptyElectorate", testEmptyElectorate},
		{"Cancel", testCancel},
		{"RefusalSaysWhenItClosed", testRefusalSaysWhenItClosed},
		{"CastRoundTrip", testCastRoundTrip},
		{"CastRefusals", testCastRefusals},
		{"CastAfterCloseIsRefused", testCastAfterCloseIsRefused},
		{"Replace", testReplace},
		{"ReplaceNotAllowed", testReplaceNotAllowed},
		{"ElectionsAreSeparate", testElectionsAreSeparate},
		{"AuditChain", testAuditChain},
		{"EveryChangeIsAudited", testEveryChangeIsAudited},
		{"ResultRoundTrip", testResultRoundTrip},
		{"ResultOfARealCount", testResultOfARealCount},
		{"Bundles", testBundles},
		{"Leases", testLeases},
		{"LeaseExpiry", testLeaseExpiry},
		{"LeaseRefusals", testLeaseRefusals},
		{"RedeemCodeOnce", testRedeemCodeOnce},
		{"RedeemExpiredCode", testRedeemExpiredCode},
		{"IssueCodeRefusals", testIssueCodeRefusals},
		{"CodeAuditNamesNoMember", testCodeAuditNamesNoMember},
		{"StaffRole", testStaffRole},
		{"KioskDevices", testKioskDevices},
		{"ScrubState", testScrubState},
		{"CastChecksTheCaster", testCastChecksTheCaster},
		{"TickDecidesByTheStoreClock", testTickDecidesByTheStoreClock},
		{"OrderSecret", testOrderSecret},
		{"CodeRateLimit", testCodeRateLimit},
		{"CodeLog", testCodeLog},
		{"CodeRecords", testCodeRecords},
		{"CodeIssueRefusals", testCodeIssueRefusals},
		{"Ready", testReady},
		{"TrusteeSessions", testTrusteeSessions},
		{"Standing", testStanding},
		{"ElectorateInGoodStanding", testElectorateInGoodStanding},
		{"NominationRules", testNominationRules},
		{"CloseNominations", testCloseNominations},
		{"SelfNominationAfterSelfTurnedOff", testSelfNominationAfterSelfTurnedOff},
		{"ExtendCannotShorten", testExtendCannotShorten},
		{"SuspendedNomineeNotCandidate", testSuspendedNomineeNotCandidate},
		{"LapsedNomineeNotCandidate", testLapsedNomineeNotCandidate},
		{"OpeningMovedEarlierMemberFor", testOpeningMovedEarlierMemberFor},
		{"EarlyOpeningWaitsForMemberFor", testEarlyOpeningWaitsForMemberFor},
		{"Preferences", testPreferences},
		{"MemberLanguages", testMemberLanguages},
		{"NoticeQueue", testNoticeQueue},
		{"NoticeNoAddress", testNoticeNoAddress},
		{"NoticeClaim", testNoticeClaim},
		{"NoticeCrash", testNoticeCrash},
		{"NoticeFoldAtClose", testNoticeFoldAtClose},
		{"NoticeSendingMarkChecksVote", testNoticeSendingMarkChecksVote},
		{"NoticeCloseSettlesBatch", testNoticeCloseSettlesBatch},
		{"NoticeFoldKeepsNoReply", testNoticeFoldKeepsNoReply},
		{"NoticeRetryFailed", testNoticeRetryFailed},
		{"NoticeNominations", testNoticeNominations},
		{"NoticeRenewal", testNoticeRenewal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClock()
			s := open(t, c.Now)
			UseClock(s, c)
			tc.test(t, s)
		})
	}
	// The races, with every goroutine on one store.
	one := func(t *testing.T, _ int, c func() time.Time) []models.Store { return []models.Store{open(t, c)} }
	runRaces(t, one)
}

// RunShared runs the races of the suite through several stores on one
// database, as several front ends (or processes) would use it: open
// returns n stores on one new, empty database, all reading clock, and
// closes them when the test ends.
func RunShared(t *testing.T, open func(t *testing.T, n int, clock func() time.Time) []models.Store) {
	runRaces(t, open)
}

func runRaces(t *testing.T, open func(t *testing.T, n int, clock func() time.Time) []models.Store) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, []models.Store)
	}{
		{"OneBallotPerMemberUnderRace", testOneBallotUnderRace},
		{"ConcurrentCasts", testConcurrentCasts},
		{"ConcurrentReplacements", testConcurrentReplacements},
		{"CloseDuringCasts", testCloseDuringCasts},
		{"ConcurrentAuditAppends", testConcurrentAuditAppends},
		{"LeaseRace", testLeaseRace},
		{"RedeemCodeRace", testRedeemCodeRace},
		{"KeyRace", testKeyRace},
		{"OrderSecretRace", testOrderSecretRace},
		{"CodeRateRace", testCodeRateRace},
		{"NominateRace", testNominateRace},
		{"AcceptWhileClosing", testAcceptWhileClosing},
		{"NoticeClaimRace", testNoticeClaimRace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.test(t, openOnOneClock(t, open))
		})
	}
}

// openOnOneClock opens the four stores on one database that a race goes
// through, all on one fake clock.
func openOnOneClock(t *testing.T, open func(t *testing.T, n int, clock func() time.Time) []models.Store) []models.Store {
	c := NewClock()
	stores := open(t, 4, c.Now)
	for _, s := range stores {
		UseClock(s, c)
	}
	return stores
}

// Fixtures. T0 is the moment elections in the suite open.
var T0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// Officer is the actor of the suite's changes.
const Officer = "officer"

var ctx = context.Background()

// Member is an active member who joined well before T0, with one key.
func Member(id string) models.Member {
	return models.Member{
		ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active,
		Joined: T0.Add(-30 * 24 * time.Hour),
		Keys:   []models.Key{Key(id, 1)},
	}
}

// Key is member id's key number n (a made-up fingerprint; the store does
// not parse keys).
func Key(id string, n int) models.Key {
	return models.Key{
		Fingerprint: fmt.Sprintf("SHA256:%s-%d", id, n),
		Type:        "ssh-ed25519",
		Public:      fmt.Sprintf("ssh-ed25519 AAAA%s%d", id, n),
		Comment:     id + "@laptop",
	}
}

// MemberIDs returns n member IDs, m000 upwards, in ID order.
func MemberIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("m%03d", i)
	}
	return ids
}

// Definition is a Schulze election with three candidates, open for 48
// hours from T0, that allows replacement, with every option set.
func Definition(id string) models.Definition {
	return models.Definition{
		ID: id, Title: "Board " + id, Description: "Elect *one*.", Method: tally.Schulze, Seats: 1,
		Candidates: []models.Candidate{
			{ID: "ada", Name: "Ada Lovelace", Affiliation: "Analytical", Statement: "I count."},
			{ID: "ken", Name: "Ken Thompson"},
			{ID: "nota", Name: "None of the above"},
		},
		OpensAt: T0, ClosesAt: T0.Add(48 * time.Hour), AllowReplace: true, PublishLedger: true,
		Quorum:        models.QuorumRule{Percent: 50, Extend: 24 * time.Hour},
		DefaultOption: "nota", OptionQuorum: 3, Majority: tally.Ratio{Num: 3, Den: 1},
		TieSeed: "seed-2026",
	}
}

// Setup fills s with the members ids and an open election "e1" (its
// definition changed by edit, if given).
func Setup(t testing.TB, s models.Store, ids []string, edit func(*models.Definition)) {
	t.Helper()
	At(s, T0)
	ms := make([]models.Member, len(ids))
	for i, id := range ids {
		ms[i] = Member(id)
	}
	must(t, s.ImportMembers(ctx, ms, Officer))
	d := Definition("e1")
	if edit != nil {
		edit(&d)
	}
	must(t, s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, Officer))
	must(t, At(s, T0).OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer))
}

// Receipt derives a receipt hash from a label.
func Receipt(label string) [32]byte { return sha256.Sum256([]byte("receipt:" + label)) }

// CastIn is a cast in election "e1" by memberID, signed in with their
// first key (Key(memberID, 1)), under the receipt labelled label. The
// time is the store's: At(s, t).Cast(ctx, CastIn(…)) casts at t.
func CastIn(memberID, label string) models.Cast {
	return models.Cast{
		ElectionID: "e1", MemberID: memberID, Key: Key(memberID, 1).Fingerprint,
		ReceiptHash: Receipt(label), Sealed: []byte("sealed ballot " + label),
	}
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantBox checks the roll marks and the ballots of "e1", through the
// store: refused operations must leave both as they were.
func wantBox(t *testing.T, s models.Store, marks, ballots int) {
	t.Helper()
	tu, err := s.Turnout(ctx, "e1")
	must(t, err)
	bs, err := s.Ballots(ctx, "e1")
	must(t, err)
	if tu.Voted != marks || len(bs) != ballots {
		t.Errorf("%d roll marks and %d ballots, want %d and %d", tu.Voted, len(bs), marks, ballots)
	}
}

// verifyChain checks the whole audit chain and returns its length.
func verifyChain(t *testing.T, s models.Store) int {
	t.Helper()
	log, err := s.AuditLog(ctx)
	must(t, err)
	if _, err := models.VerifyChain(log); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	return len(log)
}

// Fingerprint is the fingerprint of election id's definition as stored:
// what a caller that read it passes to OpenElection.
func Fingerprint(t testing.TB, s models.Store, id string) string {
	t.Helper()
	e, err := s.Election(ctx, id)
	if err != nil {
		t.Fatalf("reading election %s to open it: %v", id, err)
	}
	return e.Definition.Fingerprint()
}
