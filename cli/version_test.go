package cli

import (
	"runtime/debug"
	"testing"
)

// The version line carries what the build recorded: the module version,
// the revision and the commit's time, and says so when it recorded none.
func TestVersionOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"stamped", debug.BuildInfo{
			Main: debug.Module{Version: "v0.0.0-20261203065521-4dd6f3b1a2c3"},
			Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "4dd6f3b1a2c3d4e5f60718293a4b5c6d7e8f9012"},
				{Key: "vcs.time", Value: "2026-12-03T06:55:21Z"},
				{Key: "vcs.modified", Value: "false"},
			}},
			"v0.0.0-20261203065521-4dd6f3b1a2c3 (revision 4dd6f3b1a2c3d4e5f60718293a4b5c6d7e8f9012 of 2026-12-03T06:55:21Z)"},
		{"dirty", debug.BuildInfo{
			Main: debug.Module{Version: "v1.2.0+dirty"},
			Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "abc"},
				{Key: "vcs.modified", Value: "true"},
			}},
			"v1.2.0+dirty (revision abc, with uncommitted changes)"},
		{"no vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"(devel) (no revision recorded: built outside a git clone or with -buildvcs=false)"},
		{"no version", debug.BuildInfo{},
			"(devel) (no revision recorded: built outside a git clone or with -buildvcs=false)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionOf(&tc.bi); got != tc.want {
				t.Errorf("versionOf:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
