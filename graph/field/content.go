package field

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"github.com/halo-oss/halo/graph"
)

// Article audiences: everyone, consultants, customers, or one plan ("plan:consultant_plus").
const (
	AudienceAll         = "all"
	AudienceConsultants = "consultants"
	AudienceCustomers   = "customers"
)

// Article is a knowledge-base article.
type Article struct {
	ID          string    `json:"id"`
	Title       string    `json:"title" example:"How the binary bonus works"`
	BodyMD      string    `json:"body_markdown"`
	BodyHTML    string    `json:"body_html"` // rendered and sanitized: no script survives
	Category    string    `json:"category" example:"compensation"`
	Tags        []string  `json:"tags"`
	Audience    string    `json:"audience" example:"consultants"`
	Status      string    `json:"status" example:"published"` // draft | published
	Attachments []string  `json:"attachments"`
	Author      string    `json:"author,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ArticleRequest is POST /kb/articles and PUT /kb/articles/{id}.
type ArticleRequest struct {
	Title       string   `json:"title"`
	Body        string   `json:"body_markdown"`
	Category    string   `json:"category"`
	Tags        []string `json:"tags"`
	Audience    string   `json:"audience"`
	Status      string   `json:"status"`
	Attachments []string `json:"attachments"`
}

// ArticleFilter narrows a listing.
type ArticleFilter struct {
	Query, Category, Tag string
	Audiences            []string // what the reader may see; nil = everything (admins)
	PublishedOnly        bool
}

// ContentStore keeps articles.
type ContentStore interface {
	SaveArticle(ctx context.Context, a Article, create bool) error
	Article(ctx context.Context, id string) (*Article, error)
	Articles(ctx context.Context, f ArticleFilter, offset, limit int) ([]Article, bool, error)
}

// ContentService manages the knowledge base.
type ContentService struct {
	Store   ContentStore
	Members MemberReader
	Audit   *graph.Auditor
	Now     func() time.Time
}

var (
	markdown = goldmark.New()
	// UGC policy: formatting, links and images; scripts, handlers and styles are stripped.
	sanitizer = bluemonday.UGCPolicy()
	planAud   = regexp.MustCompile(`^plan:(affiliate|consultant|consultant_plus|customer)$`)
)

// RenderMarkdown turns Markdown into HTML that is safe to show (no script injection).
func RenderMarkdown(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return sanitizer.Sanitize(md)
	}
	return sanitizer.Sanitize(buf.String())
}

func (s *ContentService) validate(req ArticleRequest) (*Article, error) {
	var details []graph.Detail
	bad := func(f, m string) { details = append(details, graph.Detail{Field: f, Message: m}) }
	a := &Article{Title: strings.TrimSpace(req.Title), BodyMD: req.Body, Category: strings.TrimSpace(req.Category), Audience: req.Audience, Status: req.Status}
	if a.Title == "" || len(a.Title) > 200 {
		bad("title", "is required (at most 200 characters)")
	}
	if len(a.BodyMD) > 200_000 {
		bad("body_markdown", "is at most 200,000 characters")
	}
	if len(a.Category) > 100 {
		bad("category", "is at most 100 characters")
	}
	if len(req.Tags) > 20 || len(req.Attachments) > 20 {
		bad("tags", "at most 20 tags and 20 attachments")
	}
	a.Audience = audience(a.Audience, AudienceAll, bad)
	if a.Status == "" {
		a.Status = "draft"
	}
	if a.Status != "draft" && a.Status != "published" {
		bad("status", "must be draft or published")
	}
	for _, t := range req.Tags {
		if t = strings.ToLower(strings.TrimSpace(t)); len(t) > 50 {
			bad("tags", "a tag is at most 50 characters")
		} else if t != "" {
			a.Tags = append(a.Tags, t)
		}
	}
	for i, u := range req.Attachments {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || len(u) > 2000 {
			bad("attachments", "entry "+strconv.Itoa(i+1)+" must be an http(s) URL of at most 2,000 characters")
			continue
		}
		a.Attachments = append(a.Attachments, u)
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.Attachments == nil {
		a.Attachments = []string{}
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	a.BodyHTML = RenderMarkdown(a.BodyMD)
	return a, nil
}

// Create writes a new article (admins).
func (s *ContentService) Create(ctx context.Context, req ArticleRequest) (*Article, error) {
	a, err := s.validate(req)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	a.ID, a.Author, a.CreatedAt, a.UpdatedAt = graph.NewID("kb"), graph.ActorOf(ctx), now, now
	if err := s.Store.SaveArticle(ctx, *a, true); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "kb.create", "article", a.ID, nil, a)
	return a, nil
}

// Update replaces an article (admins).
func (s *ContentService) Update(ctx context.Context, id string, req ArticleRequest) (*Article, error) {
	before, err := s.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.validate(req)
	if err != nil {
		return nil, err
	}
	a.ID, a.Author, a.CreatedAt, a.UpdatedAt = id, before.Author, before.CreatedAt, s.Now().UTC()
	if err := s.Store.SaveArticle(ctx, *a, false); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "kb.update", "article", id, before, a)
	return a, nil
}

// audience is a, or def when a is empty; an audience Halo does not know is reported to bad.
func audience(a, def string, bad func(field, msg string)) string {
	if a == "" {
		a = def
	}
	if a != AudienceAll && a != AudienceConsultants && a != AudienceCustomers && !planAud.MatchString(a) {
		bad("audience", "must be all, consultants, customers or plan:<plan>")
	}
	return a
}

// audiencesOf is what a member with plan belongs to: articles, webinars and events for any of
// these audiences are for it.
func audiencesOf(plan string) []string {
	if plan == "customer" {
		return []string{AudienceAll, AudienceCustomers, "plan:customer"}
	}
	return []string{AudienceAll, AudienceConsultants, "plan:" + plan}
}

// readerAudiences is what p may read (nil: everything).
func readerAudiences(ctx context.Context, members MemberReader, p graph.Principal) ([]string, error) {
	switch p.Role {
	case graph.RoleAdmin:
		return nil, nil
	case graph.RoleCustomer:
		return audiencesOf("customer"), nil
	}
	m, err := members.Member(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return audiencesOf(m.Plan), nil
}

// List pages the articles p may read (drafts only for admins), with search, category and tag.
func (s *ContentService) List(ctx context.Context, p graph.Principal, f ArticleFilter, cursor string, limit int) (*graph.Page[Article], error) {
	aud, err := readerAudiences(ctx, s.Members, p)
	if err != nil {
		return nil, err
	}
	f.Audiences, f.PublishedOnly = aud, p.Role != graph.RoleAdmin
	f.Tag = strings.ToLower(strings.TrimSpace(f.Tag))
	return graph.Paginate(cursor, limit, func(off, lim int) ([]Article, bool, error) { return s.Store.Articles(ctx, f, off, lim) })
}

// Get returns an article p may read; others do not exist for p.
func (s *ContentService) Get(ctx context.Context, p graph.Principal, id string) (*Article, error) {
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Role == graph.RoleAdmin {
		return a, nil
	}
	aud, err := readerAudiences(ctx, s.Members, p)
	if err != nil {
		return nil, err
	}
	for _, x := range aud {
		if a.Audience == x && a.Status == "published" {
			return a, nil
		}
	}
	return nil, graph.NotFound("article %s not found", id)
}
