//go:build !unix

package tokencache

import "os"

// checkOwner trusts the OS's access control where there are no Unix owners
// (Windows: the user's profile directory is private to the user).
func checkOwner(os.FileInfo) error { return nil }

func openNoFollow(p string) (*os.File, error) { return os.Open(p) }

func openNoFollowWrite(p string) (*os.File, error) { return os.OpenFile(p, os.O_WRONLY, 0) }

func ownerFix(string) string { return "" }
