#!/usr/bin/env bash
# Prints the home of a JDK >= 21: JAVA_HOME if it is new enough, else `java` on the PATH,
# else the newest under /usr/lib/jvm (or /Library/Java/JavaVirtualMachines on macOS).
# Exits 1 with install advice when there is none, because JDK 17 cannot build release 21.
set -euo pipefail
MIN=21

major_of() { # $1 = a java binary
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

ok() { local m; m=$(major_of "$1/bin/java" 2>/dev/null || true); [[ -n "$m" && "$m" =~ ^[0-9]+$ && "$m" -ge $MIN ]]; }

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
if command -v java >/dev/null 2>&1; then
  home=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.home/ {print $2; exit}')
  if [[ -n "$home" ]] && ok "$home"; then echo "$home"; exit 0; fi
fi
best=""; bestm=0
for d in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [[ -x "$d/bin/java" && -x "$d/bin/javac" ]] || continue
  m=$(major_of "$d/bin/java" 2>/dev/null || echo 0)
  if [[ "$m" =~ ^[0-9]+$ && "$m" -ge $MIN && "$m" -gt $bestm ]]; then best="$d"; bestm=$m; fi
done
if [[ -n "$best" ]]; then echo "$best"; exit 0; fi
cat >&2 <<MSG
No JDK $MIN or newer was found (checked JAVA_HOME, java on the PATH and /usr/lib/jvm).
Install one, for example:
  Debian/Ubuntu:  apt-get install openjdk-21-jdk   (or Temurin 21/25 from adoptium.net)
  macOS:          brew install --cask temurin@21
then run the command again, or point JAVA_HOME at it.
MSG
exit 1
