#!/usr/bin/python3
"""PyTorch side of fivefold's side-by-side benchmark.

Usage:  /usr/bin/python3 bench/torch_reference.py [--threads N] [--quick] [--only WORK ...]

Prints one JSON object per line on stdout (progress and details go to stderr):
    {"work": "<key>", "value": <number>, "unit": "<unit>", ...}
Keys (the Java side `fivefold bench --json` prints the same ones):
    sgemm_256, sgemm_512, sgemm_1024, sgemm_2048   C = A·B, square, GFLOP/s (2·M·N·K / s)
    sgemm_mlp1  (128×784)·(784×300)               GFLOP/s
    sgemm_mlp2  (128×300)·(300×100)               GFLOP/s
    mlp_train     LeNet-300-100 (784-300-100-10, ReLU), batch 128, Adam lr 1e-3,
                  cross-entropy, synthetic Fashion-MNIST-shaped data     samples/s
    lenet5_train  conv(1,20,5)-relu-pool2-conv(20,50,5)-relu-pool2-fc(800,500)-relu-fc(500,10),
                  batch 128, Adam lr 1e-3                                  samples/s
    gpt_train     nanoGPT-style, 4 layers, 4 heads, width 128, context 128, batch 32,
                  vocab 80, GELU(tanh), AdamW lr 1e-3 wd 0.1             tokens/s
    gpt256_train  the same at width 256, 4 heads, context 256, batch 8  tokens/s
    gpt512_train  the same at width 512, 8 heads, context 256, batch 8  tokens/s
    <work>_params parameter count of the model (fivefold prints the same key: ratio 1.00)
    vit_train     ViT (scripts/record_vit_fixture.py): patch 4, width 64, 6 layers, 4 heads,
                  MLP 128, class token (50 tokens), batch 128, Adam lr 1e-3  samples/s
    cnn_train     fivefold's default ResNet (resnet:width=32,blocks=1,stages=3: conv3x3-BN-ReLU
                  stem, basic residual blocks with batch norm, 32-64-128 channels, global
                  average pooling, fc), train mode, batch 128, Adam lr 1e-3   samples/s
    lstm_train    character LM: Embedding(80, 256) -> nn.LSTM(256, 256, num_layers=2,
                  batch_first=True) -> Linear(256, 80), batch 32, 128 tokens per chunk,
                  the state carried across chunks (detached), AdamW lr 1e-3 wd 0.1   tokens/s
    <work>_peak_rss_mb  peak resident set of the process that ran <work>    MB
                  (each group -- sgemm, mlp_train, lenet5_train, gpt*_train, vit_train, cnn_train, lstm_train -- runs in its
                  own child process, so the value is per work; it includes the ~150+ MB of
                  the Python interpreter + libtorch itself)

OMP_WAIT_POLICY: Debian's torch runs its own ops on a GNU OpenMP pool but matrix
multiplies on OpenBLAS's separate pthread pool. With the default (active, spinning)
OpenMP wait, the idle OpenMP threads spin on the cores OpenBLAS needs and training
throughput drops 2-3x and becomes very noisy on a 2-core machine (measured: LeNet-300-100
16k-20k samples/s active vs ~47k passive). The script therefore sets
OMP_WAIT_POLICY=PASSIVE by default (--omp-wait active|env to change), i.e. it measures
torch in its best ordinary configuration.

Extra fields on a line (min, max, reps, m/k/n) are informational; "value" is the median.

Method: warm-up, then the median of several timed repetitions (SGEMM: each repetition
loops enough multiplies to last >= ~20 ms; training: each repetition is a chunk of
optimizer steps, throughput = samples (tokens) in the chunk / chunk time; the warm-up lasts
at least 3 s (1.5 s with --quick) and each chunk at least 0.5 s (0.25 s), as in fivefold's
bench, so short steps such as the MLP's are timed after the JIT has settled). Data is
pre-generated random tensors, so no input pipeline is measured. Threads: --threads N
sets torch.set_num_threads(N) and OMP/OPENBLAS/MKL_NUM_THREADS before torch is imported.
Full run is ~1-2 minutes; --quick is ~30 s (fewer repetitions).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

GROUPS = ["sgemm", "mlp_train", "lenet5_train", "gpt_train", "vit_train", "cnn_train", "lstm_train",
          "gpt256_train", "gpt512_train"]


def parse_args():
    ap = argparse.ArgumentParser(description="PyTorch reference benchmark (JSON lines)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="*", choices=GROUPS, help="run only these groups")
    ap.add_argument("--omp-wait", choices=["passive", "active", "env"], default="passive",
                    help="OMP_WAIT_POLICY for torch's OpenMP pool (default passive; 'env' "
                         "keeps the environment's value). See the module docstring.")
    ap.add_argument("--inproc", action="store_true",
                    help="run in this process (no child per group; RSS then not per work)")
    return ap.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)
if ARGS.omp_wait != "env":
    os.environ["OMP_WAIT_POLICY"] = ARGS.omp_wait.upper()


def emit(work, value, unit, **extra):
    rec = {"work": work, "value": round(value, 3), "unit": unit}
    rec.update(extra)
    print(json.dumps(rec), flush=True)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def peak_rss_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


# --------------------------------------------------------------------------- sgemm

def bench_sgemm(torch, quick):
    shapes = [("sgemm_256", 256, 256, 256), ("sgemm_512", 512, 512, 512),
              ("sgemm_1024", 1024, 1024, 1024), ("sgemm_2048", 2048, 2048, 2048),
              ("sgemm_mlp1", 128, 784, 300), ("sgemm_mlp2", 128, 300, 100)]
    reps = 5 if quick else 11
    for key, m, k, n in shapes:
        g = torch.Generator().manual_seed(0)
        a = torch.randn(m, k, generator=g)
        b = torch.randn(k, n, generator=g)
        c = torch.empty(m, n)
        flop = 2.0 * m * n * k
        # calibrate: inner loop so that one repetition lasts >= 20 ms
        torch.mm(a, b, out=c)
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        one = max(time.perf_counter() - t0, 1e-7)
        inner = max(1, int(0.02 / one))
        for _ in range(max(2, inner)):  # warm-up
            torch.mm(a, b, out=c)
        rates = []
        for _ in range(reps):
            t0 = time.perf_counter()
            for _ in range(inner):
                torch.mm(a, b, out=c)
            rates.append(flop * inner / (time.perf_counter() - t0) / 1e9)
        med = statistics.median(rates)
        log("%-11s %4dx%4dx%4d inner=%d reps=%d median=%.1f min=%.1f max=%.1f GFLOP/s"
            % (key, m, k, n, inner, reps, med, min(rates), max(rates)))
        emit(key, med, "GFLOP/s", min=round(min(rates), 3), max=round(max(rates), 3),
             reps=reps, m=m, k=k, n=n)


# --------------------------------------------------------------------------- training

# the time rule of the training groups, by --quick (False/True): warm-up seconds, least seconds per chunk
WARMUP_S = {False: 3.0, True: 1.5}
CHUNK_S = {False: 0.5, True: 0.25}
QUICK = False


def train_loop(torch, key, model, opt, batches, loss_fn, items_per_step, unit,
               warmup, chunks, steps_per_chunk):
    n = len(batches)
    step = 0

    def one():
        nonlocal step
        x, y = batches[step % n]
        step += 1
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    # warm-up: at least `warmup` steps and WARMUP_S seconds; then each chunk at least
    # `steps_per_chunk` steps and CHUNK_S seconds (fivefold's bench uses the same rule)
    # (the step time for the chunk size is that of the warm-up's second half)
    t0 = time.perf_counter()
    done, half_t, half_n = 0, None, 0
    while done < warmup or time.perf_counter() - t0 < WARMUP_S[QUICK]:
        one()
        done += 1
        if half_t is None and time.perf_counter() - t0 >= WARMUP_S[QUICK] / 2:
            half_t, half_n = time.perf_counter(), done
    end = time.perf_counter()
    per_step = (end - half_t) / (done - half_n) if half_t is not None and done > half_n else (end - t0) / done
    steps_per_chunk = max(steps_per_chunk, int(CHUNK_S[QUICK] / per_step + 0.999))
    rates = []
    for _ in range(chunks):
        t0 = time.perf_counter()
        for _ in range(steps_per_chunk):
            loss = one()
        dt = time.perf_counter() - t0
        rates.append(items_per_step * steps_per_chunk / dt)
    med = statistics.median(rates)
    log("%-12s chunks=%d x %d steps, median=%.0f min=%.0f max=%.0f %s (last loss %.3f)"
        % (key, chunks, steps_per_chunk, med, min(rates), max(rates), unit, loss.item()))
    emit(key, med, unit, min=round(min(rates), 3), max=round(max(rates), 3), reps=chunks,
         steps_per_rep=steps_per_chunk)


def bench_mlp(torch, quick):
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                          nn.Linear(100, 10))
    emit("mlp_train_params", sum(p.numel() for p in model.parameters()), "params")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(128, 784), torch.randint(0, 10, (128,))) for _ in range(16)]
    train_loop(torch, "mlp_train", model, opt, batches, F.cross_entropy, 128, "samples/s",
               warmup=20, chunks=5 if quick else 9, steps_per_chunk=20 if quick else 40)


def bench_lenet5(torch, quick):
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    emit("lenet5_train_params", sum(p.numel() for p in model.parameters()), "params")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))) for _ in range(8)]
    train_loop(torch, "lenet5_train", model, opt, batches, F.cross_entropy, 128, "samples/s",
               warmup=5, chunks=5 if quick else 7, steps_per_chunk=5 if quick else 10)


def bench_gpt_shape(torch, quick, key, T, L, H, C, B, warmup, chunks, steps):
    F = torch.nn.functional
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "scripts"))
    from record_fixtures import GPT  # the same nanoGPT modules the fixtures use
    V = 80
    torch.manual_seed(0)
    model = GPT(V, T, L, H, C)
    nparams = sum(p.numel() for p in model.parameters())
    log("%-12s params=%d (%.2fM) context=%d layers=%d heads=%d width=%d batch=%d"
        % (key, nparams, nparams / 1e6, T, L, H, C, B))
    emit(key + "_params", nparams, "params")
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    batches = []
    for _ in range(4):
        d = torch.randint(0, V, (B, T + 1))
        batches.append((d[:, :-1].contiguous(), d[:, 1:].contiguous()))

    def loss_fn(logits, y):
        return F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))

    train_loop(torch, key, model, opt, batches, loss_fn, B * T, "tokens/s",
               warmup=warmup, chunks=chunks, steps_per_chunk=steps)


def bench_gpt(torch, quick):
    bench_gpt_shape(torch, quick, "gpt_train", 128, 4, 4, 128, 32,
                    2, 5 if quick else 7, 2 if quick else 3)


def bench_gpt256(torch, quick):  # issue 21's larger GPTs: context 256, 4 layers, heads of 64, batch 8
    bench_gpt_shape(torch, quick, "gpt256_train", 256, 4, 4, 256, 8,
                    1, 3 if quick else 5, 1 if quick else 2)


def bench_gpt512(torch, quick):
    bench_gpt_shape(torch, quick, "gpt512_train", 256, 4, 8, 512, 8, 1, 3 if quick else 5, 1)


def bench_vit(torch, quick):
    F = torch.nn.functional
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "scripts"))
    from record_vit_fixture import Vit  # the same modules the ViT fixtures use
    torch.manual_seed(0)
    model = Vit(4, 64, 6, 4, 128, False)
    nparams = sum(p.numel() for p in model.parameters())
    log("vit_train    params=%d (%.3fM)" % (nparams, nparams / 1e6))
    emit("vit_train_params", nparams, "params")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))) for _ in range(8)]
    train_loop(torch, "vit_train", model, opt, batches, F.cross_entropy, 128, "samples/s",
               warmup=3, chunks=5 if quick else 7, steps_per_chunk=3 if quick else 6)


def bench_cnn(torch, quick):
    F = torch.nn.functional
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "scripts"))
    from record_norm_fixtures import ResNet  # the same ResNet the fixtures check fivefold's against
    torch.manual_seed(0)
    model = ResNet(32, 1, 3)
    model.train()
    nparams = sum(p.numel() for p in model.parameters())
    log("cnn_train    resnet:width=32,blocks=1,stages=3 params=%d" % nparams)
    emit("cnn_train_params", nparams, "params")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))) for _ in range(4)]
    train_loop(torch, "cnn_train", model, opt, batches, F.cross_entropy, 128, "samples/s",
               warmup=2, chunks=3 if quick else 5, steps_per_chunk=2 if quick else 4)


# --------------------------------------------------------------------------- main

def bench_lstm(torch, quick):
    nn, F = torch.nn, torch.nn.functional
    V, T, L, H, B = 80, 128, 2, 256, 32
    torch.manual_seed(0)

    class RnnLm(nn.Module):  # fivefold's perception.RecurrentLm, lstm:layers=2,width=256
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(V, H)
            self.rnn = nn.LSTM(H, H, num_layers=L, batch_first=True)
            self.head = nn.Linear(H, V)
            self.state = None

        def forward(self, x):  # truncated BPTT: start from the previous chunk's state, detached
            y, st = self.rnn(self.embed(x), self.state)
            self.state = tuple(s.detach() for s in st)
            return self.head(y)

    model = RnnLm()
    nparams = sum(p.numel() for p in model.parameters())
    log("lstm_train   params=%d (%.2fM)" % (nparams, nparams / 1e6))
    emit("lstm_train_params", nparams, "params")
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    batches = []
    for _ in range(4):
        d = torch.randint(0, V, (B, T + 1))
        batches.append((d[:, :-1].contiguous(), d[:, 1:].contiguous()))

    def loss_fn(logits, y):
        return F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))

    train_loop(torch, "lstm_train", model, opt, batches, loss_fn, B * T, "tokens/s",
               warmup=2, chunks=5 if quick else 7, steps_per_chunk=2 if quick else 3)


def run_groups(groups):
    import torch
    torch.set_num_threads(ARGS.threads)
    log("torch %s, threads=%d, OMP_WAIT_POLICY=%s, blas: %s"
        % (torch.__version__, torch.get_num_threads(), os.environ.get("OMP_WAIT_POLICY", "-"),
           blas_name()))
    fns = {"sgemm": bench_sgemm, "mlp_train": bench_mlp, "lenet5_train": bench_lenet5,
           "gpt_train": bench_gpt, "gpt256_train": bench_gpt256, "gpt512_train": bench_gpt512,
           "vit_train": bench_vit, "cnn_train": bench_cnn,
           "lstm_train": bench_lstm}
    global QUICK
    QUICK = bool(ARGS.quick)
    for g in groups:
        fns[g](torch, ARGS.quick)
        emit(g + "_peak_rss_mb", peak_rss_mb(), "MB")


def blas_name():
    try:
        with open("/proc/self/maps") as f:
            libs = {os.path.basename(l.split()[-1]) for l in f if "blas" in l.lower()}
        return ", ".join(sorted(libs)) or "?"
    except OSError:
        return "?"


def check_load():
    try:
        with open("/proc/loadavg") as f:
            load1 = float(f.read().split()[0])
    except (OSError, ValueError):
        return
    if load1 > 0.5:
        log("WARNING: 1-min load average is %.2f before starting: other processes compete "
            "for the cores, numbers will be low and noisy" % load1)


def main():
    groups = ARGS.only or GROUPS
    t0 = time.perf_counter()
    if not ARGS.only:
        check_load()
    if ARGS.inproc or len(groups) == 1:
        run_groups(groups)
    else:
        for g in groups:  # one child per group: isolated peak RSS, no cross-talk
            cmd = [sys.executable, os.path.abspath(__file__), "--threads", str(ARGS.threads),
                   "--omp-wait", ARGS.omp_wait, "--only", g] + (["--quick"] if ARGS.quick else [])
            r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            sys.stdout.write(r.stdout)
            sys.stdout.flush()
            if r.returncode != 0:
                log("group %s failed with exit code %d" % (g, r.returncode))
    log("total %.1f s" % (time.perf_counter() - t0))


if __name__ == "__main__":
    main()
