package app

import (
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/stripepay"
	"github.com/halo-oss/halo/internal/webhook"

	"fmt"
	"net"

	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
)

// Config is Halo's configuration, read from environment variables; each has a documented
// default (README, "Configuration"). Secrets are never logged: LogValue redacts them.
type Config struct {
	Addr          string // HALO_ADDR
	PprofAddr     string // HALO_PPROF_ADDR: Go's profiler on its own listener (off when empty)
	Neo4jURI      string // NEO4J_URI
	Neo4jUser     string // NEO4J_USER
	Neo4jPassword string // NEO4J_PASSWORD (secret)
	RedisAddr     string // REDIS_ADDR
	RedisPassword string // REDIS_PASSWORD (secret)
	// RedisAddrs are a Cluster's seed nodes (RedisCluster) or the sentinels (RedisMaster set):
	// REDIS_ADDRS, comma-separated; REDIS_CLUSTER; REDIS_SENTINEL_MASTER; REDIS_SENTINEL_PASSWORD (secret).
	RedisAddrs            []string
	RedisCluster          bool
	RedisMaster           string
	RedisSentinelPassword string
	AdminEmail            string        // HALO_ADMIN_EMAIL
	AdminPassword         string        // HALO_ADMIN_PASSWORD (secret)
	RootID                string        // HALO_ROOT_ID
	RootEmail             string        // HALO_ROOT_EMAIL
	RootRegisteredAt      time.Time     // HALO_ROOT_REGISTERED_AT
	SecretKey             string        // HALO_SECRET_KEY (secret)
	Dev                   bool          // HALO_DEV
	PlanConfig            string        // HALO_PLAN_CONFIG
	TokenTTL              time.Duration // HALO_TOKEN_TTL
	LogLevel              slog.Level    // HALO_LOG_LEVEL
	LogFormat             string        // HALO_LOG_FORMAT: text | json
	ShutdownTimeout       time.Duration // HALO_SHUTDOWN_TIMEOUT
	MinWithdrawal         engine.Units  // HALO_MIN_WITHDRAWAL
	MemoryLimit           int64         // HALO_MEMORY_LIMIT in bytes: the Go heap's soft limit
	JoinWindow            time.Duration // HALO_JOIN_WINDOW: how long before a webinar the join link shows
	// ProjectionInterval is how often the earnings projection looks for accepted events and, when
	// some arrived, brings itself up to date (HALO_PROJECTION_INTERVAL); ProjectionReload is how
	// long it goes on updating its kept snapshot before reloading it whole (HALO_PROJECTION_RELOAD).
	ProjectionInterval time.Duration
	ProjectionReload   time.Duration
	// LegCountInterval is how often new placements are added to their ancestors' leg counts
	// (HALO_LEG_COUNT_INTERVAL).
	LegCountInterval time.Duration
	// GiveWay is how long the projection's whole reloads and the analysts' earnings rest per unit of
	// time they worked while the API is in use (HALO_BACKGROUND_GIVE_WAY; 0: never rest).
	GiveWay float64
	// LoginFailures and LoginFailuresPerIP are the failed logins (and reset requests) allowed per
	// account and per address in a 15-minute window (HALO_LOGIN_FAILURES, HALO_LOGIN_FAILURES_PER_IP).
	LoginFailures, LoginFailuresPerIP int
	ImportBatch                       int // HALO_IMPORT_BATCH: members written per transaction of an import
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client
	// (HALO_TRUSTED_PROXIES, comma-separated addresses or CIDRs; none by default).
	TrustedProxies []string
	ReadTimeout    time.Duration // HALO_READ_TIMEOUT: how long a request may take to send its body (default 30s)
	// ReadsAtOnce bounds the people's reads (GET) under way at once, and ReadWait is how long one
	// waits for its turn before it is refused with 503 and Retry-After (HALO_READS_AT_ONCE,
	// default 0: no bound; HALO_READ_WAIT, default 1s). Off by default: measured in issue #19 it
	// serves more under sustained overload (right after a restart) but turns a few seconds'
	// stall (Neo4j replanning a query under load) into refusals (graph.Admission, README).
	ReadsAtOnce int
	ReadWait    time.Duration
	// IngestAtOnce bounds the vendors' batches written at once while nobody uses the API, and
	// IngestAtOnceBusy while people do (HALO_INGEST_AT_ONCE, default 0: as many as the vendors'
	// locks allow; HALO_INGEST_AT_ONCE_BUSY, default 1): the rest wait in halod, before their
	// transaction, so the people's reads get Neo4j's cores first (graph.Turns, README).
	IngestAtOnce, IngestAtOnceBusy int
	// IngestBusyPart is the most events of a vendor's batch written in one transaction while
	// people use the API (HALO_INGEST_BUSY_PART, default 100; 0: the whole batch at once).
	IngestBusyPart int
	// IngestGiveWay is how long a batch's turn rests while people use the API, per unit of time
	// the batch took (HALO_INGEST_GIVE_WAY, default 1; 0: no rest).
	IngestGiveWay float64
	// WarmUp bounds each step of the start-up warm-up before halod reports ready: the background
	// workers' first rounds, then Neo4j serving the frequent reads (dashboards.WarmUp), which ends
	// earlier once they stop getting faster on a Neo4j that was warm (HALO_WARMUP, default 60s;
	// 0: none).
	WarmUp time.Duration
	// Referral webhooks to vendors.
	WebhookAllow       string        // HALO_WEBHOOK_ALLOW: CIDRs, addresses or hosts a webhook may reach though private (none)
	WebhookTimeout     time.Duration // HALO_WEBHOOK_TIMEOUT: one delivery attempt (10s)
	WebhookMaxAttempts int           // HALO_WEBHOOK_MAX_ATTEMPTS: then the delivery is dead-lettered (10)
	WebhookBackoff     time.Duration // HALO_WEBHOOK_BACKOFF: the first retry's delay, doubled per attempt (10s)
	WebhookBackoffMax  time.Duration // HALO_WEBHOOK_BACKOFF_MAX: the longest delay between attempts (1h)
	OutboxWorkers      int           // HALO_OUTBOX_WORKERS: concurrent deliveries per replica (16)
	ConsentText        string        // HALO_REFERRAL_CONSENT_TEXT: the consent shown on the referral form (a built-in text)
	// WithdrawalPolicy is HALO_WITHDRAWAL_POLICY: require_profile (a certified W-9 and verified
	// KYC before any withdrawal; the default) or backup_withholding (an incomplete W-9 is paid
	// with 24 % withheld; KYC is still required).
	WithdrawalPolicy string
	// Form 1099-NEC: HALO_1099_THRESHOLDS ("2010:600.00,2026:2000.00"), and the payer's
	// HALO_PAYER_NAME, HALO_PAYER_TIN, HALO_PAYER_ADDRESS.
	Thresholds1099                    compliance.Thresholds
	PayerName, PayerTIN, PayerAddress string
	// ACH is the originator's identity in payout files (HALO_ACH_DESTINATION, HALO_ACH_DESTINATION_NAME,
	// HALO_ACH_ORIGIN, HALO_ACH_ORIGIN_NAME, HALO_ACH_COMPANY_NAME, HALO_ACH_COMPANY_ID, HALO_ACH_ODFI,
	// HALO_ACH_DESCRIPTION); the defaults are the demo's and a bank will reject them.
	ACH payouts.ACHConfig
	// Stripe: STRIPE_SECRET_KEY (none: card payments off), STRIPE_WEBHOOK_SECRET, STRIPE_API_URL
	// (a stand-in such as stripe-mock), HALO_CURRENCY (usd).
	Stripe   stripepay.Config
	Currency string
}

// devSecretKey is only ever used with HALO_DEV=true.
const devSecretKey = "halo-development-secret-key-not-for-production"

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// LoadConfig reads the environment; now is the start-up time (the root's default registration).
func LoadConfig(now time.Time) (*Config, error) {
	c := &Config{
		Addr:                  env("HALO_ADDR", ":8080"),
		PprofAddr:             env("HALO_PPROF_ADDR", ""),
		Neo4jURI:              env("NEO4J_URI", "bolt://127.0.0.1:7687"),
		Neo4jUser:             env("NEO4J_USER", "neo4j"),
		Neo4jPassword:         env("NEO4J_PASSWORD", ""),
		RedisAddr:             env("REDIS_ADDR", "127.0.0.1:6379"),
		RedisPassword:         env("REDIS_PASSWORD", ""),
		RedisMaster:           env("REDIS_SENTINEL_MASTER", ""),
		RedisSentinelPassword: env("REDIS_SENTINEL_PASSWORD", ""),
		AdminEmail:            env("HALO_ADMIN_EMAIL", "admin@halo.local"),
		AdminPassword:         env("HALO_ADMIN_PASSWORD", ""),
		RootID:                env("HALO_ROOT_ID", "root"),
		RootEmail:             env("HALO_ROOT_EMAIL", "root@halo.local"),
		SecretKey:             env("HALO_SECRET_KEY", ""),
		PlanConfig:            env("HALO_PLAN_CONFIG", ""),
		LogFormat:             env("HALO_LOG_FORMAT", "text"),
	}
	var errs []string
	var err error
	for _, a := range strings.Split(env("REDIS_ADDRS", ""), ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.RedisAddrs = append(c.RedisAddrs, a)
		}
	}
	if c.RedisCluster, err = strconv.ParseBool(env("REDIS_CLUSTER", "false")); err != nil {
		errs = append(errs, "REDIS_CLUSTER must be true or false")
	}
	if (c.RedisCluster || c.RedisMaster != "") && len(c.RedisAddrs) == 0 {
		errs = append(errs, "REDIS_ADDRS must list the Cluster's nodes or the sentinels")
	}
	if c.RedisCluster && c.RedisMaster != "" {
		errs = append(errs, "REDIS_CLUSTER and REDIS_SENTINEL_MASTER exclude each other")
	}
	if c.Dev, err = strconv.ParseBool(env("HALO_DEV", "false")); err != nil {
		errs = append(errs, "HALO_DEV must be true or false")
	}
	if c.TokenTTL, err = time.ParseDuration(env("HALO_TOKEN_TTL", "12h")); err != nil || c.TokenTTL <= 0 {
		errs = append(errs, "HALO_TOKEN_TTL must be a positive duration such as 12h")
	}
	if c.MinWithdrawal, err = engine.ParseUnits(env("HALO_MIN_WITHDRAWAL", "50.00")); err != nil || c.MinWithdrawal <= 0 {
		errs = append(errs, "HALO_MIN_WITHDRAWAL must be a positive amount such as 50.00")
	}
	if c.ProjectionInterval, err = time.ParseDuration(env("HALO_PROJECTION_INTERVAL", "500ms")); err != nil || c.ProjectionInterval < 100*time.Millisecond {
		errs = append(errs, "HALO_PROJECTION_INTERVAL must be a duration of at least 100ms, such as 500ms")
	}
	if c.LegCountInterval, err = time.ParseDuration(env("HALO_LEG_COUNT_INTERVAL", "1s")); err != nil || c.LegCountInterval < 50*time.Millisecond {
		errs = append(errs, "HALO_LEG_COUNT_INTERVAL must be a duration of at least 50ms, such as 1s")
	}
	if c.ProjectionReload, err = time.ParseDuration(env("HALO_PROJECTION_RELOAD", "1h")); err != nil || c.ProjectionReload < time.Minute {
		errs = append(errs, "HALO_PROJECTION_RELOAD must be a duration of at least 1m, such as 1h")
	}
	if c.GiveWay, err = strconv.ParseFloat(env("HALO_BACKGROUND_GIVE_WAY", "3"), 64); err != nil || c.GiveWay < 0 || c.GiveWay > 100 || c.GiveWay != c.GiveWay {
		errs = append(errs, "HALO_BACKGROUND_GIVE_WAY must be a number from 0 to 100, such as 3")
	}
	if c.ReadTimeout, err = time.ParseDuration(env("HALO_READ_TIMEOUT", "30s")); err != nil || c.ReadTimeout < time.Second {
		errs = append(errs, "HALO_READ_TIMEOUT must be a duration of at least 1s, such as 30s")
	}
	if c.ReadsAtOnce, err = strconv.Atoi(env("HALO_READS_AT_ONCE", "0")); err != nil || c.ReadsAtOnce < 0 {
		errs = append(errs, "HALO_READS_AT_ONCE must be a whole number of at least 0 (0: no bound), such as 16")
	}
	if c.ReadWait, err = time.ParseDuration(env("HALO_READ_WAIT", "1s")); err != nil || c.ReadWait < 0 {
		errs = append(errs, "HALO_READ_WAIT must be a duration such as 1s")
	}
	if c.IngestAtOnce, err = strconv.Atoi(env("HALO_INGEST_AT_ONCE", "0")); err != nil || c.IngestAtOnce < 0 {
		errs = append(errs, "HALO_INGEST_AT_ONCE must be a whole number of at least 0 (0: no bound), such as 4")
	}
	if c.IngestAtOnceBusy, err = strconv.Atoi(env("HALO_INGEST_AT_ONCE_BUSY", "1")); err != nil || c.IngestAtOnceBusy < 0 {
		errs = append(errs, "HALO_INGEST_AT_ONCE_BUSY must be a whole number of at least 0 (0: no bound), such as 1")
	}
	if c.IngestBusyPart, err = strconv.Atoi(env("HALO_INGEST_BUSY_PART", "100")); err != nil || c.IngestBusyPart < 0 {
		errs = append(errs, "HALO_INGEST_BUSY_PART must be a whole number of at least 0 (0: the whole batch at once), such as 100")
	}
	if c.IngestGiveWay, err = strconv.ParseFloat(env("HALO_INGEST_GIVE_WAY", "1"), 64); err != nil || c.IngestGiveWay < 0 || c.IngestGiveWay > 10 || c.IngestGiveWay != c.IngestGiveWay {
		errs = append(errs, "HALO_INGEST_GIVE_WAY must be a number from 0 to 10, such as 1")
	}
	if c.WarmUp, err = time.ParseDuration(env("HALO_WARMUP", "60s")); err != nil || c.WarmUp < 0 {
		errs = append(errs, "HALO_WARMUP must be a duration such as 60s (0: no warm-up)")
	}
	if c.JoinWindow, err = time.ParseDuration(env("HALO_JOIN_WINDOW", "15m")); err != nil || c.JoinWindow <= 0 {
		errs = append(errs, "HALO_JOIN_WINDOW must be a positive duration such as 15m")
	}
	// 2944MiB: Go's soft limit covers its own memory, and the process holds about 30 MB beside
	// it; at the limit a payout run at 1M peaked at 3.25 GB resident, above 3 GiB (issue #19).
	if c.MemoryLimit, err = parseBytes(env("HALO_MEMORY_LIMIT", "2944MiB")); err != nil {
		errs = append(errs, "HALO_MEMORY_LIMIT must be a size such as 3GiB or 512MiB")
	}
	c.WebhookAllow = env("HALO_WEBHOOK_ALLOW", "")
	c.ConsentText = env("HALO_REFERRAL_CONSENT_TEXT", "")
	d := payouts.DemoACH
	c.ACH = payouts.ACHConfig{ImmediateDestination: env("HALO_ACH_DESTINATION", d.ImmediateDestination), ImmediateDestinationName: env("HALO_ACH_DESTINATION_NAME", d.ImmediateDestinationName),
		ImmediateOrigin: env("HALO_ACH_ORIGIN", d.ImmediateOrigin), ImmediateOriginName: env("HALO_ACH_ORIGIN_NAME", d.ImmediateOriginName),
		CompanyName: env("HALO_ACH_COMPANY_NAME", d.CompanyName), CompanyID: env("HALO_ACH_COMPANY_ID", d.CompanyID), ODFI: env("HALO_ACH_ODFI", d.ODFI),
		EntryDescription: env("HALO_ACH_DESCRIPTION", d.EntryDescription)}
	if len(c.ACH.ODFI) != 8 || strings.Trim(c.ACH.ODFI, "0123456789") != "" || len(c.ACH.ImmediateDestination) != 9 || len(c.ACH.CompanyID) > 10 || len(c.ACH.ImmediateOrigin) > 10 {
		errs = append(errs, "HALO_ACH_ODFI must be 8 digits, HALO_ACH_DESTINATION 9, HALO_ACH_ORIGIN and HALO_ACH_COMPANY_ID at most 10 characters")
	}
	c.Stripe = stripepay.Config{SecretKey: env("STRIPE_SECRET_KEY", ""), WebhookSecret: env("STRIPE_WEBHOOK_SECRET", ""), APIURL: env("STRIPE_API_URL", "")}
	c.Currency = env("HALO_CURRENCY", "usd")
	if c.Stripe.SecretKey != "" && c.Stripe.WebhookSecret == "" {
		errs = append(errs, "STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (Stripe's webhooks confirm the payments)")
	}
	c.PayerName, c.PayerTIN, c.PayerAddress = env("HALO_PAYER_NAME", "Halo"), env("HALO_PAYER_TIN", ""), env("HALO_PAYER_ADDRESS", "")
	if c.Thresholds1099, err = compliance.ParseThresholds(env("HALO_1099_THRESHOLDS", "2010:600.00,2026:2000.00")); err != nil {
		errs = append(errs, err.Error())
	}
	if c.WithdrawalPolicy = env("HALO_WITHDRAWAL_POLICY", "require_profile"); c.WithdrawalPolicy != "require_profile" && c.WithdrawalPolicy != "backup_withholding" {
		errs = append(errs, "HALO_WITHDRAWAL_POLICY must be require_profile or backup_withholding")
	}
	for _, d := range []struct {
		key, def string
		dst      *time.Duration
	}{{"HALO_WEBHOOK_TIMEOUT", "10s", &c.WebhookTimeout}, {"HALO_WEBHOOK_BACKOFF", "10s", &c.WebhookBackoff}, {"HALO_WEBHOOK_BACKOFF_MAX", "1h", &c.WebhookBackoffMax}} {
		if *d.dst, err = time.ParseDuration(env(d.key, d.def)); err != nil || *d.dst < 10*time.Millisecond {
			errs = append(errs, d.key+" must be a duration of at least 10ms, such as "+d.def)
		}
	}
	if c.ShutdownTimeout, err = time.ParseDuration(env("HALO_SHUTDOWN_TIMEOUT", "15s")); err != nil {
		errs = append(errs, "HALO_SHUTDOWN_TIMEOUT must be a duration such as 15s")
	}
	for _, n := range []struct {
		key, def string
		dst      *int
	}{{"HALO_LOGIN_FAILURES", "5", &c.LoginFailures}, {"HALO_LOGIN_FAILURES_PER_IP", "30", &c.LoginFailuresPerIP}, {"HALO_IMPORT_BATCH", "10000", &c.ImportBatch},
		{"HALO_WEBHOOK_MAX_ATTEMPTS", "10", &c.WebhookMaxAttempts}, {"HALO_OUTBOX_WORKERS", "16", &c.OutboxWorkers}} {
		if *n.dst, err = strconv.Atoi(env(n.key, n.def)); err != nil || *n.dst <= 0 {
			errs = append(errs, n.key+" must be a positive whole number")
		}
	}
	for _, p := range strings.Split(env("HALO_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, "HALO_TRUSTED_PROXIES must list addresses or CIDRs, such as 10.0.0.0/8,127.0.0.1")
			break
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("HALO_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, "HALO_LOG_LEVEL must be debug, info, warn or error")
	}
	c.RootRegisteredAt = now.UTC()
	if v := env("HALO_ROOT_REGISTERED_AT", ""); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, "HALO_ROOT_REGISTERED_AT must be an RFC 3339 time")
		}
		c.RootRegisteredAt = t.UTC()
	}
	if c.SecretKey == "" {
		if !c.Dev {
			errs = append(errs, "HALO_SECRET_KEY is required (it signs tokens and encrypts vendor secrets); set HALO_DEV=true to use a development key")
		}
		c.SecretKey = devSecretKey
	} else if len(c.SecretKey) < 32 {
		errs = append(errs, "HALO_SECRET_KEY must be at least 32 characters")
	}
	if c.Neo4jPassword == "" {
		if !c.Dev {
			errs = append(errs, "NEO4J_PASSWORD is required")
		}
		c.Neo4jPassword = "halo-dev-password"
	}
	if c.AdminPassword == "" && c.Dev {
		c.AdminPassword = "admin-demo-password"
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		errs = append(errs, "HALO_ADMIN_PASSWORD must be at least 8 characters")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, "HALO_LOG_FORMAT must be text or json")
	}
	if _, err := webhook.ParseAllow(c.WebhookAllow); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// LogValue lets the config be logged with every secret redacted.
func (c *Config) LogValue() slog.Value {
	red := func(s string) string {
		if s == "" {
			return "(unset)"
		}
		return "(set)"
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("neo4j_uri", c.Neo4jURI), slog.String("neo4j_user", c.Neo4jUser),
		slog.String("neo4j_password", red(c.Neo4jPassword)), slog.String("redis_addr", c.RedisAddr),
		slog.String("redis_addrs", strings.Join(c.RedisAddrs, ",")), slog.Bool("redis_cluster", c.RedisCluster), slog.String("redis_sentinel_master", c.RedisMaster),
		slog.String("admin_email", c.AdminEmail), slog.String("admin_password", red(c.AdminPassword)),
		slog.String("root_id", c.RootID), slog.Time("root_registered_at", c.RootRegisteredAt),
		slog.String("secret_key", red(c.SecretKey)), slog.Bool("dev", c.Dev), slog.String("plan_config", c.PlanConfig),
		slog.String("webhook_allow", c.WebhookAllow), slog.Duration("webhook_timeout", c.WebhookTimeout), slog.Int("webhook_max_attempts", c.WebhookMaxAttempts),
		slog.String("stripe_secret_key", red(c.Stripe.SecretKey)), slog.String("stripe_webhook_secret", red(c.Stripe.WebhookSecret)), slog.String("stripe_api_url", c.Stripe.APIURL),
	)
}

// parseBytes reads "3GiB", "512MiB" or a plain number of bytes.
func parseBytes(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size")
	}
	return n * mult, nil
}
