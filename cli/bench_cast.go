package cli

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

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/ssh/loadtest"
	"vote.example.org/booth/tally"
)

// castBench is what booth bench cast measures.
type castBench struct {
	members, frontEnds, inFlight int
	kill                         bool   // SIGKILL the first front end half-way
	dsn                          string // PostgreSQL; empty: SQLite
}

// castReport is what booth bench cast found.
type castReport struct {
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

func newBenchCastCmd() *cobra.Command {
	var b castBench
	cmd := &cobra.Command{
		Use:   "cast",
		Short: "Measure durable casts per second through real SSH front ends, and check that every ballot is kept once",
		Long: `Seeds --members members and one open Schulze election in a throw-away data
directory (and, with --db, in that PostgreSQL database, which must be empty
and throw-away too), starts --front-ends 'booth serve' processes sharing the
store and one host key, and has every member cast a ballot with 'ssh HOST
cast' through one front end while a duplicate of it goes through another at
the same moment. It reports casts per second, then checks the box: one
ballot per member, as many roll marks as ballots, every returned receipt's
ballot present, and the booth's count equal to a count of the ballots the
members cast. --kill kills the first front end with SIGKILL half-way.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b.dsn, _ = dbAddress(cmd)
			r, err := runCastBench(cmd.Context(), cmd.OutOrStdout(), b)
			if err != nil {
				return err
			}
			if bad := r.problems(b); len(bad) > 0 {
				return fmt.Errorf("the box is wrong:\n  %s", strings.Join(bad, "\n  "))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&b.members, "members", 1000, "members who cast")
	fl.IntVar(&b.frontEnds, "front-ends", 2, "booth serve processes sharing the store")
	fl.IntVar(&b.inFlight, "in-flight", 64, "members casting at the same moment")
	fl.BoolVar(&b.kill, "kill", false, "kill the first front end with SIGKILL half-way through")
	fl.String("db", "", "a throw-away PostgreSQL database (postgres://…); default: SQLite")
	return cmd
}

// problems lists what the box got wrong; none means every check held.
func (r castReport) problems(b castBench) []string {
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
	if !b.kill {
		if r.Ballots != b.members || r.Casts != b.members || r.Refused != b.members {
			bad = append(bad, fmt.Sprintf("%d members: %d ballots, %d receipts, %d duplicates refused", b.members, r.Ballots, r.Casts, r.Refused))
		}
		if !r.CountMatch {
			bad = append(bad, "the booth's count differs from a direct count of the ballots cast")
		}
	}
	return bad
}

func runCastBench(ctx context.Context, out io.Writer, b castBench) (castReport, error) {
	if b.members < 1 || b.frontEnds < 1 || b.inFlight < 1 {
		return castReport{}, errors.New("--members, --front-ends and --in-flight must be at least 1")
	}
	dir, err := os.MkdirTemp("", "booth-bench-cast-")
	if err != nil {
		return castReport{}, err
	}
	defer os.RemoveAll(dir)
	st, err := openBenchStore(ctx, b.dsn, dir)
	if err != nil {
		return castReport{}, err
	}
	defer st.Close()
	svc := models.NewService(st)
	signers, err := seedMembers(ctx, st, b.members)
	if err != nil {
		return castReport{}, fmt.Errorf("preparing the members: %w", err)
	}
	d := benchElection("bench-cast", "Casting benchmark", tally.Schulze)
	keyPath := filepath.Join(dir, "tally-key")
	if err := createOpen(ctx, svc, d, keyPath); err != nil {
		return castReport{}, err
	}
	frontEnds, err := startFrontEnds(ctx, dir, b)
	if err != nil {
		return castReport{}, err
	}
	defer func() {
		for _, fe := range frontEnds {
			fe.cmd.Process.Kill()
			fe.cmd.Wait()
		}
	}()

	store := "SQLite"
	if b.dsn != "" {
		store = "PostgreSQL"
	}
	fmt.Fprintf(out, "booth bench cast: %s, %d cores, %s, %d members, %d front ends, %d in flight\n",
		cpuModel(), runtime.NumCPU(), store, b.members, b.frontEnds, b.inFlight)
	ballots := memberBallots(b.members, d)
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
		fmt.Fprintf(out, "count: the booth's count equals a direct count of the %d ballots cast\n", b.members)
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

// startFrontEnds starts b.frontEnds booth serve processes on the store,
// each with its own data directory (SQLite: the shared one) and all with
// one host key.
func startFrontEnds(ctx context.Context, dir string, b castBench) ([]*frontEnd, error) {
	hostKey := filepath.Join(dir, "host-key")
	if _, err := boothssh.InitHostKey(hostKey); err != nil {
		return nil, err
	}
	var fes []*frontEnd
	for i := range b.frontEnds {
		addr, err := loadtest.FreeAddr()
		if err != nil {
			return fes, err
		}
		data := dir
		args := []string{"--host-key", hostKey, "--max-conns-per-ip", fmt.Sprint(2*b.inFlight + 100)}
		if b.dsn != "" {
			data = filepath.Join(dir, fmt.Sprintf("front-end-%d", i+1))
			args = append(args, "--db", b.dsn)
		}
		cmd, err := spawnServe(ctx, addr, append(args, "--data", data)...)
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
func castAll(fes []*frontEnd, signers []gossh.Signer, ballots []string, election string, b castBench) (castReport, [][2]attempt) {
	results := make([][2]attempt, len(signers))
	var done atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range b.inFlight {
		wg.Go(func() {
			for i := range jobs {
				var pair sync.WaitGroup
				for k := range 2 {
					fe := fes[(i+k)%len(fes)]
					pair.Go(func() { results[i][k] = castOnce(fe, signers[i], election, ballots[i]) })
				}
				pair.Wait()
				if done.Add(1) == int64(len(signers)/2) && b.kill {
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
	r := castReport{Elapsed: time.Since(start)}
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
	stdout, stderr, status, err := loadtest.Command(fe.addr, signer, "cast "+election, ballot, 30*time.Second)
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
func checkBox(ctx context.Context, svc *models.Service, d models.Definition, keyPath string, ballots []string, attempts [][2]attempt, r *castReport, b castBench) error {
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
	if b.kill {
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
	ids, err := readKeyFile(keyPath)
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
