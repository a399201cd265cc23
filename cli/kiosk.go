package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	boothui "vote.example.org/booth/booth"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// The kiosk commands run the kiosk on the stand's own terminal and manage
// what the kiosk needs: thin-client devices and the staff who issue codes.

func newKioskCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kiosk",
		Short: "The kiosk at a conference stand: run it, register thin clients, name the staff",
		Long: `The kiosk lets members without their key at hand vote at a conference stand,
with one-time codes staff issue ('booth code issue'). 'booth kiosk start'
runs it on this terminal; a laptop registered with 'booth kiosk add' gets the
same kiosk over SSH from 'booth serve', holding no data itself. Staff members
(booth kiosk staff add) may issue codes over SSH with their own key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKioskStartCmd(), newKioskAddCmd(), newKioskListCmd(), newKioskRemoveCmd(), newKioskStaffCmd())
	return cmd
}

// kioskFlags are the options of booth kiosk start.
type kioskFlags struct {
	name             string
	idle, receiptFor time.Duration
	lang             string
}

func newKioskStartCmd() *cobra.Command {
	var f kioskFlags
	cmd := &cobra.Command{
		Use:   "start [--name STAND] [--idle 3m] [--receipt-time 2m] [--lang ja]",
		Short: "Run the kiosk on this terminal until staff end it with their passphrase",
		Long: `Run the kiosk on this terminal. It first asks staff, twice and without echo,
for the passphrase that ends it; then it shows the welcome screen, where
members type their one-time codes. No key leaves the kiosk (ctrl+c, ctrl+z,
ctrl+\ and ctrl+d do nothing). To end it, press ctrl+x on the welcome screen
and type the passphrase. After each voter, and after --idle without a key,
it wipes the screen and the scrollback; nothing is ever cast by a timeout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runKioskStart(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "the stand's name, shown on the welcome screen")
	fl.DurationVar(&f.idle, "idle", boothui.DefaultKioskIdle, "start over, casting nothing, after this long without a key")
	fl.DurationVar(&f.receiptFor, "receipt-time", boothui.DefaultKioskReceiptTime, "clear the receipt screen after this long")
	fl.StringVar(&f.lang, "lang", "", "the language of the kiosk's screens: "+strings.Join(i18n.Languages, ", ")+" (default: the terminal's locale, else en)")
	return cmd
}

// Bounds on the kiosk's timers: shorter would hurry voters off, longer
// would leave a receipt or a ballot on a shared screen.
const (
	minKioskTimer = 30 * time.Second
	maxKioskTimer = time.Hour
)

func runKioskStart(cmd *cobra.Command, f kioskFlags) error {
	for flag, d := range map[string]time.Duration{"--idle": f.idle, "--receipt-time": f.receiptFor} {
		if d < minKioskTimer || d > maxKioskTimer {
			return fmt.Errorf("%s must be between %s and %s, not %s", flag, minKioskTimer, maxKioskTimer, d)
		}
	}
	if f.name != "" {
		if err := safetext.Check("--name", f.name); err != nil {
			return err
		}
	}
	lang := i18n.FromEnv(os.Environ())
	if f.lang != "" {
		if lang = i18n.Match(f.lang); lang == "" {
			return fmt.Errorf("--lang %q is not a language the kiosk ships; use one of %s", f.lang, strings.Join(i18n.Languages, ", "))
		}
	}
	tty, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(tty.Fd()) {
		return errors.New("the kiosk runs on the stand's own terminal, and standard input is not a terminal; " +
			"for a laptop that should hold no data, register its key with 'booth kiosk add' and connect it to 'booth serve'")
	}
	svc, err := tickedService(cmd)
	if err != nil {
		return err
	}
	defer svc.Close()
	out := cmd.OutOrStdout()
	pass, err := askPassphrase(tty, out)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	// SIGTERM and SIGHUP (the terminal went away) end the kiosk and give
	// the terminal back; no key at the kiosk sends a signal, since the
	// program reads the keyboard raw.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	k := boothui.NewKiosk(ctx, svc, boothui.KioskConfig{
		Name: f.name, Now: svc.Now, IdleTimeout: f.idle, ReceiptTime: f.receiptFor, Passphrase: pass, Lang: lang,
	})
	p := tea.NewProgram(k, tea.WithContext(ctx), tea.WithInput(tty), tea.WithOutput(out),
		tea.WithoutSignalHandler(), tea.WithFilter(boothui.KioskFilter))
	if _, err := p.Run(); err != nil {
		if ctx.Err() != nil {
			return errors.New("the kiosk was stopped by a signal (SIGTERM or SIGHUP)")
		}
		return err
	}
	_, err = fmt.Fprintln(out, "The kiosk has ended.")
	return err
}

// passphraseTries is how often staff may try to set the passphrase.
const passphraseTries = 3

// askPassphrase asks staff for the kiosk's passphrase twice, without echo.
func askPassphrase(tty *os.File, out io.Writer) (*boothui.Passphrase, error) {
	read := func(prompt string) (string, error) {
		fmt.Fprint(out, prompt)
		b, err := term.ReadPassword(tty.Fd())
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("reading the staff passphrase: %w", err)
		}
		return string(b), nil
	}
	fmt.Fprintf(out, "Staff: choose the passphrase that ends this kiosk (at least %d characters; not shown as you type).\n", boothui.MinPassphrase)
	for range passphraseTries {
		first, err := read("Passphrase: ")
		if err != nil {
			return nil, err
		}
		p, err := boothui.NewPassphrase(first)
		if err != nil {
			fmt.Fprintf(out, "%s.\n", err)
			continue
		}
		again, err := read("Once more: ")
		if err != nil {
			return nil, err
		}
		if p.Matches(again) {
			return p, nil
		}
		fmt.Fprintln(out, "The two did not match.")
	}
	return nil, fmt.Errorf("no staff passphrase was set in %d tries, so the kiosk did not start", passphraseTries)
}

func newKioskAddCmd() *cobra.Command {
	var keyFile string
	cmd := &cobra.Command{
		Use:   "add NAME --key FILE|-",
		Short: "Register a laptop's SSH key as a kiosk thin client",
		Long: `Register a laptop's SSH public key as kiosk device NAME: when it connects to
'booth serve', it gets the kiosk instead of a member's booth. The key must be
the laptop's own (ssh-keygen -t ed25519 on the laptop), never a member's.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := models.CheckDeviceName(name); err != nil {
				return err
			}
			keys, err := readKeyArg(cmd, keyFile)
			if err != nil {
				return err
			}
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if err := svc.AddKioskDevice(ctx, name, keys, actor()); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "added kiosk device %s with key %s: connecting with it opens the kiosk\n", name, keys[0].Fingerprint)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the laptop's SSH public key file, or - for standard input (required)")
	return cmd
}

// kioskDeviceJSON is one device in `kiosk list --json`.
type kioskDeviceJSON struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	Type        string `json:"type"`
	Comment     string `json:"comment"`
}

func newKioskListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the kiosk devices and their keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				ds, err := svc.KioskDevices(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]kioskDeviceJSON, len(ds))
					for i, d := range ds {
						out[i] = kioskDeviceJSON{Name: d.Name, Fingerprint: d.Key.Fingerprint, Type: d.Key.Type, Comment: d.Key.Comment}
					}
					return safetext.WriteJSON(cmd.OutOrStdout(), out)
				}
				if len(ds) == 0 {
					_, err := fmt.Fprintln(cmd.OutOrStdout(), "no kiosk devices: add one with 'booth kiosk add NAME --key FILE'")
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tKEY\tCOMMENT")
				for _, d := range ds {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Name, d.Key.Fingerprint, safetext.Show(d.Key.Comment))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the devices as JSON")
	return cmd
}

func newKioskRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a kiosk device: its key opens nothing any more",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				err := svc.RemoveKioskDevice(ctx, args[0], actor())
				if errors.Is(err, models.ErrNotFound) {
					return fmt.Errorf("no kiosk device %q: see 'booth kiosk list'", args[0])
				}
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "removed kiosk device %s: its key opens nothing now (sessions already open end when they close)\n", args[0])
				return err
			})
		},
	}
}
