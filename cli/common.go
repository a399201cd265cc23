package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres"
	"vote.example.org/booth/models/sqlite"
)

// dataDirEnv names the environment variable that sets the data directory.
const dataDirEnv = "BOOTH_DATA"

// dataDir is the directory holding booth's database (--data, else
// $BOOTH_DATA, else ./booth-data).
func dataDir(cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("data"); f != nil && f.Changed {
		return f.Value.String()
	}
	if d := os.Getenv(dataDirEnv); d != "" {
		return d
	}
	return "booth-data"
}

// dbEnv names the environment variable that points booth at PostgreSQL.
const dbEnv = "BOOTH_DB"

// dbAddress is the PostgreSQL database to use (--db, else $BOOTH_DB) and
// where it was given; empty means SQLite in the data directory.
func dbAddress(cmd *cobra.Command) (dsn, from string) {
	if f := cmd.Flags().Lookup("db"); f != nil && f.Changed {
		return f.Value.String(), "--db"
	}
	return os.Getenv(dbEnv), "$" + dbEnv
}

// createsData is the annotation of the commands that create something
// (a member, an election), the only ones that may create the data
// directory and its database.
const createsData = "booth/creates-data"

// creating marks cmd as one that may create the data directory.
func creating(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[createsData] = "yes"
	return cmd
}

// storeFromFlags opens the store the command line points at: PostgreSQL when
// --db or $BOOTH_DB gives a postgres:// URL, else SQLite in the data
// directory, which only a command marked creating may create.
func storeFromFlags(cmd *cobra.Command) (models.Store, error) {
	dsn, from := dbAddress(cmd)
	if dsn == "" {
		dir := dataDir(cmd)
		open := sqlite.OpenExisting
		if cmd.Annotations[createsData] != "" {
			open = sqlite.Open
		}
		st, err := open(dir)
		if errors.Is(err, sqlite.ErrNoDatabase) {
			return nil, fmt.Errorf("no booth data in %s: `booth member add`, `booth member import` or `booth election create` makes it there (`booth demo` makes a trial one); or point --data or $%s at the data directory, or --db or $%s at PostgreSQL",
				dir, dataDirEnv, dbEnv)
		}
		if err != nil {
			return nil, fmt.Errorf("opening the data directory %s: %w", dir, err)
		}
		return st, nil
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		// Not echoed: it may hold a password.
		return nil, fmt.Errorf("%s is not a PostgreSQL URL: write it as postgres://USER@HOST:PORT/DATABASE, or leave --db and $%s unset to use SQLite in the data directory", from, dbEnv)
	}
	ctx := cmd.Context()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the database given by %s: %w", from, err)
	}
	return st, nil
}

// openService opens the store and builds the service the commands use,
// finishing the scrub of elections closed but not scrubbed on the way.
// The caller closes the store.
func openService(cmd *cobra.Command) (*models.Service, error) {
	return openServiceWith(cmd, nil)
}

// openServiceWith is openService with the store wrapped by wrap, when not
// nil (booth serve --metrics times the store's operations).
func openServiceWith(cmd *cobra.Command, wrap func(models.Store) (models.Store, error)) (*models.Service, error) {
	st, err := storeFromFlags(cmd)
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		if st, err = wrapOrClose(st, wrap); err != nil {
			return nil, err
		}
	}
	s := models.NewService(st)
	warn(cmd, s.FinishScrubs(cmd.Context(), models.ScrubRetryWait, actor()))
	return s, nil
}

// wrapOrClose wraps st, closing it if that fails.
func wrapOrClose(st models.Store, wrap func(models.Store) (models.Store, error)) (models.Store, error) {
	w, err := wrap(st)
	if err != nil {
		st.Close()
		return nil, err
	}
	return w, nil
}

// newService opens the store and builds the service, nothing more.
func newService(cmd *cobra.Command) (*models.Service, error) {
	st, err := storeFromFlags(cmd)
	if err != nil {
		return nil, err
	}
	return models.NewService(st), nil
}

// warn prints what the command goes on despite as a one-line warning: a
// scrub retry that failed (counting and publishing refuse by themselves),
// an election the clock could not open.
func warn(cmd *cobra.Command, err error) {
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "booth: warning: %s\n", strings.Join(strings.Fields(err.Error()), " "))
	}
}

// actor names the officer running a command, for the audit log: the
// operating-system user, and who ran sudo when an officer runs booth as
// the service's user through it ("alice via sudo as booth").
func actor() string {
	name := osUser()
	if by := os.Getenv("SUDO_USER"); by != "" && by != name {
		return by + " via sudo as " + name
	}
	return name
}

// osUser names the user this process runs as.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}

// tickedService opens the store and applies the automatic lifecycle
// (opening and closing elections whose time has come) before a command
// works, so it never acts on a stale state.
// Tick retries the scrubs too; one it cannot finish is a warning.
func tickedService(cmd *cobra.Command) (*models.Service, error) {
	s, err := newService(cmd)
	if err != nil {
		return nil, err
	}
	if err := warnTick(cmd, s.Tick(cmd.Context())); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// warnTick prints, as warnings, what Tick could not do that leaves the
// command's work sound: a scrub that could not finish, an election that
// stays a draft for an empty electorate (the officers read it at every
// command until they fix it; the audit log has it once). It returns the
// rest, joined, which stops the command.
func warnTick(cmd *cobra.Command, err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok && !tickWarning(err) {
		errs = j.Unwrap() // errors.Join's list
	}
	var fatal []error
	for _, e := range errs {
		switch {
		case e == nil:
		case tickWarning(e):
			warn(cmd, e)
		default:
			fatal = append(fatal, e)
		}
	}
	return errors.Join(fatal...)
}

// tickWarning says whether err, one of Tick's errors, is one warnTick
// only warns about.
func tickWarning(err error) bool {
	if _, ok := err.(*models.ScrubError); ok {
		return true
	}
	_, joined := err.(interface{ Unwrap() []error })
	return !joined && (errors.Is(err, models.ErrEmptyElectorate) || errors.Is(err, models.ErrTooFewNominees))
}

// withElections opens the store, applies the automatic lifecycle, runs f
// and closes the store.
func withElections(cmd *cobra.Command, f func(context.Context, *models.Service) error) error {
	svc, err := tickedService(cmd)
	if err != nil {
		return err
	}
	defer svc.Close()
	return f(cmd.Context(), svc)
}
