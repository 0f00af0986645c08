package handlers

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// 长辈版 (large print for older users): larger type and targets, the
// secondary navigation hidden. A visitor switches it from any page's header
// with ?elder=1 or ?elder=0, like the language, and a cookie remembers it.
const (
	elderCookie = "elder"
	ctxElder    = "elder"
	elderParam  = "elder"
)

// elderMode reads the 长辈版 switch: ?elder= (remembered in a cookie), then the cookie.
func elderMode(secure bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		on := false
		switch q := c.Query(elderParam); q {
		case "1", "0":
			on = q == "1"
			ck := &http.Cookie{Name: elderCookie, Value: "1", Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure || c.Request.TLS != nil}
			if !on {
				ck.Value, ck.MaxAge = "", -1
			}
			http.SetCookie(c.Writer, ck)
		default:
			if v, err := c.Cookie(elderCookie); err == nil && v == "1" {
				on = true
			}
		}
		c.Set(ctxElder, on)
		c.Next()
	}
}

// elderOf says whether the page is shown in 长辈版.
func elderOf(c *gin.Context) bool { return c.GetBool(ctxElder) }

// switchURLs returns the current page's address with the language switched
// and with 长辈版 switched; each drops the other's parameter, which the
// cookie now remembers.
func switchURLs(u *url.URL, otherLang string, elder bool) (lang, elderSwitch string) {
	v := u.Query()
	v.Del(elderParam)
	v.Set("lang", otherLang)
	lang = (&url.URL{Path: u.Path, RawQuery: v.Encode()}).String()
	v = u.Query()
	v.Del("lang")
	if elder {
		v.Set(elderParam, "0")
	} else {
		v.Set(elderParam, "1")
	}
	return lang, (&url.URL{Path: u.Path, RawQuery: v.Encode()}).String()
}
