package cli

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/bundle/page"
)

// htmlUsage is the --html flag's help, for review and publish.
const htmlUsage = "also write the results as one self-contained HTML `FILE` for a website (never overwritten)"

// checkPageFree refuses a page file that exists before any work is done:
// the page, like the bundle, is never written over.
func checkPageFree(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("--html: %s already exists: choose another file, or remove it to write the page again", path)
	}
	return nil
}

// writePage writes the results page of a bundle that bundle.Verify
// checked (b nil when it was not decoded) to a new file, readable by
// all: a results page is public.
func writePage(path, bundleFile, namespace string, b *bundle.Bundle, rep bundle.Report) error {
	var buf bytes.Buffer
	if err := page.Write(&buf, b, rep, page.Options{File: bundleFile, Namespace: namespace, Written: time.Now()}); err != nil {
		return fmt.Errorf("writing the results page: %w", err)
	}
	err := writeNewFile(path, buf.Bytes(), 0o644)
	if err == nil {
		err = os.Chmod(path, 0o644)
	}
	if err != nil {
		return fmt.Errorf("writing the results page: %w", err)
	}
	return nil
}
