package page_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/bundle/page"
	"vote.example.org/booth/models/bundle/page/browsertest"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Text an officer's definition could hold if it reached the bundle
// without booth's checks (a database edited by hand): markup, quotes, a
// bidi override, a bell and an escape sequence.
const (
	hostileTitle = "<script>window.pwned = 1</script> \"Board\" & 'co' \u202eevil\u202c \x1b[31mred"
	hostileName  = `<img src="http://127.0.0.1:9/x.png" onerror="window.pwned = 2">`
	hostileOther = "Bob\u202e\u0007 </bdi></th><script>window.pwned = 3</script>"
)

// signed is a bundle the test made, with its receipts.
type signed struct {
	data  []byte
	trust *bundle.Trust
	// receipts are the counted ballots' receipts, in the order of the
	// ballots given; replaced is a receipt whose ballot was replaced.
	receipts []string
	replaced string
}

// sign counts ballots by a definition with tally, as booth does, and
// signs the publication with a key of the test's own: a bundle whose text
// need not have passed booth's checks on the way in.
func sign(t testing.TB, d models.Definition, texts ...string) signed {
	t.Helper()
	return signChanged(t, d, func(*models.Publication) {}, texts...)
}

// signChanged is sign with the publication changed before it is signed.
func signChanged(t testing.TB, d models.Definition, change func(*models.Publication), texts ...string) signed {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	d.OpensAt, d.ClosesAt = now.Add(-2*time.Hour), now.Add(-time.Hour)
	s := signed{}
	var ballots []models.Ballot
	var ledger []models.LedgerEntry
	var voters []string
	for i, text := range append(texts, "") {
		receipt, err := models.NewReceipt(rand.Reader)
		must(t, err)
		norm, err := models.NormalizeReceipt(receipt)
		must(t, err)
		e := models.LedgerEntry{ReceiptHash: models.ReceiptHash(d.ID, norm)}
		if i == len(texts) {
			s.replaced, e.Replaced = receipt, true
		} else {
			b, err := models.ParseBallot(d, nil, text)
			must(t, err)
			ballots, e.Ballot = append(ballots, b), b.Text()
			s.receipts = append(s.receipts, receipt)
			voters = append(voters, fmt.Sprintf("m%02d", i))
		}
		if d.PublishLedger {
			ledger = append(ledger, e)
		}
	}
	slices.SortFunc(ledger, func(a, b models.LedgerEntry) int { return bytes.Compare(a.ReceiptHash[:], b.ReceiptHash[:]) })
	te, opts := models.TallyElection(d, nil, ballots)
	res, err := tally.Count(te, opts)
	must(t, err)
	p := models.Publication{
		Election: models.Election{Definition: d, State: models.Counted, Fingerprint: d.Fingerprint(),
			OpenedAt: d.OpensAt, ClosedAt: d.ClosesAt},
		Result:  models.StoredResult{Result: res, CountedAt: now},
		Turnout: models.Turnout{Voted: len(texts), Electorate: len(texts) + 1}, Voters: voters,
		Ledger: ledger, PublishedAt: now,
	}
	change(&p)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	signer, err := ssh.NewSignerFromKey(priv)
	must(t, err)
	s.data, err = bundle.Sign(p, signer, "")
	must(t, err)
	s.trust, err = bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	return s
}

// hostile is a bundle of an IRV election with hostile text, and the trust
// in it.
func hostile(t *testing.T) ([]byte, *bundle.Trust) {
	t.Helper()
	d := models.Definition{ID: "h1", Title: hostileTitle, Method: tally.IRV, Seats: 1, TieSeed: "s", PublishLedger: true,
		Candidates: []models.Candidate{{ID: "a", Name: hostileName}, {ID: "b", Name: hostileOther}}}
	s := sign(t, d, "a\n", "b\na\n", "a\n")
	return s.data, s.trust
}

// render is the page of a bundle as bundle.Verify finds it.
func render(t *testing.T, data []byte, o bundle.Options) string {
	t.Helper()
	b, rep := bundle.Verify(data, o)
	var out bytes.Buffer
	must(t, page.Write(&out, b, rep, page.Options{File: "/somewhere/h1.bundle", Written: time.Now()}))
	return out.String()
}

func TestHostileTextIsInert(t *testing.T) {
	data, trust := hostile(t)
	doc := render(t, data, bundle.Options{Trust: trust})
	if !strings.Contains(doc, "<strong>VERIFIED:</strong>") {
		t.Fatalf("the hostile bundle does not verify:\n%.2000s", doc)
	}
	for _, bad := range []string{"<script>window", "<img", "</bdi></th><script>", "\u202e", "\u0007", "\x1b", `"Board"`} {
		if strings.Contains(doc, bad) {
			t.Errorf("the page holds %q as it is", bad)
		}
	}
	for _, want := range []string{template.HTMLEscapeString(safetext.Sanitize(hostileTitle)), template.HTMLEscapeString(hostileName)} {
		if !strings.Contains(doc, want) {
			t.Errorf("the page does not show %q as text", want)
		}
	}

	br := browsertest.Open(t)
	file := filepath.Join(t.TempDir(), "h1.html")
	must(t, os.WriteFile(file, []byte(doc), 0o644))
	must(t, chromedp.Do(br.Ctx, chromedp.Navigate("file://"+file)))
	pwned, err := chromedp.Run(br.Ctx, chromedp.Evaluate[bool](`window.pwned !== undefined`))
	must(t, err)
	if pwned {
		t.Error("a script from the bundle's text ran in the page")
	}
	h1, err := chromedp.Run(br.Ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`))
	must(t, err)
	if h1 != safetext.Sanitize(hostileTitle) {
		t.Errorf("the title reads %q, want %q", h1, safetext.Sanitize(hostileTitle))
	}
	names, err := chromedp.Run(br.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.totals tbody th")].map(e => e.textContent)`))
	must(t, err)
	if len(names) != 2 || names[0] != hostileName || names[1] != safetext.Sanitize(hostileOther) {
		t.Errorf("the candidates read %q", names)
	}
	for _, r := range br.Requests() {
		if r != "file://"+file {
			t.Errorf("the page made a request: %s", r)
		}
	}
}

// Everything but the receipt lookup works without JavaScript, and the page
// says how to look a receipt up without it.
func TestPageWithoutJavaScript(t *testing.T) {
	data, trust := hostile(t)
	file := filepath.Join(t.TempDir(), "h1.html")
	must(t, os.WriteFile(file, []byte(render(t, data, bundle.Options{Trust: trust})), 0o644))
	br := browsertest.Open(t)
	_, err := chromedp.Call(br.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	must(t, err)
	must(t, chromedp.Do(br.Ctx, chromedp.Navigate("file://"+file)))
	shown, err := chromedp.Run(br.Ctx, chromedp.Evaluate[[]bool](`["lookup", "lookup-nojs", "elected", "round-1"].map(id => document.getElementById(id).checkVisibility())`))
	must(t, err)
	if !slices.Equal(shown, []bool{false, true, true, true}) {
		t.Errorf("without JavaScript, the form, the note, the elected and the round are visible: %v", shown)
	}
	note, err := chromedp.Run(br.Ctx, chromedp.Text("#lookup-nojs"))
	must(t, err)
	if !strings.Contains(note, "booth verify h1.bundle --signer SHA256:") || !strings.Contains(note, "--receipt -") {
		t.Errorf("the note without JavaScript reads %q", note)
	}
}

// bodyText is the page's text from the start of its body, tags removed.
func bodyText(page string) string {
	_, body, _ := strings.Cut(page, "<body>")
	return html.UnescapeString(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")), " "))
}

// A bundle that fails a check gets a page that starts by saying so, and
// shows nothing of what the bundle holds.
func TestFailurePagesStartWithTheFailure(t *testing.T) {
	data, trust := hostile(t)
	other, err := bundle.TrustSigner("SHA256:" + base64.RawStdEncoding.EncodeToString(make([]byte, 32)))
	must(t, err)
	d := models.Definition{ID: "r", Title: "Recounted", Method: tally.IRV, Seats: 1, TieSeed: "s", PublishLedger: true,
		Candidates: []models.Candidate{{ID: "ann", Name: "Ann"}, {ID: "bob", Name: "Bob"}}}
	wrong := signChanged(t, d, func(p *models.Publication) { p.Result.Result.Elected = []int{1} }, "ann\n", "ann\n", "bob\n")
	for _, tc := range []struct {
		name string
		data []byte
		o    bundle.Options
		want string
	}{
		{"signed, but not what its ledger counts to", wrong.data, bundle.Options{Trust: wrong.trust},
			"THE RECOUNT DOES NOT MATCH: does not match the published result: it elects Bob, the ledger's ballots elect Ann."},
		{"unanchored", data, bundle.Options{}, "THE SIGNATURE IS UNVERIFIED: UNVERIFIED: the signature is valid, but nothing says its key is the election server's"},
		{"another signer", data, bundle.Options{Trust: other}, "THE SIGNATURE IS INVALID: signed by another key than the one expected"},
		{"changed", bytes.Replace(data, []byte(`"b\na\n"`), []byte(`"a\nb\n"`), 1), bundle.Options{Trust: trust},
			"THE SIGNATURE IS INVALID: does not verify: the bundle was changed after it was signed."},
		{"not a bundle", []byte("hello\n"), bundle.Options{Trust: trust}, "THIS IS NOT A VALID RESULTS BUNDLE: not a booth results bundle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := render(t, tc.data, tc.o)
			if text := bodyText(doc); !strings.HasPrefix(text, tc.want) {
				t.Errorf("the page starts with %.200q, want %q", text, tc.want)
			}
			if !strings.Contains(doc, `<section class="status bad"`) || strings.Contains(doc, "<main>") || strings.Contains(doc, `id="ledger"`) {
				t.Error("the page of a bundle that fails shows its contents")
			}
			if !strings.Contains(doc, "<title>"+strings.SplitN(tc.want, ":", 2)[0]) {
				t.Errorf("the page's title does not say it fails:\n%.600s", doc)
			}
		})
	}
}

// The page's policy allows its script by the hash of the text it holds.
func TestPolicyAllowsTheScript(t *testing.T) {
	data, trust := hostile(t)
	doc := render(t, data, bundle.Options{Trust: trust})
	m := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("the page has no script")
	}
	sum := sha256.Sum256([]byte(m[1]))
	if want := "script-src &#39;sha256-" + strings.ReplaceAll(base64.StdEncoding.EncodeToString(sum[:]), "+", "&#43;") + "&#39;"; !strings.Contains(doc, want) {
		t.Errorf("the policy does not name the script's hash %s", want)
	}
	// Only links within the page; the hostile name's src= is text.
	if m := regexp.MustCompile(`(?i)(\s(src|href|action|srcset|poster|data)\s*=\s*"[^#"]|@import|url\()`).FindString(doc); m != "" {
		t.Errorf("the page names something to load: %q", m)
	}
}

// The lookup in the page: a counted receipt however it is typed, a
// replaced one, a random one and something that is no receipt.
func TestLookupInChromium(t *testing.T) {
	d := models.Definition{ID: "board", Title: "Board", Method: tally.Approval, Seats: 2, TieSeed: "s", PublishLedger: true,
		Candidates: []models.Candidate{{ID: "ann", Name: "Ann"}, {ID: "bob", Name: "Bob"}, {ID: "cy", Name: "Cy"}}}
	s := sign(t, d, "ann\nbob\n", "cy\n", "ann\n")
	file := filepath.Join(t.TempDir(), "board.html")
	must(t, os.WriteFile(file, []byte(render(t, s.data, bundle.Options{Trust: s.trust})), 0o644))
	br := browsertest.Open(t)
	must(t, chromedp.Do(br.Ctx, chromedp.Navigate("file://"+file)))
	spaced := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s.receipts[1], "-", " "), "O", "0"))
	for _, tc := range []struct{ receipt, want string }{
		{s.receipts[0], "Counted: the ledger holds your ballot under receipt hash "},
		{spaced, "Counted: "},
		{s.replaced, "Replaced: this receipt's ballot was replaced by a newer one, so it was not counted."},
		{"K7QF-2MXP", "This is not a receipt: a receipt has 26 letters and digits (groups of four like K7QF-2MXP-…), but this one has 8."},
		{"K7QF-2MXP-!", "This is not a receipt: a receipt uses only the letters A to Z and the digits 2 to 7."},
	} {
		must(t, chromedp.Do(br.Ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("lookup-result").textContent = ""`),
			chromedp.SetValue("#receipt", tc.receipt), chromedp.Click("#lookup button")))
		got, err := chromedp.Run(br.Ctx, chromedp.Poll[string](`document.getElementById("lookup-result").textContent || false`))
		must(t, err)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("looking up %q: %q, want %q", tc.receipt, got, tc.want)
		}
	}
	// The first ballot, read out as booth verify --receipt reads it.
	must(t, chromedp.Do(br.Ctx, chromedp.SetValue("#receipt", s.receipts[0]), chromedp.Click("#lookup button")))
	ballot, err := chromedp.Run(br.Ctx, chromedp.Text("#lookup-result .ballot"))
	must(t, err)
	if want := "You approve:\n  - Ann\n  - Bob\nYou do not approve:\n  - Cy\n"; ballot != want {
		t.Errorf("the ballot reads %q, want %q", ballot, want)
	}
}

// Each method's result in the page: what decides it, in its own terms.
func TestEachMethodsResult(t *testing.T) {
	cands := []models.Candidate{{ID: "ann", Name: "Ann"}, {ID: "bob", Name: "Bob"}, {ID: "cy", Name: "Cy"}}
	for _, tc := range []struct {
		d       models.Definition
		ballots []string
		want    []string
	}{
		{models.Definition{Method: tally.Schulze, Seats: 1, Candidates: cands}, []string{"ann\nbob\ncy\n", "bob\nann\n", "ann\n"},
			[]string{"<h2 id=\"order\">Order</h2>", `<li value="1"><bdi>Ann</bdi></li>`, "Voters who prefer the row's option to the column's",
				"Schulze method (Condorcet; winning votes, as Debian counts)"}},
		{models.Definition{Method: tally.Approval, Seats: 1, Candidates: cands}, []string{"bob\n", "bob\ncy\n"},
			[]string{"<h2 id=\"rounds\">The count</h2>", `<th scope="col" class="num">Approvals</th>`, "<li><bdi>Bob</bdi></li>"}},
		{models.Definition{Method: tally.YesNo, Seats: 1, PassRatio: tally.Ratio{Num: 1, Den: 2},
			Candidates: []models.Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}}}, []string{"yes\n", "yes\n", "no\n"},
			[]string{"<strong>The question passed.</strong>", `<th scope="col">Answer</th>`, "carries"}},
		{models.Definition{Method: tally.Scottish, Seats: 2, Candidates: cands, PublishLedger: false}, []string{"ann\nbob\n", "ann\ncy\n", "bob\n", "cy\n", "ann\n"},
			[]string{"did not publish its ledger, so its result could not be recounted", "This election did not publish its ledger", "Round 1"}},
	} {
		t.Run(string(tc.d.Method), func(t *testing.T) {
			tc.d.ID, tc.d.Title, tc.d.TieSeed = "e", "E", "s"
			tc.d.PublishLedger = tc.d.PublishLedger || tc.d.Method != tally.Scottish
			s := sign(t, tc.d, tc.ballots...)
			doc := render(t, s.data, bundle.Options{Trust: s.trust})
			for _, want := range append(tc.want, "<strong>VERIFIED:</strong>") {
				if !strings.Contains(doc, want) {
					t.Errorf("the page does not hold %q", want)
				}
			}
		})
	}
}

// On paper the page keeps the checks and the result and leaves out the
// lookup, which cannot work there.
func TestPrintedPage(t *testing.T) {
	d := models.Definition{ID: "board", Title: "Board", Method: tally.IRV, Seats: 1, TieSeed: "s", PublishLedger: true,
		Candidates: []models.Candidate{{ID: "ann", Name: "Ann"}, {ID: "bob", Name: "Bob"}, {ID: "cy", Name: "Cy"}}}
	s := sign(t, d, "ann\n", "bob\n", "cy\nbob\n", "ann\n", "bob\n")
	file := filepath.Join(t.TempDir(), "board.html")
	must(t, os.WriteFile(file, []byte(render(t, s.data, bundle.Options{Trust: s.trust})), 0o644))
	br := browsertest.Open(t)
	must(t, chromedp.Do(br.Ctx, chromedp.Navigate("file://"+file)))
	_, err := chromedp.Call(br.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	must(t, err)
	shown, err := chromedp.Run(br.Ctx, chromedp.Evaluate[[]bool](`["status", "elected", "round-1", "round-2", "verify", "lookup-section"].map(id => document.getElementById(id).checkVisibility())`))
	must(t, err)
	if !slices.Equal(shown, []bool{true, true, true, true, true, false}) {
		t.Errorf("printed, the status, the elected, the rounds, how to verify and the lookup are visible: %v", shown)
	}
}
