package api_test

import (
	"strings"
	"testing"
)

func TestKnowledgeBase(t *testing.T) {
	hs := newHarness(t)
	hs.call("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana", "email": "a@example.com", "password": "pass-A-word", "plan": "consultant",
		"sponsor_id": "root", "placement": at("root", "left"), "registered_at": rootAt.Add(3600e9).Format("2006-01-02T15:04:05Z07:00")})
	hs.call("POST", "/api/v1/members", map[string]any{"id": "P", "name": "Pia", "email": "p@example.com", "password": "pass-P-word", "plan": "consultant_plus",
		"sponsor_id": "root", "placement": at("root", "right"), "registered_at": rootAt.Add(3600e9).Format("2006-01-02T15:04:05Z07:00")})
	hs.call("POST", "/api/v1/members", map[string]any{"id": "cu", "name": "Cu", "email": "cu@example.com", "password": "pass-cu-word", "plan": "customer",
		"sponsor_id": "A", "registered_at": rootAt.Add(3600e9).Format("2006-01-02T15:04:05Z07:00")})
	_, ta := hs.login("a@example.com", "pass-A-word")
	_, tp := hs.login("p@example.com", "pass-P-word")
	_, tc := hs.login("cu@example.com", "pass-cu-word")
	ana, pia, cu := hs.as(ta), hs.as(tp), hs.as(tc)

	mk := func(title, body, audience, status string) string {
		code, b := hs.call("POST", "/api/v1/kb/articles", map[string]any{"title": title, "body_markdown": body, "category": "compensation",
			"tags": []string{"Binary", "plan"}, "audience": audience, "status": status, "attachments": []string{"https://example.com/plan.pdf"}})
		if code != 201 {
			t.Fatalf("create %s: %d %v", title, code, b)
		}
		return b["id"].(string)
	}
	pub := mk("How the binary bonus works", "# Binary\nPairs the lesser leg.<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>", "consultants", "published")
	draft := mk("Draft on pools", "The leadership pool...", "all", "draft")
	cust := mk("Your solar service", "What to expect after installation.", "customers", "published")
	plus := mk("Plus+ perks", "Eight generations of revenue share.", "plan:consultant_plus", "published")

	_, a := ana.call("GET", "/api/v1/kb/articles/"+pub, nil)
	html := a["body_html"].(string)
	if !strings.Contains(html, "<h1>Binary</h1>") || strings.Contains(strings.ToLower(html), "<script") || strings.Contains(html, "javascript:") || strings.Contains(html, "onerror") {
		t.Errorf("rendered HTML must be safe: %q", html)
	}
	if tags := a["tags"].([]any); tags[0] != "binary" {
		t.Errorf("tags are normalised: %v", tags)
	}
	visible := func(h *harness, id string) bool {
		code, _ := h.call("GET", "/api/v1/kb/articles/"+id, nil)
		return code == 200
	}
	for _, c := range []struct {
		who  string
		h    *harness
		id   string
		want bool
	}{
		{"consultant/consultants", ana, pub, true}, {"consultant/draft", ana, draft, false}, {"consultant/customers", ana, cust, false},
		{"consultant/plus", ana, plus, false}, {"plus/plus", pia, plus, true}, {"customer/customers", cu, cust, true},
		{"customer/consultants", cu, pub, false}, {"admin/draft", hs, draft, true},
	} {
		if got := visible(c.h, c.id); got != c.want {
			t.Errorf("%s: visible %v, want %v", c.who, got, c.want)
		}
	}
	_, l := ana.call("GET", "/api/v1/kb/articles", nil)
	if n := len(l["items"].([]any)); n != 1 {
		t.Errorf("the consultant's list: %d articles, want 1", n)
	}
	_, l = hs.call("GET", "/api/v1/kb/articles", nil)
	if n := len(l["items"].([]any)); n != 4 {
		t.Errorf("the admin's list: %d articles, want 4", n)
	}
	_, l = ana.call("GET", "/api/v1/kb/articles?q="+strings.ReplaceAll("binary (lesser)", " ", "%20"), nil)
	if items := l["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != pub {
		t.Errorf("search: %v", l)
	}
	_, l = pia.call("GET", "/api/v1/kb/articles?tag=BINARY", nil)
	if n := len(l["items"].([]any)); n != 2 { // the consultants' article and the Plus+ one
		t.Errorf("tag filter: %d", n)
	}
	for name, req := range map[string]map[string]any{
		"audience":   {"title": "x", "audience": "vips"},
		"status":     {"title": "x", "status": "live"},
		"attachment": {"title": "x", "attachments": []string{"javascript:alert(1)"}},
		"title":      {"title": ""},
	} {
		if code, _ := hs.call("POST", "/api/v1/kb/articles", req); code != 422 {
			t.Errorf("%s: %d", name, code)
		}
	}
	if code, _ := ana.call("POST", "/api/v1/kb/articles", map[string]any{"title": "x"}); code != 403 {
		t.Errorf("consultants do not write articles: %d", code)
	}
	if code, b := hs.call("PUT", "/api/v1/kb/articles/"+draft, map[string]any{"title": "Pools", "body_markdown": "**bold**", "audience": "all", "status": "published"}); code != 200 || !strings.Contains(b["body_html"].(string), "<strong>bold</strong>") {
		t.Errorf("update: %d %v", code, b)
	}
	if !visible(cu, draft) {
		t.Error("a published article for all is visible to customers")
	}
}
