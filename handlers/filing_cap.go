package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/policies"
)

// filingCapWindow is the period Config.FilingsPerHour counts over.
const filingCapWindow = time.Hour

// filingWait is how long the request's client must wait before another online filing: 0
// when it may file now, when there is no cap, or when the caller is staff who register
// applications at the window (a counter PC files for everyone who walks in). The client is
// the real address (a trusted proxy's X-Forwarded-For, else the connection's).
func (s *Server) filingWait(c *gin.Context) time.Duration {
	if s.filings == nil || s.windowStaff(c) {
		return 0
	}
	return s.filings.RetryAfter(c.ClientIP(), s.now())
}

// countFiling counts one new online filing of the request's client against the cap.
func (s *Server) countFiling(c *gin.Context) {
	if s.filings == nil || s.windowStaff(c) {
		return
	}
	s.filings.Fail(c.ClientIP(), s.now())
}

// windowStaff reports whether the caller may register applications at the window.
func (s *Server) windowStaff(c *gin.Context) bool {
	p := principalOf(c)
	return p != nil && len(s.authz.Domains(p.user.Username, policies.ObjApplication, policies.ActRegister)) > 0
}

// retryAfterSeconds is a Retry-After value: the wait rounded up to whole seconds.
func retryAfterSeconds(wait time.Duration) string {
	return strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second)))
}

// minutesOf rounds a wait up to whole minutes (at least one).
func minutesOf(wait time.Duration) int {
	return max(1, int((wait+time.Minute-1)/time.Minute))
}

// refuseFiling answers a capped API filing: 429 with Retry-After and a message naming the
// cap.
func (s *Server) refuseFiling(c *gin.Context, wait time.Duration) error {
	c.Header("Retry-After", retryAfterSeconds(wait))
	return &Error{Status: http.StatusTooManyRequests, Code: "too_many_filings",
		Message: fmt.Sprintf("at most %d online filings an hour may come from one address; nothing was filed: try again in %d minutes, or apply at the window",
			s.filings.max, minutesOf(wait))}
}

// filingLimitMessage is the page's words for a capped filing, with Retry-After set.
func (s *Server) filingLimitMessage(c *gin.Context, wait time.Duration) string {
	c.Header("Retry-After", retryAfterSeconds(wait))
	return s.site.T(langOf(c), "citizen.apply.filing_limit", s.filings.max, minutesOf(wait))
}
