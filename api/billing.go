package api

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/billing"
)

// startPayment godoc
//
//	@Summary		Start a card payment for the member's pending pack or for an upgrade
//	@Description	Creates the provider's payment (a Stripe PaymentIntent) for the price (PLAN.md §2; an upgrade pays the difference) and returns its client_secret for the card form. An open payment for the same thing is returned again. The pack or upgrade takes effect when the provider's webhook reports the payment succeeded.
//	@Tags			payments
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id (the caller, or any for admins)"
//	@Param			body	body		billing.StartRequest	true	"what is paid for"
//	@Success		201		{object}	billing.Payment
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Failure		503		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/payments [post]
func (s *Server) startPayment(c *gin.Context) {
	var req billing.StartRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Billing.Start(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusCreated, out, err)
}

// listPayments godoc
//
//	@Summary	A member's card payments, newest first
//	@Tags		payments
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	map[string][]billing.Payment
//	@Router		/api/v1/members/{id}/payments [get]
func (s *Server) listPayments(c *gin.Context) {
	out, err := s.Billing.List(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"payments": out})
}

// stripeWebhook godoc
//
//	@Summary		Stripe's webhook (signed)
//	@Description	Verified with stripe-go (Stripe-Signature, 5-minute replay window); applied once per event id. payment_intent.succeeded makes the pack a sale or performs the upgrade; payment_failed and canceled leave it pending.
//	@Tags			payments
//	@Accept			json
//	@Produce		json
//	@Param			Stripe-Signature	header		string	true	"t=…,v1=…"
//	@Success		200					{object}	map[string]bool
//	@Failure		401					{object}	ErrorBody
//	@Router			/api/v1/payments/stripe/webhook [post]
func (s *Server) stripeWebhook(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body) // bounded by limitRequest
	if err != nil {
		fail(c, graph.BadRequest("could not read the body").Wrap(err))
		return
	}
	if err := s.Billing.Webhook(c.Request.Context(), body, c.GetHeader("Stripe-Signature")); err != nil {
		logger(c).Warn("stripe webhook refused", "reason", graph.AsError(err).Message)
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"received": true})
}
