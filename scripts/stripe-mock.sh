#!/usr/bin/env bash
# stripe-mock (Stripe's own API stand-in, from the Go module proxy) for the card-payment tests and
# the demo: installed once into the cache, started on 127.0.0.1:${STRIPE_MOCK_PORT:-12111},
# idempotently. Prints the environment to use it.
#   scripts/stripe-mock.sh start | stop | env
set -euo pipefail
VERSION=v0.203.0
PORT="${STRIPE_MOCK_PORT:-12111}"
CACHE="${HALO_CACHE:-$HOME/.cache/halo}"
BIN="$CACHE/bin/stripe-mock-$VERSION"
DIR="${HALO_STACK_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.stack/dev}/stripe-mock"
up() { curl -sf -o /dev/null -H "Authorization: Bearer sk_test_123" "http://127.0.0.1:$PORT/v1/customers"; }
case "${1:-}" in
start)
  if [ ! -x "$BIN" ]; then
    echo "[stripe-mock] installing $VERSION from the Go module proxy" >&2
    mkdir -p "$CACHE/bin"
    tmp="$(mktemp -d)"
    GOBIN="$tmp" go install "github.com/stripe/stripe-mock@$VERSION" >&2
    mv "$tmp/stripe-mock" "$BIN"
    rm -rf "$tmp"
  fi
  mkdir -p "$DIR"
  if ! up; then
    nohup "$BIN" -http-addr "127.0.0.1:$PORT" >"$DIR/stripe-mock.log" 2>&1 &
    echo $! >"$DIR/pid"
    for _ in $(seq 1 100); do up && break; sleep 0.1; done
    up || { echo "[stripe-mock] ERROR: not answering on $PORT" >&2; exit 1; }
  fi
  echo "[stripe-mock] up on 127.0.0.1:$PORT" >&2
  echo "export HALO_TEST_STRIPE_URL=http://127.0.0.1:$PORT"
  ;;
stop)
  if [ -f "$DIR/pid" ]; then kill "$(cat "$DIR/pid")" 2>/dev/null || true; rm -f "$DIR/pid"; fi
  ;;
env)
  echo "export HALO_TEST_STRIPE_URL=http://127.0.0.1:$PORT"
  ;;
*)
  echo "usage: scripts/stripe-mock.sh start|stop|env" >&2; exit 2 ;;
esac
