package models

import (
	"strings"
	"testing"
	"time"
)

// Times relative to when the file is read ("now", "+1h", "+14d") make an
// example definition that works whenever it is used.
func TestParseDefinitionRelativeTimes(t *testing.T) {
	now := time.Date(2027, 3, 9, 10, 30, 15, 500, time.UTC)
	src := `id = "board"
title = "Board"
method = "meek"
seats = 2
opens_at = "+1h"
closes_at = "+14d"

[electorate]
joined_before = "now"
` + defThree
	d, err := ParseDefinitionAt("e.toml", []byte(src), defNoFiles, now)
	if err != nil {
		t.Fatal(err)
	}
	at := now.Truncate(time.Second)
	if !d.OpensAt.Equal(at.Add(time.Hour)) || !d.ClosesAt.Equal(at.Add(14*24*time.Hour)) || !d.JoinedBefore.Equal(at) {
		t.Errorf("opens %v, closes %v, joined before %v; want an hour, 14 days and nothing after %v", d.OpensAt, d.ClosesAt, d.JoinedBefore, at)
	}
	for _, tc := range []struct{ value, want string }{
		{`"+0h"`, "must be between 1 minute and 365 days"},
		{`"+soon"`, "not a period"},
		{`"-1h"`, "is not an RFC 3339 time"},
	} {
		_, err := ParseDefinitionAt("e.toml", []byte(strings.Replace(src, `"+1h"`, tc.value, 1)), defNoFiles, now)
		if err == nil || !strings.Contains(err.Error(), "e.toml:5: opens_at") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("opens_at = %s: %v, want %q", tc.value, err, tc.want)
		}
	}
}
