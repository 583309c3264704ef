package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/sales"
)

// referralCatalog godoc
//
//	@Summary		What a referral can name: active vendors, their products, and the consent text to show
//	@Tags			referrals
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	sales.ReferralCatalog
//	@Router			/api/v1/referral-catalog [get]
func (s *Server) referralCatalog(c *gin.Context) {
	out, err := s.Referrals.Catalog(c.Request.Context())
	respond(c, http.StatusOK, out, err)
}

// submitReferral godoc
//
//	@Summary		Refer a prospect to a vendor
//	@Description	A consultant refers for itself; a customer refers a friend, credited to the customer's consultant. The prospect's consent to be contacted is recorded (given, the exact text, channel, time). The referral is delivered to the vendor at least once (signed webhook, or the vendor's pull) and protects its consultant's attribution until expires_at.
//	@Tags			referrals
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id (the caller, or any for admins)"
//	@Param			body	body		sales.ReferralRequest	true	"the referral"
//	@Success		201		{object}	sales.Referral
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/referrals [post]
func (s *Server) submitReferral(c *gin.Context) {
	var req sales.ReferralRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Referrals.Submit(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusCreated, out, err)
}

// ReferralPage documents a page of referrals for Swagger.
type ReferralPage struct {
	Items      []sales.Referral `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// memberReferrals godoc
//
//	@Summary	A member's referrals (owned or submitted), newest first
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		id			path		string	true	"member id"
//	@Param		vendor_id	query		string	false	"one vendor"
//	@Param		status		query		string	false	"one status"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	ReferralPage
//	@Router		/api/v1/members/{id}/referrals [get]
func (s *Server) memberReferrals(c *gin.Context) {
	s.listReferralsFor(c, c.Param("id"))
}

// listReferrals godoc
//
//	@Summary	Every referral (admins), newest first
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		member		query		string	false	"owned or submitted by this member"
//	@Param		vendor_id	query		string	false	"one vendor"
//	@Param		status		query		string	false	"one status"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	ReferralPage
//	@Router		/api/v1/referrals [get]
func (s *Server) listReferrals(c *gin.Context) {
	s.listReferralsFor(c, c.Query("member"))
}

func (s *Server) listReferralsFor(c *gin.Context, member string) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	out, err := s.Referrals.List(c.Request.Context(), sales.ReferralFilter{Member: member, VendorID: c.Query("vendor_id"), Status: c.Query("status")},
		c.Query("cursor"), limit)
	respond(c, http.StatusOK, out, err)
}

// referralPipeline godoc
//
//	@Summary	A member's referral pipeline: counts by vendor and status
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	sales.PipelineAnswer
//	@Router		/api/v1/members/{id}/referral-pipeline [get]
func (s *Server) referralPipeline(c *gin.Context) {
	out, err := s.Referrals.Pipeline(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// getReferral godoc
//
//	@Summary	A referral with its history (its consultant, who submitted it, or admins)
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"referral id"
//	@Success	200	{object}	sales.Referral
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/referrals/{id} [get]
func (s *Server) getReferral(c *gin.Context) {
	out, err := s.Referrals.Get(c.Request.Context(), principal(c), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// getReferralSettings godoc
//
//	@Summary	A vendor's referral terms: webhook URL and how long a referral protects attribution
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"vendor id"
//	@Success	200	{object}	sales.ReferralSettings
//	@Router		/api/v1/vendors/{id}/referral-settings [get]
func (s *Server) getReferralSettings(c *gin.Context) {
	out, err := s.Referrals.Settings(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// putReferralSettings godoc
//
//	@Summary		Set a vendor's referral terms
//	@Description	webhook_url must be https and must not resolve to a private, loopback or link-local address unless HALO_WEBHOOK_ALLOW names it; empty means the vendor pulls. expiry_days 1–730 (default 90).
//	@Tags			referrals
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"vendor id"
//	@Param			body	body		sales.ReferralSettings	true	"the terms"
//	@Success		200		{object}	sales.ReferralSettings
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/vendors/{id}/referral-settings [put]
func (s *Server) putReferralSettings(c *gin.Context) {
	var req sales.ReferralSettings
	if !bind(c, &req) {
		return
	}
	out, err := s.Referrals.SetSettings(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusOK, out, err)
}

// pullReferrals godoc
//
//	@Summary		A vendor pulls its new referrals (signed)
//	@Description	For vendors without a webhook, or catching up. Sign like ingest, with the request's path and query in place of the body: X-Signature = sha256=<hex HMAC-SHA256(signing_secret, X-Timestamp + "." + "/api/v1/vendor/referrals?cursor=…")>. Returns referrals after cursor, oldest first, and marks them delivered; keep next_cursor and pass it next time (an answer lost is pulled again from the old cursor).
//	@Tags			ingest
//	@Produce		json
//	@Param			X-Vendor-Id	header		string	true	"vendor id"
//	@Param			X-Timestamp	header		string	true	"unix seconds"
//	@Param			X-Signature	header		string	true	"sha256=<hex>"
//	@Param			cursor		query		string	false	"next_cursor of the previous pull"
//	@Param			limit		query		int		false	"at most 500 (default 100)"
//	@Success		200			{object}	sales.PullPage
//	@Failure		401			{object}	ErrorBody
//	@Router			/api/v1/vendor/referrals [get]
func (s *Server) pullReferrals(c *gin.Context) {
	vendor := c.GetHeader("X-Vendor-Id")
	if err := s.Ingest.Authenticate(c.Request.Context(), vendor, c.GetHeader("X-Timestamp"), c.GetHeader("X-Signature"), []byte(c.Request.URL.RequestURI())); err != nil {
		logger(c).Warn("referral pull refused", "vendor", vendor, "reason", graph.AsError(err).Message)
		fail(c, err)
		return
	}
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	out, err := s.Referrals.Pull(c.Request.Context(), vendor, c.Query("cursor"), limit)
	respond(c, http.StatusOK, out, err)
}

// DeliveryPage documents a page of deliveries for Swagger.
type DeliveryPage struct {
	Items      []sales.Delivery `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// listDeliveries godoc
//
//	@Summary	Referral deliveries to vendors, newest first
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		vendor_id	query		string	false	"one vendor"
//	@Param		state		query		string	false	"pending, delivered, dead or pull"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	DeliveryPage
//	@Router		/api/v1/referral-deliveries [get]
func (s *Server) listDeliveries(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	out, err := s.Outbox.List(c.Request.Context(), sales.DeliveryFilter{VendorID: c.Query("vendor_id"), State: c.Query("state")}, c.Query("cursor"), limit)
	respond(c, http.StatusOK, out, err)
}

// deliveryHealth godoc
//
//	@Summary	Delivery health per vendor: backlog, retrying, dead-lettered, latency p50/p95 over 24 hours
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	map[string][]sales.VendorHealth
//	@Router		/api/v1/referral-deliveries/health [get]
func (s *Server) deliveryHealth(c *gin.Context) {
	out, err := s.Outbox.Health(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"vendors": out})
}

// getDelivery godoc
//
//	@Summary	A delivery with its attempt log
//	@Tags		referrals
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"delivery id"
//	@Success	200	{object}	sales.DeliveryDetail
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/referral-deliveries/{id} [get]
func (s *Server) getDelivery(c *gin.Context) {
	out, err := s.Outbox.Get(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// redeliver godoc
//
//	@Summary		Deliver a referral again
//	@Description	Puts a dead-lettered (or delivered) delivery back in the queue, due now, with the same idempotency key; its attempt log is kept. Audited.
//	@Tags			referrals
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"delivery id"
//	@Success		200	{object}	sales.Delivery
//	@Failure		409	{object}	ErrorBody
//	@Router			/api/v1/referral-deliveries/{id}/redeliver [post]
func (s *Server) redeliver(c *gin.Context) {
	out, err := s.Outbox.Redeliver(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// respond writes out with status, or the error.
func respond[T any](c *gin.Context, status int, out T, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, out)
}
