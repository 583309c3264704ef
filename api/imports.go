package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
)

// importMembers godoc
//
//	@Summary		Import an existing network (NDJSON)
//	@Description	One member object a line, sponsors and parents before the members under them (PLAN.md §7). Lines carry password_hash (bcrypt) instead of password, and an optional opening state {rank, carry_left, carry_right, lifetime_left, lifetime_right, wallet_balance}. The whole file is validated first: any bad line is a 422 with details [{line, code, message}] and nothing written. A valid file starts a job (202); progress at GET /imports/{id}. All or nothing: a failure while writing removes what the import wrote. Re-importing an identical member is a no-op. The first import sets the network's cutover (?cutover=, default: now).
//	@Tags			members
//	@Accept			application/x-ndjson
//	@Produce		json
//	@Security		Bearer
//	@Param			cutover	query		string	false	"RFC 3339 cutover time (first import only)"
//	@Success		202		{object}	genealogy.ImportJob
//	@Failure		409		{object}	ErrorBody	"another import is running"
//	@Failure		422		{object}	ErrorBody	"bad lines, listed in details"
//	@Router			/api/v1/members/import [post]
func (s *Server) importMembers(c *gin.Context) {
	var cutover *time.Time
	if v := c.Query("cutover"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fail(c, graph.InvalidField("cutover", "must be an RFC 3339 time"))
			return
		}
		cutover = &t
	}
	job, err := s.Imports.Start(c.Request.Context(), c.Request.Body, cutover, principal(c).ID) // bounded by limitRequest
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, job)
}

// getImport godoc
//
//	@Summary	Progress of an import
//	@Tags		members
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"import id"
//	@Success	200	{object}	genealogy.ImportJob
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/imports/{id} [get]
func (s *Server) getImport(c *gin.Context) {
	j, err := s.Imports.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, j)
}
