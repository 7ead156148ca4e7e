#!/usr/bin/env bash
# Start-up time and idle memory of each service, one JVM at a time, for several ways of starting it
# (issue 15: ready <= 10 s, idle <= 300 MB resident; "say what each setting costs, keep what helps").
# For each service and variant: start it from its built jar, poll readiness every 100 ms, note the
# seconds to ready, wait KEFU_IDLE_SECONDS (default 15), read VmRSS from /proc, stop it. Runs are repeated
# KEFU_RUNS times (default 3) and the medians printed as one table. Needs `make build` and the local
# PostgreSQL/Redis/RabbitMQ (make services); RSS counts the mapped AOT cache, "anon" is the private part. Usage: deploy/local/startup-bench.sh [service ...]
#   KEFU_VARIANTS="plain run aot" picks variants (default: all below but trial).
#   KEFU_VARIANTS="aot trial" KEFU_TRIAL_FLAGS="-XX:..." compares make run's launch with extra flags on top.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/jvm.sh
RUNS=${KEFU_RUNS:-3}
IDLE=${KEFU_IDLE_SECONDS:-15}
VARIANTS=(${KEFU_VARIANTS:-plain heavy run lazy aot aotreloc})
mapfile -t ALL < <(grep -vE '^\s*(#|$)' deploy/local/services.txt | awk '{print $1" "$2}')
WANT=("$@")
OUT=.kefu/startup; mkdir -p "$OUT"

ready() { curl -fsS -m 1 "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1 || curl -fsS -m 1 "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); else print "-"}'; }

# What make run used before the lean settings (C1, serial collector, heap cap only).
HEAVY="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m --enable-native-access=ALL-UNNAMED"

# variant service -> the command line (java and its flags; the launch target last)
command_for() {
  local variant=$1 svc=$2 env java="$JAVA_HOME/bin/java"
  env="env $(kefu_jvm_env "$svc")"
  case $variant in
    plain) echo "$java --enable-native-access=ALL-UNNAMED -jar $(kefu_jar "$svc")" ;;
    heavy) echo "$java $HEAVY -jar $(kefu_jar "$svc")" ;;
    run)   echo "$env $java $(kefu_jvm_flags "$svc") -jar $(kefu_jar "$svc")" ;;
    lazy)  echo "$env $java $(kefu_jvm_flags "$svc") -Dspring.main.lazy-initialization=true -jar $(kefu_jar "$svc")" ;;
    aot)   kefu_aot_prepare "$svc" >&2 && echo "$env $java $(kefu_jvm_flags "$svc") $(kefu_aot_flags "$svc") -jar $(kefu_aot_jar "$svc")" ;;
    aotreloc) kefu_aot_prepare "$svc" >&2 && echo "$env $java $(kefu_jvm_flags "$svc") $(kefu_aot_flags "$svc" | sed 's/-XX:ArchiveRelocationMode=0/-XX:ArchiveRelocationMode=1/') -jar $(kefu_aot_jar "$svc")" ;;
    trial) kefu_aot_prepare "$svc" >&2 && echo "$env $java $(kefu_jvm_flags "$svc") $(kefu_aot_flags "$svc") $KEFU_TRIAL_FLAGS -jar $(kefu_aot_jar "$svc")" ;;
    *)     echo "unknown variant $variant" >&2; return 1 ;;
  esac
}

cpu_seconds() { # pid -> user + system CPU seconds of the process so far
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"
}

one_run() { # variant service port -> "seconds rss_mb anon_mb cpu_seconds"
  local variant=$1 svc=$2 port=$3 cmd pid t0 t1 rss cpu
  cmd=$(command_for "$variant" "$svc")
  if ready "$port"; then echo "port $port already serves something; stop it first (make stop)" >&2; exit 1; fi
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  $cmd -Dkefu.log.dir="$OUT" >"$OUT/$svc-$variant.log" 2>&1 &
  pid=$!
  until ready "$port"; do
    kill -0 "$pid" 2>/dev/null || { echo "$svc ($variant) exited; see $OUT/$svc-$variant.log" >&2; return 1; }
    sleep 0.1
  done
  t1=$(date +%s.%N)
  cpu=$(cpu_seconds "$pid")
  sleep "$IDLE"
  rss=$(awk '/VmRSS/ {r=int($2/1024)} /RssAnon/ {a=int($2/1024)} END {print r" "a}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(echo "$t1 - $t0" | bc -l | xargs printf '%.1f') $rss $cpu"
}

printf 'Start-up and idle memory, %s runs each, JDK %s, %s cores, load average before: %s\n' \
  "$RUNS" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %-6s %10s %14s %10s %12s\n' service variant "ready s" "CPU s to ready" "RSS MB" "of it anon"
for entry in "${ALL[@]}"; do
  read -r svc port <<<"$entry"
  [[ ${#WANT[@]} -eq 0 || " ${WANT[*]} " == *" $svc "* ]] || continue
  for variant in "${VARIANTS[@]}"; do
    : >"$OUT/$svc-$variant.runs"
    for ((r = 0; r < RUNS; r++)); do one_run "$variant" "$svc" "$port" >>"$OUT/$svc-$variant.runs"; done
    printf '%-16s %-6s %10s %14s %10s %12s\n' "$svc" "$variant" "$(cut -d' ' -f1 "$OUT/$svc-$variant.runs" | median)" \
      "$(cut -d' ' -f4 "$OUT/$svc-$variant.runs" | median)" "$(cut -d' ' -f2 "$OUT/$svc-$variant.runs" | median)" \
      "$(cut -d' ' -f3 "$OUT/$svc-$variant.runs" | median)"
  done
done
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
