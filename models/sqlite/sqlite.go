// Package sqlite is booth's embedded store: models.Store on SQLite.
package sqlite

import (
	"errors"

	"vote.example.org/booth/models"
)

// Store is a placeholder until the SQLite store is written.
type Store struct{ models.Store }

// Open is a placeholder until the SQLite store is written.
func Open(dir string) (*Store, error) { return nil, errors.New("not written yet") }
