package ssh

import (
	"context"

	"vote.example.org/booth/models"
)

// renewalNotice is status's notice of a membership to renew: shown from
// the renewal window to the end of the grace, gone once the member
// renewed, as the booth's home shows it.
func renewalNotice(ctx context.Context, c *cmdContext) error {
	ms, err := c.s.cfg.Service.Standing(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if st := ms.Standing; st.State == models.StandingExpiring || st.State == models.StandingGrace {
		c.out.WriteString(c.p.T("Notice: %s", c.p.T("Your membership ends %s: renew it with 'ssh HOST renew'.", st.Until.UTC().Format("2006-01-02"))) + "\n")
	}
	return nil
}
