package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph/payouts"
)

// createBatch godoc
//
//	@Summary		Collect approved withdrawals into a payout batch (an ACH file)
//	@Description	Every approved withdrawal not in a batch, whose member is not on hold and has a bank account, goes in; the others are listed as skipped with the reason. The bank details are frozen into the batch. Amounts are net of backup withholding.
//	@Tags			payouts
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		payouts.CreateBatchRequest	false	"effective date"
//	@Success		201		{object}	payouts.Batch
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/payout-batches [post]
func (s *Server) createBatch(c *gin.Context) {
	var req payouts.CreateBatchRequest
	if c.Request.ContentLength != 0 && !bind(c, &req) {
		return
	}
	out, err := s.Batches.Create(c.Request.Context(), req)
	respond(c, http.StatusCreated, out, err)
}

// BatchPage documents a page of batches for Swagger.
type BatchPage struct {
	Items      []payouts.Batch `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// listBatches godoc
//
//	@Summary	Payout batches, newest first
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		limit	query		int		false	"page size"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	BatchPage
//	@Router		/api/v1/payout-batches [get]
func (s *Server) listBatches(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	out, err := s.Batches.List(c.Request.Context(), c.Query("cursor"), limit)
	respond(c, http.StatusOK, out, err)
}

// getBatch godoc
//
//	@Summary	A payout batch with its entries (account numbers masked)
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"batch id"
//	@Success	200	{object}	payouts.Batch
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/payout-batches/{id} [get]
func (s *Server) getBatch(c *gin.Context) {
	out, err := s.Batches.Get(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// batchNACHA godoc
//
//	@Summary		The batch's NACHA ACH file (full account numbers; every download audited)
//	@Description	One PPD batch of credits (22 checking, 32 savings), 94-character records blocked by ten, entry hash and control totals; originator identifiers from HALO_ACH_*.
//	@Tags			payouts
//	@Produce		plain
//	@Security		Bearer
//	@Param			id	path	string	true	"batch id"
//	@Success		200
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/payout-batches/{id}/nacha [get]
func (s *Server) batchNACHA(c *gin.Context) {
	text, b, err := s.Batches.NACHA(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="halo-payouts-%d.ach"`, b.Number))
	c.Data(http.StatusOK, "text/plain; charset=us-ascii", []byte(text))
}

// batchSent godoc
//
//	@Summary	Record that the batch's file went to the bank: its withdrawals are paid
//	@Tags		payouts
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"batch id"
//	@Success	200	{object}	payouts.Batch
//	@Failure	409	{object}	ErrorBody
//	@Router		/api/v1/payout-batches/{id}/sent [post]
func (s *Server) batchSent(c *gin.Context) {
	out, err := s.Batches.MarkSent(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// returnWithdrawal godoc
//
//	@Summary		Record an ACH return of a paid withdrawal
//	@Description	The amount goes back to the member's wallet as a ledger entry of its own, and the withdrawal shows the return code and what it means.
//	@Tags			payouts
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"withdrawal id"
//	@Param			body	body		payouts.ReturnRequest	true	"the return"
//	@Success		200		{object}	payouts.Withdrawal
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/withdrawals/{id}/return [post]
func (s *Server) returnWithdrawal(c *gin.Context) {
	var req payouts.ReturnRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Wallets.Return(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusOK, out, err)
}
