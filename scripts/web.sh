#!/usr/bin/env bash
# The back office (web/): dependencies from the npm registry (pinned by web/package-lock.json),
# the Vite build that halod embeds, its unit tests, and Debian's Chromium for the browser tests.
#
#   scripts/web.sh build     npm ci when the lock file changed, type-check, build into web/static/app
#   scripts/web.sh test      the Vitest unit tests
#   scripts/web.sh browser   apt-get install chromium when /usr/bin/chromium is missing
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/web"
say() { printf '[web] %s\n' "$*"; }
die() { printf '[web] ERROR: %s\n' "$*" >&2; exit 1; }

deps() {
  command -v npm >/dev/null || die "Node.js and npm are required to build the back office"
  local stamp=node_modules/.halo-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "installing the web app's packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}

case "${1:-build}" in
  build)
    deps
    say "building the back office"
    npx tsc --noEmit -p .
    npx vite build --logLevel warn
    ;;
  test)
    deps
    npx vitest run
    ;;
  browser)
    chromium="${HALO_CHROMIUM:-/usr/bin/chromium}"
    if [ ! -x "$chromium" ]; then
      say "installing chromium from Debian's packages"
      sudo=""
      [ "$(id -u)" = 0 ] || sudo="sudo"
      $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null || die "apt-get install chromium failed"
    fi
    [ -x "$chromium" ] || die "no Chromium at $chromium"
    ;;
  *) die "usage: scripts/web.sh build|test|browser" ;;
esac
