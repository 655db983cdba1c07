#!/usr/bin/python3
"""Record the PyTorch reference fixtures of a tiny Vision Transformer (perception.Vit).

Usage:  /usr/bin/python3 scripts/record_vit_fixture.py [--out DIR]
Default DIR: fivefold-core/src/test/resources/fixtures. Writes vit.safetensors (pool=cls),
vit_mean.safetensors (pool=mean) and attention_masked.safetensors (nn.SelfAttention with a key
mask), in the format and conventions of scripts/record_fixtures.py
(whose writer and helpers it imports): float32 random values, float64 arithmetic, one rounding
to float32 for storage; re-running gives byte-identical files.

The model (Dosovitskiy et al. 2021, pre-LN, no dropout), names as fivefold's state dict:
  patches     x [B,1,28,28] -> [B,g,P,g,P] -> [B,g,g,P,P] -> [B,g*g,P*P] (g = 28/P; row-major)
  patch_embed Linear(P*P, C)
  cls         [1,1,C], prepended (pool=cls only)
  pos         [T',C] added
  blocks.i    x += attn(ln_1(x)); x += mlp(ln_2(x)); attn: qkv Linear(C,3C) -> bidirectional
              softmax(q k^T / sqrt(C/H)) v per head -> proj Linear(C,C); mlp: fc1 Linear(C,M) ->
              GELU(tanh) -> fc2 Linear(M,C); LayerNorm eps 1e-5
  ln_f, head  LayerNorm(C); Linear(C,10) on the class token (pool=cls) or the token mean (pool=mean)
output = mean cross-entropy against target; grad.param.* its gradients; logits [B,10] extra;
attn_probs the first block's attention probabilities [B,H,T',T'].

attention_masked: one bidirectional attention layer (qkv, proj as above, C=8, H=2) on x [3,6,8]
with a key mask visible [3,6] (1 = the key may be attended to; PyTorch's key_padding_mask is its
negation): scores of hidden keys are -inf before the softmax. Sample 0 sees every key, sample 1
the first four, sample 2 keys 1 and 4. Stored: input, upstream, output, grad.input, param.*,
grad.param.*, visible (0/1 as float32), attn_probs [B,H,T,T] (exact zeros at hidden keys).
"""

import argparse
import math
import os
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_fixtures import DEFAULT_OUT, LOSS_DOC, _ParamsOf, f32rand, randomize_layernorms, read_safetensors, run_module, write_safetensors  # noqa: E402


class Attn(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.probs = None

    def forward(self, x, visible=None):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.h, c // self.h).transpose(1, 2) for z in (q, k, v))
        s = q @ k.transpose(-2, -1) / math.sqrt(c // self.h)
        if visible is not None:
            s = s.masked_fill(~visible[:, None, None, :], float("-inf"))
        p = torch.softmax(s, dim=-1)
        self.probs = p
        return self.proj((p @ v).transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self, c, h, m):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c)
        self.attn = Attn(c, h)
        self.ln_2 = nn.LayerNorm(c)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(c, m)
        self.mlp.fc2 = nn.Linear(m, c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp.fc2(F.gelu(self.mlp.fc1(self.ln_2(x)), approximate="tanh"))


class Vit(nn.Module):
    def __init__(self, p, c, layers, h, m, mean_pool):
        super().__init__()
        self.p, self.mean_pool = p, mean_pool
        g = 28 // p
        self.patch_embed = nn.Linear(p * p, c)
        if not mean_pool:
            self.cls = nn.Parameter(f32rand(1, 1, c).float())
        self.pos = nn.Parameter(f32rand(g * g + (0 if mean_pool else 1), c).float())
        self.blocks = nn.ModuleList([Block(c, h, m) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)
        self.head = nn.Linear(c, 10)

    def forward(self, x):
        b, p = x.shape[0], self.p
        g = 28 // p
        z = self.patch_embed(x.reshape(b, g, p, g, p).permute(0, 1, 3, 2, 4).reshape(b, g * g, p * p))
        if not self.mean_pool:
            z = torch.cat([self.cls.expand(b, 1, -1), z], dim=1)
        z = z + self.pos
        for blk in self.blocks:
            z = blk(z)
        z = self.ln_f(z)
        return self.head(z.mean(dim=1) if self.mean_pool else z[:, 0])


def record(name, mean_pool):
    p, c, layers, h, m, b = 7, 8, 2, 2, 12, 3
    net = Vit(p, c, layers, h, m, mean_pool).double()
    randomize_layernorms(net)
    x = f32rand(b, 1, 28, 28)
    tgt = torch.randint(0, 10, (b,))
    box = {}

    def fwd(i):
        logits = net(i)
        box["logits"] = logits
        return F.cross_entropy(logits, tgt)

    r = run_module(_ParamsOf(net, fwd), [x], grad_inputs=False, scalar_loss=True)
    r["logits"] = box["logits"]
    r["attn_probs"] = net.blocks[0].attn.probs
    r["target"] = tgt.double()
    spec = "vit:patch=%d,width=%d,layers=%d,heads=%d,mlp=%d,pool=%s" % (p, c, layers, h, m, "mean" if mean_pool else "cls")
    return r, {"model": spec, "eps": "1e-05", "gelu": "tanh", "dropout": 0,
               "note": "input [B,1,28,28]; target class ids as float32; output = mean CE; logits [B,10]; "
                       "attn_probs = blocks.0 attention probabilities [B,H,T,T]"}


def record_attention_masked():
    b, t, c, h = 3, 6, 8, 2
    net = Attn(c, h).double()
    visible = torch.ones(b, t, dtype=torch.bool)
    visible[1, 4:] = False
    visible[2, :] = False
    visible[2, 1] = visible[2, 4] = True
    x = f32rand(b, t, c)
    r = run_module(_Masked(net, visible), [x])
    r["visible"] = visible.double()
    r["attn_probs"] = net.probs
    assert torch.all(net.probs.masked_select(~visible[:, None, None, :]) == 0)
    return r, {"n_embd": c, "n_head": h, "qkv_split_order": "q,k,v", "dropout": 0,
               "note": "visible [B,T] 1 = key visible; attn_probs [B,H,T,T] = softmax(q k^T / sqrt(hs), hidden keys -inf)"}


class _Masked(nn.Module):
    """The attention layer with a fixed key mask; its parameters named as fivefold's (qkv.*, proj.*)."""

    def __init__(self, net, visible):
        super().__init__()
        self.qkv, self.proj = net.qkv, net.proj
        self.net, self.visible = net, visible

    def named_parameters(self, *a, **k):
        return self.net.named_parameters(*a, **k)

    def forward(self, x):
        return self.net(x, self.visible)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    for name, mean_pool in (("vit", False), ("vit_mean", True), ("attention_masked", None)):
        seed = zlib.crc32(name.encode("ascii"))
        torch.manual_seed(seed)
        tensors, meta = record(name, mean_pool) if mean_pool is not None else record_attention_masked()
        meta = dict(meta)
        meta.setdefault("loss", LOSS_DOC)
        meta.update({"case": name, "seed": seed, "compute_dtype": "float64", "storage_dtype": "float32",
                     "torch_version": torch.__version__, "generator": "scripts/record_vit_fixture.py"})
        path = os.path.join(args.out, name + ".safetensors")
        write_safetensors(path, tensors, meta)
        back, _ = read_safetensors(path)
        for k, v in tensors.items():
            assert torch.equal(back[k], v.detach().float()), (name, k)
        print("%-9s %7d bytes  %s" % (name, os.path.getsize(path), ", ".join(sorted(back))), file=sys.stderr)


if __name__ == "__main__":
    main()
