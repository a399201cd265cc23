package models

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// Limits on what a member list may hold.
const (
	maxMemberIDLen   = 64
	maxMemberNameLen = 200     // characters
	maxEmailLen      = 254     // bytes, as in RFC 5321
	maxMemberFile    = 1 << 25 // 32 MiB: some 200,000 members with a key each
)

// CheckMemberID checks a member ID. IDs are 1–64 characters of lower-case
// ASCII letters, digits, '.', '_' and '-', starting with a letter or digit
// (e.g. "alice", "j.doe-2"): safe in file names, logs and the command line,
// and never two spellings of the same ID.
func CheckMemberID(id string) error {
	rule := i18n.Textf("a member id is 1–64 characters of a–z, 0–9, '.', '_' and '-', starting with a letter or digit")
	switch {
	case id == "":
		return i18n.Errorf("member id is empty: %s", rule)
	case len(id) > maxMemberIDLen:
		return i18n.Errorf("member id is %d characters long: %s", utf8.RuneCountInString(id), rule)
	}
	for i, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '.' || r == '_' || r == '-') && i > 0:
		case r >= 'A' && r <= 'Z':
			return i18n.Errorf("member id %q has upper-case letters: write it in lower case (%s)", id, rule)
		default:
			return i18n.Errorf("member id %q contains %q: %s", id, r, rule)
		}
	}
	return nil
}

// CheckMemberName checks a member's name, shown to the member and to the
// officers: text without control, escape or bidi characters
// (safetext.Check), at most 200 characters.
func CheckMemberName(name string) error {
	if err := safetext.Check("member name", name); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(name); n > maxMemberNameLen {
		return fmt.Errorf("member name is %d characters long: at most %d", n, maxMemberNameLen)
	}
	return nil
}

// CheckEmail checks an e-mail address loosely, as officers type them: one
// '@' with text on both sides, no spaces, nothing safetext.Check refuses.
// booth sends no mail; the address only helps officers reach the member.
func CheckEmail(email string) error {
	if err := safetext.Check("e-mail address", email); err != nil {
		return err
	}
	local, domain, ok := strings.Cut(email, "@")
	switch {
	case len(email) > maxEmailLen:
		return fmt.Errorf("e-mail address is %d bytes long: at most %d", len(email), maxEmailLen)
	case strings.ContainsFunc(email, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '<' || r == '>' }):
		return fmt.Errorf("e-mail address %q contains spaces, commas or '<': give the bare address, like name@example.org", email)
	case !ok || local == "" || domain == "" || strings.Contains(domain, "@"):
		return fmt.Errorf("e-mail address %q is not of the form name@example.org", email)
	}
	return nil
}

// MemberFile is a member list read for import: the members, and where each
// member and key was written, so that checks against the store (an ID or a
// key already registered) can name the line too.
type MemberFile struct {
	Name    string
	Members []Member
	// MemberLine maps a member ID to the line where the member starts.
	MemberLine map[string]int
	// KeyLine maps a key fingerprint to its line.
	KeyLine map[string]int
}

// Keys counts the keys in the file.
func (f *MemberFile) Keys() int {
	n := 0
	for _, m := range f.Members {
		n += len(m.Keys)
	}
	return n
}

// ReadMemberFile reads a member list for `booth member import`, in CSV or
// TOML (by the extension of name, .csv or .toml, else by the content):
//
//	# CSV: a header, then one row per key; rows with the same id add keys.
//	id,name,email,key
//	alice,Alice Liddell,alice@example.org,ssh-ed25519 AAAA… alice@laptop
//	alice,Alice Liddell,alice@example.org,ssh-ed25519 AAAA… alice@desktop
//
//	# TOML: one [[member]] table per member.
//	[[member]]
//	id = "alice"
//	name = "Alice Liddell"
//	email = "alice@example.org"   # optional
//	keys = ["ssh-ed25519 AAAA… alice@laptop"]
//
// The file is taken whole or not at all: every problem (a bad id, name,
// e-mail or key, a key listed twice, a member listed twice with different
// data, a member without a key) is reported with its line in one
// *ValidationError. A UTF-8 byte order mark, CRLF line ends, blank lines
// and # comments are fine. Members come back active, in file order, with
// the line where each member and key was written.
func ReadMemberFile(name string, r io.Reader) (*MemberFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMemberFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxMemberFile {
		return nil, &ValidationError{File: name, Problems: []Problem{{Msg: fmt.Sprintf(
			"larger than %d MiB: split the list and import it in parts", maxMemberFile>>20)}}}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	var rows []memberRow
	var problems []Problem
	switch detectFormat(name, text) {
	case "csv":
		rows, problems = readMembersCSV(text)
	case "toml":
		rows, problems = readMembersTOML(text)
	default:
		problems = []Problem{{Msg: "cannot tell whether this is CSV or TOML: name the file .csv or .toml"}}
	}
	f, more := collectMembers(name, rows)
	problems = append(problems, more...)
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &ValidationError{File: name, Problems: problems}
	}
	return f, nil
}

// memberRow is one member as a file wrote it, before validation: a CSV
// row or a TOML table, with the lines of its fields.
type memberRow struct {
	line                        int // where the row or table starts
	id, name, email             string
	idLine, nameLine, emailLine int
	keys                        []keyText
	// joined and goodUntil are the TOML list's joined_at and
	// good_standing_until; zero when not given.
	joined, goodUntil time.Time
}

// keyText is a key as written, and its line.
type keyText struct {
	line int
	text string
}

var tomlAssignment = regexp.MustCompile(`^\s*("?[A-Za-z0-9_.-]+"?\s*=|\[)`)

// detectFormat tells CSV from TOML: by the file's extension, else by its
// first line that is neither blank nor a comment.
func detectFormat(name, text string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "csv"
	case ".toml":
		return "toml"
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case tomlAssignment.MatchString(line):
			return "toml"
		case strings.Contains(line, ","):
			return "csv"
		}
		return ""
	}
	return ""
}

// csvColumns are the columns a member CSV may have; email is optional.
var csvColumns = map[string]bool{"id": true, "name": true, "email": true, "key": true}

// readMembersCSV reads the rows of a member CSV. A syntax error (a stray
// quote) ends the reading, since what follows cannot be trusted to be
// split right.
func readMembersCSV(text string) ([]memberRow, []Problem) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, []Problem{{Msg: "empty: the first line must be the header id,name,email,key"}}
	}
	if err != nil {
		return nil, []Problem{csvProblem(err)}
	}
	hl, _ := cr.FieldPos(0)
	col := map[string]int{}
	var problems []Problem
	if !slices.ContainsFunc(header, func(h string) bool { return csvColumns[strings.ToLower(strings.TrimSpace(h))] }) {
		return nil, []Problem{{Line: hl, Msg: "no header: the first line must name the columns, id,name,email,key (email optional)"}}
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !csvColumns[h] {
			problems = append(problems, Problem{Line: hl, Msg: fmt.Sprintf("unknown column %q: the header is id,name,email,key (email optional)", h)})
		} else if _, dup := col[h]; dup {
			problems = append(problems, Problem{Line: hl, Msg: fmt.Sprintf("column %q appears twice in the header", h)})
		}
		col[h] = i
	}
	for _, need := range []string{"id", "name", "key"} {
		if _, ok := col[need]; !ok {
			problems = append(problems, Problem{Line: hl, Msg: fmt.Sprintf("the header has no %q column: the first line must be id,name,email,key", need)})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var rows []memberRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rows, append(problems, csvProblem(err))
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		if len(rec) != len(header) {
			problems = append(problems, Problem{Line: line, Msg: fmt.Sprintf(
				"%d fields where the header has %d: quote a field that holds a comma (\"…\")", len(rec), len(header))})
			continue
		}
		cell := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rows = append(rows, memberRow{
			line: line, id: cell("id"), name: cell("name"), email: cell("email"),
			idLine: line, nameLine: line, emailLine: line,
			keys: []keyText{{line, cell("key")}},
		})
	}
	return rows, problems
}

// blankRecord reports a row of empty cells, or an indented comment (which
// encoding/csv only recognises at the start of a line; no id starts with #).
func blankRecord(rec []string) bool {
	if strings.HasPrefix(strings.TrimSpace(rec[0]), "#") {
		return true
	}
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func csvProblem(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{Line: pe.Line, Msg: fmt.Sprintf("%v: a field with quotes or commas must be quoted whole, with inner quotes doubled (\"\")", pe.Err)}
	}
	return Problem{Msg: err.Error()}
}

// collectMembers validates rows and merges those of the same member. It
// returns the members and every problem found.
func collectMembers(name string, rows []memberRow) (*MemberFile, []Problem) {
	f := &MemberFile{Name: name, MemberLine: map[string]int{}, KeyLine: map[string]int{}}
	var problems []Problem
	add := func(line int, format string, args ...any) {
		problems = append(problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	index := map[string]int{}    // member ID → index in f.Members
	owner := map[string]string{} // fingerprint → member ID
	looks := newMemberLooks()
	refusedLooks := map[string]bool{} // member IDs refused as look-alikes, reported once
	for _, row := range rows {
		ok := true
		for _, c := range []struct {
			line int
			err  error
		}{{row.idLine, CheckMemberID(row.id)}, {row.nameLine, CheckMemberName(row.name)}, {row.emailLine, checkOptionalEmail(row.email)}} {
			if c.err != nil {
				add(c.line, "%v", c.err)
				ok = false
			}
		}
		if _, seen := index[row.id]; ok && !seen && !refusedLooks[row.id] {
			if msg := looks.add(row.id, row.name, fmt.Sprintf(" (member %s, line %d)", row.id, row.line)); msg != "" {
				add(row.line, "%s", msg)
				refusedLooks[row.id] = true
			}
		}
		ok = ok && !refusedLooks[row.id]
		var m *Member
		if ok {
			i, seen := index[row.id]
			if !seen {
				i = len(f.Members)
				index[row.id] = i
				f.MemberLine[row.id] = row.line
				f.Members = append(f.Members, Member{ID: row.id, Name: row.name, Email: row.email, Status: Active,
					Joined: row.joined, GoodUntil: row.goodUntil})
			}
			m = &f.Members[i]
			if seen && (m.Name != row.name || m.Email != row.email) {
				add(row.line, "member %s is listed again (first on line %d) with a different name or e-mail (%q <%s> here, %q <%s> there): make them the same",
					row.id, f.MemberLine[row.id], row.name, row.email, m.Name, m.Email)
				m = nil
			}
		}
		// Keys are checked even when the member is not, so that every
		// problem is reported at once.
		label := fmt.Sprintf("the member with id %q", row.id)
		if CheckMemberID(row.id) == nil {
			label = "member " + row.id
		}
		for _, kt := range row.keys {
			k, err := ParseKey(kt.text)
			if err != nil {
				add(kt.line, "%s: %v", label, err)
				continue
			}
			if other, dup := owner[k.Fingerprint]; dup {
				add(kt.line, "%s: the same key (%s) is listed for %s on line %d: a key belongs to one member",
					label, k.Fingerprint, other, f.KeyLine[k.Fingerprint])
				continue
			}
			owner[k.Fingerprint] = label
			f.KeyLine[k.Fingerprint] = kt.line
			if m != nil {
				m.Keys = append(m.Keys, k)
			}
		}
	}
	for _, m := range f.Members {
		if len(m.Keys) == 0 && !hasProblemFor(problems, m.ID) {
			add(f.MemberLine[m.ID], "member %s has no key: give the member's SSH public key", m.ID)
		}
	}
	return f, problems
}

// hasProblemFor reports whether a problem was already found with one of a
// member's keys, so a member whose only key was refused is not also told
// it has none.
func hasProblemFor(problems []Problem, id string) bool {
	for _, p := range problems {
		if strings.HasPrefix(p.Msg, "member "+id+":") {
			return true
		}
	}
	return false
}

func checkOptionalEmail(email string) error {
	if email == "" {
		return nil
	}
	return CheckEmail(email)
}

// AddMember registers one member with their keys: active, joined when
// m.Joined says or now (UTC), good until m.GoodUntil or one term from now
// (termDefaults). It checks the member as an import would and refuses a key already
// registered to another member, naming that member.
func (s *Service) AddMember(ctx context.Context, m Member, actor string) error {
	var problems []string
	for _, err := range []error{CheckMemberID(m.ID), CheckMemberName(m.Name), checkOptionalEmail(m.Email)} {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(m.Keys) == 0 {
		problems = append(problems, "no key: give the member's SSH public key")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	if _, err := s.store.Member(ctx, m.ID); err == nil {
		return fmt.Errorf("member %s: %w: choose another id, or add a key with 'booth member key add'", m.ID, ErrExists)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	looks, err := s.registeredLooks(ctx)
	if err != nil {
		return err
	}
	if msg := looks.add(m.ID, m.Name, fmt.Sprintf(" (member %s)", m.ID)); msg != "" {
		return errors.New(msg)
	}
	if err := s.keysFree(ctx, m.ID, m.Keys); err != nil {
		return err
	}
	m.Status = Active
	if err := s.termDefaults(ctx, []*Member{&m}); err != nil {
		return err
	}
	return keyTakenHint(s.store.AddMember(ctx, m, actor))
}

// ImportMembers registers every member of f or none, all active, with
// their terms as the file gives them or by default (termDefaults). Members already registered and keys registered to someone
// else are reported together, with their lines in the file.
func (s *Service) ImportMembers(ctx context.Context, f *MemberFile, actor string) error {
	ve := &ValidationError{File: f.Name}
	looks, err := s.registeredLooks(ctx)
	if err != nil {
		return err
	}
	for _, m := range f.Members {
		if _, err := s.store.Member(ctx, m.ID); err == nil {
			ve.Problems = append(ve.Problems, Problem{Line: f.MemberLine[m.ID], Msg: fmt.Sprintf(
				"member %s is already registered: leave them out, or add keys with 'booth member key add'", m.ID)})
		} else if !errors.Is(err, ErrNotFound) {
			return err
		} else if msg := looks.add(m.ID, m.Name, fmt.Sprintf(" (member %s, line %d)", m.ID, f.MemberLine[m.ID])); msg != "" {
			ve.Problems = append(ve.Problems, Problem{Line: f.MemberLine[m.ID], Msg: msg})
		}
		for _, k := range m.Keys {
			if msg, err := s.keyOwner(ctx, m.ID, k); err != nil {
				return err
			} else if msg != "" {
				ve.Problems = append(ve.Problems, Problem{Line: f.KeyLine[k.Fingerprint], Msg: fmt.Sprintf("member %s: %s", m.ID, msg)})
			}
		}
	}
	if len(ve.Problems) > 0 {
		sort.SliceStable(ve.Problems, func(i, j int) bool { return ve.Problems[i].Line < ve.Problems[j].Line })
		return ve
	}
	ms := make([]Member, len(f.Members))
	ptrs := make([]*Member, len(f.Members))
	for i, m := range f.Members {
		m.Status = Active
		ms[i] = m
		ptrs[i] = &ms[i]
	}
	if err := s.termDefaults(ctx, ptrs); err != nil {
		return err
	}
	return keyTakenHint(s.store.ImportMembers(ctx, ms, actor))
}

// registeredLooks holds the ids and names of the registered members, so
// that a member added or imported cannot look the same as one of them
// (issue 10 item 8).
func (s *Service) registeredLooks(ctx context.Context) (*memberLooks, error) {
	ms, err := s.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	looks := newMemberLooks()
	for _, m := range ms {
		looks.put(m.ID, m.Name, fmt.Sprintf(" (member %s, registered)", m.ID))
	}
	return looks, nil
}

// AddKeys registers more keys for a member, refusing any key already
// registered (to them or to someone else) before adding any.
func (s *Service) AddKeys(ctx context.Context, id string, keys []Key, actor string) error {
	if _, err := s.store.Member(ctx, id); err != nil {
		return err
	}
	if err := s.keysFree(ctx, id, keys); err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.store.AddKey(ctx, id, k, actor); err != nil {
			return keyTakenHint(err)
		}
	}
	return nil
}

// keysFree checks that no key is registered yet, naming the owner of each
// that is.
func (s *Service) keysFree(ctx context.Context, id string, keys []Key) error {
	var problems []string
	for _, k := range keys {
		msg, err := s.keyOwner(ctx, id, k)
		if err != nil {
			return err
		}
		if msg != "" {
			problems = append(problems, msg)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// keyOwner says who already has key k, from the point of view of member
// id, or "" when nobody has.
func (s *Service) keyOwner(ctx context.Context, id string, k Key) (string, error) {
	owner, err := s.store.MemberByFingerprint(ctx, k.Fingerprint)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	case owner.ID == id:
		return fmt.Sprintf("key %s is already registered to member %s", k.Fingerprint, id), nil
	}
	return fmt.Sprintf("key %s is already registered to member %s (%q): a key belongs to one member; ask them for another key",
		k.Fingerprint, owner.ID, owner.Name), nil
}

// keyTakenHint explains ErrKeyTaken and ErrExists met in the store after
// the checks passed: somebody registered the same key or member meanwhile.
func keyTakenHint(err error) error {
	if errors.Is(err, ErrKeyTaken) || errors.Is(err, ErrExists) {
		return fmt.Errorf("%w (registered by another command meanwhile): check with 'booth member list' and try again", err)
	}
	return err
}
