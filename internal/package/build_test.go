package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// The packaged unit is the example unit starting /usr/bin/booth, under the
// package's own header instead of the hand-install notes.
func TestPackagedUnit(t *testing.T) {
	example, err := os.ReadFile("../../examples/booth.service")
	if err != nil {
		t.Fatal(err)
	}
	unit, err := packagedUnit(string(example))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(unit, unitHeader+"[Unit]\n") {
		t.Errorf("the packaged unit does not start with its header and [Unit]:\n%s", unit)
	}
	if strings.Contains(unit, "/usr/local/bin") || !strings.Contains(unit, "\nExecStart=/usr/bin/booth serve --listen ${BOOTH_LISTEN}\n") {
		t.Errorf("the packaged unit does not start /usr/bin/booth:\n%s", unit)
	}
	// Everything from [Unit] on is the example's, hardening included.
	_, rest, _ := strings.Cut(string(example), "[Unit]")
	if got := strings.Replace(unit, packagedExec, handExec, 1); !strings.HasSuffix(got, rest) {
		t.Errorf("the packaged unit differs from the example beyond ExecStart:\n%s", unit)
	}
}

// A unit the transformation cannot apply to is refused, saying why.
func TestPackagedUnitRefuses(t *testing.T) {
	for _, tc := range []struct{ name, unit, want string }{
		{"no unit section", "[Service]\nExecStart=/usr/local/bin/booth serve\n", "no [Unit] section"},
		{"binary elsewhere", "[Unit]\n[Service]\nExecStart=/opt/booth serve\n", `found "ExecStart=/usr/local/bin/booth " 0 times`},
		{"two ExecStart", "[Unit]\n[Service]\nExecStart=/usr/local/bin/booth serve\nExecStart=/usr/local/bin/booth serve\n", "2 times, not once"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := packagedUnit(tc.unit); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("packagedUnit: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// A binary without a version from git is no base for a package: a test
// binary is built without one.
func TestReadStampRefusesUnstamped(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readStamp(self); err == nil || !strings.Contains(err.Error(), "records no version from git") {
		t.Errorf("readStamp of the test binary: %v, want a refusal", err)
	}
	if _, err := readStamp("build_test.go"); err == nil || !strings.Contains(err.Error(), "reading the build information of build_test.go") {
		t.Errorf("readStamp of a source file: %v, want a refusal", err)
	}
}

// Run anywhere but the top of a clone, or with bad flags, the program says
// what to do instead.
func TestRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		dir  string
		want string
	}{
		{"elsewhere", nil, t.TempDir(), "run this from booth's top directory"},
		{"unknown flag", []string{"-rpm-only"}, "", "flag provided but not defined: -rpm-only (flags: -out DIR"},
		{"argument", []string{"rpm"}, "", `unexpected argument "rpm"`},
		{"worktree", nil, worktree(t), "go build records the version only in a clone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.dir != "" {
				t.Chdir(tc.dir)
			}
			if err := run(tc.args, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run %v: %v, want an error saying %q", tc.args, err, tc.want)
			}
		})
	}
}

// worktree makes a directory laid out as a git worktree's top: the
// packaging config, and .git a file pointing elsewhere.
func worktree(t *testing.T) string {
	dir := t.TempDir()
	mustRun(t, dir, "git", "init", "--quiet")
	mustRun(t, dir, "git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "--allow-empty", "-m", "empty")
	wt := t.TempDir()
	os.Remove(wt)
	mustRun(t, dir, "git", "worktree", "add", "--quiet", wt)
	if err := os.MkdirAll(wt+"/packaging", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wt+"/packaging/nfpm.yaml", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return wt
}

// -h prints the flags and builds nothing.
func TestRunHelp(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-h"}, &out); err != nil {
		t.Fatalf("run -h: %v", err)
	}
	for _, want := range []string{"-out", "-arch", "-license"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("run -h does not name %s:\n%s", want, out.String())
		}
	}
}
