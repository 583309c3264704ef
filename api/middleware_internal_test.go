package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
)

// A request that works longer than the read limit keeps its context: the read deadline bounds the
// body only (net/http cancels a request's context when its connection's read deadline passes).
func TestLongRequestsOutliveTheReadLimit(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(limitRequest(limits{body: 1 << 20, read: 200 * time.Millisecond, write: 5 * time.Second}))
	r.Any("/work", func(c *gin.Context) {
		_, _ = io.ReadAll(c.Request.Body)
		select {
		case <-time.After(600 * time.Millisecond):
			c.String(200, "done")
		case <-c.Request.Context().Done():
			c.String(503, "canceled")
		}
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, m := range []struct{ method, body string }{{"GET", ""}, {"POST", `{"period_end":"2026-01-01T00:00:00Z"}`}} {
		req, _ := http.NewRequest(m.method, srv.URL+"/work", strings.NewReader(m.body))
		if m.body == "" {
			req.Body = http.NoBody
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(b) != "done" {
			t.Errorf("%s: %d %s", m.method, res.StatusCode, b)
		}
	}
}

// A store error caused by the client hanging up is not a server failure: 499, logged at info.
func TestAbandonedRequestsAreNotServerErrors(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		ctx  context.Context
		want int
	}{{ctx, statusClientClosed}, {context.Background(), http.StatusServiceUnavailable}} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest("GET", "/x", nil).WithContext(tc.ctx)
		fail(c, graph.Unavailable("neo4j", context.Canceled))
		if w.Code != tc.want {
			t.Fatalf("status %d, want %d", w.Code, tc.want)
		}
	}
}

// readBody reads a body of a declared length into one buffer, a body of unknown length whole,
// and refuses one shorter than declared.
func TestReadBodyReadsWhatWasDeclared(t *testing.T) {
	req := func(body string, length int64) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.ContentLength = length
		return r
	}
	for _, c := range []struct {
		body   string
		length int64
		want   string
		ok     bool
	}{
		{`{"events":[]}`, 13, `{"events":[]}`, true},
		{`{"events":[]}`, -1, `{"events":[]}`, true},
		{`{"ev`, 13, "", false},
		{``, 0, ``, true},
	} {
		got, err := readBody(req(c.body, c.length))
		if (err == nil) != c.ok || (c.ok && string(got) != c.want) {
			t.Errorf("body %q declared %d: read %q, %v", c.body, c.length, got, err)
		}
	}
}
