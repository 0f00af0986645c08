package handlers

import "github.com/gin-gonic/gin"

// backOfficeRoutes registers the departments' work lists, the processing
// page, the supervisor's overview and the decision documents.
func (s *Server) backOfficeRoutes(r *gin.Engine, v1 *gin.RouterGroup) {}
