package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"onewindow/models"
)

// passwordWarnBefore is how long before a password expires its owner is warned.
const passwordWarnBefore = 14 * 24 * time.Hour

// passwordNotice is what a page says about its viewer's password: nil when it is far from
// expiring or expiry is off.
type passwordNotice struct {
	DaysLeft int  // whole days left, rounded up (0 once expired)
	Expired  bool // past the maximum age
	Must     bool // expired for a member of staff: nothing else until it is changed
}

// passwordState is the account's password as the expiry setting sees it (nil when no
// warning is due).
func (s *Server) passwordState(u *models.User) *passwordNotice {
	if s.maxPasswordAge <= 0 {
		return nil
	}
	left := u.PasswordChangedAt.Add(s.maxPasswordAge).Sub(s.now())
	if left > passwordWarnBefore {
		return nil
	}
	if left <= 0 {
		// Citizens are warned only: their account holds no one else's data.
		return &passwordNotice{Expired: true, Must: !s.citizenOnly(u.Username)}
	}
	return &passwordNotice{DaysLeft: int((left + 24*time.Hour - 1) / (24 * time.Hour))}
}

// passwordGate keeps a member of staff whose password has expired out of every route but
// the change-password page and signing out: a page sends them to /account/password, the
// API answers 403 password_expired.
func (s *Server) passwordGate(next gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if p := principalOf(c); p != nil {
			if st := s.passwordState(p.user); st != nil && st.Must {
				if isAPI(c) {
					s.apiError(c, &Error{Status: http.StatusForbidden, Code: "password_expired",
						Message: "the password has expired: change it (POST /api/v1/account/password) before anything else"})
					return
				}
				c.Redirect(http.StatusSeeOther, accountPasswordPath)
				c.Abort()
				return
			}
		}
		next(c)
	}
}

// accountPasswordPath is the page where a signed-in user changes their own password.
const accountPasswordPath = "/account/password"

// ownPasswordRequest is a change of one's own password.
type ownPasswordRequest struct {
	Current string `json:"current_password" form:"current_password"`
	New     string `json:"new_password" form:"password"`
}

// changeOwnPassword checks the current password (under the login throttle, so a borrowed
// session cannot guess it) and sets the new one by the password policy. Every session of
// the account ends.
func (s *Server) changeOwnPassword(c *gin.Context, req ownPasswordRequest) (*models.User, error) {
	p := principalOf(c)
	if p == nil {
		return nil, &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in first"}
	}
	c.Set(ctxAuthorized, true) // one's own account: any login may
	u, now := p.user, time.Now()
	if req.Current == "" {
		return nil, invalid(map[string]string{"current_password": "required"})
	}
	if wait := s.logins.Wait(u.Username, c.ClientIP(), now); wait > 0 {
		c.Header("Retry-After", retryAfterSeconds(wait))
		return nil, &Error{Status: http.StatusTooManyRequests, Code: "too_many_attempts", Message: "too many wrong passwords; try again later"}
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(req.Current)) != nil {
		s.logins.Fail(u.Username, c.ClientIP(), now)
		return nil, invalid(map[string]string{"current_password": "wrong password"})
	}
	hash, err := s.hashNewPassword(c.Request.Context(), req.New, u.Username, u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetPassword(c.Request.Context(), u.ID, hash); err != nil {
		return nil, err
	}
	return u, nil
}

// apiAccountPassword changes the caller's own password; every session of the account
// ends, this one too, so the caller signs in again with the new password.
func (s *Server) apiAccountPassword(c *gin.Context) error {
	c.Header("Cache-Control", "no-store")
	var req ownPasswordRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return badRequest("the body must be JSON {\"current_password\",\"new_password\"}")
	}
	if _, err := s.changeOwnPassword(c, req); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// accountPasswordPage is the change-password page.
type accountPasswordPage struct {
	Notice *passwordNotice
	Errors map[string]string // field → locale key
}

func (s *Server) uiAccountPasswordForm(c *gin.Context) error {
	if err := s.loginOnly(c); err != nil {
		return err
	}
	s.renderAccountPassword(c, http.StatusOK, nil)
	return nil
}

func (s *Server) renderAccountPassword(c *gin.Context, status int, errs map[string]string) {
	p := accountPasswordPage{Notice: s.passwordState(principalOf(c).user), Errors: errs}
	s.render(c, status, "account_password", s.site.T(langOf(c), "account.password.title"), "", p)
}

// accountPasswordForm is the change-password form: the current password and the new one
// typed twice.
type accountPasswordForm struct {
	ownPasswordRequest
	Password2 string `form:"password2"`
}

func (s *Server) uiAccountPassword(c *gin.Context) error {
	if err := s.loginOnly(c); err != nil {
		return err
	}
	var f accountPasswordForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	var u *models.User
	var err error
	if f.New != f.Password2 {
		err = invalid(map[string]string{"password2": "the two passwords differ"})
	} else {
		u, err = s.changeOwnPassword(c, f.ownPasswordRequest)
	}
	var e *Error
	if errors.As(err, &e) && (e.Status == http.StatusUnprocessableEntity || e.Status == http.StatusTooManyRequests) {
		errs := map[string]string{}
		for field, msg := range e.Fields {
			errs[field] = "account.password.err." + field
			if msg == "required" {
				errs[field] = "account.password.err.required"
			}
			if rule, ok := passwordRules[msg]; ok { // say which rule the new password broke
				errs[field] = "account.password.rule." + rule
			}
		}
		if e.Status == http.StatusTooManyRequests {
			errs["current_password"] = "login.locked"
		}
		s.renderAccountPassword(c, e.Status, errs)
		return nil
	}
	if err != nil {
		return err
	}
	// Every session ended with the change; this browser goes on in a new one.
	if _, _, err := s.startSession(c.Request.Context(), c, u.ID, models.SessionCookie, time.Now()); err != nil {
		return err
	}
	next := "/admin"
	if s.citizenOnly(u.Username) {
		next = "/my"
	}
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

// landingAfterLogin is where a fresh sign-in goes when the form named no page: the
// change-password page for staff whose password has expired, else where the
// account's work is (landingOf: a citizen's own applications, a clerk's window …).
func (s *Server) landingAfterLogin(ctx context.Context, username, next string) string {
	if u, err := s.store.UserByName(ctx, username); err == nil {
		if st := s.passwordState(u); st != nil && st.Must {
			return accountPasswordPath
		}
	}
	if next != "" {
		return next
	}
	return s.landingOf(username)
}
