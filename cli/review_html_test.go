package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/bundle/page/browsertest"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// councilBallots are the 40 ballots of the council election, by how many
// members cast each: enough surplus and exclusions for several rounds.
var councilBallots = []struct {
	n    int
	text string
}{
	{12, "ada\nbea\ncyd\n"},
	{8, "bea\nada\n"},
	{7, "cyd\ndan\n"},
	{5, "dan\ncyd\neve\n"},
	{4, "eve\nfay\ndan\n"},
	{4, "fay\neve\n"},
}

// councilPublished runs a Meek STV election for 3 seats with 40 voters
// through booth's own commands (cast, count, hostkey init, publish
// --html) and returns the bundle, the page publish wrote beside it, the
// receipts by ballot text, and the host key that signed.
type council struct {
	dir, bundleFile, pageFile string
	receipts                  map[string]string
	host                      gossh.PublicKey
}

func councilPublished(t *testing.T) council {
	t.Helper()
	ctx := context.Background()
	c := council{dir: t.TempDir(), receipts: map[string]string{}}
	st, err := sqlite.OpenTestData(c.dir, nil)
	must(t, err)
	svc := models.NewService(st)
	for i := range 40 {
		must(t, st.AddMember(ctx, models.Member{ID: fmt.Sprintf("m%02d", i), Name: fmt.Sprintf("Member %d", i)}, "test"))
	}
	now := time.Now().UTC()
	d := models.Definition{
		ID: "council", Title: "Council 2026", Method: tally.Meek, Seats: 3,
		Candidates: []models.Candidate{{ID: "ada", Name: "Ada Lovelace"}, {ID: "bea", Name: "Beatrice Shilling"},
			{ID: "cyd", Name: "Cyd Charisse"}, {ID: "dan", Name: "Dan Bricklin"}, {ID: "eve", Name: "Eve Ng"}, {ID: "fay", Name: "Fay Ray"}},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), PublishLedger: true, TieSeed: "council",
	}
	keyPath := filepath.Join(t.TempDir(), "council.key")
	_, _, err = svc.CreateElection(ctx, d, keyPath, "test")
	must(t, err)
	must(t, svc.OpenElection(ctx, "council", "test"))
	must(t, st.Close())

	member := 0
	for _, b := range councilBallots {
		for range b.n {
			out := mustBooth(t, b.text, "--data", c.dir, "cast", "council", "--member", fmt.Sprintf("m%02d", member))
			c.receipts[b.text] = strings.TrimSpace(out)
			member++
		}
	}
	st, err = sqlite.Open(c.dir)
	must(t, err)
	must(t, models.NewService(st).CloseElection(ctx, "council", "test"))
	must(t, st.Close())
	mustBooth(t, "", "--data", c.dir, "election", "count", "council", "--key", keyPath)
	mustBooth(t, "", "--data", c.dir, "hostkey", "init")
	out := t.TempDir()
	c.bundleFile, c.pageFile = filepath.Join(out, "council.bundle"), filepath.Join(out, "council.html")
	printed := mustBooth(t, "", "--data", c.dir, "election", "publish", "council", "--out", c.bundleFile, "--key", keyPath, "--html", c.pageFile)
	if !strings.Contains(printed, "results page written to "+c.pageFile) {
		t.Errorf("publish --html does not say where the page is:\n%s", printed)
	}
	c.host = hostKey(t, c.dir)
	return c
}

// verified is the bundle as booth verify reads it: what the page must show.
func (c council) verified(t *testing.T) *bundle.Bundle {
	t.Helper()
	data, err := os.ReadFile(c.bundleFile)
	must(t, err)
	trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(c.host))
	must(t, err)
	b, rep := bundle.Verify(data, bundle.Options{Trust: trust})
	if !rep.OK {
		t.Fatalf("the council bundle does not verify: %+v", rep)
	}
	return b
}

// pageRound is a round's table as the page shows it.
type pageRound struct {
	Round string
	Rows  [][]string
}

const roundsJS = `[...document.querySelectorAll("table.totals")].map(t => ({
	Round: t.dataset.round,
	Rows: [...t.tBodies[0].rows].map(r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[2].textContent]),
}))`

func TestResultsPageInChromium(t *testing.T) {
	br := browsertest.Open(t)
	c := councilPublished(t)
	b := c.verified(t)
	url := "file://" + c.pageFile
	must(t, chromedp.Do(br.Ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(url)))

	verdict, err := chromedp.Run(br.Ctx, chromedp.Text("#verdict"))
	must(t, err)
	if !strings.HasPrefix(verdict, "VERIFIED:") || !strings.Contains(verdict, "a recount of the ledger's 40 ballots gives the published result") {
		t.Errorf("the verification status reads %q", verdict)
	}
	status, err := chromedp.Run(br.Ctx, chromedp.Text("#status"))
	must(t, err)
	for _, want := range []string{"Signature\npassed: valid, signed by " + b.Signer() + ": the host key of the server that signed it\n",
		"Definition fingerprint\npassed: its fingerprint is " + b.Election.Fingerprint + "\n", "Recount\npassed: the ledger's 40 ballots count to the published result\n"} {
		if !strings.Contains(status, want) {
			t.Errorf("the status does not say %q:\n%s", want, status)
		}
	}

	elected, err := chromedp.Run(br.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#elected li")].map(e => e.textContent)`))
	must(t, err)
	var want []string
	for _, i := range b.Result.Elected {
		want = append(want, b.Result.Candidates[i].Name)
	}
	if len(want) != 3 || strings.Join(elected, "|") != strings.Join(want, "|") {
		t.Errorf("the page elects %q, the bundle %q", elected, want)
	}
	turnout, err := chromedp.Run(br.Ctx, chromedp.Text("#turnout-words"))
	must(t, err)
	if !strings.HasPrefix(turnout, "40 of 40 members voted (100.0%); 40 ballots were counted") {
		t.Errorf("the turnout reads %q", turnout)
	}

	rounds, err := chromedp.Run(br.Ctx, chromedp.Evaluate[[]pageRound](roundsJS))
	must(t, err)
	if len(b.Result.Rounds) < 2 || len(rounds) != len(b.Result.Rounds) {
		t.Fatalf("the page shows %d rounds, the bundle has %d", len(rounds), len(b.Result.Rounds))
	}
	for i, r := range b.Result.Rounds {
		got := rounds[i]
		if got.Round != fmt.Sprint(r.Number) || len(got.Rows) != len(b.Result.Candidates) {
			t.Fatalf("round %d of the page: %+v", r.Number, got)
		}
		for cand, row := range got.Rows {
			if row[0] != b.Result.Candidates[cand].Name || row[1] != r.Totals[cand].String() || row[2] != statusWord(r.Status[cand]) {
				t.Errorf("round %d, row %d: the page has %q, the bundle %s %s %s", r.Number, cand, row,
					b.Result.Candidates[cand].Name, r.Totals[cand], r.Status[cand])
			}
		}
	}

	// The page's own instructions check the bundle, run where a reader
	// would save it: OpenSSH's with the allowed_signers line it shows,
	// and booth verify's.
	pres, err := chromedp.Run(br.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#verify ~ pre")].map(p => p.textContent)`))
	must(t, err)
	if len(pres) != 3 {
		t.Fatalf("the page shows %d commands to check the bundle, want the allowed_signers line and two: %q", len(pres), pres)
	}
	runPrintedCommand(t, "\n"+pres[1], c.bundleFile, strings.TrimSpace(pres[0]))
	args := strings.Fields(pres[2])
	if code, out, errOut := booth(t, "", append([]string{"verify", c.bundleFile}, args[3:]...)...); args[0] != "booth" || args[2] != "council.bundle" || code != 0 {
		t.Errorf("the page's %q: exit %d\n%s%s", pres[2], code, out, errOut)
	}

	lookup := func(receipt string) string {
		t.Helper()
		must(t, chromedp.Do(br.Ctx, chromedp.SetValue("#receipt", receipt), chromedp.Click("#lookup button")))
		text, err := chromedp.Run(br.Ctx, chromedp.Poll[string](`document.getElementById("lookup-result").textContent || false`))
		must(t, err)
		return text
	}
	got := lookup(strings.ToLower(c.receipts["dan\ncyd\neve\n"]))
	if !strings.HasPrefix(got, "Counted: the ledger holds your ballot") || !strings.Contains(got, "1. Dan Bricklin\n2. Cyd Charisse\n3. Eve Ng\n") {
		t.Errorf("looking up a real receipt: %q", got)
	}
	must(t, chromedp.Do(br.Ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("lookup-result").textContent = ""`)))
	if got := lookup(randomReceipt(t)); !strings.HasPrefix(got, "Not found:") {
		t.Errorf("looking up a random receipt: %q", got)
	}

	shots := os.Getenv("BOOTH_PAGE_SHOTS")
	for _, size := range []struct{ w, h int64 }{{1280, 800}, {390, 844}} {
		must(t, chromedp.Do(br.Ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)))
		png, err := chromedp.Run(br.Ctx, chromedp.CaptureScreenshot())
		must(t, err)
		full, err := chromedp.Run(br.Ctx, chromedp.FullScreenshot(100))
		must(t, err)
		if len(png) < 1000 || len(full) < 1000 {
			t.Errorf("the screenshots at %dx%d are empty", size.w, size.h)
		}
		wide, err := chromedp.Run(br.Ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		must(t, err)
		if wide {
			t.Errorf("at %dx%d the page is wider than the screen", size.w, size.h)
		}
		if shots != "" {
			must(t, os.WriteFile(filepath.Join(shots, fmt.Sprintf("results-%d.png", size.w)), png, 0o644))
			must(t, os.WriteFile(filepath.Join(shots, fmt.Sprintf("results-%d-full.png", size.w)), full, 0o644))
		}
	}

	requests := br.Requests()
	if len(requests) == 0 || requests[0] != url {
		t.Fatalf("the DevTools listener saw no request for the page itself: %q", requests)
	}
	for _, r := range requests {
		if r != url && !strings.HasPrefix(r, "data:") {
			t.Errorf("the page made a request: %s", r)
		}
	}
}

// statusWord is how the page names a candidate's status after a round.
func statusWord(s tally.Status) string {
	if s == tally.Hopeful {
		return ""
	}
	return s.String()
}

// randomReceipt is a receipt in booth's form that no ballot was given.
func randomReceipt(t *testing.T) string {
	raw := make([]byte, 16)
	_, err := rand.Read(raw)
	must(t, err)
	r := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	if _, err := models.NormalizeReceipt(r); err != nil {
		t.Fatalf("the random receipt %s: %v", r, err)
	}
	return r[:4] + "-" + r[4:8] + "-" + r[8:]
}

// A bundle changed after it was signed: booth review --html still writes
// its page, which starts with the failure in words and shows nothing of
// the bundle's results, and exits 1 saying where to read why.
func TestResultsPageOfABadSignature(t *testing.T) {
	br := browsertest.Open(t)
	c := councilPublished(t)
	data, err := os.ReadFile(c.bundleFile)
	must(t, err)
	changed := bytes.Replace(data, []byte(`"ballot": "fay\neve\n"`), []byte(`"ballot": "eve\nfay\n"`), 1)
	if bytes.Equal(changed, data) {
		t.Fatal("the ballot to change is not in the bundle")
	}
	tampered := filepath.Join(t.TempDir(), "tampered.bundle")
	must(t, os.WriteFile(tampered, changed, 0o644))
	pageFile := filepath.Join(t.TempDir(), "tampered.html")
	code, _, errOut := booth(t, "", "review", tampered, "--signer", gossh.FingerprintSHA256(c.host), "--html", pageFile)
	if code != 1 || !strings.Contains(errOut, "signature: does not verify: the bundle was changed after it was signed; "+pageFile+" says so at its top") {
		t.Errorf("review --html of a changed bundle: exit %d, %q", code, errOut)
	}
	must(t, chromedp.Do(br.Ctx, chromedp.Navigate("file://"+pageFile)))
	body, err := chromedp.Run(br.Ctx, chromedp.Evaluate[string](`document.body.innerText`))
	must(t, err)
	if !strings.HasPrefix(body, "THE SIGNATURE IS INVALID: does not verify: the bundle was changed after it was signed.") {
		t.Errorf("the page does not start with the failure:\n%.300s", body)
	}
	for _, hidden := range []string{"Ada Lovelace", "Council 2026", "Round 1", "Find your ballot\nType"} {
		if strings.Contains(body, hidden) {
			t.Errorf("the page of a bundle that fails shows %q", hidden)
		}
	}
	title, err := chromedp.Run(br.Ctx, chromedp.Title())
	must(t, err)
	if !strings.HasPrefix(title, "THE SIGNATURE IS INVALID") {
		t.Errorf("the page's title is %q", title)
	}
	if shots := os.Getenv("BOOTH_PAGE_SHOTS"); shots != "" {
		must(t, chromedp.Do(br.Ctx, chromedp.EmulateViewport(390, 844)))
		png, err := chromedp.Run(br.Ctx, chromedp.CaptureScreenshot())
		must(t, err)
		must(t, os.WriteFile(filepath.Join(shots, "results-bad-signature-390.png"), png, 0o644))
	}
}

// The --html flags: never over a file, a page for every bundle review
// reads, a clear error where it cannot be written.
func TestResultsPageFlags(t *testing.T) {
	dir, keyPath, _ := publishedDir(t)
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	out := t.TempDir()
	file, existing := filepath.Join(out, "e1.bundle"), filepath.Join(out, "taken.html")
	must(t, os.WriteFile(existing, []byte("mine"), 0o644))

	code, _, errOut := booth(t, "", "--data", dir, "election", "publish", "e1", "--out", file, "--key", keyPath, "--html", existing)
	if _, err := os.Stat(file); code != 1 || !strings.Contains(errOut, "--html: "+existing+" already exists: choose another file") || err == nil {
		t.Errorf("publish --html over a file: exit %d, %q; the bundle written: %v", code, errOut, err == nil)
	}
	mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", file, "--key", keyPath)
	signer := gossh.FingerprintSHA256(hostKey(t, dir))

	code, _, errOut = booth(t, "", "review", file, "--signer", signer, "--html", existing)
	if mine, _ := os.ReadFile(existing); code != 1 || !strings.Contains(errOut, "already exists") || string(mine) != "mine" {
		t.Errorf("review --html over a file: exit %d, %q", code, errOut)
	}
	nowhere := filepath.Join(out, "no", "such", "dir", "e1.html")
	code, _, errOut = booth(t, "", "review", file, "--signer", signer, "--html", nowhere)
	if code != 1 || !strings.Contains(errOut, "writing the results page: open "+nowhere+": no such file or directory") {
		t.Errorf("review --html into no directory: exit %d, %q", code, errOut)
	}

	unanchored := filepath.Join(out, "unanchored.html")
	code, _, errOut = booth(t, "", "review", file, "--html", unanchored)
	page, _ := os.ReadFile(unanchored)
	if code != 1 || !strings.Contains(errOut, "signature: UNVERIFIED: the signature is valid, but nothing says its key is the election server's") ||
		!strings.Contains(string(page), "<strong>THE SIGNATURE IS UNVERIFIED:</strong>") {
		t.Errorf("review --html without an anchor: exit %d, %q\n%.500s", code, errOut, page)
	}

	good := filepath.Join(out, "e1.html")
	code, stdout, errOut := booth(t, "", "review", file, "--signer", signer, "--html", good)
	page, _ = os.ReadFile(good)
	info, err := os.Stat(good)
	must(t, err)
	if code != 0 || stdout != "results page of e1 written to "+good+"\n" || !strings.Contains(string(page), "<strong>VERIFIED:</strong>") || info.Mode().Perm() != 0o644 {
		t.Errorf("review --html: exit %d, %q %q, mode %v", code, stdout, errOut, info.Mode().Perm())
	}
}
