package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph/payouts"
)

// createRun godoc
//
//	@Summary		Preview a payout run (draft)
//	@Description	Computes PLAN.md §4 over every event accepted so far with occurred_at before period_end that no committed run has accounted, and stores the draft; it freezes that set. Previews can be made again. A period_end off the plan's cadence is 422; without one, a run after the first ends one cadence after the last committed run (the first run needs one).
//	@Tags			payouts
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		payouts.CreateRunRequest	true	"period end"
//	@Success		201		{object}	payouts.Run
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/payout-runs [post]
func (s *Server) createRun(c *gin.Context) {
	var req payouts.CreateRunRequest
	if !bind(c, &req) {
		return
	}
	r, err := s.Payouts.Draft(c.Request.Context(), req, principal(c).ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, r)
}

// listRuns godoc
//
//	@Summary	Payout runs with status, period, totals and who made and committed them
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	map[string][]payouts.Run
//	@Router		/api/v1/payout-runs [get]
func (s *Server) listRuns(c *gin.Context) {
	rs, err := s.Payouts.List(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"runs": rs})
}

// getRun godoc
//
//	@Summary	A payout run
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"run id"
//	@Success	200	{object}	payouts.Run
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/payout-runs/{id} [get]
func (s *Server) getRun(c *gin.Context) {
	r, err := s.Payouts.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// commitRun godoc
//
//	@Summary		Commit a draft
//	@Description	Pays exactly what the draft showed. Idempotent; serialized; a draft made stale by another commit is 409.
//	@Tags			payouts
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"run id"
//	@Success		200	{object}	payouts.Run
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/api/v1/payout-runs/{id}/commit [post]
func (s *Server) commitRun(c *gin.Context) {
	r, err := s.Payouts.Commit(c.Request.Context(), c.Param("id"), principal(c).ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// RunLinesPage is GET /payout-runs/{id}/lines.
type RunLinesPage struct {
	Lines      []payouts.RunLine `json:"lines"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// runLines godoc
//
//	@Summary	A run's lines, by member, paged
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"run id"
//	@Param		limit	query		int		false	"page size (default 100, at most 1000)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	RunLinesPage
//	@Router		/api/v1/payout-runs/{id}/lines [get]
func (s *Server) runLines(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Payouts.Lines(c.Request.Context(), c.Param("id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, RunLinesPage{Lines: p.Items, NextCursor: p.NextCursor})
}

// RunMembersPage is GET /payout-runs/{id}/members.
type RunMembersPage struct {
	Members    []payouts.RunMember `json:"members"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// runMembers godoc
//
//	@Summary	Every consultant's end state for a run, paged
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"run id"
//	@Param		limit	query		int		false	"page size (default 100, at most 1000)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	RunMembersPage
//	@Router		/api/v1/payout-runs/{id}/members [get]
func (s *Server) runMembers(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Payouts.Members(c.Request.Context(), c.Param("id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, RunMembersPage{Members: p.Items, NextCursor: p.NextCursor})
}

// runStatement godoc
//
//	@Summary	A member's statement for a run: every line with the figures it came from
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"run id"
//	@Param		member	path		string	true	"member id"
//	@Success	200		{object}	payouts.MemberStatement
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/payout-runs/{id}/members/{member}/statement [get]
func (s *Server) runStatement(c *gin.Context) {
	st, err := s.Payouts.Statement(c.Request.Context(), c.Param("id"), c.Param("member"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// memberStatement godoc
//
//	@Summary		A member's own statement for a committed run
//	@Description	Each line with its explanation. Drafts are previews for admins: to a member they do not exist (404).
//	@Tags			payouts
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Param			run	path		string	true	"payout run id"
//	@Success		200	{object}	payouts.MemberStatement
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/members/{id}/statements/{run} [get]
func (s *Server) memberStatement(c *gin.Context) {
	st, err := s.Payouts.CommittedStatement(c.Request.Context(), c.Param("run"), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}
