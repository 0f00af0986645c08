//go:build !unix

package models

// freeBytes does not know the free space on this system; the floor is not checked.
func freeBytes(string) (uint64, bool) { return 0, false }
