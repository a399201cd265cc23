package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"filippo.io/age"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/i18n"
	boothssh "vote.example.org/booth/ssh"
)

// publishFlags are the options of booth election publish.
type publishFlags struct {
	out, key, hostKey, namespace string
	// html is the results page to write besides the bundle, if any.
	html string
}

func newElectionPublishCmd() *cobra.Command {
	var f publishFlags
	var tf trusteeFlags
	cmd := &cobra.Command{
		Use:   "publish ELECTION --out FILE [--key FILE] [--host-key PATH]",
		Short: "Write a counted election's signed results bundle",
		Long: `Write the results bundle of a counted election to FILE: the definition with
its fingerprint, the result with every round, the turnout, the members who
voted, the audit chain's head and, when the election publishes its ledger,
every ballot by the hash of its receipt. It is signed with the server's host
key in the SSH signature format (namespace ` + bundle.Namespace + `, or your
foundation's own with --namespace or $` + namespaceEnv + `),
so anyone can check it with 'booth verify FILE' or with ssh-keygen alone;
the command prints the allowed_signers line and the ssh-keygen command to
publish with it. The server keeps the bundle ('ssh HOST bundle ELECTION'
hands it out); publishing again replaces it. The publication is recorded in
the audit log with the bundle's SHA-256.

With --html OUT.html, publish also writes the results as one self-contained
web page (as booth review --html writes it), checked against this host key.

An election that publishes its ledger needs --key to unseal its ballots
(recorded in the audit log, as for a count).

An election with trustees is published with --trustees: the bundle lists
the releases its count used (the count session's evidence, required), and,
when the ledger is published, the same --release files open the ballots
again. Publishing ends the count session and deletes its key file (give the
same --session-key, or run it from the same directory, as the count).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tf.on {
				return runTrusteePublish(cmd, args[0], f, tf)
			}
			if len(tf.releases) > 0 {
				return errors.New("--release needs --trustees")
			}
			return runPublish(cmd, args[0], f)
		},
	}
	tf.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "the bundle file to write (required; never overwritten)")
	fl.StringVar(&f.key, "key", "", "the election's tally key file, or an officer's SSH private key (needed when the ledger is published)")
	fl.StringVar(&f.hostKey, "host-key", "", "the host key that signs (default DATA/"+hostKeyName+")")
	fl.StringVar(&f.namespace, "namespace", "", namespaceUsage)
	fl.StringVar(&f.html, "html", "", htmlUsage)
	return cmd
}

func runPublish(cmd *cobra.Command, electionID string, f publishFlags) error {
	if f.out == "" {
		return errors.New("--out is required: the file to write the bundle to")
	}
	if _, err := os.Lstat(f.out); err == nil {
		return fmt.Errorf("%s already exists: choose another file, or remove it to publish again", f.out)
	}
	if f.html != "" {
		if err := checkPageFree(f.html); err != nil {
			return err
		}
	}
	ns, err := resultsNamespace(f.namespace)
	if err != nil {
		return err
	}
	var ids []age.Identity
	if f.key != "" {
		if ids, err = readKeyFile(f.key); err != nil {
			return err
		}
	}
	signer, err := boothssh.LoadHostKey(hostKeyPath(cmd, f.hostKey))
	if err != nil {
		return err
	}
	s, err := tickedService(cmd)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := findElection(cmd.Context(), s, electionID)
	if err != nil {
		return err
	}
	if e.PublishLedger && ids == nil {
		return fmt.Errorf("--key is required: election %s publishes its ledger, so its ballots must be unsealed with the tally key (or an officer's SSH key)", e.ID)
	}
	data, err := s.Publish(cmd.Context(), e.ID, ids, func(p models.Publication) ([]byte, error) {
		return bundle.Sign(p, signer, ns)
	}, actor())
	if err != nil {
		return err
	}
	// A bundle is public: 0644 whatever the umask.
	err = writeNewFile(f.out, data, 0o644)
	if err == nil {
		err = os.Chmod(f.out, 0o644)
	}
	if err != nil {
		return fmt.Errorf("the bundle was published (the server hands it out), but writing %s failed: %w; fetch it with 'ssh HOST bundle %s'", f.out, err, e.ID)
	}
	if err := printPublished(cmd.OutOrStdout(), e.ID, f.out, ns, data, signer.PublicKey()); err != nil {
		return err
	}
	if f.html != "" {
		if err := publishPage(cmd, f, ns, data, signer.PublicKey()); err != nil {
			return err
		}
	}
	fmt.Fprintln(cmd.OutOrStdout())
	return printAuditHead(cmd.Context(), cmd.OutOrStdout(), s)
}

// namespaceArg is the --namespace a reader gives booth verify for a
// bundle signed in namespace: none for the default.
func namespaceArg(namespace string) string {
	if namespace == bundle.Namespace {
		return ""
	}
	return " --namespace " + namespace
}

// printPublished tells the officer what to publish with the bundle.
func printPublished(w io.Writer, electionID, path, namespace string, data []byte, host gossh.PublicKey) error {
	sum := sha256.Sum256(data)
	_, err := fmt.Fprintf(w, `results bundle of %s written to %s (%d bytes, sha256 %s)
signed by the host key %s

Publish the bundle with this allowed_signers line, so anyone can check it
with OpenSSH alone:

%s

Saved as allowed_signers next to the bundle, this checks it:

%s
or, with booth:

booth verify %s --signer %s%s
`, electionID, path, len(data), hex.EncodeToString(sum[:]), gossh.FingerprintSHA256(host),
		bundle.AllowedSigners(host, namespace), bundle.VerifyCommand(path, "allowed_signers", namespace), path, gossh.FingerprintSHA256(host), namespaceArg(namespace))
	return err
}

// publishPage writes the results page of a bundle just published, checked
// as a reader would check it, against the host key that signed it.
func publishPage(cmd *cobra.Command, f publishFlags, ns string, data []byte, host gossh.PublicKey) error {
	trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(host))
	if err != nil {
		return err
	}
	// Whoever reads the page gave no fingerprint: it was this host key.
	trust.Source = i18n.Textf("the host key of the server that signed it")
	b, rep := bundle.Verify(data, bundle.Options{Trust: trust, Namespace: ns})
	if err := writePage(f.html, f.out, ns, b, rep); err != nil {
		return fmt.Errorf("the bundle was published, but %w; write it again with 'booth review %s --signer %s --html FILE'", err, f.out, gossh.FingerprintSHA256(host))
	}
	if !rep.OK {
		return fmt.Errorf("the bundle was published, but it does not pass its own checks; %s says why", f.html)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "\nresults page written to %s\n", f.html)
	return err
}
