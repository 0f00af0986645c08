package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// The search alias dictionary (DESIGN §8): everyday words mapped to the
// official terms of item names. Any member of staff who reads the catalogue
// may list it; a catalogue administrator of every department edits it (the
// dictionary serves the whole catalogue, so the check is in "*"). Every
// write is logged by the store and rebuilds the search index through the
// catalogue change signal.

// aliasJSON is one entry as the API answers it.
type aliasJSON struct {
	Term      string    `json:"term"`
	Targets   []string  `json:"targets"`
	Note      string    `json:"note"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAliasJSON(a models.SearchAlias) aliasJSON {
	return aliasJSON{Term: a.Term, Targets: a.Targets, Note: a.Note, UpdatedBy: a.UpdatedBy, UpdatedAt: a.UpdatedAt}
}

// aliasPutBody is the body of PUT /api/v1/search/aliases/{term}.
type aliasPutBody struct {
	Targets []string `json:"targets"`
	Note    string   `json:"note"`
	Reason  string   `json:"reason"`
}

// aliasDeleteBody is the body of DELETE /api/v1/search/aliases/{term}.
type aliasDeleteBody struct {
	Reason string `json:"reason"`
}

// authorizeAliases checks the permission of a dictionary read or write.
func (s *Server) authorizeAliases(c *gin.Context, act string) error {
	return s.authorize(c, policies.AllDomains, policies.ObjItem, act)
}

// actorName is the username of the logged-in caller.
func actorName(c *gin.Context) string {
	return principalOf(c).user.Username
}

func (s *Server) apiAliases(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActRead); err != nil {
		return err
	}
	list, err := s.store.FindSearchAliases(c.Request.Context(), c.Query("q"))
	if err != nil {
		return err
	}
	out := make([]aliasJSON, len(list))
	for i, a := range list {
		out[i] = toAliasJSON(a)
	}
	c.JSON(http.StatusOK, gin.H{"aliases": out})
	return nil
}

func (s *Server) apiPutAlias(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	var b aliasPutBody
	if err := c.ShouldBindJSON(&b); err != nil {
		return badRequest(`the body must be JSON {"targets":[...],"note","reason"}`)
	}
	a, created, err := s.store.PutSearchAlias(c.Request.Context(), actorName(c),
		models.AliasInput{Term: c.Param("term"), Targets: b.Targets, Note: b.Note, Reason: b.Reason})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, toAliasJSON(*a))
	return nil
}

func (s *Server) apiDeleteAlias(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	var b aliasDeleteBody
	if err := c.ShouldBindJSON(&b); err != nil {
		return badRequest(`the body must be JSON {"reason"}`)
	}
	if err := s.store.DeleteSearchAlias(c.Request.Context(), actorName(c), c.Param("term"), b.Reason); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
