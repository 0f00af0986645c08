package workflow

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Link is what the audit chain covers of one event. Every field is part of
// the hash, so editing any of them by hand breaks the chain from there on.
type Link struct {
	Application string // the application number
	Seq         int    // 1, 2, 3 … within the application
	At          time.Time
	Actor       string // user name, or "applicant"
	Role        string
	Department  string
	Action      Action
	From        State
	To          State
	Comment     string
	Detail      string // the action's fields as canonical JSON
	PrevHash    string // hex; empty for the first event
}

// GenesisHash is the PrevHash of an application's first event.
const GenesisHash = ""

// Hash returns the hex SHA-256 of the link, fields length-prefixed so that
// no two different links share an encoding.
func (l Link) Hash() string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put(l.PrevHash)
	put(l.Application)
	put(fmt.Sprint(l.Seq))
	put(l.At.UTC().Format(time.RFC3339Nano))
	put(l.Actor)
	put(l.Role)
	put(l.Department)
	put(string(l.Action))
	put(string(l.From))
	put(string(l.To))
	put(l.Comment)
	put(l.Detail)
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first broken link of a chain.
type Break struct {
	Seq    int    // the event's sequence number
	Reason string // what does not match
}

func (b *Break) Error() string { return fmt.Sprintf("event %d: %s", b.Seq, b.Reason) }

// Verify checks an application's events in order against their stored hashes
// and returns the first break, or nil when the chain is intact.
func Verify(links []Link, hashes []string) *Break {
	prev := GenesisHash
	for i, l := range links {
		switch {
		case l.Seq != i+1:
			return &Break{Seq: l.Seq, Reason: fmt.Sprintf("sequence number %d where %d was expected", l.Seq, i+1)}
		case l.PrevHash != prev:
			return &Break{Seq: l.Seq, Reason: "previous hash does not match the event before"}
		case i >= len(hashes) || l.Hash() != hashes[i]:
			return &Break{Seq: l.Seq, Reason: "content does not match its hash"}
		}
		if i > 0 && links[i-1].To != l.From {
			return &Break{Seq: l.Seq, Reason: fmt.Sprintf("starts in %s but the event before ended in %s", l.From, links[i-1].To)}
		}
		prev = hashes[i]
	}
	return nil
}
