package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// PublicRoutes lists every route that needs no login. A test walks the
// router and fails on any route that is neither here nor authorized.
var PublicRoutes = map[string]bool{
	"GET /healthz":                  true,
	"GET /api/v1/catalogue/stats":   true,
	"GET /api/v1/departments":       true,
	"GET /api/v1/items":             true,
	"GET /api/v1/items/:code":       true,
	"GET /api/v1/calendar/deadline": true,
	"GET /api/v1/openapi.json":      true,
	"GET /":                         true,
	"GET /items":                    true,
	"GET /items/:code":              true,
	"GET /catalogue":                true,
	"GET /static/*filepath":         true,
	"POST /api/v1/login":            true,
	"POST /api/v1/logout":           true,
	"GET /api/v1/me":                true,
	"GET /login":                    true,
	"POST /login":                   true,
	"POST /logout":                  true,
	"HEAD /static/*filepath":        true,
	// Applications: anonymous filing and the applicant's own actions with the
	// query code; staff calls on the same routes are authorized per action.
	"POST /api/v1/applications":                         true,
	"POST /api/v1/applications/:number/actions/:action": true,
	"POST /api/v1/applications/:number/materials":       true,
	"GET /api/v1/applications/:number/files/:id":        true,
	"GET /api/v1/status/:number":                        true,
	// The citizen's pages (一网通办): the query code, or the owner's citizen
	// account, authorizes each look at an application.
	"GET /items/:code/apply":          true,
	"POST /items/:code/apply":         true,
	"GET /receipt/:number":            true,
	"GET /status":                     true,
	"POST /status":                    true,
	"GET /status/:number":             true,
	"POST /status/:number/supplement": true,
	"POST /status/:number/withdraw":   true,
}

func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(requestID(), accessLog(s.log), s.recovery(), securityHeaders(), language(s.site), s.authenticate(), s.csrf())

	r.GET("/healthz", s.api(s.healthz))
	v1 := r.Group("/api/v1")
	v1.GET("/catalogue/stats", s.api(s.apiStats))
	v1.GET("/departments", s.api(s.apiDepartments))
	v1.GET("/items", s.api(s.apiItems))
	v1.GET("/items/:code", s.api(s.apiItem))
	v1.GET("/calendar/deadline", s.api(s.apiDeadline))
	v1.GET("/openapi.json", s.api(s.apiOpenAPI))
	v1.POST("/login", s.api(s.apiLogin))
	v1.POST("/logout", s.api(s.apiLogout))
	v1.GET("/me", s.api(s.apiMe))
	s.staffRoutes(r, v1)
	s.applicationPublicRoutes(r, v1)

	r.GET("/", s.page(s.uiHome))
	r.GET("/items", s.page(s.uiResults))
	r.GET("/items/:code", s.page(s.uiItem))
	r.GET("/catalogue", s.page(s.uiCatalogue))
	r.GET("/login", s.page(s.uiLoginForm))
	r.POST("/login", s.page(s.uiLogin))
	r.POST("/logout", s.page(s.uiLogout))
	static := r.Group("/static", cacheStatic())
	static.StaticFS("/", http.FS(s.site.Static()))

	r.NoRoute(s.notFound)
	r.NoMethod(s.methodNotAllowed)
	return r
}

func (s *Server) notFound(c *gin.Context) {
	if isAPI(c) {
		s.apiError(c, notFound("resource"))
		return
	}
	s.pageError(c, notFound("page"))
}

func (s *Server) methodNotAllowed(c *gin.Context) {
	e := &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed"}
	if isAPI(c) {
		s.apiError(c, e)
		return
	}
	s.pageError(c, e)
}

// recovery answers a panic with a clean 500 and logs it.
func (s *Server) recovery() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(gin.DefaultErrorWriter, func(c *gin.Context, rec any) {
		s.log.Error("panic", "id", c.GetString(ctxRequestID), "panic", rec)
		c.AbortWithStatusJSON(http.StatusInternalServerError,
			errorBody{Error: errorDetail{Code: "internal", Message: "internal error"}})
	})
}

// cacheStatic lets browsers keep hashed assets for a year.
func cacheStatic() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Query("v") != "" {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Header("Cache-Control", "public, max-age=300")
		}
		if strings.HasSuffix(c.Request.URL.Path, "/") {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
		c.Next()
	}
}

func (s *Server) healthz(c *gin.Context) error {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "database unavailable", Err: err}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}
