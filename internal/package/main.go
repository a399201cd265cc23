// Command package builds booth's RPM and deb packages from a git clone, in
// one step: it builds the binary with its version stamped from git, makes
// the man pages and the shell completions from the command tree, and packs
// them with the systemd unit, the sysusers.d and tmpfiles.d entries, the
// config file and the docs, as packaging/nfpm.yaml lists them. From the
// repository's top directory:
//
//	go run ./internal/package
//
// The packager library (nfpm) is this program's dependency only: the booth
// binary never links it (.ci/run checks).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "package: %v\n", err)
		os.Exit(1)
	}
}

// options are the program's flags.
type options struct {
	out     string
	arch    string
	license string
	formats []string
}

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "dist", "directory for the packages (and build/ with what goes in them)")
	fs.StringVar(&o.arch, "arch", runtime.GOARCH, "the packages' architecture, as GOARCH names it (amd64, arm64)")
	// The repository names no licence yet; the packages say so rather than
	// guess one (SPDX's word for it).
	fs.StringVar(&o.license, "license", "NOASSERTION", "the License field of the packages, an SPDX expression")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "go run ./internal/package [flags]: booth's RPM and deb, from the top of a git clone")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return o, fmt.Errorf("%w (flags: -out DIR, -arch GOARCH, -license SPDX)", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: the flags are -out DIR, -arch GOARCH, -license SPDX", fs.Arg(0))
	}
	o.formats = []string{"rpm", "deb"}
	return o, nil
}

func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join("packaging", "nfpm.yaml")); err != nil {
		return errors.New("packaging/nfpm.yaml not found: run this from booth's top directory, as go run ./internal/package")
	}
	start := time.Now()
	build := filepath.Join(o.out, "build")
	if err := os.RemoveAll(build); err != nil {
		return err
	}
	bin := filepath.Join(build, "booth")
	st, err := buildBinary(bin, o.arch)
	if err != nil {
		return err
	}
	if err := writeUnit(filepath.Join("examples", "booth.service"), filepath.Join(build, "booth.service")); err != nil {
		return err
	}
	if err := writeManPages(filepath.Join(build, "man"), st); err != nil {
		return err
	}
	if err := writeCompletions(filepath.Join(build, "completions")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "booth %s (revision %s of %s)\n", st.version, st.revision, st.time.Format(time.RFC3339))
	vars := map[string]string{"VERSION": st.version, "ARCH": o.arch, "BUILD": build}
	for _, format := range o.formats {
		path, err := pack(format, vars, o.license, st.time, o.out)
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\t%.1f MiB\n", path, float64(fi.Size())/(1<<20))
	}
	fmt.Fprintf(stdout, "built in %s\n", time.Since(start).Round(100*time.Millisecond))
	return nil
}

// pack writes one package of format into dir, named as that format names
// its files, and returns its path. Every file in it carries the commit's
// time, so a package built twice from one commit is the same package.
func pack(format string, vars map[string]string, license string, mtime time.Time, dir string) (string, error) {
	cfg, err := nfpm.ParseFileWithEnvMapping(filepath.Join("packaging", "nfpm.yaml"), func(name string) string { return vars[name] })
	if err != nil {
		return "", fmt.Errorf("packaging/nfpm.yaml: %w", err)
	}
	info, err := cfg.Get(format)
	if err != nil {
		return "", fmt.Errorf("packaging/nfpm.yaml for %s: %w", format, err)
	}
	info.MTime = mtime
	info.License = license
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, format); err != nil {
		return "", fmt.Errorf("the %s package's contents: %w", format, err)
	}
	p, err := nfpm.Get(format)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, p.ConventionalFileName(info))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := p.Package(info, f); err != nil {
		f.Close()
		return "", fmt.Errorf("building %s: %w", path, err)
	}
	return path, f.Close()
}
