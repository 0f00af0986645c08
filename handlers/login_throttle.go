package handlers

import (
	"strings"
	"sync"
	"time"
)

// loginThrottle slows password guessing without a lockout that an attacker could use
// against an account: after a few failures for one username (existing or not, so the answer
// tells nothing of which names exist) or from one address, each further try waits a delay
// that doubles with every failure, up to a ceiling; a success clears the username's count.
// A refused try is not checked at all, so guessing costs the server no password hashing.
type loginThrottle struct {
	mu    sync.Mutex
	state map[string]*throttleState
}

type throttleState struct {
	fails int
	last  time.Time
}

// Throttle settings: failures allowed before the delay starts, for a username and for an
// address (several people may share a counter's address), the first delay and its ceiling,
// and how long a quiet key is remembered.
const (
	throttleFreeAccount = 5
	throttleFreeAddress = 20
	throttleFirstDelay  = 2 * time.Second
	throttleMaxDelay    = 15 * time.Minute
	throttleForget      = time.Hour
)

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{state: map[string]*throttleState{}}
}

func accountKey(username string) string { return "u:" + strings.ToLower(strings.TrimSpace(username)) }
func addressKey(addr string) string     { return "a:" + addr }

// delay is the wait after n failures past free ones.
func delay(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := throttleFirstDelay
	for range n - free {
		if d *= 2; d >= throttleMaxDelay {
			return throttleMaxDelay
		}
	}
	return d
}

// Wait is how long a login for username from addr must still wait; 0 when it may try now.
func (t *loginThrottle) Wait(username, addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for key, free := range map[string]int{accountKey(username): throttleFreeAccount, addressKey(addr): throttleFreeAddress} {
		st := t.state[key]
		if st == nil {
			continue
		}
		if w := st.last.Add(delay(st.fails, free)).Sub(now); w > wait {
			wait = w
		}
	}
	return wait
}

// Fail counts a failed login for username from addr.
func (t *loginThrottle) Fail(username, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.state) > 100_000 {
		for k, st := range t.state {
			if now.Sub(st.last) > throttleForget {
				delete(t.state, k)
			}
		}
	}
	for _, key := range []string{accountKey(username), addressKey(addr)} {
		st := t.state[key]
		if st == nil || now.Sub(st.last) > throttleForget {
			st = &throttleState{}
			t.state[key] = st
		}
		st.fails++
		st.last = now
	}
}

// Succeed clears the username's failures.
func (t *loginThrottle) Succeed(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.state, accountKey(username))
}
