package models

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseNotices(t *testing.T) {
	d := mustParseDef(t, defHead+`[quorum]
percent = 50
extend = "3d"

[notices]
announce = true
remind = ["6h", "7d", "2d"]
remind_until_quorum = "72h"
results = true
`+defThree)
	want := NoticeSchedule{Announce: true, Results: true, Remind: []time.Duration{7 * 24 * time.Hour, 48 * time.Hour, 6 * time.Hour}, RemindUntilQuorum: 72 * time.Hour}
	if !d.Notices.Announce || !d.Notices.Results || !slices.Equal(d.Notices.Remind, want.Remind) || d.Notices.RemindUntilQuorum != want.RemindUntilQuorum {
		t.Fatalf("notices %+v, want %+v", d.Notices, want)
	}
	// A definition without [notices] keeps the fingerprint it had before
	// notices existed.
	plain := mustParseDef(t, defHead+defThree)
	data, err := json.Marshal(plain)
	if err != nil || strings.Contains(string(data), "Notices") {
		t.Fatalf("a definition without notices encodes them: %s %v", data, err)
	}
}

func TestParseNoticesErrors(t *testing.T) {
	for _, tc := range []struct{ name, notices, want string }{
		{"bad period", "remind = [\"soon\"]\n", `notices.remind "soon"`},
		{"not a list", "remind = \"2d\"\n", "notices.remind must be a list of periods"},
		{"number in list", "remind = [2]\n", "as strings"},
		{"twice", "remind = [\"2d\", \"48h\"]\n", "twice"},
		{"until quorum without extension", "remind_until_quorum = \"72h\"\n", "needs a close that moves on"},
		{"unknown key", "remnd = [\"2d\"]\n", `unknown key "notices.remnd"`},
		{"announce not bool", "announce = \"yes\"\n", "notices.announce must be true or false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDefinition("e.toml", []byte(defHead+"[notices]\n"+tc.notices+defThree), defNoFiles)
			var ve *ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "e.toml:8:") {
				t.Fatalf("%v, want a problem at line 8 saying %q", err, tc.want)
			}
		})
	}
}
