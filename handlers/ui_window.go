package handlers

import "github.com/gin-gonic/gin"

// windowRoutes registers the window clerk's pages (一窗受理).
func (s *Server) windowRoutes(r *gin.Engine) {}
