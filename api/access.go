package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
)

// Policy says who may call a route. It is the one place access is decided; every route is
// registered through routes() with its policy, and a route without one cannot exist.
type Policy string

const (
	Public         Policy = "public"          // no token: login, password reset
	VendorSigned   Policy = "vendor_signed"   // a vendor's HMAC signature: ingest
	ProviderSigned Policy = "provider_signed" // a payment provider's webhook signature
	AnyRole        Policy = "any_role"        // any logged-in account: itself
	AdminOnly      Policy = "admin"           // admins
	MemberScoped   Policy = "member"          // admin any member; consultant itself and its downline; customer itself (path :id)
	SelfOnly       Policy = "self"            // admin any member; consultant and customer only itself (path :id)
)

type route struct {
	method, path string
	policy       Policy
	handler      gin.HandlerFunc
}

// routes is the API: every endpoint with its policy.
func (s *Server) routes() []route {
	return []route{
		{"POST", "/auth/login", Public, s.login},
		{"POST", "/auth/password-reset", Public, s.requestReset},
		{"POST", "/auth/password-reset/confirm", Public, s.confirmReset},
		{"GET", "/auth/me", AnyRole, s.me},
		{"POST", "/auth/logout", AnyRole, s.logout},
		{"POST", "/auth/password", AnyRole, s.changePassword},

		{"POST", "/members", AdminOnly, s.registerMember},
		{"POST", "/join", Public, s.join},
		{"POST", "/members/:id/confirm-payment", AdminOnly, s.confirmPack},
		{"GET", "/members", AdminOnly, s.searchMembers},
		{"POST", "/members/import", AdminOnly, s.importMembers},
		{"GET", "/imports/:id", AdminOnly, s.getImport},
		{"GET", "/members/:id", MemberScoped, s.getMember},
		{"POST", "/members/:id/upgrade", AdminOnly, s.upgradeMember},
		{"POST", "/members/:id/status", AdminOnly, s.setMemberStatus},
		{"GET", "/members/:id/status", AdminOnly, s.memberStatus},
		{"GET", "/members/:id/rollup", AdminOnly, s.rollUpPreview},
		{"POST", "/members/:id/refunds", AdminOnly, s.recordRefund},
		{"GET", "/members/:id/upline", AdminOnly, s.upline}, // an upline leads above the caller
		{"GET", "/members/:id/binary-tree", MemberScoped, s.binaryTree},
		{"GET", "/members/:id/generations", MemberScoped, s.generations},
		{"GET", "/members/:id/generations/:gen", MemberScoped, s.generationMembers},
		{"GET", "/members/:id/legs", MemberScoped, s.legCounts},
		{"GET", "/members/:id/live-volume", MemberScoped, s.liveVolume},
		{"GET", "/members/:id/services", MemberScoped, s.memberServices},
		{"GET", "/members/:id/downline", MemberScoped, s.downlineSearch},
		{"GET", "/members/:id/leg-end/:leg", MemberScoped, s.legEnd},
		{"GET", "/members/:id/contacts", SelfOnly, s.contacts},
		{"GET", "/members/:id/statements/:run", SelfOnly, s.memberStatement},
		{"GET", "/members/:id/withdrawals", SelfOnly, s.memberWithdrawals},
		{"GET", "/members/:id/wallet", SelfOnly, s.wallet},
		{"POST", "/members/:id/withdrawals", SelfOnly, s.requestWithdrawal},
		{"POST", "/members/:id/wallet/adjustments", AdminOnly, s.adjustWallet},

		// Compliance: tax and bank data are the member's own (shown masked) and admins'.
		{"GET", "/members/:id/compliance", SelfOnly, s.getCompliance},
		{"PUT", "/members/:id/tax-profile", SelfOnly, s.putTaxProfile},
		{"PUT", "/members/:id/payout-method", SelfOnly, s.putPayoutMethod},
		{"POST", "/members/:id/kyc", AdminOnly, s.setKYC},
		{"POST", "/members/:id/hold", AdminOnly, s.setHold(true)},
		{"POST", "/members/:id/hold/release", AdminOnly, s.setHold(false)},
		{"POST", "/members/:id/hold/forfeit", AdminOnly, s.forfeit},
		{"GET", "/tax-reports/1099-nec", AdminOnly, s.form1099},
		{"GET", "/tax-reports/1099-nec.csv", AdminOnly, s.form1099CSV},
		{"GET", "/income-disclosure", AnyRole, s.incomeDisclosure},

		// Card payments: the member pays its own pack or upgrade; Stripe's webhook is verified by
		// its signature, like a vendor's ingest.
		{"POST", "/members/:id/payments", SelfOnly, s.startPayment},
		{"GET", "/members/:id/payments", SelfOnly, s.listPayments},
		{"POST", "/payments/stripe/webhook", ProviderSigned, s.stripeWebhook},
		{"GET", "/income-disclosure.csv", AdminOnly, s.incomeDisclosureCSV},

		{"POST", "/vendors", AdminOnly, s.createVendor},
		{"GET", "/vendors", AdminOnly, s.listVendors},
		{"GET", "/vendors/:id", AdminOnly, s.getVendor},
		{"POST", "/vendors/:id/rotate-secret", AdminOnly, s.rotateVendorSecret},
		{"POST", "/vendors/:id/deactivate", AdminOnly, s.setVendorActive(false)},
		{"POST", "/vendors/:id/activate", AdminOnly, s.setVendorActive(true)},
		{"PUT", "/vendors/:id/products/:sku", AdminOnly, s.putProduct},
		{"GET", "/vendors/:id/products", AdminOnly, s.listProducts},
		{"POST", "/ingest/events", VendorSigned, s.ingestEvents},
		{"GET", "/ingest/rejected", AdminOnly, s.listRejected},

		// Referrals: members refer prospects to vendors; Halo delivers them; vendors report back
		// through ingest. Reading a referral is for its consultant, its submitter and admins (the
		// service decides, answering 404 to anyone else).
		{"GET", "/referral-catalog", AnyRole, s.referralCatalog},
		{"POST", "/members/:id/referrals", SelfOnly, s.submitReferral},
		{"GET", "/members/:id/referrals", SelfOnly, s.memberReferrals},
		{"GET", "/members/:id/referral-pipeline", SelfOnly, s.referralPipeline},
		{"GET", "/referrals", AdminOnly, s.listReferrals},
		{"GET", "/referrals/:id", AnyRole, s.getReferral},
		{"GET", "/vendors/:id/referral-settings", AdminOnly, s.getReferralSettings},
		{"PUT", "/vendors/:id/referral-settings", AdminOnly, s.putReferralSettings},
		{"GET", "/vendor/referrals", VendorSigned, s.pullReferrals},
		{"GET", "/referral-deliveries", AdminOnly, s.listDeliveries},
		{"GET", "/referral-deliveries/health", AdminOnly, s.deliveryHealth},
		{"GET", "/referral-deliveries/:id", AdminOnly, s.getDelivery},
		{"POST", "/referral-deliveries/:id/redeliver", AdminOnly, s.redeliver},

		{"POST", "/payout-runs", AdminOnly, s.createRun},
		{"GET", "/payout-runs", AdminOnly, s.listRuns},
		{"GET", "/payout-runs/:id", AdminOnly, s.getRun},
		{"POST", "/payout-runs/:id/commit", AdminOnly, s.commitRun},
		{"GET", "/payout-runs/:id/lines", AdminOnly, s.runLines},
		{"GET", "/payout-runs/:id/members", AdminOnly, s.runMembers},
		{"GET", "/payout-runs/:id/members/:member/statement", AdminOnly, s.runStatement},
		{"GET", "/payout-runs/:id/export.csv", AdminOnly, s.exportRun},

		{"GET", "/withdrawals", AdminOnly, s.listWithdrawals},
		{"GET", "/withdrawals/export.csv", AdminOnly, s.exportWithdrawals},
		{"POST", "/withdrawals/:id/:decision", AdminOnly, s.decideWithdrawal},
		{"POST", "/withdrawals/:id/return", AdminOnly, s.returnWithdrawal},
		{"POST", "/payout-batches", AdminOnly, s.createBatch},
		{"GET", "/payout-batches", AdminOnly, s.listBatches},
		{"GET", "/payout-batches/:id", AdminOnly, s.getBatch},
		{"GET", "/payout-batches/:id/nacha", AdminOnly, s.batchNACHA},
		{"POST", "/payout-batches/:id/sent", AdminOnly, s.batchSent},
		{"GET", "/audit", AdminOnly, s.listAudit},
		{"GET", "/admin/dashboard", AdminOnly, s.adminDashboard},
		{"POST", "/kb/articles", AdminOnly, s.createArticle},
		{"PUT", "/kb/articles/:id", AdminOnly, s.updateArticle},
		{"GET", "/kb/articles", AnyRole, s.listArticles},
		{"GET", "/kb/articles/:id", AnyRole, s.getArticle},

		// Webinars and events: one set of handlers, the kind taken from the path. Reading,
		// registering and cancelling are for any role; the service limits them to the
		// gathering's audience and a member to its own registration.
		{"POST", "/webinars", AdminOnly, s.createGathering},
		{"PUT", "/webinars/:id", AdminOnly, s.updateGathering},
		{"GET", "/webinars", AnyRole, s.listGatherings},
		{"GET", "/webinars/:id", AnyRole, s.getGathering},
		{"GET", "/webinars/:id/calendar.ics", AnyRole, s.gatheringCalendar},
		{"POST", "/webinars/:id/registrations", AnyRole, s.register},
		{"DELETE", "/webinars/:id/registrations/:member", AnyRole, s.cancelRegistration},
		{"GET", "/webinars/:id/registrations", AdminOnly, s.listRegistrations},
		{"GET", "/webinars/:id/export.csv", AdminOnly, s.exportRegistrations},
		{"POST", "/webinars/:id/attendance", AdminOnly, s.markAttendance},
		{"POST", "/events", AdminOnly, s.createGathering},
		{"PUT", "/events/:id", AdminOnly, s.updateGathering},
		{"GET", "/events", AnyRole, s.listGatherings},
		{"GET", "/events/:id", AnyRole, s.getGathering},
		{"GET", "/events/:id/calendar.ics", AnyRole, s.gatheringCalendar},
		{"POST", "/events/:id/registrations", AnyRole, s.register},
		{"DELETE", "/events/:id/registrations/:member", AnyRole, s.cancelRegistration},
		{"GET", "/events/:id/registrations", AdminOnly, s.listRegistrations},
		{"GET", "/events/:id/export.csv", AdminOnly, s.exportRegistrations},
		{"POST", "/events/:id/attendance", AdminOnly, s.markAttendance},
		{"GET", "/members/:id/dashboard", MemberScoped, s.consultantDashboard},
		{"GET", "/members/:id/registrations", SelfOnly, s.upcomingRegistrations},
		{"GET", "/members/:id/onboarding", MemberScoped, s.onboarding},
		{"GET", "/members/:id/onboarding/:gen", MemberScoped, s.onboardingMembers},
		{"GET", "/onboarding/track", AnyRole, s.getTrack},
		{"PUT", "/onboarding/track", AdminOnly, s.setTrack},
		{"GET", "/members/:id/customer-dashboard", SelfOnly, s.customerDashboard},
	}
}

// limits is what one request may take: its body, the time to read it, the time to answer.
type limits struct {
	body        int64
	read, write time.Duration
}

// defaultLimits hold for every route not in routeLimits: a JSON body of at most 1 MiB (ingest's
// limit too, API.md), read within 30 s, answered within 5 minutes.
var defaultLimits = limits{body: 1 << 20, read: 30 * time.Second, write: 5 * time.Minute}

// routeLimits are the routes that need more: whole networks to import, attendance exports to
// upload, payout runs of a million members to draft and commit, exports to stream.
var routeLimits = map[string]limits{
	"POST /members/import":            {body: 4 << 30, read: 30 * time.Minute, write: 30 * time.Minute},
	"POST /webinars/:id/attendance":   {body: 16 << 20, read: 2 * time.Minute},
	"POST /events/:id/attendance":     {body: 16 << 20, read: 2 * time.Minute},
	"POST /payout-runs":               {write: time.Hour},
	"POST /payout-runs/:id/commit":    {write: time.Hour},
	"GET /payout-runs/:id/export.csv": {write: time.Hour},
	"GET /withdrawals/export.csv":     {write: 30 * time.Minute},
	"GET /tax-reports/1099-nec":       {write: 30 * time.Minute},
	"POST /payout-batches":            {write: 30 * time.Minute},
	"GET /income-disclosure":          {write: 30 * time.Minute},
	"GET /income-disclosure.csv":      {write: 30 * time.Minute},
	"GET /payout-batches/:id":         {write: 30 * time.Minute},
	"GET /payout-batches/:id/nacha":   {write: 30 * time.Minute},
	"POST /payout-batches/:id/sent":   {write: 30 * time.Minute},
	"GET /tax-reports/1099-nec.csv":   {write: 30 * time.Minute},
	"GET /webinars/:id/export.csv":    {write: 30 * time.Minute},
	"GET /events/:id/export.csv":      {write: 30 * time.Minute},
}

func (s *Server) limitsOf(method, path string) limits {
	def := defaultLimits
	if s.ReadTimeout > 0 {
		def.read = s.ReadTimeout
	}
	l := routeLimits[method+" "+path]
	if l.body == 0 {
		l.body = def.body
	}
	if l.read == 0 {
		l.read = def.read
	}
	if l.write == 0 {
		l.write = def.write
	}
	return l
}

// guard turns a policy into middleware.
func (s *Server) guard(p Policy) []gin.HandlerFunc {
	switch p {
	case Public, VendorSigned, ProviderSigned:
		return nil // ingest checks the vendor's signature itself, over the raw body
	case AnyRole:
		return []gin.HandlerFunc{s.authenticate()}
	case AdminOnly:
		return []gin.HandlerFunc{s.authenticate(graph.RoleAdmin)}
	case MemberScoped:
		return s.scoped(func(c *gin.Context) error { return s.Access.CanSee(c.Request.Context(), principal(c), c.Param("id")) })
	case SelfOnly:
		return s.scoped(func(c *gin.Context) error { return s.Access.IsSelf(principal(c), c.Param("id")) })
	}
	panic("api: route without a known policy: " + string(p))
}

// scoped authenticates, then lets the request through only if check passes for the path's :id.
func (s *Server) scoped(check func(*gin.Context) error) []gin.HandlerFunc {
	return []gin.HandlerFunc{s.authenticate(), func(c *gin.Context) {
		if err := check(c); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}}
}

// Served lists the routes the handler serves ("METHOD /path"), to prove each has a policy.
func Served(h http.Handler) []string {
	e, ok := h.(*gin.Engine)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range e.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Policies lists every route ("METHOD /api/v1/path") with its policy, for tests and docs.
func (s *Server) Policies() map[string]Policy {
	out := map[string]Policy{}
	for _, r := range s.routes() {
		out[r.method+" /api/v1"+r.path] = r.policy
	}
	return out
}
