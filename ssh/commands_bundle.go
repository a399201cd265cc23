package ssh

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
)

// The commands for published results: bundle hands out an election's
// signed results bundle, verify tells a member what became of the ballot
// cast with a receipt.

// bundleCmd writes an election's published results bundle byte for byte
// (it is ASCII, so it is safe on a terminal), for `ssh HOST bundle ID >
// FILE`. Like results, it serves the elections on the member's roll.
func bundleCmd(ctx context.Context, c *cmdContext) error {
	id := c.args[0]
	if err := c.onRoll(ctx, id); err != nil {
		return err
	}
	data, err := c.s.cfg.Service.Bundle(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return errors.New(c.p.T("%s has no published results yet: the officers publish them after the count", safetext.Sanitize(id)))
	}
	if err != nil {
		return err
	}
	c.out.Write(data)
	return nil
}

// verifyCmd looks a receipt up in the closed and counted elections the
// member voted in.
func verifyCmd(ctx context.Context, c *cmdContext) error {
	receipt := c.args[0]
	if receipt == "-" {
		var err error
		if receipt, err = c.readReceipt(); err != nil {
			return err
		}
	}
	norm, err := models.NormalizeReceipt(receipt)
	if err != nil {
		return fmt.Errorf("%s: %w", c.p.T("receipt"), err)
	}
	svc := c.s.cfg.Service
	marks, err := svc.MemberRoll(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	var searched []string
	for _, mk := range marks {
		if !mk.Voted {
			continue
		}
		e, err := svc.Election(ctx, mk.ElectionID)
		if err != nil {
			return err
		}
		if e.State != models.Closed && e.State != models.Counted {
			continue
		}
		searched = append(searched, safetext.Sanitize(e.ID))
		state, err := svc.VerifyReceipt(ctx, e.ID, norm)
		switch {
		case err != nil:
			return err
		case state == models.ReceiptReplaced:
			return errors.New(c.p.T("receipt: replaced: in %s (%s) the ballot cast with this receipt was replaced by a newer one before the close, so it was not counted; check the receipt of your newer ballot",
				safetext.Sanitize(e.ID), c.title(e)))
		case state == models.ReceiptCounted:
			return c.writeCounted(ctx, e, norm)
		}
	}
	if len(searched) == 0 {
		return errors.New(c.p.T("receipt: not found: you have voted in no election that has closed yet; receipts are checked after the close"))
	}
	return errors.New(c.p.T("receipt: not found in the closed elections you voted in (%s); check that you copied it whole", strings.Join(searched, ", ")))
}

// writeCounted says a receipt's ballot is in the box and, when the
// election's published ledger holds it, what it says.
func (c *cmdContext) writeCounted(ctx context.Context, e models.Election, receipt string) error {
	if e.State == models.Counted {
		c.out.WriteString(c.p.T("%s (%s): your ballot with this receipt was counted.", safetext.Sanitize(e.ID), c.title(e)) + "\n")
	} else {
		c.out.WriteString(c.p.T("%s (%s): your ballot with this receipt is in the ballot box; the election is closed and not counted yet.", safetext.Sanitize(e.ID), c.title(e)) + "\n")
	}
	if !e.PublishLedger {
		c.out.WriteString(c.p.T("This election does not publish its ledger, so what the ballot says is not shown.") + "\n")
		return nil
	}
	data, err := c.s.cfg.Service.Bundle(ctx, e.ID)
	if errors.Is(err, models.ErrNotFound) {
		c.out.WriteString(c.p.T("What it says is shown here once the officers publish the results with the ledger.") + "\n")
		return nil
	}
	if err != nil {
		return err
	}
	b, err := bundle.Open(data)
	if err != nil {
		return err
	}
	found, err := b.Lookup(receipt)
	if err != nil {
		return fmt.Errorf("%s: %w", c.p.T("the published ledger of %s", safetext.Sanitize(e.ID)), err)
	}
	c.out.WriteString(c.p.T("The published ledger records it as:") + "\n")
	for _, line := range strings.Split(strings.TrimRight(found.Ballot.DescribeIn(c.p, b.Election.Definition), "\n"), "\n") {
		fmt.Fprintf(c.out, "  %s\n", safetext.Sanitize(line))
	}
	return nil
}

// maxReceiptInput is more than a receipt and its line end, however it is
// grouped.
const maxReceiptInput = 256

// readReceipt reads a receipt from standard input, `verify -`: its first
// line, so the receipt stays off the command line that other users of the
// member's machine can see.
func (c *cmdContext) readReceipt() (string, error) {
	data, err := c.readStdin(maxReceiptInput, c.p.T("reading the receipt from standard input"), c.p.T("the booth is shutting down; nothing was checked"))
	if err != nil {
		return "", err
	}
	if len(data) > maxReceiptInput {
		return "", errors.New(c.p.T("receipt: more than %d bytes on standard input; give the receipt alone", maxReceiptInput))
	}
	line, _, _ := strings.Cut(string(data), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return "", errors.New(c.p.T("receipt: no receipt on standard input; give it as `ssh HOST verify - < receipt.txt`"))
	}
	return line, nil
}
