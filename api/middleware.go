package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
)

const (
	ctxLogger    = "halo.logger"
	ctxPrincipal = "halo.principal"
	headerReqID  = "X-Request-Id"
)

// requestLog gives every request an id (kept from the caller when sane), a logger carrying it,
// and one access-log line.
func requestLog(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerReqID)
		if id == "" || len(id) > 64 || strings.ContainsAny(id, " \t\r\n") {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Header(headerReqID, id)
		log := base.With("request_id", id)
		c.Set(ctxLogger, log)
		start := time.Now()
		c.Next()
		lvl := slog.LevelInfo
		switch {
		case c.Writer.Header().Get("Retry-After") != "":
			lvl = slog.LevelWarn // refused for load (graph.Busy): expected under overload, not a failure
		case c.Writer.Status() >= 500:
			lvl = slog.LevelError
		}
		log.Log(c.Request.Context(), lvl, "http", "method", c.Request.Method, "path", c.FullPath(), "status", c.Writer.Status(),
			"duration_ms", time.Since(start).Milliseconds(), "bytes", c.Writer.Size())
	}
}

// recoverJSON turns a panic into a 500 in the API shape; the stack goes to the log only.
func recoverJSON() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, rec any) {
		logger(c).Error("panic", "panic", rec)
		c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{Error: ErrorInfo{Code: string(graph.KindInternal), Message: "internal error"}})
	})
}

// authenticate requires a valid bearer token and one of roles (none = any role).
func (s *Server) authenticate(roles ...graph.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := strings.TrimSpace(c.GetHeader("Authorization"))
		tok, ok := strings.CutPrefix(h, "Bearer ")
		switch {
		case h == "":
			fail(c, graph.Unauthorized("missing bearer token: send Authorization: Bearer <token> (the token from POST /auth/login)"))
			return
		case !ok:
			fail(c, graph.Unauthorized("the Authorization header must be Bearer <token>: prefix the token with \"Bearer \""))
			return
		case strings.TrimSpace(tok) == "":
			fail(c, graph.Unauthorized("missing bearer token after \"Bearer \""))
			return
		}
		p, err := s.Auth.Authenticate(c.Request.Context(), tok)
		if err != nil {
			fail(c, err)
			return
		}
		if len(roles) > 0 {
			allowed := false
			for _, r := range roles {
				allowed = allowed || p.Role == r
			}
			if !allowed {
				fail(c, graph.Forbidden("this endpoint is for %s accounts", roleList(roles)))
				return
			}
		}
		c.Set(ctxPrincipal, p)
		c.Request = c.Request.WithContext(graph.WithActor(c.Request.Context(), p.ID))
		c.Set(ctxLogger, logger(c).With("actor", p.ID))
		c.Next()
	}
}

func roleList(rs []graph.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}

// limitRequest bounds one request: a body beyond the route's limit is a 413, and a sender (or a
// reader of the answer) slower than the route's deadlines loses the connection instead of
// holding it. One middleware for every route; the numbers are in routeLimits.
func limitRequest(l limits) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > l.body {
			fail(c, graph.TooLarge("the request body exceeds this endpoint's limit of %s", byteSize(l.body)))
			return
		}
		rc := http.NewResponseController(c.Writer)
		now := time.Now()
		// The read deadline bounds sending the body. Once the body is in, it must move out to the
		// write deadline: net/http cancels a request's context when a read on its connection
		// fails, and the deadline passing counts — a draft, a commit or a report running longer
		// than the read limit would be cut off with "context canceled".
		bodyRead := func() { _ = rc.SetReadDeadline(now.Add(l.write)) }
		if c.Request.ContentLength == 0 || c.Request.Body == nil || c.Request.Body == http.NoBody {
			bodyRead()
		} else {
			_ = rc.SetReadDeadline(now.Add(l.read)) // not supported by test recorders: nothing to bound there
			c.Request.Body = &deadlineBody{ReadCloser: http.MaxBytesReader(c.Writer, c.Request.Body, l.body), left: c.Request.ContentLength, done: bodyRead}
		}
		_ = rc.SetWriteDeadline(now.Add(l.write))
		c.Next()
	}
}

// readBody reads a request's whole body, bounded by limitRequest, into one buffer of its
// declared length when it has one: io.ReadAll grows its buffer a step at a time, which was
// about 40 MB of every 1.1 GB halod allocated beside full ingest at 1M consultants (issue #19).
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength <= 0 {
		return io.ReadAll(r.Body)
	}
	buf := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// deadlineBody calls done once the whole body has been read (its length reached, or EOF).
type deadlineBody struct {
	io.ReadCloser
	left int64 // -1: unknown length
	once sync.Once
	done func()
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.left > 0 {
		b.left -= int64(n)
	}
	// Only a body read to its end moves the deadline; a read that timed out or failed must not
	// give a slow sender more time.
	if errors.Is(err, io.EOF) || (err == nil && b.left == 0) {
		b.once.Do(b.done)
	}
	return n, err
}

// secureHeaders: answers are never sniffed into another type, and nothing an API answer holds
// (balances, statements, members' details) is kept by a shared or browser cache.
func secureHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			c.Header("Cache-Control", "no-store")
		}
		c.Next()
	}
}
