package models

import "fmt"

// SchemaTooNewError refuses, at open, a database whose schema a newer
// booth migrated: an older binary does not know that schema's rules (new
// columns, triggers, states) and could corrupt it. Both stores refuse it
// alike, before any migration or other write.
type SchemaTooNewError struct {
	// Have is the database's newest migration; Knows this booth's.
	Have, Knows int
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the database has schema version %d, this booth knows up to %d: upgrade booth (a newer booth migrated this database; an older one could corrupt it)", e.Have, e.Knows)
}
