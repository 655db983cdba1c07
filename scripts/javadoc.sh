#!/usr/bin/env bash
# Javadoc of fivefold-core's public API with every doclint check on, with the JDK's own javadoc tool
# (the maven-javadoc-plugin is not in the offline local repository). Prints the warnings and their
# count; exits 1 if there is any. Output: fivefold-core/target/apidocs.
#   scripts/javadoc.sh            all checks (-Xdoclint:all)
#   scripts/javadoc.sh -missing   all checks but "missing comment" (-Xdoclint:all,-missing)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
lint="all"
if [[ "${1:-}" == "-missing" ]]; then lint="all,-missing"; fi
out=fivefold-core/target/apidocs
mkdir -p "$out"
log=$(mktemp)
set +e
"$JAVA_HOME/bin/javadoc" -quiet -Xdoclint:"$lint" -Xmaxwarns 100000 -Xmaxerrs 100000 --add-modules jdk.incubator.vector \
  -d "$out" --module-source-path dev.fivefold.core=fivefold-core/src/main/java --module dev.fivefold.core >"$log" 2>&1
rc=$?
set -e
grep -v -E "^(Loading|Constructing|Generating|Building|Standard Doclet|WARNING: Using incubator modules)" "$log" || true
warnings=$(grep -c ": warning:" "$log" || true)
errors=$(grep -c ": error:" "$log" || true)
rm -f "$log"
echo "javadoc: $warnings warnings, $errors errors (-Xdoclint:$lint) -> $out"
if [[ $rc -ne 0 || $warnings -ne 0 ]]; then exit 1; fi
