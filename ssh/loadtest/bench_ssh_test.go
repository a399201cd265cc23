package loadtest_test

import (
	"bytes"
	"context"
	"testing"

	"vote.example.org/booth/ssh/loadtest"
)

func TestBenchSSHRefusesNonsense(t *testing.T) {
	for _, c := range []loadtest.SSHConfig{{Sessions: 0, Typists: 1}, {Sessions: 10, Typists: 20}, {Sessions: 10, Typists: 0}} {
		if err := loadtest.RunSSH(context.Background(), &bytes.Buffer{}, c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
