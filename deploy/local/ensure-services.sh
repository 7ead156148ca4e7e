#!/usr/bin/env bash
# Makes sure the machine's PostgreSQL, Redis and RabbitMQ are up, for `make run`, `make test` and CI:
# installs them from Debian's packages if missing, starts them if stopped, enables RabbitMQ's
# management API (tests create a vhost per run through it) and creates the `kefu` role and database.
# Idempotent; safe to run on every build.
set -uo pipefail
say() { echo "[services] $*"; }
SUDO=""; [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && SUDO="sudo"

PG_HOST=${KEFU_DB_HOST:-127.0.0.1}; PG_PORT=${KEFU_DB_PORT:-5432}
REDIS_HOST=${KEFU_REDIS_HOST:-127.0.0.1}; REDIS_PORT=${KEFU_REDIS_PORT:-6379}
RABBIT_HOST=${KEFU_RABBIT_HOST:-127.0.0.1}; RABBIT_PORT=${KEFU_RABBIT_PORT:-5672}
DB_USER=${KEFU_DB_USER:-kefu}; DB_PASSWORD=${KEFU_DB_PASSWORD:-kefu}; DB_NAME=${KEFU_DB_NAME:-kefu}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { for _ in $(seq 1 "${3:-60}"); do port_open "$1" "$2" && return 0; sleep 1; done; return 1; }
is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 ]]; }
apt_install() {
  if ! command -v apt-get >/dev/null; then say "cannot install $* here (no apt-get): install it by hand"; return 1; fi
  [[ -n "${APT_UPDATED:-}" ]] || { $SUDO apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL -------------------------------------------------------------
if ! port_open "$PG_HOST" "$PG_PORT"; then
  if is_local "$PG_HOST"; then
    command -v pg_ctlcluster >/dev/null || { say "installing PostgreSQL"; apt_install postgresql; }
    ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
    say "starting PostgreSQL $ver"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  fi
  wait_port "$PG_HOST" "$PG_PORT" 60 || { say "PostgreSQL is not reachable on $PG_HOST:$PG_PORT"; exit 1; }
fi
psql_admin() {
  if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1 && is_local "$PG_HOST"; then
    su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -h $PG_HOST -p $PG_PORT -d postgres $(printf '%q ' "$@")"
  else
    psql -v ON_ERROR_STOP=1 -qAt -h "$PG_HOST" -p "$PG_PORT" -U "${PGUSER:-postgres}" -d postgres "$@"
  fi
}
# Eight services' pools plus the test JVMs' cached contexts (and a benchmark beside them) pass Debian's
# default of 100 connections; raise a local server to 300 once (it takes a restart).
PG_MIN_CONNECTIONS=${KEFU_DB_MIN_CONNECTIONS:-300}
if is_local "$PG_HOST" && (( $(psql_admin -c "show max_connections") < PG_MIN_CONNECTIONS )); then
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  say "raising PostgreSQL max_connections to $PG_MIN_CONNECTIONS (restart)"
  psql_admin -c "alter system set max_connections = $PG_MIN_CONNECTIONS" \
    && $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main restart \
    && wait_port "$PG_HOST" "$PG_PORT" 60 || say "could not raise max_connections: parallel runs may exhaust connections"
fi
if [[ -z $(psql_admin -c "select 1 from pg_roles where rolname='$DB_USER'") ]]; then
  say "creating role $DB_USER"
  psql_admin -c "create role $DB_USER login createdb password '$DB_PASSWORD'"
else
  psql_admin -c "alter role $DB_USER login createdb password '$DB_PASSWORD'" >/dev/null
fi
if [[ -z $(psql_admin -c "select 1 from pg_database where datname='$DB_NAME'") ]]; then
  say "creating database $DB_NAME"
  psql_admin -c "create database $DB_NAME owner $DB_USER"
fi

# --- Redis ------------------------------------------------------------------
if ! port_open "$REDIS_HOST" "$REDIS_PORT"; then
  if is_local "$REDIS_HOST"; then
    command -v redis-server >/dev/null || { say "installing Redis"; apt_install redis-server; }
    say "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  wait_port "$REDIS_HOST" "$REDIS_PORT" 30 || { say "Redis is not reachable on $REDIS_HOST:$REDIS_PORT"; exit 1; }
fi

# --- RabbitMQ ---------------------------------------------------------------
if is_local "$RABBIT_HOST"; then
  command -v rabbitmq-server >/dev/null || { say "installing RabbitMQ"; apt_install rabbitmq-server; }
  if ! port_open "$RABBIT_HOST" "$RABBIT_PORT"; then
    say "starting RabbitMQ"
    $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_port "$RABBIT_HOST" "$RABBIT_PORT" 90 || { say "RabbitMQ did not open $RABBIT_PORT"; exit 1; }
  fi
  if ! port_open "$RABBIT_HOST" 15672; then
    say "enabling RabbitMQ management API"
    $SUDO rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 || say "could not enable rabbitmq_management (tests fall back to vhost /)"
    wait_port "$RABBIT_HOST" 15672 60 || say "management API not reachable on 15672 (tests fall back to vhost /)"
  fi
else
  wait_port "$RABBIT_HOST" "$RABBIT_PORT" 60 || { say "RabbitMQ is not reachable on $RABBIT_HOST:$RABBIT_PORT"; exit 1; }
fi
# --- Tools the deploy checks use --------------------------------------------
# kubectl renders deploy/k8s's kustomize overlays; yamllint lints them (KubernetesManifestsMatchCodeTest).
command -v kubectl >/dev/null || { say "installing kubectl (deploy/k8s checks)"; apt_install kubectl || say "kubectl missing: deploy's manifest tests will fail"; }
command -v yamllint >/dev/null || { say "installing yamllint (deploy/k8s checks)"; apt_install yamllint || say "yamllint missing: deploy's manifest tests will fail"; }
# jq and curl run the README's first-steps walkthrough as a user pastes it (ReadmeWalkthroughE2ETest).
command -v jq >/dev/null || { say "installing jq (the README walkthrough)"; apt_install jq || say "jq missing: the README walkthrough test will fail"; }
command -v curl >/dev/null || { say "installing curl (the README walkthrough)"; apt_install curl || say "curl missing: the README walkthrough test will fail"; }

# --- Browser for the dashboard's tests (Selenium): Debian's chromium + its driver, and a CJK font --------
if [[ "${KEFU_SKIP_BROWSER:-}" != 1 ]]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|droid sans fallback' || missing+=(fonts-wqy-microhei)
  if ((${#missing[@]})); then
    say "installing ${missing[*]} (browser tests of the stats dashboard)"
    apt_install "${missing[@]}" || say "could not install ${missing[*]}: the dashboard's browser test will be skipped"
  fi
fi
say "PostgreSQL $PG_HOST:$PG_PORT (db $DB_NAME, user $DB_USER), Redis $REDIS_HOST:$REDIS_PORT, RabbitMQ $RABBIT_HOST:$RABBIT_PORT ready"
