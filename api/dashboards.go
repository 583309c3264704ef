package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// customerDashboard godoc
//
//	@Summary	A customer's dashboard: services by vendor with status and dates, and the consultant who referred them
//	@Tags		dashboards
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	dashboards.CustomerDashboard
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/members/{id}/customer-dashboard [get]
func (s *Server) customerDashboard(c *gin.Context) {
	d, err := s.Dashboards.Customer(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// adminDashboard godoc
//
//	@Summary	The operator's dashboard: network size by plan and rank, sales and BV by vendor and month, payouts per run, open withdrawals, rejected events, health
//	@Tags		dashboards
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	dashboards.AdminDashboard
//	@Router		/api/v1/admin/dashboard [get]
func (s *Server) adminDashboard(c *gin.Context) {
	d, err := s.Dashboards.Admin(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// consultantDashboard godoc
//
//	@Summary		A consultant's dashboard
//	@Description	Plan and rank with progress to the next rank, activity and personal volume in the window, live leg volume (carry + new) and lifetime legs, projected earnings for the open period (a what-if run kept fresh in the background; see its as_of), earnings by type and vendor for the last run and lifetime, wallet, downline counts per leg and generation, new recruits, customers with their services.
//	@Tags			dashboards
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	dashboards.ConsultantDashboard
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/members/{id}/dashboard [get]
func (s *Server) consultantDashboard(c *gin.Context) {
	d, err := s.Dashboards.Consultant(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
