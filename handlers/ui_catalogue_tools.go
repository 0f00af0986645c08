package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// catalogueToolRoutes registers the catalogue tools beyond editing one item:
// creating items and the import / export page.
func (s *Server) catalogueToolRoutes(r *gin.Engine, v1 *gin.RouterGroup) {
	s.protect(r, "", http.MethodGet, "/admin/items/new", s.page(s.uiNewItemForm))
	s.protect(r, "", http.MethodPost, "/admin/items/new", s.page(s.uiNewItem))
	s.protect(r, "", http.MethodGet, "/admin/catalogue/transfer", s.page(s.uiTransfer))
	s.protect(r, "", http.MethodPost, "/admin/catalogue/transfer", s.page(s.uiTransferCheck))
	s.protect(r, "", http.MethodPost, "/admin/catalogue/transfer/confirm", s.page(s.uiTransferConfirm))
	s.protect(r, "", http.MethodGet, "/admin/catalogue/export", s.page(s.apiExport))
}
