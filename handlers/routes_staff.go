package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffRoutes registers every route that needs a login and a permission.
// Each goes through protect, which records it for the router-walk test.
func (s *Server) staffRoutes(r *gin.Engine, v1 *gin.RouterGroup) {
	const api = "/api/v1"
	s.protect(v1, api, http.MethodGet, "/admin/users", s.api(s.apiUsers))
	s.protect(v1, api, http.MethodPost, "/admin/users", s.api(s.apiCreateUser))
	s.protect(v1, api, http.MethodPost, "/admin/users/:id/password", s.api(s.apiSetPassword))
	s.protect(v1, api, http.MethodPost, "/admin/users/:id/active", s.api(s.apiSetActive))
	s.protect(v1, api, http.MethodPut, "/admin/users/:id/roles", s.api(s.apiSetRoles))
	s.protect(v1, api, http.MethodGet, "/admin/login-log", s.api(s.apiLoginLog))
	s.protect(v1, api, http.MethodPost, "/items", s.api(s.apiCreateItem))
	s.protect(v1, api, http.MethodPut, "/items/:code", s.api(s.apiUpdateItem))
	s.protect(v1, api, http.MethodPost, "/items/:code/publish", s.api(s.apiPublishItem))
	s.protect(v1, api, http.MethodPost, "/items/:code/disposition", s.api(s.apiSetDisposition))
	s.protect(v1, api, http.MethodGet, "/items/:code/revisions", s.api(s.apiRevisions))
	s.protect(v1, api, http.MethodGet, "/catalogue/export", s.api(s.apiExport))
	s.protect(v1, api, http.MethodPost, "/catalogue/import", s.api(s.apiImport))
	s.adminItemRoutes(r)
	s.adminSystemRoutes(r, v1)
	s.catalogueToolRoutes(r, v1)
	s.applicationStaffRoutes(r, v1)
}
