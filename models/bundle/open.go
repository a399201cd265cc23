package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// Bundle is a results bundle as read from its file, before or after its
// checks; Verify says whether it can be trusted.
type Bundle struct {
	// Election is the election as published; its State is Counted.
	Election models.Election
	// Result is the published result with its rounds.
	Result      *tally.Result
	CountedAt   time.Time
	PublishedAt time.Time
	Turnout     models.Turnout
	// Voters are the IDs of the members who voted.
	Voters []string
	// Ledger is nil when the election does not publish its ledger.
	Ledger    []models.LedgerEntry
	AuditSeq  int64
	AuditHead string
	// Format is the payload's layout: Format, or FormatV3, FormatV2 or
	// FormatV1 for a bundle published before this booth's format (see
	// each).
	Format string
	// Nominations are the candidates' nominations (nil when the election
	// took none): NomineeID and Supporters, whose number is SupporterCount
	// (the supporters themselves only when published).
	Nominations []PublishedNomination
	// Trustees is the evidence of a trustee election's count (nil for
	// other elections): checked when the bundle is read.
	Trustees *TrusteeEvidence

	payload   []byte        // the signed bytes
	resultRaw []byte        // the result as published, compacted: what a recount is compared with
	recounted *tally.Result // the ledger's recount, once it matched resultRaw (see Phrased)
	sig       *sshsig.Signature
}

// signed is a bundle file cut into its payload and its signature, neither
// yet decoded nor trusted. Cutting costs nothing much whatever the file
// holds, so the signature and its signer are checked before any work that
// grows with the payload.
type signed struct {
	payload []byte
	sig     *sshsig.Signature
}

// unarmor cuts a bundle file and reads its signature block.
func unarmor(data []byte) (signed, error) {
	body, armor, err := split(data)
	if err != nil {
		return signed{}, err
	}
	sig, err := sshsig.Unarmor(armor)
	if err != nil {
		return signed{}, fmt.Errorf("%w: its signature block cannot be read: %v", ErrFormat, err)
	}
	return signed{payload: body, sig: sig}, nil
}

// Open reads a bundle file: it splits the payload from the signature and
// decodes both, refusing anything that is not a bundle booth writes
// (ErrFormat). It checks nothing that needs trust, so it is for bundles
// from a trusted place (the server's own store); anything else goes
// through OpenTrusted or Verify, which check the signature first.
func Open(data []byte) (*Bundle, error) {
	s, err := unarmor(data)
	if err != nil {
		return nil, err
	}
	return s.decode()
}

// OpenTrusted reads a bundle whose signature is valid, made in namespace
// ("" for Namespace) by a key that t trusts (at time now, for keys with a
// validity); it checks that before it decodes anything.
func OpenTrusted(data []byte, t *Trust, now time.Time, namespace string) (*Bundle, error) {
	s, err := unarmor(data)
	if err != nil {
		return nil, err
	}
	if err := s.checkSignature(t, now, namespace); err != nil {
		return nil, err
	}
	return s.decode()
}

// decode reads the payload. Beyond the form of each field it requires the
// one text booth writes for what the bundle says (no key twice, nothing
// re-ordered or re-spaced: every signed byte means something) and a
// consistent turnout.
func (s signed) decode() (*Bundle, error) {
	if err := duplicateKey(s.payload); err != nil {
		return nil, err
	}
	first, format := formatOf(s.payload), ""
	if first == "" {
		// Not as booth writes it: the format, wherever it is, picks the
		// shape whose reading says what is wrong.
		var f struct {
			Format string `json:"format"`
		}
		_ = json.Unmarshal(s.payload, &f)
		format = f.Format
	}
	switch {
	case isRecordFormat(first) || first == "" && isRecordFormat(format):
		return decodeAs(s, first, []string{Format, FormatV3}, readDefinition, readResult)
	case first == "" || first == FormatV2 || first == FormatV1:
		return decodeAs(s, first, []string{FormatV2, FormatV1}, readLegacyDefinition, readLegacyResult)
	}
	return nil, unknownFormat(first)
}

// unknownFormat is the error for a bundle of a format this booth does not
// read.
func unknownFormat(format string) error {
	return fmt.Errorf("%w: it says its format is %q; this booth reads %q, %q, %q and %q", ErrFormat, format, Format, FormatV3, FormatV2, FormatV1)
}

// formatOf is the format a payload names first, as booth writes it, or ""
// when its first key is not "format"; it reads no further.
func formatOf(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	if t, err := dec.Token(); err != nil || t != "format" {
		return ""
	}
	t, _ := dec.Token()
	f, _ := t.(string)
	return f
}

// decodeAs reads a payload whose definition has the shape D and result
// the shape R, as one of formats, and checks it (see decode); first is the
// format it names first (formatOf). readDefinition gives the definition
// and the record booth writes for it.
func decodeAs[D, R any](s signed, first string, formats []string, readDefinition func(D) (models.Definition, D),
	readResult func(R) (*tally.Result, []byte, error)) (*Bundle, error) {
	var doc document[D, R]
	dec := json.NewDecoder(bytes.NewReader(s.payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: its contents are not the JSON a bundle holds: %v", ErrFormat, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: more follows its JSON document before the signature", ErrFormat)
	}
	switch {
	case doc.Format == first && slices.Contains(formats, doc.Format):
	case slices.Contains([]string{Format, FormatV3, FormatV2, FormatV1}, doc.Format):
		// A format this booth reads, but not named first, where booth
		// writes it and where decode looks for it.
		return nil, fmt.Errorf("%w: its format %q is not its first key", ErrNotCanonical, doc.Format)
	default:
		return nil, unknownFormat(doc.Format)
	}
	b := &Bundle{payload: s.payload, sig: s.sig, Format: doc.Format}
	var d models.Definition
	d, doc.Election.Definition = readDefinition(doc.Election.Definition)
	if err := fill(b, doc, d, readResult); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := b.readTrustees(doc.Trustees); err != nil {
		return nil, err
	}
	if err := fillNominations(b, doc.Format, doc.Nominations); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := b.consistent(); err != nil {
		return nil, err
	}
	if err := canonical(doc, s.payload); err != nil {
		return nil, err
	}
	return b, nil
}

// readResult reads the result of a bundle of Format; its published text is
// the record's.
func readResult(v *resultRecord) (*tally.Result, []byte, error) {
	if v == nil {
		return nil, nil, fmt.Errorf("it holds no result")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, nil, fmt.Errorf("its result cannot be read: %v", err)
	}
	return v.result(), asciiJSON(data), nil
}

// readLegacyResult reads the result of a v2 or v1 bundle: tally.Result as
// encoding/json wrote it, whose published text is kept (compacted) for the
// recount to be compared with.
func readLegacyResult(raw json.RawMessage) (*tally.Result, []byte, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil || compact.String() == "null" {
		return nil, nil, fmt.Errorf("it holds no result")
	}
	r := new(tally.Result)
	if err := json.Unmarshal(compact.Bytes(), r); err != nil {
		return nil, nil, fmt.Errorf("its result cannot be read: %v", err)
	}
	// encoding/json matches keys without regard to case and keeps the
	// last of two: a result holding "Elected" and "elected" would read as
	// one thing here and another elsewhere. booth wrote exactly
	// json.Marshal's text, so anything else is refused.
	if again, err := json.Marshal(r); err != nil || !bytes.Equal(asciiJSON(again), compact.Bytes()) {
		return nil, nil, fmt.Errorf("its result is not the text booth writes for it (a key differs in case, is repeated or unknown, or a value is written another way)")
	}
	// Nor did it write phrases (ActionPhrase, NotePhrases, RulePhrase):
	// one here is no part of what booth published, and would be said to a
	// member in place of the record's English.
	if again, _ := encodeResult(FormatV2, r); !bytes.Equal(again, compact.Bytes()) {
		return nil, nil, fmt.Errorf("its result holds phrases (ActionPhrase, NotePhrases or RulePhrase), which a v1 or v2 bundle never holds: it is not the text booth published")
	}
	return r, compact.Bytes(), nil
}

// canonical checks that the payload is the text booth writes for the
// document decoded from it, and says where it is not.
func canonical[D, R any](doc document[D, R], body []byte) error {
	want, err := marshalPayload(doc)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotCanonical, err)
	}
	if bytes.Equal(want, body) {
		return nil
	}
	i := 0
	for i < len(want) && i < len(body) && want[i] == body[i] {
		i++
	}
	line := 1 + bytes.Count(body[:i], []byte("\n"))
	return fmt.Errorf("%w: line %d differs from the form booth writes (extra spaces, another order of keys or numbers, or escapes booth does not use)", ErrNotCanonical, line)
}

// maxDepth bounds how deep a bundle's JSON may nest. A bundle booth writes
// nests fewer than 16 levels; without a bound, a payload of brackets alone
// costs gigabytes before encoding/json's own limit of 10,000 stops it.
const maxDepth = 32

// duplicateKey walks the payload's JSON tokens and refuses an object that
// holds a key twice: encoding/json would silently keep the last, so two
// readers could see two different bundles under one signature.
func duplicateKey(body []byte) error {
	// A frame is an open object or array. Frames are reused as the walk
	// goes down and up again: a ledger holds a million small objects.
	type frame struct {
		object, wantKey bool
		last            string          // the key read last, for the message
		keys            []string        // the object's keys while few
		seen            map[string]bool // all of them once many
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []frame
	push := func(object bool) {
		if len(stack) < cap(stack) {
			stack = stack[:len(stack)+1]
			f := &stack[len(stack)-1]
			*f = frame{object: object, wantKey: object, keys: f.keys[:0]}
			return
		}
		stack = append(stack, frame{object: object, wantKey: object})
	}
	for {
		t, err := dec.Token()
		if err != nil {
			// The end, or a syntax error that decoding reports.
			return nil
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			f := &stack[n-1]
			if t == json.Delim('}') {
				stack = stack[:n-1]
				continue
			}
			k, _ := t.(string)
			if f.seen[k] || f.seen == nil && slices.Contains(f.keys, k) {
				var path []string
				for _, p := range stack[:n-1] {
					if p.object {
						path = append(path, p.last)
					}
				}
				where := "at its top level"
				if len(path) > 0 {
					where = "in " + strings.Join(path, ".")
				}
				return fmt.Errorf("%w: the key %q occurs twice %s", ErrDuplicateKey, k, where)
			}
			f.last, f.wantKey = k, false
			switch {
			case f.seen != nil:
				f.seen[k] = true
			case len(f.keys) < 32:
				f.keys = append(f.keys, k)
			default:
				f.seen = map[string]bool{k: true}
				for _, k := range f.keys {
					f.seen[k] = true
				}
			}
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			if len(stack) == maxDepth {
				return fmt.Errorf("%w: its JSON nests deeper than %d levels; a bundle needs fewer than 16", ErrFormat, maxDepth)
			}
			push(t == json.Delim('{'))
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// consistent checks what the bundle says about who voted: each voter
// once, no more voters than the electorate, and, with the ledger, one
// counted ballot per voter.
func (b *Bundle) consistent() error {
	ids := slices.Clone(b.Voters)
	slices.Sort(ids)
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			return fmt.Errorf("%w: the member %q is listed twice", ErrVoters, ids[i])
		}
	}
	t := b.Turnout
	switch {
	case t.Voted < 0 || t.Voted > t.Electorate:
		return fmt.Errorf("%w: %d voted of an electorate of %d", ErrTurnout, t.Voted, t.Electorate)
	case t.Voted != len(b.Voters):
		return fmt.Errorf("%w: it says %d voted but lists %d voters", ErrTurnout, t.Voted, len(b.Voters))
	}
	if b.Ledger == nil {
		return nil
	}
	counted := 0
	for _, l := range b.Ledger {
		if !l.Replaced {
			counted++
		}
	}
	if counted != t.Voted {
		return fmt.Errorf("%w: its ledger holds %d counted ballots, but %d voted", ErrTurnout, counted, t.Voted)
	}
	return nil
}

// split cuts the file at the first line that begins the signature, as
// `sed '/^-----BEGIN SSH SIGNATURE-----$/,$d'` does, and refuses anything
// after the signature block (it would not be signed).
func split(data []byte) (body, armor []byte, err error) {
	marker := []byte(signatureBegin + "\n")
	i := bytes.Index(data, append([]byte{'\n'}, marker...))
	if i < 0 {
		return nil, nil, fmt.Errorf("%w: it holds no line %q after its contents, so it is not signed", ErrFormat, signatureBegin)
	}
	body, armor = data[:i+1], data[i+1:]
	const end = "-----END SSH SIGNATURE-----"
	j := bytes.Index(armor, []byte(end))
	if j < 0 {
		return nil, nil, fmt.Errorf("%w: its signature block has no end line %q; the file was cut short", ErrFormat, end)
	}
	if rest := bytes.TrimSpace(armor[j+len(end):]); len(rest) > 0 {
		return nil, nil, fmt.Errorf("%w: %d bytes follow the signature block; they are not signed", ErrFormat, len(rest))
	}
	return body, armor, nil
}

// fill takes the decoded payload into b: its definition d, its result
// read by readResult.
func fill[D, R any](b *Bundle, doc document[D, R], d models.Definition, readResult func(R) (*tally.Result, []byte, error)) error {
	er := doc.Election
	b.Election = models.Election{
		Definition: d, State: models.Counted, Fingerprint: er.Fingerprint,
		Withdrawn: er.Withdrawn, Extensions: er.Extensions, OpenedAt: er.OpenedAt, ClosedAt: er.ClosedAt,
	}
	if b.Election.ID == "" {
		return fmt.Errorf("it names no election")
	}
	// No election booth runs has more; a recount's cost grows with the
	// cube of their number.
	if n := len(d.Candidates); n > models.MaxCandidates {
		return fmt.Errorf("its definition has %d candidates; an election may have at most %d", n, models.MaxCandidates)
	}
	var err error
	if b.Result, b.resultRaw, err = readResult(doc.Result); err != nil {
		return err
	}
	if err := checkResult(b.Result); err != nil {
		return fmt.Errorf("its result %v", err)
	}
	b.CountedAt, b.PublishedAt = doc.CountedAt, doc.PublishedAt
	b.Turnout = models.Turnout{Voted: doc.Turnout.Voted, Electorate: doc.Turnout.Electorate}
	b.Voters = doc.Voters
	b.AuditSeq, b.AuditHead = doc.Audit.Seq, doc.Audit.Head
	if doc.LedgerPublished != d.PublishLedger {
		return fmt.Errorf("it says ledger_published is %v, but its definition says %v", doc.LedgerPublished, d.PublishLedger)
	}
	if !doc.LedgerPublished {
		if doc.Ledger != nil {
			return fmt.Errorf("it holds a ledger although ledger_published is false")
		}
		return nil
	}
	b.Ledger = make([]models.LedgerEntry, len(doc.Ledger))
	for i, l := range doc.Ledger {
		e, err := ledgerEntry(l)
		if err != nil {
			return fmt.Errorf("ledger entry %d: %v", i+1, err)
		}
		if i > 0 && strings.Compare(string(b.Ledger[i-1].ReceiptHash[:]), string(e.ReceiptHash[:])) >= 0 {
			return fmt.Errorf("ledger entry %d: not in receipt-hash order after entry %d", i+1, i)
		}
		b.Ledger[i] = e
	}
	if b.Format == FormatV1 {
		return nil
	}
	return checkCanonical(b.Election.Definition, b.Election.Withdrawn, b.Ledger)
}

// parseBallot reads a ledger ballot text. A v1 bundle wrote a blank ballot
// as empty text, which booth now refuses as input: it reads as "blank".
func (b *Bundle) parseBallot(text string) (models.Ballot, error) {
	if b.Format == FormatV1 && strings.TrimSpace(text) == "" {
		text = models.Ballot{}.Text()
	}
	return models.ParseBallot(b.Election.Definition, nil, text)
}

// ParseBallot reads a ballot text of the ledger (LedgerEntry.Ballot) as
// the recount reads it.
func (b *Bundle) ParseBallot(text string) (models.Ballot, error) { return b.parseBallot(text) }

func ledgerEntry(l ledgerRecord) (models.LedgerEntry, error) {
	var e models.LedgerEntry
	h, err := hex.DecodeString(l.ReceiptHash)
	if err != nil || len(h) != len(e.ReceiptHash) || hex.EncodeToString(h) != l.ReceiptHash {
		return e, fmt.Errorf("receipt_hash %q is not 64 lowercase hex digits", l.ReceiptHash)
	}
	copy(e.ReceiptHash[:], h)
	switch {
	case l.Status == statusCounted && l.Ballot != nil:
		e.Ballot = *l.Ballot
	case l.Status == statusReplaced && l.Ballot == nil:
		e.Replaced = true
	case l.Ballot == nil:
		return e, fmt.Errorf("status %q without a ballot: want %q with a ballot or %q without", l.Status, statusCounted, statusReplaced)
	default:
		return e, fmt.Errorf("status %q with a ballot: want %q with a ballot or %q without", l.Status, statusCounted, statusReplaced)
	}
	return e, nil
}

// SHA256 is the SHA-256 of the bundle as booth wrote it (its payload and
// its signature block), the hash publish prints and the audit log
// records. It does not change with what a copy may add that the checks
// ignore, such as a newline after the signature block.
func (b *Bundle) SHA256() [32]byte {
	h := sha256.New()
	h.Write(b.payload)
	h.Write(sshsig.Armor(b.sig))
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// Signer is the SHA256 fingerprint of the key the signature names (not yet
// checked: see Verify).
func (b *Bundle) Signer() string { return ssh.FingerprintSHA256(b.sig.PublicKey) }

// SignerKey is the key the signature names (not yet checked: see Verify),
// for the allowed_signers line a reader compares and saves.
func (b *Bundle) SignerKey() ssh.PublicKey { return b.sig.PublicKey }

// checkResult checks that every candidate a result refers to is one of
// its candidates and its tables have their shape, so that nothing reading
// a bundle from anyone can index out of range.
func checkResult(r *tally.Result) error {
	n := len(r.Candidates)
	if n > models.MaxCandidates {
		return fmt.Errorf("has %d candidates; an election may have at most %d", n, models.MaxCandidates)
	}
	lists := [][]int{r.Elected, r.Dropped}
	lists = append(lists, r.Order...)
	for _, round := range r.Rounds {
		if len(round.Totals) > n || len(round.Status) > n {
			return fmt.Errorf("round %d has more figures than the %d candidates", round.Number, n)
		}
		lists = append(lists, round.Elected, round.Excluded)
	}
	for _, t := range r.Ties {
		lists = append(lists, t.Candidates, []int{t.Chosen})
	}
	for _, l := range lists {
		for _, c := range l {
			if c < 0 || c >= n {
				return fmt.Errorf("names candidate %d of %d", c+1, n)
			}
		}
	}
	for _, m := range [][][]int64{r.Pairwise, r.Strength} {
		if m == nil {
			continue
		}
		if len(m) != n {
			return fmt.Errorf("has a %d-row table for %d candidates", len(m), n)
		}
		for _, row := range m {
			if len(row) != n {
				return fmt.Errorf("has a table row of %d for %d candidates", len(row), n)
			}
		}
	}
	return nil
}
