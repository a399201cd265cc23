package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The packages built from a fresh clone of the committed tree, with the
// one command the README gives, hold what an admin needs, and the deb
// installs and runs. It installs a package on this machine as root, so it
// runs only where asked: .ci/run sets BOOTH_TEST_PACKAGES=1 (and installs
// rpm). It leaves the machine as it found it: no booth user, no
// /var/lib/booth, unless they were there before.
func TestPackagesFromFreshClone(t *testing.T) {
	if os.Getenv("BOOTH_TEST_PACKAGES") != "1" {
		t.Skip("builds and installs the packages as root: set BOOTH_TEST_PACKAGES=1 to run it (.ci/run does)")
	}
	for _, tool := range []string{"git", "go", "rpm", "dpkg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to build and inspect the packages (apt-get install rpm; .ci/run does): %v", tool, err)
		}
	}
	if os.Geteuid() != 0 {
		t.Fatal("dpkg -i needs root")
	}
	top := strings.TrimSpace(mustRun(t, "", "git", "rev-parse", "--show-toplevel"))
	clone := filepath.Join(t.TempDir(), "booth")
	mustRun(t, "", "git", "clone", "--quiet", top, clone)
	rev := strings.TrimSpace(mustRun(t, clone, "git", "rev-parse", "HEAD"))

	start := time.Now()
	out := mustRun(t, clone, "go", "run", "./internal/package")
	t.Logf("go run ./internal/package in a fresh clone of %s, %s:\n%s", rev[:12], time.Since(start).Round(time.Second), out)
	rpms, _ := filepath.Glob(filepath.Join(clone, "dist", "booth-*.rpm"))
	debs, _ := filepath.Glob(filepath.Join(clone, "dist", "booth_*.deb"))
	if len(rpms) != 1 || len(debs) != 1 {
		t.Fatalf("dist/ holds rpms %v and debs %v, want one of each", rpms, debs)
	}
	rpm, deb := rpms[0], debs[0]
	// The version is git's pseudo-version for the commit (no tag yet): its
	// date, then the revision's first 12 digits.
	if !strings.Contains(rpm, "_"+rev[:12]+"-1.") || !strings.Contains(deb, "-"+rev[:12]+"-1_") {
		t.Errorf("the package names %s and %s do not carry the revision %s", rpm, deb, rev[:12])
	}

	t.Run("rpm lists", func(t *testing.T) {
		files := mustRun(t, "", "rpm", "-qpl", rpm)
		for _, want := range []string{
			"/usr/bin/booth",
			"/usr/lib/systemd/system/booth.service",
			"/usr/lib/sysusers.d/booth.conf",
			"/usr/lib/tmpfiles.d/booth.conf",
			"/etc/booth/booth.env",
			"/usr/share/man/man1/booth.1.gz",
			"/usr/share/man/man1/booth-serve.1.gz",
			"/usr/share/man/man1/booth-election-publish.1.gz",
			"/usr/share/bash-completion/completions/booth",
			"/usr/share/zsh/site-functions/_booth",
			"/usr/share/fish/vendor_completions.d/booth.fish",
			"/usr/share/doc/booth/README.md",
			"/usr/share/doc/booth/operations.md",
		} {
			if !containsLine(files, want) {
				t.Errorf("rpm -qpl lacks %s:\n%s", want, files)
			}
		}
	})
	t.Run("rpm info", func(t *testing.T) {
		info := mustRun(t, "", "rpm", "-qpi", rpm)
		for _, want := range []string{
			`(?m)^Name\s*: booth$`,
			`(?m)^Version\s*: 0\.0\.0~\d{14}_` + rev[:12] + `$`,
			`(?m)^License\s*: NOASSERTION$`,
			`(?m)^Summary\s*: Voting booth for a foundation's elections over SSH$`,
		} {
			if !regexp.MustCompile(want).MatchString(info) {
				t.Errorf("rpm -qpi does not match %s:\n%s", want, info)
			}
		}
		if req := mustRun(t, "", "rpm", "-qpR", rpm); !containsLine(req, "systemd") {
			t.Errorf("rpm -qpR lacks systemd:\n%s", req)
		}
	})
	t.Run("rpm scripts", func(t *testing.T) {
		scripts := mustRun(t, "", "rpm", "-qp", "--scripts", rpm)
		for _, want := range []string{
			"postinstall scriptlet",
			"systemd-sysusers /usr/lib/sysusers.d/booth.conf",
			"systemd-tmpfiles --create /usr/lib/tmpfiles.d/booth.conf",
			"systemctl daemon-reload",
			"preuninstall scriptlet",
			"systemctl --no-reload disable --now booth.service",
			"postuninstall scriptlet",
		} {
			if !strings.Contains(scripts, want) {
				t.Errorf("rpm -qp --scripts lacks %q:\n%s", want, scripts)
			}
		}
	})
	t.Run("rpm config", func(t *testing.T) {
		// c: %config, n: noreplace; root's alone, as it may hold a password.
		flags := mustRun(t, "", "rpm", "-qp", "--qf", `[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\n]`, rpm)
		if !containsLine(flags, "cn -rw------- root /etc/booth/booth.env") {
			t.Errorf("/etc/booth/booth.env is not %%config(noreplace), 0600, root's:\n%s", flags)
		}
		if cfg := mustRun(t, "", "rpm", "-qpc", rpm); strings.TrimSpace(cfg) != "/etc/booth/booth.env" {
			t.Errorf("rpm -qpc lists %q, want /etc/booth/booth.env alone", cfg)
		}
	})
	t.Run("deb installs", func(t *testing.T) { installDeb(t, deb, rev) })
}

// installDeb installs the deb, checks what it put on the machine and runs
// the installed booth, then purges it.
func installDeb(t *testing.T, deb, rev string) {
	if out, err := exec.Command("dpkg-query", "-W", "booth").CombinedOutput(); err == nil {
		t.Fatalf("a booth package is installed on this machine already (%s): the test will not replace it", strings.TrimSpace(string(out)))
	}
	_, userErr := exec.Command("getent", "passwd", "booth").Output()
	_, dirErr := os.Stat("/var/lib/booth")
	t.Cleanup(func() {
		_ = exec.Command("dpkg", "--purge", "booth").Run()
		if dirErr != nil {
			os.RemoveAll("/var/lib/booth")
		}
		if userErr != nil {
			_ = exec.Command("userdel", "booth").Run()
		}
	})
	mustRun(t, "", "dpkg", "-i", deb)

	version := mustRun(t, "", "/usr/bin/booth", "--version")
	if want := `^booth v0\.0\.0-\d{14}-` + rev[:12] + ` \(revision ` + rev + ` of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$`; !regexp.MustCompile(want).MatchString(version) {
		t.Errorf("the installed booth --version printed %q, want it to match %s", version, want)
	}
	if pw := mustRun(t, "", "getent", "passwd", "booth"); !strings.Contains(pw, ":/var/lib/booth:/usr/sbin/nologin") {
		t.Errorf("the booth user is %q, want home /var/lib/booth and no login shell", pw)
	}
	if st := mustRun(t, "", "stat", "-c", "%a %U %G", "/var/lib/booth"); st != "700 booth booth\n" {
		t.Errorf("/var/lib/booth is %q, want mode 700 owned by booth", st)
	}
	unit, err := os.ReadFile("/usr/lib/systemd/system/booth.service")
	if err != nil || !strings.Contains(string(unit), "\nExecStart=/usr/bin/booth serve --listen ${BOOTH_LISTEN}\n") {
		t.Errorf("the installed unit does not start /usr/bin/booth (%v):\n%s", err, unit)
	}
	mustRun(t, "", "systemd-analyze", "verify", "/usr/lib/systemd/system/booth.service")
	if _, err := os.Stat("/usr/share/man/man1/booth-serve.1.gz"); err != nil {
		t.Errorf("no man page for booth serve: %v", err)
	}
	if cf := mustRun(t, "", "dpkg-query", "-W", "-f", "${Conffiles}", "booth"); !strings.Contains(cf, "/etc/booth/booth.env ") {
		t.Errorf("the deb's conffiles are %q, want /etc/booth/booth.env", cf)
	}

	mustRun(t, "", "dpkg", "--purge", "booth")
	for _, gone := range []string{"/usr/bin/booth", "/etc/booth/booth.env", "/usr/lib/systemd/system/booth.service"} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s is still there after dpkg --purge (%v)", gone, err)
		}
	}
	// The data directory outlives the package: an election's database is
	// never the package manager's to delete.
	if _, err := os.Stat("/var/lib/booth"); err != nil {
		t.Errorf("dpkg --purge took /var/lib/booth with it: %v", err)
	}
}

// mustRun runs a command in dir (this directory when empty) and returns
// its standard output, failing the test with its error output.
func mustRun(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func containsLine(text, line string) bool {
	for l := range strings.Lines(text) {
		if strings.TrimRight(l, "\n") == line {
			return true
		}
	}
	return false
}
