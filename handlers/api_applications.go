package handlers

import "github.com/gin-gonic/gin"

// applicationStaffRoutes registers the staff side of applications.
func (s *Server) applicationStaffRoutes(r *gin.Engine, v1 *gin.RouterGroup) {}
