# How `make run` (run.sh) and the start-up benchmark (startup-bench.sh) launch a service's JVM.
# Sourced, not run. Needs JAVA_HOME (deploy/local/jdk.sh) and the current directory at the repo root.
# Every flag here was measured with startup-bench.sh; the figures and what each costs are in the
# README ("Start-up and memory").

kefu_java_major() { "$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }

kefu_jar() { ls "$1"/target/"$1"-*.jar 2>/dev/null | grep -v plain | head -1; }

# C1 only: half the start-up CPU on two cores and a smaller code cache; the serial collector: no GC
# threads or remembered sets for heaps this size. The heap cap keeps eight services in a laptop's memory;
# a small initial heap that grows only as needed, 512 KB thread stacks and two malloc arenas
# (kefu_jvm_env) take ~80 MB off each idle service's resident memory.
# kb-ai-service keeps C2 and adds the Vector API: its knowledge scan is Lucene's VectorUtil, which runs in
# SIMD only when the module is there and C2 compiles it (C1 only: ~8x slower scan); the lean settings
# did not lower its memory (its model dominates), so it keeps the JVM's.
kefu_jvm_flags() {
  if [[ $1 == kb-ai-service ]]; then
    echo "-XX:+UseSerialGC -Xmx512m --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
  else
    echo "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -Xms32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k --enable-native-access=ALL-UNNAMED"
  fi
}

# Environment for the service's JVM (prefix of the command, through env).
kefu_jvm_env() { if [[ $1 == kb-ai-service ]]; then echo ""; else echo "MALLOC_ARENA_MAX=2"; fi; }

# The JDK's ahead-of-time cache (JDK 25: -XX:AOTCacheOutput in one training run; JDK 21-24: CDS with
# -XX:ArchiveClassesAtExit) needs the jar extracted, so the class path is plain jars, and a training run
# that stops once the context is refreshed (spring.context.exit=onRefresh; it migrates the database
# like a normal start). The cache is rebuilt when the jar changes.
kefu_aot_dir() { echo ".kefu/aot/$1"; }
kefu_aot_jar() { echo "$(kefu_aot_dir "$1")/$1.jar"; }
kefu_aot_file() { if [[ $(kefu_java_major) -ge 25 ]]; then echo "$(kefu_aot_dir "$1")/app.aot"; else echo "$(kefu_aot_dir "$1")/app.jsa"; fi; }

# ArchiveRelocationMode=0 maps the cache at the address it was written for (the JDK's default since 20
# maps it at a random one for ASLR and then rewrites its pointers, which turns ~80 MB of clean, shareable
# file pages into private memory); if that address is taken the JVM relocates as usual.
kefu_aot_flags() {
  local fixed="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
  if [[ $(kefu_java_major) -ge 25 ]]; then echo "-XX:AOTCache=$(kefu_aot_file "$1") $fixed"; else echo "-XX:SharedArchiveFile=$(kefu_aot_file "$1") $fixed -Xlog:cds=off -Xlog:cds+dynamic=off"; fi
}

kefu_aot_source() { # what the cache depends on: the jar, the JDK and the flags
  echo "$(cksum <"$(kefu_jar "$1")" | cut -d' ' -f1)-$(kefu_java_major)-$(kefu_jvm_flags "$1" | cksum | cut -d' ' -f1)"
}

kefu_aot_current() { [[ -f "$(kefu_aot_file "$1")" && "$(cat "$(kefu_aot_dir "$1")/.source" 2>/dev/null)" == "$(kefu_aot_source "$1")" ]]; }

kefu_aot_prepare() { # service: extract and train when the jar is newer than the cache
  local svc=$1 jar dir sum
  jar=$(kefu_jar "$svc"); dir=$(kefu_aot_dir "$svc")
  [[ -n "$jar" ]] || { echo "no jar for $svc: run 'make build'" >&2; return 1; }
  kefu_aot_current "$svc" && return 0
  sum=$(kefu_aot_source "$svc")
  rm -rf "$dir"; mkdir -p "$dir"
  "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$jar" extract --destination "$dir" --force >/dev/null
  mv "$dir/$(basename "$jar")" "$(kefu_aot_jar "$svc")"
  local out train; out=$(kefu_aot_file "$svc")
  if [[ $(kefu_java_major) -ge 25 ]]; then train="-XX:AOTCacheOutput=$out"; else train="-XX:ArchiveClassesAtExit=$out"; fi
  echo "  training the AOT cache of $svc (once per build)"
  # shellcheck disable=SC2046
  "$JAVA_HOME/bin/java" $(kefu_jvm_flags "$svc") $train -Dspring.context.exit=onRefresh -Dkefu.log.dir=.kefu/logs \
    -jar "$(kefu_aot_jar "$svc")" >"$dir/training.log" 2>&1 || { echo "  training $svc failed; see $dir/training.log" >&2; return 1; }
  [[ -f "$out" ]] || { echo "  no cache written for $svc; see $dir/training.log" >&2; return 1; }
  echo "$sum" >"$dir/.source"
}
