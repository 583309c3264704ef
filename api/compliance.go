package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/payouts"
)

// getCompliance godoc
//
//	@Summary		A member's tax profile, payout method, KYC and hold (masked), and whether it may withdraw
//	@Description	The TIN and the account number are shown as their last four digits only, to the member itself and to admins.
//	@Tags			compliance
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	compliance.Status
//	@Router			/api/v1/members/{id}/compliance [get]
func (s *Server) getCompliance(c *gin.Context) {
	out, err := s.Compliance.Status(c.Request.Context(), c.Param("id"))
	respond(c, http.StatusOK, out, err)
}

// putTaxProfile godoc
//
//	@Summary		Record the member's W-9 (tax profile)
//	@Description	The TIN is checked (SSN or EIN structure), encrypted at rest and never shown again beyond its last four digits. certify must be true.
//	@Tags			compliance
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string							true	"member id"
//	@Param			body	body		compliance.TaxProfileRequest	true	"the W-9"
//	@Success		200		{object}	compliance.Status
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/tax-profile [put]
func (s *Server) putTaxProfile(c *gin.Context) {
	var req compliance.TaxProfileRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Compliance.SetTaxProfile(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusOK, out, err)
}

// putPayoutMethod godoc
//
//	@Summary		Record the bank account payouts go to
//	@Description	The routing number's ABA check digit is verified; the account number is encrypted at rest and shown as its last four digits.
//	@Tags			compliance
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string							true	"member id"
//	@Param			body	body		compliance.PayoutMethodRequest	true	"the bank account"
//	@Success		200		{object}	compliance.Status
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/payout-method [put]
func (s *Server) putPayoutMethod(c *gin.Context) {
	var req compliance.PayoutMethodRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Compliance.SetPayoutMethod(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusOK, out, err)
}

// setKYC godoc
//
//	@Summary	Record a member's KYC outcome (admins; a KYC provider would use the same service)
//	@Tags		compliance
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string					true	"member id"
//	@Param		body	body		compliance.KYCRequest	true	"the outcome"
//	@Success	200		{object}	compliance.Status
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/members/{id}/kyc [post]
func (s *Server) setKYC(c *gin.Context) {
	var req compliance.KYCRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Compliance.SetKYC(c.Request.Context(), c.Param("id"), compliance.ManualKYC{Admin: principal(c).ID}, req)
	respond(c, http.StatusOK, out, err)
}

// setHold godoc
//
//	@Summary		Place (or release) a compliance hold on a member's payouts
//	@Description	While held, commissions still credit the wallet; withdrawals are taken but none is approved or paid. A reason is required. Audited.
//	@Tags			compliance
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id"
//	@Param			body	body		compliance.HoldRequest	true	"why"
//	@Success		200		{object}	compliance.Status
//	@Failure		409		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/hold [post]
//	@Router			/api/v1/members/{id}/hold/release [post]
func (s *Server) setHold(on bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req compliance.HoldRequest
		if !bind(c, &req) {
			return
		}
		out, err := s.Compliance.SetHold(c.Request.Context(), c.Param("id"), on, req)
		respond(c, http.StatusOK, out, err)
	}
}

// forfeit godoc
//
//	@Summary		Forfeit a held member's balance (all or part), as a ledger entry with its reason
//	@Tags			compliance
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"member id"
//	@Param			body	body		payouts.ForfeitRequest	true	"amount and reason"
//	@Success		201		{object}	payouts.LedgerEntry
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/members/{id}/hold/forfeit [post]
func (s *Server) forfeit(c *gin.Context) {
	var req payouts.ForfeitRequest
	if !bind(c, &req) {
		return
	}
	out, err := s.Wallets.Forfeit(c.Request.Context(), c.Param("id"), req)
	respond(c, http.StatusCreated, out, err)
}

// yearQuery reads ?year= (default: the last full calendar year).
func yearQuery(c *gin.Context) (int, bool) {
	y := c.Query("year")
	if y == "" {
		return time.Now().UTC().Year() - 1, true
	}
	n, err := strconv.Atoi(y)
	if err != nil {
		fail(c, graph.InvalidField("year", "must be a year such as 2026"))
		return 0, false
	}
	return n, true
}

// form1099 godoc
//
//	@Summary		Form 1099-NEC data for a tax year
//	@Description	Per consultant: box 1, the commissions credited in the year (net of clawbacks), and box 4, backup withholding. Recipients under the year's threshold ($600 through 2025, $2,000 from 2026; HALO_1099_THRESHOLDS) without withholding are left out; those without a certified TIN are listed apart; corporations are exempt. TINs are masked here.
//	@Tags			compliance
//	@Produce		json
//	@Security		Bearer
//	@Param			year	query		int	false	"tax year (default: last year)"
//	@Success		200		{object}	compliance.Report1099
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/tax-reports/1099-nec [get]
func (s *Server) form1099(c *gin.Context) {
	year, ok := yearQuery(c)
	if !ok {
		return
	}
	out, err := s.Compliance.Form1099(c.Request.Context(), year)
	respond(c, http.StatusOK, out, err)
}

// form1099CSV godoc
//
//	@Summary		Form 1099-NEC filing CSV for a tax year (full TINs; audited)
//	@Description	One row per recipient with the form's fields, for a filing service or the IRS's IRIS bulk upload. Exact decimals.
//	@Tags			compliance
//	@Produce		text/csv
//	@Security		Bearer
//	@Param			year	query	int	false	"tax year (default: last year)"
//	@Success		200
//	@Router			/api/v1/tax-reports/1099-nec.csv [get]
func (s *Server) form1099CSV(c *gin.Context) {
	year, ok := yearQuery(c)
	if !ok {
		return
	}
	r, err := s.Compliance.Form1099(c.Request.Context(), year)
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Compliance.FilingRows(c.Request.Context(), r)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="1099-nec-%d.csv"`, year))
	w := csv.NewWriter(c.Writer)
	_ = w.Write(compliance.CSVHeader)
	for _, row := range rows {
		for i := range row {
			row[i] = text(row[i])
		}
		_ = w.Write(row)
	}
	w.Flush()
}

func disclosureRequest(c *gin.Context) (compliance.DisclosureRequest, bool) {
	var req compliance.DisclosureRequest
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			fail(c, graph.InvalidField("year", "must be a year such as 2026"))
			return req, false
		}
		req.Year = n
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &req.From}, {"to", &req.To}} {
		if v := c.Query(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				if t, err = time.Parse("2006-01-02", v); err != nil {
					fail(c, graph.InvalidField(p.name, "must be a date (2026-01-01) or an RFC 3339 time"))
					return req, false
				}
			}
			*p.dst = &t
		}
	}
	return req, true
}

// incomeDisclosure godoc
//
//	@Summary		The income disclosure statement for a period (default: last calendar year)
//	@Description	Every consultant of the period, zero earners included, grouped by the highest rank held: count and share, earnings (gross commissions of committed runs, before expenses) as min, percentiles, mean and max, the share who earned nothing, median tenure; customers and the share of sales BV they bought. For any signed-in member.
//	@Tags			compliance
//	@Produce		json
//	@Security		Bearer
//	@Param			year	query		int		false	"a calendar year"
//	@Param			from	query		string	false	"period start (date or RFC 3339), with to"
//	@Param			to		query		string	false	"period end, exclusive"
//	@Success		200		{object}	compliance.Disclosure
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/income-disclosure [get]
func (s *Server) incomeDisclosure(c *gin.Context) {
	req, ok := disclosureRequest(c)
	if !ok {
		return
	}
	out, err := s.Compliance.Disclose(c.Request.Context(), req)
	respond(c, http.StatusOK, out, err)
}

// incomeDisclosureCSV godoc
//
//	@Summary	The income disclosure statement as CSV (one row for everyone, one per rank)
//	@Tags		compliance
//	@Produce	text/csv
//	@Security	Bearer
//	@Param		year	query	int		false	"a calendar year"
//	@Param		from	query	string	false	"period start"
//	@Param		to		query	string	false	"period end, exclusive"
//	@Success	200
//	@Router		/api/v1/income-disclosure.csv [get]
func (s *Server) incomeDisclosureCSV(c *gin.Context) {
	req, ok := disclosureRequest(c)
	if !ok {
		return
	}
	d, err := s.Compliance.Disclose(c.Request.Context(), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="income-disclosure-%s.csv"`, d.From.Format("2006-01-02")))
	w := csv.NewWriter(c.Writer)
	_ = w.Write(compliance.DisclosureCSVHeader)
	for _, row := range d.CSVRows() {
		_ = w.Write(row)
	}
	w.Flush()
}
