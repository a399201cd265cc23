// Package bundle is the signed results bundle: what an election publishes
// after the count, and how anyone checks it offline.
//
// A bundle is one text file: a JSON document (the payload) followed by an
// armored SSH signature over exactly the payload's bytes,
//
//	{
//	  "format": "booth-results-bundle-v3",
//	  …
//	}
//	-----BEGIN SSH SIGNATURE-----
//	…
//	-----END SSH SIGNATURE-----
//
// signed by the server's host key in the SSH signature format (what
// `ssh-keygen -Y sign` writes) with the namespace booth-results@vote.example.org,
// so a signature made for anything else (a git commit, a file) never
// passes as a bundle's. The payload is everything before the line
// "-----BEGIN SSH SIGNATURE-----", its final newline included; standard
// tools split the file there (see VerifyCommand) and `ssh-keygen -Y verify`
// checks it with no booth at all. The payload is pure ASCII (every other
// character is written as a JSON \u escape), so no character set
// conversion on the way can break the signature and printing the file
// cannot drive a terminal.
//
// The payload holds the election definition (definitionRecord, from which
// the fingerprint models.Definition.Fingerprint is recomputed), the stored
// result with its rounds (resultRecord; docs/formats.md describes every
// key), the turnout, the IDs
// of the members who voted, the audit chain's head and — when the election
// publishes it — the ledger: every counted ballot by the hash of its
// receipt, and every replaced receipt, in receipt-hash order. Verify checks
// the signature against the reader's trust anchor (Trust) before anything
// else, then that the payload is the one text booth writes for what it
// says, the fingerprint, recounts the ledger and looks up a receipt.
// Since a reader re-encodes the payload and compares, a new field in any
// type the payload holds is a new format, as a new field of the
// definition already is for its fingerprint.
package bundle

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
)

// Namespace is the default SSH signature namespace of results bundles. The
// namespace is part of what is signed, so the host key's signature on a
// bundle cannot be replayed as a signature on anything else, nor the
// reverse. A foundation may sign in a namespace of its own domain
// (booth-results@example.org): its readers verify with that namespace
// (Options.Namespace).
const Namespace = "booth-results@vote.example.org"

// namespaceOr is namespace, or Namespace when it is "".
func namespaceOr(namespace string) string {
	if namespace == "" {
		return Namespace
	}
	return namespace
}

// CheckNamespace refuses a namespace an SSH signature cannot carry or a
// person could misread: it is a non-empty word of printable ASCII, like
// booth-results@example.org.
func CheckNamespace(namespace string) error {
	if namespace == "" || len(namespace) > 128 || strings.IndexFunc(namespace, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\'' || r == ',' }) >= 0 {
		return fmt.Errorf("the signature namespace %q: write a word without spaces, quotes or commas, e.g. booth-results@example.org", namespace)
	}
	return nil
}

// Principal names the signer in the allowed_signers file that
// `ssh-keygen -Y verify -I` reads (see AllowedSigners).
const Principal = "booth"

// Format names this layout of the payload. A reader also reads FormatV3,
// FormatV2 and FormatV1 and refuses any other.
const Format = "booth-results-bundle-v4"

// FormatV3 is Format without its sections for what some elections have
// ("trustees", the releases that opened a trustee election's ballots;
// "nominations", the nominations that made its ballot) and without a
// definition's member_for_ns and nominations. Its bundles are otherwise
// the same, and still verify; one whose definition names trustees or
// takes nominations is refused, lacking their sections.
const FormatV3 = "booth-results-bundle-v3"

// isRecordFormat is whether a format holds the definition and the result
// as records of their own (definitionRecord, resultRecord): v3 and later.
func isRecordFormat(format string) bool { return format == Format || format == FormatV3 }

// FormatV2 is the layout booth wrote before the definition and the result
// had keys of their own (issue 11): the same fields, but the definition
// and the result as encoding/json writes models.Definition and
// tally.Result, with Go's field names as keys ("FixedOrder", "Elected").
// Those bundles are signed, so a reader keeps reading that shape and
// recounts to it.
const FormatV2 = "booth-results-bundle-v2"

// FormatV1 is the layout booth wrote before ballot texts were canonical
// (issue 10 item 2): FormatV2's fields, but approvals and equal ranks in the
// voter's screen order and a blank ballot as empty text. Bundles published
// then still verify; only v2 promises one text per meaning.
const FormatV1 = "booth-results-bundle-v1"

// MaxBytes bounds the size of a bundle booth reads: a million ballots of
// twenty ranks fit several times over.
const MaxBytes = 1 << 30

// signatureBegin is the armor line that ends the payload.
const signatureBegin = "-----BEGIN SSH SIGNATURE-----"

// hashAlgorithm is what ssh-keygen -Y sign uses by default.
const hashAlgorithm = sshsig.HashSHA512

// payload is the signed JSON document of Format.
type payload = document[definitionRecord, *resultRecord]

// document is the signed JSON document, whose definition has the shape D
// and result the shape R: definitionRecord and *resultRecord in Format;
// models.Definition and json.RawMessage in FormatV2 and FormatV1, which
// hold both as encoding/json wrote them, Go's field names as keys
// (readLegacyDefinition, readLegacyResult).
type document[D, R any] struct {
	Format string `json:"format"`
	// About tells a person who opens the file what it is.
	About       string            `json:"about"`
	PublishedAt time.Time         `json:"published_at"`
	Election    electionRecord[D] `json:"election"`
	CountedAt   time.Time         `json:"counted_at"`
	Result      R                 `json:"result"`
	Turnout     turnoutRecord     `json:"turnout"`
	Voters      []string          `json:"voters"`
	// LedgerPublished says whether Ledger is the election's ledger; it is
	// null when the election does not publish it.
	LedgerPublished bool           `json:"ledger_published"`
	Ledger          []ledgerRecord `json:"ledger"`
	Audit           auditRecord    `json:"audit"`
	// Trustees is, for an election with trustees, the evidence of the
	// count: the releases that opened its ballots (trustees.go).
	Trustees *trusteesRecord `json:"trustees,omitempty"`
	// Nominations are the nominations that made the ballot, one per
	// candidate in candidate order, when the definition takes nominations
	// (v4); absent otherwise.
	Nominations *[]nominationRecord `json:"nominations,omitempty"`
}

// nominationRecord is a candidate's nomination: how many members
// nominated them and, when the rules publish nominators, who (in ID
// order; null otherwise).
type nominationRecord struct {
	Nominee         string   `json:"nominee"`
	SupportersCount int      `json:"supporters_count"`
	Supporters      []string `json:"supporters"`
}

// electionRecord is the election: its definition, whose fingerprint was
// recorded when it opened, and what happened to it.
type electionRecord[D any] struct {
	Definition  D         `json:"definition"`
	Fingerprint string    `json:"fingerprint"`
	Withdrawn   []string  `json:"withdrawn"`
	Extensions  int       `json:"extensions"`
	OpenedAt    time.Time `json:"opened_at"`
	ClosedAt    time.Time `json:"closed_at"`
}

type turnoutRecord struct {
	Voted      int `json:"voted"`
	Electorate int `json:"electorate"`
}

// ledgerRecord is one receipt hash (lowercase hex) with the ballot filed
// under it (its canonical text: one line per rank), or "replaced".
type ledgerRecord struct {
	ReceiptHash string  `json:"receipt_hash"`
	Status      string  `json:"status"`
	Ballot      *string `json:"ballot,omitempty"`
}

// Ledger entry states.
const (
	statusCounted  = "counted"
	statusReplaced = "replaced"
)

type auditRecord struct {
	Seq  int64  `json:"seq"`
	Head string `json:"head"`
}

// about never names the signature's armor line, so that line occurs once
// in a bundle, where the signature begins.
func about(namespace string) string {
	return "The results of a booth election. The SSH signature after this JSON document" +
		" (namespace " + namespace + ") is the booth server's host key's over every line before it;" +
		" check it with 'booth verify FILE' or 'ssh-keygen -Y verify' (see booth's README)."
}

// Sign writes a publication as a bundle signed by the host key in
// namespace ("" for Namespace).
func Sign(p models.Publication, signer ssh.Signer, namespace string) ([]byte, error) {
	namespace = namespaceOr(namespace)
	if err := CheckNamespace(namespace); err != nil {
		return nil, err
	}
	body, err := encode(p, namespace)
	if err != nil {
		return nil, err
	}
	sig, err := sshsig.Sign(bytes.NewReader(body), signer, hashAlgorithm, namespace)
	if err != nil {
		return nil, fmt.Errorf("signing the results bundle: %w", err)
	}
	return append(body, sshsig.Armor(sig)...), nil
}

// encode writes the payload: indented JSON, ASCII only, ending in a
// newline.
func encode(p models.Publication, namespace string) ([]byte, error) {
	if p.Result.Result == nil {
		return nil, fmt.Errorf("election %s has no result to publish", p.Election.ID)
	}
	e := p.Election
	doc := payload{
		Format: Format, About: about(namespace), PublishedAt: p.PublishedAt.UTC(),
		Election: electionRecord[definitionRecord]{
			Definition: newDefinitionRecord(e.Definition), Fingerprint: e.Fingerprint, Withdrawn: nonNil(e.Withdrawn),
			Extensions: e.Extensions, OpenedAt: e.OpenedAt.UTC(), ClosedAt: e.ClosedAt.UTC(),
		},
		CountedAt: p.Result.CountedAt.UTC(), Result: newResultRecord(p.Result.Result),
		Turnout:         turnoutRecord{Voted: p.Turnout.Voted, Electorate: p.Turnout.Electorate},
		Voters:          nonNil(p.Voters),
		LedgerPublished: e.PublishLedger,
		Audit:           auditRecord{Seq: p.AuditSeq, Head: models.HashString(p.AuditHead)},
	}
	var err error
	if doc.Trustees, err = newTrusteesRecord(p); err != nil {
		return nil, err
	}
	if e.Nominations != nil {
		recs := make([]nominationRecord, len(p.Nominations))
		for i, n := range p.Nominations {
			recs[i] = nominationRecord{Nominee: n.NomineeID, SupportersCount: len(n.Supporters)}
			if e.Nominations.PublishNominators {
				recs[i].Supporters = nonNil(n.Supporters)
			}
		}
		doc.Nominations = &recs
	}
	if e.PublishLedger {
		doc.Ledger = make([]ledgerRecord, len(p.Ledger))
		for i, l := range p.Ledger {
			doc.Ledger[i] = ledgerRecord{ReceiptHash: hex.EncodeToString(l.ReceiptHash[:]), Status: statusCounted}
			if l.Replaced {
				doc.Ledger[i].Status = statusReplaced
			} else {
				doc.Ledger[i].Ballot = &l.Ballot
			}
		}
	}
	return marshalPayload(doc)
}

// marshalPayload writes a payload document in the one form booth writes:
// indented JSON, ASCII only, ending in a newline. A reader re-encodes what
// it decoded with it, so a bundle has one text for what it says.
func marshalPayload[D, R any](doc document[D, R]) ([]byte, error) {
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing the results bundle: %w", err)
	}
	return append(asciiJSON(data), '\n'), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// asciiJSON writes every character of JSON text outside printable ASCII
// as a \u escape (two for characters beyond U+FFFF). encoding/json already
// escapes C0 controls, and JSON's own syntax is ASCII, so such characters
// only occur inside strings, where the escape means the same character.
func asciiJSON(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r < 0x7f:
			out.WriteByte(data[i])
		case r > 0xffff:
			a, b := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, a, b)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
		i += size
	}
	return out.Bytes()
}

// AllowedSigners is the line of an allowed_signers file (see
// ssh-keygen(1), "ALLOWED SIGNERS") that lets `ssh-keygen -Y verify`
// accept the host key's signatures on results bundles signed in namespace
// ("" for Namespace), and nothing else.
func AllowedSigners(hostKey ssh.PublicKey, namespace string) string {
	return fmt.Sprintf("%s namespaces=%q %s", Principal, namespaceOr(namespace), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostKey))))
}

// VerifyCommand is the shell command that checks a bundle's signature with
// OpenSSH and sed alone: the first sed writes the signature block to
// FILE.sig, the second feeds ssh-keygen everything before it; namespace
// is the bundle's ("" for Namespace).
func VerifyCommand(file, allowedSigners, namespace string) string {
	f, sig := shellQuote(file), shellQuote(file+".sig")
	return fmt.Sprintf("sed -n '/^%s$/,$p' %s > %s\n", signatureBegin, f, sig) +
		fmt.Sprintf("sed '/^%s$/,$d' %s | ssh-keygen -Y verify -f %s -I %s -n %s -s %s\n",
			signatureBegin, f, shellQuote(allowedSigners), Principal, namespaceOr(namespace), sig)
}

// shellQuote quotes a file name for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
