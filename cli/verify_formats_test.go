package cli

import (
	"encoding/json"
	"testing"
)

// Issue 11: bundles published before the result had snake_case keys (v2)
// and before ballot texts were canonical (v1) still verify with booth
// verify, recount included; the report names each one's format.
func TestVerifyReadsEarlierBundleFormats(t *testing.T) {
	for _, tc := range []struct{ file, signer, receipt, format string }{
		{"../models/bundle/testdata/v1.bundle", "SHA256:doxiASlJnKSD9j+JpVoWpfEFHjUrsF9ZYr+cir4FYjo", "OYH2-5MCJ-2OMB-DJFE-ZH25-24ID-II", "booth-results-bundle-v1"},
		{"../models/bundle/testdata/v2.bundle", "SHA256:XiICXkJTAm337gG/mDxQwdkeJRpUPdy/ZBPi2dodhYs", "OTAS-TNZP-4LYO-KMXQ-S6NB-NOZW-3U", "booth-results-bundle-v2"},
	} {
		code, out, errOut := booth(t, "", "verify", tc.file, "--signer", tc.signer, "--receipt", tc.receipt, "--json")
		var r struct {
			Format string `json:"format"`
			OK     bool   `json:"ok"`
			Checks []struct {
				Name, Status string
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || !r.OK || r.Format != tc.format {
			t.Errorf("booth verify %s: exit %d, %v, %+v\n%s", tc.file, code, err, r, errOut)
			continue
		}
		recounted := false
		for _, c := range r.Checks {
			recounted = recounted || c.Name == "recount" && c.Status == "ok"
		}
		if !recounted {
			t.Errorf("booth verify %s does not recount it: %+v", tc.file, r.Checks)
		}
	}
}
