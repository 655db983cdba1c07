#!/usr/bin/python3
"""Record the PyTorch reference fixtures of fivefold's recurrent layers (nn.Lstm, nn.Gru).

Usage:  /usr/bin/python3 scripts/record_rnn_fixtures.py [--out DIR] [cases ...]
Default DIR: fivefold-core/src/test/resources/fixtures. Same format and conventions as
scripts/record_fixtures.py (whose writer it imports): float32 random values, float64 arithmetic,
one rounding to float32 for storage; each case seeded with crc32(case name); re-running gives
byte-identical files. Read by dev.fivefold.nn.RecurrentTorchParityTest.

Every case runs torch.nn.LSTM / torch.nn.GRU (batch_first=True) on input [B,T,I] from the given
initial state and stores:
  input, h0 (and c0 for the LSTM)            the inputs, [B,T,I] and [L,B,H]
  param.<name>                               the weights under PyTorch's state-dict names
  output, h_n (and c_n)                      PyTorch's outputs
  upstream, upstream_h (and upstream_c)      random weights of the loss
  grad.input, grad.h0 (grad.c0), grad.param.<name>   dL/d* for
      L = sum(output * upstream) + sum(h_n * upstream_h) [+ sum(c_n * upstream_c)]

Cases:
  lstm        LSTM(4, 6, num_layers=2), B=3, T=5
  lstm_long   LSTM(3, 5, num_layers=1), B=2, T=17 (a longer chain through time)
  gru         GRU(4, 6, num_layers=2), B=3, T=5
  gru_long    GRU(3, 5, num_layers=1), B=2, T=17
"""

import argparse
import os
import sys
import zlib

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_fixtures import DEFAULT_OUT, f32rand, write_safetensors  # noqa: E402

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def _recurrent(kind, inp, hidden, layers, b, t):
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    m = cls(inp, hidden, num_layers=layers, batch_first=True).double()
    with torch.no_grad():  # weights drawn in float32 (exact in float64), wider than the default init
        for p in m.parameters():
            p.copy_(0.5 * f32rand(*p.shape))
    x = f32rand(b, t, inp).requires_grad_(True)
    h0 = (0.5 * f32rand(layers, b, hidden)).requires_grad_(True)
    res = {"input": x, "h0": h0}
    leaves = [x, h0]
    if kind == "lstm":
        c0 = (0.5 * f32rand(layers, b, hidden)).requires_grad_(True)
        res["c0"] = c0
        leaves.append(c0)
        out, (hn, cn) = m(x, (h0, c0))
    else:
        out, hn = m(x, h0)
        cn = None
    up, up_h = f32rand(*out.shape), f32rand(*hn.shape)
    loss = (out * up).sum() + (hn * up_h).sum()
    res.update({"output": out, "h_n": hn, "upstream": up, "upstream_h": up_h})
    if cn is not None:
        up_c = f32rand(*cn.shape)
        loss = loss + (cn * up_c).sum()
        res.update({"c_n": cn, "upstream_c": up_c})
    params = dict(m.named_parameters())
    grads = torch.autograd.grad(loss, leaves + list(params.values()))
    names = ["grad.input", "grad.h0", "grad.c0"][:len(leaves)]
    for n, g in zip(names, grads):
        res[n] = g
    for (n, p), g in zip(params.items(), grads[len(leaves):]):
        res["param." + n] = p
        res["grad.param." + n] = g
    meta = {"module": cls.__name__, "input_size": inp, "hidden_size": hidden, "num_layers": layers,
            "batch_first": "true", "batch": b, "steps": t, "torch": torch.__version__,
            "loss": "L = sum(output*upstream) + sum(h_n*upstream_h)" + (" + sum(c_n*upstream_c)" if cn is not None else "")}
    return res, meta


@case
def lstm():
    return _recurrent("lstm", 4, 6, 2, 3, 5)


@case
def lstm_long():
    return _recurrent("lstm", 3, 5, 1, 2, 17)


@case
def gru():
    return _recurrent("gru", 4, 6, 2, 3, 5)


@case
def gru_long():
    return _recurrent("gru", 3, 5, 1, 2, 17)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    for name in a.cases or list(CASES):
        torch.manual_seed(zlib.crc32(name.encode()))
        tensors, meta = CASES[name]()
        path = os.path.join(a.out, name + ".safetensors")
        write_safetensors(path, tensors, meta)
        print("wrote", path, len(tensors), "tensors")


if __name__ == "__main__":
    main()
