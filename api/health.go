package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// healthz godoc
//
//	@Summary	Liveness: the process is up
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	map[string]string
//	@Router		/healthz [get]
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "alive"})
}

// readyz godoc
//
//	@Summary		Readiness of the backing services
//	@Description	503 when Neo4j is unreachable (nothing can be served without it); 200 "degraded" when only Redis is down (Halo serves from Neo4j); 200 "ok" otherwise.
//	@Tags			health
//	@Produce		json
//	@Success		200	{object}	platform.Readiness
//	@Failure		503	{object}	platform.Readiness
//	@Router			/readyz [get]
func (s *Server) readyz(c *gin.Context) {
	r := s.Health.Readiness(c.Request.Context())
	status := http.StatusOK
	if r.Status == "unavailable" {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, r)
}
