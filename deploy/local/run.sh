#!/usr/bin/env bash
# Starts every service of `make run` in the background from its built jar, two at a time so that
# two cores are not fought over by eight JVMs (the next as soon as one is ready), then prints the URLs.
# Logs: .kefu/logs/<service>.log; pids: .kefu/pids/<service>.pid. `make stop` stops them.
set -euo pipefail
cd "$(dirname "$0")/../.."
STATE=.kefu; LOGS=$STATE/logs; PIDS=$STATE/pids
mkdir -p "$LOGS" "$PIDS"
mapfile -t SERVICES < <(grep -vE '^\s*(#|$)' deploy/local/services.txt | awk '{print $1" "$2}')
WAIT=${KEFU_START_TIMEOUT:-240}
source deploy/local/jvm.sh
# The JDK's AOT cache (see jvm.sh): trained once per build, then every start reads it. KEFU_AOT=off skips it.
AOT=${KEFU_AOT:-on}

# The gateway serves no actuator on its public port: its readiness there is /readyz.
ready() { curl -fsS -m 2 "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1 || curl -fsS -m 2 "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; }
running() { [[ -f "$PIDS/$1.pid" ]] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

if [[ "${1:-}" == "--status" ]]; then
  for entry in "${SERVICES[@]}"; do
    read -r svc port <<<"$entry"
    if ready "$port"; then s=ready; elif running "$svc"; then s=starting; else s=stopped; fi
    printf '%-16s %-5s %s\n' "$svc" "$port" "$s"
  done
  exit 0
fi

start() { # module port
  local svc=$1 port=$2 jar
  if running "$svc"; then echo "  $svc already running (pid $(cat "$PIDS/$svc.pid"))"; return; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "  port $port is taken by another process; stop it or set SERVER_PORT" >&2; return 1
  fi
  jar=$(kefu_jar "$svc")
  [[ -n "$jar" ]] || { echo "  no jar for $svc: run 'make build'" >&2; return 1; }
  local launch="-jar $jar"
  if [[ $AOT == on ]] && kefu_aot_current "$svc"; then launch="$(kefu_aot_flags "$svc") -jar $(kefu_aot_jar "$svc")"; fi
  # shellcheck disable=SC2046,SC2086
  nohup env $(kefu_jvm_env "$svc") "$JAVA_HOME/bin/java" $(kefu_jvm_flags "$svc") -Dkefu.log.dir="$LOGS" $launch >"$LOGS/$svc.log" 2>&1 &
  echo $! >"$PIDS/$svc.pid"
  echo "  started $svc (pid $!, log $LOGS/$svc.log)"
}

# Starts two at a time, and the next one as soon as one of them is ready (not when both are: a fast
# service does not wait for a slow one's start).
PARALLEL=${KEFU_START_PARALLEL:-2}
declare -A since
check() { # module port: 0 ready, 1 still starting; exits when it died or timed out
  local svc=$1 port=$2
  if ready "$port"; then echo "  $svc ready on :$port ($(( SECONDS - since[$svc] )) s)"; return 0; fi
  if ! running "$svc"; then echo "  $svc exited; last lines of $LOGS/$svc.log:" >&2; tail -30 "$LOGS/$svc.log" >&2; exit 1; fi
  (( SECONDS - since[$svc] >= WAIT )) && { echo "  $svc not ready after ${WAIT}s; see $LOGS/$svc.log" >&2; exit 1; }
  return 1
}

echo "Starting Kefu ($(date +%T))"
n=${#SERVICES[@]}
if [[ $AOT == on ]]; then # train what changed since the last build, two at a time; a service whose training fails starts without
  for ((i = 0; i < n; i += 2)); do
    for entry in "${SERVICES[@]:i:2}"; do read -r svc _ <<<"$entry"; running "$svc" || kefu_aot_prepare "$svc" & done
    wait
  done
fi
pending=("${SERVICES[@]}"); starting=()
while (( ${#pending[@]} + ${#starting[@]} > 0 )); do
  while (( ${#starting[@]} < PARALLEL && ${#pending[@]} > 0 )); do
    read -r svc port <<<"${pending[0]}"; pending=("${pending[@]:1}")
    since[$svc]=$SECONDS; start "$svc" "$port"; starting+=("$svc $port")
  done
  sleep 0.3
  still=()
  for entry in "${starting[@]}"; do read -r svc port <<<"$entry"; check "$svc" "$port" || still+=("$entry"); done
  starting=("${still[@]}")
done
cat <<MSG

Kefu is up ($(date +%T)).
  Gateway (the one public entry)  http://127.0.0.1:8080
  Gateway health                  http://127.0.0.1:8080/readyz  (its actuator and metrics: http://127.0.0.1:9080/actuator)
  Each service directly           http://127.0.0.1:808[1-7]  (Swagger UI: /swagger-ui.html, metrics: /actuator/prometheus)
  Logs                            $LOGS/
  Stop                            make stop
MSG
