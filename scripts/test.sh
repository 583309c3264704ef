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

# Python test tools from PyPI, each in a virtualenv of its own outside the repository:
# pyvenv NAME VERSION CHECK prints the venv's path once NAME==VERSION is installed and CHECK (a
# file in it) exists; under CI=true a failed install fails the run.
pyvenv() {
  local venv="${HALO_CACHE:-$HOME/.cache/halo}/venv-$1-$2"
  if ! compgen -G "$venv/$3" >/dev/null; then
    echo "[test] installing $1 $2 from PyPI into $venv" >&2
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q "$1==$2"; } >&2; then
      rm -rf "$venv"
      if [ "${CI:-}" = "true" ]; then echo "[test] ERROR: $1 could not be installed (CI=true)" >&2; return 1; fi
      echo "[test] WARNING: no $1; the tests that need it will be skipped" >&2
      return 0
    fi
  fi
  echo "$venv"
}
# schemathesis for the property-based API test; achkit, an independent NACHA parser the
# payout-batch tests read Halo's ACH files back with.
venv="$(pyvenv schemathesis 4.32.5 bin/st)" || exit 1
[ -n "$venv" ] && export HALO_SCHEMATHESIS="$venv/bin/st"
achvenv="$(pyvenv achkit 0.2.0 lib/python3*/site-packages/achkit/__init__.py)" || exit 1
[ -n "$achvenv" ] && export HALO_ACHKIT_PYTHON="$achvenv/bin/python"
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
# The API package (every route against the real services, and schemathesis over the whole spec)
# takes 4 to 8 minutes on two cores, and past Go's default 10 minutes per package on a slow CI
# machine; the whole suite still has to stay under 25.
go test -p 1 -count=1 -timeout 20m "$@" ./...

# Bounded fuzzing of everything that parses outside input (the committed corpora under
# */testdata/fuzz also run as plain tests above). HALO_FUZZ_TIME=0 skips it.
fuzztime="${HALO_FUZZ_TIME:-10s}"
if [ $# -eq 0 ] && [ "$fuzztime" != "0" ]; then
  for target in engine:FuzzParseUnits engine:FuzzParseConfig graph/sales:FuzzParseEvent \
                graph/genealogy:FuzzImportValidate graph/field:FuzzAttendanceRefs; do
    echo "[test] fuzz ${target#*:} for $fuzztime"
    # A finding writes its input under testdata/fuzz and fails at once. A failure that wrote no
    # input (a worker lost on a loaded machine has printed only "exit status 1") is shown in full
    # and the target run once more, so CI tells the two apart instead of stopping on a bare status.
    out="$(mktemp)"
    for attempt in 1 2; do
      if go test -run '^$' -fuzz "^${target#*:}\$" -fuzztime "$fuzztime" "./${target%%:*}" >"$out" 2>&1; then
        tail -n 2 "$out"; break
      fi
      tail -n 40 "$out"
      if grep -q "Failing input written to" "$out" || [ "$attempt" = 2 ]; then
        rm -f "$out"; echo "[test] fuzz ${target#*:} failed"; exit 1
      fi
      echo "[test] fuzz ${target#*:} failed without an input; once more"
    done
    rm -f "$out"
  done
fi
