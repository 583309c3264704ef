#!/usr/bin/env bash
# Halo's backing services, for development, tests and CI: Neo4j 5.26 Community (jars from Maven
# Central, started with its own CommunityEntryPoint, Neo4j Browser included) and Redis (Debian).
#
#   scripts/stack.sh install   fetch Neo4j jars into the cache, apt-get install redis-server
#   scripts/stack.sh start     install if needed, start both, wait until they answer (idempotent)
#   scripts/stack.sh stop      stop both cleanly
#   scripts/stack.sh status    say what runs
#   scripts/stack.sh env       print the NEO4J_*/REDIS_ADDR a client of this stack needs
#   scripts/stack.sh neo4j-stop|neo4j-start|redis-stop|redis-start   one service alone
#
# Everything is configurable; a second, empty stack can run beside the first on other ports:
#   HALO_STACK_DIR=/tmp/s2 NEO4J_BOLT_PORT=17688 NEO4J_HTTP_PORT=17475 REDIS_PORT=16380 scripts/stack.sh start
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
HALO_CACHE="${HALO_CACHE:-$HOME/.cache/halo}"
HALO_STACK_DIR="${HALO_STACK_DIR:-$ROOT/.stack/dev}"
# Absolute, always: Neo4j resolves a relative home against its own directories, so a relative
# path started a second, empty database whose password was never set.
mkdir -p "$HALO_STACK_DIR"
HALO_STACK_DIR="$(cd "$HALO_STACK_DIR" && pwd)"
NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-7687}"
NEO4J_HTTP_PORT="${NEO4J_HTTP_PORT:-7474}"
NEO4J_PASSWORD="${NEO4J_PASSWORD:-halo-dev-password}"
NEO4J_HEAP="${NEO4J_HEAP:-1g}"
NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-1g}"
REDIS_PORT="${REDIS_PORT:-6379}"
START_TIMEOUT="${START_TIMEOUT:-120}"

NEO4J_LIB="$HALO_CACHE/neo4j-$NEO4J_VERSION/lib"
NEO4J_HOME="$HALO_STACK_DIR/neo4j"
REDIS_DIR="$HALO_STACK_DIR/redis"

say() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_neo4j() {
  if [ -f "$NEO4J_LIB/neo4j-$NEO4J_VERSION.jar" ] && [ -f "$NEO4J_LIB/.complete" ]; then
    return
  fi
  command -v java >/dev/null || die "java is not installed (Neo4j $NEO4J_VERSION needs Java 17)"
  command -v mvn >/dev/null || die "mvn is not installed (it fetches Neo4j from Maven Central)"
  say "fetching Neo4j $NEO4J_VERSION and Neo4j Browser from Maven Central into $NEO4J_LIB"
  mkdir -p "$NEO4J_LIB"
  mvn -q -B -Dstyle.color=never --no-transfer-progress -f "$ROOT/scripts/neo4j/pom.xml" -Dneo4j.version="$NEO4J_VERSION" \
      dependency:copy-dependencies -DoutputDirectory="$NEO4J_LIB" -DincludeScope=runtime \
    || die "maven could not fetch Neo4j $NEO4J_VERSION (is Maven Central reachable?)"
  [ -f "$NEO4J_LIB/neo4j-$NEO4J_VERSION.jar" ] || die "Neo4j jar missing after download"
  touch "$NEO4J_LIB/.complete"
}

install_redis() {
  command -v redis-server >/dev/null && return
  say "installing redis-server from Debian's packages"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null || die "apt-get install redis-server failed"
}

neo4j_pid() { [ -f "$NEO4J_HOME/run/neo4j.pid" ] && cat "$NEO4J_HOME/run/neo4j.pid" 2>/dev/null || true; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

NEO4J_JVM_OPTS=(
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+AlwaysPreTouch -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true -Djdk.tls.ephemeralDHKeySize=2048
  -Djdk.tls.rejectClientInitiatedRenegotiation=true -XX:FlightRecorderOptions=stackdepth=256
  -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
  -Dlog4j2.disable.jmx=true -Dlog4j.layout.jsonTemplate.maxStringLength=32768
)
# More JVM options, space-separated, after those above (a later option wins), e.g. to log the
# collector's pauses: NEO4J_JVM_EXTRA="-Xlog:gc:file=/tmp/neo4j-gc.log:uptime,time".
read -r -a NEO4J_JVM_EXTRA_OPTS <<<"${NEO4J_JVM_EXTRA:-}"

start_neo4j() {
  install_neo4j
  local pid; pid="$(neo4j_pid)"
  if alive "$pid" && port_open "$NEO4J_BOLT_PORT"; then
    say "neo4j already running (pid $pid, bolt 127.0.0.1:$NEO4J_BOLT_PORT)"; return
  fi
  if port_open "$NEO4J_BOLT_PORT"; then
    die "port $NEO4J_BOLT_PORT is taken by another process; set NEO4J_BOLT_PORT"
  fi
  mkdir -p "$NEO4J_HOME"/{conf,data,logs,plugins,run,import}
  cat > "$NEO4J_HOME/conf/neo4j.conf" <<CONF
server.directories.data=$NEO4J_HOME/data
server.directories.logs=$NEO4J_HOME/logs
server.directories.plugins=$NEO4J_HOME/plugins
server.directories.import=$NEO4J_HOME/import
server.directories.run=$NEO4J_HOME/run
server.default_listen_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:$NEO4J_BOLT_PORT
server.bolt.advertised_address=127.0.0.1:$NEO4J_BOLT_PORT
server.http.listen_address=127.0.0.1:$NEO4J_HTTP_PORT
server.http.advertised_address=127.0.0.1:$NEO4J_HTTP_PORT
server.https.enabled=false
server.memory.heap.initial_size=$NEO4J_HEAP
server.memory.heap.max_size=$NEO4J_HEAP
server.memory.pagecache.size=$NEO4J_PAGECACHE
dbms.security.auth_enabled=true
dbms.usage_report.enabled=false
server.bolt.telemetry.enabled=false
server.bolt.connection_keep_alive_for_requests=OFF
db.tx_log.rotation.retention_policy=1 days
# How soon a cached plan may be replanned once the statistics moved (README, issue #19).
dbms.cypher.min_replan_interval=${NEO4J_MIN_REPLAN_INTERVAL:-10s}
CONF
  if [ ! -f "$NEO4J_HOME/data/dbms/auth.ini" ] && [ ! -d "$NEO4J_HOME/data/databases/system" ]; then
    say "setting the initial neo4j password (new data directory $NEO4J_HOME/data)"
    NEO4J_HOME="$NEO4J_HOME" NEO4J_CONF="$NEO4J_HOME/conf" java -cp "$NEO4J_LIB/*" org.neo4j.cli.AdminTool \
      dbms set-initial-password "$NEO4J_PASSWORD" >"$NEO4J_HOME/logs/set-password.log" 2>&1 \
      || die "could not set the initial password (see $NEO4J_HOME/logs/set-password.log)"
  fi
  # Neo4j Browser sends no usage statistics or crash reports (Segment, Sentry) and offers no
  # remote guides; it reads browser.allow_outgoing_connections as false when Community does not
  # declare it (5.26 does not), so it loads no remote fonts or widgets either. These are settings
  # of the server's own module: neo4j-admin (above) does not know them.
  cat >> "$NEO4J_HOME/conf/neo4j.conf" <<CONF
client.allow_telemetry=false
browser.remote_content_hostname_whitelist=localhost
CONF
  say "starting neo4j $NEO4J_VERSION (bolt 127.0.0.1:$NEO4J_BOLT_PORT, http 127.0.0.1:$NEO4J_HTTP_PORT, heap $NEO4J_HEAP, page cache $NEO4J_PAGECACHE)"
  local t0; t0=$(date +%s%N)
  # setsid: Neo4j gets its own session, so a Ctrl-C (or a signal to the caller's process group)
  # stops halod, never the database.
  #
  # The JVM options are those Neo4j's own launcher reads from the neo4j.conf it ships
  # (server.jvm.additional in 5.26), since this script starts the entry point itself. Without
  # the --add-opens the page cache and Bolt's Netty fall back to slower buffer access (debug.log:
  # "Reflection access to java.nio.DirectByteBuffer is not available, using fallback mode").
  setsid nohup java -Xms"$NEO4J_HEAP" -Xmx"$NEO4J_HEAP" -XX:+ExitOnOutOfMemoryError "${NEO4J_JVM_OPTS[@]}" "${NEO4J_JVM_EXTRA_OPTS[@]}" \
    -Dfile.encoding=UTF-8 -cp "$NEO4J_LIB/*" org.neo4j.server.CommunityEntryPoint \
    --home-dir="$NEO4J_HOME" --config-dir="$NEO4J_HOME/conf" >"$NEO4J_HOME/logs/console.log" 2>&1 &
  echo $! > "$NEO4J_HOME/run/neo4j.pid"
  local waited=0
  until port_open "$NEO4J_BOLT_PORT"; do
    alive "$(neo4j_pid)" || { tail -30 "$NEO4J_HOME/logs/console.log" >&2; die "neo4j exited during start-up (log: $NEO4J_HOME/logs/console.log)"; }
    sleep 0.5; waited=$((waited + 1))
    [ "$waited" -lt $((START_TIMEOUT * 2)) ] || die "neo4j did not open bolt within ${START_TIMEOUT}s (log: $NEO4J_HOME/logs/console.log)"
  done
  say "neo4j is up in $(( ($(date +%s%N) - t0) / 1000000 )) ms (pid $(neo4j_pid))"
}

stop_neo4j() {
  local pid; pid="$(neo4j_pid)"
  if ! alive "$pid"; then say "neo4j is not running"; rm -f "$NEO4J_HOME/run/neo4j.pid"; return; fi
  say "stopping neo4j (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 120); do alive "$pid" || break; sleep 0.5; done
  if alive "$pid"; then say "neo4j did not stop in 60s, killing it"; kill -9 "$pid"; fi
  rm -f "$NEO4J_HOME/run/neo4j.pid"
}

redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

start_redis() {
  install_redis
  if redis_cli ping 2>/dev/null | grep -q PONG; then
    say "redis already running (127.0.0.1:$REDIS_PORT)"; return
  fi
  mkdir -p "$REDIS_DIR"
  say "starting redis (127.0.0.1:$REDIS_PORT, data $REDIS_DIR)"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no >/dev/null \
    || die "redis-server failed to start (log: $REDIS_DIR/redis.log)"
  for _ in $(seq 1 40); do redis_cli ping 2>/dev/null | grep -q PONG && { say "redis is up"; return; }; sleep 0.25; done
  die "redis did not answer PING (log: $REDIS_DIR/redis.log)"
}

stop_redis() {
  if redis_cli ping 2>/dev/null | grep -q PONG; then
    say "stopping redis (127.0.0.1:$REDIS_PORT)"
    redis_cli shutdown nosave >/dev/null 2>&1 || true
  else
    say "redis is not running"
  fi
}

status() {
  if alive "$(neo4j_pid)" && port_open "$NEO4J_BOLT_PORT"; then say "neo4j: running (pid $(neo4j_pid), bolt $NEO4J_BOLT_PORT, http $NEO4J_HTTP_PORT, rss $(ps -o rss= -p "$(neo4j_pid)" | awk '{printf "%d MiB", $1/1024}'))"; else say "neo4j: stopped"; fi
  if redis_cli ping 2>/dev/null | grep -q PONG; then say "redis: running ($REDIS_PORT)"; else say "redis: stopped"; fi
}

print_env() {
  cat <<ENV
export NEO4J_URI=bolt://127.0.0.1:$NEO4J_BOLT_PORT
export NEO4J_USER=neo4j
export NEO4J_PASSWORD=$NEO4J_PASSWORD
export REDIS_ADDR=127.0.0.1:$REDIS_PORT
ENV
}

case "${1:-}" in
  install) install_neo4j; install_redis; say "installed" ;;
  start) start_neo4j; start_redis ;;
  stop) stop_neo4j; stop_redis ;;
  restart) stop_neo4j; stop_redis; start_neo4j; start_redis ;;
  status) status ;;
  env) print_env ;;
  neo4j-start) start_neo4j ;;
  neo4j-stop) stop_neo4j ;;
  redis-start) start_redis ;;
  redis-stop) stop_redis ;;
  *) echo "usage: $0 install|start|stop|restart|status|env|neo4j-start|neo4j-stop|redis-start|redis-stop" >&2; exit 2 ;;
esac
