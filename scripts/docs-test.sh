#!/usr/bin/env bash
# The docs test: runs the commands the companion (docs/guide.md, docs/guide.zh.md) shows and checks
# that their output still matches the figures the page quotes (dev.fivefold.cli.DocsTest).
#   scripts/docs-test.sh          the fast entries (about a minute; they also run in ./fivefold test)
#   scripts/docs-test.sh --all    every entry: the guide's full measurements, hours
set -eu
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
MODE=fast
[ "${1:-}" = "--all" ] && MODE=all
cd "$ROOT"
# the launcher's JDK search; installs fivefold-core and -spark so that -pl fivefold-cli resolves them
exec ./fivefold test -pl fivefold-cli -am -Dtest=DocsTest -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.test="$MODE"
