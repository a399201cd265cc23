// Package page writes a results bundle as one static HTML page, for the
// people who will not open a terminal: what booth verify found first,
// then the result with every round as a table and as bars, the method in
// plain words, how to check the bundle yourself, and a receipt lookup
// that runs in the page on the ledger it holds.
//
// The page is self-contained and sends nothing: its style and its one
// script are inside it, and its Content-Security-Policy forbids every
// load and connection besides them. Everything but the lookup works
// without JavaScript. The checks are bundle.Verify's, passed in; this
// package only shows them. A bundle that fails any check gets a page that
// says so at its top and shows none of its results or ledger, since
// whoever changed the bundle could have changed them too.
package page

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"time"

	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
)

var (
	//go:embed page.html.tmpl
	pageSource string
	//go:embed page.css
	pageCSS string
	//go:embed lookup.js
	lookupJS string
)

// tmpl is the page, with the style sheet as a template it includes. The
// script is given as a value, not as template text, which html/template
// would strip of its comments: the page's policy allows the script by the
// hash of its exact text.
var tmpl = func() *template.Template {
	t := template.Must(template.New("page").Parse(pageSource))
	template.Must(t.New("css").Parse(pageCSS))
	return t
}()

// csp lets the page run only its own script (by its hash) and use only
// its own styles: no font, image, script or connection from anywhere,
// and no form sent anywhere.
var csp = "default-src 'none'; script-src 'sha256-" + scriptHash() + "'; style-src 'unsafe-inline'; " +
	"img-src data:; form-action 'none'; base-uri 'none'"

func scriptHash() string {
	sum := sha256.Sum256([]byte(lookupJS))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Options say what the page names besides the bundle.
type Options struct {
	// File is the bundle's file; the page names its base name in the
	// commands that check it.
	File string
	// Namespace is the signature namespace the bundle was checked in, ""
	// for bundle.Namespace.
	Namespace string
	// Written is when the page is written, which it states.
	Written time.Time
}

// view is what the template shows. Every string from the bundle in it
// has been through safetext.Sanitize; the template escapes it for HTML.
type view struct {
	CSP, PageTitle         string
	OK                     bool
	Verdict, VerdictDetail string
	Checks                 []checkView
	Signer, Anchor         string
	File, Written          string
	Result                 *resultView
	AllowedSigners         string
	SSHCommand             string
	BoothCommand           string
	Lookup                 *lookupData
	NoLookup               string
	// Script is the lookup's script, when there is a ledger to look in.
	Script template.JS
}

type checkView struct {
	Label, Word, Detail string
	OK                  bool
}

// lookupData is the ledger as the page's script reads it: each receipt
// hash with the index of its ballot's description, -1 for a replaced
// ballot. Ballots with the same text share a description.
type lookupData struct {
	Election string   `json:"election"`
	Ballots  []string `json:"ballots"`
	Entries  [][2]any `json:"entries"`
}

// Write writes the page for a bundle and what bundle.Verify reported on
// it; b is nil when Verify did not decode the bundle.
func Write(w io.Writer, b *bundle.Bundle, rep bundle.Report, o Options) error {
	file := filepath.Base(o.File)
	v := view{
		CSP: csp, OK: rep.OK && b != nil,
		Signer: safetext.Sanitize(rep.Signer), Anchor: safetext.Sanitize(rep.Anchor),
		File: safetext.Sanitize(file), Written: when(o.Written),
		SSHCommand: safetext.SanitizeMultiline(bundle.VerifyCommand(file, "allowed_signers", o.Namespace)),
	}
	for _, c := range rep.Checks {
		v.Checks = append(v.Checks, newCheckView(c))
	}
	fp := "FINGERPRINT"
	if v.OK {
		fp = b.Signer()
	}
	v.BoothCommand = safetext.Sanitize(fmt.Sprintf("booth verify %s --signer %s%s", file, fp, namespaceArg(o.Namespace)))
	title := safetext.Sanitize(rep.Title)
	if title == "" {
		title = "results bundle " + v.File
	}
	if !v.OK {
		v.Verdict, v.VerdictDetail = verdict(rep)
		v.PageTitle = v.Verdict + ": " + title
		v.NoLookup = "A receipt is looked up here only in a bundle that passes every check."
		return tmpl.Execute(w, v)
	}
	v.Verdict, v.VerdictDetail = "VERIFIED", verifiedDetail(b)
	v.PageTitle = "Results: " + title
	v.AllowedSigners = bundle.AllowedSigners(b.SignerKey(), o.Namespace)
	v.Result = newResultView(b)
	if b.Ledger == nil {
		v.NoLookup = "This election did not publish its ledger, so a receipt cannot be looked up here; a voter can ask the server with 'ssh HOST verify RECEIPT'."
	} else {
		v.Lookup, v.Script = newLookup(b), template.JS(lookupJS)
	}
	return tmpl.Execute(w, v)
}

// checkLabels name the checks for a reader.
var checkLabels = map[string]string{
	bundle.CheckBundle:      "Bundle",
	bundle.CheckSignature:   "Signature",
	bundle.CheckDefinition:  "Definition fingerprint",
	bundle.CheckBallotTexts: "Ballot texts",
	bundle.CheckRecount:     "Recount",
	bundle.CheckReceipt:     "Receipt",
}

func newCheckView(c bundle.Check) checkView {
	label := checkLabels[c.Name]
	if label == "" {
		label = safetext.Sanitize(c.Name)
	}
	words := map[string]string{bundle.StatusOK: "passed", bundle.StatusSkipped: "skipped",
		bundle.StatusFailed: "FAILED", bundle.StatusUnverified: "UNVERIFIED"}
	word := words[c.Status]
	if word == "" {
		word = safetext.Sanitize(c.Status)
	}
	return checkView{Label: label, Word: word, Detail: safetext.Sanitize(c.Detail),
		OK: c.Status == bundle.StatusOK || c.Status == bundle.StatusSkipped}
}

// verdict says in words why a bundle is not shown: the first check that
// did not pass, in capitals as the offline review says it.
func verdict(rep bundle.Report) (string, string) {
	headline := map[string]string{
		bundle.CheckBundle:     "THIS IS NOT A VALID RESULTS BUNDLE",
		bundle.CheckSignature:  "THE SIGNATURE IS INVALID",
		bundle.CheckDefinition: "THE FINGERPRINT DOES NOT MATCH",
		bundle.CheckRecount:    "THE RECOUNT DOES NOT MATCH",
		bundle.CheckReceipt:    "THE RECEIPT WAS NOT FOUND",
	}
	const hidden = " Its results are not shown here, since nothing in a bundle that fails its checks can be trusted."
	for _, c := range rep.Checks {
		switch {
		case c.Status == bundle.StatusUnverified:
			return "THE SIGNATURE IS UNVERIFIED", safetext.Sanitize(c.Detail) + "." + hidden
		case c.Status == bundle.StatusOK || c.Status == bundle.StatusSkipped:
			continue
		}
		h := headline[c.Name]
		if h == "" {
			h = "A CHECK FAILED"
		}
		return h, safetext.Sanitize(c.Detail) + "." + hidden
	}
	return "NOT CHECKED", "booth found no check that failed, yet the bundle did not pass." + hidden
}

// verifiedDetail says what passing the checks means for this bundle.
func verifiedDetail(b *bundle.Bundle) string {
	s := "the bundle is signed by the election server's key, and its definition matches its fingerprint"
	if b.Ledger == nil {
		return s + ". The election did not publish its ledger, so its result could not be recounted."
	}
	return s + fmt.Sprintf(", and a recount of the ledger's %d ballots gives the published result.", b.Turnout.Voted)
}

// newLookup is the ledger for the page's lookup, each ballot read out in
// words as booth verify --receipt prints it.
func newLookup(b *bundle.Bundle) *lookupData {
	l := &lookupData{Election: b.Election.ID, Entries: make([][2]any, 0, len(b.Ledger))}
	index := map[string]int{}
	for _, e := range b.Ledger {
		i := -1
		if !e.Replaced {
			var seen bool
			if i, seen = index[e.Ballot]; !seen {
				i = len(l.Ballots)
				index[e.Ballot] = i
				l.Ballots = append(l.Ballots, describe(b, e.Ballot))
			}
		}
		l.Entries = append(l.Entries, [2]any{hex.EncodeToString(e.ReceiptHash[:]), i})
	}
	return l
}

// namespaceArg is the --namespace booth verify needs for a bundle signed
// in namespace: none for the default.
func namespaceArg(namespace string) string {
	if namespace == "" || namespace == bundle.Namespace {
		return ""
	}
	return " --namespace " + namespace
}

// when is a time as the page states it.
func when(t time.Time) string {
	if t.IsZero() {
		return "an unknown date"
	}
	return t.UTC().Format("2 January 2006 at 15:04 UTC")
}
