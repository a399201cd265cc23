// Command booth runs a foundation's elections: the voting booth over SSH,
// the kiosk, offline review, and the officers' command line. Everything it
// does lives in the packages it calls; the commands are in cli.
package main

import (
	"os"

	"vote.example.org/booth/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
