package shared

import (
	"strings"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// CheckIDs is CheckID for each of ids.
func CheckIDs(ids []string) error {
	for _, id := range ids {
		if err := CheckID(id); err != nil {
			return err
		}
	}
	return nil
}

// CheckID rejects an empty client ID or one with a "/", which no request
// path can carry to Hydra.
func CheckID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return cmdutil.FlagErrorf("a client ID must not be empty")
	case strings.Contains(id, "/"):
		return cmdutil.FlagErrorf("client ID %q contains a /, which Hydra's admin API cannot address", id)
	}
	return nil
}
