package models

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models/safetext"
)

// Regression tests for the adversarial review of issue 10 item 8 (probes
// TestR3LookAlikes, TestR3NewLetters and TestR3LegitNames).

// A dot above on a letter whose own dot hides it looks like the letter
// alone (review finding 1, UTS #39 section 5.4): refused wherever a name
// is checked, with the mark to remove named.
func TestHiddenDotAboveRefused(t *testing.T) {
	for _, tt := range []struct{ real, fake, want string }{
		{"Alice", "Al\u0131\u0307ce", `the combining dot U+0307 on "ı", whose own dot hides it, so it looks like "i" alone: remove the U+0307`},
		{"Alice", "Ali\u0307ce", `the combining dot U+0307 on "i", whose own dot hides it, so it looks like "i" alone: remove the U+0307`},
		{"jane", "\u0237\u0307ane", `the combining dot U+0307 on "ȷ", whose own dot hides it, so it looks like "j" alone`},
		{"Ilja", "Il\u0237\u0307a", `the combining dot U+0307 on "ȷ"`},
		{"Jan", "J\u0061n\u0069\u0358", `the combining dot U+0358 on "i"`},
		// A mark below first does not move the dot off the letter's own.
		{"Lidia", "Li\u0323\u0307dia", `the combining dot U+0307 on "i"`},
		// į decomposes to i + ogonek; other soft-dotted letters too.
		{"Jūratė", "Jūrat\u0117 \u012F\u0307", `the combining dot U+0307 on "i"`},
		{"Ola", "Ol\u0268\u0307a", `the combining dot U+0307 on "ɨ"`},
	} {
		t.Run(tt.fake, func(t *testing.T) {
			_, err := ParseDefinition("e.toml", twoCandidates(tt.real, tt.fake), defNoFiles)
			checkDefProblems(t, err, "e.toml", []defWant{{13, "candidate name has " + tt.want}})
			if err := CheckMemberName(tt.fake); err == nil || !strings.Contains(err.Error(), "member name has "+tt.want) {
				t.Errorf("CheckMemberName(%+q) = %v, want %q", tt.fake, err, tt.want)
			}
		})
	}
	// A dot where it shows: on a capital I (İ, Turkish), on a letter
	// without a dot, or stacked on another mark above the i.
	for _, ok := range []string{"İsmail", "I\u0307smail", "Ża\u0307", "i\u0301\u0307", "Łukasz", "Ijsbrand"} {
		if err := safetext.Check("name", ok); err != nil {
			t.Errorf("safetext.Check(%+q) = %v", ok, err)
		}
	}
}

// Letters assigned after the Unicode version of the confusables table are
// not mapped to what they look like, so they are refused (review finding
// 2); letters of that version and older pass, and so do newer emoji.
func TestLettersNewerThanConfusablesRefused(t *testing.T) {
	for _, tt := range []struct{ real, fake, want string }{
		{"Sam", "\uA7D8am", `U+A7D8, Latin`},
		{"Rose", "Ro\uA7D9e", `U+A7D9, Latin`},
		{"Ole", "\uA7C0le", `U+A7C0, Latin`},
		{"Bob", "Bo\uA7D3", `U+A7D3, Latin`},
		{"Tom", "To\U0001E04B", `U+1E04B, Cyrillic`},
		{"Lisa", "Li\U0001DF12a", `U+1DF12, Latin`},
		{"Ivo", "Iv\U0001E030", `U+1E030, Cyrillic`},
	} {
		t.Run(tt.fake, func(t *testing.T) {
			err := CheckMemberName(tt.fake)
			if err == nil || !strings.Contains(err.Error(), tt.want+") at character") ||
				!strings.Contains(err.Error(), "which Unicode added after version 13.0.0: booth cannot yet tell whether it looks like other letters") {
				t.Fatalf("CheckMemberName(%+q) = %v", tt.fake, err)
			}
			_, err = ParseDefinition("e.toml", twoCandidates(tt.real, tt.fake), defNoFiles)
			checkDefProblems(t, err, "e.toml", []defWant{{13, "candidate name contains"}})
		})
	}
	want := `member name contains "Ꟙ" (U+A7D8, Latin) at character 1, which Unicode added after version 13.0.0: booth cannot yet tell whether it looks like other letters, so two different texts could look the same; write it without that character`
	if err := CheckMemberName("\uA7D8am"); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	// Unicode 13.0 letters (U+A7C7, U+A7F5) and a Unicode 14.0 emoji pass.
	for _, ok := range []string{"\uA7C7abc", "\uA7F5ob", "Team \U0001FAE0"} {
		if err := safetext.Check("name", ok); err != nil {
			t.Errorf("safetext.Check(%+q) = %v", ok, err)
		}
	}
}

// rnMNames are different names that real people have, alike only through
// "rn" for "m" (review finding 3).
var rnMNames = [][2]string{
	{"Kim Lee", "Kirn Lee"}, {"Mami Sato", "Marni Sato"}, {"Arne Berg", "Ame Berg"},
	{"Mark Turner", "Mark Tumer"}, {"Ernst", "Emst"}, {"Jim Barnes", "Jim Bames"},
	{"Anna Modern", "Anna Modem"}, {"Cornelia", "Comelia"},
}

// Members with such names can both be registered, told apart by their
// ids; candidates of one election, sharing a screen, cannot; nor can
// member ids, which officers type from what they read.
func TestRnMMemberNamesBothRegistered(t *testing.T) {
	for _, p := range rnMNames {
		looks := newMemberLooks()
		if msg := looks.add("a1", p[0], " (member a1)"); msg != "" {
			t.Fatal(msg)
		}
		if msg := looks.add("a2", p[1], " (member a2)"); msg != "" {
			t.Errorf("member names %q and %q: %s", p[0], p[1], msg)
		}
		_, err := ParseDefinition("e.toml", twoCandidates(p[0], p[1]), defNoFiles)
		checkDefProblems(t, err, "e.toml", []defWant{{13, fmt.Sprintf("candidate name %q (line 13) looks the same as %q (line 9)", p[1], p[0])}})
	}
	looks := newMemberLooks()
	looks.add("kim", "Kim Lee", " (member kim)")
	if msg := looks.add("kirn", "Kirn Lee", " (member kirn)"); !strings.Contains(msg, `member id "kirn" (member kirn) looks the same as "kim" (member kim)`) {
		t.Errorf("look-alike member ids: %q", msg)
	}

	// Registered both; a third name that looks like either, other than
	// through "rn" for "m", is still refused: by a single-letter look-alike
	// or a letter of another script.
	looks = newMemberLooks()
	looks.put("a1", "Kim Ali", " (member a1, registered)")
	looks.put("a2", "Kirn Ali", " (member a2, registered)")
	for i, tt := range []struct{ name, want string }{
		{"Kirn AIi", `looks the same as "Kirn Ali" (member a2, registered)`},
		{"Kim A1i", `looks the same as "Kim Ali" (member a1, registered)`},
		{"Kim Аli", `looks the same as "Kim Ali" (member a1, registered)`},
		{"Kirn Аli", `looks the same as "Kim Ali" (member a1, registered)`},
	} {
		if msg := looks.add(fmt.Sprintf("b%d", i), tt.name, ""); !strings.Contains(msg, tt.want) {
			t.Errorf("%+q: got %q, want %q", tt.name, msg, tt.want)
		}
	}
	for i, ok := range []string{"Kirn Ali", "Kim Ali", "Kim  Ali"} { // homonyms
		if msg := looks.add(fmt.Sprintf("c%d", i), ok, ""); msg != "" {
			t.Errorf("homonym %q: %s", ok, msg)
		}
	}
}

// Through the Service: a file with both names imports, and one added next
// to a registered one is accepted.
func TestRnMMembersImportAndAdd(t *testing.T) {
	k := func() string { return edKey(t, "") }
	f, err := ReadMemberFile("m.csv", strings.NewReader("id,name,key\nkim,Kim Lee,"+k()+"\nkirn.lee,Kirn Lee,"+k()+"\n"))
	if err != nil {
		t.Fatalf("ReadMemberFile = %v", err)
	}
	st := &memStore{members: map[string]Member{}}
	svc := &Service{store: st, Now: func() time.Time { return t0Names }}
	if err := svc.ImportMembers(context.Background(), f, "officer"); err != nil {
		t.Fatalf("ImportMembers = %v", err)
	}
	kk, _ := ParseKey(k())
	if err := svc.AddMember(context.Background(), Member{ID: "ernst", Name: "Ernst", Keys: []Key{kk}}, "officer"); err != nil {
		t.Fatal(err)
	}
	kk, _ = ParseKey(k())
	if err := svc.AddMember(context.Background(), Member{ID: "e.m", Name: "Emst", Keys: []Key{kk}}, "officer"); err != nil {
		t.Errorf("AddMember of Emst next to Ernst = %v", err)
	}
	kk, _ = ParseKey(k())
	err = svc.AddMember(context.Background(), Member{ID: "kim2", Name: "Kirn L\u0435e", Keys: []Key{kk}}, "officer")
	if err == nil || !strings.Contains(err.Error(), `looks the same as "Kim Lee" (member kim, registered)`) {
		t.Errorf("AddMember of Kirn Lee with a Cyrillic е = %v", err)
	}
	if len(st.members) != 4 {
		t.Errorf("%d members registered, want 4", len(st.members))
	}
}
