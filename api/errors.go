package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
)

// ErrorBody is the error shape of API.md, used by every endpoint.
type ErrorBody struct {
	Error ErrorInfo `json:"error"`
}

// ErrorInfo is the inside of ErrorBody.
type ErrorInfo struct {
	Code    string         `json:"code" example:"invalid"`
	Message string         `json:"message" example:"email: must be a valid address"`
	Details []graph.Detail `json:"details,omitempty"`
}

// statusOf is the one place graph's error kinds become HTTP statuses.
func statusOf(k graph.Kind) int {
	switch k {
	case graph.KindBadRequest:
		return http.StatusBadRequest
	case graph.KindInvalid:
		return http.StatusUnprocessableEntity
	case graph.KindNotFound:
		return http.StatusNotFound
	case graph.KindConflict:
		return http.StatusConflict
	case graph.KindUnauthorized:
		return http.StatusUnauthorized
	case graph.KindForbidden:
		return http.StatusForbidden
	case graph.KindRateLimited:
		return http.StatusTooManyRequests
	case graph.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case graph.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// statusClientClosed is recorded when the client hung up before its answer was ready.
const statusClientClosed = 499

// fail writes err in the API.md shape. Causes are logged with the request id, never sent.
func fail(c *gin.Context, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = graph.TooLarge("the request body exceeds this endpoint's limit of %s", byteSize(mbe.Limit))
	}
	e := graph.AsError(err)
	status := statusOf(e.Kind)
	log := logger(c)
	if errors.Is(c.Request.Context().Err(), context.Canceled) {
		// The caller went away (a page navigated on): nothing failed here and nobody reads the answer.
		// 499 is the conventional "client closed request", kept out of the error log.
		log.Info("request abandoned by the client", "code", e.Kind)
		c.AbortWithStatus(statusClientClosed)
		return
	}
	switch {
	case errors.Is(e, graph.ErrBusy):
		// Overload, answered at once (graph.Admission): the caller tries again after a second. Not
		// logged as a failure; the request's own log line carries it (requestLog).
		c.Header("Retry-After", "1")
	case status >= 500:
		log.Error("request failed", "code", e.Kind, "message", e.Message, "cause", errString(e.Err))
	case e.Err != nil && (e.Kind == graph.KindBadRequest || e.Kind == graph.KindTooLarge):
		log.Debug("request rejected", "code", e.Kind, "message", e.Message, "cause", errString(e.Err)) // the caller's own mistake
	case e.Err != nil:
		log.Warn("request rejected", "code", e.Kind, "message", e.Message, "cause", errString(e.Err))
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorInfo{Code: string(e.Kind), Message: e.Message, Details: e.Details}})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
