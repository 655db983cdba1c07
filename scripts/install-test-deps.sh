#!/bin/sh
# Installs what the browser and TensorBoard tests need, idempotently (about 1 ms when present):
# Debian's chromium + chromium-driver (headless browser for the dashboard tests), and
# python3-protobuf + protobuf-compiler (the independent reader of TensorBoard event files), and
# bible-kjv (the King James text that the GPT commands and AcquireTest read through /usr/bin/bible).
# Run as root (apt); "./fivefold test" calls it before the suite.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
[ -x /usr/bin/protoc ] || missing="$missing protobuf-compiler"
[ -x /usr/bin/bible ] || missing="$missing bible-kjv"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || missing="$missing python3-protobuf"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "fivefold: test tools missing:$missing; as root run: apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
echo "fivefold: installing test tools:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
