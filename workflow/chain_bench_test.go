package workflow

import (
	"testing"
	"time"
)

// BenchmarkEventHash hashes one audit-chain link: every action of every
// application pays it once when written and once per verification.
func BenchmarkEventHash(b *testing.B) {
	l := Link{Application: "20261125000123", Seq: 4, At: time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC),
		Actor: "scj.review", Role: "reviewer", Department: "scj", Action: ReviewPass, From: InReview, To: InReview,
		Comment: "材料齐全，符合法定形式", Detail: `{"reason":"不符合法定条件"}`,
		PrevHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	b.ReportAllocs()
	for b.Loop() {
		_ = l.Hash()
	}
}

// BenchmarkVerifyChain verifies a five-event chain, as audit verify does per application.
func BenchmarkVerifyChain(b *testing.B) {
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	acts := []struct {
		act      Action
		from, to State
	}{{Submit, None, Submitted}, {Accept, Submitted, Accepted}, {Claim, Accepted, InReview}, {Approve, InReview, Approved}, {Issue, Approved, Completed}}
	var links []Link
	var hashes []string
	prev := GenesisHash
	for i, a := range acts {
		l := Link{Application: "20261125000123", Seq: i + 1, At: at.Add(time.Duration(i) * time.Hour), Actor: "window1",
			Action: a.act, From: a.from, To: a.to, Detail: "{}", PrevHash: prev}
		prev = l.Hash()
		links, hashes = append(links, l), append(hashes, prev)
	}
	b.ReportAllocs()
	for b.Loop() {
		if br := Verify(links, hashes); br != nil {
			b.Fatal(br)
		}
	}
}
