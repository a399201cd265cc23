package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
)

// verifyFlags are the options of booth verify.
type verifyFlags struct {
	anchor  anchorFlags
	receipt string
	json    bool
	// releasesOut is where to write a trustee election's releases for
	// ssh-keygen (verify_trustees.go).
	releasesOut string
}

// anchorFlags are the trust anchors of booth verify and booth review: what
// says that the key that signed a bundle is the election server's.
type anchorFlags struct {
	signer, allowedSigners, host, knownHosts string
	// namespace is what the bundle must be signed for (resultsNamespace).
	namespace string
}

// anchorHelp is the paragraph of the commands' help on the anchors.
const anchorHelp = `Anyone can sign a bundle with a key of their own, so the signature counts only
against a key you already trust, given one way: --signer FINGERPRINT (the host
key fingerprint the officers published), --allowed-signers FILE (the
allowed_signers file published with the bundle, as ssh-keygen -Y verify reads
it: the lines for principal booth), or --host HOST[:PORT] (the key your
~/.ssh/known_hosts holds for the server you vote on; --known-hosts FILE reads
another file). Without one the signature is UNVERIFIED and the exit status 1.`

func (a *anchorFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&a.signer, "signer", "", "trust the key with this `FINGERPRINT`, the one the officers published (SHA256:…)")
	fl.StringVar(&a.allowedSigners, "allowed-signers", "", "trust the keys an allowed_signers `FILE` lists for principal booth")
	fl.StringVar(&a.host, "host", "", "trust the key your known_hosts holds for this `HOST[:PORT]`, the server you vote on")
	fl.StringVar(&a.knownHosts, "known-hosts", "", "the known_hosts `FILE` --host reads (default ~/.ssh/known_hosts)")
	fl.StringVar(&a.namespace, "namespace", "", namespaceUsage)
}

// trust reads the anchor given; nil when none is.
func (a anchorFlags) trust() (*bundle.Trust, error) {
	given := 0
	for _, v := range []string{a.signer, a.allowedSigners, a.host} {
		if v != "" {
			given++
		}
	}
	switch {
	case given > 1:
		return nil, errors.New("give one trust anchor: --signer, --allowed-signers or --host")
	case a.knownHosts != "" && a.host == "":
		return nil, errors.New("--known-hosts names the file --host reads: give --host HOST too")
	case a.signer != "":
		t, err := bundle.TrustSigner(a.signer)
		if err != nil {
			return nil, fmt.Errorf("--signer: %w", err)
		}
		return t, nil
	case a.allowedSigners != "":
		data, err := os.ReadFile(a.allowedSigners)
		if err != nil {
			return nil, fmt.Errorf("--allowed-signers: %w", err)
		}
		return bundle.TrustAllowedSigners(data, a.allowedSigners)
	case a.host != "":
		file := a.knownHosts
		if file == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, fmt.Errorf("--host: finding your known_hosts: %w; give it with --known-hosts FILE", err)
			}
			file = filepath.Join(home, ".ssh", "known_hosts")
		}
		t, err := bundle.TrustKnownHosts(a.host, file)
		if err != nil {
			return nil, fmt.Errorf("--host: %w", err)
		}
		return t, nil
	}
	return nil, nil
}

func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify FILE (--signer FINGERPRINT | --allowed-signers FILE | --host HOST[:PORT]) [--receipt CODE] [--json]",
		Short: "Check a published results bundle: signature, fingerprint, recount, receipt",
		Long: `Check a results bundle that booth election publish wrote, offline and with no
data directory: its signature, first; then that it is a bundle as booth
writes it (one text for what it says, each voter once, a consistent
turnout), the definition's fingerprint, a recount of the ledger compared
with the published result (when the election published its ledger), and
with --receipt, that the ledger holds a counted ballot under that receipt
(the ballot is printed). FILE "-" reads standard input; --receipt - reads
the receipt from standard input, which other users of the machine cannot
see, unlike the command line.

` + anchorHelp + `

Exit status 0 only when every check passes; each failure is named on
standard error ("signature: …", "recount: …", "receipt: …"). --json prints
the report for scripts.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	f.anchor.register(cmd)
	fl.StringVar(&f.receipt, "receipt", "", "a receipt to find in the ledger; - reads it from standard input")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON")
	fl.StringVar(&f.releasesOut, "releases-out", "", "for an election with trustees: write each release and an allowed_signers file into `DIR`, for ssh-keygen -Y verify")
	return cmd
}

func runVerify(cmd *cobra.Command, path string, f verifyFlags) error {
	if path == "-" && f.receipt == "-" {
		return errors.New("the bundle and the receipt cannot both come from standard input: give the bundle as a file")
	}
	trust, err := f.anchor.trust()
	if err != nil {
		return err
	}
	data, err := readBundle(cmd, path)
	if err != nil {
		return err
	}
	if f.receipt == "-" {
		line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 256)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading the receipt from standard input: %w", err)
		}
		f.receipt = strings.TrimSpace(line)
		if f.receipt == "" {
			return errors.New("--receipt -: standard input holds no receipt")
		}
	}
	ns, err := resultsNamespace(f.anchor.namespace)
	if err != nil {
		return err
	}
	b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: f.receipt, Namespace: ns})
	if f.json {
		out, err := r.JSON()
		if err != nil {
			return err
		}
		if err := safetext.WriteJSON(cmd.OutOrStdout(), json.RawMessage(out)); err != nil {
			return err
		}
	} else {
		printReport(cmd, b, r)
	}
	switch failed := countFailed(r); {
	case failed > 0:
		return fmt.Errorf("%s does not check out: %d of %d checks failed", path, failed, len(r.Checks))
	case !r.OK:
		return fmt.Errorf("%s is not verified: nothing ties its signature to the election's server; give --signer, --allowed-signers or --host", path)
	}
	if f.releasesOut != "" {
		return writeReleaseFiles(cmd.OutOrStdout(), b, f.releasesOut)
	}
	return nil
}

// readBundle reads a bundle file (or standard input for "-"), refusing
// one larger than any bundle booth writes.
func readBundle(cmd *cobra.Command, path string) ([]byte, error) {
	in := cmd.InOrStdin()
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, bundle.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > bundle.MaxBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes, more than any results bundle", path, bundle.MaxBytes)
	}
	return data, nil
}

// printReport writes each check as "name: detail": passed and skipped
// ones on standard output, failed and unverified ones on standard error.
// Text from the bundle is sanitised: the file may come from anyone.
func printReport(cmd *cobra.Command, b *bundle.Bundle, r bundle.Report) {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if r.Election != "" {
		fmt.Fprintf(out, "election %s: %s\nfingerprint %s\n", safetext.Sanitize(r.Election), safetext.Sanitize(r.Title), safetext.Sanitize(r.Fingerprint))
		fmt.Fprintf(out, "audit head: entry %d, %s\n", r.AuditSeq, safetext.Sanitize(r.AuditHead))
	}
	for _, c := range r.Checks {
		w := out
		if c.Status != bundle.StatusOK && c.Status != bundle.StatusSkipped {
			w = errOut
		}
		fmt.Fprintf(w, "%s: %s\n", c.Name, safetext.Sanitize(c.Detail))
	}
	if r.Ballot == nil {
		return
	}
	// Lookup has parsed it already; the ballot is read out in words.
	d := b.Election.Definition
	if ballot, err := models.ParseBallot(d, nil, *r.Ballot); err == nil {
		for _, line := range strings.Split(strings.TrimRight(ballot.Describe(d), "\n"), "\n") {
			fmt.Fprintf(out, "  %s\n", safetext.Sanitize(line))
		}
	}
}

// countFailed counts the failed checks of a report.
func countFailed(r bundle.Report) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == bundle.StatusFailed {
			n++
		}
	}
	return n
}
