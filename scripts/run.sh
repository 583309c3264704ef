#!/usr/bin/env bash
# One command on a fresh machine: installs what is missing (Neo4j from Maven Central, Redis from
# Debian), starts them, builds halod, applies migrations, seeds the demo network and runs Halo.
# Ctrl-C stops halod (Neo4j and Redis keep running; scripts/stack.sh stop stops them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v go >/dev/null || { echo "[run] ERROR: Go is not installed" >&2; exit 1; }
scripts/stack.sh start
eval "$(scripts/stack.sh env)"

export HALO_ADDR="${HALO_ADDR:-127.0.0.1:8080}"
if [ -z "${HALO_SECRET_KEY:-}" ]; then
  export HALO_DEV=true   # development key and defaults; set HALO_SECRET_KEY for anything real
fi
# The demo network is back-dated two months; a root registered at first start-up would postdate it.
export HALO_ROOT_REGISTERED_AT="${HALO_ROOT_REGISTERED_AT:-$(date -u -d '-90 days' +%Y-%m-%dT00:00:00Z)}"
export HALO_ADMIN_EMAIL="${HALO_ADMIN_EMAIL:-admin@halo.local}"
export HALO_ADMIN_PASSWORD="${HALO_ADMIN_PASSWORD:-admin-demo-password}"
# The demo network is small and nobody waits on a balancer: a short warm-up (README, HALO_WARMUP).
export HALO_WARMUP="${HALO_WARMUP:-10s}"
# Card payments in the demo go to stripe-mock (Stripe's stand-in, from the Go module proxy): the
# payment step works end to end except that no card is charged; a real key replaces all three.
if [ -z "${STRIPE_SECRET_KEY:-}" ] && eval "$(STRIPE_MOCK_PORT="${STRIPE_MOCK_PORT:-12111}" scripts/stripe-mock.sh start)"; then
  export STRIPE_SECRET_KEY=sk_test_demo STRIPE_WEBHOOK_SECRET=whsec_demo STRIPE_API_URL="$HALO_TEST_STRIPE_URL"
fi

if ! scripts/web.sh build; then
  echo "[run] WARNING: the back office could not be built; halod serves a page that says how" >&2
fi
echo "[run] building halod"
mkdir -p bin
go build -o bin/halod ./cmd/halod
echo "[run] migrations and demo network"
bin/halod seed-demo

port="${HALO_ADDR##*:}"
cat <<INFO

  Halo is starting.
    Back office  http://127.0.0.1:$port/
    API          http://127.0.0.1:$port/api/v1
    Swagger UI   http://127.0.0.1:$port/swagger/index.html
    Readiness    http://127.0.0.1:$port/readyz
    Neo4j Browser http://127.0.0.1:${NEO4J_HTTP_PORT:-7474}/browser/  (bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}, user neo4j, password $NEO4J_PASSWORD)
  Demo logins (the back office, or POST /api/v1/auth/login):
    admin        $HALO_ADMIN_EMAIL / $HALO_ADMIN_PASSWORD
    consultant   ana@demo.halo.local / demo-password
    customer     cust-mia@demo.halo.local / demo-password
    pack to pay  quinn@demo.halo.local / demo-password   (Tax & payouts → Pay by card)

INFO
exec bin/halod serve
