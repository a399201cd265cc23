package models

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"vote.example.org/booth/tally"
)

// exportFile is one file Export writes.
type exportFile struct {
	name string
	data []byte
}

// ledgerEntry is one ballot of ledger.json, found by its receipt hash.
type ledgerEntry struct {
	ReceiptHash string `json:"receipt_hash"`
	Ballot      string `json:"ballot"`
}

// exportFiles builds Export's files in memory, so nothing is written
// unless all of them could be built.
func exportFiles(e Election, stored StoredResult, voters []string, ballots []openedBallot) ([]exportFile, error) {
	var files []exportFile
	add := func(name string, v any) error {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		files = append(files, exportFile{name, append(data, '\n')})
		return nil
	}
	if err := add("definition.json", NewElectionDetail(e)); err != nil {
		return nil, err
	}
	result, err := stored.Result.JSON()
	if err != nil {
		return nil, fmt.Errorf("writing result.json: %w", err)
	}
	files = append(files, exportFile{"result.json", append(result, '\n')})
	if e.PublishLedger {
		ledger := make([]ledgerEntry, len(ballots))
		for i, b := range ballots {
			// The canonical text, as the bundle publishes it, never the
			// sealed one: a ballot sealed before issue 10 item 2 may be in
			// its voter's screen order, which would tie it to them.
			ledger[i] = ledgerEntry{ReceiptHash: hex.EncodeToString(b.ReceiptHash[:]), Ballot: b.Ballot.Text()}
		}
		if err := add("ledger.json", ledger); err != nil {
			return nil, err
		}
	}
	if voters == nil {
		voters = []string{}
	}
	if err := add("voters.json", voters); err != nil {
		return nil, err
	}
	parsed := make([]Ballot, len(ballots))
	for i, b := range ballots {
		parsed[i] = b.Ballot
	}
	te, _ := TallyElection(e.Definition, e.Withdrawn, parsed)
	files = append(files, exportFile{"ballots.blt", WriteBLT(te)})
	return files, nil
}

// WriteBLT writes an election as a BLT ballot file, one line per ballot
// with its count, candidates numbered from 1 and equal ranks joined by '=';
// withdrawn candidates on the line after the header, negated. tally.ReadBLT
// reads it back to the same election. BLT names cannot contain a double
// quote, so one inside a name is written as a single quote.
func WriteBLT(e *tally.Election) []byte {
	var b strings.Builder
	seats := max(e.Seats, 1)
	fmt.Fprintf(&b, "%d %d\n", len(e.Candidates), seats)
	if len(e.Withdrawn) > 0 {
		for i, c := range e.Withdrawn {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(-(c + 1)))
		}
		b.WriteByte('\n')
	}
	for _, ballot := range e.Ballots {
		b.WriteString(strconv.FormatInt(ballot.Count, 10))
		for _, rank := range ballot.Ranks {
			b.WriteByte(' ')
			for i, c := range rank {
				if i > 0 {
					b.WriteByte('=')
				}
				b.WriteString(strconv.Itoa(c + 1))
			}
		}
		b.WriteString(" 0\n")
	}
	b.WriteString("0\n")
	for _, c := range e.Candidates {
		fmt.Fprintf(&b, "\"%s\"\n", bltName(c.Name))
	}
	fmt.Fprintf(&b, "\"%s\"\n", bltName(e.Title))
	return []byte(b.String())
}

// bltName keeps a name on one quoted line.
func bltName(s string) string {
	s = strings.ReplaceAll(s, `"`, "'")
	return strings.Join(strings.Fields(s), " ")
}

// writeExport writes the files into dir, refusing to overwrite any.
func writeExport(dir string, files []exportFile) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the export directory: %w", err)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f.name)); err == nil {
			return fmt.Errorf("%s already holds %s: export into an empty directory", dir, f.name)
		}
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists: export into an empty directory", path)
		}
		if err != nil {
			return fmt.Errorf("exporting: %w", err)
		}
		_, err = out.Write(f.data)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
