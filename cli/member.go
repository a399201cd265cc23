package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The member commands register members and their SSH keys. Files are read
// and checked before the data directory is opened, so a bad file is
// reported the same whether or not the store is reachable.

func newMemberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "member",
		Short: "Register members and their SSH keys; suspend, reinstate, remove",
		Long: `Members are recognised at login by the SSH key that signed. A member id is
1–64 characters of a–z, 0–9, '.', '_' and '-', starting with a letter or digit.
Keys are given in authorized_keys form (a .pub file), one per line, without
options; DSA keys, RSA keys under 2048 bits and certificates are refused.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	add := creating(newMemberAddCmd())
	add.ValidArgsFunction = cobra.NoFileCompletions // a new member's id
	cmd.AddCommand(add, creating(newMemberImportCmd()), newMemberListCmd(), newMemberShowCmd(),
		newMemberStatusCmd("suspend", models.Suspended), newMemberStatusCmd("reinstate", models.Active),
		newMemberStatusCmd("remove", models.Removed), newMemberKeyCmd(), newMemberRenewCmd(), newMemberLapseCmd())
	completeFirstArg(cmd, memberIDs, "ID")
	return cmd
}

// withMemberStore opens the store for one command and closes it after.
func withMemberStore(cmd *cobra.Command, f func(context.Context, *models.Service) error) error {
	svc, err := openService(cmd)
	if err != nil {
		return err
	}
	defer svc.Close()
	return f(cmd.Context(), svc)
}

func newMemberAddCmd() *cobra.Command {
	var name, email, keyFile, joined, goodUntil string
	cmd := &cobra.Command{
		Use:   "add ID --name NAME [--email ADDRESS] --key FILE|- [--joined DATE] [--good-until DATE]",
		Short: "Register a member with one or more SSH public keys",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := models.Member{ID: args[0], Name: strings.TrimSpace(name), Email: strings.TrimSpace(email)}
			if err := models.CheckMemberID(m.ID); err != nil {
				return err
			}
			if m.Name == "" {
				return errors.New("--name is required: the member's name as voters and officers should see it")
			}
			if err := models.CheckMemberName(m.Name); err != nil {
				return fmt.Errorf("--name: %w", err)
			}
			if m.Email != "" {
				if err := models.CheckEmail(m.Email); err != nil {
					return fmt.Errorf("--email: %w", err)
				}
			}
			var err error
			if m.Joined, err = parseDay("--joined", joined); err != nil {
				return err
			}
			if m.GoodUntil, err = parseDay("--good-until", goodUntil); err != nil {
				return err
			}
			keys, err := readKeyArg(cmd, keyFile)
			if err != nil {
				return err
			}
			m.Keys = keys
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if err := svc.AddMember(ctx, m, actor()); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "added member %s (%s) with %s\n", m.ID, safetext.Show(m.Name), countOf(len(keys), "key"))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the member's name (required)")
	cmd.Flags().StringVar(&email, "email", "", "the member's e-mail address, for the officers")
	cmd.Flags().StringVar(&keyFile, "key", "", "file of SSH public keys, one per line (a .pub file), or - for standard input (required)")
	cmd.Flags().StringVar(&joined, "joined", "", "when the member joined (2025-03-01 or an RFC 3339 time; default now)")
	cmd.Flags().StringVar(&goodUntil, "good-until", "", "when their term ends (default: one term from now, when the foundation sets a term)")
	return cmd
}

// readKeyArg reads the keys of --key: a file or, for "-", standard input.
func readKeyArg(cmd *cobra.Command, path string) ([]models.Key, error) {
	var in io.Reader
	switch path {
	case "":
		return nil, errors.New("--key is required: give the member's public key file (such as id_ed25519.pub), or - to read it from standard input")
	case "-":
		in, path = cmd.InOrStdin(), "stdin"
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		defer f.Close()
		in = f
	}
	keys, err := models.ParseKeys(in)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		ve.File = path
		return nil, memberFileProblems(ve, "nothing was registered")
	}
	return keys, err
}

// memberFileProblems presents a file's problems one per line under a summary.
func memberFileProblems(ve *models.ValidationError, outcome string) error {
	if len(ve.Problems) == 1 {
		return fmt.Errorf("%w (%s)", ve, outcome)
	}
	return fmt.Errorf("%d problems in %s, %s:\n%w", len(ve.Problems), ve.File, outcome, ve)
}

func newMemberImportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Register all the members of a CSV or TOML file, or none",
		Long: `Import members from FILE, all or none. CSV has the header id,name,email,key
and one row per key (rows with the same id add keys; email may be empty);
TOML has one [[member]] table per member with id, name, email and
keys = ["ssh-ed25519 AAAA… comment", …]. Blank lines, # comments, CRLF line
ends and a byte order mark are fine. Every problem is reported with its line.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := readMemberFile(args[0])
			if err != nil {
				return err
			}
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				err := svc.ImportMembers(ctx, f, actor())
				var ve *models.ValidationError
				if errors.As(err, &ve) {
					return memberFileProblems(ve, "nothing was imported")
				}
				if err != nil {
					return fmt.Errorf("%w; nothing was imported", err)
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "imported %s with %s\n", countOf(len(f.Members), "member"), countOf(f.Keys(), "key"))
				return err
			})
		},
	}
}

func readMemberFile(path string) (*models.MemberFile, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	f, err := models.ReadMemberFile(path, in)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return nil, memberFileProblems(ve, "nothing was imported")
	}
	return f, err
}

// memberJSON is how --json shows a member.
type memberJSON struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	Email             string     `json:"email,omitempty"`
	Status            string     `json:"status"`
	Joined            time.Time  `json:"joined"`
	GoodStandingUntil *time.Time `json:"good_standing_until,omitempty"`
	Standing          string     `json:"standing,omitempty"`
	Keys              []keyJSON  `json:"keys"`
}

type keyJSON struct {
	Fingerprint string `json:"fingerprint"`
	Type        string `json:"type"`
	Public      string `json:"public"`
	Comment     string `json:"comment,omitempty"`
}

func memberToJSON(m models.Member, st models.Standing) memberJSON {
	j := memberJSON{ID: m.ID, Name: m.Name, Email: m.Email, Status: string(m.Status), Joined: m.Joined.UTC(), Keys: []keyJSON{},
		Standing: string(st.State)}
	if !m.GoodUntil.IsZero() {
		u := m.GoodUntil.UTC()
		j.GoodStandingUntil = &u
	}
	for _, k := range m.Keys {
		j.Keys = append(j.Keys, keyJSON{k.Fingerprint, k.Type, k.Public, k.Comment})
	}
	return j
}

func newMemberListCmd() *cobra.Command {
	var asJSON bool
	var standing string
	cmd := &cobra.Command{
		Use:   "list [--standing good|expiring|grace|lapsed|inactive] [--json]",
		Short: "List the members: id, name, status, standing and number of keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var filter []models.StandingState
			if standing != "" {
				st, err := models.ParseStanding(standing)
				if err != nil {
					return fmt.Errorf("--standing: %w", err)
				}
				filter = append(filter, st)
			}
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				ms, err := svc.MembersByStanding(ctx, filter...)
				if err != nil {
					return err
				}
				sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
				if asJSON {
					out := make([]memberJSON, len(ms))
					for i, m := range ms {
						out[i] = memberToJSON(m.Member, m.Standing)
					}
					return safetext.WriteJSON(cmd.OutOrStdout(), out)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tSTANDING\tUNTIL\tKEYS")
				for _, m := range ms {
					until := "-"
					if !m.GoodUntil.IsZero() {
						until = m.GoodUntil.UTC().Format("2006-01-02")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", m.ID, safetext.Show(m.Name), m.Status, m.Standing.State, until, len(m.Keys))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the members as JSON, with their keys")
	cmd.Flags().StringVar(&standing, "standing", "", "only the members whose standing is this: good, expiring (renewal window), grace, lapsed or inactive")
	return cmd
}

func newMemberShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show a member and their keys with fingerprints",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findMember(ctx, svc, args[0]); err != nil {
					return err
				}
				ms, err := svc.Standing(ctx, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return safetext.WriteJSON(cmd.OutOrStdout(), memberToJSON(ms.Member, ms.Standing))
				}
				return printMember(cmd.OutOrStdout(), ms)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the member as JSON")
	return cmd
}

func printMember(w io.Writer, ms models.MemberStanding) error {
	m := ms.Member
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID:\t%s\n", m.ID)
	fmt.Fprintf(tw, "Name:\t%s\n", safetext.Show(m.Name))
	if m.Email != "" {
		fmt.Fprintf(tw, "E-mail:\t%s\n", safetext.Show(m.Email))
	}
	fmt.Fprintf(tw, "Status:\t%s\n", m.Status)
	fmt.Fprintf(tw, "Joined:\t%s\n", m.Joined.UTC().Format(time.RFC3339))
	fmt.Fprintf(tw, "Standing:\t%s\n", ms.Standing.State)
	if !m.GoodUntil.IsZero() {
		fmt.Fprintf(tw, "Good until:\t%s\n", m.GoodUntil.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(tw, "Keys:\t%d\n", len(m.Keys))
	if err := tw.Flush(); err != nil {
		return err
	}
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, k := range m.Keys {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.Fingerprint, k.Type, safetext.Show(k.Comment))
	}
	return tw.Flush()
}

// findMember looks a member up, explaining an unknown ID.
func findMember(ctx context.Context, svc *models.Service, id string) (models.Member, error) {
	m, err := svc.Member(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return m, fmt.Errorf("no member %q: see 'booth member list' for the ids", id)
	}
	return m, err
}

// statusShort is each status command's help line.
var statusShort = map[string]string{
	"suspend":   "Suspend a member: their keys no longer let them in until reinstated",
	"reinstate": "Reinstate a suspended or removed member",
	"remove":    "Remove a member (rolls of elections already open keep them)",
}

func newMemberStatusCmd(verb string, to models.MemberStatus) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " ID",
		Short: statusShort[verb],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findMember(ctx, svc, args[0]); err != nil {
					return err
				}
				m, err := svc.SetMemberStatus(ctx, args[0], to, actor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "member %s (%s) %s: now %s\n", m.ID, safetext.Show(m.Name), models.StatusChangeWord(to), to)
				return err
			})
		},
	}
}

func newMemberKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Add or remove a member's SSH keys",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var keyFile string
	add := &cobra.Command{
		Use:   "add ID --key FILE|-",
		Short: "Register more SSH public keys for a member",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := readKeyArg(cmd, keyFile)
			if err != nil {
				return err
			}
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findMember(ctx, svc, args[0]); err != nil {
					return err
				}
				if err := svc.AddKeys(ctx, args[0], keys, actor()); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "added %s to member %s\n", countOf(len(keys), "key"), args[0])
				return err
			})
		},
	}
	add.Flags().StringVar(&keyFile, "key", "", "file of SSH public keys, one per line, or - for standard input (required)")
	remove := &cobra.Command{
		Use:   "remove ID FINGERPRINT",
		Short: "Remove a member's key, named by its SHA256 fingerprint (see 'booth member show')",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				return removeMemberKey(ctx, cmd, svc, args[0], args[1])
			})
		},
	}
	cmd.AddCommand(add, remove)
	completeFirstArg(cmd, memberIDs, "ID")
	return cmd
}

func removeMemberKey(ctx context.Context, cmd *cobra.Command, svc *models.Service, id, fp string) error {
	if !strings.HasPrefix(fp, "SHA256:") {
		fp = "SHA256:" + fp
	}
	if _, err := findMember(ctx, svc, id); err != nil {
		return err
	}
	m, err := svc.RemoveKey(ctx, id, fp, actor())
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if _, err := fmt.Fprintf(out, "removed key %s from member %s\n", fp, id); err != nil {
		return err
	}
	if len(m.Keys) == 1 {
		_, err = fmt.Fprintf(out, "member %s now has no key and cannot sign in: add one with 'booth member key add %s --key FILE'\n", id, id)
	}
	return err
}

func countOf(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
