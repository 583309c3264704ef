package sales

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// Ingest limits (API.md, Vendors and ingest).
const (
	IngestMaxBody   = 1 << 20
	IngestMaxEvents = 1000
	IngestWindow    = 5 * time.Minute
)

// Event types a vendor sends.
const (
	EventCustomerSignup   = "customer.signup"
	EventServiceActivated = "service.activated"
	EventServiceCancelled = "service.cancelled"
	// A vendor reports back on a referral Halo delivered to it.
	EventReferralAccepted = "referral.accepted"
	EventReferralRejected = "referral.rejected"
	EventReferralStatus   = "referral.status" // contacted | quoted | won | lost
)

// EventResult is one entry of the ingest answer, in request order.
type EventResult struct {
	ID     string      `json:"id"`
	Status string      `json:"status"` // accepted | duplicate | rejected
	Error  *EventError `json:"error,omitempty"`
}

// EventError says why an event was rejected.
type EventError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// IngestResponse is the answer of POST /ingest/events.
type IngestResponse struct {
	Results []EventResult `json:"results"`
}

// MemberInfo is what ingest needs to know of a member.
type MemberInfo struct {
	ID, Plan, SponsorID, Email string
	RegisteredAt               time.Time
	SDepth                     int64
	TerminatedAt               *time.Time // PLAN.md §10
}

// ActivationInfo is a vendor's known activation: what a cancellation is checked against.
type ActivationInfo struct {
	SaleID, ActivationID, MemberID string
	OccurredAt                     time.Time
	Cancelled                      bool
}

// IngestQuery names what a batch needs loaded.
type IngestQuery struct {
	VendorID      string
	EventIDs      []string
	MemberIDs     []string
	Emails        []string
	ActivationIDs []string
	SKUs          []string
	ReferralIDs   []string
}

// ReferralInfo is what ingest needs of a referral: its vendor, owner, status and expiry.
type ReferralInfo struct {
	ID, VendorID, OwnerID, Status, CustomerID, Email string
	ExpiresAt                                        time.Time
}

// LiveAt says whether the referral protects its owner's attribution at t.
func (r ReferralInfo) LiveAt(t time.Time) bool {
	return t.Before(r.ExpiresAt) && !ReferralClosed(r.Status)
}

// ReferralUpdate is a status a vendor reported; Ord is its place among the batch's accepted
// events, so a referral's history reads in the order the vendor sent it.
type ReferralUpdate struct {
	ReferralID, Status, EventID, Note string
	At                                time.Time
	Ord                               int
}

// ReferralLink records the customer a referral became (Status: the referral's then).
type ReferralLink struct {
	ReferralID, CustomerID, EventID, Status string
	At                                      time.Time
	Ord                                     int
}

// IngestState is the graph as the batch sees it, under the vendor's lock.
type IngestState struct {
	Events          map[string]bool // accepted event ids of this vendor
	Members         map[string]MemberInfo
	EmailOwner      map[string]string
	Activations     map[string]ActivationInfo // by activation id (this vendor's)
	Products        map[string][]ProductValues
	VendorCustomers map[string]bool // customers already linked to this vendor
	Referrals       map[string]ReferralInfo
	// LiveReferrals are the referrals (of any vendor) whose prospect has one of the batch's
	// sign-up e-mails, oldest first: the first live one decides the attribution.
	LiveReferrals map[string][]ReferralInfo
}

// StoredEvent is an accepted raw event, kept for audit.
type StoredEvent struct {
	ID, Type   string
	OccurredAt time.Time
	Payload    string
}

// NewCustomer is a customer a signup creates.
type NewCustomer struct {
	ID, Name, Email, SponsorID, EventID string
	RegisteredAt                        time.Time
	SDepth                              int64
}

// VendorLink links a vendor to a customer it serves.
type VendorLink struct {
	CustomerID, EventID string
	At                  time.Time
}

// NewActivation is an activation sale (PLAN.md §3).
type NewActivation struct {
	SaleID, ActivationID, EventID, MemberID, Attributed, SKU string
	BV, CV, Retail                                           engine.Units
	HoldDays                                                 int
	OccurredAt                                               time.Time
}

// NewCancellation is an accepted cancellation (PLAN.md §6).
type NewCancellation struct {
	ID, EventID, SaleID string
	OccurredAt          time.Time
}

// IngestWrite is everything a batch writes, in one transaction.
type IngestWrite struct {
	VendorID      string
	ReceivedAt    time.Time
	Events        []StoredEvent
	Customers     []NewCustomer
	Links         []VendorLink
	Activations   []NewActivation
	Cancellations []NewCancellation
	Referrals     []ReferralUpdate
	ReferralLinks []ReferralLink
}

// RejectedEvent is an audit entry (not the event store): what a vendor sent and why it was refused.
type RejectedEvent struct {
	VendorID   string    `json:"vendor_id"`
	EventID    string    `json:"event_id"`
	Type       string    `json:"type,omitempty"`
	Code       string    `json:"code"`
	Message    string    `json:"message"`
	ReceivedAt time.Time `json:"received_at"`
	Payload    string    `json:"payload,omitempty"`
}

// IngestTx is a batch's transaction, holding the vendor's lock.
type IngestTx interface {
	Load(ctx context.Context, q IngestQuery) (*IngestState, error)
	Write(ctx context.Context, w IngestWrite) error
}

// IngestStore persists ingest.
type IngestStore interface {
	VendorSecrets(ctx context.Context, id string) (*VendorSecrets, error)
	// InVendorTx runs fn in one write transaction that holds the vendor's ingest lock (and the
	// signup lock when signups is set); the accepted events are durable when it returns nil.
	InVendorTx(ctx context.Context, vendorID string, signups bool, fn func(IngestTx) error) error
	LogRejected(ctx context.Context, rs []RejectedEvent) error
	Rejected(ctx context.Context, vendorID string, offset, limit int) ([]RejectedEvent, bool, error)
}

// IngestService verifies, validates and stores vendor events.
type IngestService struct {
	Store IngestStore
	Box   *SecretBox
	Now   func() time.Time
	Log   *slog.Logger
	// Accepted, when set, runs after a batch that accepted a sign-up, an activation or a
	// cancellation has committed: the earnings projection looks at once (issue #19).
	Accepted func()
	// Turns, when set, bounds the batches written at once, fewer while people use the API.
	Turns *graph.Turns
	// BusyPart, when above 0, is the most events written in one transaction while people use
	// the API (Turns.Busy): a batch of 500 applied at once held Neo4j's reads until it
	// committed, and a second's dashboards came back together, 86–177 of them slower than
	// 50 ms; sent as batches of 100, the p99 was 33–48 ms, and written in parts of 100 here
	// 39–44 ms (issue #19, README, thirty-eighth session).
	BusyPart int
}

// acceptsVolume says whether a batch accepted anything the projection and the counters read.
func acceptsVolume(evs []*parsedEvent, results []EventResult) bool {
	for i, r := range results {
		if r.Status == "accepted" {
			switch evs[i].typ {
			case EventCustomerSignup, EventServiceActivated, EventServiceCancelled:
				return true
			}
		}
	}
	return false
}

// Authenticate checks the vendor's HMAC-SHA256 over timestamp + "." + body, in constant time,
// within the replay window; during a rotation's grace period the previous secret verifies too.
func (s *IngestService) Authenticate(ctx context.Context, vendorID, timestamp, signature string, body []byte) error {
	now := s.Now()
	sec, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return graph.Unauthorized("X-Timestamp must be unix seconds")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > IngestWindow || d < -IngestWindow {
		return graph.Unauthorized("X-Timestamp is more than 5 minutes off")
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(signature), "sha256=")
	got, herr := hex.DecodeString(hexSig)
	if !ok || herr != nil || len(got) != sha256.Size {
		return graph.Unauthorized("X-Signature must be sha256=<hex HMAC-SHA256>")
	}
	bad := graph.Unauthorized("signature verification failed")
	if !graph.ValidID(vendorID) {
		return bad
	}
	vs, err := s.Store.VendorSecrets(ctx, vendorID)
	if graph.KindOf(err) == graph.KindNotFound {
		return bad
	}
	if err != nil {
		return err
	}
	secrets := []string{vs.Sealed}
	if vs.PreviousSealed != "" && now.Before(vs.PreviousUntil) {
		secrets = append(secrets, vs.PreviousSealed)
	}
	verified := false
	for _, sealed := range secrets {
		secret, err := s.Box.Open(sealed)
		if err != nil {
			return err
		}
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(strings.TrimSpace(timestamp)))
		m.Write([]byte("."))
		m.Write(body)
		verified = hmac.Equal(m.Sum(nil), got) || verified
	}
	if !verified {
		return bad
	}
	if !vs.Active {
		return graph.Forbidden("vendor %s is deactivated", vendorID)
	}
	return nil
}

type parsedEvent struct {
	raw        json.RawMessage
	id, typ    string
	at         time.Time
	signup     signupData
	activation activationData
	cancel     cancelData
	referral   referralData
	err        *EventError // from parsing: the shape is wrong
}

type signupData struct {
	CustomerID string `json:"customer_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	SponsorID  string `json:"sponsor_id"`
	// ReferralID names the referral that brought the customer: while it is live it decides the
	// sponsor (its consultant), and sponsor_id may be left out.
	ReferralID string `json:"referral_id,omitempty"`
}

type referralData struct {
	ReferralID string `json:"referral_id"`
	Status     string `json:"status,omitempty"`
	Note       string `json:"note,omitempty"`
}

type activationData struct {
	ActivationID string `json:"activation_id"`
	MemberID     string `json:"member_id"`
	SKU          string `json:"sku"`
}

type cancelData struct {
	ActivationID string `json:"activation_id"`
}

func reject(code, format string, a ...any) *EventError {
	return &EventError{Code: code, Message: fmt.Sprintf(format, a...)}
}

// Ingest stores a signed batch. Each event is accepted, a duplicate (its id was accepted
// before), or rejected with the reason; the others are unaffected. Accepted events are durable
// in Neo4j before this returns.
func (s *IngestService) Ingest(ctx context.Context, vendorID string, body []byte) (*IngestResponse, error) {
	now := s.Now().UTC()
	var envelope struct {
		Events []json.RawMessage `json:"events"`
	}
	// Unmarshal, not a Decoder: a Decoder copies the body into a buffer it grows as it reads,
	// about twice the body for every batch (issue #19).
	if err := json.Unmarshal(body, &envelope); err != nil {
		return nil, graph.BadRequest("body is not valid JSON: %s", graph.JSONMessage(err))
	}
	if envelope.Events == nil {
		return nil, graph.InvalidField("events", "is required (a list of at most %d events)", IngestMaxEvents)
	}
	if len(envelope.Events) > IngestMaxEvents {
		return nil, graph.InvalidField("events", "holds %d events; at most %d are allowed", len(envelope.Events), IngestMaxEvents)
	}
	evs := make([]*parsedEvent, len(envelope.Events))
	for i, raw := range envelope.Events {
		evs[i] = parseEvent(raw, now)
	}
	results := make([]EventResult, len(evs))
	// While people use the API a batch is written a part at a time (BusyPart): each part takes
	// its turn and commits on its own, in order, so each sees what the parts before it accepted.
	part := max(len(evs), 1)
	if s.BusyPart > 0 && s.Turns.Busy() {
		part = s.BusyPart
	}
	// An empty batch goes through write once, as a whole batch did. A part that fails ends the
	// batch; the parts written before it stay accepted, and the vendor's retry finds them
	// duplicates.
	written := 0
	var err error
	for lo := 0; lo == 0 || lo < len(evs); lo += part {
		hi := min(lo+part, len(evs))
		q, signups := ingestQuery(vendorID, evs[lo:hi])
		if err = s.write(ctx, vendorID, signups, q, now, evs[lo:hi], results[lo:hi]); err != nil {
			break
		}
		written = hi
	}
	if s.Accepted != nil && acceptsVolume(evs[:written], results[:written]) {
		s.Accepted()
	}
	if err != nil {
		return nil, err
	}
	// Rejected events go to the audit log, never to the event store.
	var rej []RejectedEvent
	for i, r := range results {
		if r.Status == "rejected" {
			rej = append(rej, RejectedEvent{VendorID: vendorID, EventID: r.ID, Type: evs[i].typ, Code: r.Error.Code, Message: r.Error.Message,
				ReceivedAt: now, Payload: truncate(string(evs[i].raw), 16<<10)})
		}
	}
	if len(rej) > 0 {
		if err := s.Store.LogRejected(ctx, rej); err != nil {
			s.Log.Error("could not write rejected events to the audit log", "vendor", vendorID, "count", len(rej), "error", err)
		}
	}
	return &IngestResponse{Results: results}, nil
}

// ingestQuery is what deciding evs needs read, and whether any of them signs a customer up.
func ingestQuery(vendorID string, evs []*parsedEvent) (IngestQuery, bool) {
	q := IngestQuery{VendorID: vendorID}
	signups := false
	for _, e := range evs {
		if e.id != "" {
			q.EventIDs = append(q.EventIDs, e.id)
		}
		if e.err != nil {
			continue
		}
		switch e.typ {
		case EventCustomerSignup:
			signups = true
			q.MemberIDs = append(q.MemberIDs, e.signup.CustomerID, e.signup.SponsorID)
			q.Emails = append(q.Emails, e.signup.Email)
		case EventServiceActivated:
			q.MemberIDs = append(q.MemberIDs, e.activation.MemberID)
			q.ActivationIDs = append(q.ActivationIDs, e.activation.ActivationID)
			q.SKUs = append(q.SKUs, e.activation.SKU)
		case EventServiceCancelled:
			q.ActivationIDs = append(q.ActivationIDs, e.cancel.ActivationID)
		case EventReferralAccepted, EventReferralRejected, EventReferralStatus:
			q.ReferralIDs = append(q.ReferralIDs, e.referral.ReferralID)
		}
		if e.typ == EventCustomerSignup && e.signup.ReferralID != "" {
			q.ReferralIDs = append(q.ReferralIDs, e.signup.ReferralID)
		}
	}
	return q, signups
}

// write decides and writes evs (the batch or a part of it) in one transaction under the
// vendor's lock, once it has its turn (Turns: while people use the API, batches give way to
// their reads).
func (s *IngestService) write(ctx context.Context, vendorID string, signups bool, q IngestQuery, now time.Time, evs []*parsedEvent, results []EventResult) error {
	leave, err := s.Turns.Enter(ctx, len(evs))
	if err != nil {
		return err
	}
	defer leave()
	// A uniqueness clash with a writer outside the vendor's lock (an admin registering the same
	// customer id) rolls the batch back; the retry sees the new state and decides again.
	for attempt := 0; attempt < 3; attempt++ {
		err = s.Store.InVendorTx(ctx, vendorID, signups, func(tx IngestTx) error {
			st, err := tx.Load(ctx, q)
			if err != nil {
				return err
			}
			w := decide(vendorID, now, evs, st, results)
			return tx.Write(ctx, w)
		})
		if graph.KindOf(err) != graph.KindConflict {
			break
		}
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// parseEvent checks an event's shape; state-dependent rules come in decide.
func parseEvent(raw json.RawMessage, now time.Time) *parsedEvent {
	e := &parsedEvent{raw: raw}
	var head struct {
		ID         *string         `json:"id"`
		Type       string          `json:"type"`
		OccurredAt string          `json:"occurred_at"`
		Data       json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		e.err = reject("bad_request", "event is not a JSON object of the documented shape: %s", graph.JSONMessage(err))
		return e
	}
	if head.ID != nil {
		e.id = *head.ID
	}
	e.typ = head.Type
	switch {
	case e.id == "" || len(e.id) > 128 || strings.ContainsAny(e.id, "\x00\r\n\t"):
		e.err = reject("invalid", "id: is required (at most 128 characters)")
		return e
	case head.OccurredAt == "":
		e.err = reject("invalid", "occurred_at: is required (RFC 3339)")
		return e
	}
	at, err := time.Parse(time.RFC3339, head.OccurredAt)
	if err != nil {
		e.err = reject("invalid", "occurred_at: %q is not an RFC 3339 time", head.OccurredAt)
		return e
	}
	e.at = at.UTC()
	if e.at.After(now.Add(IngestWindow)) {
		e.err = reject("invalid", "occurred_at: must not be in the future")
		return e
	}
	strict := func(dst any, shape strictShape) bool {
		if !decodeStrict(head.Data, dst, shape) {
			e.err = reject("invalid", "data: missing or not of the documented shape for %s", e.typ)
			return false
		}
		return true
	}
	switch e.typ {
	case EventCustomerSignup:
		if !strict(&e.signup, signupShape) {
			return e
		}
		d := &e.signup
		// A signed-up customer is a new member like any other (the same rules as a registration).
		nm, problems := genealogy.CheckNewMember(genealogy.NewMember{ID: d.CustomerID, Name: d.Name, Email: d.Email, Plan: "customer"})
		d.Name, d.Email = nm.Name, nm.Email
		switch {
		case len(problems) > 0:
			field := problems[0].Field
			if field == "id" {
				field = "customer_id"
			}
			e.err = reject("invalid", "data.%s: %s", field, problems[0].Message)
		case d.ReferralID != "" && !graph.ValidID(d.ReferralID):
			e.err = reject("invalid", "data.referral_id: is not a referral id")
		case d.SponsorID != "" && !graph.ValidID(d.SponsorID), d.SponsorID == "" && d.ReferralID == "":
			e.err = reject("invalid", "data.sponsor_id: is required (unless data.referral_id names a live referral)")
		}
	case EventServiceActivated:
		if !strict(&e.activation, activationShape) {
			return e
		}
		d := e.activation
		switch {
		case !graph.ValidID(d.ActivationID):
			e.err = reject("invalid", "data.activation_id: must match ^[A-Za-z0-9._-]{1,64}$")
		case !graph.ValidID(d.MemberID):
			e.err = reject("invalid", "data.member_id: is required")
		case !graph.ValidID(d.SKU):
			e.err = reject("invalid", "data.sku: is required")
		}
	case EventServiceCancelled:
		if !strict(&e.cancel, cancelShape) {
			return e
		}
		if !graph.ValidID(e.cancel.ActivationID) {
			e.err = reject("invalid", "data.activation_id: must match ^[A-Za-z0-9._-]{1,64}$")
		}
	case EventReferralAccepted, EventReferralRejected, EventReferralStatus:
		if !strict(&e.referral, referralShape) {
			return e
		}
		d := &e.referral
		d.Note = strings.TrimSpace(d.Note)
		switch {
		case !graph.ValidID(d.ReferralID):
			e.err = reject("invalid", "data.referral_id: is required")
		case len(d.Note) > 2000:
			e.err = reject("invalid", "data.note: is at most 2000 characters")
		case e.typ == EventReferralStatus && d.Status != RefContacted && d.Status != RefQuoted && d.Status != RefWon && d.Status != RefLost:
			e.err = reject("invalid", "data.status: must be contacted, quoted, won or lost")
		case e.typ != EventReferralStatus && d.Status != "":
			e.err = reject("invalid", "data.status: is only for referral.status")
		}
		if e.typ == EventReferralAccepted {
			d.Status = RefAccepted
		} else if e.typ == EventReferralRejected {
			d.Status = RefRejected
		}
	default:
		e.err = reject("invalid", "type: must be customer.signup, service.activated, service.cancelled, referral.accepted, referral.rejected or referral.status")
	}
	return e
}

// productAt is the version in effect at t (before the first version: the first).
func productAt(vs []ProductValues, t time.Time) ProductValues {
	best := vs[0]
	for _, v := range vs[1:] {
		if !v.EffectiveFrom.After(t) {
			best = v
		}
	}
	return best
}

// SaleIDOf is the sale id of a vendor's activation: activation ids are scoped per vendor.
func SaleIDOf(vendorID, activationID string) string { return vendorID + ":" + activationID }

// decide applies PLAN.md §6 and API.md's rules to every event in order, against the state
// loaded under the lock plus what earlier events of the same batch did.
func decide(vendorID string, now time.Time, evs []*parsedEvent, st *IngestState, results []EventResult) IngestWrite {
	w := IngestWrite{VendorID: vendorID, ReceivedAt: now, Events: make([]StoredEvent, 0, len(evs))}
	seen := make(map[string]bool, len(st.Events)+len(evs))
	acts := 0
	for _, e := range evs {
		if e.err == nil && e.typ == EventServiceActivated {
			acts++
		}
	}
	w.Activations = make([]NewActivation, 0, acts)
	for k, v := range st.Events {
		seen[k] = v
	}
	for i, e := range evs {
		results[i] = EventResult{ID: e.id}
		if e.err == nil && seen[e.id] {
			results[i].Status = "duplicate"
			continue
		}
		rej := e.err
		if rej == nil {
			rej = apply(vendorID, e, st, &w)
		}
		if rej != nil {
			results[i].Status = "rejected"
			results[i].Error = rej
			continue
		}
		seen[e.id] = true
		results[i].Status = "accepted"
		w.Events = append(w.Events, StoredEvent{ID: e.id, Type: e.typ, OccurredAt: e.at, Payload: string(e.raw)})
	}
	return w
}

func apply(vendorID string, e *parsedEvent, st *IngestState, w *IngestWrite) *EventError {
	switch e.typ {
	case EventCustomerSignup:
		d := e.signup
		ref, rej := attribute(vendorID, e, &d, st)
		if rej != nil {
			return rej
		}
		sp, ok := st.Members[d.SponsorID]
		if !ok {
			return reject("invalid", "data.sponsor_id: member %s does not exist", d.SponsorID)
		}
		if sp.Plan == "customer" {
			return reject("invalid", "data.sponsor_id: %s is a customer; a sponsor must be a consultant", d.SponsorID)
		}
		if ex, ok := st.Members[d.CustomerID]; ok {
			switch {
			case ex.Plan != "customer":
				return reject("conflict", "data.customer_id: %s is a consultant, not a customer", d.CustomerID)
			case ex.SponsorID != d.SponsorID:
				return reject("conflict", "data.sponsor_id: customer %s exists with sponsor %s", d.CustomerID, ex.SponsorID)
			}
			if !st.VendorCustomers[d.CustomerID] {
				st.VendorCustomers[d.CustomerID] = true
				w.Links = append(w.Links, VendorLink{CustomerID: d.CustomerID, EventID: e.id, At: e.at})
			}
			linkReferral(ref, d.CustomerID, e, st, w)
			return nil
		}
		if owner, taken := st.EmailOwner[d.Email]; taken {
			return reject("conflict", "data.email: already used by %s", owner)
		}
		if e.at.Before(sp.RegisteredAt) {
			return reject("invalid", "occurred_at: before the sponsor's registration")
		}
		if sp.TerminatedAt != nil && !sp.TerminatedAt.After(e.at) {
			// §10: nobody is signed up under a sponsor already terminated then; a customer signed
			// up earlier and reported late is accepted (and rolled up).
			return reject("conflict", "data.sponsor_id: %s was terminated from %s", d.SponsorID, sp.TerminatedAt.Format(time.RFC3339))
		}
		st.Members[d.CustomerID] = MemberInfo{ID: d.CustomerID, Plan: "customer", SponsorID: d.SponsorID, Email: d.Email, RegisteredAt: e.at, SDepth: sp.SDepth + 1}
		st.EmailOwner[d.Email] = d.CustomerID
		st.VendorCustomers[d.CustomerID] = true
		w.Customers = append(w.Customers, NewCustomer{ID: d.CustomerID, Name: d.Name, Email: d.Email, SponsorID: d.SponsorID,
			EventID: e.id, RegisteredAt: e.at, SDepth: sp.SDepth + 1})
		w.Links = append(w.Links, VendorLink{CustomerID: d.CustomerID, EventID: e.id, At: e.at})
		linkReferral(ref, d.CustomerID, e, st, w)
	case EventReferralAccepted, EventReferralRejected, EventReferralStatus:
		d := e.referral
		r, ok := st.Referrals[d.ReferralID]
		switch {
		case !ok || r.VendorID != vendorID:
			return reject("invalid", "data.referral_id: %s is not a referral sent to %s", d.ReferralID, vendorID)
		case r.Status == d.Status:
			return reject("conflict", "data.referral_id: %s is already %s", d.ReferralID, d.Status)
		case !CanMoveReferral(r.Status, d.Status):
			hint := ""
			if r.Status == RefSubmitted || r.Status == RefDelivered {
				hint = " (send referral.accepted first)"
			}
			return reject("conflict", "data.referral_id: %s is %s and cannot become %s%s", d.ReferralID, r.Status, d.Status, hint)
		}
		r.Status = d.Status
		st.Referrals[d.ReferralID] = r
		w.Referrals = append(w.Referrals, ReferralUpdate{ReferralID: d.ReferralID, Status: d.Status, EventID: e.id, Note: d.Note, At: e.at, Ord: len(w.Events)})
	case EventServiceActivated:
		d := e.activation
		if _, ok := st.Activations[d.ActivationID]; ok {
			return reject("conflict", "data.activation_id: %s is already known", d.ActivationID)
		}
		m, ok := st.Members[d.MemberID]
		if !ok {
			return reject("invalid", "data.member_id: member %s does not exist", d.MemberID)
		}
		vs := st.Products[d.SKU]
		if len(vs) == 0 {
			return reject("invalid", "data.sku: %s is not a product of %s", d.SKU, vendorID)
		}
		// A vendor serves the customers who signed up with it (PLAN.md §5): it cannot report
		// services for anyone else's customers.
		if m.Plan == "customer" && !st.VendorCustomers[m.ID] {
			return reject("invalid", "data.member_id: customer %s has not signed up with %s (send its customer.signup first)", m.ID, vendorID)
		}
		if e.at.Before(m.RegisteredAt) {
			return reject("invalid", "occurred_at: before %s registered", d.MemberID)
		}
		// S: the member if a consultant, otherwise its sponsor (PLAN.md §3).
		s := m.ID
		if m.Plan == "customer" {
			s = m.SponsorID
		}
		p := productAt(vs, e.at)
		a := NewActivation{SaleID: SaleIDOf(vendorID, d.ActivationID), ActivationID: d.ActivationID, EventID: e.id, MemberID: m.ID, Attributed: s,
			SKU: d.SKU, BV: p.BV, CV: p.CV, Retail: p.Retail, HoldDays: p.HoldDays, OccurredAt: e.at}
		st.Activations[d.ActivationID] = ActivationInfo{SaleID: a.SaleID, ActivationID: d.ActivationID, MemberID: m.ID, OccurredAt: e.at}
		w.Activations = append(w.Activations, a)
	case EventServiceCancelled:
		a, ok := st.Activations[e.cancel.ActivationID]
		switch {
		case !ok:
			return reject("invalid", "data.activation_id: %s is not an activation of %s", e.cancel.ActivationID, vendorID)
		case a.Cancelled:
			return reject("conflict", "data.activation_id: %s is already cancelled", e.cancel.ActivationID)
		case e.at.Before(a.OccurredAt):
			return reject("invalid", "occurred_at: the cancellation is earlier than the activation (%s)", a.OccurredAt.Format(time.RFC3339))
		}
		a.Cancelled = true
		st.Activations[e.cancel.ActivationID] = a
		w.Cancellations = append(w.Cancellations, NewCancellation{ID: vendorID + ":" + e.id, EventID: e.id, SaleID: a.SaleID, OccurredAt: e.at})
	}
	return nil
}

// attribute applies a referral to a sign-up (the referral is the proof of attribution): a live
// referral named by the sign-up makes its consultant the sponsor, and a sign-up naming another
// sponsor for a live referral — the one it names, or any vendor's live referral of the same
// e-mail — is a conflict. It returns the named referral, to be linked to the customer.
func attribute(vendorID string, e *parsedEvent, d *signupData, st *IngestState) (*ReferralInfo, *EventError) {
	var named *ReferralInfo
	if d.ReferralID != "" {
		r, ok := st.Referrals[d.ReferralID]
		if !ok || r.VendorID != vendorID {
			return nil, reject("invalid", "data.referral_id: %s is not a referral sent to %s", d.ReferralID, vendorID)
		}
		if r.CustomerID != "" && r.CustomerID != d.CustomerID {
			return nil, reject("conflict", "data.referral_id: %s already became customer %s", d.ReferralID, r.CustomerID)
		}
		named = &r
		if r.LiveAt(e.at) {
			if d.SponsorID != "" && d.SponsorID != r.OwnerID {
				return nil, reject("conflict", "data.sponsor_id: referral %s credits %s until %s; a sign-up for a live referral cannot name another sponsor",
					r.ID, r.OwnerID, r.ExpiresAt.Format(time.RFC3339))
			}
			d.SponsorID = r.OwnerID
			return named, nil
		}
		if d.SponsorID == "" {
			return nil, reject("invalid", "data.sponsor_id: is required: referral %s no longer protects attribution (%s)", r.ID, referralEnd(r))
		}
	}
	for _, r := range st.LiveReferrals[d.Email] {
		if r.LiveAt(e.at) && (r.CustomerID == "" || r.CustomerID == d.CustomerID) {
			if d.SponsorID != r.OwnerID {
				return nil, reject("conflict", "data.sponsor_id: a live referral (%s) credits %s for this customer until %s",
					r.ID, r.OwnerID, r.ExpiresAt.Format(time.RFC3339))
			}
			break
		}
	}
	return named, nil
}

func referralEnd(r ReferralInfo) string {
	if ReferralClosed(r.Status) {
		return "it is " + r.Status
	}
	return "it expired at " + r.ExpiresAt.Format(time.RFC3339)
}

func linkReferral(r *ReferralInfo, customer string, e *parsedEvent, st *IngestState, w *IngestWrite) {
	if r == nil || r.CustomerID == customer {
		return
	}
	r.CustomerID = customer
	st.Referrals[r.ID] = *r
	w.ReferralLinks = append(w.ReferralLinks, ReferralLink{ReferralID: r.ID, CustomerID: customer, EventID: e.id, Status: st.Referrals[r.ID].Status, At: e.at, Ord: len(w.Events)})
}

// ListRejected pages the rejected-event audit log.
func (s *IngestService) ListRejected(ctx context.Context, vendorID, cursor string, limit int) (*graph.Page[RejectedEvent], error) {
	return graph.Paginate(cursor, limit, func(off, lim int) ([]RejectedEvent, bool, error) {
		return s.Store.Rejected(ctx, vendorID, off, lim)
	})
}
