package models

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// defLang is [lang] tables for defHead+defThree.
const defLang = `
[lang.ja]
title = "理事会"
description = "理事を **二人** 選びます。"

[lang.ja.candidate.ada]
statement = "エイダです。"

[lang.ja.candidate.cy]
statement_file = "cy.ja.md"

[lang.es]
title = "Junta"
`

func TestParseDefinitionTranslations(t *testing.T) {
	read := func(rel string) ([]byte, error) {
		if rel == "cy.ja.md" {
			return []byte("# サイ\n"), nil
		}
		return nil, os.ErrNotExist
	}
	src := defHead + strings.Replace(defThree, "name = \"Bob\"\n", "name = \"Bob\"\nstatement = \"I am Bob.\"\n", 1) + defLang
	d, err := ParseDefinition("e.toml", []byte(src), read)
	if err != nil {
		t.Fatal(err)
	}
	ja := d.In("ja_JP.UTF-8")
	if ja.Title != "理事会" || ja.Description != "理事を **二人** 選びます。" {
		t.Errorf("in Japanese: %q, %q", ja.Title, ja.Description)
	}
	// Bob wrote no Japanese statement: his own stands.
	for i, want := range []string{"エイダです。", "I am Bob.", "# サイ\n"} {
		if got := ja.Candidates[i].Statement; got != want {
			t.Errorf("candidate %s in Japanese: %q, want %q", ja.Candidates[i].ID, got, want)
		}
	}
	es := d.In("es")
	if es.Title != "Junta" || es.Description != "" || es.Candidates[0].Statement != "" {
		t.Errorf("in Spanish: %+v", es)
	}
	if en := d.In(""); en.Title != "Board" || en.Candidates[0].Statement != "" {
		t.Errorf("in English: %+v", en)
	}
	// In gives a copy: the definition keeps its default text.
	if d.Candidates[0].Statement != "" || d.Title != "Board" {
		t.Errorf("In changed the definition: %+v", d)
	}
}

func TestParseDefinitionTranslationRefusals(t *testing.T) {
	base := defHead + defThree // 17 lines
	for _, tt := range []struct {
		name, src string
		want      []defWant
	}{
		{"a language booth does not ship", base + "[lang.de]\ntitle = \"Vorstand\"\n", []defWant{{18, "booth shows its screens in en, ja, es only"}}},
		{"a misspelt key", base + "[lang.ja]\ntitel = \"理事会\"\n", []defWant{{19, `unknown key "lang.titel" (did you mean "title"?)`}}},
		{"not a table", defHead + "lang = \"ja\"\n" + defThree, []defWant{{7, "lang must be a table for each language"}}},
		{"an unknown candidate", base + "[lang.ja.candidate.dan]\nstatement = \"x\"\n", []defWant{{18, `"dan" is not the id of a candidate`}}},
		{"statement twice", base + "[lang.ja.candidate.ada]\nstatement = \"x\"\nstatement_file = \"a.md\"\n", []defWant{{20, "either statement or statement_file"}}},
		{"a terminal escape in a title", base + "[lang.ja]\ntitle = \"理事会\\u001b[2J\"\n", []defWant{{19, "title"}}},
		{"a title too long", base + "[lang.ja]\ntitle = \"" + strings.Repeat("理", 300) + "\"\n", []defWant{{19, "characters long"}}},
		{"a name is not translated", base + "[lang.ja.candidate.ada]\nname = \"エイダ\"\n", []defWant{{19, `unknown key "lang.candidate.name"`}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDefinition("e.toml", []byte(tt.src), defNoFiles)
			checkDefProblems(t, err, "e.toml", tt.want)
		})
	}
}

// The translations are part of the definition, so of its fingerprint; a
// definition without any is encoded, and fingerprinted, as before they
// existed.
func TestFingerprintTranslations(t *testing.T) {
	plain := mustParseDef(t, defHead+defThree)
	data, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "Translations") {
		t.Errorf("a definition without translations encodes them: %s", data)
	}
	withJa := mustParseDef(t, defHead+defThree+"[lang.ja]\ntitle = \"理事会\"\n")
	if withJa.Fingerprint() == plain.Fingerprint() {
		t.Error("a translated title keeps the fingerprint")
	}
	other := mustParseDef(t, defHead+defThree+"[lang.ja]\ntitle = \"理事\"\n")
	if other.Fingerprint() == withJa.Fingerprint() {
		t.Error("a changed translation keeps the fingerprint")
	}
	again := mustParseDef(t, defHead+defThree+"[lang.ja]\ntitle = \"理事会\"\n")
	if again.Fingerprint() != withJa.Fingerprint() {
		t.Error("the same translation gives another fingerprint")
	}
}
