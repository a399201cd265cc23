package models

import (
	"context"
	"crypto/elliptic"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestCheckMemberID(t *testing.T) {
	for _, id := range []string{"alice", "a", "j.doe-2", "0xcafe", "x_y", strings.Repeat("a", 64)} {
		if err := CheckMemberID(id); err != nil {
			t.Errorf("CheckMemberID(%q) = %v", id, err)
		}
	}
	for id, want := range map[string]string{
		"":                      "member id is empty",
		strings.Repeat("a", 65): "65 characters long",
		"Alice":                 "upper-case letters: write it in lower case",
		"-alice":                `contains '-'`,
		".hidden":               `contains '.'`,
		"al ice":                `contains ' '`,
		"al/ice":                `contains '/'`,
		"alïce":                 `contains 'ï'`,
		"al\x1bice":             `contains '\x1b'`,
		"al\u202eice":           `contains '\u202e'`,
	} {
		err := CheckMemberID(id)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "a–z, 0–9") {
			t.Errorf("CheckMemberID(%q) = %v, want %q and the rule", id, err, want)
		}
	}
}

func TestCheckEmailAndName(t *testing.T) {
	for _, ok := range []string{"a@b", "alice@example.org", "josé@例え.jp"} {
		if err := CheckEmail(ok); err != nil {
			t.Errorf("CheckEmail(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"alice":                          "not of the form",
		"@example.org":                   "not of the form",
		"alice@":                         "not of the form",
		"a@b@c":                          "not of the form",
		"Alice <a@b>":                    "give the bare address",
		"a@b,c@d":                        "give the bare address",
		"a\x1b@b":                        "U+001B",
		strings.Repeat("a", 252) + "@bc": "at most 254",
	} {
		if err := CheckEmail(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckEmail(%q) = %v, want %q", in, err, want)
		}
	}
	if err := CheckMemberName(strings.Repeat("é", 201)); err == nil || !strings.Contains(err.Error(), "at most 200") {
		t.Errorf("long name: %v", err)
	}
	if err := CheckMemberName("Ada\u202eecalovL"); err == nil || !strings.Contains(err.Error(), "member name contains the bidirectional control U+202E") {
		t.Errorf("bidi name: %v", err)
	}
}

func TestParseMembersCSV(t *testing.T) {
	a1, a2, b := edKey(t, "alice@laptop"), rsaKey(t, 2048), ecdsaKey(t, elliptic.P384())
	file := "\ufeff# exported from the member database\r\n" +
		"ID, Name ,key,email\r\n" +
		"alice,\"Liddell, Alice\"," + a1 + ",alice@example.org\r\n" +
		"\r\n" +
		"# Bob has no e-mail\r\n" +
		"bob,Bob Ó Briain,\"" + b + "\",\r\n" +
		"alice,\"Liddell, Alice\"," + a2 + ",alice@example.org\r\n"
	f, err := ReadMemberFile("members.csv", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Members) != 2 || f.Keys() != 3 {
		t.Fatalf("got %+v", f.Members)
	}
	alice, bob := f.Members[0], f.Members[1]
	if alice.ID != "alice" || alice.Name != "Liddell, Alice" || alice.Email != "alice@example.org" || alice.Status != Active ||
		len(alice.Keys) != 2 || alice.Keys[0].Comment != "alice@laptop" || alice.Keys[1].Type != "ssh-rsa" {
		t.Errorf("alice = %+v", alice)
	}
	if bob.ID != "bob" || bob.Name != "Bob Ó Briain" || bob.Email != "" || len(bob.Keys) != 1 {
		t.Errorf("bob = %+v", bob)
	}
	if f.MemberLine["alice"] != 3 || f.MemberLine["bob"] != 6 || f.KeyLine[alice.Keys[1].Fingerprint] != 7 {
		t.Errorf("lines %v %v", f.MemberLine, f.KeyLine)
	}
}

func TestParseMembersCSVRefuses(t *testing.T) {
	k1, k2 := edKey(t, ""), edKey(t, "")
	head := "id,name,email,key\n"
	tests := []struct {
		name, file string
		want       []Problem
	}{
		{"empty", "", []Problem{{0, "empty: the first line must be the header"}}},
		{"no header", "alice,Alice,a@b," + k1 + "\n", []Problem{{1, "no header: the first line must name the columns, id,name,email,key"}}},
		{"unknown column", "id,name,e-mail,key\n", []Problem{{1, `unknown column "e-mail"`}}},
		{"missing column", "name,key\n", []Problem{{1, `no "id" column`}}},
		{"column twice", "id,name,key,key\n", []Problem{{1, `column "key" appears twice`}}},
		{"bad ids", head + "Alice,A,," + k1 + "\n-bob,B,," + k2 + "\n,C,," + edKey(t, "") + "\n",
			[]Problem{{2, "upper-case"}, {3, `contains '-'`}, {4, "member id is empty"}}},
		{"names", head + "a,\"x\x1b[2J\",," + k1 + "\nb,Ev\u202eil,," + k2 + "\nc,   ,," + edKey(t, "") + "\n",
			[]Problem{{2, "member name contains the escape character U+001B"}, {3, "bidirectional control U+202E"}, {4, "member name is empty"}}},
		{"email", head + "a,A,not-an-address," + k1 + "\n", []Problem{{2, `e-mail address "not-an-address" is not of the form`}}},
		{"bad keys", head + "a,A,," + dsaKey() + "\nb,B,," + rsaKey(t, 1024) + "\nc,C,,\"command=\"\"ls\"\" " + k1 + "\"\nd,D,," + certKey(t) + "\n",
			[]Problem{{2, "member a: DSA"}, {3, "member b: RSA key of 1024 bits"}, {4, "member c: authorized_keys options"}, {5, "member d: an SSH certificate"}}},
		{"same key for two members", head + "a,A,," + k1 + "\nb,B,," + k2 + "\nc,C,," + strings.TrimSpace(k1) + " copy\n",
			[]Problem{{4, "member c: the same key (SHA256:"}}},
		{"same key twice for one member", head + "a,A,," + k1 + "\na,A,," + k1 + "\n", []Problem{{3, "is listed for member a on line 2"}}},
		{"conflicting rows", head + "a,Alice,a@x," + k1 + "\na,Alicia,a@x," + k2 + "\n",
			[]Problem{{3, `member a is listed again (first on line 2) with a different name or e-mail ("Alicia" <a@x> here, "Alice" <a@x> there)`}}},
		{"no key", head + "a,A,,\n", []Problem{{2, "member a: no key: give an SSH public key"}}},
		{"field count", head + "a,A," + k1 + "\n", []Problem{{2, "3 fields where the header has 4"}}},
		{"stray quote", head + "a,A \"the\" B,," + k1 + "\nb,B,," + k2 + "\n", []Problem{{2, "bare \" in non-quoted-field: a field with quotes or commas must be quoted whole"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := parseMembers("m.csv", strings.NewReader(tt.file))
			var ve *ValidationError
			if !errors.As(err, &ve) || ms != nil {
				t.Fatalf("parseMembers = %v, %v; want a *ValidationError", ms, err)
			}
			if ve.File != "m.csv" {
				t.Errorf("File = %q", ve.File)
			}
			checkProblems(t, ve, tt.want)
		})
	}
}

// The duplicate-key message names both members and both lines.
func TestParseMembersDuplicateKeyMessage(t *testing.T) {
	k := edKey(t, "")
	_, err := parseMembers("m.csv", strings.NewReader("id,name,key\nann,Ann,"+k+"\n\nbea,Bea,"+k+"\n"))
	want := "m.csv:4: member bea: the same key (SHA256:"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "is listed for member ann on line 2: a key belongs to one member") {
		t.Errorf("got %v", err)
	}
}

func TestParseMembersTOML(t *testing.T) {
	a1, a2, b := edKey(t, "a1"), edKey(t, "a2"), edKey(t, "")
	file := "\ufeff# members\r\n" +
		"[[member]]\r\n" +
		"id = \"alice\"\r\n" +
		"name = \"Alice Liddell\"   # as on the register\r\n" +
		"email = \"alice@example.org\"\r\n" +
		"keys = [\r\n" +
		"  \"" + a1 + "\",\r\n" +
		"\r\n" +
		"  \"" + a2 + "\",\r\n" +
		"]\r\n" +
		"\r\n" +
		"[[member]]\r\n" +
		"name = 'Bob'\r\n" +
		"id = 'bob'\r\n" +
		"keys = ['" + b + "']\r\n"
	f, err := ReadMemberFile("members.toml", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Members) != 2 || f.Keys() != 3 || f.Members[0].Name != "Alice Liddell" || f.Members[0].Keys[1].Comment != "a2" || f.Members[1].ID != "bob" {
		t.Fatalf("got %+v", f.Members)
	}
	if f.MemberLine["alice"] != 2 || f.MemberLine["bob"] != 12 || f.KeyLine[f.Members[0].Keys[0].Fingerprint] != 7 ||
		f.KeyLine[f.Members[0].Keys[1].Fingerprint] != 9 || f.KeyLine[f.Members[1].Keys[0].Fingerprint] != 15 {
		t.Errorf("lines %v %v", f.MemberLine, f.KeyLine)
	}
	// Found by content, without the extension; an inline array works too.
	ms, err := parseMembers("members.txt", strings.NewReader(`member = [{ id = "c", name = "C", keys = ["`+b+`"] }]`))
	if err != nil || len(ms) != 1 || ms[0].ID != "c" {
		t.Errorf("inline array: %+v, %v", ms, err)
	}
}

func TestParseMembersTOMLRefuses(t *testing.T) {
	k1, k2 := edKey(t, ""), edKey(t, "")
	member := func(id, name, keys string) string {
		return fmt.Sprintf("[[member]]\nid = %q\nname = %q\nkeys = [%s]\n", id, name, keys)
	}
	tests := []struct {
		name, file string
		want       []Problem
	}{
		{"syntax", "[[member]]\nid = \"a\nname = \"A\"\n", []Problem{{2, "TOML syntax"}}},
		{"duplicate key in table", "[[member]]\nid = \"a\"\nid = \"b\"\n", []Problem{{3, "TOML syntax: Key 'member.id' has already been defined"}}},
		{"nothing", "# empty\n", []Problem{{0, "no [[member]] table"}}},
		{"single table", "[member]\nid = \"a\"\n", []Problem{{1, "write [[member]], with two brackets"}}},
		{"unknown keys", "title = \"x\"\n" + member("a", "A", `"`+k1+`"`) + "emial = \"a@b\"\nkey = \"" + k2 + "\"\n",
			[]Problem{{1, `unknown key "title"`}, {6, `unknown key "emial"`}, {7, `unknown key "key"`}}},
		{"wrong types", "[[member]]\nid = 5\nname = [\"A\"]\nkeys = \"" + k1 + "\"\n[[member]]\nid = \"b\"\nname = \"B\"\nkeys = [1]\n",
			[]Problem{{2, "id must be a string"}, {3, "name must be a string"}, {4, "keys must be a list of keys"}, {8, "keys must be a list of strings"}}},
		{"missing fields", "[[member]]\nemail = \"a@b\"\nkeys = [\"" + k1 + "\"]\n", []Problem{{1, "has no id"}, {1, "has no name"}}},
		{"bad values", "[[member]]\nid = \"A\"\nname = \"A\"\nkeys=[\"" + k1 + "\"]\n[[member]]\nid = \"b\"\nname = \"\\u001b]0;x\"\nemail = \"nope\"\nkeys = [\n\"" + k2 + "\",\n\"" + dsaKey() + "\",\n]\n",
			[]Problem{{2, "upper-case"}, {7, "member name contains the escape character"}, {8, "e-mail address"}, {11, "member b: DSA"}}},
		{"no keys", member("a", "A", ""), []Problem{{1, "member a has no key"}}},
		{"same key twice", member("a", "A", `"`+k1+`"`) + "\n" + member("b", "B", `"`+k2+`", "`+k1+`"`),
			[]Problem{{9, "member b: the same key (SHA256:"}}},
		{"conflicting tables", member("a", "A", `"`+k1+`"`) + member("a", "Ann", `"`+k2+`"`),
			[]Problem{{5, "member a is listed again (first on line 1)"}}},
		{"undetectable", "alice\n", []Problem{{0, "cannot tell whether this is CSV or TOML"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "m.toml"
			if tt.name == "undetectable" {
				name = "members"
			}
			ms, err := parseMembers(name, strings.NewReader(tt.file))
			var ve *ValidationError
			if !errors.As(err, &ve) || ms != nil {
				t.Fatalf("parseMembers = %v, %v; want a *ValidationError", ms, err)
			}
			checkProblems(t, ve, tt.want)
		})
	}
}

// The same member in two tables with the same name adds keys, as in CSV.
func TestParseMembersTOMLMerges(t *testing.T) {
	k1, k2 := edKey(t, ""), edKey(t, "")
	ms, err := parseMembers("m.toml", strings.NewReader(
		"[[member]]\nid='a'\nname='A'\nkeys=['"+k1+"']\n[[member]]\nid='a'\nname='A'\nkeys=['"+k2+"']\n"))
	if err != nil || len(ms) != 1 || len(ms[0].Keys) != 2 {
		t.Errorf("got %+v, %v", ms, err)
	}
}

// memStore keeps members in memory for the Service's member methods; the
// other Store methods are not used here (calling one panics).
type memStore struct {
	Store
	members map[string]Member
}

func (s *memStore) Member(_ context.Context, id string) (Member, error) {
	if m, ok := s.members[id]; ok {
		return m, nil
	}
	return Member{}, ErrNotFound
}

func (s *memStore) MemberByFingerprint(_ context.Context, fp string) (Member, error) {
	for _, m := range s.members {
		for _, k := range m.Keys {
			if k.Fingerprint == fp {
				return m, nil
			}
		}
	}
	return Member{}, ErrNotFound
}

func (s *memStore) AddMember(_ context.Context, m Member, _ string) error {
	s.members[m.ID] = m
	return nil
}

func (s *memStore) ImportMembers(_ context.Context, ms []Member, _ string) error {
	for _, m := range ms {
		s.members[m.ID] = m
	}
	return nil
}

// Foundation: memberships here do not expire.
func (s *memStore) Foundation(context.Context) (Foundation, error) { return Foundation{}, nil }

func (s *memStore) AddKey(_ context.Context, id string, k Key, _ string) error {
	m := s.members[id]
	m.Keys = append(m.Keys, k)
	s.members[id] = m
	return nil
}

func TestServiceMembers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	st := &memStore{members: map[string]Member{}}
	svc := &Service{store: st, Now: func() time.Time { return now }}
	ka, _ := ParseKey(edKey(t, ""))
	kb, _ := ParseKey(edKey(t, ""))
	if err := svc.AddMember(ctx, Member{ID: "ann", Name: "Ann", Keys: []Key{ka}}, "officer"); err != nil {
		t.Fatal(err)
	}
	if m := st.members["ann"]; m.Status != Active || !m.Joined.Equal(now) || m.Joined.Location() != time.UTC {
		t.Errorf("added %+v", m)
	}
	for _, tt := range []struct {
		m    Member
		want string
	}{
		{Member{ID: "ann", Name: "Ann", Keys: []Key{kb}}, "member ann: already exists: choose another id"},
		{Member{ID: "bea", Name: "Bea", Keys: []Key{ka}}, "is already registered to member ann (\"Ann\")"},
		{Member{ID: "Bea", Name: "\x1b", Email: "x"}, "upper-case letters"},
		{Member{ID: "bea", Name: "\x1b", Keys: []Key{kb}}, "member name contains the escape character U+001B"},
		{Member{ID: "bea", Name: "Bea", Email: "x", Keys: []Key{kb}}, "e-mail address \"x\" is not of the form name@example.org"},
		{Member{ID: "bea", Name: "Bea"}, "no key: give the member's SSH public key"},
	} {
		if err := svc.AddMember(ctx, tt.m, "officer"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("AddMember(%+v) = %v, want %q", tt.m, err, tt.want)
		}
	}
	if err := svc.AddKeys(ctx, "ann", []Key{kb, ka}, "officer"); err == nil || !strings.Contains(err.Error(), "already registered to member ann") {
		t.Errorf("AddKeys with a key ann has: %v", err)
	}
	if len(st.members["ann"].Keys) != 1 {
		t.Errorf("a refused AddKeys added keys: %+v", st.members["ann"].Keys)
	}
	if err := svc.AddKeys(ctx, "nobody", []Key{kb}, "officer"); !errors.Is(err, ErrNotFound) {
		t.Errorf("AddKeys for an unknown member: %v", err)
	}

	// An import naming a registered member and a registered key is refused
	// whole, with the lines of both.
	f, err := ReadMemberFile("m.csv", strings.NewReader("id,name,key\ncy,Cy,"+edKey(t, "")+"\nann,Ann,"+edKey(t, "")+"\ndee,Dee,"+ka.Public+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = svc.ImportMembers(ctx, f, "officer")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ImportMembers = %v", err)
	}
	checkProblems(t, ve, []Problem{{3, "member ann is already registered"}, {4, "member dee: key " + ka.Fingerprint + " is already registered to member ann"}})
	if _, ok := st.members["cy"]; ok {
		t.Error("a refused import added a member")
	}
	f, _ = ReadMemberFile("m.csv", strings.NewReader("id,name,key\ncy,Cy,"+edKey(t, "")+"\n"))
	if err := svc.ImportMembers(ctx, f, "officer"); err != nil || st.members["cy"].Status != Active || !st.members["cy"].Joined.Equal(now) {
		t.Errorf("import: %v, %+v", err, st.members["cy"])
	}
}

// FuzzParseMembers checks that no input makes ReadMemberFile panic, that it
// fails only with a *ValidationError, and that every member it accepts is
// valid.
func FuzzParseMembers(f *testing.F) {
	k := edKey(f, "c")
	for _, s := range []string{
		"id,name,email,key\na,A,a@b," + k + "\n",
		"\ufeffid,name,key\r\n# c\r\na,\"A, B\"," + k + "\r\na,\"A, B\"," + dsaKey() + "\r\n",
		"[[member]]\nid='a'\nname='A'\nkeys=['" + k + "']\n",
		"member = [{id='a', name='A', keys=['" + k + "']}]",
		"[[member]]\nid=1\n[x]\n", "a,\"b", "\x00,\x1b", "[[member]]\nkeys = [\n",
	} {
		f.Add("m.csv", s)
		f.Add("m", s)
	}
	f.Fuzz(func(t *testing.T, name, in string) {
		ms, err := parseMembers(name, strings.NewReader(in))
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 || ms != nil {
				t.Fatalf("parseMembers(%q, %q) = %v, %v", name, in, ms, err)
			}
			return
		}
		for _, m := range ms {
			if CheckMemberID(m.ID) != nil || CheckMemberName(m.Name) != nil || checkOptionalEmail(m.Email) != nil || len(m.Keys) == 0 || m.Status != Active {
				t.Fatalf("parseMembers(%q, %q) accepted %+v", name, in, m)
			}
		}
	})
}

// parseMembers is the members ReadMemberFile reads, nil with any error.
func parseMembers(name string, r io.Reader) ([]Member, error) {
	f, err := ReadMemberFile(name, r)
	if err != nil {
		return nil, err
	}
	return f.Members, nil
}
