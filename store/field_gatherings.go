package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
)

var (
	qBookingPut        = cypher.MustQuery("field/registration_put")
	qBookingWaitlist   = cypher.MustQuery("field/registration_waitlist")
	qBookingsList      = cypher.MustQuery("field/registrations_list")
	qBookingsOf        = cypher.MustQuery("field/registrations_of")
	qGatheringGet      = cypher.MustQuery("field/gathering_get")
	qGatheringLock     = cypher.MustQuery("field/gathering_lock")
	qGatheringSave     = cypher.MustQuery("field/gathering_save")
	qGatheringsList    = cypher.MustQuery("field/gatherings_list")
	qMemberField       = cypher.MustQuery("field/member_field")
	qMembersResolve    = cypher.MustQuery("field/members_resolve")
	qOnboardingGens    = cypher.MustQuery("field/onboarding_generations")
	qOnboardingMembers = cypher.MustQuery("field/onboarding_members")
	qTrackGet          = cypher.MustQuery("field/onboarding_track_get")
	qTrackSave         = cypher.MustQuery("field/onboarding_track_save")
)

func gatheringParams(g field.Gathering) map[string]any {
	return map[string]any{"id": g.ID, "kind": g.Kind, "title": g.Title, "description_md": g.DescriptionMD, "description_html": g.DescriptionHTML,
		"format": g.Format, "location": g.Location, "presenter": g.Presenter, "starts_at": ts(g.StartsAt), "ends_at": ts(g.EndsAt),
		"time_zone": g.TimeZone, "duration_minutes": g.DurationMinutes, "capacity": g.Capacity, "waitlist": g.Waitlist,
		"audience": g.Audience, "status": g.Status, "onboarding_step": g.OnboardingStep, "join_url": g.JoinURL,
		"recording_url": g.RecordingURL, "sequence": g.Sequence, "author": g.Author, "created_at": ts(g.CreatedAt), "updated_at": ts(g.UpdatedAt)}
}

func bookingOf(m props, position int64) field.Registration {
	return field.Registration{GatheringID: "", MemberID: m.str("member_id"), Name: m.str("name"), Email: m.str("email"), Status: m.str("status"),
		Position: int(position), RegisteredAt: m.at("registered_at"), RegisteredBy: m.str("registered_by"), PromotedAt: m.atPtr("promoted_at"),
		CancelledAt: m.atPtr("cancelled_at"), Attended: m.flag("attended"), AttendedAt: m.atPtr("attended_at"), MarkedBy: m.str("marked_by"),
		Source: m.str("source"), Seq: m.num("seq")}
}

// gatheringOf reads a gathering_get / gatherings_list record.
func gatheringOf(r *neo4j.Record) field.Gathering {
	m := props(get[map[string]any](r, "g"))
	g := field.Gathering{ID: m.str("id"), Kind: m.str("kind"), Title: m.str("title"), DescriptionMD: m.str("description_md"),
		DescriptionHTML: m.str("description_html"), Format: m.str("format"), Location: m.str("location"), Presenter: m.str("presenter"),
		StartsAt: m.at("starts_at"), TimeZone: m.str("time_zone"), DurationMinutes: int(m.num("duration_minutes")),
		Capacity: int(m.num("capacity")), Waitlist: m.flag("waitlist"), Audience: m.str("audience"), Status: m.str("status"),
		OnboardingStep: m.str("onboarding_step"), JoinURL: m.str("join_url"), RecordingURL: m.str("recording_url"),
		Sequence: int(m.num("sequence")), Author: m.str("author"), CreatedAt: m.at("created_at"), UpdatedAt: m.at("updated_at"),
		RegSeq: m.num("reg_seq"), Confirmed: int(m.num("confirmed")), Waitlisted: int(m.num("waitlisted")), Attended: int(m.num("attended"))}
	g.Derive()
	if mine := get[map[string]any](r, "mine"); mine != nil {
		b := bookingOf(mine, get[int64](r, "position"))
		b.GatheringID = g.ID
		g.Mine = &b
	}
	return g
}

func viewerParam(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// CreateGathering implements field.GatheringStore.
func (s *Store) CreateGathering(ctx context.Context, g field.Gathering) error {
	_, err := s.write(ctx, qGatheringSave, gatheringParams(g))
	return err
}

// Gathering implements field.GatheringStore.
func (s *Store) Gathering(ctx context.Context, id, viewer string) (*field.Gathering, error) {
	rec, err := readOne(ctx, s, qGatheringGet, map[string]any{"id": id, "viewer": viewerParam(viewer)}, graph.NotFound("webinar or event %s not found", id))
	if err != nil {
		return nil, err
	}
	g := gatheringOf(rec)
	return &g, nil
}

// Gatherings implements field.GatheringStore.
func (s *Store) Gatherings(ctx context.Context, f field.GatheringFilter, offset, limit int) ([]field.Gathering, bool, error) {
	var aud any
	if f.Audiences != nil {
		aud = f.Audiences
	}
	return readPage(ctx, s, qGatheringsList, map[string]any{"kind": f.Kind, "audiences": aud, "drafts": f.Drafts, "when": f.When,
		"now": ts(f.Now), "viewer": viewerParam(f.Viewer), "offset": offset}, limit, gatheringOf)
}

// gatheringTx implements field.GatheringTx.
type gatheringTx struct {
	tx neo4j.ManagedTransaction
	id string
}

func (t *gatheringTx) Load(ctx context.Context) (*field.Gathering, error) {
	r, err := txOne(ctx, t.tx, qGatheringGet, map[string]any{"id": t.id, "viewer": nil})
	if err != nil {
		return nil, err
	}
	g := gatheringOf(r)
	return &g, nil
}

func (t *gatheringTx) bookings(ctx context.Context, q string, params map[string]any) ([]field.Registration, error) {
	res, err := t.tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]field.Registration, 0, len(recs))
	for _, r := range recs {
		b := bookingOf(get[map[string]any](r, "r"), get[int64](r, "position"))
		b.GatheringID = t.id
		out = append(out, b)
	}
	return out, nil
}

func (t *gatheringTx) RegistrationsOf(ctx context.Context, memberIDs []string) (map[string]field.Registration, error) {
	bs, err := t.bookings(ctx, qBookingsOf, map[string]any{"id": t.id, "members": memberIDs})
	out := make(map[string]field.Registration, len(bs))
	for _, b := range bs {
		out[b.MemberID] = b
	}
	return out, err
}

func (t *gatheringTx) Waitlist(ctx context.Context, limit int) ([]field.Registration, error) {
	return t.bookings(ctx, qBookingWaitlist, map[string]any{"id": t.id, "limit": limit})
}

func (t *gatheringTx) Save(ctx context.Context, g field.Gathering) error {
	_, err := txOne(ctx, t.tx, qGatheringSave, gatheringParams(g))
	return err
}

func (t *gatheringTx) Put(ctx context.Context, g *field.Gathering, regs []field.Registration) error {
	rows := make([]map[string]any, len(regs))
	for i, b := range regs {
		rows[i] = map[string]any{"member_id": b.MemberID, "status": b.Status, "seq": b.Seq, "registered_at": ts(b.RegisteredAt),
			"registered_by": b.RegisteredBy, "promoted_at": optTS(b.PromotedAt), "cancelled_at": optTS(b.CancelledAt),
			"attended": b.Attended, "attended_at": optTS(b.AttendedAt), "marked_by": b.MarkedBy, "source": b.Source}
	}
	_, err := txOne(ctx, t.tx, qBookingPut, map[string]any{"id": t.id, "reg_seq": g.RegSeq, "confirmed": g.Confirmed,
		"waitlisted": g.Waitlisted, "attended": g.Attended, "rows": rows})
	return err
}

// InGatheringTx implements field.GatheringStore: the lock is the first write of the
// transaction, so everything fn loads is what the previous holder committed.
func (s *Store) InGatheringTx(ctx context.Context, id string, fn func(field.GatheringTx) error) error {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		r, err := txOne(ctx, tx, qGatheringLock, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, graph.NotFound("webinar or event %s not found", id)
		}
		return nil, fn(&gatheringTx{tx: tx, id: id})
	})
	return s.mapErr(err)
}

// Registrations implements field.GatheringStore.
func (s *Store) Registrations(ctx context.Context, id, status string, offset, limit int) ([]field.Registration, bool, error) {
	res, err := s.read(ctx, qBookingsList, map[string]any{"id": id, "status": status, "offset": offset, "limit": limit + 1})
	if err != nil {
		return nil, false, err
	}
	out := []field.Registration{}
	if len(res.Records) == 0 {
		return out, false, nil
	}
	place := get[int64](res.Records[0], "before")
	for _, x := range get[[]any](res.Records[0], "rows") {
		b := bookingOf(x.(map[string]any), 0)
		b.GatheringID = id
		// Places follow from the page only when no waitlisted registration is filtered out.
		if b.Status == field.RegWaitlisted && (status == "" || status == field.RegWaitlisted) {
			place++
			b.Position = int(place)
		}
		out = append(out, b)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// ResolveMembers implements field.GatheringStore.
func (s *Store) ResolveMembers(ctx context.Context, refs []string) (map[string]genealogy.Member, error) {
	res, err := s.read(ctx, qMembersResolve, map[string]any{"refs": refs})
	if err != nil {
		return nil, err
	}
	out := make(map[string]genealogy.Member, len(res.Records))
	for _, r := range res.Records {
		out[get[string](r, "ref")] = genealogy.Member{ID: get[string](r, "id"), Name: get[string](r, "name"), Email: get[string](r, "email"), Plan: get[string](r, "plan")}
	}
	return out, nil
}

// MemberField implements field.GatheringStore.
func (s *Store) MemberField(ctx context.Context, memberID string, now time.Time, limit int) (*field.MemberField, error) {
	res, err := s.read(ctx, qMemberField, map[string]any{"member": memberID, "now": ts(now), "upcoming_limit": limit})
	if err != nil || len(res.Records) == 0 {
		return &field.MemberField{}, err
	}
	return memberField(res.Records[0]), nil
}

// memberField reads the row of field/member_field.
func memberField(r *neo4j.Record) *field.MemberField {
	f := &field.MemberField{Steps: stringList(get[any](r, "steps")), Done: stringList(get[any](r, "done"))}
	for _, x := range get[[]any](r, "upcoming") {
		m := props(x.(map[string]any))
		f.Upcoming = append(f.Upcoming, field.UpcomingRegistration{GatheringID: m.str("id"), Kind: m.str("kind"), Title: m.str("title"),
			Format: m.str("format"), Location: m.str("location"), StartsAt: m.at("starts_at"), TimeZone: m.str("time_zone"),
			Status: m.str("status"), Position: int(m.num("position")), Cancelled: m.flag("cancelled")})
	}
	return f
}

// OnboardingTrack implements field.OnboardingStore.
func (s *Store) OnboardingTrack(ctx context.Context) (*field.OnboardingTrack, error) {
	res, err := s.read(ctx, qTrackGet, nil)
	if err != nil {
		return nil, err
	}
	t := &field.OnboardingTrack{Steps: []field.OnboardingStep{}}
	if len(res.Records) == 0 {
		return t, nil
	}
	r := res.Records[0]
	keys, titles := stringList(get[any](r, "keys")), stringList(get[any](r, "titles"))
	for i, k := range keys {
		st := field.OnboardingStep{Key: k, Title: k}
		if i < len(titles) {
			st.Title = titles[i]
		}
		t.Steps = append(t.Steps, st)
	}
	t.UpdatedAt = props(r.AsMap()).atPtr("updated_at")
	t.UpdatedBy = get[string](r, "updated_by")
	return t, nil
}

// SaveOnboardingTrack implements field.OnboardingStore.
func (s *Store) SaveOnboardingTrack(ctx context.Context, t field.OnboardingTrack) error {
	keys, titles := make([]string, len(t.Steps)), make([]string, len(t.Steps))
	for i, st := range t.Steps {
		keys[i], titles[i] = st.Key, st.Title
	}
	var at time.Time
	if t.UpdatedAt != nil {
		at = *t.UpdatedAt
	}
	_, err := s.write(ctx, qTrackSave, map[string]any{"keys": keys, "titles": titles, "updated_at": ts(at), "updated_by": t.UpdatedBy})
	return err
}

// OnboardingByGeneration implements field.OnboardingStore.
func (s *Store) OnboardingByGeneration(ctx context.Context, id string, steps []string, maxGen int) ([]field.OnboardingGeneration, error) {
	res, err := s.read(ctx, qOnboardingGens, map[string]any{"id": id, "steps": steps, "max": maxGen})
	if err != nil {
		return nil, err
	}
	out := []field.OnboardingGeneration{}
	for _, r := range res.Records {
		g := field.OnboardingGeneration{Generation: int(get[int64](r, "generation")), Members: get[int64](r, "members"),
			Completed: get[int64](r, "completed"), ByStep: []field.StepCount{}}
		for _, x := range get[[]any](r, "by_step") {
			m := props(x.(map[string]any))
			g.ByStep = append(g.ByStep, field.StepCount{Step: m.str("step"), Completed: m.num("completed")})
		}
		out = append(out, g)
	}
	return out, nil
}

// OnboardingMembers implements field.OnboardingStore.
func (s *Store) OnboardingMembers(ctx context.Context, id string, gen int, steps []string, completed *bool, offset, limit int) ([]field.OnboardingMember, bool, error) {
	var c any
	if completed != nil {
		c = *completed
	}
	return readPage(ctx, s, qOnboardingMembers, map[string]any{"id": id, "gen": gen, "steps": steps, "completed": c, "offset": offset}, limit,
		func(r *neo4j.Record) field.OnboardingMember {
			return field.OnboardingMember{ID: get[string](r, "id"), Name: get[string](r, "name"), SponsorID: get[string](r, "sponsor_id"),
				Done: stringList(get[any](r, "done")), Completed: get[bool](r, "complete")}
		})
}
