package models

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// The values of a definition: typed getters that report a wrong type at
// its line, the method options and the checks that span several keys.

// tomlType names a decoded TOML value's type for messages.
func tomlType(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case int64:
		return "a whole number"
	case float64:
		return "a decimal number"
	case bool:
		return "true or false"
	case time.Time:
		return "a date or time"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "a list of tables"
	case []any:
		return "a list"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// get returns t's key if present and of type T, reporting a wrong type.
func get[T any](p *defParser, t tbl, key, want string) (T, bool) {
	var zero T
	v, ok := t.m[key]
	if !ok {
		return zero, false
	}
	x, ok := v.(T)
	if !ok {
		p.at(t.key(key), "%s must be %s, not %s", t.name(key), want, tomlType(v))
	}
	return x, ok
}

func (p *defParser) str(t tbl, key string) (string, bool) {
	return get[string](p, t, key, "a string")
}

// required is str for a key that must be present and not empty.
func (p *defParser) required(t tbl, key string) (string, bool) {
	if _, ok := t.m[key]; !ok {
		where := "the file"
		if t.path != "" {
			where = fmt.Sprintf("this [%s] table", t.schema)
			if t.schema == "candidate" {
				where = "this [[candidate]]"
			}
		}
		p.at(t.path, "%s is missing from %s", t.name(key), where)
		return "", false
	}
	s, ok := p.str(t, key)
	if ok && strings.TrimSpace(s) == "" {
		p.at(t.key(key), "%s must not be empty", t.name(key))
		return "", false
	}
	return s, ok
}

func (p *defParser) integer(t tbl, key string) (int64, bool) {
	return get[int64](p, t, key, "a whole number")
}

func (p *defParser) boolean(t tbl, key string) bool {
	b, _ := get[bool](p, t, key, "true or false")
	return b
}

// table returns a sub-table, checking its keys.
func (p *defParser) table(root tbl, key string) (tbl, bool) {
	m, ok := get[map[string]any](p, root, key, "a table")
	if !ok {
		return tbl{}, false
	}
	t := tbl{path: key, schema: key, m: m}
	p.unknown(t, key)
	return t, true
}

// when reads a time that must carry its zone: a TOML offset date-time or
// an RFC 3339 string. A local date-time would mean a different instant on
// every officer's machine, so it is refused. The time is returned in UTC.
func (p *defParser) when(t tbl, key string, required bool) (time.Time, bool) {
	v, ok := t.m[key]
	if !ok {
		if required {
			p.at(t.path, "%s is missing from the file: write e.g. %s = 2026-05-01T09:00:00Z", t.name(key), key)
		}
		return time.Time{}, false
	}
	hint := fmt.Sprintf("write it with a zone, e.g. %s = 2026-05-01T09:00:00Z or 2026-05-01T11:00:00+02:00", key)
	switch v := v.(type) {
	case time.Time:
		switch v.Location().String() {
		case "datetime-local", "date-local", "time-local":
			p.at(t.key(key), "%s has no time zone: %s", t.name(key), hint)
			return time.Time{}, false
		}
		return v.UTC(), true
	case string:
		if v == "now" || strings.HasPrefix(v, "+") {
			return p.relative(t, key, v)
		}
		at, err := time.Parse(time.RFC3339, v)
		if err == nil {
			return at.UTC(), true
		}
		if _, err2 := time.Parse("2006-01-02T15:04:05", v); err2 == nil {
			p.at(t.key(key), "%s has no time zone: %s", t.name(key), hint)
		} else {
			p.at(t.key(key), "%s %q is not an RFC 3339 time: %s", t.name(key), v, hint)
		}
		return time.Time{}, false
	default:
		p.at(t.key(key), "%s must be a date and time, not %s: %s", t.name(key), tomlType(v), hint)
		return time.Time{}, false
	}
}

// relative reads a time relative to when the file is read: "now", or "+"
// and a period as quorum.extend takes it.
func (p *defParser) relative(t tbl, key, v string) (time.Time, bool) {
	if p.now.IsZero() {
		p.at(t.key(key), "%s %q: a time relative to now is taken only when booth election create or edit reads the file", t.name(key), v)
		return time.Time{}, false
	}
	if v == "now" {
		return p.now, true
	}
	d, err := parseExtend(strings.TrimPrefix(v, "+"))
	if err != nil {
		p.at(t.key(key), "%s %q: %v (a time relative to now is \"now\" or \"+\" and a period, e.g. \"+1h\" or \"+14d\")", t.name(key), v, err)
		return time.Time{}, false
	}
	return p.now.Add(d), true
}

// quorum reads the turnout quorum: [quorum] percent, and extend, the
// period the close moves on by while the quorum is not met.
func (p *defParser) quorum(root tbl, d *Definition) {
	t, ok := p.table(root, "quorum")
	if !ok {
		return
	}
	if _, ok := t.m["percent"]; !ok {
		p.at("quorum", "quorum.percent is missing from this [quorum] table: write e.g. percent = 50")
	} else if n, ok := p.integer(t, "percent"); ok {
		if n < 0 || n > 100 {
			p.at("quorum.percent", "quorum.percent must be between 0 and 100, not %d", n)
		} else {
			d.Quorum.Percent = int(n)
		}
	}
	s, ok := p.str(t, "extend")
	if !ok {
		return
	}
	ext, err := parseExtend(s)
	switch {
	case err != nil:
		p.at("quorum.extend", "quorum.extend %q: %v", s, err)
	case d.Quorum.Percent == 0:
		p.at("quorum.extend", "quorum.extend needs a quorum: set quorum.percent above 0")
	default:
		d.Quorum.Extend = ext
	}
}

// parseExtend reads a period: Go's durations ("72h", "90m") or whole days
// ("3d"), from one minute to a year.
func parseExtend(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf(`not a period: write e.g. "72h" or "3d"`)
		}
		d = time.Duration(min(max(n, -1), 400)) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf(`not a period: write e.g. "72h" or "3d"`)
		}
	}
	if d < time.Minute || d > 365*24*time.Hour {
		return 0, fmt.Errorf("must be between 1 minute and 365 days")
	}
	return d, nil
}

// electorate reads who may vote: every active member, or those who joined
// before a time.
func (p *defParser) electorate(root tbl, d *Definition) {
	if t, ok := p.table(root, "electorate"); ok {
		d.JoinedBefore, _ = p.when(t, "joined_before", false)
		p.memberFor(t, d)
	}
}

// methodOptions reads [schulze], [yesno] and [approval]; each belongs to
// its method only, so an option never silently does nothing.
func (p *defParser) methodOptions(root tbl, d *Definition) {
	for _, name := range []string{"schulze", "yesno", "approval"} {
		if _, ok := root.m[name]; ok && slices.Contains(tally.Methods(), d.Method) && string(d.Method) != name {
			p.at(name, "[%s] applies only to method = %q; this election's method is %q", name, name, d.Method)
		}
	}
	if t, ok := p.table(root, "schulze"); ok {
		d.DefaultOption, _ = p.str(t, "default_option")
		if n, ok := p.integer(t, "option_quorum"); ok {
			if n < 0 {
				p.at("schulze.option_quorum", "schulze.option_quorum must not be negative, not %d", n)
			}
			d.OptionQuorum = n
		}
		if s, ok := p.str(t, "majority"); ok {
			r, err := parseRatio(s)
			if err == nil && r.Num < r.Den {
				err = fmt.Errorf("is below 1:1; a required majority is 1:1 or more, e.g. 3:1")
			}
			if err != nil {
				p.at("schulze.majority", "schulze.majority %q %v", s, err)
			}
			d.Majority = r
		}
		if d.DefaultOption == "" && (d.OptionQuorum > 0 || d.Majority.Num != d.Majority.Den) {
			p.at("schulze", "an option quorum or required majority needs schulze.default_option, the option others are measured against")
		}
	}
	if t, ok := p.table(root, "yesno"); ok {
		if s, ok := p.str(t, "pass_ratio"); ok {
			r, err := parseRatio(s)
			if err == nil && (r.Num == 0 || r.Num > r.Den) {
				err = fmt.Errorf("must be above 0 and at most 1:1, e.g. 2:3 for two thirds")
			}
			if err != nil {
				p.at("yesno.pass_ratio", "yesno.pass_ratio %q %v", s, err)
			}
			d.PassRatio = r
		}
	}
	if t, ok := p.table(root, "approval"); ok {
		if n, ok := p.integer(t, "max_choices"); ok {
			if n < 0 {
				p.at("approval.max_choices", "approval.max_choices must not be negative, not %d (0 means any number)", n)
			}
			d.MaxChoices = int(min(max(n, -1), MaxCandidates+1))
		}
	}
}

// parseRatio reads N:M.
func parseRatio(s string) (tally.Ratio, error) {
	num, den, ok := strings.Cut(s, ":")
	n, err1 := strconv.ParseInt(strings.TrimSpace(num), 10, 32)
	m, err2 := strconv.ParseInt(strings.TrimSpace(den), 10, 32)
	if !ok || err1 != nil || err2 != nil || n < 0 || m <= 0 {
		return tally.Ratio{}, fmt.Errorf("is not a ratio: write two whole numbers N:M, e.g. 2:3")
	}
	return tally.Ratio{Num: n, Den: m}, nil
}

// recipients reads the officers' SSH public keys to seal ballots to,
// instead of a generated tally key. age can seal only to Ed25519 and RSA
// keys; RSA under 2048 bits is refused as for members' keys.
func (p *defParser) recipients(root tbl, d *Definition) {
	list, ok := get[[]any](p, root, "recipients", "a list of SSH public keys")
	if !ok {
		return
	}
	for i, v := range list {
		at := fmt.Sprintf("recipients[%d]", i)
		s, ok := v.(string)
		if !ok {
			p.at(at, "each recipient must be a string holding an SSH public key, not %s", tomlType(v))
			continue
		}
		s = strings.TrimSpace(s)
		if err := checkRecipient(s); err != nil {
			p.at(at, "recipient %d: %v", i+1, err)
			continue
		}
		if slices.Contains(d.Recipients, s) {
			p.at(at, "recipient %d is listed twice", i+1)
			continue
		}
		d.Recipients = append(d.Recipients, s)
	}
}

func checkRecipient(s string) error {
	if err := safetext.Check("recipient", s); err != nil {
		return err
	}
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(s))
	switch {
	case err != nil:
		return fmt.Errorf("not an SSH public key line (ssh-ed25519 AAAA… or ssh-rsa AAAA…)")
	case len(options) > 0 || len(rest) > 0:
		return fmt.Errorf("give one key, without authorized_keys options")
	case key.Type() != ssh.KeyAlgoED25519 && key.Type() != ssh.KeyAlgoRSA:
		return fmt.Errorf("%s keys cannot seal ballots: use an ssh-ed25519 or ssh-rsa key", key.Type())
	}
	if ck, ok := key.(ssh.CryptoPublicKey); ok {
		if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); ok && rk.N.BitLen() < 2048 {
			return fmt.Errorf("RSA key of %d bits; at least 2048 are needed", rk.N.BitLen())
		}
	}
	if _, err := agessh.ParseRecipient(s); err != nil {
		return fmt.Errorf("age cannot seal to this key")
	}
	return nil
}

// crossChecks applies the rules that involve several keys: the candidates
// a method needs, and seats against candidates.
func (p *defParser) crossChecks(root tbl, d *Definition) {
	_, listed := root.m["candidate"]
	switch {
	case d.Method == tally.YesNo && !listed:
		d.Candidates = slices.Clone(yesNoAnswers)
	case d.Method == tally.YesNo:
		ids := make([]string, len(d.Candidates))
		for i, c := range d.Candidates {
			ids[i] = c.ID
		}
		if s := strings.Join(ids, ","); s != "yes,no" && s != "yes,no,abstain" {
			p.at("candidate", "a yes/no question's candidates must have the ids yes, no and optionally abstain, in that order (or leave out [[candidate]] to get all three)")
		}
	case !listed && d.Nominations != nil:
		// The nominations make the candidates.
	case !listed:
		p.add(0, "no candidates: add a [[candidate]] table with id and name for each")
	}
	n := len(d.Candidates)
	_, seatsSet := root.m["seats"]
	switch {
	case d.Seats < 1 || !slices.Contains(tally.Methods(), d.Method):
		// Already reported.
	case d.Method == tally.YesNo && d.Seats != 1:
		p.at("seats", "a yes/no question has 1 seat, not %d", d.Seats)
	case d.Method == tally.IRV && d.Seats > 1:
		p.at("seats", "instant runoff fills 1 seat, not %d: use meek or scottish STV for several seats", d.Seats)
	case d.Method == tally.YesNo || n == 0 || d.Seats < n:
	case seatsSet:
		p.at("seats", "%d seats need more than %d candidates: with %d, every candidate is elected unopposed", d.Seats, n, n)
	default:
		p.at("candidate", "a single candidate would be elected unopposed: add candidates, or ask a yes/no question")
	}
	if d.DefaultOption != "" && !slices.ContainsFunc(d.Candidates, func(c Candidate) bool { return c.ID == d.DefaultOption }) {
		p.at("schulze.default_option", "schulze.default_option %q is not the id of a candidate", d.DefaultOption)
	}
}

// Fingerprint is the election fingerprint, recorded when it opens: the
// SHA-256, in hex, of "booth-definition-v1\n" followed by the definition
// encoded as JSON by encoding/json — the fields of Definition in their
// declared order, times in UTC as RFC 3339, Extend in nanoseconds, and
// empty lists as null. The encoding depends only on the values, so anyone
// holding the published definition can recompute it; a change to any
// field, a candidate's statement included, changes the fingerprint. It
// is empty if the definition cannot be encoded (see below).
func (d Definition) Fingerprint() string {
	d.OpensAt, d.ClosesAt, d.JoinedBefore = d.OpensAt.UTC(), d.ClosesAt.UTC(), d.JoinedBefore.UTC()
	if d.Nominations != nil {
		r := *d.Nominations
		r.Opens, r.Closes = r.Opens.UTC(), r.Closes.UTC()
		d.Nominations = &r
	}
	if len(d.Candidates) == 0 {
		d.Candidates = nil
	}
	if len(d.Recipients) == 0 {
		d.Recipients = nil
	}
	data, err := json.Marshal(d)
	if err != nil {
		// Only a time outside the years 0–9999 fails to encode, which
		// ParseDefinition never yields; an empty fingerprint shows it.
		return ""
	}
	h := sha256.New()
	h.Write([]byte("booth-definition-v1\n"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// CheckWithdrawal says whether candidate id may be withdrawn from an
// election whose withdrawn candidates are already withdrawn: it must be a
// candidate, not yet withdrawn, not an answer of a yes/no question nor
// Schulze's default option (the count measures others against it), and
// enough candidates must stay standing to fill the seats.
func (d Definition) CheckWithdrawal(withdrawn []string, id string) error {
	c := d.candidate(id)
	switch {
	case c == nil:
		return fmt.Errorf("%w: %q is not a candidate of election %s (its candidates: %s)", ErrNotFound, id, d.ID, d.candidateIDs())
	case slices.Contains(withdrawn, id):
		return fmt.Errorf("%w: %s (%s) is withdrawn already", ErrExists, id, c.Name)
	case d.Method == tally.YesNo:
		return fmt.Errorf("the answers of a yes/no question cannot be withdrawn")
	case id == d.DefaultOption:
		return fmt.Errorf("%s is the default option, which the other options are measured against; it cannot be withdrawn", id)
	}
	if standing := len(d.Candidates) - len(withdrawn) - 1; standing < d.Seats {
		return fmt.Errorf("withdrawing %s would leave %d standing for %s", id, standing, seats(d.Seats))
	}
	return nil
}
