package api

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
)

// contentSecurityPolicy is the back office's: scripts only from halod itself (no inline script,
// no eval), API calls only to the same origin, no framing. Styles may be set inline by the
// chart library.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// serveUI serves the back office at / from ui: app/ when the web app was built, else a page that
// says how to build it. Hashed assets are cached for a year; the page itself never.
func (s *Server) serveUI(r *gin.Engine) {
	root := "app"
	if _, err := fs.Stat(s.UI, "app/index.html"); err != nil {
		root = ""
	}
	page := func(c *gin.Context) {
		name := path.Join(root, "index.html")
		if root == "" {
			name = "fallback.html"
		}
		b, err := fs.ReadFile(s.UI, name)
		if err != nil {
			c.String(http.StatusNotFound, "no back office in this build")
			return
		}
		c.Header("Content-Security-Policy", contentSecurityPolicy)
		c.Header("Cache-Control", "no-cache")
		c.Header("X-Frame-Options", "DENY")
		c.Header("Referrer-Policy", "same-origin")
		c.Data(http.StatusOK, "text/html; charset=utf-8", b)
	}
	r.GET("/", page)
	r.HEAD("/", page)
	if root == "" {
		return
	}
	assets, err := fs.Sub(s.UI, root)
	if err != nil {
		panic("api: ui: " + err.Error())
	}
	files := http.FileServer(http.FS(assets))
	r.GET("/assets/*file", func(c *gin.Context) {
		if strings.HasSuffix(c.Param("file"), "/") {
			fail(c, graph.NotFound("no such file: %s", c.Request.URL.Path))
			return
		}
		c.Header("Content-Security-Policy", contentSecurityPolicy)
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(c.Writer, c.Request)
	})
}
