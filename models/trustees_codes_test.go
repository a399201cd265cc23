package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// The kiosk code records of a trustee election are sealed to the
// trustees' key, so no officer key opens them: booth says so, naming the
// trustees and what to do, not asking for a tally key the election does
// not have.
func TestInvestigateCodesOfTrusteeElectionNamesItsTrustees(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	_, _, err := e.svc.CreateElection(ctx, trusteeDefinition("tr", 3, keys), filepath.Join(t.TempDir(), "unused.key"), officer)
	must(t, err)
	e.clock.Set(later(e.clock.Now(), t0))
	must(t, e.svc.OpenElection(ctx, "tr", officer))
	if _, err := e.svc.IssueCode(ctx, memberID(1), "tr", 0, officer); err != nil {
		t.Fatal(err)
	}
	// The officer has no key of this election; any key they try:
	other := filepath.Join(t.TempDir(), "other.key")
	_, _, err = e.svc.CreateElection(ctx, definition("other"), other, officer)
	must(t, err)
	_, err = e.svc.InvestigateCodes(ctx, "tr", readKey(t, other), officer)
	if err == nil || strings.Contains(err.Error(), "tally key") || !strings.Contains(err.Error(), "trustees") || !strings.Contains(err.Error(), "--trustees --release") {
		t.Fatalf("investigating the kiosk codes of a trustee election: %v; want a refusal that names its trustees", err)
	}
}

// After the close, the releases of the open count session open the kiosk
// code records of a trustee election (the same check as a count: too
// few releases open nothing), and they stay usable for the count.
func TestInvestigateCodesWithTrustees(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	_, _, err := e.svc.CreateElection(ctx, trusteeDefinition("tr", 3, keys), filepath.Join(t.TempDir(), "unused.key"), officer)
	must(t, err)
	e.clock.Set(later(e.clock.Now(), t0))
	must(t, e.svc.OpenElection(ctx, "tr", officer))
	e.clock.Set(later(e.clock.Now(), t0.Add(time.Hour)))
	if _, err := e.svc.IssueCode(ctx, memberID(1), "tr", 0, officer); err != nil {
		t.Fatal(err)
	}
	must(t, e.svc.CloseElection(ctx, "tr", officer))
	r := &trusteeRun{e: e, id: "tr", keys: keys, keyFile: filepath.Join(t.TempDir(), "session.key")}
	for _, k := range keys {
		share, err := e.svc.TrusteeShare(ctx, "tr", k.fingerprint, "trustee")
		must(t, err)
		r.shares = append(r.shares, share)
	}
	st, err := e.svc.StartCountSession(ctx, "tr", r.keyFile, officer)
	must(t, err)
	r.session = st.Key
	releases := []models.ReleaseFile{r.release(t, 0), r.release(t, 2), r.release(t, 4)}

	if _, err := e.svc.InvestigateCodesWithTrustees(ctx, "tr", r.keyFile, releases[:2], officer); err == nil || !strings.Contains(err.Error(), "1 more trustee") {
		t.Errorf("two releases of three: %v", err)
	}
	fs, err := e.svc.InvestigateCodesWithTrustees(ctx, "tr", r.keyFile, releases, officer)
	must(t, err)
	if len(fs) != 1 || fs[0].Member != memberID(1) || fs[0].Officer != officer || fs[0].AuditSeq == 0 {
		t.Fatalf("findings: %+v", fs)
	}
	if _, err := e.svc.CountWithTrustees(ctx, "tr", r.keyFile, releases, officer); err != nil {
		t.Errorf("the count after the investigation: %v", err)
	}
	if _, err := os.Stat(r.keyFile); err != nil {
		t.Errorf("the session key file: %v", err)
	}
}
