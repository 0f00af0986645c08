package handlers

import "github.com/gin-gonic/gin"

// adminSystemRoutes registers the system administration pages and API:
// the /admin landing page, users, role assignments, departments, calendar.
func (s *Server) adminSystemRoutes(r *gin.Engine, v1 *gin.RouterGroup) {}
