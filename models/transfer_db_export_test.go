package models

import "context"

// OpenExact opens the store on opt.DB exactly as given, without the
// per-folder test database (for tests outside the package).
func OpenExact(ctx context.Context, dir string, opt Options) (*Store, error) {
	opt.exactDB = true
	return Open(ctx, dir, opt)
}
