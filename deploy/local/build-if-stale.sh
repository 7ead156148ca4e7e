#!/usr/bin/env bash
# `make run`'s build: packages the services (no tests) unless every service has a jar and nothing the jars
# are built from changed since this script's last successful build. Maven's own "nothing to do" pass costs
# ~20 s on two cores, a third of `make run`; this check costs a few milliseconds. `make build` always runs
# Maven.
# The jars cannot be the reference: the build is reproducible (project.build.outputTimestamp), so every jar
# carries that fixed date as its file time, older than any checkout. A stamp written after the build is.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/jvm.sh
stamp=.kefu/build.stamp
reason=""
while read -r svc _; do
  [[ -n "$(kefu_jar "$svc")" ]] || { reason="no jar for $svc"; break; }
done < <(grep -vE '^\s*(#|$)' deploy/local/services.txt)
if [[ -z "$reason" && ! -f "$stamp" ]]; then reason="no record of a build by make run ($stamp)"; fi
if [[ -z "$reason" ]]; then
  # Anything the jars are built from: every pom, every module's src/main, the Maven wrapper's settings.
  newer=$(find . \( -name .git -o -name .kefu -o -name target -o -name node_modules \) -prune -o \
    \( -name pom.xml -o -path '*/src/main/*' -o -path './.mvn/*' \) -type f -newer "$stamp" -print -quit)
  if [[ -z "$newer" ]]; then echo "Jars are current (nothing changed since the build of $(date -r "$stamp" '+%F %T')): not building"; exit 0; fi
  reason="$newer changed since the last build"
fi
echo "Building: $reason"
mkdir -p .kefu
# The stamp is taken before Maven starts: a source saved during the build makes the next run build again.
next=$(mktemp .kefu/build.stamp.XXXXXX)
trap 'rm -f "$next"' EXIT # a failed or interrupted build leaves no stamp behind
./mvnw -B --no-transfer-progress -q package -DskipTests
mv "$next" "$stamp"
