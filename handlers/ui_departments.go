package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// The public department page: where the office is, how to reach it, and
// the items it handles, services first.

type departmentPublicPage struct {
	Dept     models.Department
	Services []models.DepartmentItem // filed on application (依申请)
	Others   []models.DepartmentItem // exercised ex officio
}

func (s *Server) uiDepartmentPage(c *gin.Context) error {
	d, ok := s.ref.Load().deptByKey[c.Param("code")]
	if !ok {
		return notFound("department")
	}
	items, err := s.store.DepartmentItems(c.Request.Context(), d.Code)
	if err != nil {
		return err
	}
	p := departmentPublicPage{Dept: d.Department}
	for _, it := range items {
		if it.OnApplication {
			p.Services = append(p.Services, it)
		} else {
			p.Others = append(p.Others, it)
		}
	}
	s.render(c, http.StatusOK, "department", d.Name, "items", p)
	return nil
}
