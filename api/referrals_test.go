package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph/sales"
)

// vendorSim is a vendor's webhook receiver that misbehaves on purpose, chosen by the prospect's
// name: "fail2 …" answers 500 to its first two attempts, "slow …" takes 300 ms, "timeout …" takes
// longer than Halo waits on its first attempt (then answers at once), "dead …" always fails
// until healed. It verifies every signature as a vendor would.
type vendorSim struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	heal   bool
	// by referral id: the idempotency keys of every attempt that reached the handler
	keys   map[string][]string
	badSig int
	tries  map[string]int
}

func newVendorSim(t *testing.T) *vendorSim {
	v := &vendorSim{t: t, keys: map[string][]string{}, tries: map[string]int{}}
	v.srv = httptest.NewServer(http.HandlerFunc(v.serve))
	t.Cleanup(v.srv.Close)
	return v
}

func (v *vendorSim) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	v.mu.Lock()
	secret := v.secret
	v.mu.Unlock()
	ts := r.Header.Get("X-Timestamp")
	if r.Header.Get("X-Signature") != sign(secret, ts, body) || r.Header.Get("X-Vendor-Id") == "" {
		v.mu.Lock()
		v.badSig++
		v.mu.Unlock()
		http.Error(w, "bad signature", 401)
		return
	}
	if sec, err := strconv.ParseInt(ts, 10, 64); err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		http.Error(w, "stale", 401)
		return
	}
	var wb sales.WebhookBody
	if err := json.Unmarshal(body, &wb); err != nil || wb.Referral.ID == "" || wb.ID != r.Header.Get("Idempotency-Key") {
		http.Error(w, "bad body", 400)
		return
	}
	name := wb.Referral.Prospect.Name
	v.mu.Lock()
	v.tries[wb.Referral.ID]++
	n := v.tries[wb.Referral.ID]
	v.keys[wb.Referral.ID] = append(v.keys[wb.Referral.ID], r.Header.Get("Idempotency-Key"))
	heal := v.heal
	v.mu.Unlock()
	switch {
	case strings.HasPrefix(name, "fail2") && n <= 2, strings.HasPrefix(name, "dead") && !heal:
		http.Error(w, "try later", 500)
		return
	case strings.HasPrefix(name, "slow"):
		time.Sleep(300 * time.Millisecond)
	case strings.HasPrefix(name, "timeout") && n == 1:
		time.Sleep(1500 * time.Millisecond)
	}
	w.WriteHeader(http.StatusAccepted)
}

func (v *vendorSim) snapshot() (map[string][]string, int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string][]string{}
	for k, x := range v.keys {
		out[k] = append([]string(nil), x...)
	}
	return out, v.badSig
}

func referral(vendor, name, email string) map[string]any {
	return map[string]any{"vendor_id": vendor, "sku": "SOLAR-6KW", "notes": "south-facing roof",
		"prospect": map[string]any{"name": name, "email": email, "phone": "+1 512 555 0100",
			"address": map[string]any{"line1": "12 Main St", "city": "Austin", "state": "TX", "postal_code": "78701"}},
		"consent": map[string]any{"given": true, "text": sales.DefaultConsentText, "channel": "in_person"}}
}

func (hs *harness) submit(who *harness, member string, req map[string]any) map[string]any {
	hs.t.Helper()
	code, b := who.call("POST", "/api/v1/members/"+member+"/referrals", req)
	if code != 201 {
		hs.t.Fatalf("referral for %s: %d %v", member, code, b)
	}
	return b
}

// waitFor polls until ok or fails after limit.
func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func (hs *harness) runOutbox() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { hs.app.Outbox.Run(ctx); close(done) }()
	hs.t.Cleanup(func() { cancel(); <-done })
}

// Every referral reaches a vendor that fails, times out and answers slowly: retried with the same
// idempotency key, signed, dead-lettered after the last attempt, and redelivered by an admin.
func TestReferralsReachTheVendorAtLeastOnce(t *testing.T) {
	hs := newHarness(t)
	hs.app.Outbox.Poll = 50 * time.Millisecond
	sim := newVendorSim(t)
	sim.secret = hs.vendor("sun")
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/referral-settings", map[string]any{"webhook_url": sim.srv.URL + "/halo/referrals", "expiry_days": 30}); code != 200 {
		t.Fatalf("settings: %d %v", code, b)
	}
	ann := hs.member("ann", "consultant", "root")
	names := []string{"ok 1", "ok 2", "ok 3", "fail2 1", "fail2 2", "slow 1", "slow 2", "timeout 1", "dead 1"}
	ids := map[string]string{}
	for i, n := range names {
		r := hs.submit(ann, "ann", referral("sun", n, fmt.Sprintf("p%d@example.com", i)))
		if r["status"] != "submitted" || r["owner_id"] != "ann" || r["expires_at"] == nil {
			t.Fatalf("submitted referral: %v", r)
		}
		ids[n] = r["id"].(string)
	}
	hs.runOutbox()
	delivery := func(name string) map[string]any {
		_, r := hs.call("GET", "/api/v1/referrals/"+ids[name], nil)
		d, _ := r["delivery"].(map[string]any)
		return d
	}
	waitFor(t, 20*time.Second, "every delivery to settle", func() bool {
		for _, n := range names {
			want := "delivered"
			if strings.HasPrefix(n, "dead") {
				want = "dead"
			}
			if d := delivery(n); d == nil || d["state"] != want {
				return false
			}
		}
		return true
	})
	keys, bad := sim.snapshot()
	if bad != 0 {
		t.Errorf("%d deliveries failed the vendor's signature check", bad)
	}
	for _, n := range names {
		ks := keys[ids[n]]
		if len(ks) == 0 {
			t.Errorf("%s never reached the vendor", n)
			continue
		}
		for _, k := range ks {
			if k != ks[0] {
				t.Errorf("%s: attempts carried different idempotency keys %v", n, ks)
			}
		}
		_, r := hs.call("GET", "/api/v1/referrals/"+ids[n], nil)
		want := "delivered"
		if strings.HasPrefix(n, "dead") {
			want = "submitted"
		}
		if r["status"] != want {
			t.Errorf("%s: status %v, want %s", n, r["status"], want)
		}
	}
	if got := len(keys[ids["fail2 1"]]); got != 3 {
		t.Errorf("fail2 reached the vendor %d times, want 3", got)
	}
	if got := len(keys[ids["timeout 1"]]); got < 2 {
		t.Errorf("a timed-out attempt was not retried (%d attempts)", got)
	}
	// The dead letter: four attempts, each in the log with the vendor's answer.
	dead := delivery("dead 1")
	_, detail := hs.call("GET", "/api/v1/referral-deliveries/"+dead["id"].(string), nil)
	log, _ := detail["attempts_log"].([]any)
	if detail["attempts"] != float64(4) || len(log) != 4 || !strings.Contains(fmt.Sprint(log[3]), "HTTP 500") {
		t.Errorf("dead letter: %v", detail)
	}
	_, health := hs.call("GET", "/api/v1/referral-deliveries/health", nil)
	if !strings.Contains(fmt.Sprint(health), "dead:1") || !strings.Contains(fmt.Sprint(health), "delivered:8") {
		t.Errorf("health: %v", health)
	}
	// Redelivery after the vendor heals: the same key, and the log keeps the failures.
	sim.mu.Lock()
	sim.heal = true
	sim.mu.Unlock()
	// Paused meanwhile, so the redelivery stays queued while it is asked for again.
	settings := map[string]any{"webhook_url": sim.srv.URL + "/halo/referrals", "expiry_days": 30, "paused": true}
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/referral-settings", settings); code != 200 {
		t.Fatalf("pause: %d %v", code, b)
	}
	if code, b := hs.call("POST", "/api/v1/referral-deliveries/"+dead["id"].(string)+"/redeliver", nil); code != 200 || b["state"] != "pending" {
		t.Fatalf("redeliver: %d %v", code, b)
	}
	if code, _ := hs.call("POST", "/api/v1/referral-deliveries/"+dead["id"].(string)+"/redeliver", nil); code != 409 {
		t.Errorf("redelivering a queued delivery: %d, want 409", code)
	}
	settings["paused"] = false
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/referral-settings", settings); code != 200 {
		t.Fatalf("resume: %d %v", code, b)
	}
	waitFor(t, 10*time.Second, "the redelivery", func() bool { return delivery("dead 1")["state"] == "delivered" })
	keys, _ = sim.snapshot()
	if ks := keys[ids["dead 1"]]; len(ks) != 5 || ks[4] != ks[0] {
		t.Errorf("redelivered with keys %v", ks)
	}
	_, detail = hs.call("GET", "/api/v1/referral-deliveries/"+dead["id"].(string), nil)
	if log, _ := detail["attempts_log"].([]any); len(log) != 5 {
		t.Errorf("the log after redelivery has %d attempts, want 5", len(log))
	}
	_, audit := hs.call("GET", "/api/v1/audit?action=referral.redeliver", nil)
	if !strings.Contains(fmt.Sprint(audit), dead["id"].(string)) {
		t.Errorf("redelivery not audited: %v", audit)
	}
}

// Vendors report back through ingest; a referral decides the sponsor of the customer it became;
// members see only their own referrals.
func TestReferralPipelineAndAttribution(t *testing.T) {
	hs := newHarness(t)
	secret := hs.vendor("sun")
	other := hs.vendor("bat")
	ann := hs.member("ann", "consultant", "root")
	bob := hs.member("bob", "consultant", "root")
	cu := hs.member("cu", "customer", "ann")
	r1 := hs.submit(ann, "ann", referral("sun", "Pat One", "pat1@example.com"))["id"].(string)
	r2 := hs.submit(ann, "ann", referral("sun", "Pat Two", "pat2@example.com"))["id"].(string)
	r3 := hs.submit(ann, "ann", referral("sun", "Pat Three", "pat3@example.com"))["id"].(string)
	r4 := hs.submit(ann, "ann", referral("sun", "Pat Four", "pat4@example.com"))["id"].(string)
	friend := hs.submit(cu, "cu", referral("sun", "Friend of cu", "friend@example.com"))
	if friend["owner_id"] != "ann" || friend["submitted_by"] != "cu" {
		t.Errorf("a customer's referral is credited to its consultant: %v", friend)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	ev := func(id, typ, ref, status string) map[string]any {
		d := map[string]any{"referral_id": ref}
		if status != "" {
			d["status"] = status
		}
		return map[string]any{"id": id, "type": typ, "occurred_at": now, "data": d}
	}
	code, b := hs.send("sun", secret, events(
		ev("a1", "referral.accepted", r1, ""),
		ev("s1", "referral.status", r1, "contacted"),
		ev("s2", "referral.status", r1, "quoted"),
		ev("s3", "referral.status", r1, "won"),
		ev("s4", "referral.status", r1, "contacted"), // backwards
		ev("j2", "referral.rejected", r2, ""),
		ev("s5", "referral.status", r3, "quoted"), // not accepted yet
		ev("s6", "referral.status", r3, "signed"), // no such status
		ev("a1", "referral.accepted", r1, ""),     // the same event again
	), 0)
	if want := "accepted accepted accepted accepted rejected(conflict) accepted rejected(conflict) rejected(invalid) duplicate"; code != 200 || statuses(b) != want {
		t.Fatalf("report-back: %d %s, want %s", code, statuses(b), want)
	}
	if _, b := hs.send("bat", other, events(ev("x1", "referral.accepted", r4, "")), 0); statuses(b) != "rejected(invalid)" {
		t.Errorf("another vendor's referral: %s", statuses(b))
	}
	_, got := ann.call("GET", "/api/v1/referrals/"+r1, nil)
	var hist []string
	for _, h := range got["history"].([]any) {
		hist = append(hist, h.(map[string]any)["status"].(string))
	}
	if got["status"] != "won" || strings.Join(hist, ",") != "submitted,accepted,contacted,quoted,won" {
		t.Errorf("r1: %v, history %v", got["status"], hist)
	}
	// The vendor answered on it, so it has it: the delivery is done, and no webhook will repeat it.
	if d, _ := got["delivery"].(map[string]any); d["state"] != "delivered" || d["via"] != "vendor" {
		t.Errorf("r1's delivery after the vendor's answer: %v", d)
	}
	// Sign-ups: the live referral is the proof of attribution.
	signupRef := func(id, customer, email, sponsor, ref string) map[string]any {
		d := map[string]any{"customer_id": customer, "name": "Customer " + customer, "email": email}
		if sponsor != "" {
			d["sponsor_id"] = sponsor
		}
		if ref != "" {
			d["referral_id"] = ref
		}
		return map[string]any{"id": id, "type": "customer.signup", "occurred_at": now, "data": d}
	}
	code, b = hs.send("sun", secret, events(
		signupRef("u1", "pat3", "pat3@example.com", "", r3),    // no sponsor: the referral's consultant
		signupRef("u2", "pat4", "pat4@example.com", "bob", r4), // another sponsor for a live referral
		signupRef("u3", "pat2", "pat2@example.com", "", r2),    // a rejected referral no longer protects
		signupRef("u4", "pat2", "pat2@example.com", "bob", r2), // so the vendor names the sponsor
		signupRef("u5", "pat9", "pat4@example.com", "bob", ""), // r4's prospect under another name and sponsor
	), 0)
	if want := "accepted rejected(conflict) rejected(invalid) accepted rejected(conflict)"; statuses(b) != want {
		t.Fatalf("sign-ups: %d %s, want %s", code, statuses(b), want)
	}
	_, m := hs.call("GET", "/api/v1/members/pat3", nil)
	if m["sponsor_id"] != "ann" {
		t.Errorf("pat3's sponsor: %v", m["sponsor_id"])
	}
	if _, r := hs.call("GET", "/api/v1/referrals/"+r3, nil); r["customer_id"] != "pat3" {
		t.Errorf("r3 did not record its customer: %v", r)
	}
	// Who sees what: the consultant and the submitter, admins; nobody else (404).
	if code, _ := bob.call("GET", "/api/v1/referrals/"+r1, nil); code != 404 {
		t.Errorf("another consultant reads a referral: %d", code)
	}
	if code, _ := cu.call("GET", "/api/v1/referrals/"+r1, nil); code != 404 {
		t.Errorf("a customer reads its consultant's referral: %d", code)
	}
	if code, _ := cu.call("GET", "/api/v1/referrals/"+friend["id"].(string), nil); code != 200 {
		t.Errorf("a customer reads its own referral: %d", code)
	}
	if code, _ := bob.call("GET", "/api/v1/members/ann/referrals", nil); code != 404 {
		t.Errorf("another consultant lists ann's referrals: %d", code)
	}
	_, list := cu.call("GET", "/api/v1/members/cu/referrals", nil)
	if items := list["items"].([]any); len(items) != 1 {
		t.Errorf("cu lists %d referrals, want its 1", len(items))
	}
	_, pipe := ann.call("GET", "/api/v1/members/ann/referral-pipeline", nil)
	for _, want := range []string{"status:won", "status:rejected", "count:3 status:submitted"} {
		if !strings.Contains(fmt.Sprint(pipe["pipeline"]), want) {
			t.Errorf("pipeline %v lacks %s", pipe["pipeline"], want)
		}
	}
	_, dash := hs.call("GET", "/api/v1/admin/dashboard", nil)
	refs, _ := dash["referrals"].(map[string]any)
	if s := fmt.Sprint(refs["by_vendor"]); !strings.Contains(s, "conversion_rate:20.00") || !strings.Contains(s, "referrals:5") {
		t.Errorf("conversion by vendor: %v", s)
	}
	// The prospect's data is in no audit entry.
	_, audit := hs.call("GET", "/api/v1/audit?limit=200", nil)
	if s := fmt.Sprint(audit); strings.Contains(s, "pat1@example.com") || strings.Contains(s, "Pat One") || !strings.Contains(s, "referral.submit") {
		t.Errorf("audit: prospect data present or submission missing")
	}
}

func TestReferralInputAndSSRF(t *testing.T) {
	hs := newHarness(t)
	hs.vendor("sun")
	ann := hs.member("ann", "consultant", "root")
	for name, c := range map[string]struct {
		edit  func(map[string]any)
		field string
	}{
		"no consent":      {func(r map[string]any) { r["consent"].(map[string]any)["given"] = false }, "consent.given"},
		"no consent text": {func(r map[string]any) { r["consent"].(map[string]any)["text"] = " " }, "consent.text"},
		"bad channel":     {func(r map[string]any) { r["consent"].(map[string]any)["channel"] = "carrier pigeon" }, "consent.channel"},
		"no name":         {func(r map[string]any) { r["prospect"].(map[string]any)["name"] = "" }, "prospect.name"},
		"bad e-mail":      {func(r map[string]any) { r["prospect"].(map[string]any)["email"] = "nope" }, "prospect.email"},
		"bad phone":       {func(r map[string]any) { r["prospect"].(map[string]any)["phone"] = "call me" }, "prospect.phone"},
		"unknown vendor":  {func(r map[string]any) { r["vendor_id"] = "nobody" }, "vendor_id"},
		"unknown product": {func(r map[string]any) { r["sku"] = "NOPE" }, "sku"},
	} {
		r := referral("sun", "Pat", "pat@example.com")
		c.edit(r)
		code, b := ann.call("POST", "/api/v1/members/ann/referrals", r)
		if _, _, fields := errOf(b); code != 422 || !strings.Contains(strings.Join(fields, ","), c.field) {
			t.Errorf("%s: %d %v", name, code, b)
		}
	}
	for _, u := range []string{"https://169.254.169.254/latest/meta-data", "https://10.1.2.3/hook", "http://example.com/hook", "https://[::1]/hook",
		"https://127.0.0.2/hook", "ftp://vendor.example/x", "https://user:pw@vendor.example/x", "https://localhost:8443/x"} {
		code, b := hs.call("PUT", "/api/v1/vendors/sun/referral-settings", map[string]any{"webhook_url": u})
		if _, _, fields := errOf(b); code != 422 || len(fields) != 1 || fields[0] != "webhook_url" {
			t.Errorf("%s: %d %v", u, code, b)
		}
	}
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/referral-settings", map[string]any{"expiry_days": 0, "webhook_url": ""}); code != 200 || b["expiry_days"] != float64(90) {
		t.Errorf("defaults: %d %v", code, b)
	}
}

// A vendor without a webhook pulls, signed, from a cursor; what it pulled is delivered.
func TestVendorPullsReferrals(t *testing.T) {
	hs := newHarness(t)
	secret := hs.vendor("sun")
	ann := hs.member("ann", "consultant", "root")
	var ids []string
	for i := range 3 {
		ids = append(ids, hs.submit(ann, "ann", referral("sun", fmt.Sprint("Pat ", i), fmt.Sprintf("p%d@example.com", i)))["id"].(string))
	}
	pull := func(uri, key string) (int, map[string]any) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req := httptest.NewRequest("GET", uri, nil)
		req.Header.Set("X-Vendor-Id", "sun")
		req.Header.Set("X-Timestamp", ts)
		req.Header.Set("X-Signature", sign(key, ts, []byte(uri)))
		w := httptest.NewRecorder()
		hs.h.ServeHTTP(w, req)
		var out map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out
	}
	if code, _ := pull("/api/v1/vendor/referrals?limit=2", secret+"x"); code != 401 {
		t.Errorf("a bad signature pulls: %d", code)
	}
	code, p := pull("/api/v1/vendor/referrals?limit=2", secret)
	rs, _ := p["referrals"].([]any)
	if code != 200 || len(rs) != 2 || rs[0].(map[string]any)["id"] != ids[0] || rs[0].(map[string]any)["consultant_id"] != "ann" {
		t.Fatalf("first pull: %d %v", code, p)
	}
	_, p2 := pull("/api/v1/vendor/referrals?limit=2&cursor="+p["next_cursor"].(string), secret)
	if rs, _ := p2["referrals"].([]any); len(rs) != 1 || rs[0].(map[string]any)["id"] != ids[2] {
		t.Fatalf("second pull: %v", p2)
	}
	_, p3 := pull("/api/v1/vendor/referrals?cursor="+p2["next_cursor"].(string), secret)
	if rs, _ := p3["referrals"].([]any); len(rs) != 0 || p3["next_cursor"] != p2["next_cursor"] {
		t.Errorf("nothing new: %v", p3)
	}
	for _, id := range ids {
		if _, r := hs.call("GET", "/api/v1/referrals/"+id, nil); r["status"] != "delivered" || r["delivery"].(map[string]any)["via"] != "pull" {
			t.Errorf("%s after the pull: %v %v", id, r["status"], r["delivery"])
		}
	}
}

// Two vendors sign up the same referred customer at the same moment: one attribution, to the
// referral's consultant, whichever comes first.
func TestConcurrentSignupsOfAReferredCustomer(t *testing.T) {
	hs := newHarness(t)
	sun := hs.vendor("sun")
	bat := hs.vendor("bat")
	ann := hs.member("ann", "consultant", "root")
	hs.member("bob", "consultant", "root")
	const n = 8
	refs := make([]string, n)
	for i := range n {
		refs[i] = hs.submit(ann, "ann", referral("sun", fmt.Sprint("Pat ", i), fmt.Sprintf("pat%d@example.com", i)))["id"].(string)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	var wg sync.WaitGroup
	results := make([][2]string, n)
	for i := range n {
		customer, email := fmt.Sprint("pat", i), fmt.Sprintf("pat%d@example.com", i)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, b := hs.send("sun", sun, events(map[string]any{"id": "s" + customer, "type": "customer.signup", "occurred_at": now,
				"data": map[string]any{"customer_id": customer, "name": "Pat", "email": email, "referral_id": refs[i]}}), 0)
			results[i][0] = statuses(b)
		}()
		go func() {
			defer wg.Done()
			_, b := hs.send("bat", bat, events(map[string]any{"id": "b" + customer, "type": "customer.signup", "occurred_at": now,
				"data": map[string]any{"customer_id": customer, "name": "Pat", "email": email, "sponsor_id": "bob"}}), 0)
			results[i][1] = statuses(b)
		}()
	}
	wg.Wait()
	for i := range n {
		_, m := hs.call("GET", fmt.Sprintf("/api/v1/members/pat%d", i), nil)
		// sun's sign-up is accepted whenever it comes (bob's would-be customer cannot exist while
		// the referral is live); bat's is refused either way.
		if results[i] != [2]string{"accepted", "rejected(conflict)"} || m["sponsor_id"] != "ann" {
			t.Errorf("pat%d: sun %s, bat %s, sponsor %v", i, results[i][0], results[i][1], m["sponsor_id"])
		}
	}
}

// A paused vendor's deliveries wait, in order, and go when the pause is lifted.
func TestPausedDeliveriesWait(t *testing.T) {
	hs := newHarness(t)
	sim := newVendorSim(t)
	sim.secret = hs.vendor("sun")
	settings := map[string]any{"webhook_url": sim.srv.URL + "/leads", "paused": true}
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/referral-settings", settings); code != 200 || b["paused"] != true {
		t.Fatalf("pause: %d %v", code, b)
	}
	ann := hs.member("ann", "consultant", "root")
	id := hs.submit(ann, "ann", referral("sun", "Pat", "pat@example.com"))["id"].(string)
	for range 3 {
		if n, err := hs.app.Outbox.Once(t.Context()); err != nil || n != 0 {
			t.Fatalf("a paused vendor's delivery was claimed: %d %v", n, err)
		}
	}
	_, health := hs.call("GET", "/api/v1/referral-deliveries/health", nil)
	if s := fmt.Sprint(health); !strings.Contains(s, "paused:true") || !strings.Contains(s, "pending:1") {
		t.Errorf("health while paused: %s", s)
	}
	settings["paused"] = false
	hs.call("PUT", "/api/v1/vendors/sun/referral-settings", settings)
	if n, err := hs.app.Outbox.Once(t.Context()); err != nil || n != 1 {
		t.Fatalf("after the pause: %d %v", n, err)
	}
	if keys, _ := sim.snapshot(); len(keys[id]) != 1 {
		t.Errorf("the vendor got %v", keys)
	}
}
