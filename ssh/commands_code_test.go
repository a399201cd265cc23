package ssh

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// Issue 10 item 6: staff issue at most the configured number of codes per
// window, told when the next may be issued, and list their own codes.
func TestCodeRateLimitAndHistoryOverSSH(t *testing.T) {
	e := newTestEnv(t, nil)
	e.svc.CodeRate = models.CodeRate{Codes: 2, Per: time.Hour}
	must(t, e.store.SetStaff(bg, "ken", true, "officer"))
	if _, stderr, status := e.run("ada", "code history", ""); status == 0 || !strings.Contains(stderr, "not allowed") {
		t.Errorf("the history of a member who is not staff: status %d, %q", status, stderr)
	}
	must(t, e.store.SetStaff(bg, "ada", true, "officer"))
	if out, _, status := e.run("ken", "code history", ""); status != 0 || !strings.Contains(out, "you may issue 2 more kiosk codes now (limit 2 per 1h)") || !strings.Contains(out, "no kiosk codes") {
		t.Errorf("an empty history: status %d, %q", status, out)
	}
	var ids []string
	for range 2 {
		out, stderr, status := e.run("ken", "code issue ada board", "")
		if status != 0 {
			t.Fatalf("code issue: %q", stderr)
		}
		ic, err := e.svc.RedeemCode(bg, strings.SplitN(out, "\n", 2)[0])
		if err != nil || ic.Member.ID != "ada" {
			t.Fatalf("the issued code: %+v, %v", ic, err)
		}
		ids = append(ids, models.KioskCode{Hash: models.CodeHash(strings.ReplaceAll(strings.SplitN(out, "\n", 2)[0], "-", ""))}.ID())
	}
	out, stderr, status := e.run("ken", "code issue ada board", "")
	if status == 0 || out != "" || !strings.Contains(stderr, "no code issued: you have issued 2 kiosk codes in the last 1h, the limit; you may issue the next at") {
		t.Errorf("a third code within the hour: status %d, stdout %q, stderr %q", status, out, stderr)
	}
	out, _, status = e.run("ken", "code history", "")
	if status != 0 || !strings.Contains(out, "the next at") || strings.Count(out, "used") != 2 {
		t.Errorf("ken's history: status %d\n%s", status, out)
	}
	for _, id := range ids {
		if !strings.Contains(out, id) {
			t.Errorf("ken's history lacks code %s:\n%s", id, out)
		}
	}
	if strings.Contains(out, " ada") {
		t.Errorf("ken's history names the member of a used code:\n%s", out)
	}
	out, _, _ = e.run("ada", "code history", "")
	for _, id := range ids {
		if strings.Contains(out, id) {
			t.Errorf("ada's history shows ken's code %s:\n%s", id, out)
		}
	}
}
