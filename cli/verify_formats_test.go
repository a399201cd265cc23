package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// bundleFormats are a bundle of each format booth reads: v3, and those
// published before the definition and the result had snake_case keys (v2)
// and before ballot texts were canonical (v1).
var bundleFormats = []struct{ file, signer, receipt, format string }{
	{"../models/bundle/testdata/v1.bundle", "SHA256:doxiASlJnKSD9j+JpVoWpfEFHjUrsF9ZYr+cir4FYjo", "OYH2-5MCJ-2OMB-DJFE-ZH25-24ID-II", "booth-results-bundle-v1"},
	{"../models/bundle/testdata/v2.bundle", "SHA256:XiICXkJTAm337gG/mDxQwdkeJRpUPdy/ZBPi2dodhYs", "OTAS-TNZP-4LYO-KMXQ-S6NB-NOZW-3U", "booth-results-bundle-v2"},
	{"../models/bundle/testdata/v3.bundle", "SHA256:zbv/nU7iZdO0fB0DalMI70dP6/yFD8sctXvvW4+OokY", "PJYE-ZMWC-B6XI-7YJJ-GBX7-6ZHD-HU", "booth-results-bundle-v3"},
}

// Issue 11: a bundle of each format booth reads verifies with booth
// verify, recount included; the report names each one's format.
func TestVerifyReadsEveryBundleFormat(t *testing.T) {
	for _, tc := range bundleFormats {
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

// booth review opens a bundle of each format booth reads: it gets past
// every check and stops only for want of a terminal.
func TestReviewReadsEveryBundleFormat(t *testing.T) {
	for _, tc := range bundleFormats {
		code, _, errOut := booth(t, "", "review", tc.file, "--signer", tc.signer)
		if code != 1 || !strings.Contains(errOut, "this command needs a terminal") {
			t.Errorf("booth review %s: exit %d, %q", tc.file, code, errOut)
		}
	}
}
