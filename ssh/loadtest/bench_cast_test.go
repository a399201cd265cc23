package loadtest_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/ssh/loadtest"
)

// castThroughTwoFrontEnds runs booth bench cast's load on a fresh
// PostgreSQL database: 1,000 members, two front ends (this test binary,
// acting as booth), each member's ballot through one and a duplicate
// through the other at the same moment. It fails the test on any wrong
// box.
func castThroughTwoFrontEnds(t *testing.T, kill bool) (loadtest.CastReport, string) {
	t.Helper()
	b := loadtest.CastConfig{Booth: actAsBooth(t), Members: 1000, FrontEnds: 2, InFlight: 32, Kill: kill, DSN: pgtest.Database(t)}
	var out bytes.Buffer
	r, err := loadtest.RunCast(context.Background(), &out, b)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if bad := r.Problems(b); len(bad) > 0 {
		t.Fatalf("%s\n%s", strings.Join(bad, "\n"), out.String())
	}
	t.Log(out.String())
	return r, out.String()
}

// Exactly one ballot per member is kept, roll marks equal ballots, every
// receipt's ballot is in the box, and the booth's count equals a direct
// count.
func TestThousandMembersCastThroughTwoFrontEnds(t *testing.T) {
	r, out := castThroughTwoFrontEnds(t, false)
	if r.Ballots != 1000 || r.RollMarks != 1000 || !r.CountMatch {
		t.Fatalf("ballots %d, roll marks %d, count matches %v\n%s", r.Ballots, r.RollMarks, r.CountMatch, out)
	}
}

// One front end killed with SIGKILL half-way: every ballot whose receipt
// was returned is in the box, and the roll and the box still agree.
func TestAKilledFrontEndLosesNoReturnedBallot(t *testing.T) {
	r, out := castThroughTwoFrontEnds(t, true)
	if r.Failed == 0 {
		t.Fatalf("no attempt failed, so the kill did not land mid-load:\n%s", out)
	}
}

func TestBenchCastRefusesNonsense(t *testing.T) {
	if _, err := loadtest.RunCast(context.Background(), &bytes.Buffer{}, loadtest.CastConfig{Members: 0, FrontEnds: 1, InFlight: 1}); err == nil {
		t.Fatal("0 members accepted")
	}
}
