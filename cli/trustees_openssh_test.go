//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hiddeco/sshsig"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/tally"
)

// trusteeBallots are the 100 ballots cast, by voter.
func trusteeBallots() []string {
	texts := []string{"ada\nbob\n", "bob\ncy\nada\n", "cy\n", "ada\ncy\n", "bob\n"}
	out := make([]string, 100)
	for i := range out {
		out[i] = texts[(i*7+i/3)%len(texts)]
	}
	return out
}

// The whole life of an election with trustees, with OpenSSH: five trustees
// whose keys ssh-keygen made (four ed25519, one RSA-3072), threshold 3;
// 100 members cast over SSH with the ssh client; after the close three
// trustees fetch their share with ssh and release it with booth trustee
// release, two stay away; the count gives the result of counting the
// ballots directly; the bundle verifies with booth verify, each release
// with ssh-keygen -Y verify, and a bundle re-signed without one release
// is refused.
func TestTrusteesOverOpenSSH(t *testing.T) {
	sshPath, err1 := exec.LookPath("ssh")
	keygen, err2 := exec.LookPath("ssh-keygen")
	if err1 != nil || err2 != nil {
		t.Skip("OpenSSH (ssh, ssh-keygen) not installed: skipped")
	}
	dir := t.TempDir()
	st, err := sqlite.OpenTestData(dir, nil)
	must(t, err)
	st.Close()
	mustBooth(t, "", "--data", dir, "hostkey", "init")

	// The trustees: members t1…t5 with keys from ssh-keygen.
	keys := t.TempDir()
	trusteeKeys := make([]string, 5)
	for i := range trusteeKeys {
		path := filepath.Join(keys, fmt.Sprintf("t%d", i+1))
		args := []string{"-q", "-t", "ed25519", "-N", "", "-C", fmt.Sprintf("trustee%d", i+1), "-f", path}
		if i == 1 {
			args = []string{"-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "trustee2", "-f", path}
		}
		if out, err := exec.Command(keygen, args...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
		trusteeKeys[i] = path
		pub, err := os.ReadFile(path + ".pub")
		must(t, err)
		mustBooth(t, string(pub), "--data", dir, "member", "add", fmt.Sprintf("t%d", i+1), "--name", fmt.Sprintf("Trustee %d", i+1), "--key", "-")
	}
	ballots := trusteeBallots()
	voterKeys := make([]string, len(ballots))
	for i := range ballots {
		_, priv, pubLine := newTestKey(t)
		voterKeys[i] = writeTestKey(t, priv)
		mustBooth(t, pubLine+"\n", "--data", dir, "member", "add", fmt.Sprintf("v%03d", i+1), "--name", fmt.Sprintf("Voter %d", i+1), "--key", "-")
	}
	now := time.Now()
	def := filepath.Join(t.TempDir(), "board.toml")
	must(t, os.WriteFile(def, []byte(`id = "board"
title = "Board"
method = "irv"
seats = 1
opens_at = `+now.Add(-time.Minute).UTC().Format(time.RFC3339)+`
closes_at = `+now.Add(time.Hour).UTC().Format(time.RFC3339)+`
publish_ledger = true
tie_seed = "seed"

[trustees]
threshold = 3
members = ["t1", "t2", "t3", "t4", "t5"]

[[candidate]]
id = "ada"
name = "Ada"

[[candidate]]
id = "bob"
name = "Bob"

[[candidate]]
id = "cy"
name = "Cy"
`), 0o644))
	out := mustBooth(t, "", "--data", dir, "election", "create", def)
	if !strings.Contains(out, "any 3 of them together can open them") {
		t.Fatalf("create: %s", out)
	}
	if _, err := os.Stat("board.tally-key"); err == nil {
		t.Fatal("a trustee election wrote a tally key")
	}
	// Its opening time has passed: the next command opens it.
	out = mustBooth(t, "", "--data", dir, "election", "trustees", "board")
	if !strings.Contains(out, "any 3 of its 5 trustees") || !strings.Contains(out, "Up to 2 of them may lose their key") {
		t.Errorf("election trustees:\n%s", out)
	}

	port := startServe(t, dir)
	host, err := os.ReadFile(filepath.Join(dir, hostKeyName+".pub"))
	must(t, err)
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	must(t, os.WriteFile(knownHosts, []byte("[127.0.0.1]:"+port+" "+string(host)), 0o600))
	ssh := func(key, command, stdin string) (string, string, error) {
		cmd := exec.Command(sshPath, "-F", "/dev/null", "-i", key, "-p", port,
			"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
			"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile="+knownHosts,
			"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-l", "voter", "127.0.0.1", command)
		var out, errOut bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
		err := cmd.Run()
		return out.String(), errOut.String(), err
	}

	// A share before the close is handed out (the election is open); a
	// member who is not a trustee gets none.
	if _, errOut, err := ssh(voterKeys[0], "trustee share board", ""); err == nil || !strings.Contains(errOut, "is not one of the trustees") {
		t.Errorf("a voter asked for a share: %v, %q", err, errOut)
	}
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				if _, errOut, err := ssh(voterKeys[i], "cast board", ballots[i]); err != nil {
					t.Errorf("voter %d: %v: %s", i+1, err, errOut)
				}
			}
		})
	}
	for i := range ballots {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	mustBooth(t, "", "--data", dir, "election", "close", "board")

	// Without releases nothing opens.
	if code, _, errOut := booth(t, "", "--data", dir, "election", "count", "board", "--key", trusteeKeys[0]); code == 0 {
		t.Fatalf("a trustee's key alone counted the election: %s", errOut)
	}
	out = mustBooth(t, "", "--data", dir, "election", "count", "board", "--trustees")
	session := regexp.MustCompile(`(?m)^  (age1[0-9a-z]+)$`).FindStringSubmatch(out)
	if session == nil || !strings.Contains(out, "ssh HOST trustee share board > share") || !strings.Contains(out, "booth trustee release share --key") {
		t.Fatalf("count --trustees:\n%s", out)
	}
	work := t.TempDir()
	var releases []string
	for _, i := range []int{0, 1, 3} { // trustees 3 and 5 are away
		share, errOut, err := ssh(trusteeKeys[i], "trustee share board", "")
		if err != nil {
			t.Fatalf("trustee %d: ssh trustee share: %v: %s", i+1, err, errOut)
		}
		shareFile := filepath.Join(work, fmt.Sprintf("share-%d", i+1))
		must(t, os.WriteFile(shareFile, []byte(share), 0o600))
		rel := mustBooth(t, "", "trustee", "release", shareFile, "--key", trusteeKeys[i], "--to", session[1])
		releaseFile := filepath.Join(work, fmt.Sprintf("release-%d", i+1))
		must(t, os.WriteFile(releaseFile, []byte(rel), 0o644))
		releases = append(releases, "--release", releaseFile)
	}
	code, _, errOut := booth(t, "", append([]string{"--data", dir, "election", "count", "board", "--trustees"}, releases[:4]...)...)
	if code == 0 || !strings.Contains(errOut, "1 more trustee must release") {
		t.Fatalf("two releases: exit %d, %s", code, errOut)
	}
	out = mustBooth(t, "", append([]string{"--data", dir, "election", "count", "board", "--trustees", "--json"}, releases...)...)
	d, err := models.ParseDefinition(def, mustRead(t, def), nil)
	must(t, err)
	var parsed []models.Ballot
	for _, text := range ballots {
		b, err := models.ParseBallot(d, nil, text)
		must(t, err)
		parsed = append(parsed, b)
	}
	te, opts := models.TallyElection(d, nil, parsed)
	direct, err := tally.Count(te, opts)
	must(t, err)
	want, err := direct.JSON()
	must(t, err)
	var got, wantV any
	must(t, json.Unmarshal([]byte(out), &got))
	must(t, json.Unmarshal(want, &wantV))
	if !reflect.DeepEqual(got, wantV) {
		t.Fatalf("the trustees' count:\n%s\nwant the direct count:\n%s", out, want)
	}

	published := filepath.Join(t.TempDir(), "board.bundle")
	out = mustBooth(t, "", append([]string{"--data", dir, "election", "publish", "board", "--trustees", "--out", published}, releases...)...)
	if !strings.Contains(out, "The bundle lists the trustees' signed releases") {
		t.Errorf("publish:\n%s", out)
	}
	b, err := bundle.Open(mustRead(t, published))
	must(t, err)
	relDir := filepath.Join(t.TempDir(), "releases")
	out = mustBooth(t, "", "verify", published, "--signer", b.Signer(), "--releases-out", relDir)
	if !strings.Contains(out, "trustees: 3 of 5 trustees (threshold 3) released their shares") || !strings.Contains(out, "recount: ") {
		t.Errorf("booth verify:\n%s", out)
	}
	cmds := regexp.MustCompile(`(?m)^ssh-keygen -Y verify .*$`).FindAllString(out, -1)
	if len(cmds) != 3 {
		t.Fatalf("verify printed %d ssh-keygen commands:\n%s", len(cmds), out)
	}
	for _, c := range cmds {
		// As printed: ssh-keygen -Y verify -f A -I P -n N -s S < STATEMENT
		args, stmt, _ := strings.Cut(c, " < ")
		cmd := exec.Command(keygen, strings.Fields(args)[1:]...)
		cmd.Stdin = bytes.NewReader(mustRead(t, stmt))
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Good \"booth-trustee-release@vote.example.org\" signature for trustee-") {
			t.Errorf("%s: %v: %s", c, err, out)
		}
	}
	// The host's signature over the whole bundle checks with OpenSSH too,
	// although the releases' signatures sit inside it as JSON strings.
	allowed := filepath.Join(filepath.Dir(published), "allowed_signers")
	must(t, os.WriteFile(allowed, []byte(bundle.AllowedSigners(signerKey(t, dir), "")+"\n"), 0o644))
	if out, err := exec.Command("sh", "-c", bundle.VerifyCommand(published, allowed, "")).CombinedOutput(); err != nil || !strings.Contains(string(out), "Good \"booth-results@vote.example.org\" signature for booth") {
		t.Errorf("ssh-keygen on the bundle: %v: %s", err, out)
	}

	// The releases are used: a second session refuses them.
	mustBooth(t, "", "--data", dir, "election", "count", "board", "--trustees")
	code, _, errOut = booth(t, "", append([]string{"--data", dir, "election", "count", "board", "--trustees"}, releases...)...)
	if code == 0 || !strings.Contains(errOut, "this release was already used") || !strings.Contains(errOut, "trustee 1 (t1, SHA256:") {
		t.Errorf("replayed releases: exit %d, %s", code, errOut)
	}

	// A bundle with one release taken out, signed again by the host key,
	// is refused: two releases do not open the ballots.
	payload := mustRead(t, published)
	// The armor line alone on its line: a release's signature in the JSON
	// holds the same words inside a string.
	payload = payload[:bytes.Index(payload, []byte("\n-----BEGIN SSH SIGNATURE-----\n"))+1]
	first := bytes.Index(payload, []byte("\n      {\n        \"index\": "))
	second := bytes.Index(payload[first+1:], []byte("\n      {\n        \"index\": "))
	if first < 0 || second < 0 {
		t.Fatalf("the bundle's releases are not where the test looks for them: %d %d", first, second)
	}
	cut := append(append([]byte(nil), payload[:first]...), payload[first+1+second:]...)
	signer, err := boothssh.LoadHostKey(filepath.Join(dir, hostKeyName))
	must(t, err)
	sig, err := sshsig.Sign(bytes.NewReader(cut), signer, sshsig.HashSHA512, bundle.Namespace)
	must(t, err)
	forged := filepath.Join(t.TempDir(), "forged.bundle")
	must(t, os.WriteFile(forged, append(cut, sshsig.Armor(sig)...), 0o644))
	code, _, errOut = booth(t, "", "verify", forged, "--signer", b.Signer())
	if code == 0 || !strings.Contains(errOut, "it holds 2 releases, but 3 of the 5 trustees must release") {
		t.Errorf("a bundle without one release: exit %d, %s", code, errOut)
	}
}

// signerKey is the host key of the data directory.
func signerKey(t *testing.T, dir string) gossh.PublicKey {
	t.Helper()
	signer, err := boothssh.LoadHostKey(filepath.Join(dir, hostKeyName))
	must(t, err)
	return signer.PublicKey()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	return data
}
