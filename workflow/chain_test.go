package workflow

import (
	"testing"
	"time"
)

func chain(n int) ([]Link, []string) {
	links := make([]Link, n)
	hashes := make([]string, n)
	prev, state := GenesisHash, None
	at := time.Date(2026, 11, 25, 1, 2, 3, 4000, time.UTC)
	acts := []Action{Submit, Accept, Claim, ReviewPass, Approve}
	tos := []State{Submitted, Accepted, InReview, InReview, Approved}
	for i := range n {
		links[i] = Link{Application: "20261125000001", Seq: i + 1, At: at, Actor: "window1", Action: acts[i%5],
			From: state, To: tos[i%5], Comment: "ok", PrevHash: prev}
		hashes[i] = links[i].Hash()
		prev, state = hashes[i], tos[i%5]
	}
	return links, hashes
}

func TestChainVerifiesAndNamesTheFirstBrokenLink(t *testing.T) {
	t.Parallel()
	links, hashes := chain(5)
	if br := Verify(links, hashes); br != nil {
		t.Fatalf("intact chain: %v", br)
	}
	tampered := append([]Link(nil), links...)
	tampered[2].Comment = "edited"
	if br := Verify(tampered, hashes); br == nil || br.Seq != 3 {
		t.Fatalf("edited comment: %v", br)
	}
	// Rehashing the edited event does not help: the next link no longer matches.
	rehashed := append([]string(nil), hashes...)
	rehashed[2] = tampered[2].Hash()
	if br := Verify(tampered, rehashed); br == nil || br.Seq != 4 {
		t.Fatalf("rehashed edit: %v", br)
	}
	if br := Verify(append(links[:2:2], links[3:]...), append(hashes[:2:2], hashes[3:]...)); br == nil || br.Seq != 4 {
		t.Fatalf("deleted event: %v", br)
	}
}

func TestHashCoversEveryField(t *testing.T) {
	t.Parallel()
	base := Link{Application: "a", Seq: 1, At: time.Unix(1, 0), Actor: "b", Role: "c", Department: "d",
		Action: Accept, From: Submitted, To: Accepted, Comment: "e", Detail: "{}", PrevHash: "f"}
	edits := []func(*Link){
		func(l *Link) { l.Application = "x" }, func(l *Link) { l.Seq = 2 }, func(l *Link) { l.At = time.Unix(2, 0) },
		func(l *Link) { l.Actor = "x" }, func(l *Link) { l.Role = "x" }, func(l *Link) { l.Department = "x" },
		func(l *Link) { l.Action = Reject }, func(l *Link) { l.From = Draft }, func(l *Link) { l.To = NotAccepted },
		func(l *Link) { l.Comment = "x" }, func(l *Link) { l.Detail = `{"a":"b"}` }, func(l *Link) { l.PrevHash = "x" },
		func(l *Link) { l.Actor, l.Role = "bc", "" }, // no ambiguity between adjacent fields
	}
	h := base.Hash()
	for i, e := range edits {
		l := base
		e(&l)
		if l.Hash() == h {
			t.Errorf("edit %d does not change the hash", i)
		}
	}
}
