#!/usr/bin/env bash
# `make run`'s build: packages the services (no tests) unless every service's jar is newer than every
# source, resource and pom of the build. Maven's own "nothing to do" pass costs ~20 s on two cores, a
# third of `make run`; this check costs a few milliseconds. `make build` always runs Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/jvm.sh
oldest=""
while read -r svc _; do
  jar=$(kefu_jar "$svc")
  if [[ -z "$jar" ]]; then oldest=""; break; fi
  if [[ -z "$oldest" || "$jar" -ot "$oldest" ]]; then oldest=$jar; fi
done < <(grep -vE '^\s*(#|$)' deploy/local/services.txt)
if [[ -n "$oldest" ]]; then
  # Anything the jars are built from: every pom, every module's src/main, the Maven wrapper's settings.
  newer=$(find . \( -name .git -o -name .kefu -o -name target -o -name node_modules \) -prune -o \
    \( -name pom.xml -o -path '*/src/main/*' -o -path './.mvn/*' \) -type f -newer "$oldest" -print -quit)
  if [[ -z "$newer" ]]; then echo "Jars are current (nothing newer than $oldest): not building"; exit 0; fi
  echo "Building: $newer is newer than $oldest"
fi
exec ./mvnw -B --no-transfer-progress -q package -DskipTests
