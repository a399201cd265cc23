package main

import (
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// stamp is what the built binary says it is: the packages take their
// version from it, so the two cannot disagree.
type stamp struct {
	version  string // the module's version as go build stamped it from git
	revision string
	time     time.Time // the commit's time
}

// buildBinary builds booth into bin for linux/arch with the VCS
// information recorded, whatever GOFLAGS says: go build then stamps the
// version from the nearest tag vX.Y.Z, or a pseudo-version
// v0.0.0-DATE-REVISION, plus "+dirty" for uncommitted changes.
func buildBinary(bin, arch string) (stamp, error) {
	if out, err := exec.Command("git", "rev-parse", "HEAD").CombinedOutput(); err != nil {
		return stamp{}, fmt.Errorf("the packages' version comes from git, and git rev-parse HEAD failed here (%s): run this in a git clone with at least one commit", strings.TrimSpace(string(out)))
	}
	// go build looks for a .git directory; in a git worktree .git is a file
	// and the binary would silently record no version.
	if fi, err := os.Stat(".git"); err != nil || !fi.IsDir() {
		return stamp{}, errors.New("this is not the top of a git clone (.git is not a directory here: a git worktree?), and go build records the version only in a clone: git clone . /tmp/booth-package && cd /tmp/booth-package && go run ./internal/package")
	}
	cmd := exec.Command("go", "build", "-buildvcs=true", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stamp{}, fmt.Errorf("go build for linux/%s: %v\n%s", arch, err, stderr.String())
	}
	return readStamp(bin)
}

// readStamp reads the version, revision and commit time from bin's build
// information, refusing a binary that lacks them.
func readStamp(bin string) (stamp, error) {
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		return stamp{}, fmt.Errorf("reading the build information of %s: %w", bin, err)
	}
	s := stamp{version: bi.Main.Version}
	var at string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			s.revision = kv.Value
		case "vcs.time":
			at = kv.Value
		}
	}
	if s.revision == "" || at == "" || s.version == "" || s.version == "(devel)" {
		return stamp{}, fmt.Errorf("%s records no version from git (version %q, revision %q, time %q): build it in a git clone with -buildvcs=true", bin, s.version, s.revision, at)
	}
	if s.time, err = time.Parse(time.RFC3339, at); err != nil {
		return stamp{}, fmt.Errorf("%s: its vcs.time %q: %w", bin, at, err)
	}
	return s, nil
}

// The packaged unit is examples/booth.service with the binary where the
// package puts it; its install notes for a hand-built binary give way to
// the package's own.
const (
	handExec     = "ExecStart=/usr/local/bin/booth "
	packagedExec = "ExecStart=/usr/bin/booth "
	unitHeader   = `# booth serve as a systemd service, installed by the booth package.
# Settings: /etc/booth/booth.env. Changes beyond them: systemctl edit booth.
# See /usr/share/doc/booth/operations.md.

`
)

// writeUnit writes the packaged unit made from the example unit at src.
func writeUnit(src, dst string) error {
	text, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	unit, err := packagedUnit(string(text))
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, []byte(unit), 0o644)
}

func packagedUnit(text string) (string, error) {
	start := strings.Index(text, "[Unit]")
	if start < 0 {
		return "", errors.New("no [Unit] section")
	}
	if n := strings.Count(text, handExec); n != 1 {
		return "", fmt.Errorf("found %q %d times, not once: the packaged unit replaces it with %q", handExec, n, packagedExec)
	}
	return unitHeader + strings.Replace(text[start:], handExec, packagedExec, 1), nil
}
