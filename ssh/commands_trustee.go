package ssh

import (
	"context"
	"fmt"
)

// trusteeCmd hands a trustee their sealed share of an election's key:
// `ssh HOST trustee share ELECTION > share`. The share is sealed to the
// key they signed in with, so the server hands out nothing it could open.
func trusteeCmd(ctx context.Context, c *cmdContext) error {
	if len(c.args) != 2 || c.args[0] != "share" {
		return fmt.Errorf("usage: ssh HOST trustee share ELECTION > share")
	}
	data, err := c.s.cfg.Service.TrusteeShare(ctx, c.args[1], c.id.fingerprint, "trustee "+c.id.member.ID)
	if err != nil {
		return err
	}
	c.out.Write(data)
	return nil
}
