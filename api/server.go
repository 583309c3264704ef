// Package api serves Halo's REST API (shared API.md) with gin. Handlers are thin: bind the
// request, call one graph service, write the answer; errors go through fail.
//
//	@title						Halo API
//	@version					1
//	@description				Genealogy and compensation for direct-selling companies. Money and BV travel as decimal strings, times as RFC 3339 UTC. Every error is {"error": {"code", "message", "details"}}.
//	@BasePath					/
//	@securityDefinitions.apikey	Bearer
//	@in							header
//	@name						Authorization
//	@description				Type the word Bearer, a space, then the token from POST /auth/login.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	_ "github.com/halo-oss/halo/docs" // generated OpenAPI spec
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/billing"
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/graph/sales"
)

// Server holds the services the handlers call.
type Server struct {
	Health        *platform.HealthService
	Auth          *identity.AuthService
	Resets        *identity.ResetService
	Members       *genealogy.MemberService
	Holdings      *sales.HoldingsService
	Imports       *genealogy.ImportService
	Vendors       *sales.VendorService
	Ingest        *sales.IngestService
	Referrals     *sales.ReferralService
	Outbox        *sales.Outbox
	Compliance    *compliance.Service
	Batches       *payouts.BatchService
	Billing       *billing.Service
	Payouts       *payouts.PayoutService
	Wallets       *payouts.WalletService
	Audit         *graph.Auditor
	Access        *genealogy.Access
	Dashboards    *dashboards.DashboardService
	Content       *field.ContentService
	Schedule      *field.ScheduleService
	Registrations *field.RegistrationService
	Attendance    *field.AttendanceService
	Onboarding    *field.OnboardingService
	Log           *slog.Logger
	// Foreground counts the API's requests under way, for background work to give way to them.
	Foreground *graph.Foreground
	// Reads bounds the people's reads (GET) under way at once; one that waits too long for its
	// turn is refused with 503 and Retry-After (HALO_READS_AT_ONCE, HALO_READ_WAIT). Nil: no bound.
	Reads *graph.Admission
	// UI is the back office (package web): served at /, beside the API.
	UI fs.FS
	// TrustedProxies are the addresses (or CIDRs) whose X-Forwarded-For / X-Real-IP name the
	// client; none by default, so a caller cannot choose the address its login attempts count on.
	TrustedProxies []string
	// ReadTimeout is how long a request may take to send its body on routes without a limit of
	// their own (HALO_READ_TIMEOUT, default 30 s).
	ReadTimeout time.Duration
}

// Handler builds the HTTP handler.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(s.TrustedProxies); err != nil {
		panic("api: trusted proxies: " + err.Error()) // the configuration is checked at start-up
	}
	r.ForwardedByClientIP = len(s.TrustedProxies) > 0
	r.Use(requestLog(s.Log), recoverJSON(), secureHeaders())
	r.NoRoute(func(c *gin.Context) {
		fail(c, graph.NotFound("no such endpoint: %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorInfo{Code: "method_not_allowed", Message: c.Request.Method + " is not allowed here"}})
	})
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))
	if s.UI != nil {
		s.serveUI(r)
	} else {
		r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/swagger/index.html") })
	}

	v1 := r.Group("/api/v1")
	// People using the API are foreground: background work gives way to them (graph.GiveWay).
	// Vendors' signed ingest is not: it is machine traffic that tolerates a few hundred
	// milliseconds, and the projection it feeds must keep up with it (freshness, issue #19).
	foreground := func(c *gin.Context) {
		defer s.Foreground.Enter()()
		c.Next()
	}
	// A read takes its turn before anything else reaches Neo4j, the session check included.
	// Writes are not refused for load: a sale, a registration or a payout run is not to be lost
	// to a busy moment, and vendors' batches are bounded by the vendors' own locks and wait
	// for their turn (graph.Turns, fewer while people use the API) in the ingest service.
	admit := func(c *gin.Context) {
		leave, err := s.Reads.Enter(c.Request.Context())
		if err != nil {
			fail(c, err)
			return
		}
		defer leave()
		c.Next()
	}
	for _, rt := range s.routes() {
		var chain []gin.HandlerFunc
		if s.Foreground != nil && rt.policy != VendorSigned {
			chain = append(chain, foreground)
		}
		if s.Reads != nil && rt.method == http.MethodGet && rt.policy != VendorSigned {
			chain = append(chain, admit)
		}
		chain = append(chain, limitRequest(s.limitsOf(rt.method, rt.path)))
		chain = append(chain, s.guard(rt.policy)...)
		v1.Handle(rt.method, rt.path, append(chain, rt.handler)...)
	}
	return r
}

func bind(c *gin.Context, dst any) bool {
	if err := c.ShouldBindJSON(dst); err != nil {
		fail(c, graph.BadRequest("request body is not valid JSON for this endpoint: %s", graph.JSONMessage(err)).Wrap(err))
		return false
	}
	return true
}
