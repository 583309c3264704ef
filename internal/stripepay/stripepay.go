// Package stripepay is billing's payment provider on Stripe, through the official stripe-go
// library: PaymentIntents for card payments, and webhook events verified with the library
// (signature, five-minute replay window).
package stripepay

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/billing"
)

// Config is the account: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, and STRIPE_API_URL for a
// stand-in such as stripe-mock (empty: Stripe itself).
type Config struct {
	SecretKey, WebhookSecret, APIURL string
	Tolerance                        time.Duration // replay window of webhooks (default 5 minutes)
}

// Provider implements billing.Provider.
type Provider struct {
	client *stripe.Client
	cfg    Config
}

// New builds the provider.
func New(cfg Config) *Provider {
	var opts []stripe.ClientOption
	if cfg.APIURL != "" {
		b := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{URL: stripe.String(cfg.APIURL), MaxNetworkRetries: stripe.Int64(2)})
		opts = append(opts, stripe.WithBackends(&stripe.Backends{API: b, Connect: b, Uploads: b, MeterEvents: b}))
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = 5 * time.Minute
	}
	return &Provider{client: stripe.NewClient(cfg.SecretKey, opts...), cfg: cfg}
}

// Name implements billing.Provider.
func (p *Provider) Name() string { return "stripe" }

// Create implements billing.Provider: a PaymentIntent for the amount, card payments enabled,
// with Halo's payment id in its metadata (the webhook finds the payment by it) and an
// idempotency key, so a retried request never charges twice.
func (p *Provider) Create(ctx context.Context, r billing.ProviderRequest) (*billing.ProviderPayment, error) {
	params := &stripe.PaymentIntentCreateParams{
		Amount:                  stripe.Int64(int64(r.Amount)),
		Currency:                stripe.String(r.Currency),
		Description:             stripe.String(r.Description),
		AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)},
	}
	for k, v := range r.Metadata {
		params.AddMetadata(k, v)
	}
	params.SetIdempotencyKey(r.IdempotencyKey)
	params.Context = ctx
	pi, err := p.client.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		var se *stripe.Error
		if errors.As(err, &se) && se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 {
			return nil, graph.Invalid("the card payment could not be started: %s", se.Msg)
		}
		return nil, graph.Unavailable("stripe", err)
	}
	return &billing.ProviderPayment{ID: pi.ID, ClientSecret: pi.ClientSecret, Status: string(pi.Status)}, nil
}

// Verify implements billing.Provider with stripe-go's webhook verification.
func (p *Provider) Verify(payload []byte, header string) (*billing.Event, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, header, p.cfg.WebhookSecret, webhook.ConstructEventOptions{
		Tolerance: p.cfg.Tolerance,
		// Halo reads only the event's id and type and the PaymentIntent's id, status, last error
		// and metadata, which every API version has: an endpoint pinned to another version must
		// not lose payments.
		IgnoreAPIVersionMismatch: true,
	})
	if err != nil {
		return nil, graph.Unauthorized("the Stripe-Signature does not verify: %s", err.Error())
	}
	out := &billing.Event{ID: ev.ID, Type: "other"}
	switch ev.Type {
	case "payment_intent.succeeded":
		out.Type = "succeeded"
	case "payment_intent.payment_failed":
		out.Type = "failed"
	case "payment_intent.canceled":
		out.Type = "canceled"
	default:
		return out, nil
	}
	var pi stripe.PaymentIntent
	if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
		return nil, graph.BadRequest("the event's payment intent does not parse")
	}
	out.PaymentID = pi.Metadata["halo_payment_id"]
	if pi.LastPaymentError != nil {
		out.Reason = pi.LastPaymentError.Msg
	}
	if out.Type == "canceled" && pi.CancellationReason != "" {
		out.Reason = string(pi.CancellationReason)
	}
	return out, nil
}
