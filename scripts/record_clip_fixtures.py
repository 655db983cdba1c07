#!/usr/bin/python3
"""Record the PyTorch reference fixture of CLIP's symmetric InfoNCE loss (perception.clip.InfoNce).

Usage:  /usr/bin/python3 scripts/record_clip_fixtures.py [--out DIR]
Default DIR: fivefold-core/src/test/resources/fixtures. Writes infonce.safetensors in the format and
conventions of scripts/record_fixtures.py (whose writer and helpers it imports): float32 random
values, float64 arithmetic, one rounding to float32 for storage; re-running gives byte-identical files.

The loss (Radford et al. 2021, figure 3), for raw features img [N,E], txt [N,E] and log-scale s [1]:
  I = F.normalize(img, dim=1); T = F.normalize(txt, dim=1)
  logits = exp(s) * I @ T^T                      [N, N]
  loss = (cross_entropy(logits, arange N) + cross_entropy(logits^T, arange N)) / 2
Stored: img, txt, logit_scale, loss (output), grad.img, grad.txt, grad.logit_scale; N = 6, E = 5,
s = ln(1/0.07) + a random offset (so the scale's gradient is not at CLIP's initial value only).
"""

import argparse
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_fixtures import DEFAULT_OUT, f32rand, write_safetensors  # noqa: E402


def record(out):
    torch.manual_seed(15)
    n, e = 6, 5
    img = f32rand(n, e).requires_grad_(True)
    txt = f32rand(n, e).requires_grad_(True)
    s = (torch.tensor([math.log(1 / 0.07)], dtype=torch.float32) + 0.1 * torch.randn(1, dtype=torch.float32)).double().requires_grad_(True)
    i, t = F.normalize(img, dim=1), F.normalize(txt, dim=1)
    logits = s.exp() * i @ t.T
    target = torch.arange(n)
    loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
    gi, gt, gs = torch.autograd.grad(loss, [img, txt, s])
    write_safetensors(os.path.join(out, "infonce.safetensors"),
                      {"img": img, "txt": txt, "logit_scale": s, "output": loss.reshape(1), "logits": logits,
                       "grad.img": gi, "grad.txt": gt, "grad.logit_scale": gs},
                      {"what": "symmetric InfoNCE of F.normalize'd features, logits exp(s) I T^T", "torch": torch.__version__})


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    record(ap.parse_args().out)
