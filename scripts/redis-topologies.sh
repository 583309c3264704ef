#!/usr/bin/env bash
# Redis the way production may run it, for the cache package's tests: a three-primary Redis
# Cluster and a Sentinel-managed primary, all redis-server processes from Debian on loopback.
#
#   scripts/redis-topologies.sh start   start both (idempotent) and print their environment
#   scripts/redis-topologies.sh stop    stop both
#   scripts/redis-topologies.sh env     print HALO_TEST_REDIS_CLUSTER / HALO_TEST_REDIS_SENTINEL
#
# Ports: HALO_REDIS_CLUSTER_PORT (first of three, default 17001), HALO_REDIS_SENTINEL_PORT
# (default 17020; its primary on the port below it). Data under HALO_STACK_DIR/redis-topologies.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${HALO_STACK_DIR:-$ROOT/.stack/test}/redis-topologies"
C0="${HALO_REDIS_CLUSTER_PORT:-17001}"
SP="${HALO_REDIS_SENTINEL_PORT:-17020}"
PRIMARY=$((SP - 1))
say() { printf '[redis-topologies] %s\n' "$*" >&2; }
die() { printf '[redis-topologies] ERROR: %s\n' "$*" >&2; exit 1; }
up() { redis-cli -p "$1" ping 2>/dev/null | grep -q PONG; }
wait_up() { for _ in $(seq 1 40); do up "$1" && return 0; sleep 0.25; done; die "redis on $1 did not start (logs in $DIR)"; }

start_cluster() {
  local ports=("$C0" $((C0 + 1)) $((C0 + 2)))
  for p in "${ports[@]}"; do
    mkdir -p "$DIR/cluster-$p"
    if ! up "$p"; then
      redis-server --bind 127.0.0.1 --port "$p" --dir "$DIR/cluster-$p" --cluster-enabled yes \
        --cluster-config-file nodes.conf --cluster-node-timeout 2000 --daemonize yes --save "" --appendonly no \
        --logfile "$DIR/cluster-$p/redis.log" --pidfile "$DIR/cluster-$p/redis.pid" >/dev/null
    fi
    wait_up "$p"
  done
  if ! redis-cli -p "$C0" cluster info | grep -q 'cluster_state:ok'; then
    say "creating the cluster on ${ports[*]}"
    redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >/dev/null \
      || die "redis-cli --cluster create failed"
    for _ in $(seq 1 40); do redis-cli -p "$C0" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.25; done
  fi
  redis-cli -p "$C0" cluster info | grep -q 'cluster_state:ok' || die "the cluster is not ok"
}

start_sentinel() {
  mkdir -p "$DIR/primary" "$DIR/sentinel"
  if ! up "$PRIMARY"; then
    redis-server --bind 127.0.0.1 --port "$PRIMARY" --dir "$DIR/primary" --daemonize yes --save "" --appendonly no \
      --logfile "$DIR/primary/redis.log" --pidfile "$DIR/primary/redis.pid" >/dev/null
  fi
  wait_up "$PRIMARY"
  if ! up "$SP"; then
    cat >"$DIR/sentinel/sentinel.conf" <<CONF
bind 127.0.0.1
port $SP
dir $DIR/sentinel
sentinel monitor halo 127.0.0.1 $PRIMARY 1
sentinel down-after-milliseconds halo 2000
CONF
    redis-server "$DIR/sentinel/sentinel.conf" --sentinel --daemonize yes \
      --logfile "$DIR/sentinel/sentinel.log" --pidfile "$DIR/sentinel/sentinel.pid" >/dev/null
  fi
  wait_up "$SP"
}

print_env() {
  echo "export HALO_TEST_REDIS_CLUSTER=127.0.0.1:$C0,127.0.0.1:$((C0 + 1)),127.0.0.1:$((C0 + 2))"
  echo "export HALO_TEST_REDIS_SENTINEL=127.0.0.1:$SP"
  echo "export HALO_TEST_REDIS_SENTINEL_MASTER=halo"
}

case "${1:-start}" in
  start)
    command -v redis-server >/dev/null || die "redis-server is not installed (scripts/stack.sh install)"
    start_cluster
    start_sentinel
    say "cluster on $C0–$((C0 + 2)), sentinel on $SP (primary $PRIMARY)" >&2
    print_env ;;
  stop)
    for p in "$C0" $((C0 + 1)) $((C0 + 2)) "$PRIMARY" "$SP"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$DIR" ;;
  env) print_env ;;
  *) die "usage: $0 start|stop|env" ;;
esac
