package cli

import (
	"fmt"
	"runtime/debug"
)

// version is what booth --version prints after "booth": the module's
// version and, when the build recorded it, the VCS revision it was built
// from, its time, and whether the tree had changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown: built without module information)"
	}
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
		return v
	}
	if at != "" {
		at = " of " + at
	}
	return fmt.Sprintf("%s (revision %s%s%s)", v, rev, at, modified)
}
