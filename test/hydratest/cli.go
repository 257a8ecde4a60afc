package hydratest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// BuildCLI builds this tool's binaries into dir: hydra, and beside it
// hydra-pgp, the OpenPGP helper that hydra runs for --pgp-key,
// --pgp-key-url and --keybase (found next to hydra, as in a release
// archive). It returns hydra's path. args go to go build before -o
// (-tags, -ldflags); build output goes to stderr.
func BuildCLI(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", append(append([]string{"build"}, args...), "-o", dir+string(filepath.Separator),
		"github.com/hydratoken/hydra/cmd/hydra", "github.com/hydratoken/hydra/cmd/hydra-pgp")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", err
	}
	hydra := filepath.Join(dir, "hydra")
	if runtime.GOOS == "windows" {
		hydra += ".exe"
	}
	return hydra, nil
}
