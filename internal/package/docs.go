package main

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra/doc"

	"vote.example.org/booth/cli"
)

// writeManPages writes one gzipped man page per command into dir, dated
// by the commit so that rebuilding a commit gives the same pages.
func writeManPages(dir string, st stamp) error {
	plain := filepath.Join(dir, "plain")
	if err := os.MkdirAll(plain, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{
		Title:   "BOOTH",
		Section: "1",
		Date:    &st.time,
		Source:  "booth " + st.version,
		Manual:  "booth manual",
	}
	if err := doc.GenManTree(cli.Command(), header, plain); err != nil {
		return fmt.Errorf("generating the man pages: %w", err)
	}
	pages, err := filepath.Glob(filepath.Join(plain, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := gzipFile(p, filepath.Join(dir, filepath.Base(p)+".gz")); err != nil {
			return err
		}
	}
	return os.RemoveAll(plain)
}

// gzipFile compresses src into dst with no name or time in the gzip
// header, as man pages are shipped.
func gzipFile(src, dst string) error {
	text, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	if _, err := zw.Write(text); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeCompletions writes the bash, zsh and fish completion scripts into
// dir, as `booth completion SHELL` prints them.
func writeCompletions(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, gen := range map[string]func(*os.File) error{
		"booth.bash": func(f *os.File) error { return cli.Command().GenBashCompletionV2(f, true) },
		"_booth":     func(f *os.File) error { return cli.Command().GenZshCompletion(f) },
		"booth.fish": func(f *os.File) error { return cli.Command().GenFishCompletion(f, true) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := gen(f); err != nil {
			f.Close()
			return fmt.Errorf("generating the %s completion: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
