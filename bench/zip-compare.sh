#!/usr/bin/env bash
# fivefold zip against the compressors people use, on texts of different kinds.
#
#   bench/zip-compare.sh [--quick] [--only NAME] [--fivefold "ZIP FLAGS"] [--no-fivefold-network] [--out DIR]
#
# Texts (each 100 KB - 5 MB): the KJV as fivefold reads it (~/.cache/fivefold/kjv.txt), prose (the
# fortune files), source code (fivefold-core's Java sources concatenated in sorted order), a log
# (/var/log/dpkg.log), a CSV generated deterministically here. --quick cuts each to its first 200 KB.
# Compressors: gzip -9, bzip2 -9, xz -9e, zstd -19 (--ultra -22 is not used: -19 is the README's
# reference), zpaq -m1..5, 7z PPMd (-m0=PPMd -mx=9), fivefold zip (the default: context models) and
# fivefold zip --network (GPT + context models; about 20x slower; --no-fivefold-network leaves it out). A compressor that is not installed is skipped with a note
# (apt-get install zpaq p7zip-full). Every round trip is checked with cmp.
# Prints one table: text, bytes, compressor, bits/byte, compress KB/s, decompress KB/s (also as CSV
# in DIR/zip-compare.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
QUICK=0
ONLY=""
FFFLAGS=""
NONET=0
DEST=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY="$2"; shift ;;
    --fivefold) FFFLAGS="$2"; shift ;;
    --out) DEST="$2"; shift ;;
    --no-fivefold-network) NONET=1 ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "zip-compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
WORK=$(mktemp -d /tmp/zip-compare.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DEST=${DEST:-$WORK}
mkdir -p "$DEST"
LIMIT=$((5 * 1024 * 1024))
[ "$QUICK" = 1 ] && LIMIT=$((200 * 1024))

# --- the texts -------------------------------------------------------------------------------
texts=()
add() { # name file
  head -c "$LIMIT" "$2" > "$WORK/$1"
  local n; n=$(stat -c %s "$WORK/$1")
  if [ "$n" -lt 100000 ] && [ "$QUICK" = 0 ]; then echo "note: $1 has only $n bytes (< 100 KB), skipped" >&2; return; fi
  texts+=("$1")
}
KJV=${KJV:-$HOME/.cache/fivefold/kjv.txt}
if [ -f "$KJV" ]; then add kjv "$KJV"; else echo "note: $KJV missing (./fivefold train --data kjv downloads it once); kjv skipped" >&2; fi
if [ -d /usr/share/games/fortunes ]; then
  find /usr/share/games/fortunes -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' | sort | xargs cat > "$WORK/prose.src"
  add prose "$WORK/prose.src"
else
  find /usr/share/doc -name '*.txt' -size +2k | sort | head -200 | xargs cat > "$WORK/prose.src" 2>/dev/null || true
  add prose "$WORK/prose.src"
fi
find "$ROOT/fivefold-core/src/main/java" -name '*.java' | sort | xargs cat > "$WORK/source.src"
add source "$WORK/source.src"
if [ -r /var/log/dpkg.log ]; then add log /var/log/dpkg.log; fi
awk 'BEGIN { s = 12345; print "id,date,station,temperature,humidity,status";
  for (i = 1; i <= 60000; i++) { s = (s * 69069 + 1) % 4294967296; t = 150 + (s % 200) / 10.0;
    h = 30 + (int(s / 7) % 600) / 10.0; st = (s % 17 == 0) ? "FAULT" : "OK";
    printf "%d,2026-%02d-%02d,ST%03d,%.1f,%.1f,%s\n", i, 1 + (i / 5000) % 12, 1 + (i / 160) % 28, s % 40, t / 10.0, h, st } }' > "$WORK/csv.src"
add csv "$WORK/csv.src"

# --- the compressors -------------------------------------------------------------------------
# name | compress (IN -> OUT) | decompress (OUT -> BACK)
declare -a NAMES CMDC CMDD
reg() { NAMES+=("$1"); CMDC+=("$2"); CMDD+=("$3"); }
have() { command -v "$1" >/dev/null 2>&1; }
have gzip  && reg "gzip -9"   'gzip -9 -c "$IN" > "$OUT"'        'gzip -dc "$OUT" > "$BACK"'
have bzip2 && reg "bzip2 -9"  'bzip2 -9 -c "$IN" > "$OUT"'       'bzip2 -dc "$OUT" > "$BACK"'
have xz    && reg "xz -9e"    'xz -9e -T1 -c "$IN" > "$OUT"'     'xz -dc "$OUT" > "$BACK"'
have zstd  && reg "zstd -19"  'zstd -q -19 -c "$IN" > "$OUT"'    'zstd -q -dc "$OUT" > "$BACK"'
if have zpaq; then
  for m in 1 2 3 4 5; do
    reg "zpaq -m$m" "rm -f \"\$OUT\"; (cd \"\$(dirname \"\$IN\")\" && zpaq a \"\$OUT\" \"\$(basename \"\$IN\")\" -m$m -t2 >/dev/null 2>&1)" \
      'rm -rf "$BACK.d"; mkdir -p "$BACK.d"; (cd "$BACK.d" && zpaq x "$OUT" -t2 >/dev/null 2>&1); mv "$BACK.d"/* "$BACK"; rm -rf "$BACK.d"'
  done
else
  echo "note: zpaq not installed (apt-get install zpaq); its rows are left out" >&2
fi
SEVENZ=""
for c in 7z 7za 7zz; do have $c && SEVENZ=$c && break; done
if [ -n "$SEVENZ" ]; then
  reg "7z PPMd" "rm -f \"\$OUT\"; $SEVENZ a -t7z -m0=PPMd -mx=9 -mmt=2 \"\$OUT\" \"\$IN\" >/dev/null" \
    "rm -rf \"\$BACK.d\"; $SEVENZ x -o\"\$BACK.d\" \"\$OUT\" >/dev/null; mv \"\$BACK.d\"/* \"\$BACK\"; rm -rf \"\$BACK.d\""
else
  echo "note: 7z not installed (apt-get install p7zip-full); its PPMd row is left out" >&2
fi
FF="$ROOT/fivefold"
[ "$NONET" = 1 ] || reg "fivefold zip --network" "\"$FF\" zip \"\$IN\" -o \"\$OUT\" --force --threads 2 --network $FFFLAGS >/dev/null 2>&1" "\"$FF\" unzip \"\$OUT\" -o \"\$BACK\" --force --threads 2 >/dev/null 2>&1"
reg "fivefold zip" "\"$FF\" zip \"\$IN\" -o \"\$OUT\" --force --threads 2 $FFFLAGS >/dev/null 2>&1" "\"$FF\" unzip \"\$OUT\" -o \"\$BACK\" --force --threads 2 >/dev/null 2>&1"
if [ -z "$ONLY" ] || [[ "fivefold zip" == *"$ONLY"* ]]; then
  "$FF" --version >/dev/null 2>&1 || true # builds the jar once, outside the timings
fi

now() { date +%s.%N; }
CSV="$DEST/zip-compare.csv"
echo "text,bytes,compressor,bits_per_byte,compress_kb_s,decompress_kb_s" > "$CSV"
for t in "${texts[@]}"; do
  IN="$WORK/$t"
  n=$(stat -c %s "$IN")
  for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]}
    if [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]]; then continue; fi
    OUT="$WORK/$t.$i.cmp"; BACK="$WORK/$t.$i.back"
    rm -f "$OUT" "$BACK"
    t0=$(now); eval "${CMDC[$i]}"; t1=$(now); eval "${CMDD[$i]}"; t2=$(now)
    if ! cmp -s "$IN" "$BACK"; then echo "ERROR: $name did not restore $t" >&2; exit 1; fi
    c=$(stat -c %s "$OUT")
    awk -v t="$t" -v n="$n" -v name="$name" -v c="$c" -v a="$t0" -v b="$t1" -v d="$t2" \
      'BEGIN { printf "%s,%d,%s,%.4f,%.1f,%.1f\n", t, n, name, 8 * c / n, n / 1024 / (b - a), n / 1024 / (d - b) }' >> "$CSV"
    rm -f "$OUT" "$BACK"
  done
done
column -s, -t < "$CSV"
