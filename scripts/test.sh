#!/usr/bin/env bash
# Runs every test: unit tests, the golden examples, and the integration tests against a real
# Neo4j and Redis. It starts its own test stack (ports 17687/17474/16379, data in .stack/test) so
# a development stack on the default ports is never touched. Under CI=true a service that cannot
# start fails the run.
#   scripts/test.sh            everything
#   scripts/test.sh -run Foo   extra flags go to `go test`
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export HALO_STACK_DIR="${HALO_TEST_STACK_DIR:-$ROOT/.stack/test}"
export NEO4J_BOLT_PORT="${HALO_TEST_NEO4J_BOLT_PORT:-17687}"
export NEO4J_HTTP_PORT="${HALO_TEST_NEO4J_HTTP_PORT:-17474}"
export REDIS_PORT="${HALO_TEST_REDIS_PORT:-16379}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-halo-dev-password}"

command -v go >/dev/null || { echo "[test] ERROR: Go is not installed" >&2; exit 1; }
echo "[test] starting the test stack"
if ! scripts/stack.sh start; then
  if [ "${CI:-}" = "true" ]; then echo "[test] ERROR: the test stack did not start (CI=true)" >&2; exit 1; fi
  echo "[test] WARNING: no test stack; integration tests will be skipped" >&2
fi
eval "$(scripts/stack.sh env)"
export HALO_ALLOW_WIPE=1
# A Redis Cluster and a Sentinel-managed primary for the cache package's tests.
if topo="$(scripts/redis-topologies.sh start)"; then
  eval "$topo"
elif [ "${CI:-}" = "true" ]; then
  echo "[test] ERROR: the Redis Cluster and Sentinel did not start (CI=true)" >&2; exit 1
else
  echo "[test] WARNING: no Redis Cluster or Sentinel; those cache tests will be skipped" >&2
fi

# stripe-mock for the card-payment tests.
if stripe="$(scripts/stripe-mock.sh start)"; then
  eval "$stripe"
elif [ "${CI:-}" = "true" ]; then
  echo "[test] ERROR: stripe-mock did not start (CI=true)" >&2; exit 1
else
  echo "[test] WARNING: no stripe-mock; the card-payment tests will be skipped" >&2
fi

# schemathesis (PyPI) for the property-based API test, in a virtualenv outside the repository.
SCHEMATHESIS_VERSION=4.32.5
venv="${HALO_CACHE:-$HOME/.cache/halo}/venv-schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$venv/bin/st" ]; then
  echo "[test] installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"; }; then
    rm -rf "$venv"
    if [ "${CI:-}" = "true" ]; then echo "[test] ERROR: schemathesis could not be installed (CI=true)" >&2; exit 1; fi
    echo "[test] WARNING: no schemathesis; the property-based API test will be skipped" >&2
  fi
fi
[ -x "$venv/bin/st" ] && export HALO_SCHEMATHESIS="$venv/bin/st"
# achkit (PyPI): an independent NACHA parser the payout-batch tests read Halo's ACH files back with.
ACHKIT_VERSION=0.2.0
achvenv="${HALO_CACHE:-$HOME/.cache/halo}/venv-achkit-$ACHKIT_VERSION"
if [ ! -x "$achvenv/bin/python" ] || ! "$achvenv/bin/python" -c 'import achkit' 2>/dev/null; then
  echo "[test] installing achkit $ACHKIT_VERSION from PyPI into $achvenv"
  if ! { python3 -m venv "$achvenv" && "$achvenv/bin/pip" install -q "achkit==$ACHKIT_VERSION"; }; then
    rm -rf "$achvenv"
    if [ "${CI:-}" = "true" ]; then echo "[test] ERROR: achkit could not be installed (CI=true)" >&2; exit 1; fi
    echo "[test] WARNING: no achkit; the NACHA file check will be skipped" >&2
  fi
fi
[ -x "$achvenv/bin/python" ] && export HALO_ACHKIT_PYTHON="$achvenv/bin/python"
export HALO_SHARED="${HALO_SHARED:-$ROOT/../shared}"

# The back office: built (halod embeds it), unit-tested, and Chromium for the browser tests
# (cmd/halod's TestBackOfficeInABrowser drives it with Playwright against a real halod).
web_fail() {
  if [ "${CI:-}" = "true" ]; then echo "[test] ERROR: $1 (CI=true)" >&2; exit 1; fi
  echo "[test] WARNING: $1; the browser tests will be skipped" >&2
}
if scripts/web.sh build; then
  echo "[test] web unit tests (Vitest)"
  scripts/web.sh test
else
  web_fail "the back office could not be built"
fi
scripts/web.sh browser || web_fail "Chromium could not be installed"

echo "[test] go vet"
go vet ./...
echo "[test] go test (packages one at a time: they share the test Neo4j)"
go test -p 1 -count=1 "$@" ./...

# Bounded fuzzing of everything that parses outside input (the committed corpora under
# */testdata/fuzz also run as plain tests above). HALO_FUZZ_TIME=0 skips it.
fuzztime="${HALO_FUZZ_TIME:-10s}"
if [ $# -eq 0 ] && [ "$fuzztime" != "0" ]; then
  for target in engine:FuzzParseUnits engine:FuzzParseConfig graph/sales:FuzzParseEvent \
                graph/genealogy:FuzzImportValidate graph/field:FuzzAttendanceRefs; do
    echo "[test] fuzz ${target#*:} for $fuzztime"
    go test -run '^$' -fuzz "^${target#*:}\$" -fuzztime "$fuzztime" "./${target%%:*}" 2>&1 | tail -n 2
  done
fi
