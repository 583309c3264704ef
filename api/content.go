package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph/field"
)

// ArticlePage documents the article list for Swagger.
type ArticlePage struct {
	Items      []field.Article `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// createArticle godoc
//
//	@Summary	Write a knowledge-base article (Markdown; rendered to sanitized HTML)
//	@Tags		content
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		body	body		field.ArticleRequest	true	"the article"
//	@Success	201		{object}	field.Article
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/kb/articles [post]
func (s *Server) createArticle(c *gin.Context) {
	var req field.ArticleRequest
	if !bind(c, &req) {
		return
	}
	a, err := s.Content.Create(c.Request.Context(), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

// updateArticle godoc
//
//	@Summary	Replace a knowledge-base article
//	@Tags		content
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string					true	"article id"
//	@Param		body	body		field.ArticleRequest	true	"the article"
//	@Success	200		{object}	field.Article
//	@Failure	404		{object}	ErrorBody
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/kb/articles/{id} [put]
func (s *Server) updateArticle(c *gin.Context) {
	var req field.ArticleRequest
	if !bind(c, &req) {
		return
	}
	a, err := s.Content.Update(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

// listArticles godoc
//
//	@Summary	Knowledge-base articles the caller's audience may read (admins also see drafts)
//	@Tags		content
//	@Produce	json
//	@Security	Bearer
//	@Param		q			query		string	false	"full-text search"
//	@Param		category	query		string	false	"category"
//	@Param		tag			query		string	false	"tag"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	ArticlePage
//	@Router		/api/v1/kb/articles [get]
func (s *Server) listArticles(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Content.List(c.Request.Context(), principal(c), field.ArticleFilter{Query: c.Query("q"), Category: c.Query("category"), Tag: c.Query("tag")},
		c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// getArticle godoc
//
//	@Summary	A knowledge-base article (404 outside the caller's audience)
//	@Tags		content
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"article id"
//	@Success	200	{object}	field.Article
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/kb/articles/{id} [get]
func (s *Server) getArticle(c *gin.Context) {
	a, err := s.Content.Get(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
