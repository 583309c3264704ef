package field

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Onboarding is a track of steps, set by the admins, that a new consultant completes by
// attending: a webinar or event names the step it teaches, attending any gathering of a step
// completes it (the orientation runs every week; one is enough), and a consultant has completed
// onboarding when it completed every step of the track.

// OnboardingTrack is the ordered list of steps.
type OnboardingTrack struct {
	Steps     []OnboardingStep `json:"steps"`
	UpdatedAt *time.Time       `json:"updated_at,omitempty"`
	UpdatedBy string           `json:"updated_by,omitempty"`
}

// OnboardingStep is one step: a key that gatherings name, and its title.
type OnboardingStep struct {
	Key   string `json:"key" example:"orientation"`
	Title string `json:"title" example:"New consultant orientation"`
}

func (t *OnboardingTrack) keys() []string {
	out := make([]string, len(t.Steps))
	for i, s := range t.Steps {
		out[i] = s.Key
	}
	return out
}

var stepKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// OnboardingGeneration is onboarding completion in one sponsor generation of a leader.
type OnboardingGeneration struct {
	Generation int         `json:"generation"`
	Members    int64       `json:"members"`   // consultants in the generation
	Completed  int64       `json:"completed"` // of them, those who completed every step
	Percent    string      `json:"percent" example:"62.5"`
	ByStep     []StepCount `json:"by_step"`
}

// StepCount is how many completed one step.
type StepCount struct {
	Step      string `json:"step"`
	Completed int64  `json:"completed"`
}

// OnboardingSummary is a leader's view of its downline's onboarding.
type OnboardingSummary struct {
	MemberID    string                 `json:"member_id"`
	Steps       []string               `json:"steps"`
	Generations []OnboardingGeneration `json:"generations"`
}

// OnboardingMember is one consultant's progress.
type OnboardingMember struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	SponsorID string   `json:"sponsor_id"`
	Done      []string `json:"steps_done"`
	Completed bool     `json:"completed"`
}

// OnboardingProgress is a consultant's own progress, on its dashboard.
type OnboardingProgress struct {
	Steps     []string `json:"steps"`
	Done      []string `json:"steps_done"`
	Completed bool     `json:"completed"`
}

// OnboardingStore reads onboarding.
type OnboardingStore interface {
	OnboardingTrack(ctx context.Context) (*OnboardingTrack, error) // empty when never set
	SaveOnboardingTrack(ctx context.Context, t OnboardingTrack) error
	OnboardingByGeneration(ctx context.Context, id string, steps []string, maxGen int) ([]OnboardingGeneration, error)
	// Members pages generation gen below id; completed (when not nil) filters.
	OnboardingMembers(ctx context.Context, id string, gen int, steps []string, completed *bool, offset, limit int) ([]OnboardingMember, bool, error)
}

// onboardingGenerations is how deep a leader looks: the plan's deepest revenue share.
const onboardingGenerations = 8

// OnboardingService keeps the track and tells leaders and consultants where they stand.
type OnboardingService struct{ *gatherings }

// Track is the onboarding track.
func (s *OnboardingService) Track(ctx context.Context) (*OnboardingTrack, error) {
	return s.Store.OnboardingTrack(ctx)
}

// SetTrack replaces the onboarding track (admins). Completion is recomputed from attendance,
// so a new step makes everyone who has not attended it incomplete again.
func (s *OnboardingService) SetTrack(ctx context.Context, t OnboardingTrack) (*OnboardingTrack, error) {
	if t.Steps == nil {
		// A body of null or {} is no track: clearing it takes an explicit empty list.
		return nil, graph.InvalidField("steps", "is required (an empty list clears the track)")
	}
	var details []graph.Detail
	seen := map[string]bool{}
	for i := range t.Steps {
		st := &t.Steps[i]
		st.Key, st.Title = strings.ToLower(strings.TrimSpace(st.Key)), strings.TrimSpace(st.Title)
		switch {
		case !stepKey.MatchString(st.Key):
			details = append(details, graph.Detail{Field: "steps", Message: "step " + strconv.Itoa(i+1) + ": key must be 1-64 of a-z, 0-9, _ and -"})
		case seen[st.Key]:
			details = append(details, graph.Detail{Field: "steps", Message: "step " + strconv.Itoa(i+1) + ": key " + st.Key + " repeats"})
		}
		seen[st.Key] = true
		if st.Title == "" {
			st.Title = st.Key
		} else if len(st.Title) > 200 {
			details = append(details, graph.Detail{Field: "steps", Message: "step " + strconv.Itoa(i+1) + ": title is at most 200 characters"})
		}
	}
	if len(t.Steps) > 50 {
		details = append(details, graph.Detail{Field: "steps", Message: "at most 50 steps"})
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	before, err := s.Store.OnboardingTrack(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	t.UpdatedAt, t.UpdatedBy = &now, graph.ActorOf(ctx)
	if err := s.Store.SaveOnboardingTrack(ctx, t); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "onboarding.track", "onboarding", "track", before, t)
	return &t, nil
}

// Summary is completion per sponsor generation below a leader.
func (s *OnboardingService) Summary(ctx context.Context, id string) (*OnboardingSummary, error) {
	if _, err := s.Members.Member(ctx, id); err != nil {
		return nil, err
	}
	steps, err := s.steps(ctx)
	if err != nil {
		return nil, err
	}
	gens, err := s.Store.OnboardingByGeneration(ctx, id, steps, onboardingGenerations)
	if err != nil {
		return nil, err
	}
	for i := range gens {
		gens[i].Percent = percent(gens[i].Completed, gens[i].Members)
		gens[i].ByStep = inTrackOrder(steps, gens[i].ByStep)
	}
	if gens == nil {
		gens = []OnboardingGeneration{}
	}
	return &OnboardingSummary{MemberID: id, Steps: steps, Generations: gens}, nil
}

// Generation pages the consultants of generation gen below id with their progress.
func (s *OnboardingService) Generation(ctx context.Context, id string, gen int, completed *bool, cursor string, limit int) (*graph.Page[OnboardingMember], error) {
	if gen < 1 || gen > onboardingGenerations {
		return nil, graph.InvalidField("gen", "must be between 1 and %d", onboardingGenerations)
	}
	steps, err := s.steps(ctx)
	if err != nil {
		return nil, err
	}
	pg, err := graph.Paginate(cursor, limit, func(off, lim int) ([]OnboardingMember, bool, error) {
		return s.Store.OnboardingMembers(ctx, id, gen, steps, completed, off, lim)
	})
	if err != nil {
		return nil, err
	}
	for i := range pg.Items {
		pg.Items[i].Done = ordered(steps, pg.Items[i].Done)
	}
	return pg, nil
}

// Progress is a member's own onboarding progress and upcoming registrations.
func (s *OnboardingService) Progress(ctx context.Context, memberID string, limit int) (*OnboardingProgress, []UpcomingRegistration, error) {
	f, err := s.Store.MemberField(ctx, memberID, s.Now().UTC(), limit)
	if err != nil {
		return nil, nil, err
	}
	p, up := ProgressOf(f)
	return p, up, nil
}

// ProgressOf is a member's onboarding progress and upcoming registrations from its field
// enablement as read (MemberField): the steps it attended in the track's order, complete when
// it attended every one.
func ProgressOf(f *MemberField) (*OnboardingProgress, []UpcomingRegistration) {
	done := ordered(f.Steps, f.Done)
	up := f.Upcoming
	if up == nil {
		up = []UpcomingRegistration{}
	}
	steps := f.Steps
	if steps == nil {
		steps = []string{}
	}
	return &OnboardingProgress{Steps: steps, Done: done, Completed: len(steps) > 0 && len(done) == len(steps)}, up
}

// inTrackOrder lists every step of the track in its order, with its count.
func inTrackOrder(steps []string, counts []StepCount) []StepCount {
	out := make([]StepCount, len(steps))
	for i, st := range steps {
		out[i].Step = st
		for _, c := range counts {
			if c.Step == st {
				out[i].Completed = c.Completed
			}
		}
	}
	return out
}

// ordered is the steps of done in the track's order.
func ordered(steps, done []string) []string {
	out := []string{}
	for _, st := range steps {
		if slices.Contains(done, st) {
			out = append(out, st)
		}
	}
	return out
}

// percent is part of whole with one decimal, "0.0" of nothing.
func percent(part, whole int64) string {
	if whole == 0 {
		return "0.0"
	}
	tenths := (part*1000 + whole/2) / whole
	return strconv.Itoa(int(tenths/10)) + "." + strconv.Itoa(int(tenths%10))
}
