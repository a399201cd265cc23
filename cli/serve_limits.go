package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	boothssh "vote.example.org/booth/ssh"
)

// serveLimits are booth serve's connection caps (see docs/operations.md,
// "Connection limits").
type serveLimits struct {
	total, perMember int
	startups         string
	sessionWait      time.Duration
}

func (l *serveLimits) flags(fl *pflag.FlagSet) {
	fl.IntVar(&l.total, "max-conns", boothssh.DefaultMaxConns, "most connections in all")
	fl.StringVar(&l.startups, "max-startups", "",
		"connections still signing in, as start:rate:full: from start on, refuse rate percent of newcomers, rising to all at full; newcomers from a network holding at least two fewer than the busiest are let in (default a sixteenth of --max-conns: "+boothssh.DefaultStartups.String()+")")
	fl.IntVar(&l.perMember, "max-conns-per-member", 2*boothssh.DefaultMaxSessionsPerMember, "most signed-in connections of one member")
	fl.DurationVar(&l.sessionWait, "session-wait", boothssh.DefaultSessionWait, "close a signed-in connection that opens no session within this time")
}

// parseStartups reads --max-startups; without it the server derives the
// cap from --max-conns.
func (l *serveLimits) parseStartups() (boothssh.Startups, error) {
	if l.startups == "" {
		return boothssh.Startups{}, nil
	}
	st, err := boothssh.ParseStartups(l.startups)
	if err != nil {
		return st, fmt.Errorf("--max-startups: %w", err)
	}
	return st, nil
}
