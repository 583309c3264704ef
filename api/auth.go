package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
)

// LoginRequest is POST /auth/login.
type LoginRequest struct {
	Email    string `json:"email" example:"admin@halo.local"`
	Password string `json:"password" example:"secret-password"`
}

// login godoc
//
//	@Summary	Log in
//	@Tags		auth
//	@Accept		json
//	@Produce	json
//	@Param		body	body		LoginRequest	true	"credentials"
//	@Success	200		{object}	identity.LoginResult
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Failure	429		{object}	ErrorBody	"too many failed logins for the account or from the address"
//	@Router		/api/v1/auth/login [post]
func (s *Server) login(c *gin.Context) {
	var req LoginRequest
	if !bind(c, &req) {
		return
	}
	res, err := s.Auth.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// me godoc
//
//	@Summary	Who the token belongs to
//	@Tags		auth
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	graph.Principal
//	@Failure	401	{object}	ErrorBody
//	@Router		/api/v1/auth/me [get]
func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, principal(c))
}

func principal(c *gin.Context) graph.Principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(graph.Principal)
	return pr
}

// logout godoc
//
//	@Summary	Log out: the token is refused from now on
//	@Tags		auth
//	@Security	Bearer
//	@Success	204
//	@Failure	401	{object}	ErrorBody
//	@Router		/api/v1/auth/logout [post]
func (s *Server) logout(c *gin.Context) {
	if err := s.Auth.Logout(c.Request.Context(), principal(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// changePassword godoc
//
//	@Summary	Change the caller's password; every token issued before is revoked
//	@Tags		auth
//	@Accept		json
//	@Security	Bearer
//	@Param		body	body	identity.PasswordChange	true	"current and new password"
//	@Success	204
//	@Failure	422	{object}	ErrorBody
//	@Router		/api/v1/auth/password [post]
func (s *Server) changePassword(c *gin.Context) {
	var req identity.PasswordChange
	if !bind(c, &req) {
		return
	}
	if err := s.Auth.ChangePassword(c.Request.Context(), principal(c), req); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// requestReset godoc
//
//	@Summary		Ask for a password reset
//	@Description	Always 202, whether or not the email has an account; the token goes through the notifier (the log by default) and works once within an hour.
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	identity.ResetRequest	true	"email"
//	@Success		202
//	@Failure		429	{object}	ErrorBody
//	@Router			/api/v1/auth/password-reset [post]
func (s *Server) requestReset(c *gin.Context) {
	var req identity.ResetRequest
	if !bind(c, &req) {
		return
	}
	if err := s.Resets.Request(c.Request.Context(), req, c.ClientIP()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusAccepted)
}

// confirmReset godoc
//
//	@Summary	Set a new password with a reset token; every earlier session is revoked
//	@Tags		auth
//	@Accept		json
//	@Param		body	body	identity.ResetConfirm	true	"token and new password"
//	@Success	204
//	@Failure	422	{object}	ErrorBody
//	@Router		/api/v1/auth/password-reset/confirm [post]
func (s *Server) confirmReset(c *gin.Context) {
	var req identity.ResetConfirm
	if !bind(c, &req) {
		return
	}
	if err := s.Resets.Confirm(c.Request.Context(), req); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
