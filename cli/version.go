package cli

import (
	"fmt"
	"runtime/debug"
)

// version is what booth --version prints after "booth".
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown: built without module information)"
	}
	return versionOf(bi)
}

// versionOf reads the module's version and, when the build recorded them,
// the VCS revision it was built from, the commit's time (the build's date:
// a package built twice from one commit is the same build) and whether the
// tree had changes. go build records them from a git clone unless
// -buildvcs=false; the packaging program always builds with them.
func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", with uncommitted changes"
			}
		}
	}
	if rev == "" {
		return v + " (no revision recorded: built outside a git clone or with -buildvcs=false)"
	}
	if at != "" {
		at = " of " + at
	}
	return fmt.Sprintf("%s (revision %s%s%s)", v, rev, at, modified)
}
