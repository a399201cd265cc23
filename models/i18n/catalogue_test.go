package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// sources are the packages whose text members read. tally's record and
// result sheet are read in the member's language too (Printer is its
// Words).
var sources = []string{"../../booth", "..", "../../ssh", "../safetext", "../bundle", "../../tally"}

// tallyKeys are tally's own functions that mark a key, with the index of
// the key among their arguments: a phrase of the count's record (say,
// sayN's "other"), a word of its vocabulary (key).
var tallyKeys = map[string]int{"say": 0, "sayN": 1, "key": 0}

// usedKeys finds every message key in the sources: the literal format of
// each call to a Printer's T, the context and format of each C, the
// "other" of each N (with its "one"), the format of each i18n.Errorf and
// i18n.Textf, each Key, and each key's help (its key label too where that
// is words, as in "type cast, enter"; translateKeys translates the same),
// and in tally the calls of tallyKeys.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{} // key → where it is used first
	fset := token.NewFileSet()
	for _, dir := range sources {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				add := func(i int) {
					if i >= len(call.Args) {
						return
					}
					lit, ok := call.Args[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
					}
					if _, seen := keys[s]; !seen {
						keys[s] = fset.Position(lit.Pos()).String()
					}
				}
				if id, ok := call.Fun.(*ast.Ident); ok && dir == "../../tally" {
					if i, ok := tallyKeys[id.Name]; ok {
						add(i)
					}
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				// C's key is its context and format, joined by "|".
				addCtx := func() {
					ctx, ok1 := call.Args[0].(*ast.BasicLit)
					lit, ok2 := call.Args[1].(*ast.BasicLit)
					if !ok1 || !ok2 {
						t.Errorf("%s: C needs a literal context and format", fset.Position(call.Pos()))
						return
					}
					a, _ := strconv.Unquote(ctx.Value)
					b, _ := strconv.Unquote(lit.Value)
					if _, seen := keys[a+"|"+b]; !seen {
						keys[a+"|"+b] = fset.Position(lit.Pos()).String()
					}
				}
				switch sel.Sel.Name {
				case "Errorf", "Textf":
					// i18n.Errorf and i18n.Textf, not fmt.Errorf.
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "i18n" {
						if lit, ok := call.Args[0].(*ast.BasicLit); !ok || lit.Kind != token.STRING {
							t.Errorf("%s: i18n.%s needs a literal format: it is the message's key", fset.Position(call.Pos()), sel.Sel.Name)
						}
						add(0)
					}
				case "T", "Key":
					add(0)
				case "C":
					addCtx()
				case "N":
					add(2)
				case "WithHelp":
					add(1)
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && strings.Contains(lit.Value, " ") {
						add(0)
					}
				}
				return true
			})
		}
	}
	if len(keys) < 100 {
		t.Fatalf("only %d message keys found in %v: is the scan looking in the right places?", len(keys), sources)
	}
	return keys
}

// catalogue is a language's translation files as written: key → its
// text, or its plural forms. A key in two of its files is an error: one
// of them would be ignored.
func catalogue(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	where := map[string]string{}
	for _, name := range catalogueFiles(lang) {
		raw := map[string]any{}
		b, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := toml.Unmarshal(b, &raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range raw {
			if w, ok := where[k]; ok {
				t.Errorf("%q is in both %s and %s", k, w, name)
			}
			where[k] = name
		}
		catalogueEntries(t, lang, raw, out)
	}
	return out
}

// catalogueEntries adds one file's entries to out.
func catalogueEntries(t *testing.T, lang string, raw map[string]any, out map[string]map[string]string) {
	t.Helper()
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = map[string]string{"other": v}
		case map[string]any:
			forms := map[string]string{}
			for f, s := range v {
				str, ok := s.(string)
				if !ok {
					t.Errorf("%s.toml: %q: form %s is not text", lang, k, f)
				}
				forms[f] = str
			}
			out[k] = forms
		default:
			t.Errorf("%s.toml: %q is neither text nor a table of plural forms", lang, k)
		}
	}
}

var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*(\d+|\*)?(\.\d+)?([a-zA-Z%])`)

// field is a notice template's action: {{.Title}} (models/notice_templates.go).
var field = regexp.MustCompile(`\{\{[^}]*\}\}`)

// placeholders is the set of a format's arguments, each with its verb:
// "1:d", "2:s"; and of a notice template's fields, each as written:
// "{{.Title}}". A translation must have the same set, or a mail would
// lose what the member needs (the fingerprint) or fail to render.
func placeholders(format string) []string {
	out := field.FindAllString(format, -1)
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[5] == "%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		out = append(out, fmt.Sprintf("%d:%s", next, m[5]))
		next++
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCatalogueComplete fails when a message key is missing from a shipped
// language, when a translation's placeholders differ from the English
// (a plural form other than "other" may leave out the count it spells),
// and when a translation is of a key no longer used.
func TestCatalogueComplete(t *testing.T) {
	used := usedKeys(t)
	for _, lang := range Languages[1:] {
		cat := catalogue(t, lang)
		var missing []string
		for _, k := range slices.Sorted(maps.Keys(used)) {
			forms, ok := cat[k]
			if !ok {
				missing = append(missing, fmt.Sprintf("%q = \"\" # %s", k, used[k]))
				continue
			}
			if _, ok := forms["other"]; !ok {
				t.Errorf("%s.toml: %q has no \"other\" form", lang, k)
			}
			want := placeholders(k)
			for form, s := range forms {
				got := placeholders(s)
				switch {
				case form == "other" && !slices.Equal(got, want):
					t.Errorf("%s.toml: %q has placeholders %v, the English %v:\n%s", lang, k, got, want, s)
				case form != "other" && !isSubset(got, want):
					t.Errorf("%s.toml: %q (%s) has placeholders %v, not among the English %v:\n%s", lang, k, form, got, want, s)
				case strings.TrimSpace(s) == "" && strings.TrimSpace(k) != "":
					t.Errorf("%s.toml: %q (%s) is empty", lang, k, form)
				}
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s.toml lacks %d keys:\n%s", lang, len(missing), strings.Join(missing, "\n"))
		}
		for k := range cat {
			if _, ok := used[k]; !ok {
				t.Errorf("%s.toml: %q is used nowhere: remove it, or the code lost a message", lang, k)
			}
		}
	}
}

func isSubset(sub, of []string) bool {
	for _, s := range sub {
		if !slices.Contains(of, s) {
			return false
		}
	}
	return true
}

// TestScanFindsMessagesInErrors checks that the scan takes the format of
// i18n.Errorf and i18n.Textf as keys, and not fmt.Errorf's.
func TestScanFindsMessagesInErrors(t *testing.T) {
	used := usedKeys(t)
	for _, k := range []string{
		"you cannot nominate yourself in %s: another member must nominate you", // i18n.Errorf in models
		"voting opens %s",      // i18n.Textf in models
		"the escape character", // i18n.Textf in models/safetext
	} {
		if _, ok := used[k]; !ok {
			t.Errorf("the scan misses %q", k)
		}
	}
	// fmt.Errorf in models: officers' words, not a message.
	if w, ok := used["election %s: opening needs the definition's fingerprint"]; ok {
		t.Errorf("the scan took fmt.Errorf's format as a key (%s)", w)
	}
}
