package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/trustee"
)

// writeReleaseFiles writes each trustee release a verified bundle lists
// as a statement and its signature, with an allowed_signers file of the
// trustees' keys from the definition, so that ssh-keygen alone can check
// each release; it prints the commands.
func writeReleaseFiles(w io.Writer, b *bundle.Bundle, dir string) error {
	if b.Trustees == nil {
		return errors.New("--releases-out: this election has no trustees, so its bundle lists no releases")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--releases-out: %w", err)
	}
	t := b.Election.Trustees
	var signers strings.Builder
	for i, k := range t.Keys {
		fmt.Fprintf(&signers, "trustee-%d namespaces=%q %s\n", i+1, trustee.Namespace, k)
	}
	allowed := filepath.Join(dir, "allowed_signers")
	files := map[string]string{allowed: signers.String()}
	var cmds []string
	for _, r := range b.Trustees.Releases {
		stmt := filepath.Join(dir, fmt.Sprintf("release-%d.statement", r.Index))
		sig := filepath.Join(dir, fmt.Sprintf("release-%d.sig", r.Index))
		files[stmt], files[sig] = r.Statement, r.Signature
		cmds = append(cmds, fmt.Sprintf("ssh-keygen -Y verify -f %s -I trustee-%d -n %s -s %s < %s",
			shellWord(allowed), r.Index, trustee.Namespace, shellWord(sig), shellWord(stmt)))
	}
	for name, content := range files {
		if err := writeNewFile(name, []byte(content), 0o644); err != nil {
			return fmt.Errorf("--releases-out: %w (the directory must not hold an earlier run's files)", err)
		}
	}
	fmt.Fprintf(w, "\nThe trustees' releases are in %s, with an allowed_signers file of the\ntrustee keys the definition names. Check each with OpenSSH alone:\n\n%s\n", dir, strings.Join(cmds, "\n"))
	return nil
}

// shellWord quotes a file name for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
