package handlers

import (
	"strings"
	"time"
)

// loginThrottle slows password guessing without a lockout that an attacker could use
// against an account: after a few failures for one username (existing or not, so the answer
// tells nothing of which names exist) or from one address, each further try waits a delay
// that doubles with every failure, up to a ceiling; a success clears the username's count.
// A refused try is not checked at all, so guessing costs the server no password hashing.
//
// The counts are a rateCounter's under "login:" keys: the database's for a server, so
// every instance on the database slows the same guesses.
type loginThrottle struct {
	rates rateCounter
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
	return &loginThrottle{rates: newMemoryRates()}
}

func accountKey(username string) string {
	return "login:u:" + strings.ToLower(strings.TrimSpace(username))
}
func addressKey(addr string) string { return "login:a:" + addr }

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
	var wait time.Duration
	for key, free := range map[string]int{accountKey(username): throttleFreeAccount, addressKey(addr): throttleFreeAddress} {
		c := t.rates.get(key, now)
		if c.N == 0 {
			continue
		}
		if w := c.Last.Add(delay(c.N, free)).Sub(now); w > wait {
			wait = w
		}
	}
	return wait
}

// Fail counts a failed login for username from addr; a key quiet for throttleForget
// starts again from nothing.
func (t *loginThrottle) Fail(username, addr string, now time.Time) {
	for _, key := range []string{accountKey(username), addressKey(addr)} {
		t.rates.hit(key, now, throttleForget, true)
	}
}

// Succeed clears the username's failures.
func (t *loginThrottle) Succeed(username string) {
	t.rates.clear(accountKey(username))
}
