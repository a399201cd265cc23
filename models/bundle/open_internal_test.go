package bundle

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Issue 10 item 10: the walk that finds a key twice, in objects small and
// large (past the point where it keeps their keys in a map), nested in
// arrays, and only within one object.
func TestDuplicateKey(t *testing.T) {
	many := func(dup string) string {
		var kv []string
		for i := range 40 {
			kv = append(kv, fmt.Sprintf(`"k%d": %d`, i, i))
		}
		if dup != "" {
			kv = append(kv, dup)
		}
		return "{" + strings.Join(kv, ", ") + "}"
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}`, ""},
		{many(""), ""},
		{`{"a": 1, "a": 2}`, `the key "a" occurs twice at its top level`},
		{`{"x": {"y": [{"z": 1}, {"z": 1, "z": 2}]}}`, `the key "z" occurs twice in x.y`},
		{`{"big": ` + many(`"k3": 0`) + `}`, `the key "k3" occurs twice in big`},
		{`{"big": ` + many(`"k39": 0`) + `}`, `the key "k39" occurs twice in big`},
		{`{"a": [1, 2`, ""}, // broken JSON is decoding's to report
	} {
		err := duplicateKey([]byte(tc.doc))
		if tc.want == "" && err != nil || tc.want != "" && (!errors.Is(err, ErrDuplicateKey) || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.doc, err, tc.want)
		}
	}
}
