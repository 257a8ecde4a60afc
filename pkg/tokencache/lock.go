package tokencache

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockingDisabled turns the cross-process lock off. Only a test binary built
// with the tokencache_nolock tag sets it, to show that without the lock
// concurrent refreshes spend one refresh token twice.
var lockingDisabled = false

// lockRetry is how often a waiting process tries the lock again.
const lockRetry = 10 * time.Millisecond

// lockKey takes the per-key lock that every process of the user shares. It
// is an flock(2) (LockFileEx on Windows) on a file in the cache directory:
// the OS releases it when its holder exits, however it exits, so a crashed
// process never blocks the others. The wait is bounded by ctx. waiting is
// called once if the lock is not free at once.
func (d *dir) lockKey(ctx context.Context, id string, waiting func(path string)) (unlock func(), err error) {
	if lockingDisabled {
		return func() {}, nil
	}
	p := filepath.Join(d.path, id+".lock")
	fl := flock.New(p, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err == nil && !ok {
		if waiting != nil {
			waiting(p)
		}
		ok, err = fl.TryLockContext(ctx, lockRetry)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("token cache: gave up waiting for the lock %s, held by another hydra process refreshing the same token: %w", p, ctx.Err())
		}
		return nil, fmt.Errorf("token cache: locking %s: %s", p, describeErr(err))
	}
	if !ok {
		return nil, fmt.Errorf("token cache: could not lock %s", p)
	}
	return func() { _ = fl.Unlock() }, nil
}
