package field

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/halo-oss/halo/graph"
)

// AttendanceRequest is POST /webinars/{id}/attendance.
type AttendanceRequest struct {
	// Members by id or e-mail (as exported by webinar platforms).
	Members  []string `json:"members" example:"HS-1001,ana@example.com"`
	Attended *bool    `json:"attended"` // default true; false takes a mark back
}

// AttendanceResult reports an attendance marking or import.
type AttendanceResult struct {
	Marked  int      `json:"marked"`   // registrations marked (or unmarked)
	WalkIns int      `json:"walk_ins"` // attendees without a registration, now recorded
	Unknown []string `json:"unknown"`  // ids or e-mails that match no member
}

// AttendanceService records who attended, by hand or from a platform's export.
type AttendanceService struct{ *gatherings }

// Mark records who attended (admins), by member id or e-mail. Attendees without a
// registration are recorded as walk-ins; unknown references are reported, not guessed.
// Attendance can be marked from the moment the join link opens.
func (s *AttendanceService) Mark(ctx context.Context, kind, id, source string, req AttendanceRequest) (*AttendanceResult, error) {
	attended := req.Attended == nil || *req.Attended
	refs := make([]string, 0, len(req.Members))
	seen := map[string]bool{}
	for _, r := range req.Members {
		if r = strings.TrimSpace(r); r != "" && !seen[strings.ToLower(r)] {
			seen[strings.ToLower(r)] = true
			refs = append(refs, r)
		}
	}
	if len(refs) == 0 {
		return nil, graph.InvalidField("members", "lists no member ids or e-mails")
	}
	if len(refs) > 20_000 {
		return nil, graph.InvalidField("members", "at most 20,000 per call")
	}
	found, err := s.Store.ResolveMembers(ctx, refs)
	if err != nil {
		return nil, err
	}
	res := &AttendanceResult{Unknown: []string{}}
	now := s.Now().UTC()
	actor := graph.ActorOf(ctx)
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		g, err := tx.Load(ctx)
		if err != nil {
			return err
		}
		if err := visible(g, kind, graph.Principal{Role: graph.RoleAdmin}, nil); err != nil {
			return err
		}
		if now.Before(g.StartsAt.Add(-s.joinWindow())) {
			return graph.Conflict("%s %s has not started; attendance is marked from %s", kind, id, g.StartsAt.Add(-s.joinWindow()).Format(time.RFC3339))
		}
		var ids []string
		for _, ref := range refs {
			if m, ok := found[ref]; ok {
				ids = append(ids, m.ID)
			} else {
				res.Unknown = append(res.Unknown, ref)
			}
		}
		have, err := tx.RegistrationsOf(ctx, ids)
		if err != nil {
			return err
		}
		var put []Registration
		done := map[string]bool{}
		for _, mid := range ids {
			if done[mid] {
				continue
			}
			done[mid] = true
			r, ok := have[mid]
			if !ok {
				if !attended {
					continue
				}
				g.RegSeq++
				r = Registration{GatheringID: id, MemberID: mid, Status: RegWalkIn, RegisteredAt: now, RegisteredBy: actor, Seq: g.RegSeq}
				res.WalkIns++
			} else {
				res.Marked++
			}
			switch {
			case attended && !r.Attended:
				g.Attended++
			case !attended && r.Attended:
				g.Attended--
			}
			r.Attended, r.MarkedBy, r.Source, r.AttendedAt = attended, actor, source, nil
			if attended {
				t := now
				r.AttendedAt = &t
			}
			put = append(put, r)
		}
		return tx.Put(ctx, g, put)
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, kind+".attendance", kind, id, nil, map[string]any{"source": source, "attended": attended, "members": refs, "result": res})
	return res, nil
}

// Import marks attendance from a CSV export of a webinar platform or a sign-in
// sheet: the column named member_id or id, or else the first whose name contains "email".
func (s *AttendanceService) Import(ctx context.Context, kind, id string, body io.Reader) (*AttendanceResult, error) {
	refs, err := AttendanceRefs(body)
	if err != nil {
		return nil, err
	}
	return s.Mark(ctx, kind, id, "import", AttendanceRequest{Members: refs})
}

// AttendanceRefs reads the member references of an attendance CSV (at most 16 MiB): the column
// named member_id or id, or else the first whose name contains "email".
func AttendanceRefs(body io.Reader) ([]string, error) {
	rd := csv.NewReader(io.LimitReader(body, 16<<20))
	rd.FieldsPerRecord, rd.TrimLeadingSpace = -1, true
	head, err := rd.Read()
	if err != nil {
		return nil, graph.Invalid("the attendance file is not CSV with a header row").Wrap(err)
	}
	col := -1
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "member_id" || h == "id" {
			col = i
			break
		}
		if col < 0 && strings.Contains(h, "email") {
			col = i
		}
	}
	if col < 0 {
		return nil, graph.Invalid("the attendance file needs a member_id, id or e-mail column")
	}
	var refs []string
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			return refs, nil
		}
		if err != nil {
			return nil, graph.Invalid("the attendance file is not valid CSV: %v", err).Wrap(err)
		}
		if col < len(rec) {
			refs = append(refs, rec[col])
		}
	}
}
