package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"onewindow/models"
	"onewindow/workflow"
)

const drawUsage = `usage: onewindow draw verify --plan ID [--seed HEX] [--data DIR]

Recomputes the published draw of a random inspection plan (双随机一公开) from
its frozen candidate lists: the seed must hash to the commitment published
before the draw, the lists and parameters to their published SHA-256, and
the draw must give exactly the published tasks. --seed checks another seed
(hex) instead of the revealed one. Exits with an error when it does not verify.
`

// errDrawMismatch is returned when a published draw does not recompute.
var errDrawMismatch = errors.New("draw: the published draw does not verify")

// drawCommand verifies a plan's published draw.
func drawCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, drawUsage)
		return fmt.Errorf("draw: expected the sub-command verify")
	}
	fs := flag.NewFlagSet("draw verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	open := storeFlags(fs, getenv)
	planFlag := fs.String("plan", "", "the plan's id")
	seedFlag := fs.String("seed", "", "a seed (hex) to check instead of the revealed one")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	id, err := strconv.ParseUint(*planFlag, 10, 32)
	if err != nil || id == 0 {
		fmt.Fprint(stderr, drawUsage)
		return fmt.Errorf("draw: --plan must be a plan id, not %q", *planFlag)
	}
	var seed []byte
	if *seedFlag != "" {
		if seed, err = hex.DecodeString(*seedFlag); err != nil || len(seed) == 0 {
			return fmt.Errorf("draw: --seed must be hexadecimal: %q", *seedFlag)
		}
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	plan, in, pub, err := store.PublishedDraw(ctx, uint(id))
	if errors.Is(err, models.ErrPlanState) {
		return fmt.Errorf("draw: plan %d has not been committed yet", id)
	}
	if err != nil {
		return err
	}
	if seed != nil {
		pub.Seed = seed
	}
	if pub.Seed == nil {
		return fmt.Errorf("draw: plan %d has not revealed its seed yet (state %s); pass --seed to check one", id, plan.State)
	}
	if plan.State == models.PlanCommitted {
		return fmt.Errorf("draw: plan %d has not been drawn yet", id)
	}
	fmt.Fprintf(stdout, "plan %d %s (%s)\ncommitment %s\nseed       %s\ninputs     %s\nentities %d, inspectors %d, tasks %d\n",
		plan.ID, plan.Title, plan.State, pub.Commitment, hex.EncodeToString(pub.Seed), pub.Digests.Inputs,
		len(in.Entities), len(in.Inspectors), len(pub.Tasks))
	if err := workflow.VerifyDraw(in, pub); err != nil {
		fmt.Fprintf(stdout, "MISMATCH %v\n", err)
		return errDrawMismatch
	}
	fmt.Fprintln(stdout, "OK the published draw recomputes")
	return nil
}
