package handlers

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/workflow"
)

// The status page of a bundle number: the bundle as one application to the
// applicant, with each child's department, state and decision, and the
// supplement the applicant hands in for every child that waits for one.

// bundleStatusPage is the data of a bundle's status page.
type bundleStatusPage struct {
	Number, Code, Name, Submitted string
	View                          bundleStatusView
	Departments                   map[string]string
	Denied                        []bundleChildView // children refused, with the reason
	Materials                     []bundleMaterialView
	Timeline                      []timelineRow
	CanSupplement                 bool
	Notice                        string // locale key of what just happened
	Error                         string // locale key of a refused supplement
	Comment                       string
	LimitMB                       int64
}

// showBundleStatus renders the status of a bundle's number (see
// statusOrBundle); a wrong code answers like an unknown number.
func (s *Server) showBundleStatus(c *gin.Context, number, code string) error {
	f, err := s.bundleByCode(c, number, code)
	if err != nil {
		return s.lookupFailed(c, number, err)
	}
	s.renderBundleStatus(c, http.StatusOK, f, strings.ToUpper(strings.TrimSpace(code)), "", "", "")
	return nil
}

func (s *Server) renderBundleStatus(c *gin.Context, status int, f *models.BundleFiling, code, notice, errKey, comment string) {
	lang := langOf(c)
	v := s.bundleStatusOf(lang, f)
	p := bundleStatusPage{Number: f.Number, Code: code, Name: v.Bundle, Submitted: citizenTime(f.SubmittedAt), View: v,
		Departments: s.departmentNames(), Materials: bundleMaterialsOf(f), Notice: notice, Error: errKey, Comment: comment,
		CanSupplement: slices.Contains(v.CanAct, workflow.Supplement), LimitMB: s.uploadLimit >> 20}
	for _, ch := range v.Children {
		if ch.State == workflow.Denied || ch.Result == "denied" || ch.State == workflow.NotAccepted {
			p.Denied = append(p.Denied, ch)
		}
	}
	for _, e := range v.Timeline {
		p.Timeline = append(p.Timeline, timelineRow{Time: citizenTime(e.At), Label: e.Label})
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "bundle_status", s.site.T(lang, "bundle.status.title", f.Number), "status", p)
}

// bundleSupplementForm is the applicant's supplement of a bundle.
type bundleSupplementForm struct {
	Code    string `form:"code"`
	Comment string `form:"comment"`
}

// uiBundleSupplement takes the applicant's supplement: the files, each for
// every child that lists its material, then the supplement of every child
// that waits for one, as one action on the bundle.
func (s *Server) uiBundleSupplement(c *gin.Context) error {
	number := c.Param("number")
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 20*s.uploadLimit+1<<20)
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		return s.bodyError(c, err)
	}
	var in bundleSupplementForm
	if err := bindForm(c, &in); err != nil {
		return err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	f, err := s.bundleByCode(c, number, in.Code)
	if err != nil {
		return s.lookupFailed(c, number, err)
	}
	code := strings.ToUpper(strings.TrimSpace(in.Code))
	if utf8.RuneCountInString(in.Comment) > 2000 {
		s.renderBundleStatus(c, http.StatusUnprocessableEntity, f, code, "", "bundle.err.too_long", in.Comment)
		return nil
	}
	who := service.Actor{QueryCode: code}
	for _, m := range f.Definition.Materials {
		fh := formFile(c, "file_"+m.Key)
		if fh == nil {
			continue
		}
		if err := s.storeBundleFile(c, who, number, m.Key, fh); err != nil {
			e := asError(err)
			if e.Status >= 500 {
				return err
			}
			s.renderBundleStatus(c, e.Status, f, code, "", "bundle.err.upload", in.Comment)
			return nil
		}
	}
	done, err := s.bundleAction(c, number, workflow.Supplement, 0, code, service.BundleActionInput{Comment: in.Comment})
	if err != nil {
		e := asError(err)
		if e.Status >= 500 {
			return err
		}
		s.renderBundleStatus(c, e.Status, f, code, "", "bundle.err.refused", in.Comment)
		return nil
	}
	s.renderBundleStatus(c, http.StatusOK, done, code, "bundle.status.supplemented", "", "")
	return nil
}
