package store

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/field"
)

var (
	qArticleGet    = cypher.MustQuery("field/article_get")
	qArticleSave   = cypher.MustQuery("field/article_save")
	qArticleSearch = cypher.MustQuery("field/articles_search")
	qArticlesList  = cypher.MustQuery("field/articles_list")
)

// SaveArticle implements field.ContentStore.
func (s *Store) SaveArticle(ctx context.Context, a field.Article, create bool) error {
	_, err := s.write(ctx, qArticleSave, map[string]any{"id": a.ID, "title": a.Title, "body_md": a.BodyMD, "body_html": a.BodyHTML,
		"category": a.Category, "tags": a.Tags, "audience": a.Audience, "status": a.Status, "attachments": a.Attachments, "author": a.Author,
		"created_at": ts(a.CreatedAt), "updated_at": ts(a.UpdatedAt)})
	return err
}

func articleOf(r *neo4j.Record) field.Article {
	m := props(get[map[string]any](r, "a"))
	return field.Article{ID: m.str("id"), Title: m.str("title"), BodyMD: m.str("body_md"), BodyHTML: m.str("body_html"), Category: m.str("category"),
		Tags: m.list("tags"), Audience: m.str("audience"), Status: m.str("status"), Attachments: m.list("attachments"), Author: m.str("author"),
		CreatedAt: m.at("created_at"), UpdatedAt: m.at("updated_at")}
}

// Article implements field.ContentStore.
func (s *Store) Article(ctx context.Context, id string) (*field.Article, error) {
	rec, err := readOne(ctx, s, qArticleGet, map[string]any{"id": id}, graph.NotFound("article %s not found", id))
	if err != nil {
		return nil, err
	}
	a := articleOf(rec)
	return &a, nil
}

// luceneEscape makes a reader's search text literal: every special character escaped, and the
// operator words (AND, OR, NOT, TO) lower-cased, which the analyzer does to every word anyway —
// so "solar AND" or "NOT" are searched for, never parsed as a broken query.
func luceneEscape(q string) string {
	words := strings.Fields(q)
	for i, w := range words {
		switch w {
		case "AND", "OR", "NOT", "TO":
			w = strings.ToLower(w)
		}
		var b strings.Builder
		for _, r := range w {
			if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/`, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		words[i] = b.String()
	}
	return strings.Join(words, " ")
}

// Articles implements field.ContentStore.
func (s *Store) Articles(ctx context.Context, f field.ArticleFilter, offset, limit int) ([]field.Article, bool, error) {
	var aud any
	if f.Audiences != nil {
		aud = f.Audiences
	}
	p := map[string]any{"audiences": aud, "published": f.PublishedOnly, "category": f.Category, "tag": f.Tag, "offset": offset}
	q := qArticlesList
	if strings.TrimSpace(f.Query) != "" {
		q = qArticleSearch
		p["q"] = luceneEscape(strings.TrimSpace(f.Query))
	}
	return readPage(ctx, s, q, p, limit, articleOf)
}
