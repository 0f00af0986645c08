package main

import (
	"context"
	"fmt"
	"io"
)

// catalogueCommand imports or exports the item catalogue.
func catalogueCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return fmt.Errorf("catalogue: not built yet")
}
