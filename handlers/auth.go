package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"onewindow/models"
)

// Session and lockout settings.
const (
	sessionCookie   = "ow_session"
	idleTimeout     = 30 * time.Minute
	absoluteTimeout = 12 * time.Hour
	touchEvery      = time.Minute
	ctxPrincipal    = "principal"
)

// noLockout keeps the store from locking an account however many failures it records: the
// login throttle slows guessing instead, without handing an attacker a way to shut
// someone out.
const noLockout = math.MaxInt32

// principal is the logged-in user of a request.
type principal struct {
	user    *models.User
	session *models.Session
	bearer  bool // authenticated by an Authorization header, not a cookie
}

// dummyHash keeps the time of a login for an unknown user close to a real one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)

// HashPassword hashes a password for storage.
func HashPassword(pw string) (string, error) {
	if len(pw) < 8 {
		return "", invalid(map[string]string{"password": "must be at least 8 characters"})
	}
	if len(pw) > 72 {
		return "", invalid(map[string]string{"password": "must be at most 72 bytes"})
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func sessionID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// authenticate resolves the request's session from the bearer token or the
// session cookie; requests without one go on anonymously.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		secret, bearer := "", false
		if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
			secret, bearer = strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), true
		} else if ck, err := c.Cookie(sessionCookie); err == nil {
			secret = ck
		}
		if secret == "" {
			c.Next()
			return
		}
		now := time.Now()
		sess, u, err := s.store.SessionUser(c.Request.Context(), sessionID(secret), now)
		if err != nil {
			if !bearer {
				s.clearSessionCookie(c)
			}
			if !errors.Is(err, models.ErrNotFound) {
				_ = c.Error(err)
			}
			c.Next()
			return
		}
		if now.Sub(sess.LastSeenAt) > touchEvery {
			expires := now.Add(idleTimeout)
			if end := sess.CreatedAt.Add(absoluteTimeout); end.Before(expires) {
				expires = end
			}
			if err := s.store.TouchSession(c.Request.Context(), sess.ID, now, expires); err != nil {
				_ = c.Error(err)
			}
		}
		c.Set(ctxPrincipal, &principal{user: u, session: sess, bearer: bearer})
		c.Next()
	}
}

func principalOf(c *gin.Context) *principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(*principal)
	return pr
}

// csrf refuses unsafe cross-origin browser requests, and unsafe requests
// authenticated by the session cookie that lack the session's CSRF token.
// Bearer-token calls carry no ambient credential and are exempt from the token.
func (s *Server) csrf() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if err := cop.Check(c.Request); err != nil {
			s.refuseCSRF(c, "cross-origin request refused")
			return
		}
		// Every unsafe request has a ceiling before anything reads its body,
		// so an upload cannot be larger than this even where a handler's own
		// limit is checked only after the form is parsed.
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxRequestBody)
		p := principalOf(c)
		if p != nil && !p.bearer {
			token := c.GetHeader("X-CSRF-Token")
			if token == "" {
				if err := parseForm(c); err != nil {
					s.refuseBody(c, err)
					return
				}
				token = c.PostForm("csrf_token")
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(p.session.CSRFToken)) != 1 {
				s.refuseCSRF(c, "missing or wrong CSRF token; reload the page and try again")
				return
			}
		}
		c.Next()
	}
}

// maxRequestBody bounds the body of any unsafe request (a form with a scan
// per material, a catalogue spreadsheet).
const maxRequestBody = 64 << 20

// parseForm parses a urlencoded or multipart body, keeping at most 8 MB of
// files in memory and the rest in temporary files.
func parseForm(c *gin.Context) error {
	if strings.HasPrefix(c.ContentType(), "multipart/form-data") {
		return c.Request.ParseMultipartForm(8 << 20)
	}
	return c.Request.ParseForm()
}

// refuseBody answers a body that could not be read: 413 when it was too large.
func (s *Server) refuseBody(c *gin.Context, err error) {
	e := badRequest("the form could not be read")
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		e = &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the request is too large"}
	}
	if isAPI(c) {
		s.apiError(c, e)
		return
	}
	s.pageError(c, e)
}

func (s *Server) refuseCSRF(c *gin.Context, msg string) {
	e := &Error{Status: http.StatusForbidden, Code: "csrf", Message: msg}
	if isAPI(c) {
		s.apiError(c, e)
		return
	}
	s.pageError(c, e)
}

// login checks a password under the login throttle and starts a session. An unknown
// username, a disabled account and a wrong password answer alike, in the same time.
func (s *Server) login(ctx context.Context, c *gin.Context, username, password, kind string) (string, *models.Session, error) {
	// Sessions and the login log keep the wall clock (the session check reads it); the
	// throttle's delays follow the server's clock, which tests may hold still.
	now, throttled := time.Now(), s.now()
	ev := models.LoginEvent{Username: username, At: now.UTC(), IP: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 200)}
	if wait := s.logins.Wait(username, ev.IP, throttled); wait > 0 {
		ev.Result = models.LoginLocked
		if err := s.store.RecordLogin(ctx, ev, noLockout, now); err != nil {
			return "", nil, err
		}
		secs := int(wait.Round(time.Second)/time.Second) + 1
		c.Header("Retry-After", strconv.Itoa(secs))
		return "", nil, &Error{Status: http.StatusTooManyRequests, Code: "too_many_attempts",
			Message: fmt.Sprintf("too many failed logins; try again in %d seconds", secs)}
	}
	u, err := s.store.UserByName(ctx, username)
	switch {
	case errors.Is(err, models.ErrNotFound):
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		ev.Result = models.LoginUnknownUser
	case err != nil:
		return "", nil, err
	default:
		ev.UserID = &u.ID
		switch {
		case !u.Active:
			_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
			ev.Result = models.LoginDisabled
		case bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil:
			ev.Result = models.LoginBadPassword
		default:
			ev.Result = models.LoginOK
		}
	}
	if err := s.store.RecordLogin(ctx, ev, noLockout, now); err != nil {
		return "", nil, err
	}
	if ev.Result != models.LoginOK {
		s.logins.Fail(username, ev.IP, throttled)
		return "", nil, &Error{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "wrong username or password"}
	}
	s.logins.Succeed(username)
	return s.startSession(ctx, c, u.ID, kind, now)
}

// startSession starts a new session of the account for this client (a cookie session
// also sets the cookie) and returns its secret.
func (s *Server) startSession(ctx context.Context, c *gin.Context, userID uint, kind string, now time.Time) (string, *models.Session, error) {
	secret, err := newSecret()
	if err != nil {
		return "", nil, err
	}
	csrfToken, err := newSecret()
	if err != nil {
		return "", nil, err
	}
	sess := models.Session{ID: sessionID(secret), UserID: userID, Kind: kind, CSRFToken: csrfToken,
		CreatedAt: now.UTC(), LastSeenAt: now.UTC(), ExpiresAt: now.Add(idleTimeout).UTC(),
		IP: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 200)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	// A new id at every login: any session id the browser had before is dropped.
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		_ = s.store.DeleteSession(ctx, sessionID(old))
	}
	s.setSessionCookie(c, secret)
	return secret, &sess, nil
}

func (s *Server) setSessionCookie(c *gin.Context, secret string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", MaxAge: int(absoluteTimeout.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookie(c)})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookie(c)})
}

func (s *Server) logout(c *gin.Context) error {
	if p := principalOf(c); p != nil {
		if err := s.store.DeleteSession(c.Request.Context(), p.session.ID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
