package main

import (
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
