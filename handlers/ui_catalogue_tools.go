package handlers

import "github.com/gin-gonic/gin"

// catalogueToolRoutes registers the catalogue tools beyond editing one item:
// creating items and the import / export page.
func (s *Server) catalogueToolRoutes(r *gin.Engine, v1 *gin.RouterGroup) {}
