#!/usr/bin/python3
"""Join two JSON-lines benchmark outputs (fivefold, pytorch) into one table.

Usage:  /usr/bin/python3 bench/join.py FIVEFOLD_JSONL PYTORCH_JSONL [--strict]
        /usr/bin/python3 bench/join.py --scaling N FF_1T FF_NT PT_1T PT_NT

Each input line that parses as a JSON object with a "work" key and a numeric "value"
is a measurement; any other line (logs, blank, garbage) is ignored. If a key appears
twice, the last line wins. A missing or unreadable file counts as empty.

Columns: work [unit] | fivefold | pytorch | ratio | target
  ratio  = fivefold / pytorch (higher is better for throughput rows; for the
           *_peak_rss_mb rows lower is better: the GPT rows have a maximum, "<= 1.00")
  target = minimum (or maximum) ratio, followed by "ok" or "MISS" when both sides are
           present; *_params rows say "same" or "DIFFER" (the twins' parameter counts).
Each training row <work> is followed by <work>_model_gflops (the model's FLOP/s: bench's
FLOPs per sample or token, "flops_per_unit", times the throughput; PyTorch's is derived
from its throughput with fivefold's count, the models being the same) and <work>_params.
When the fivefold side has a "fp32_peak" row (bench's measured peak), every GFLOP/s
row also shows both sides as a share of that peak ("% peak", fivefold / pytorch).
With --scaling, the four files are each side at 1 and at N threads, and the table gives
per workload both rates and the parallel efficiency rate_N / (N * rate_1).
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
    ("gpt256_train", 1.2), ("gpt512_train", 1.2),
    ("vit_train", 1.2), ("cnn_train", 1.2), ("lstm_train", 1.0),
]
TARGET = dict(TARGETS)
TRAIN = [k for k, _ in TARGETS if k.endswith("_train")]
# rows where lower is better: key -> maximum fivefold/pytorch ratio (issue 21: GPT peak RSS <= PyTorch's)
TARGET_MAX = {"gpt_train_peak_rss_mb": 1.0, "gpt256_train_peak_rss_mb": 1.0, "gpt512_train_peak_rss_mb": 1.0}
RSS_ORDER = ["sgemm_peak_rss_mb"] + [k + "_peak_rss_mb" for k in TRAIN] + ["peak_rss_mb"]


def load(path):
    out = Side()
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
        out.records[rec["work"]] = rec
    return out


class Side(dict):
    """work -> (value, unit); .records: work -> the whole JSON object (for its extra fields)."""

    def __init__(self):
        super().__init__()
        self.records = {}


def record(side, key):
    """The whole JSON object of a measurement, or {}."""
    return side.records.get(key, {})


def derive_model_flops(ff, pt):
    """PyTorch's <work>_model_gflops: its throughput times fivefold's FLOPs per sample (token),
    the same model's count (bench's "flops_per_unit"), so both sides are shares of one peak."""
    for k in TRAIN:
        per = record(ff, k + "_model_gflops").get("flops_per_unit")
        v = pt.get(k, (None, None))[0]
        if isinstance(per, (int, float)) and v is not None and k + "_model_gflops" not in pt:
            pt[k + "_model_gflops"] = (v * per / 1e9, "GFLOP/s")


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def print_table(rows, align):
    widths = [max(len(r[i]) for r in rows) for i in range(len(align))]

    def line(r):
        return "| " + " | ".join("{:{}{}}".format(c, a, w)
                                 for c, a, w in zip(r, align, widths)) + " |"

    print(line(rows[0]))
    print("|" + "|".join(("-" * (w + 1) + ":") if a == ">" else ("-" * (w + 2))
                         for w, a in zip(widths, align)) + "|")
    for r in rows[1:]:
        print(line(r))


def scaling(argv):
    """--scaling N FF_1 FF_N PT_1 PT_N: per workload, each side's rate at 1 and N threads and
    its parallel efficiency, rate_N / (N * rate_1) (1.00 = perfect, 1/N = no gain)."""
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    n = int(argv[0])
    ff1, ffn, pt1, ptn = (load(a) for a in argv[1:])
    keys = [k for k, _ in TARGETS]
    rows = [("work", "fivefold 1t", "fivefold %dt" % n, "efficiency",
             "pytorch 1t", "pytorch %dt" % n, "efficiency")]
    for k in keys:
        cells = [k + (" [%s]" % (ffn.get(k) or ff1.get(k) or ptn.get(k) or (None, ""))[1]
                      if (ffn.get(k) or ff1.get(k) or ptn.get(k)) else "")]
        for one, many in ((ff1, ffn), (pt1, ptn)):
            a, b = one.get(k, (None, None))[0], many.get(k, (None, None))[0]
            eff = "-" if not a or b is None else "%.0f%%" % (100 * b / (n * a))
            cells += [fmt(a), fmt(b), eff]
        if any(c != "-" for c in cells[1:]):
            rows.append(tuple(cells))
    print_table(rows, ["<", ">", ">", ">", ">", ">", ">"])
    return 0


def main(argv):
    if argv and argv[0] == "--scaling":
        return scaling(argv[1:])
    strict = "--strict" in argv
    files = [a for a in argv if a != "--strict"]
    if len(files) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ff, pt = load(files[0]), load(files[1])
    derive_model_flops(ff, pt)

    keys = []
    for k, _ in TARGETS:
        keys.append(k)
        if k in TRAIN:
            keys += [e for e in (k + "_model_gflops", k + "_params") if e in ff or e in pt]
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
        if k in TARGET_MAX:
            tmax = TARGET_MAX[k]
            tcell = "<= %.2f" % tmax
            if ratio is None:
                failed = True
            else:
                failed |= ratio > tmax
                tcell += " ok" if ratio <= tmax else " MISS"
        elif k.endswith("_params") and fv is not None and pv is not None:
            tcell = "same" if fv == pv else "DIFFER"
        elif tgt is None:
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

    print_table(rows, ["<", ">", ">", ">", "<", ">"])
    if not ff:
        print("(no fivefold measurements)")
    if not pt:
        print("(no pytorch measurements)")
    return 1 if strict and failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
