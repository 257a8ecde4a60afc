//go:build unix

package tokencache

import (
	"fmt"
	"os"
	"syscall"
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
