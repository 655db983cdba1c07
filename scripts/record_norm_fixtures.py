#!/usr/bin/python3
"""Record the PyTorch reference fixtures of fivefold's normalisation layers and residual nets.

Usage:  /usr/bin/python3 scripts/record_norm_fixtures.py [--out DIR] [cases ...]
Default DIR: fivefold-core/src/test/resources/fixtures. Same format and conventions as
scripts/record_fixtures.py (whose writer and helpers it imports): float32 random values,
float64 arithmetic, one rounding to float32 for storage; each case seeded with
crc32(case name); re-running gives byte-identical files. Read by dev.fivefold.nn.NormTorchParityTest.

Buffers: a layer's running statistics before the forward are stored with its parameters as
param.<name> (param.running_mean, param.bn1.running_var, ...; what fivefold's loadStateDict reads);
after.<name> holds them after the case's training-mode forward. PyTorch's num_batches_tracked is
not stored (fivefold does not keep it; it only matters for momentum=None).

Cases:
  batchnorm2d_train   BatchNorm2d(4), train mode, x [3,4,5,5]; output, grads, after.running_*
  batchnorm2d_eval    BatchNorm2d(4), eval mode (random running stats), x [3,4,5,5]
  batchnorm1d_train   BatchNorm1d(5), train mode, x [6,5]
  batchnorm1d_eval    BatchNorm1d(5), eval mode, x [6,5]
  batchnorm_steps     BatchNorm2d(3): 4 train-mode forwards of input.step1..4, running_mean.step<k> /
                      running_var.step<k> after each; then output.eval = the eval forward of input.eval
  lrn                 LocalResponseNorm(5, alpha=0.5, beta=0.75, k=2), x [2,7,4,4]
  lrn_alexnet         LocalResponseNorm(5, 1e-4, 0.75, 2) (AlexNet's), x [2,6,3,3] * 10
  lrn_even            LocalResponseNorm(4, alpha=0.3, beta=0.6, k=1), x [2,6,5] (rank 3, even size)
  groupnorm           GroupNorm(2, 6), x [3,6,4,4]
  gap                 adaptive_avg_pool2d(x, 1).flatten(1), x [2,3,5,4]
  resblock_identity   BasicBlock(4, 4, stride 1), train mode, x [2,4,6,6]; after.* the running stats
  resblock_project    BasicBlock(4, 8, stride 2) with downsample (1x1 conv + BN), train mode, x [2,4,7,7]
  resnet              resnet:width=4,blocks=1,stages=2 (fivefold's ResNet), train mode, x [3,1,28,28];
                      output = mean CE; logits; after.*; logits_eval = eval-mode logits afterwards
  lenet5_bn           lenet5:4-6-10,norm=bn, train mode, mean CE, logits, after.*
  lenet5_lrn          lenet5:4-6-10,norm=lrn, mean CE, logits
Batch norm and group norm affine parameters are random (1 + 0.2 N, 0.2 N), not PyTorch's 1/0.
"""

import argparse
import os
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_fixtures import DEFAULT_OUT, LOSS_DOC, Fn, f32rand, read_safetensors, run_module, write_safetensors  # noqa: E402

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def f32(x):
    """x rounded to float32 (as stored), back in float64: the inputs the references are computed from."""
    return x.float().double()


def randomize_norms(module):
    """Random affine parameters and running statistics for every batch/group norm."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm)):
                m.weight.copy_((1.0 + 0.2 * torch.randn(m.weight.shape)).double())
                m.bias.copy_((0.2 * torch.randn(m.bias.shape)).double())
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.copy_((0.3 * torch.randn(m.running_mean.shape)).double())
                m.running_var.copy_((0.5 + torch.rand(m.running_var.shape)).double())


def buffers(module, prefix):
    return {prefix + n: b.detach().clone() for n, b in module.named_buffers() if not n.endswith("num_batches_tracked")}


def with_buffers(module, fn):
    """Runs fn() (the recording forward) and adds the buffers before (param.*) and after (after.*)."""
    before = buffers(module, "param.")
    r = fn()
    r.update(before)
    r.update(buffers(module, "after."))
    return r


def bn(cls, c, shape, train):
    m = cls(c).double()
    randomize_norms(m)
    m.train(train)
    x = f32(f32rand(*shape) * 1.5 + 0.7)
    r = with_buffers(m, lambda: run_module(m, [x]))
    return r, {"features": c, "eps": "1e-05", "momentum": "0.1", "mode": "train" if train else "eval"}


@case
def batchnorm2d_train():
    return bn(nn.BatchNorm2d, 4, (3, 4, 5, 5), True)


@case
def batchnorm2d_eval():
    return bn(nn.BatchNorm2d, 4, (3, 4, 5, 5), False)


@case
def batchnorm1d_train():
    return bn(nn.BatchNorm1d, 5, (6, 5), True)


@case
def batchnorm1d_eval():
    return bn(nn.BatchNorm1d, 5, (6, 5), False)


@case
def batchnorm_steps():
    m = nn.BatchNorm2d(3).double()
    randomize_norms(m)
    r = buffers(m, "param.")
    for n, p in m.named_parameters():
        r["param." + n] = p.detach().clone()
    m.train()
    with torch.no_grad():
        for k in range(1, 5):
            x = f32(f32rand(4, 3, 3, 3) * (1 + k) + k)
            m(x)
            r["input.step%d" % k] = x
            r["running_mean.step%d" % k] = m.running_mean.clone()
            r["running_var.step%d" % k] = m.running_var.clone()
        m.eval()
        x = f32rand(2, 3, 3, 3)
        r["input.eval"] = x
        r["output.eval"] = m(x)
    return r, {"features": 3, "eps": "1e-05", "momentum": "0.1", "loss": "none (forward only)"}


def lrn_case(size, alpha, beta, k, shape, scale=1.0):
    m = nn.LocalResponseNorm(size, alpha=alpha, beta=beta, k=k)
    r = run_module(m, [f32(f32rand(*shape) * scale)])
    return r, {"size": size, "alpha": alpha, "beta": beta, "k": k}


@case
def lrn():
    return lrn_case(5, 0.5, 0.75, 2.0, (2, 7, 4, 4))


@case
def lrn_alexnet():
    return lrn_case(5, 1e-4, 0.75, 2.0, (2, 6, 3, 3), scale=10.0)


@case
def lrn_even():
    return lrn_case(4, 0.3, 0.6, 1.0, (2, 6, 5))


@case
def groupnorm():
    m = nn.GroupNorm(2, 6).double()
    randomize_norms(m)
    r = run_module(m, [f32(f32rand(3, 6, 4, 4) + 0.5)])
    return r, {"groups": 2, "channels": 6, "eps": "1e-05"}


@case
def gap():
    m = Fn(lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1))
    return run_module(m, [f32rand(2, 3, 5, 4)]), {"op": "adaptive_avg_pool2d(x, 1).flatten(1)"}


class BasicBlock(nn.Module):
    """torchvision's BasicBlock with biased convolutions (as fivefold's ResidualBlock)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if cin != cout or stride != 1:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    """fivefold's perception.ResNet: stem conv3x3-BN-ReLU, stages of BasicBlocks, GAP, fc."""

    def __init__(self, width, blocks, stages):
        super().__init__()
        self.conv1 = nn.Conv2d(1, width, 3, 1, 1)
        self.bn1 = nn.BatchNorm2d(width)
        self.stages = stages
        for s in range(stages):
            out = width << s
            layer = nn.Sequential(*[BasicBlock(out // 2 if (b == 0 and s > 0) else out, out, 2 if (b == 0 and s > 0) else 1)
                                    for b in range(blocks)])
            setattr(self, "layer%d" % (s + 1), layer)
        self.fc = nn.Linear(width << (stages - 1), 10)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        for s in range(self.stages):
            h = getattr(self, "layer%d" % (s + 1))(h)
        return self.fc(F.adaptive_avg_pool2d(h, 1).flatten(1))


class LeNet5(nn.Module):
    """fivefold's lenet5:C1-C2-H,norm=bn|lrn."""

    def __init__(self, c1, c2, h, norm):
        super().__init__()
        self.norm = norm
        self.conv1 = nn.Conv2d(1, c1, 5)
        if norm == "bn":
            self.bn1 = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, 5)
        if norm == "bn":
            self.bn2 = nn.BatchNorm2d(c2)
        self.fc1 = nn.Linear(16 * c2, h)
        self.fc2 = nn.Linear(h, 10)

    def stage(self, conv, bn, x):
        h = conv(x)
        if self.norm == "bn":
            h = bn(h)
        h = F.relu(h)
        if self.norm == "lrn":
            h = F.local_response_norm(h, 5, alpha=1e-4, beta=0.75, k=2.0)
        return F.max_pool2d(h, 2)

    def forward(self, x):
        h = self.stage(self.conv1, getattr(self, "bn1", None), x)
        h = self.stage(self.conv2, getattr(self, "bn2", None), h)
        return self.fc2(F.relu(self.fc1(h.flatten(1))))


def block(cin, cout, stride, shape):
    m = BasicBlock(cin, cout, stride).double()
    randomize_norms(m)
    m.train()
    r = with_buffers(m, lambda: run_module(m, [f32rand(*shape)]))
    return r, {"in": cin, "out": cout, "stride": stride, "mode": "train"}


@case
def resblock_identity():
    return block(4, 4, 1, (2, 4, 6, 6))


@case
def resblock_project():
    return block(4, 8, 2, (2, 4, 7, 7))


def classifier(m, spec, eval_logits):
    m = m.double()
    randomize_norms(m)
    m.train()
    x = f32rand(3, 1, 28, 28)
    tgt = torch.randint(0, 10, (3,))
    box = {}

    def fwd(i):
        box["logits"] = m(i)
        return F.cross_entropy(box["logits"], tgt)

    class Wrap(nn.Module):  # the loss as a module whose parameters are the model's
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, i):
            return fwd(i)

        def named_parameters(self, *a, **k):
            return m.named_parameters(*a, **k)

    r = with_buffers(m, lambda: run_module(Wrap(), [x], grad_inputs=False, scalar_loss=True))
    r["logits"] = box["logits"]
    r["target"] = tgt.double()
    if eval_logits:
        m.eval()
        with torch.no_grad():
            r["logits_eval"] = m(x)
    return r, {"model": spec, "loss": "mean cross-entropy of logits against target; " + LOSS_DOC}


@case
def resnet():
    return classifier(ResNet(4, 1, 2), "resnet:width=4,blocks=1,stages=2", True)


@case
def lenet5_bn():
    return classifier(LeNet5(4, 6, 10, "bn"), "lenet5:4-6-10,norm=bn", True)


@case
def lenet5_lrn():
    return classifier(LeNet5(4, 6, 10, "lrn"), "lenet5:4-6-10,norm=lrn", False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("cases", nargs="*", help="subset of cases (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    for name in CASES:
        if args.cases and name not in args.cases:
            continue
        seed = zlib.crc32(name.encode("ascii"))
        torch.manual_seed(seed)
        tensors, meta = CASES[name]()
        meta = dict(meta)
        meta.setdefault("loss", LOSS_DOC)
        meta.update({"case": name, "seed": seed, "compute_dtype": "float64", "storage_dtype": "float32",
                     "torch_version": torch.__version__, "generator": "scripts/record_norm_fixtures.py"})
        path = os.path.join(args.out, name + ".safetensors")
        write_safetensors(path, tensors, meta)
        back, _ = read_safetensors(path)
        for k, v in tensors.items():
            assert torch.equal(back[k], v.detach().float()), (name, k)
        print("%-18s %7d bytes  %s" % (name, os.path.getsize(path), ", ".join(sorted(back))), file=sys.stderr)


if __name__ == "__main__":
    main()
