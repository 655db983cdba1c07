#!/usr/bin/python3
"""Record PyTorch reference fixtures for fivefold's tests.

Usage:  /usr/bin/python3 scripts/record_fixtures.py [--out DIR]
Default DIR: fivefold-core/src/test/resources/fixtures (relative to the repo root).
Writes one <case>.safetensors per case. Re-running produces byte-identical files
(fixed seeds, single thread, float64 arithmetic).

File format (safetensors, written by hand here, no extra dependency):
  * 8 bytes: little-endian u64 N = length of the JSON header;
  * N bytes: UTF-8 JSON object, padded with spaces to a multiple of 8:
      {"<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
       "__metadata__": {"<key>": "<string value>", ...}}
    offsets are relative to the start of the data section; tensors are laid out in
    sorted name order, contiguous, row-major (C order);
  * raw little-endian float32 data. A scalar has shape [] and 4 bytes.

Numerics: every random value (inputs, parameters, upstream) is drawn in float32 by
torch, then the whole computation runs in float64 on exactly those float32 values,
and the results are rounded once to float32 for storage (metadata "compute_dtype":
"float64"). So the stored references are as close to the exact answer as float32
allows; a float32 implementation should match to roughly 1e-5 relative (more slack
for the GPT/LeNet cases, which accumulate over many terms).

Tensor naming convention in each case:
  input, input2, ...     inputs (integer data such as token ids or class indices are
                         stored as float32 holding exact integers)
  target                 loss targets (class indices as float32, or real values)
  param.<name>           parameters, <name> exactly as in the PyTorch state_dict
                         (e.g. param.weight, param.h.0.attn.c_attn.bias); Linear
                         weights are [out, in], Conv2d weights [out, in, kh, kw]
  output                 the module's output (for the loss cases: the scalar loss)
  upstream               dL/d(output); for non-scalar outputs a random tensor of the
                         output's shape, for scalar losses the scalar 1.0
  grad.input             dL/d(input) where L = sum(output * upstream)
  grad.param.<name>      dL/d(param.<name>)
  extra tensors          e.g. attn_probs, logits (documented per case below)
Optimizer cases (sgd_momentum, adam, adamw): param.step0 is the initial parameter,
grad.step<k> (k = 1..5) the gradient fed at step k, param.step<k> the parameter
after step k.

Optimizer trajectory cases (traj_<name>, 50 steps, for dev.fivefold.optim's
TorchOptimizerParityTest): two parameters, param.a [4,3] and param.b [5]; a.step0 / b.step0
the initial values, grad.a.step<k> / grad.b.step<k> (k = 1..50) the gradients fed at step k,
a.step<k> / b.step<k> the parameters after step k. Metadata "optimizer" and the torch
hyper-parameters (all others at torch defaults).

Long trajectory cases (long_<name>, 200 steps at high learning rates): the same two
parameters and gradients, run twice by torch: in float64 (the exact update, stored as a hi + lo
pair of float32 tensors <p>.exact.step<k> and <p>.exact_lo.step<k>) and in float32
(<p>.torch32.step<k>, PyTorch's own float32 rounding), every 10 steps. A float32 implementation
is judged by its error against the exact trajectory relative to torch's own float32 error.

Schedule cases (sched_<name>): lr[t] + lr_lo[t] is the rate torch's scheduler gives step t
(0-based), in float64 split into two float32 tensors.

Each case seeds torch.manual_seed(crc32(case name)) before drawing anything.
Metadata values are all strings: "case", "seed", "compute_dtype", "torch_version",
"loss", and the hyper-parameters of the case (e.g. "stride": "2", "eps": "1e-05").
"""

import argparse
import json
import math
import os
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "fivefold-core", "src", "test", "resources", "fixtures")
LOSS_DOC = "L = sum(output * upstream); grad.* = dL/d*"


# --------------------------------------------------------------------------- writer

def write_safetensors(path, tensors, metadata):
    """tensors: dict name -> torch tensor (any float dtype); stored as F32."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        data = struct.pack("<%df" % t.numel(), *t.reshape(-1).tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {k: str(v) for k, v in sorted(metadata.items())}
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Round-trip check helper: returns (dict name -> float32 tensor, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        vals = struct.unpack("<%df" % ((e - b) // 4), raw[base + b:base + e])
        out[name] = torch.tensor(vals, dtype=torch.float32).reshape(info["shape"])
    return out, meta


# --------------------------------------------------------------------------- helpers

def f32rand(*shape):
    """Standard normal values drawn in float32, returned as float64 (exact)."""
    return torch.randn(*shape, dtype=torch.float32).double()


def randomize_layernorms(module):
    """Replace the default 1/0 LayerNorm affine params with random ones."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_((1.0 + 0.2 * torch.randn(m.weight.shape)).double())
                m.bias.copy_((0.2 * torch.randn(m.bias.shape)).double())


def run_module(module, inputs, grad_inputs=True, upstream=None, scalar_loss=False):
    """module: already .double(); inputs: list of float64 tensors.
    Returns dict with output/upstream/grads (names per the convention)."""
    xs = [x.clone().requires_grad_(grad_inputs) for x in inputs]
    out = module(*xs)
    if upstream is None:
        upstream = torch.tensor(1.0, dtype=torch.float64) if scalar_loss \
            else f32rand(*out.shape)
    loss = (out * upstream).sum()
    params = dict(module.named_parameters())
    targets = (xs if grad_inputs else []) + list(params.values())
    grads = torch.autograd.grad(loss, targets)
    res = {"output": out, "upstream": upstream}
    for i, x in enumerate(inputs):
        res["input" if i == 0 else "input%d" % (i + 1)] = x
    gi = 0
    if grad_inputs:
        for i in range(len(xs)):
            res["grad.input" if i == 0 else "grad.input%d" % (i + 1)] = grads[i]
        gi = len(xs)
    for (name, p), g in zip(params.items(), grads[gi:]):
        res["param." + name] = p
        res["grad.param." + name] = g
    return res


class Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


# --------------------------------------------------------------------------- nanoGPT

class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        assert n_embd % n_head == 0
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head = n_head
        self.n_embd = n_embd
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size))
                             .view(1, 1, block_size, block_size), persistent=False)
        self.last_probs = None

    def forward(self, x):
        B, T, C = x.shape
        hs = C // self.n_head
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q = q.view(B, T, self.n_head, hs).transpose(1, 2)
        k = k.view(B, T, self.n_head, hs).transpose(1, 2)
        v = v.view(B, T, self.n_head, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        self.last_probs = att
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class GPT(nn.Module):
    def __init__(self, vocab, block_size, n_layer, n_head, n_embd):
        super().__init__()
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab, bias=False)

    def forward(self, idx):
        B, T = idx.shape
        pos = torch.arange(T)
        x = self.wte(idx) + self.wpe(pos)
        for blk in self.h:
            x = blk(x)
        return self.lm_head(self.ln_f(x))


# --------------------------------------------------------------------------- cases

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


@case
def linear():
    m = nn.Linear(7, 5).double()
    r = run_module(m, [f32rand(3, 7)])
    return r, {"in_features": 7, "out_features": 5, "bias": "true"}


def _conv(cin, cout, k, s, p, shape):
    m = nn.Conv2d(cin, cout, k, stride=s, padding=p).double()
    r = run_module(m, [f32rand(*shape)])
    return r, {"in_channels": cin, "out_channels": cout, "kernel_size": k,
               "stride": s, "padding": p, "dilation": 1, "groups": 1, "bias": "true"}


@case
def conv2d():
    return _conv(3, 4, 3, 2, 1, (2, 3, 7, 7))


@case
def conv2d_s1p0():
    return _conv(1, 6, 5, 1, 0, (2, 1, 12, 12))


def _distinct_input(shape):
    """Random values that are pairwise distinct (no ties in any pooling window):
    a random permutation of a well-spaced grid, plus small noise."""
    n = 1
    for d in shape:
        n *= d
    vals = torch.randperm(n).float() / n * 4.0 - 2.0
    vals = vals + torch.rand(n) * (1.0 / n)  # keeps a gap > 1e-3 between any two
    return vals.reshape(shape).double()


@case
def maxpool2d():
    m = Fn(lambda x: F.max_pool2d(x, 2, 2))
    r = run_module(m, [_distinct_input((2, 3, 6, 6))])
    return r, {"kernel_size": 2, "stride": 2, "padding": 0, "ties": "none"}


@case
def avgpool2d():
    m = Fn(lambda x: F.avg_pool2d(x, 2, 2))
    r = run_module(m, [_distinct_input((2, 3, 6, 6))])
    return r, {"kernel_size": 2, "stride": 2, "padding": 0}


@case
def layernorm():
    m = nn.LayerNorm(8, eps=1e-5).double()
    randomize_layernorms(m)
    r = run_module(m, [f32rand(3, 4, 8)])
    return r, {"normalized_shape": 8, "eps": "1e-05", "elementwise_affine": "true"}


@case
def embedding():
    m = nn.Embedding(11, 6).double()
    idx = torch.randint(0, 11, (2, 5))
    r = run_module(_EmbWrap(m), [idx.double()], grad_inputs=False)
    return r, {"num_embeddings": 11, "embedding_dim": 6,
               "note": "input holds integer indices as float32; no grad.input"}


class _EmbWrap(nn.Module):
    def __init__(self, emb):
        super().__init__()
        self.emb = emb

    def forward(self, idx):
        return self.emb(idx.long())

    def named_parameters(self, *a, **k):  # keep state_dict names of the bare module
        return self.emb.named_parameters(*a, **k)


@case
def gelu_tanh():
    r = run_module(Fn(lambda x: F.gelu(x, approximate="tanh")), [2.0 * f32rand(4, 9)])
    return r, {"approximate": "tanh"}


@case
def softmax():
    r = run_module(Fn(lambda x: F.softmax(x, dim=-1)), [2.0 * f32rand(4, 9)])
    return r, {"dim": -1}


@case
def log_softmax():
    r = run_module(Fn(lambda x: F.log_softmax(x, dim=-1)), [2.0 * f32rand(4, 9)])
    return r, {"dim": -1}


@case
def cross_entropy():
    logits = 2.0 * f32rand(6, 10)
    target = torch.randint(0, 10, (6,))
    r = run_module(Fn(lambda x: F.cross_entropy(x, target)), [logits], scalar_loss=True)
    r["target"] = target.double()
    return r, {"reduction": "mean", "classes": 10,
               "note": "input = logits [N,C], target = class indices as float32"}


@case
def mse():
    x = f32rand(4, 5)
    target = f32rand(4, 5)
    r = run_module(Fn(lambda a: F.mse_loss(a, target)), [x], scalar_loss=True)
    r["target"] = target
    return r, {"reduction": "mean", "note": "no gradient stored for target"}


@case
def attention():
    B, T, C, nh = 2, 5, 16, 4
    m = CausalSelfAttention(C, nh, T).double()
    r = run_module(m, [f32rand(B, T, C)])
    r["attn_probs"] = m.last_probs
    return r, {"n_embd": C, "n_head": nh, "block_size": T, "bias": "true", "dropout": 0,
               "qkv_split_order": "q,k,v",
               "note": "attn_probs [B,nh,T,T] = softmax(causal(q k^T / sqrt(hs)))"}


@case
def block():
    B, T, C, nh = 2, 5, 16, 4
    m = Block(C, nh, T).double()
    randomize_layernorms(m)
    r = run_module(m, [f32rand(B, T, C)])
    return r, {"n_embd": C, "n_head": nh, "block_size": T, "bias": "true", "dropout": 0,
               "eps": "1e-05", "gelu": "tanh", "mlp_hidden": 4 * C, "norm": "pre"}


@case
def gpt():
    V, T, L, nh, C, B = 13, 6, 2, 2, 8, 2
    m = GPT(V, T, L, nh, C).double()
    randomize_layernorms(m)
    idx = torch.randint(0, V, (B, T))
    tgt = torch.randint(0, V, (B, T))
    logits_box = {}

    def fwd(i):
        logits = m(i.long())
        logits_box["logits"] = logits
        return F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1))

    r = run_module(_ParamsOf(m, fwd), [idx.double()], grad_inputs=False, scalar_loss=True)
    r["logits"] = logits_box["logits"]
    r["target"] = tgt.double()
    return r, {"vocab_size": V, "block_size": T, "n_layer": L, "n_head": nh, "n_embd": C,
               "bias": "true", "lm_head_bias": "false", "tied": "false", "dropout": 0,
               "eps": "1e-05", "gelu": "tanh",
               "note": "input/target = token ids as float32 [B,T]; output = mean CE "
                       "over B*T; logits [B,T,V]; position ids 0..T-1"}


class _ParamsOf(nn.Module):
    """Runs fn(*inputs) but reports the parameters of `inner` under its own names."""
    def __init__(self, inner, fn):
        super().__init__()
        self.inner = inner
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)

    def named_parameters(self, *a, **k):
        return self.inner.named_parameters(*a, **k)


@case
def mlp():
    m = nn.Module()
    m.fc1, m.fc2, m.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)
    m = m.double()
    x = torch.rand(4, 784, dtype=torch.float32).double()
    tgt = torch.randint(0, 10, (4,))

    def fwd(a):
        h = F.relu(m.fc1(a))
        h = F.relu(m.fc2(h))
        return F.cross_entropy(m.fc3(h), tgt)

    r = run_module(_ParamsOf(m, fwd), [x], scalar_loss=True)
    r["target"] = tgt.double()
    return r, {"layers": "784-300-100-10", "activation": "relu", "loss": "cross_entropy mean",
               "note": "input uniform [0,1); target class indices as float32"}


@case
def lenet5():
    m = nn.Module()
    m.conv1, m.conv2 = nn.Conv2d(1, 20, 5), nn.Conv2d(20, 50, 5)
    m.fc1, m.fc2 = nn.Linear(800, 500), nn.Linear(500, 10)
    m = m.double()
    x = torch.rand(2, 1, 28, 28, dtype=torch.float32).double()
    tgt = torch.randint(0, 10, (2,))

    def fwd(a):
        h = F.max_pool2d(F.relu(m.conv1(a)), 2)
        h = F.max_pool2d(F.relu(m.conv2(h)), 2)
        h = h.flatten(1)
        return F.cross_entropy(m.fc2(F.relu(m.fc1(h))), tgt)

    r = run_module(_ParamsOf(m, fwd), [x], scalar_loss=True)
    r["target"] = tgt.double()
    return r, {"arch": "conv1(1,20,5)-relu-maxpool2-conv2(20,50,5)-relu-maxpool2-flatten-"
                       "fc1(800,500)-relu-fc2(500,10)",
               "flatten_order": "C,H,W", "loss": "cross_entropy mean",
               "note": "input uniform [0,1); target class indices as float32"}


def _optimizer_case(make_opt, hyper):
    p = torch.nn.Parameter(f32rand(4, 3))
    opt = make_opt([p])
    res = {"param.step0": p.detach().clone()}
    for k in range(1, 6):
        g = f32rand(4, 3)
        p.grad = g.clone()
        opt.step()
        res["grad.step%d" % k] = g
        res["param.step%d" % k] = p.detach().clone()
    meta = dict(hyper)
    meta["steps"] = 5
    meta["loss"] = "n/a: gradients are given (grad.step<k> used at step k)"
    return res, meta


@case
def sgd_momentum():
    return _optimizer_case(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
                           {"optimizer": "SGD", "lr": "0.1", "momentum": "0.9",
                            "dampening": "0", "nesterov": "false", "weight_decay": "0",
                            "note": "torch form: buf = m*buf + g (buf = g at step 1); "
                                    "p -= lr*buf"})


@case
def adam():
    return _optimizer_case(lambda ps: torch.optim.Adam(ps, lr=0.01),
                           {"optimizer": "Adam", "lr": "0.01", "beta1": "0.9",
                            "beta2": "0.999", "eps": "1e-08", "weight_decay": "0",
                            "amsgrad": "false",
                            "note": "torch form: p -= lr/(1-b1^t) * m / "
                                    "(sqrt(v)/sqrt(1-b2^t) + eps)"})


@case
def adamw():
    return _optimizer_case(lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1),
                           {"optimizer": "AdamW", "lr": "0.01", "beta1": "0.9",
                            "beta2": "0.999", "eps": "1e-08", "weight_decay": "0.1",
                            "amsgrad": "false",
                            "note": "decoupled: p *= (1 - lr*wd) before the Adam update"})


TRAJ_STEPS = 50


def _trajectory(make_opt, hyper):
    a = torch.nn.Parameter(f32rand(4, 3))
    b = torch.nn.Parameter(f32rand(5))
    opt = make_opt([a, b])
    res = {"a.step0": a.detach().clone(), "b.step0": b.detach().clone()}
    for k in range(1, TRAJ_STEPS + 1):
        ga, gb = f32rand(4, 3), f32rand(5)
        a.grad, b.grad = ga.clone(), gb.clone()
        opt.step()
        res["grad.a.step%d" % k], res["grad.b.step%d" % k] = ga, gb
        res["a.step%d" % k], res["b.step%d" % k] = a.detach().clone(), b.detach().clone()
    meta = {k: str(v) for k, v in hyper.items()}
    meta["steps"] = TRAJ_STEPS
    meta["loss"] = "n/a: gradients are given (grad.<p>.step<k> used at step k)"
    return res, meta


def _traj_case(name, cls, **kw):
    def fn():
        hyper = dict(kw)
        hyper["optimizer"] = cls.__name__
        return _trajectory(lambda ps: cls(ps, **kw), hyper)
    fn.__name__ = name
    CASES[name] = fn


O = torch.optim
_traj_case("traj_sgd", O.SGD, lr=0.05)
_traj_case("traj_sgd_momentum", O.SGD, lr=0.05, momentum=0.9)
_traj_case("traj_sgd_nesterov", O.SGD, lr=0.05, momentum=0.9, nesterov=True)
_traj_case("traj_sgd_wd", O.SGD, lr=0.05, momentum=0.9, weight_decay=0.1)
_traj_case("traj_adagrad", O.Adagrad, lr=0.1)
_traj_case("traj_rmsprop", O.RMSprop, lr=0.01)
_traj_case("traj_rmsprop_centered", O.RMSprop, lr=0.01, centered=True)
_traj_case("traj_rmsprop_momentum", O.RMSprop, lr=0.01, momentum=0.9)
_traj_case("traj_adadelta", O.Adadelta, lr=1.0)
_traj_case("traj_adam", O.Adam, lr=0.01)
_traj_case("traj_amsgrad", O.Adam, lr=0.01, amsgrad=True)
_traj_case("traj_adam_wd", O.Adam, lr=0.01, weight_decay=0.1)
_traj_case("traj_adamw", O.AdamW, lr=0.01, weight_decay=0.1)
_traj_case("traj_adamax", O.Adamax, lr=0.01)
_traj_case("traj_nadam", O.NAdam, lr=0.01)


# ---------------------------------------------------------------- long trajectories and schedules

LONG_STEPS = 200
LONG_EVERY = 10


def _hi_lo(x):
    """A float64 tensor as two float32 tensors whose sum is x to ~1e-14 relative."""
    hi = x.to(torch.float32)
    return hi, (x - hi.double()).to(torch.float32)


def _long_trajectory(make_opt, hyper):
    """200 steps from the same float32 start and gradients, twice: in float64 (the exact update,
    stored as hi + lo float32 pairs: <p>.exact.step<k>, <p>.exact_lo.step<k>) and in float32 as
    torch runs it (<p>.torch32.step<k>), every LONG_EVERY steps and at the last."""
    a0, b0 = f32rand(4, 3), f32rand(5)
    grads = [(f32rand(4, 3), f32rand(5)) for _ in range(LONG_STEPS)]
    res = {"a.step0": a0, "b.step0": b0}
    for k, (ga, gb) in enumerate(grads, 1):
        res["grad.a.step%d" % k], res["grad.b.step%d" % k] = ga, gb
    for dtype, tag in ((torch.float64, "exact"), (torch.float32, "torch32")):
        a = torch.nn.Parameter(a0.clone().to(dtype))
        b = torch.nn.Parameter(b0.clone().to(dtype))
        opt = make_opt([a, b])
        for k, (ga, gb) in enumerate(grads, 1):
            a.grad, b.grad = ga.clone().to(dtype), gb.clone().to(dtype)
            opt.step()
            if k % LONG_EVERY == 0 or k == LONG_STEPS:
                for name, p in (("a", a), ("b", b)):
                    v = p.detach().clone().double()
                    if tag == "exact":
                        res["%s.exact.step%d" % (name, k)], res["%s.exact_lo.step%d" % (name, k)] = _hi_lo(v)
                    else:
                        res["%s.torch32.step%d" % (name, k)] = v
    meta = {k: str(v) for k, v in hyper.items()}
    meta["steps"] = LONG_STEPS
    meta["every"] = LONG_EVERY
    meta["loss"] = "n/a: gradients are given (grad.<p>.step<k> used at step k)"
    return res, meta


def _long_case(name, cls, **kw):
    def fn():
        hyper = dict(kw)
        hyper["optimizer"] = cls.__name__
        return _long_trajectory(lambda ps: cls(ps, **kw), hyper)
    fn.__name__ = name
    CASES[name] = fn


# High learning rates, as in the audit that found float32 (1 - beta2) constants (issue 20).
_long_case("long_sgd_momentum", O.SGD, lr=0.5, momentum=0.9)
_long_case("long_sgd_nesterov", O.SGD, lr=0.5, momentum=0.9, nesterov=True)
_long_case("long_adagrad", O.Adagrad, lr=0.5)
_long_case("long_rmsprop", O.RMSprop, lr=0.1)
_long_case("long_rmsprop_centered", O.RMSprop, lr=0.1, centered=True)
_long_case("long_adadelta", O.Adadelta, lr=1.0)
_long_case("long_adam", O.Adam, lr=0.1)
_long_case("long_amsgrad", O.Adam, lr=0.1, amsgrad=True)
_long_case("long_adamw", O.AdamW, lr=0.1, weight_decay=0.1)
_long_case("long_adamax", O.Adamax, lr=0.1)
_long_case("long_nadam", O.NAdam, lr=0.1)


def _lrs(opt, sched, steps):
    """The learning rate used at steps 0..steps-1 (read before each scheduler step)."""
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return torch.tensor(out, dtype=torch.float64)


@case
def sched_one_cycle():
    """torch.optim.lr_scheduler.OneCycleLR(max_lr=1, total_steps=300), cos annealing, default
    pct_start 0.3, div_factor 25, final_div_factor 1e4, no momentum cycling."""
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=300, cycle_momentum=False)
    hi, lo = _hi_lo(_lrs(opt, sched, 300))
    return {"lr": hi, "lr_lo": lo}, {"scheduler": "OneCycleLR", "max_lr": "1.0", "total_steps": "300",
                                     "pct_start": "0.3", "div_factor": "25", "final_div_factor": "1e4",
                                     "anneal_strategy": "cos", "loss": "n/a: lr[t] is the rate of step t (lr + lr_lo)"}


def _warmup_cosine(peak, warmup, total, floor):
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=peak)
    lin = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0 / warmup, end_factor=1.0, total_iters=warmup - 1)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=floor * peak)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [lin, cos], milestones=[warmup])
    hi, lo = _hi_lo(_lrs(opt, sched, total))
    return {"lr": hi, "lr_lo": lo}, {"scheduler": "SequentialLR(LinearLR, CosineAnnealingLR)", "peak": str(peak),
                                     "warmup": str(warmup), "total_steps": str(total), "floor": str(floor),
                                     "note": "LinearLR(start_factor=1/warmup, total_iters=warmup-1): (t+1)/warmup; "
                                             "CosineAnnealingLR(T_max=total-warmup, eta_min=floor*peak) from step warmup",
                                     "loss": "n/a: lr[t] is the rate of step t (lr + lr_lo)"}


@case
def sched_warmup_cosine():
    return _warmup_cosine(0.1, 20, 300, 0.0)


@case
def sched_warmup_cosine_floor():
    return _warmup_cosine(2e-3, 100, 1000, 0.1)


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("cases", nargs="*", help="subset of cases (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    names = args.cases or list(CASES)
    total = 0
    for name in CASES:
        if name not in names:
            continue
        seed = zlib.crc32(name.encode("ascii"))  # stable per case, independent of order
        torch.manual_seed(seed)
        tensors, meta = CASES[name]()
        meta = dict(meta)
        meta.setdefault("loss", LOSS_DOC)
        meta.update({"case": name, "seed": seed, "compute_dtype": "float64",
                     "storage_dtype": "float32", "torch_version": torch.__version__,
                     "generator": "scripts/record_fixtures.py"})
        path = os.path.join(args.out, name + ".safetensors")
        write_safetensors(path, tensors, meta)
        back, _ = read_safetensors(path)
        for k, v in tensors.items():
            assert torch.equal(back[k], v.detach().float()), (name, k)
        size = os.path.getsize(path)
        total += size
        print("%-14s %8d bytes  %s" % (name, size, ", ".join(
            "%s%s" % (k, list(back[k].shape)) for k in sorted(back))), file=sys.stderr)
    print("total %d bytes" % total, file=sys.stderr)


if __name__ == "__main__":
    main()
