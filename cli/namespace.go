package cli

import (
	"fmt"
	"os"

	"vote.example.org/booth/models/bundle"
)

// namespaceEnv names the environment variable that sets the SSH signature
// namespace of results bundles: a foundation's own domain
// (booth-results@example.org) instead of booth's default.
const namespaceEnv = "BOOTH_RESULTS_NAMESPACE"

// namespaceUsage is the help of --namespace, on every command that signs
// or checks a results bundle.
const namespaceUsage = "the results bundles' SSH signature `NAMESPACE` (default $" + namespaceEnv + ", else " + bundle.Namespace + ")"

// resultsNamespace is the namespace results bundles are signed and checked
// in: --namespace (flag), else $BOOTH_RESULTS_NAMESPACE, else booth's
// default.
func resultsNamespace(flag string) (string, error) {
	ns, from := flag, "--namespace"
	if ns == "" {
		ns, from = os.Getenv(namespaceEnv), "$"+namespaceEnv
	}
	if ns == "" {
		return bundle.Namespace, nil
	}
	if err := bundle.CheckNamespace(ns); err != nil {
		return "", fmt.Errorf("%s: %w", from, err)
	}
	return ns, nil
}
