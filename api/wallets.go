package api

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
)

// wallet godoc
//
//	@Summary	A member's wallet: balance (the sum of its ledger) and entries, newest first
//	@Tags		wallets
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"member id"
//	@Param		limit	query		int		false	"page size"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	payouts.Wallet
//	@Router		/api/v1/members/{id}/wallet [get]
func (s *Server) wallet(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	w, err := s.Wallets.Wallet(c.Request.Context(), c.Param("id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

// adjustWallet godoc
//
//	@Summary	Adjust a wallet (admin; the reason is mandatory and audited)
//	@Tags		wallets
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string					true	"member id"
//	@Param		body	body		payouts.AdjustmentRequest	true	"amount and reason"
//	@Success	201		{object}	payouts.LedgerEntry
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/members/{id}/wallet/adjustments [post]
func (s *Server) adjustWallet(c *gin.Context) {
	var req payouts.AdjustmentRequest
	if !bind(c, &req) {
		return
	}
	e, err := s.Wallets.Adjust(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, e)
}

// memberWithdrawals godoc
//
//	@Summary	A member's own withdrawals, newest first, with their status
//	@Tags		wallets
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"member id"
//	@Param		status	query		string	false	"requested | approved | rejected | paid"
//	@Param		limit	query		int		false	"page size"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	WithdrawalPage
//	@Router		/api/v1/members/{id}/withdrawals [get]
func (s *Server) memberWithdrawals(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Wallets.List(c.Request.Context(), c.Query("status"), c.Param("id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// requestWithdrawal godoc
//
//	@Summary		Request a withdrawal
//	@Description	At least the minimum, not above the balance, one open request at a time; the amount leaves the balance at once (a rejection puts it back).
//	@Tags			wallets
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id"
//	@Param			body	body		payouts.WithdrawalRequest	true	"amount"
//	@Success		201		{object}	payouts.Withdrawal
//	@Failure		409		{object}	ErrorBody	"another request is open"
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/withdrawals [post]
func (s *Server) requestWithdrawal(c *gin.Context) {
	var req payouts.WithdrawalRequest
	if !bind(c, &req) {
		return
	}
	w, err := s.Wallets.Request(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, w)
}

// WithdrawalPage documents the withdrawal list for Swagger.
type WithdrawalPage struct {
	Items      []payouts.Withdrawal `json:"items"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

// listWithdrawals godoc
//
//	@Summary	Withdrawals by status
//	@Tags		wallets
//	@Produce	json
//	@Security	Bearer
//	@Param		status		query		string	false	"requested | approved | rejected | paid"
//	@Param		member_id	query		string	false	"one member"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	WithdrawalPage
//	@Router		/api/v1/withdrawals [get]
func (s *Server) listWithdrawals(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Wallets.List(c.Request.Context(), c.Query("status"), c.Query("member_id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// decideWithdrawal godoc
//
//	@Summary	Approve, reject (reason required) or mark paid (payment reference required)
//	@Tags		wallets
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id			path		string					true	"withdrawal id"
//	@Param		decision	path		string					true	"approve | reject | mark-paid"
//	@Param		body		body		payouts.DecisionRequest	false	"reason or payment reference"
//	@Success	200			{object}	payouts.Withdrawal
//	@Failure	409			{object}	ErrorBody	"not in a state that allows it"
//	@Router		/api/v1/withdrawals/{id}/{decision} [post]
func (s *Server) decideWithdrawal(c *gin.Context) {
	var req payouts.DecisionRequest
	if c.Request.ContentLength != 0 && !bind(c, &req) {
		return
	}
	w, err := s.Wallets.Decide(c.Request.Context(), c.Param("id"), c.Param("decision"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

// exportWithdrawals godoc
//
//	@Summary	Approved withdrawals as CSV for the payment provider
//	@Tags		wallets
//	@Produce	text/csv
//	@Security	Bearer
//	@Success	200	{string}	string	"withdrawal_id,member_id,name,email,amount,requested_at,approved_at"
//	@Router		/api/v1/withdrawals/export.csv [get]
func (s *Server) exportWithdrawals(c *gin.Context) {
	ws, err := s.Wallets.Approved(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="approved-withdrawals.csv"`)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"withdrawal_id", "member_id", "name", "email", "amount", "requested_at", "approved_at"})
	for _, x := range ws {
		approved := ""
		if x.DecidedAt != nil {
			approved = x.DecidedAt.Format("2006-01-02T15:04:05Z07:00")
		}
		_ = w.Write([]string{x.ID, x.MemberID, text(x.MemberName), text(x.MemberEmail), x.Amount, x.RequestedAt.Format("2006-01-02T15:04:05Z07:00"), approved})
	}
	w.Flush()
}

// exportRun godoc
//
//	@Summary	A committed run's lines as CSV
//	@Tags		payouts
//	@Produce	text/csv
//	@Security	Bearer
//	@Param		id	path		string	true	"run id"
//	@Success	200	{string}	string	"line_id,member_id,type,amount,source_id,generation,reversal_of,vendor"
//	@Failure	409	{object}	ErrorBody	"the run is not committed"
//	@Router		/api/v1/payout-runs/{id}/export.csv [get]
func (s *Server) exportRun(c *gin.Context) {
	r, err := s.Payouts.ForExport(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+r.ID+`.csv"`)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"line_id", "member_id", "type", "amount", "source_id", "generation", "reversal_of", "vendor"})
	err = s.Payouts.EachLine(c.Request.Context(), r.ID, func(l payouts.RunLine) error {
		gen := ""
		if l.Generation > 0 {
			gen = strconv.Itoa(l.Generation)
		}
		return w.Write([]string{l.ID, l.MemberID, l.Type, l.Amount, l.SourceID, gen, l.ReversalOf, l.Vendor})
	})
	w.Flush()
	if err != nil {
		logger(c).Error("run export interrupted", "run", r.ID, "error", err)
	}
}

// AuditPage documents the audit list for Swagger.
type AuditPage struct {
	Items      []graph.AuditEntry `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// listAudit godoc
//
//	@Summary	The audit log of admin actions, newest first
//	@Tags		audit
//	@Produce	json
//	@Security	Bearer
//	@Param		actor		query		string	false	"who acted"
//	@Param		action		query		string	false	"e.g. member.upgrade, payout.commit, withdrawal.approve"
//	@Param		target_type	query		string	false	"member, vendor, payout_run, withdrawal …"
//	@Param		target_id	query		string	false	"the target's id"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	AuditPage
//	@Router		/api/v1/audit [get]
func (s *Server) listAudit(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	f := graph.AuditFilter{Actor: c.Query("actor"), Action: c.Query("action"), TargetType: c.Query("target_type"), TargetID: c.Query("target_id")}
	p, err := s.Audit.List(c.Request.Context(), f, c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
