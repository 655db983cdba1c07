#!/usr/bin/python3
"""Join two JSON-lines benchmark outputs (fivefold, pytorch) into one table.

Usage:  /usr/bin/python3 bench/join.py FIVEFOLD_JSONL PYTORCH_JSONL [--strict]

Each input line that parses as a JSON object with a "work" key and a numeric "value"
is a measurement; any other line (logs, blank, garbage) is ignored. If a key appears
twice, the last line wins. A missing or unreadable file counts as empty.

Columns: work [unit] | fivefold | pytorch | ratio | target
  ratio  = fivefold / pytorch (higher is better for throughput rows; for the
           *_peak_rss_mb rows lower is better and no target is set)
  target = minimum ratio, followed by "ok" or "MISS" when both sides are present.
When the fivefold side has a "fp32_peak" row (bench's measured peak), every GFLOP/s
row also shows both sides as a share of that peak ("% peak", fivefold / pytorch).
Missing values are shown as "-". With --strict the exit code is 1 when any target is
missed or cannot be checked (a side is missing); otherwise it is always 0.
"""

import json
import math
import sys

# key -> minimum fivefold/pytorch ratio; order here is the table order
TARGETS = [
    ("sgemm_256", 0.95), ("sgemm_512", 0.95), ("sgemm_1024", 0.95), ("sgemm_2048", 0.95),
    ("sgemm_mlp1", 0.95), ("sgemm_mlp2", 0.95),
    ("mlp_train", 1.0), ("lenet5_train", 0.8), ("gpt_train", 0.8),
    ("vit_train", 1.0), ("cnn_train", 1.0), ("lstm_train", 1.0),
]
TARGET = dict(TARGETS)
RSS_ORDER = ["sgemm_peak_rss_mb", "mlp_train_peak_rss_mb", "lenet5_train_peak_rss_mb",
             "gpt_train_peak_rss_mb", "vit_train_peak_rss_mb", "cnn_train_peak_rss_mb",
             "lstm_train_peak_rss_mb", "peak_rss_mb"]


def load(path):
    out = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except (OSError, TypeError):
        return out
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("work"), str):
            continue
        v = rec.get("value")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            v = None
        unit = rec.get("unit")
        out[rec["work"]] = (v, unit if isinstance(unit, str) else None)
    return out


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def main(argv):
    strict = "--strict" in argv
    files = [a for a in argv if a != "--strict"]
    if len(files) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ff, pt = load(files[0]), load(files[1])

    keys = [k for k, _ in TARGETS]
    keys += [k for k in RSS_ORDER if k in ff or k in pt]
    keys += sorted((set(ff) | set(pt)) - set(keys))

    peak = ff.get("fp32_peak", (None, None))[0]
    rows = [("work", "fivefold", "pytorch", "ratio", "target", "% peak")]
    failed = False
    for k in keys:
        fv, fu = ff.get(k, (None, None))
        pv, pu = pt.get(k, (None, None))
        unit = pu or fu
        label = "%s [%s]" % (k, unit) if unit else k
        ratio = None
        note = ""
        if fv is not None and pv is not None and pv != 0:
            if fu and pu and fu != pu:
                note = "units differ: %s vs %s" % (fu, pu)
            else:
                ratio = fv / pv
        tgt = TARGET.get(k)
        if tgt is None:
            tcell = "-"
        elif ratio is None:
            tcell = ">= %.2f" % tgt
            failed = True
        else:
            ok = ratio >= tgt
            failed |= not ok
            tcell = ">= %.2f %s" % (tgt, "ok" if ok else "MISS")
        rcell = note or ("-" if ratio is None else "%.2f" % ratio)
        share = "-"
        if peak and unit == "GFLOP/s" and k != "fp32_peak":
            share = "%s / %s" % tuple("-" if v is None else "%.0f%%" % (100 * v / peak) for v in (fv, pv))
        rows.append((label, fmt(fv), fmt(pv), rcell, tcell, share))

    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    align = ["<", ">", ">", ">", "<", ">"]

    def line(r):
        return "| " + " | ".join("{:{}{}}".format(c, a, w)
                                 for c, a, w in zip(r, align, widths)) + " |"

    print(line(rows[0]))
    print("|" + "|".join(("-" * (w + 1) + ":") if a == ">" else ("-" * (w + 2))
                         for w, a in zip(widths, align)) + "|")
    for r in rows[1:]:
        print(line(r))
    if not ff:
        print("(no fivefold measurements)")
    if not pt:
        print("(no pytorch measurements)")
    return 1 if strict and failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
