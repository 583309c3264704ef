package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// intQuery reads an optional integer query parameter; a malformed one is a 422 naming it.
func intQuery(c *gin.Context, name string) (int, bool) {
	if c.IsAborted() {
		return 0, false // an earlier parameter was already answered for: one error per request
	}
	v := c.Query(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fail(c, graph.InvalidField(name, "must be an integer"))
		return 0, false
	}
	return n, true
}

// registerMember godoc
//
//	@Summary		Register a member
//	@Description	Registers a consultant (affiliate, consultant, consultant_plus) or a customer. Consultants are placed explicitly ({parent_id, leg}) or by strategy (extreme_left, extreme_right, weaker_leg, balanced) inside the sponsor's placement subtree; without placement, weaker_leg. A priced plan records the pack purchase (PLAN.md §2).
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		genealogy.RegisterRequest	true	"the member"
//	@Success		201		{object}	genealogy.Member
//	@Failure		400		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody	"a rule is broken; details name the field"
//	@Router			/api/v1/members [post]
func (s *Server) registerMember(c *gin.Context) {
	var req genealogy.RegisterRequest
	if !bind(c, &req) {
		return
	}
	m, err := s.Members.Register(c.Request.Context(), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, m)
}

// getMember godoc
//
//	@Summary	A member with its sponsor, placement parent, leg and rank
//	@Tags		members
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	genealogy.Member
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/members/{id} [get]
func (s *Server) getMember(c *gin.Context) {
	m, err := s.Members.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// upgradeMember godoc
//
//	@Summary		Upgrade a consultant's plan
//	@Description	Up only (affiliate → consultant → consultant_plus); recorded as a sale of the price and BV difference (PLAN.md §2). `id` (optional, unique among sales) names the sale; a used id is 409. No upgrade is dated before a purchase or refund already recorded for the member (422), nor at or after its termination (409).
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id"
//	@Param			body	body		genealogy.UpgradeRequest	true	"the new plan"
//	@Success		200		{object}	genealogy.Member
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/upgrade [post]
func (s *Server) upgradeMember(c *gin.Context) {
	var req genealogy.UpgradeRequest
	if !bind(c, &req) {
		return
	}
	m, err := s.Members.Upgrade(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// setMemberStatus godoc
//
//	@Summary		Suspend, reinstate or terminate a consultant
//	@Description	PLAN.md §10. From `at` (default now) a suspended or terminated consultant is not active and earns no line; volume still flows through its place. Termination is final and rolls the consultant's personally sponsored members up to the next sponsor above it that is not terminated, for every run that ends after `at`; the placement tree never changes. `active` reinstates a suspended consultant. Suspending or reinstating a terminated consultant, changing the root or a customer, or a termination dated before the consultant's latest upgrade is 409. Every change is audited with its reason.
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string						true	"member id"
//	@Param			body	body		genealogy.StatusRequest		true	"the new status, from when, and why"
//	@Success		200		{object}	genealogy.MemberStatus
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/status [post]
func (s *Server) setMemberStatus(c *gin.Context) {
	var req genealogy.StatusRequest
	if !bind(c, &req) {
		return
	}
	m, err := s.Members.SetStatus(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// recordRefund godoc
//
//	@Summary		Record a refund of a pack or an upgrade
//	@Description	PLAN.md §11. `sale_id` is `pack:<member id>` or an upgrade's sale id. From `occurred_at` (default now) the member's plan is the one before that purchase (affiliate for a registration pack). The run that accounts the refund voids the sale if no committed run paid it, and otherwise reverses the direct bonus paid for it (a `direct` line with the negated amount pointing at the original); volume, ranks and binary stay. Only the purchase that set the current plan can be refunded (the latest first); the root's pack, a registration that was not a priced purchase, an unpaid pack or a sale already refunded is 409; an unknown sale 404; a date before the member's latest purchase or refund 422. Audited with its reason.
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id"
//	@Param			body	body		genealogy.RefundRequest	true	"the sale refunded, when, and why"
//	@Success		201		{object}	genealogy.Refund
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/refunds [post]
func (s *Server) recordRefund(c *gin.Context) {
	var req genealogy.RefundRequest
	if !bind(c, &req) {
		return
	}
	r, err := s.Members.RecordRefund(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, r)
}

// rollUpPreview godoc
//
//	@Summary		What a termination would roll up
//	@Description	PLAN.md §10: the members this consultant personally sponsored (consultants and customers), a page at a time, and the sponsor they would roll up to — the next one above that is not terminated — in every run ending after the termination. Shown before an admin confirms a termination; the placement tree and the recorded (original) sponsor never change.
//	@Tags			members
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string	true	"member id"
//	@Param			cursor	query		string	false	"from a previous page's next_cursor"
//	@Param			limit	query		int		false	"page size (default 50, at most 500)"
//	@Success		200		{object}	genealogy.RollUpPreview
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/rollup [get]
func (s *Server) rollUpPreview(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Members.RollUp(c.Request.Context(), c.Param("id"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// memberStatus godoc
//
//	@Summary		A member's status and its history
//	@Description	PLAN.md §10: the status now (active, suspended or terminated) and every recorded change with its date and reason, in the order they were recorded.
//	@Tags			members
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	genealogy.MemberStatus
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/members/{id}/status [get]
func (s *Server) memberStatus(c *gin.Context) {
	m, err := s.Members.Status(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// upline godoc
//
//	@Summary	Upline in the sponsor or placement tree, nearest first
//	@Tags		genealogy
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"member id"
//	@Param		tree	query		string	false	"sponsor (default) or placement"
//	@Param		levels	query		int		false	"levels up (default 8, at most 1000)"
//	@Success	200		{object}	map[string][]genealogy.TreeNode
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/members/{id}/upline [get]
func (s *Server) upline(c *gin.Context) {
	levels, ok := intQuery(c, "levels")
	if !ok {
		return
	}
	tree := c.DefaultQuery("tree", "sponsor")
	if tree != "sponsor" && tree != "placement" {
		fail(c, graph.InvalidField("tree", "must be sponsor or placement"))
		return
	}
	nodes, err := s.Members.Upline(c.Request.Context(), c.Param("id"), tree == "placement", levels)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"upline": nodes})
}

// binaryTree godoc
//
//	@Summary	The placement subtree under a member to a depth, breadth-first, paged, with each node's plan, rank, active flag and leg volumes
//	@Tags		genealogy
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"member id"
//	@Param		depth	query		int		false	"levels (default 4, at most 10)"
//	@Param		limit	query		int		false	"page size (default 100, at most 1000)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	TreeNodePage
//	@Router		/api/v1/members/{id}/binary-tree [get]
func (s *Server) binaryTree(c *gin.Context) {
	depth, ok := intQuery(c, "depth")
	limit, ok2 := intQuery(c, "limit")
	if !ok || !ok2 {
		return
	}
	p, err := s.Dashboards.BinaryTree(c.Request.Context(), c.Param("id"), depth, c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// generations godoc
//
//	@Summary	Member counts per sponsor generation (1–8)
//	@Tags		genealogy
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Param		max	query		int		false	"generations (default 8)"
//	@Success	200	{object}	map[string][]genealogy.Generation
//	@Router		/api/v1/members/{id}/generations [get]
func (s *Server) generations(c *gin.Context) {
	max, ok := intQuery(c, "max")
	if !ok {
		return
	}
	g, err := s.Members.Generations(c.Request.Context(), c.Param("id"), max)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"generations": g})
}

// generationMembers godoc
//
//	@Summary	The members of one sponsor generation, paged
//	@Tags		genealogy
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"member id"
//	@Param		gen		path		int		true	"generation 1–8"
//	@Param		limit	query		int		false	"page size"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	TreeNodePage
//	@Router		/api/v1/members/{id}/generations/{gen} [get]
func (s *Server) generationMembers(c *gin.Context) {
	gen, err := strconv.Atoi(c.Param("gen"))
	if err != nil {
		fail(c, graph.InvalidField("generation", "must be an integer between 1 and 8"))
		return
	}
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Members.GenerationMembers(c.Request.Context(), c.Param("id"), gen, c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// legCounts godoc
//
//	@Summary		Members in each placement leg
//	@Description	The counts are kept on the member by every placement and import, so the answer takes the same time at any leg size.
//	@Tags			genealogy
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	genealogy.LegCounts
//	@Router			/api/v1/members/{id}/legs [get]
func (s *Server) legCounts(c *gin.Context) {
	lc, err := s.Members.LegCounts(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, lc)
}

// searchMembers godoc
//
//	@Summary		List members: paged, filtered, optionally searched
//	@Description	Every member in id order, narrowed by the filters; with q, only those whose id is q, whose e-mail starts with q or whose name contains q. pending_payment=true lists the self-registered packs still waiting for their payment.
//	@Tags			members
//	@Produce		json
//	@Security		Bearer
//	@Param			q				query		string	false	"exact id, email prefix or part of the name (at least 2 characters)"
//	@Param			plan			query		string	false	"affiliate | consultant | consultant_plus | customer"
//	@Param			rank			query		string	false	"a rank of the plan"
//	@Param			status			query		string	false	"active | suspended | terminated"
//	@Param			pending_payment	query		bool	false	"only members whose pack waits for its payment"
//	@Param			limit			query		int		false	"page size"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	TreeNodePage
//	@Failure		422				{object}	ErrorBody
//	@Router			/api/v1/members [get]
func (s *Server) searchMembers(c *gin.Context) {
	s.findMembers(c, "")
}

// downlineSearch godoc
//
//	@Summary	Search a member's own organization (placement and sponsor downline) by id, name or email
//	@Tags		genealogy
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"member id"
//	@Param		q		query		string	true	"exact id, email prefix or part of the name (at least 2 characters)"
//	@Param		limit	query		int		false	"page size"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	TreeNodePage
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/members/{id}/downline [get]
func (s *Server) downlineSearch(c *gin.Context) {
	s.findMembers(c, c.Param("id"))
}

func (s *Server) findMembers(c *gin.Context, within string) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	f := genealogy.MemberFilter{Q: c.Query("q"), Within: within}
	if within == "" {
		f.Plan, f.Rank, f.Status = c.Query("plan"), c.Query("rank"), c.Query("status")
		switch v := c.Query("pending_payment"); v {
		case "":
		case "true", "false":
			pending := v == "true"
			f.Pending = &pending
		default:
			fail(c, graph.InvalidField("pending_payment", "must be true or false"))
			return
		}
	}
	p, err := s.Members.Find(c.Request.Context(), f, c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// legEnd godoc
//
//	@Summary		The member at the bottom of a member's left or right leg
//	@Description	The end of the leg's outside spine (where extreme_left / extreme_right placement puts a newcomer); the member itself when that leg is empty.
//	@Tags			genealogy
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Param			leg	path		string	true	"left | right"
//	@Success		200	{object}	genealogy.TreeNode
//	@Failure		422	{object}	ErrorBody
//	@Router			/api/v1/members/{id}/leg-end/{leg} [get]
func (s *Server) legEnd(c *gin.Context) {
	n, err := s.Members.LegEnd(c.Request.Context(), c.Param("id"), c.Param("leg"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

// contacts godoc
//
//	@Summary	A member's sponsor and placement parent: name and e-mail only
//	@Tags		genealogy
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	genealogy.Contacts
//	@Router		/api/v1/members/{id}/contacts [get]
func (s *Server) contacts(c *gin.Context) {
	ct, err := s.Members.Contacts(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ct)
}

// TreeNodePage documents graph.Page[genealogy.TreeNode] for Swagger.
type TreeNodePage struct {
	Items      []genealogy.TreeNode `json:"items"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

// liveVolume godoc
//
//	@Summary		Live open-period volume of a consultant
//	@Description	Personal and left/right leg volume of sales no committed run has accounted yet, from the Redis counters (rebuilt from Neo4j whenever needed). 503 while Redis is down.
//	@Tags			genealogy
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	dashboards.LiveVolume
//	@Failure		503	{object}	ErrorBody
//	@Router			/api/v1/members/{id}/live-volume [get]
func (s *Server) liveVolume(c *gin.Context) {
	v, err := s.Dashboards.LiveVolume(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// memberServices godoc
//
//	@Summary	Which vendor services a member holds, with status, and which vendors serve it
//	@Tags		members
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	sales.Services
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/members/{id}/services [get]
func (s *Server) memberServices(c *gin.Context) {
	sv, err := s.Holdings.Services(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sv)
}

// join godoc
//
//	@Summary		Self-register as a consultant through a sponsor's referral code
//	@Description	Same rules as an admin registration; the referral code is the sponsor's member id. A priced pack stays pending — no sale, nobody earns from it — until an admin confirms the payment.
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Param			body	body		genealogy.JoinRequest	true	"the new consultant"
//	@Success		201		{object}	genealogy.Member
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/join [post]
func (s *Server) join(c *gin.Context) {
	var req genealogy.JoinRequest
	if !bind(c, &req) {
		return
	}
	m, err := s.Members.Join(c.Request.Context(), req, c.ClientIP())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, m)
}

// confirmPack godoc
//
//	@Summary	Confirm the payment of a self-registered pack: it becomes a sale
//	@Tags		members
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string						true	"member id"
//	@Param		body	body		genealogy.ConfirmPackRequest	true	"payment reference"
//	@Success	200		{object}	genealogy.Member
//	@Failure	409		{object}	ErrorBody	"no pack waiting for payment"
//	@Router		/api/v1/members/{id}/confirm-payment [post]
func (s *Server) confirmPack(c *gin.Context) {
	var req genealogy.ConfirmPackRequest
	if !bind(c, &req) {
		return
	}
	m, err := s.Members.ConfirmPack(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}
