package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// Needs the SQLite store.
func TestKioskDeviceCommands(t *testing.T) {
	dir, _ := votingDir(t, false)
	if out := mustBooth(t, "", "--data", dir, "kiosk", "list"); !strings.Contains(out, "no kiosk devices") {
		t.Errorf("kiosk list with none: %q", out)
	}
	device, fp := memberTestKey(t, "stand-laptop")
	out := mustBooth(t, device, "--data", dir, "kiosk", "add", "stand-1", "--key", "-")
	if out != "added kiosk device stand-1 with key "+fp+": connecting with it opens the kiosk\n" {
		t.Errorf("kiosk add printed %q", out)
	}
	out = mustBooth(t, "", "--data", dir, "kiosk", "list")
	if !strings.Contains(out, "NAME     KEY") || !strings.Contains(out, "stand-1  "+fp+"  stand-laptop") {
		t.Errorf("kiosk list:\n%s", out)
	}
	var listed []map[string]string
	if err := json.Unmarshal([]byte(mustBooth(t, "", "--data", dir, "kiosk", "list", "--json")), &listed); err != nil ||
		len(listed) != 1 || listed[0]["name"] != "stand-1" || listed[0]["fingerprint"] != fp {
		t.Errorf("kiosk list --json: %v %+v", err, listed)
	}

	memberKey, _ := memberTestKey(t, "ann")
	mustBooth(t, memberKey, "--data", dir, "member", "key", "add", "ann", "--key", "-")
	other, _ := memberTestKey(t, "")
	for _, tc := range []struct {
		stdin string
		args  []string
		says  string
	}{
		{other, []string{"kiosk", "add", "stand-1", "--key", "-"}, "remove it first with 'booth kiosk remove stand-1'"},
		{device, []string{"kiosk", "add", "stand-2", "--key", "-"}, "is kiosk device stand-1's"},
		{memberKey, []string{"kiosk", "add", "stand-2", "--key", "-"}, "is member ann's"},
		{other, []string{"kiosk", "add", "Stand 2", "--key", "-"}, `kiosk device name "Stand 2"`},
		{"", []string{"kiosk", "add", "stand-2"}, "--key is required"},
		{other + "\n" + memberKey, []string{"kiosk", "add", "stand-2", "--key", "-"}, "exactly one key, and 2"},
		{device, []string{"member", "key", "add", "bob", "--key", "-"}, "kiosk device"},
		{"", []string{"kiosk", "remove", "stand-9"}, `no kiosk device "stand-9": see 'booth kiosk list'`},
	} {
		code, out, errOut := booth(t, tc.stdin, append([]string{"--data", dir}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("booth %s: exit %d, stdout %q, stderr %q; want exit 1 saying %q", strings.Join(tc.args, " "), code, out, errOut, tc.says)
		}
	}
	if out := mustBooth(t, "", "--data", dir, "kiosk", "remove", "stand-1"); !strings.HasPrefix(out, "removed kiosk device stand-1") {
		t.Errorf("kiosk remove printed %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "kiosk", "list"); !strings.Contains(out, "no kiosk devices") {
		t.Errorf("kiosk list after remove: %q", out)
	}
}

func TestKioskStaffCommands(t *testing.T) {
	dir, _ := votingDir(t, false)
	if out := mustBooth(t, "", "--data", dir, "kiosk", "staff", "list"); !strings.Contains(out, "no staff") {
		t.Errorf("staff list with none: %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "kiosk", "staff", "add", "ann"); !strings.HasPrefix(out, "member ann (ANN) is staff now") {
		t.Errorf("staff add printed %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "kiosk", "staff", "list"); !strings.Contains(out, "ann  ANN   active") {
		t.Errorf("staff list:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"kiosk", "staff", "add", "ann"}, "member ann is staff already"},
		{[]string{"kiosk", "staff", "remove", "bob"}, "member bob is not staff"},
		{[]string{"kiosk", "staff", "add", "nobody"}, `no member "nobody"`},
		{[]string{"kiosk", "staff", "add"}, "accepts 1 arg"},
	} {
		code, out, errOut := booth(t, "", append([]string{"--data", dir}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("booth %s: exit %d, stdout %q, stderr %q; want exit 1 saying %q", strings.Join(tc.args, " "), code, out, errOut, tc.says)
		}
	}
	if out := mustBooth(t, "", "--data", dir, "kiosk", "staff", "remove", "ann"); out != "member ann (ANN) is no longer staff\n" {
		t.Errorf("staff remove printed %q", out)
	}
}

// booth kiosk start runs only on a terminal, with sane timers.
func TestKioskStartRefusals(t *testing.T) {
	dir, _ := votingDir(t, false)
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"kiosk", "start"}, "standard input is not a terminal"},
		{[]string{"kiosk", "start", "--idle", "5s"}, "--idle must be between 30s and 1h0m0s, not 5s"},
		{[]string{"kiosk", "start", "--receipt-time", "3h"}, "--receipt-time must be between"},
		{[]string{"kiosk", "start", "--name", "Stand\x1b[2J"}, "--name"},
	} {
		code, out, errOut := booth(t, "", append([]string{"--data", dir}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("booth %s: exit %d, stdout %q, stderr %q; want exit 1 saying %q", strings.Join(tc.args, " "), code, out, errOut, tc.says)
		}
	}
}
