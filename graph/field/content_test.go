package field

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

type memArticles struct{ a map[string]Article }

func (m *memArticles) SaveArticle(_ context.Context, a Article, _ bool) error {
	m.a[a.ID] = a
	return nil
}

func (m *memArticles) Article(_ context.Context, id string) (*Article, error) {
	if a, ok := m.a[id]; ok {
		return &a, nil
	}
	return nil, graph.NotFound("article %s not found", id)
}

func (m *memArticles) Articles(context.Context, ArticleFilter, int, int) ([]Article, bool, error) {
	return nil, false, nil
}

type plans map[string]string

func (p plans) Member(_ context.Context, id string) (*genealogy.Member, error) {
	if plan, ok := p[id]; ok {
		return &genealogy.Member{ID: id, Plan: plan}, nil
	}
	return nil, graph.NotFound("member %s not found", id)
}

// Articles are sanitized, validated, and seen only by their audience once published.
func TestArticlesAudiencesAndSanitizing(t *testing.T) {
	st := &memArticles{a: map[string]Article{}}
	s := &ContentService{Store: st, Members: plans{"ana": "consultant", "al": "affiliate"}, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	ctx := context.Background()
	_, err := s.Create(ctx, ArticleRequest{Title: " ", Audience: "everyone", Status: "live", Attachments: []string{"javascript:alert(1)"}})
	var got []string
	for _, d := range graph.AsError(err).Details {
		got = append(got, d.Field)
	}
	if strings.Join(got, ",") != "title,audience,status,attachments" {
		t.Errorf("fields %v: %v", got, err)
	}
	a, err := s.Create(ctx, ArticleRequest{Title: "Binary", Body: "**pair** <script>alert(1)</script><img src=x onerror=alert(1)>", Audience: "plan:consultant", Status: "published"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.BodyHTML, "<strong>pair</strong>") || strings.Contains(a.BodyHTML, "script") || strings.Contains(a.BodyHTML, "onerror") {
		t.Errorf("rendered and sanitized: %q", a.BodyHTML)
	}
	for who, want := range map[graph.Principal]bool{
		{ID: "ana", Role: graph.RoleConsultant}: true,
		{ID: "al", Role: graph.RoleConsultant}:  false, // an affiliate is not on the consultant plan
		{ID: "mia", Role: graph.RoleCustomer}:   false,
		{ID: "ops", Role: graph.RoleAdmin}:      true,
	} {
		_, err := s.Get(ctx, who, a.ID)
		if (err == nil) != want || (err != nil && graph.KindOf(err) != graph.KindNotFound) {
			t.Errorf("%s reads %s: %v", who.ID, a.Audience, err)
		}
	}
	draft, _ := s.Create(ctx, ArticleRequest{Title: "Soon", Audience: AudienceAll})
	if _, err := s.Get(ctx, graph.Principal{ID: "ana", Role: graph.RoleConsultant}, draft.ID); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("a draft is for admins: %v", err)
	}
}

func TestOnboardingTrackAndPercent(t *testing.T) {
	f := New(Deps{Store: &memTrack{}, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }})
	ctx := context.Background()
	_, err := f.Onboarding.SetTrack(ctx, OnboardingTrack{Steps: []OnboardingStep{{Key: "Orientation"}, {Key: "orientation"}, {Key: "bad key!"}}})
	if e := graph.AsError(err); e.Kind != graph.KindInvalid || len(e.Details) != 2 || !strings.Contains(e.Details[0].Message, "step 2") {
		t.Errorf("%v", err)
	}
	tr, err := f.Onboarding.SetTrack(ctx, OnboardingTrack{Steps: []OnboardingStep{{Key: " Orientation "}, {Key: "compliance", Title: "Compliance"}}})
	if err != nil || tr.Steps[0].Key != "orientation" || tr.Steps[0].Title != "orientation" || tr.UpdatedAt == nil {
		t.Fatalf("%v %+v", err, tr)
	}
	_, err = f.Schedule.Create(ctx, KindWebinar, GatheringRequest{Title: "Intro", StartsAt: "2026-03-05T18:00", TimeZone: "America/Denver", DurationMinutes: 60, OnboardingStep: "sales"})
	if graph.KindOf(err) != graph.KindInvalid || !strings.Contains(err.Error(), "not a step of the onboarding track") {
		t.Errorf("a gathering names a step of the track: %v", err)
	}
	for c, want := range map[[2]int64]string{{0, 0}: "0.0", {1, 3}: "33.3", {2, 3}: "66.7", {5, 8}: "62.5", {3, 3}: "100.0"} {
		if got := percent(c[0], c[1]); got != want {
			t.Errorf("percent(%d, %d) = %s, want %s", c[0], c[1], got, want)
		}
	}
}

// memTrack keeps the onboarding track; the other store methods are unused here.
type memTrack struct {
	GatheringStore
	t *OnboardingTrack
}

func (m *memTrack) OnboardingTrack(context.Context) (*OnboardingTrack, error) {
	if m.t == nil {
		return &OnboardingTrack{Steps: []OnboardingStep{}}, nil
	}
	return m.t, nil
}

func (m *memTrack) SaveOnboardingTrack(_ context.Context, t OnboardingTrack) error {
	m.t = &t
	return nil
}
