package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

var codeLine = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$`)

// Needs the SQLite store.
func TestCodeCommands(t *testing.T) {
	dir, _ := votingDir(t, false)
	out := mustBooth(t, "", "--data", dir, "code", "issue", "--member", "ann")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !codeLine.MatchString(lines[0]) || lines[1] != "kiosk code for member ann (ANN), any of their open elections" ||
		!strings.HasPrefix(lines[2], "works once, until ") || !strings.HasSuffix(lines[2], " UTC (15m)") {
		t.Fatalf("code issue printed:\n%s", out)
	}
	annCode := lines[0]
	out = mustBooth(t, "", "--data", dir, "code", "issue", "--member", "bob", "--election", "e1", "--ttl", "5m")
	if !strings.Contains(out, "member bob (BOB), election e1 only\n") || !strings.Contains(out, "(5m)\n") {
		t.Errorf("code issue --election --ttl printed:\n%s", out)
	}

	out = mustBooth(t, "", "--data", dir, "code", "list")
	if strings.Contains(out, annCode) || strings.Contains(out, strings.ReplaceAll(annCode, "-", "")) {
		t.Errorf("code list shows a code:\n%s", out)
	}
	for _, want := range []string{"ID", "MEMBER", "ELECTION", "EXPIRES (UTC)", " bob ", " e1 ", " ann ", " any ", "(in 5m)", "(in 15m)"} {
		if !strings.Contains(out, want) {
			t.Errorf("code list lacks %q:\n%s", want, out)
		}
	}
	var listed []struct{ ID, Member, Election string }
	if err := json.Unmarshal([]byte(mustBooth(t, "", "--data", dir, "code", "list", "--json")), &listed); err != nil || len(listed) != 2 {
		t.Fatalf("code list --json: %v, %+v", err, listed)
	}
	annID := listed[0].ID
	if listed[0].Member != "ann" {
		annID = listed[1].ID
	}
	if out := mustBooth(t, "", "--data", dir, "code", "revoke", annID[:6]); out != "revoked kiosk code "+annID+" (member ann)\n" {
		t.Errorf("code revoke printed %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "code", "revoke", "--member", "bob"); out != "revoked 1 kiosk code of member bob\n" {
		t.Errorf("code revoke --member printed %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "code", "list"); out != "no live kiosk codes\n" {
		t.Errorf("code list after revoking: %q", out)
	}

	st, err := sqlite.Open(dir)
	must(t, err)
	defer st.Close()
	svc := models.NewService(st)
	if _, err := svc.RedeemCode(context.Background(), annCode); err == nil {
		t.Error("a revoked code still opens the kiosk")
	}
	log, err := st.AuditLog(context.Background())
	must(t, err)
	var kiosk []string
	for _, e := range log {
		if strings.HasPrefix(e.Action, "kiosk.code.") {
			kiosk = append(kiosk, e.Action)
			if strings.Contains(e.Detail, "ann") || strings.Contains(e.Detail, "bob") {
				t.Errorf("audit entry %d names a member: %q", e.Seq, e.Detail)
			}
		}
	}
	if len(kiosk) != 4 {
		t.Errorf("kiosk audit entries %q, want two issues and two revocations", kiosk)
	}
}

func TestCodeCommandRefusals(t *testing.T) {
	dir, _ := votingDir(t, true)
	mustBooth(t, "ken\n", "--data", dir, "cast", "e1", "--member", "cy")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"code", "issue"}, "--member is required"},
		{[]string{"code", "issue", "--member", "ann", "--ttl", "10s"}, "--ttl: a kiosk code must stay valid between 1m0s and 24h0m0s, not 10s"},
		{[]string{"code", "issue", "--member", "ann", "--ttl", "48h"}, "between 1m0s and 24h0m0s"},
		{[]string{"code", "issue", "--member", "ann", "--ttl", "soon"}, "invalid argument"},
		{[]string{"code", "issue", "--member", "nobody"}, `no member "nobody": see 'booth member list'`},
		{[]string{"code", "issue", "--member", "ann", "--election", "e9"}, `no election "e9"`},
		{[]string{"code", "issue", "--member", "cy", "--election", "e1"}, "member cy has already voted in e1: no code issued"},
		{[]string{"code", "issue", "--member", "cy"}, "member cy has no open election left to vote in"},
		{[]string{"code", "revoke"}, "give either a code id"},
		{[]string{"code", "revoke", "abcd", "--member", "ann"}, "not both"},
		{[]string{"code", "revoke", "zz"}, `"zz" is not a code id`},
		{[]string{"code", "revoke", "abcdef"}, "no live kiosk code has an id starting abcdef"},
		{[]string{"code", "revoke", "--member", "nobody"}, `no member "nobody"`},
	} {
		code, out, errOut := booth(t, "", append([]string{"--data", dir}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.says) || strings.Contains(errOut, "goroutine") {
			t.Errorf("booth %s: exit %d, stdout %q, stderr %q; want exit 1 saying %q", strings.Join(tc.args, " "), code, out, errOut, tc.says)
		}
	}
}
