//go:build tokencache_nolock

package tokencache

// A binary built with -tags tokencache_nolock runs without the cross-process
// lock, so that a test can show what the lock prevents. Never ship one.
func init() { lockingDisabled = true }
