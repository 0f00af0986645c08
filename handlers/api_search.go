package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models/search"
)

// maxSuggestions bounds the names offered as the visitor types.
const maxSuggestions = 8

type suggestionJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Highlight string `json:"highlight"`
}

// apiSuggest offers the best few items for what the visitor has typed so far, in the
// citizen's scope, completing a partly typed alias term (开饭 → 开饭店); the search box
// shows them as links.
func (s *Server) apiSuggest(c *gin.Context) error {
	q := strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(q) > maxQueryRunes {
		q = string([]rune(q)[:maxQueryRunes])
	}
	out := []suggestionJSON{}
	if q != "" {
		res := s.search.Suggest(search.Query{Q: q, Limit: maxSuggestions})
		for i, e := range res.Entries {
			sg := suggestionJSON{Code: e.Code, Name: e.Name}
			if i < len(res.Matches) {
				sg.Highlight = res.Matches[i].HighlightHTML()
			}
			out = append(out, sg)
		}
	}
	c.JSON(http.StatusOK, gin.H{"suggestions": out})
	return nil
}
