package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/sales"
)

// createVendor godoc
//
//	@Summary		Create a vendor
//	@Description	Returns the vendor's signing secret, shown this once (it is stored encrypted and no endpoint returns it again).
//	@Tags			vendors
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		sales.CreateVendorRequest	true	"the vendor"
//	@Success		201		{object}	sales.VendorWithSecret
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/vendors [post]
func (s *Server) createVendor(c *gin.Context) {
	var req sales.CreateVendorRequest
	if !bind(c, &req) {
		return
	}
	v, err := s.Vendors.Create(c.Request.Context(), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// listVendors godoc
//
//	@Summary	List vendors
//	@Tags		vendors
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	map[string][]sales.Vendor
//	@Router		/api/v1/vendors [get]
func (s *Server) listVendors(c *gin.Context) {
	vs, err := s.Vendors.List(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"vendors": vs})
}

// getVendor godoc
//
//	@Summary	A vendor (never its secret)
//	@Tags		vendors
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"vendor id"
//	@Success	200	{object}	sales.Vendor
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/vendors/{id} [get]
func (s *Server) getVendor(c *gin.Context) {
	v, err := s.Vendors.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// RotateRequest is POST /vendors/{id}/rotate-secret.
type RotateRequest struct {
	GraceSeconds *int64 `json:"grace_seconds,omitempty" example:"86400"`
}

// rotateVendorSecret godoc
//
//	@Summary		Rotate a vendor's signing secret
//	@Description	Returns the new secret once. The previous secret keeps verifying for grace_seconds (default 86400).
//	@Tags			vendors
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string			true	"vendor id"
//	@Param			body	body		RotateRequest	false	"grace period"
//	@Success		200		{object}	sales.VendorWithSecret
//	@Failure		404		{object}	ErrorBody
//	@Router			/api/v1/vendors/{id}/rotate-secret [post]
func (s *Server) rotateVendorSecret(c *gin.Context) {
	var req RotateRequest
	if c.Request.ContentLength != 0 && !bind(c, &req) {
		return
	}
	var grace *time.Duration
	if req.GraceSeconds != nil {
		g := time.Duration(*req.GraceSeconds) * time.Second
		grace = &g
	}
	v, err := s.Vendors.Rotate(c.Request.Context(), c.Param("id"), grace)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// setVendorActive godoc
//
//	@Summary	Deactivate (or activate) a vendor; a deactivated vendor's events are refused
//	@Tags		vendors
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"vendor id"
//	@Success	200	{object}	sales.Vendor
//	@Router		/api/v1/vendors/{id}/deactivate [post]
//	@Router		/api/v1/vendors/{id}/activate [post]
func (s *Server) setVendorActive(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := s.Vendors.SetActive(c.Request.Context(), c.Param("id"), active)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, v)
	}
}

// putProduct godoc
//
//	@Summary		Define a product version
//	@Description	bv, cv and retail_commission from effective_from (default now) on; an activation uses the version in effect at its occurred_at (before the first version: the first).
//	@Tags			vendors
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"vendor id"
//	@Param			sku		path		string					true	"product sku"
//	@Param			body	body		sales.ProductRequest	true	"values"
//	@Success		200		{object}	sales.Product
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/vendors/{id}/products/{sku} [put]
func (s *Server) putProduct(c *gin.Context) {
	var req sales.ProductRequest
	if !bind(c, &req) {
		return
	}
	p, err := s.Vendors.PutProduct(c.Request.Context(), c.Param("id"), c.Param("sku"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// listProducts godoc
//
//	@Summary	A vendor's products with their version history
//	@Tags		vendors
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"vendor id"
//	@Success	200	{object}	map[string][]sales.Product
//	@Router		/api/v1/vendors/{id}/products [get]
func (s *Server) listProducts(c *gin.Context) {
	ps, err := s.Vendors.Products(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"products": ps})
}

// ingestEvents godoc
//
//	@Summary		Ingest vendor events (signed)
//	@Description	Headers X-Vendor-Id, X-Timestamp (unix seconds, within 5 minutes) and X-Signature: sha256=<hex HMAC-SHA256(signing_secret, X-Timestamp + "." + raw body)>. At most 1 MiB and 1,000 events. Each event is accepted, duplicate (its id was accepted before) or rejected with the reason; accepted events are durable before the answer.
//	@Tags			ingest
//	@Accept			json
//	@Produce		json
//	@Param			X-Vendor-Id	header		string	true	"vendor id"
//	@Param			X-Timestamp	header		string	true	"unix seconds"
//	@Param			X-Signature	header		string	true	"sha256=<hex>"
//	@Success		200			{object}	sales.IngestResponse
//	@Failure		400			{object}	ErrorBody
//	@Failure		401			{object}	ErrorBody
//	@Failure		413			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/ingest/events [post]
func (s *Server) ingestEvents(c *gin.Context) {
	body, err := readBody(c.Request)
	if err != nil {
		fail(c, graph.BadRequest("could not read the body").Wrap(err))
		return
	}
	vendor := c.GetHeader("X-Vendor-Id")
	if err := s.Ingest.Authenticate(c.Request.Context(), vendor, c.GetHeader("X-Timestamp"), c.GetHeader("X-Signature"), body); err != nil {
		logger(c).Warn("ingest refused", "vendor", vendor, "reason", graph.AsError(err).Message)
		fail(c, err)
		return
	}
	res, err := s.Ingest.Ingest(c.Request.Context(), vendor, body)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// RejectedPage documents the rejected-event page for Swagger.
type RejectedPage struct {
	Items      []sales.RejectedEvent `json:"items"`
	NextCursor string                `json:"next_cursor,omitempty"`
}

// listRejected godoc
//
//	@Summary	Rejected vendor events (audit log), newest first
//	@Tags		ingest
//	@Produce	json
//	@Security	Bearer
//	@Param		vendor_id	query		string	false	"one vendor"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	RejectedPage
//	@Router		/api/v1/ingest/rejected [get]
func (s *Server) listRejected(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Ingest.ListRejected(c.Request.Context(), c.Query("vendor_id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
