package handlers

import "github.com/gin-gonic/gin"

// citizenRoutes registers the applicant's public pages (一网通办): apply,
// receipt, status.
func (s *Server) citizenRoutes(r *gin.Engine) {}
