// Command hydra-pgp is hydra's OpenPGP helper: it encrypts a client secret
// to an OpenPGP key for --pgp-key, --pgp-key-url and --keybase. hydra runs
// it, found next to its own executable or on PATH, with a JSON request on
// stdin (pkg/pgpwire). It is a binary of its own so that the OpenPGP
// library stays out of hydra: see docs/project-layout.md.
package main

import (
	"os"

	"github.com/hydratoken/hydra/pkg/pgpsecret"
)

func main() {
	os.Exit(pgpsecret.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
