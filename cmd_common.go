package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
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

// openService opens the store in the data directory and builds the
// service the commands use. The caller closes the store.
func openService(cmd *cobra.Command) (*models.Service, error) {
	dir := dataDir(cmd)
	st, err := sqlite.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("opening the data directory %s: %w", dir, err)
	}
	return &models.Service{Store: st, Now: time.Now, Rand: rand.Reader}, nil
}

// actor names the officer running a command, for the audit log: the
// operating system user.
func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// tickedService opens the store and applies the automatic lifecycle
// (opening and closing elections whose time has come) before a command
// works, so it never acts on a stale state.
func tickedService(cmd *cobra.Command) (*models.Service, error) {
	s, err := openService(cmd)
	if err != nil {
		return nil, err
	}
	if err := s.Tick(cmd.Context(), actor()); err != nil {
		s.Store.Close()
		return nil, err
	}
	return s, nil
}

// withElections opens the store, applies the automatic lifecycle, runs f
// and closes the store.
func withElections(cmd *cobra.Command, f func(context.Context, *models.Service) error) error {
	svc, err := tickedService(cmd)
	if err != nil {
		return err
	}
	defer svc.Store.Close()
	return f(cmd.Context(), svc)
}
