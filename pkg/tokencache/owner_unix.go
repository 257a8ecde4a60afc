//go:build unix

package tokencache

import (
	"fmt"
	"os"
	"syscall"

	"github.com/hydratoken/hydra/pkg/text"
)

// checkOwner refuses a file that belongs to another user: its content may
// have been put there by that user.
func checkOwner(fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Geteuid(); int(st.Uid) != uid {
		return fmt.Errorf("belongs to user ID %d, not to you (%d)", st.Uid, uid)
	}
	return nil
}

// openNoFollow opens a file for reading, refusing a symbolic link, which
// another user could point anywhere.
func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// openNoFollowWrite opens a file for writing, refusing a symbolic link.
func openNoFollowWrite(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// ownerFix is the command that gives a directory back to the user, for a
// BadFileError's Fix.
func ownerFix(p string) string {
	q := text.ShellQuote(p)
	return fmt.Sprintf("sudo chown -R %d %s && chmod 700 %s (or set XDG_CACHE_HOME to a directory of your own, or HYDRA_TOKEN_CACHE=none)", os.Geteuid(), q, q)
}
