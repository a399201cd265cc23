package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/examples/demo"
	"vote.example.org/booth/models"
)

// demoActor names booth demo in the audit log.
const demoActor = "booth demo"

// demoKeyFile is the key booth demo makes, in the data directory, when the
// user has no public key in ~/.ssh.
const demoKeyFile = "demo_ed25519"

// demoYou is the member id of the person running the demo.
const demoYou = "you"

// demoMembers are the demo foundation's other members. Their keys are
// generated and thrown away: nobody signs in as them; the demo casts a few
// ballots for them so turnout is not zero.
var demoMembers = []struct{ id, name string }{
	{"ada", "Ada Lovelace"}, {"grace", "Grace Hopper"}, {"ken", "Ken Thompson"},
	{"barbara", "Barbara Liskov"}, {"linus", "Linus Example"}, {"margaret", "Margaret Hamilton"},
	{"dennis", "Dennis Ritchie"}, {"frances", "Frances Allen"},
}

// demoBallots are the ballots cast for demoMembers, by election and
// member, in ballot text form (models.ParseBallot).
var demoBallots = map[string]map[string]string{
	"board-2026": {
		"ada":   "mei-tanaka\namara-okafor\nrafael-souza",
		"grace": "jonas-lindqvist\nmei-tanaka",
		"ken":   "amara-okafor",
	},
	"release-cadence": {
		"barbara": "yearly\nsix-months = rolling",
		"linus":   "rolling\nnota",
	},
	"bylaw-7-2": {"margaret": "yes", "dennis": "no", "frances": "yes", "ada": "yes"},
	// Noor passes the quota at once; her surplus and Tomás's and Elena's
	// exclusions make several rounds to step through.
	"council-2025": {
		"ada": "noor-haddad\ntomas-reyes", "grace": "noor-haddad\nyuki-sato",
		"ken": "noor-haddad\nelena-petrova", "barbara": "noor-haddad\ntomas-reyes",
		"linus": "tomas-reyes\nyuki-sato", "margaret": "yuki-sato\nelena-petrova",
		"dennis": "elena-petrova\nyuki-sato", "frances": "yuki-sato\ntomas-reyes",
	},
}

// demoSeed is what seeding found out, for the instructions printed.
type demoSeed struct {
	keyFiles []string // ~/.ssh/*.pub registered for "you"
	skipped  []string // ~/.ssh/*.pub not registered, with why
	demoKey  string   // the key made in the data directory, if any
}

// seedDemo fills an empty store with the demo foundation: the members,
// "you" with the user's keys (or a demo key), the past election counted,
// and the three open elections with a few ballots.
//
// The store decides by its own clock, so the past election is run "then"
// on the demo's clock, and everything before it too: the store refuses a
// clock that goes back behind a time it recorded.
func seedDemo(ctx context.Context, svc *models.Service, clock *demoClock, dir, home string) (demoSeed, error) {
	seed, keys, err := userKeys(dir, home)
	if err != nil {
		return seed, err
	}
	now := clock.Now().UTC().Truncate(time.Second)
	opens, closes := now.AddDate(0, 0, -30), now.AddDate(0, 0, -16)
	// The members joined long enough ago to be nominated; "you" are in
	// the renewal window, so the home screen offers to renew.
	clock.set(now.AddDate(0, 0, -200))
	if err := svc.SetFoundation(ctx, demoFoundation, demoActor); err != nil {
		return seed, err
	}
	you := models.Member{ID: demoYou, Name: youName(), Keys: keys, GoodUntil: now.AddDate(0, 0, 20)}
	if err := svc.AddMember(ctx, you, demoActor); err != nil {
		return seed, fmt.Errorf("registering you as a member: %w", err)
	}
	for _, m := range demoMembers {
		k, err := newDemoKey(nil)
		if err != nil {
			return seed, err
		}
		m := models.Member{ID: m.id, Name: m.name, Email: m.id + "@example.org", Keys: []models.Key{k}}
		if err := svc.AddMember(ctx, m, demoActor); err != nil {
			return seed, fmt.Errorf("registering demo member %s: %w", m.ID, err)
		}
	}
	clock.set(opens)
	if err := seedPast(ctx, svc, clock, opens, closes, dir); err != nil {
		return seed, err
	}
	clock.set(time.Time{})
	if err := seedNominating(ctx, svc, now, dir); err != nil {
		return seed, err
	}
	for _, file := range demo.Open {
		d, err := demoDefinition(file, now, now.Add(7*24*time.Hour))
		if err != nil {
			return seed, err
		}
		if err := createDemoElection(ctx, svc, d, dir); err != nil {
			return seed, err
		}
	}
	return seed, nil
}

// demoFoundation is the demo's membership rules.
var demoFoundation = models.Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}

// seedNominating creates the election in its nomination period, with
// two nominations made: "you" are nominated (by Ada) and may accept or
// decline, and Grace is nominated (by Ken) and has accepted.
func seedNominating(ctx context.Context, svc *models.Service, now time.Time, dir string) error {
	d, err := demoDefinition(demo.Nominating, now.AddDate(0, 0, 4), now.AddDate(0, 0, 11))
	if err != nil {
		return err
	}
	r := *d.Nominations
	r.Opens, r.Closes = now.Add(-time.Hour), now.AddDate(0, 0, 3)
	d.Nominations = &r
	if _, _, err := svc.CreateElection(ctx, d, tallyKeyPath(dir, d.ID), demoActor); err != nil {
		return fmt.Errorf("creating the demo election %s: %w", d.ID, err)
	}
	for _, n := range [][2]string{{"ada", demoYou}, {"ken", "grace"}, {"linus", "barbara"}} {
		if err := svc.Nominate(ctx, d.ID, n[0], n[1]); err != nil {
			return fmt.Errorf("nominating in the demo election %s: %w", d.ID, err)
		}
	}
	_, err = svc.AnswerNomination(ctx, d.ID, "grace", models.Accept,
		"I have kept the foundation's release machinery running for ten years. On the council I will make our elections as dependable.")
	return err
}

// seedPast runs the council election from opens to closes, moving the
// demo's clock (standing at opens) as it goes: the store checks every cast
// against the election's window at its own time.
func seedPast(ctx context.Context, svc *models.Service, clock *demoClock, opens, closes time.Time, dir string) error {
	d, err := demoDefinition(demo.Past, opens, closes)
	if err != nil {
		return err
	}
	if err := createDemoElection(ctx, svc, d, dir); err != nil {
		return err
	}
	clock.set(closes)
	if err := svc.CloseElection(ctx, d.ID, demoActor); err != nil {
		return err
	}
	f, err := os.Open(tallyKeyPath(dir, d.ID))
	if err != nil {
		return err
	}
	defer f.Close()
	ids, err := models.ParseIdentities(f)
	if err != nil {
		return err
	}
	clock.set(closes.Add(time.Hour))
	if _, err := svc.Count(ctx, d.ID, ids, demoActor); err != nil {
		return fmt.Errorf("counting the demo's past election: %w", err)
	}
	return nil
}

// demoClock is the demo's clock, its store's and its service's: the real
// one, except while seeding runs the past election "then".
type demoClock struct {
	mu   sync.Mutex
	then time.Time // zero: the real clock
}

// Now is the demo's time.
func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.then.IsZero() {
		return time.Now()
	}
	return c.then
}

// set stops the clock at t, or restarts the real clock for the zero time.
func (c *demoClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.then = t
}

// demoDefinition reads one of the demo's definitions and moves it to the
// given window, so the demo never goes stale.
func demoDefinition(file string, opens, closes time.Time) (models.Definition, error) {
	data, err := fs.ReadFile(demo.FS, file)
	if err != nil {
		return models.Definition{}, err
	}
	read := func(rel string) ([]byte, error) { return fs.ReadFile(demo.FS, path.Clean(rel)) }
	d, err := models.ParseDefinition("examples/demo/"+file, data, read)
	if err != nil {
		return models.Definition{}, err
	}
	d.OpensAt, d.ClosesAt = opens, closes
	return d, nil
}

// createDemoElection creates, opens and casts the demo ballots of one
// election, on svc's clock. The tally key stays in the data directory,
// which only the demo does.
func createDemoElection(ctx context.Context, svc *models.Service, d models.Definition, dir string) error {
	if _, _, err := svc.CreateElection(ctx, d, tallyKeyPath(dir, d.ID), demoActor); err != nil {
		return fmt.Errorf("creating the demo election %s: %w", d.ID, err)
	}
	if err := svc.OpenElection(ctx, d.ID, demoActor); err != nil {
		return fmt.Errorf("opening the demo election %s: %w", d.ID, err)
	}
	voters := make([]string, 0, len(demoBallots[d.ID]))
	for id := range demoBallots[d.ID] {
		voters = append(voters, id)
	}
	sort.Strings(voters)
	for _, id := range voters {
		b, err := models.ParseBallot(d, nil, demoBallots[d.ID][id])
		if err != nil {
			return fmt.Errorf("demo ballot in %s: %w", d.ID, err)
		}
		if _, err := svc.CastBallot(ctx, d.ID, models.Caster{MemberID: id}, b); err != nil {
			return fmt.Errorf("casting a demo ballot in %s: %w", d.ID, err)
		}
	}
	return nil
}

func tallyKeyPath(dir, electionID string) string {
	return filepath.Join(dir, "tally-"+electionID+".key")
}

// youName is the display name of the person running the demo.
func youName() string {
	name := "You (" + actor() + ")"
	if models.CheckMemberName(name) != nil {
		return "You"
	}
	return name
}

// userKeys collects the public keys in home/.ssh, skipping (with a note)
// any that cannot be read or that booth refuses. With none, it makes a
// demo key in dir.
func userKeys(dir, home string) (demoSeed, []models.Key, error) {
	var seed demoSeed
	var keys []models.Key
	seen := map[string]bool{}
	var files []string
	if home != "" { // never the .ssh of the working directory
		files, _ = filepath.Glob(filepath.Join(home, ".ssh", "*.pub"))
		sort.Strings(files)
	}
	for _, file := range files {
		k, err := readPublicKey(file)
		switch {
		case err != nil:
			seed.skipped = append(seed.skipped, fmt.Sprintf("%s: %v", file, err))
		case seen[k.Fingerprint]:
			// The same key in two files: registered once.
		default:
			seen[k.Fingerprint] = true
			keys = append(keys, k)
			seed.keyFiles = append(seed.keyFiles, file)
		}
	}
	if len(keys) > 0 {
		return seed, keys, nil
	}
	seed.demoKey = filepath.Join(dir, demoKeyFile)
	k, err := newDemoKey(&seed.demoKey)
	if err != nil {
		return seed, nil, err
	}
	return seed, []models.Key{k}, nil
}

// maxPubFile bounds what is read of a .pub file: one key is one line.
const maxPubFile = 64 << 10

func readPublicKey(file string) (models.Key, error) {
	f, err := os.Open(file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return models.Key{}, pe.Err // the file name is already in the note
		}
		return models.Key{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPubFile+1))
	if err != nil {
		return models.Key{}, err
	}
	if len(data) > maxPubFile {
		return models.Key{}, errors.New("too large to be a public key")
	}
	return models.ParseKey(strings.TrimRight(string(data), "\r\n"))
}

// newDemoKey generates an ed25519 key and returns its public half. With
// save set, the private half is written there (0600, OpenSSH format, never
// over an existing file) and the public half next to it as .pub, for
// ssh -i.
func newDemoKey(save *string) (models.Key, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return models.Key{}, err
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		return models.Key{}, err
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub))) + " booth-demo"
	if save != nil {
		block, err := gossh.MarshalPrivateKey(priv, "booth demo key")
		if err != nil {
			return models.Key{}, err
		}
		if err := writeNewFile(*save, pem.EncodeToMemory(block), 0o600); err != nil {
			return models.Key{}, err
		}
		if err := writeNewFile(*save+".pub", []byte(line+"\n"), 0o644); err != nil {
			return models.Key{}, err
		}
	}
	return models.ParseKey(line)
}

// writeNewFile writes a file that must not exist yet.
func writeNewFile(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
