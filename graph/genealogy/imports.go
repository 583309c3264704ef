package genealogy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// ImportLine is one NDJSON line of POST /members/import (API.md; PLAN.md §7).
type ImportLine struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Email        string          `json:"email"`
	Password     *string         `json:"password,omitempty"` // refused: imports carry hashes only
	PasswordHash string          `json:"password_hash,omitempty"`
	Plan         string          `json:"plan"`
	SponsorID    string          `json:"sponsor_id"`
	Placement    *Placement      `json:"placement,omitempty"`
	RegisteredAt *time.Time      `json:"registered_at"`
	Opening      *OpeningState   `json:"opening,omitempty"`
	Extra        json.RawMessage `json:"-"`
}

// OpeningState is an imported consultant's state from the earlier system (PLAN.md §7).
type OpeningState struct {
	Rank          string `json:"rank,omitempty"`
	CarryLeft     string `json:"carry_left,omitempty"`
	CarryRight    string `json:"carry_right,omitempty"`
	LifetimeLeft  string `json:"lifetime_left,omitempty"`
	LifetimeRight string `json:"lifetime_right,omitempty"`
	WalletBalance string `json:"wallet_balance,omitempty"`
}

// ImportRow is a validated line, ready to write.
type ImportRow struct {
	ID, Name, Email, PasswordHash, Plan, SponsorID, ParentID, Leg string
	RegisteredAt                                                  time.Time
	Depth, SDepth                                                 int64
	LeftCount, RightCount                                         int64 // members in each placement leg, from the file
	Rank                                                          string
	CarryLeft, CarryRight, LifetimeLeft, LifetimeRight, Wallet    engine.Units
	HasOpening                                                    bool
}

// ExistingMember is what validation needs to know of a member already in the graph.
type ExistingMember struct {
	ID, Name, Email, Plan, SponsorID, ParentID, Leg string
	RegisteredAt                                    time.Time
	Depth, SDepth                                   int64
	LeftTaken, RightTaken                           bool
	Imported                                        bool
	TerminatedAt                                    *time.Time // PLAN.md §10
}

// ImportJob is the progress of an import (GET /imports/{id}).
type ImportJob struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"` // running | done | failed
	LinesTotal   int64      `json:"lines_total"`
	LinesWritten int64      `json:"lines_written"`
	LinesSkipped int64      `json:"lines_skipped"` // identical re-imports
	Cutover      *time.Time `json:"cutover,omitempty"`
	Error        string     `json:"error,omitempty"`
	StartedAt    time.Time  `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
	CreatedBy    string     `json:"created_by,omitempty"`
}

// ImportStore persists imports.
type ImportStore interface {
	// ExistingMembers returns those of ids that exist.
	ExistingMembers(ctx context.Context, ids []string) (map[string]ExistingMember, error)
	// EmailsTaken returns those of emails that belong to a member or an admin.
	EmailsTaken(ctx context.Context, emails []string) (map[string]string, error)
	// PlacementInside reports, per (ancestor, descendant) pair of existing consultants, whether
	// descendant is ancestor or below it in the placement tree.
	PlacementInside(ctx context.Context, pairs [][2]string) (map[[2]string]bool, error)
	Cutover(ctx context.Context) (*time.Time, error)
	// LiveNetwork reports whether the network has sales of its own: a committed run, or a sale of
	// any member but the root (the root's own pack is there from the start).
	LiveNetwork(ctx context.Context) (bool, error)
	// StartImport records a running job (and the network's cutover if it has none); Conflict
	// when another import is running.
	StartImport(ctx context.Context, job ImportJob, cutover *time.Time) error
	WriteImportBatch(ctx context.Context, importID string, rows []ImportRow) error
	ImportProgress(ctx context.Context, importID string, written int64) error
	FinishImport(ctx context.Context, importID, status, errMsg string) error
	// CompleteImport finishes an import as done and, in the same transaction, hands its
	// subtrees (their tops and sizes) to the pass that adds them to their ancestors' legs.
	CompleteImport(ctx context.Context, importID string, roots []LegAdd) error
	// RollbackImport removes everything the import wrote (and the cutover it set).
	RollbackImport(ctx context.Context, importID string) error
	Import(ctx context.Context, id string) (*ImportJob, error)
	// RunningImports lists the running imports with no sign of life since before.
	RunningImports(ctx context.Context, before time.Time) ([]string, error)
	// ImportBeat records that the import's writer is alive at at.
	ImportBeat(ctx context.Context, importID string, at time.Time) error
}

// ImportService validates whole files and writes them as background jobs.
type ImportService struct {
	Store     ImportStore
	Plan      *engine.Config
	Now       func() time.Time
	Log       *slog.Logger
	BatchSize int
	// Background runs the write job (tests may run it inline).
	Background func(func())
	Audit      *graph.Auditor
	// Accepted, when set, runs after an import has committed its members: the earnings
	// projection looks at once (issue #19).
	Accepted func()
	// Beat is how often a running import's writer shows it is alive (default 10 s); an import
	// silent for StaleAfter (default 2 min) was orphaned by a process that died and is rolled
	// back by whichever replica looks next. With several replicas, one starting up never touches
	// an import another is writing.
	Beat       time.Duration
	StaleAfter time.Duration
}

func (s *ImportService) beat() time.Duration {
	if s.Beat > 0 {
		return s.Beat
	}
	return 10 * time.Second
}

var bcryptPattern = regexp.MustCompile(`^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$`)

const maxImportDetails = 1000

// Start validates the file whole; a bad line makes it a 422 listing every bad line (up to 1000)
// with nothing written. A valid file starts a job and returns it (202).
func (s *ImportService) Start(ctx context.Context, body io.Reader, cutover *time.Time, actor string) (*ImportJob, error) {
	now := s.Now().UTC()
	if cutover != nil {
		c := cutover.UTC()
		if c.After(now) {
			return nil, graph.InvalidField("cutover", "must not be in the future")
		}
		cutover = &c
	}
	rows, skipped, details, err := s.validate(ctx, body, now)
	if err != nil {
		return nil, err
	}
	if len(details) > 0 {
		e := &graph.Error{Kind: graph.KindInvalid, Message: fmt.Sprintf("the import file has %d bad line(s); nothing was written", len(details)), Details: details}
		if len(details) > maxImportDetails {
			e.Details = details[:maxImportDetails]
			e.Message = fmt.Sprintf("the import file has more than %d bad lines; the first %d are listed; nothing was written", maxImportDetails, maxImportDetails)
		}
		return nil, e
	}
	existing, err := s.Store.Cutover(ctx)
	if err != nil {
		return nil, err
	}
	// The cutover (PLAN.md §7) says which sales the earlier system paid. Only the first import
	// into a network that has no sales of its own may set it; it never moves afterwards.
	switch {
	case existing != nil && cutover != nil && !existing.Equal(*cutover):
		return nil, graph.InvalidField("cutover", "the network's cutover is already %s (set by the first import)", existing.Format(time.RFC3339))
	case existing != nil:
		cutover = nil // already set
	default:
		live, err := s.Store.LiveNetwork(ctx)
		if err != nil {
			return nil, err
		}
		switch {
		case live && cutover != nil:
			return nil, graph.Conflict("the network already has sales of its own (accounted or waiting for a run); a cutover would leave them unpaid — import without ?cutover").
				WithDetails(graph.Detail{Field: "cutover", Message: "cannot be set on a network with sales"})
		case live:
			// An import into a live network adds members with their opening states; every sale
			// the network took stays payable.
		case cutover == nil:
			cutover = &now // the first import into a new network sets the cutover: default, its start
		}
	}
	var idb [8]byte
	_, _ = rand.Read(idb[:])
	job := ImportJob{ID: "imp-" + hex.EncodeToString(idb[:]), Status: "running", LinesTotal: int64(len(rows)) + skipped, LinesSkipped: skipped, StartedAt: now, CreatedBy: actor, Cutover: cutover}
	if existing != nil {
		job.Cutover = existing
	}
	if err := s.Store.StartImport(ctx, job, cutover); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "member.import", "import", job.ID, nil, job)
	s.Log.Info("import started", "import", job.ID, "lines", job.LinesTotal, "new", len(rows), "identical", skipped)
	adds := countLegs(rows)
	run := func() { s.write(job, rows, adds) }
	if s.Background != nil {
		s.Background(run)
	} else {
		go run()
	}
	return &job, nil
}

// countLegs sets each imported consultant's leg counts from the file (nothing existing is ever
// placed below a new member) and returns the file's subtrees that hang from existing members.
func countLegs(rows []ImportRow) []LegAdd {
	links := make([]PlacementLink, 0, len(rows))
	for _, r := range rows {
		if r.ParentID != "" {
			links = append(links, PlacementLink{ID: r.ID, Parent: r.ParentID, Leg: r.Leg, Depth: r.Depth})
		}
	}
	sizes := LegSizes(links)
	for i := range rows {
		if c, ok := sizes[rows[i].ID]; ok {
			rows[i].LeftCount, rows[i].RightCount = c[0], c[1]
		}
	}
	return Attach(links, sizes)
}

func (s *ImportService) write(job ImportJob, rows []ImportRow, adds []LegAdd) {
	ctx := context.Background()
	batch := s.BatchSize
	if batch <= 0 {
		batch = 10000
	}
	start := time.Now()
	var written int64
	defer graph.Heartbeat(s.beat(), func() {
		if err := s.Store.ImportBeat(ctx, job.ID, s.Now().UTC()); err != nil {
			s.Log.Warn("import heartbeat failed", "import", job.ID, "error", err)
		}
	})()
	fail := func(err error) {
		s.Log.Error("import failed; removing what it wrote", "import", job.ID, "written", written, "error", err)
		if rerr := s.Store.RollbackImport(ctx, job.ID); rerr != nil {
			s.Log.Error("import rollback failed; it is retried at the next start", "import", job.ID, "error", rerr)
			return
		}
		_ = s.Store.FinishImport(ctx, job.ID, "failed", "writing stopped at line "+fmt.Sprint(written+1)+": "+graph.AsError(err).Message)
	}
	for i := 0; i < len(rows); i += batch {
		end := min(i+batch, len(rows))
		if err := s.Store.WriteImportBatch(ctx, job.ID, rows[i:end]); err != nil {
			fail(err)
			return
		}
		written = int64(end)
		if err := s.Store.ImportProgress(ctx, job.ID, written+job.LinesSkipped); err != nil {
			fail(err)
			return
		}
		s.Log.Info("import progress", "import", job.ID, "written", written, "of", len(rows), "elapsed", time.Since(start).Round(time.Millisecond))
	}
	if err := s.Store.CompleteImport(ctx, job.ID, adds); err != nil {
		fail(err)
		return
	}
	s.Log.Info("import done", "import", job.ID, "written", written, "elapsed", time.Since(start).Round(time.Millisecond))
	if s.Accepted != nil {
		s.Accepted()
	}
}

// Get returns an import's progress.
func (s *ImportService) Get(ctx context.Context, id string) (*ImportJob, error) {
	return s.Store.Import(ctx, id)
}

// RecoverInterrupted rolls back imports a crash left running: all or nothing, even then.
func (s *ImportService) RecoverInterrupted(ctx context.Context) error {
	stale := s.StaleAfter
	if stale <= 0 {
		stale = 2 * time.Minute
	}
	ids, err := s.Store.RunningImports(ctx, s.Now().UTC().Add(-stale))
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.Log.Warn("rolling back an import whose writer died", "import", id)
		if err := s.Store.RollbackImport(ctx, id); err != nil {
			return err
		}
		if err := s.Store.FinishImport(ctx, id, "failed", "interrupted by a restart; nothing of it was kept"); err != nil {
			return err
		}
	}
	return nil
}

type parsedLine struct {
	n   int
	raw ImportLine
}

// validate reads every line and checks every rule; it returns the rows to write, the number of
// identical re-imports, and the bad lines.
func (s *ImportService) validate(ctx context.Context, body io.Reader, now time.Time) ([]ImportRow, int64, []graph.Detail, error) {
	var details []graph.Detail
	bad := func(n int, code, format string, a ...any) {
		details = append(details, graph.Detail{Line: n, Code: code, Message: fmt.Sprintf(format, a...)})
	}
	badField := func(n int, field, msg string) { bad(n, "invalid", "%s: %s", field, msg) }
	// PLAN.md §2: nobody is registered before its sponsor or its placement parent (a run could
	// not place it otherwise). A line without registered_at is reported by itself.
	var lineAt time.Time
	notBefore := func(n int, role, id string, at time.Time) {
		if !lineAt.IsZero() && lineAt.Before(at) {
			bad(n, "invalid", "registered_at: must not be before the registration of its %s %s (%s)", role, id, at.UTC().Format(time.RFC3339))
		}
	}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var lines []parsedLine
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var l ImportLine
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			bad(n, "bad_request", "not a member object: %s", graph.JSONMessage(err))
			continue
		}
		lines = append(lines, parsedLine{n: n, raw: l})
	}
	if err := sc.Err(); err != nil {
		return nil, 0, nil, graph.BadRequest("reading the import body: %v (lines are limited to 1 MiB)", err).Wrap(err)
	}
	if n == 0 {
		return nil, 0, nil, graph.InvalidField("body", "the import file is empty")
	}
	// Look up every referenced id and email that may already exist.
	// Maps and nodes are sized for the whole file up front: a million-line import otherwise
	// spends seconds growing them (issue #19).
	ref := make(map[string]bool, len(lines)+1)
	emails := make([]string, 0, len(lines))
	for _, l := range lines {
		ref[l.raw.ID] = true
		if l.raw.SponsorID != "" {
			ref[l.raw.SponsorID] = true
		}
		if l.raw.Placement != nil && l.raw.Placement.ParentID != "" {
			ref[l.raw.Placement.ParentID] = true
		}
		emails = append(emails, graph.NormalizeEmail(l.raw.Email))
	}
	ids := make([]string, 0, len(ref))
	for id := range ref {
		ids = append(ids, id)
	}
	// Both lookups at once: Neo4j has a core for each.
	var takenEmails map[string]string
	var emailsErr error
	looked := make(chan struct{})
	go func() {
		defer close(looked)
		takenEmails, emailsErr = s.Store.EmailsTaken(ctx, emails)
	}()
	existing, err := s.Store.ExistingMembers(ctx, ids)
	<-looked
	if err == nil {
		err = emailsErr
	}
	if err != nil {
		return nil, 0, nil, err
	}
	type node struct {
		line          int
		parent        string
		consult       bool
		existing      bool // an identical re-import of a member already in the network
		depth, sdepth int64
		at            time.Time // registered
		tin, out      int32
	}
	type slot struct{ parent, leg string }
	file := make(map[string]*node, len(lines))
	pool := make([]node, 0, len(lines)) // file's nodes; never grown, so pointers into it stay valid
	add := func(id string, nd node) {
		pool = append(pool, nd)
		file[id] = &pool[len(pool)-1]
	}
	fileEmails := make(map[string]int, len(lines))
	slots := make(map[slot]int, len(lines)) // the line taking each slot in this file
	rows := make([]ImportRow, 0, len(lines))
	var skipped int64
	type pending struct {
		line      int
		anc, desc string
	}
	var dbChecks []pending
	for _, pl := range lines {
		l, ln := pl.raw, pl.n
		before := len(details)
		nm, problems := CheckNewMember(NewMember{ID: l.ID, Name: l.Name, Email: l.Email, Plan: l.Plan})
		var fieldProblem map[string]string // nil (reads as empty) for the valid lines
		for _, d := range problems {
			if fieldProblem == nil {
				fieldProblem = map[string]string{}
			}
			fieldProblem[d.Field] = d.Message
		}
		if msg, bad := fieldProblem["id"]; bad {
			badField(ln, "id", msg)
			continue
		}
		if prev, dup := file[l.ID]; dup {
			bad(ln, "invalid", "id: %s appears again (first on line %d)", l.ID, prev.line)
			continue
		}
		if l.Password != nil {
			bad(ln, "invalid", "password: imports take password_hash (bcrypt from the old system), never a plaintext password")
		}
		if l.PasswordHash != "" && !bcryptPattern.MatchString(l.PasswordHash) {
			bad(ln, "invalid", "password_hash: must be a bcrypt hash ($2a$, $2b$ or $2y$)")
		}
		name, email, plan := nm.Name, nm.Email, nm.plan
		if msg, ok := fieldProblem["name"]; ok {
			badField(ln, "name", msg)
		}
		if msg, ok := fieldProblem["email"]; ok {
			badField(ln, "email", msg)
		} else if first, dup := fileEmails[email]; dup {
			bad(ln, "invalid", "email: %s is used again (first on line %d)", email, first)
		} else {
			fileEmails[email] = ln
		}
		if msg, ok := fieldProblem["plan"]; ok {
			badField(ln, "plan", msg)
		}
		if l.RegisteredAt == nil {
			bad(ln, "invalid", "registered_at: is required for an imported member")
		} else if l.RegisteredAt.After(now) {
			bad(ln, "invalid", "registered_at: must not be in the future")
		}
		row := ImportRow{ID: l.ID, Name: name, Email: email, PasswordHash: l.PasswordHash, Plan: l.Plan, SponsorID: l.SponsorID, Rank: "none"}
		lineAt = time.Time{}
		if l.RegisteredAt != nil {
			row.RegisteredAt = l.RegisteredAt.UTC()
			lineAt = row.RegisteredAt
		}
		// Sponsor: before this line in the file, or already in the graph.
		var sponsorDepth int64
		if l.SponsorID == "" {
			bad(ln, "invalid", "sponsor_id: is required")
		} else if sn, ok := file[l.SponsorID]; ok {
			if !sn.consult {
				bad(ln, "invalid", "sponsor_id: %s is a customer", l.SponsorID)
			}
			sponsorDepth = sn.sdepth
			notBefore(ln, "sponsor", l.SponsorID, sn.at)
		} else if se, ok := existing[l.SponsorID]; ok {
			if se.Plan == "customer" {
				bad(ln, "invalid", "sponsor_id: %s is a customer", l.SponsorID)
			}
			sponsorDepth = se.SDepth
			notBefore(ln, "sponsor", l.SponsorID, se.RegisteredAt)
			// §10: nobody joins under a sponsor already terminated at its registered_at.
			if se.TerminatedAt != nil && l.RegisteredAt != nil && !se.TerminatedAt.After(*l.RegisteredAt) {
				bad(ln, "conflict", "sponsor_id: %s was terminated from %s, before this member registered", l.SponsorID, se.TerminatedAt.Format(time.RFC3339))
			}
		} else {
			bad(ln, "invalid", "sponsor_id: %s is neither earlier in the file nor in the network", l.SponsorID)
		}
		row.SDepth = sponsorDepth + 1
		consultant := plan.IsConsultant()
		if plan == engine.PlanCustomer {
			if l.Placement != nil {
				bad(ln, "invalid", "placement: customers are not placed")
			}
			if l.Opening != nil {
				bad(ln, "invalid", "opening: customers have no opening state")
			}
		} else if consultant {
			p := l.Placement
			if p == nil || p.ParentID == "" || p.Strategy != "" {
				bad(ln, "invalid", "placement: an imported consultant needs {parent_id, leg}")
			} else if _, ok := engine.ParseLeg(p.Leg); !ok {
				bad(ln, "invalid", "placement.leg: must be left or right")
			} else {
				row.ParentID, row.Leg = p.ParentID, p.Leg
				slot := slot{p.ParentID, p.Leg}
				if first, dup := slots[slot]; dup {
					bad(ln, "invalid", "placement: the %s slot of %s is already taken on line %d", p.Leg, p.ParentID, first)
				}
				slots[slot] = ln
				if pe, ok := existing[p.ParentID]; ok && ((p.Leg == "left" && pe.LeftTaken) || (p.Leg == "right" && pe.RightTaken)) {
					if ex, same := existing[l.ID]; !same || ex.ParentID != p.ParentID || ex.Leg != p.Leg {
						bad(ln, "invalid", "placement: the %s slot of %s is taken in the network", p.Leg, p.ParentID)
					}
				}
				if pn, ok := file[p.ParentID]; ok {
					if !pn.consult {
						bad(ln, "invalid", "placement.parent_id: %s is a customer", p.ParentID)
					}
					row.Depth = pn.depth + 1
					if p.ParentID != l.SponsorID {
						notBefore(ln, "placement parent", p.ParentID, pn.at)
					}
				} else if pe, ok := existing[p.ParentID]; ok {
					if pe.Plan == "customer" {
						bad(ln, "invalid", "placement.parent_id: %s is a customer", p.ParentID)
					}
					row.Depth = pe.Depth + 1
					if p.ParentID != l.SponsorID {
						notBefore(ln, "placement parent", p.ParentID, pe.RegisteredAt)
					}
				} else {
					bad(ln, "invalid", "placement.parent_id: %s is neither earlier in the file nor in the network", p.ParentID)
				}
			}
			if o := l.Opening; o != nil {
				row.HasOpening = true
				if o.Rank != "" {
					if _, err := s.Plan.RankIndex(o.Rank); err != nil {
						bad(ln, "invalid", "opening.rank: %v", err)
					}
					row.Rank = o.Rank
				}
				for _, f := range []struct {
					name, v string
					dst     *engine.Units
					neg     bool
				}{{"carry_left", o.CarryLeft, &row.CarryLeft, false}, {"carry_right", o.CarryRight, &row.CarryRight, false},
					{"lifetime_left", o.LifetimeLeft, &row.LifetimeLeft, false}, {"lifetime_right", o.LifetimeRight, &row.LifetimeRight, false},
					{"wallet_balance", o.WalletBalance, &row.Wallet, true}} {
					if f.v == "" {
						continue
					}
					v, err := graph.ParseAmount(f.v)
					if err != nil || (!f.neg && v < 0) {
						bad(ln, "invalid", "opening.%s: must be a non-negative decimal with at most two decimals, at most %s", f.name, graph.MaxAmount)
						continue
					}
					*f.dst = v
				}
				if row.CarryLeft > row.LifetimeLeft || row.CarryRight > row.LifetimeRight {
					bad(ln, "invalid", "opening: carry cannot exceed lifetime volume on a leg")
				}
			}
		}
		if len(details) > before {
			continue
		}
		// Identical re-import is a no-op; a conflicting one is an error.
		if ex, ok := existing[l.ID]; ok {
			if ex.Name == row.Name && ex.Email == row.Email && ex.SponsorID == row.SponsorID && ex.ParentID == row.ParentID && ex.Leg == row.Leg &&
				ex.RegisteredAt.Equal(row.RegisteredAt) && ex.Imported {
				skipped++
				add(l.ID, node{line: ln, consult: ex.Plan != "customer", parent: ex.ParentID, existing: true, depth: ex.Depth, sdepth: ex.SDepth, at: ex.RegisteredAt})
				continue
			}
			bad(ln, "conflict", "id: %s exists in the network with other data", l.ID)
			continue
		}
		if owner, taken := takenEmails[email]; taken {
			bad(ln, "conflict", "email: %s is already used by %s", email, owner)
			continue
		}
		rows = append(rows, row)
		add(l.ID, node{line: ln, consult: consultant, parent: row.ParentID, depth: row.Depth, sdepth: row.SDepth, at: row.RegisteredAt})
		if consultant && row.ParentID != row.SponsorID {
			dbChecks = append(dbChecks, pending{line: ln, anc: row.SponsorID, desc: row.ParentID})
		}
	}
	// The parent must be the sponsor or below it (PLAN.md §2). Inside the file this is decided
	// with Euler-tour intervals over the file's forest (no walk per line, however deep); where the
	// path leaves the file it is asked of the graph, once per distinct pair.
	children := make(map[string][]string, len(rows))
	var roots []string
	for i := range rows {
		r := &rows[i]
		if r.ParentID == "" {
			continue
		}
		if pn, inFile := file[r.ParentID]; inFile && !pn.existing && !isExisting(existing, r.ParentID) {
			children[r.ParentID] = append(children[r.ParentID], r.ID)
		} else {
			roots = append(roots, r.ID)
		}
	}
	attach := make(map[string]string, len(rows)) // file node -> the existing node its file subtree hangs from
	var clock int32
	for _, rt := range roots {
		top := file[rt].parent
		stack := []string{rt}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			nd := file[v]
			if nd.tin == 0 {
				clock++
				nd.tin = clock
				attach[v] = top
				stack = append(stack, children[v]...)
				continue
			}
			stack = stack[:len(stack)-1]
			nd.out = clock
		}
	}
	pairs := map[[2]string]bool{}
	type ask struct {
		line int
		pair [2]string
	}
	var asks []ask
	for _, c := range dbChecks {
		dn := file[c.desc]
		an, ancInFile := file[c.anc]
		switch {
		case dn != nil && !isExisting(existing, c.desc) && ancInFile && !isExisting(existing, c.anc):
			if !(an.tin <= dn.tin && dn.tin <= an.out) {
				bad(c.line, "invalid", "placement.parent_id: %s is not the sponsor %s nor in its placement subtree", c.desc, c.anc)
			}
		case dn != nil && !isExisting(existing, c.desc):
			// The sponsor is in the network; the parent's file subtree hangs from attach[desc].
			top := attach[c.desc]
			if top == c.anc {
				continue
			}
			p := [2]string{c.anc, top}
			pairs[p] = true
			asks = append(asks, ask{c.line, p})
		default:
			p := [2]string{c.anc, c.desc}
			pairs[p] = true
			asks = append(asks, ask{c.line, p})
		}
	}
	if len(asks) > 0 {
		list := make([][2]string, 0, len(pairs))
		for p := range pairs {
			list = append(list, p)
		}
		inside, err := s.Store.PlacementInside(ctx, list)
		if err != nil {
			return nil, 0, nil, err
		}
		for _, a := range asks {
			if !inside[a.pair] {
				bad(a.line, "invalid", "placement.parent_id: the parent is not the sponsor %s nor in its placement subtree", a.pair[0])
			}
		}
	}
	return rows, skipped, details, nil
}

func isExisting(m map[string]ExistingMember, id string) bool { _, ok := m[id]; return ok }
