package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/tally"
)

// CastConfig is what RunCast measures.
type CastConfig struct {
	// Booth is the path of a booth executable: RunCast starts its 'serve'
	// command as the front ends.
	Booth                        string
	Members, FrontEnds, InFlight int
	Kill                         bool   // SIGKILL the first front end half-way
	DSN                          string // PostgreSQL; empty: SQLite
}

// CastReport is what RunCast found.
type CastReport struct {
	Casts      int           // receipts returned
	Refused    int           // second attempts answered "already voted"
	Failed     int           // attempts that got neither (a killed front end)
	Elapsed    time.Duration // of the casting
	Ballots    int           // in the box after the casting
	RollMarks  int           // members marked as voted
	Lost       []string      // returned receipts whose ballot is not in the box
	Doubled    []string      // members with two receipts
	CountMatch bool          // the booth's count equals a direct count of the ballots cast
	Counted    bool          // a direct count was possible (nothing killed)
}

// Problems lists what the box got wrong; none means every check held.
func (r CastReport) Problems(b CastConfig) []string {
	var bad []string
	if r.Ballots != r.RollMarks {
		bad = append(bad, fmt.Sprintf("%d ballots but %d roll marks", r.Ballots, r.RollMarks))
	}
	if len(r.Lost) > 0 {
		bad = append(bad, fmt.Sprintf("%d returned receipts have no ballot in the box", len(r.Lost)))
	}
	if len(r.Doubled) > 0 {
		bad = append(bad, fmt.Sprintf("%d members got two receipts", len(r.Doubled)))
	}
	if r.Ballots < r.Casts {
		bad = append(bad, fmt.Sprintf("%d receipts returned but only %d ballots in the box", r.Casts, r.Ballots))
	}
	if !b.Kill {
		if r.Ballots != b.Members || r.Casts != b.Members || r.Refused != b.Members {
			bad = append(bad, fmt.Sprintf("%d members: %d ballots, %d receipts, %d duplicates refused", b.Members, r.Ballots, r.Casts, r.Refused))
		}
		if !r.CountMatch {
			bad = append(bad, "the booth's count differs from a direct count of the ballots cast")
		}
	}
	return bad
}

// RunCast seeds b.Members members and one open Schulze election in a
// throw-away data directory (and, with b.DSN, in that PostgreSQL database,
// which must be empty and throw-away too), starts b.FrontEnds 'booth serve'
// processes sharing the store and one host key, and has every member cast
// a ballot with 'ssh HOST cast' through one front end while a duplicate of
// it goes through another at the same moment. It writes casts per second
// to out, then checks the box; CastReport.Problems says what it got
// wrong. b.Kill kills the first front end with SIGKILL half-way.
func RunCast(ctx context.Context, out io.Writer, b CastConfig) (CastReport, error) {
	if b.Members < 1 || b.FrontEnds < 1 || b.InFlight < 1 {
		return CastReport{}, errors.New("loadtest: Members, FrontEnds and InFlight must be at least 1")
	}
	dir, err := os.MkdirTemp("", "booth-bench-cast-")
	if err != nil {
		return CastReport{}, err
	}
	defer os.RemoveAll(dir)
	st, err := openBenchStore(ctx, b.DSN, dir)
	if err != nil {
		return CastReport{}, err
	}
	defer st.Close()
	svc := models.NewService(st)
	signers, err := seedMembers(ctx, st, b.Members)
	if err != nil {
		return CastReport{}, fmt.Errorf("preparing the members: %w", err)
	}
	d := benchElection("bench-cast", "Casting benchmark", tally.Schulze)
	keyPath := filepath.Join(dir, "tally-key")
	if err := createOpen(ctx, svc, d, keyPath); err != nil {
		return CastReport{}, err
	}
	frontEnds, err := startFrontEnds(ctx, dir, b)
	if err != nil {
		return CastReport{}, err
	}
	defer func() {
		for _, fe := range frontEnds {
			fe.cmd.Process.Kill()
			fe.cmd.Wait()
		}
	}()

	store := "SQLite"
	if b.DSN != "" {
		store = "PostgreSQL"
	}
	fmt.Fprintf(out, "booth bench cast: %s, %d cores, %s, %d members, %d front ends, %d in flight\n",
		cpuModel(), runtime.NumCPU(), store, b.Members, b.FrontEnds, b.InFlight)
	ballots := memberBallots(b.Members, d)
	r, attempts := castAll(frontEnds, signers, ballots, d.ID, b)
	fmt.Fprintf(out, "%d ballots cast in %s: %.0f durable casts/s (each a new SSH connection; %d duplicates refused, %d attempts failed)\n",
		r.Casts, r.Elapsed.Round(time.Millisecond), float64(r.Casts)/r.Elapsed.Seconds(), r.Refused, r.Failed)

	if err := checkBox(ctx, svc, d, keyPath, ballots, attempts, &r, b); err != nil {
		return r, err
	}
	fmt.Fprintf(out, "box: %d ballots, %d roll marks, %d returned receipts without a ballot, %d members with two receipts\n",
		r.Ballots, r.RollMarks, len(r.Lost), len(r.Doubled))
	switch {
	case !r.Counted:
		fmt.Fprintf(out, "count: not compared (a front end was killed, so some ballots may be in without a returned receipt)\n")
	case r.CountMatch:
		fmt.Fprintf(out, "count: the booth's count equals a direct count of the %d ballots cast\n", b.Members)
	default:
		fmt.Fprintf(out, "count: the booth's count DIFFERS from a direct count of the ballots cast\n")
	}
	return r, nil
}

// openBenchStore opens the PostgreSQL database dsn, or SQLite in dir.
func openBenchStore(ctx context.Context, dsn, dir string) (models.Store, error) {
	if dsn == "" {
		return sqlite.Open(dir)
	}
	return postgres.Open(ctx, dsn)
}

// frontEnd is one booth serve process.
type frontEnd struct {
	addr   string
	cmd    *exec.Cmd
	killed atomic.Bool
}

// startFrontEnds starts b.FrontEnds booth serve processes on the store,
// each with its own data directory (SQLite: the shared one) and all with
// one host key.
func startFrontEnds(ctx context.Context, dir string, b CastConfig) ([]*frontEnd, error) {
	hostKey := filepath.Join(dir, "host-key")
	if _, err := boothssh.InitHostKey(hostKey); err != nil {
		return nil, err
	}
	var fes []*frontEnd
	for i := range b.FrontEnds {
		addr, err := FreeAddr()
		if err != nil {
			return fes, err
		}
		data := dir
		args := []string{"--host-key", hostKey, "--max-conns-per-ip", fmt.Sprint(2*b.InFlight + 100)}
		if b.DSN != "" {
			data = filepath.Join(dir, fmt.Sprintf("front-end-%d", i+1))
			args = append(args, "--db", b.DSN)
		}
		cmd, err := spawnServe(ctx, b.Booth, addr, append(args, "--data", data)...)
		if err != nil {
			return fes, err
		}
		fes = append(fes, &frontEnd{addr: addr, cmd: cmd})
	}
	return fes, nil
}

// memberBallots gives each member a ballot: a ranking of some of the
// candidates, drawn from a fixed seed.
func memberBallots(n int, d models.Definition) []string {
	r := mrand.New(mrand.NewPCG(2026, 11))
	ballots := make([]string, n)
	for i := range ballots {
		ids := make([]string, len(d.Candidates))
		for j, c := range d.Candidates {
			ids[j] = c.ID
		}
		r.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
		ballots[i] = strings.Join(ids[:1+r.IntN(len(ids))], "\n") + "\n"
	}
	return ballots
}

// attempt is one 'ssh HOST cast' and how it ended.
type attempt struct {
	receipt string
	refused bool // "already voted"
	err     error
}

// castAll has every member cast through front end i mod n and, at the same
// moment, a duplicate through the next one.
func castAll(fes []*frontEnd, signers []gossh.Signer, ballots []string, election string, b CastConfig) (CastReport, [][2]attempt) {
	results := make([][2]attempt, len(signers))
	var done atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range b.InFlight {
		wg.Go(func() {
			for i := range jobs {
				var pair sync.WaitGroup
				for k := range 2 {
					fe := fes[(i+k)%len(fes)]
					pair.Go(func() { results[i][k] = castOnce(fe, signers[i], election, ballots[i]) })
				}
				pair.Wait()
				if done.Add(1) == int64(len(signers)/2) && b.Kill {
					fes[0].killed.Store(true)
					fes[0].cmd.Process.Kill()
				}
			}
		})
	}
	for i := range signers {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	r := CastReport{Elapsed: time.Since(start)}
	for i, pair := range results {
		var receipts int
		for _, a := range pair {
			switch {
			case a.receipt != "":
				r.Casts++
				receipts++
			case a.refused:
				r.Refused++
			default:
				r.Failed++
			}
		}
		if receipts > 1 {
			r.Doubled = append(r.Doubled, fmt.Sprintf("member%04d", i+1))
		}
	}
	return r, results
}

func castOnce(fe *frontEnd, signer gossh.Signer, election, ballot string) attempt {
	stdout, stderr, status, err := Command(fe.addr, signer, "cast "+election, ballot, 30*time.Second)
	switch {
	case err != nil:
		return attempt{err: err}
	case status == 0:
		return attempt{receipt: strings.TrimSpace(stdout)}
	case strings.Contains(stderr, "already voted"):
		return attempt{refused: true}
	}
	return attempt{err: fmt.Errorf("exit %d: %s", status, strings.TrimSpace(stderr))}
}

// checkBox reads the box after the casting: ballots against roll marks,
// every returned receipt against the box, and, when nothing was killed,
// the booth's count against a direct count of the ballots the members
// cast.
func checkBox(ctx context.Context, svc *models.Service, d models.Definition, keyPath string, ballots []string, attempts [][2]attempt, r *CastReport, b CastConfig) error {
	box, err := svc.Ballots(ctx, d.ID)
	if err != nil {
		return err
	}
	turnout, err := svc.Turnout(ctx, d.ID)
	if err != nil {
		return err
	}
	r.Ballots, r.RollMarks = len(box), turnout.Voted
	for _, pair := range attempts {
		for _, a := range pair {
			if a.receipt == "" {
				continue
			}
			state, err := svc.VerifyReceipt(ctx, d.ID, a.receipt)
			if err != nil {
				return fmt.Errorf("looking up a receipt: %w", err)
			}
			if state != models.ReceiptCounted {
				r.Lost = append(r.Lost, a.receipt)
			}
		}
	}
	if b.Kill {
		return nil
	}
	r.Counted = true
	r.CountMatch, err = countsAgree(ctx, svc, d, keyPath, ballots)
	return err
}

// countsAgree closes the election, counts it as the officers would, and
// compares the result with a count of the ballots the members cast.
func countsAgree(ctx context.Context, svc *models.Service, d models.Definition, keyPath string, ballots []string) (bool, error) {
	if err := svc.CloseElection(ctx, d.ID, "bench"); err != nil {
		return false, err
	}
	ids, err := models.ReadIdentities(keyPath)
	if err != nil {
		return false, err
	}
	counted, err := svc.Count(ctx, d.ID, ids, "bench")
	if err != nil {
		return false, err
	}
	parsed := make([]models.Ballot, len(ballots))
	for i, text := range ballots {
		if parsed[i], err = models.ParseBallot(d, nil, text); err != nil {
			return false, err
		}
	}
	direct, err := tally.Count(models.TallyElection(d, nil, parsed))
	if err != nil {
		return false, err
	}
	a, err := counted.JSON()
	if err != nil {
		return false, err
	}
	b, err := direct.JSON()
	if err != nil {
		return false, err
	}
	return string(a) == string(b), nil
}
