package models

import (
	"context"
)

// receivedChecks is a window checklist with every material of the
// application received, for tests whose subject is not the checklist.
func receivedChecks(s *Store, number string) map[string]MaterialCheck {
	app, err := s.Application(context.Background(), number)
	if err != nil {
		return nil
	}
	out := map[string]MaterialCheck{}
	for _, m := range app.Materials {
		out[m.MaterialKey] = MaterialCheck{Provided: true, Kind: "original", Copies: 1}
	}
	return out
}

// bundleReceivedChecks is a bundle's checklist with every merged material received.
func bundleReceivedChecks(s *Store, number string) map[string]MaterialCheck {
	f, err := s.BundleFiling(context.Background(), number)
	if err != nil {
		return nil
	}
	out := map[string]MaterialCheck{}
	for _, m := range f.Definition.Materials {
		out[m.Key] = MaterialCheck{Provided: true, Kind: "original", Copies: 1}
	}
	return out
}
