#!/usr/bin/python3
"""Move LeNet-300-100 weights between PyTorch and fivefold through safetensors files.

  /usr/bin/python3 scripts/torch_roundtrip.py to-fivefold OUT.safetensors [--epochs 1]
      trains LeNet-300-100 in PyTorch on Fashion-MNIST, prints its test accuracy and writes the
      weights under PyTorch's state_dict names (fc1.weight, ...). Then:
      ./fivefold eval OUT.safetensors --model mlp   prints the same accuracy.
  /usr/bin/python3 scripts/torch_roundtrip.py from-fivefold CKPT.safetensors
      loads a fivefold checkpoint (its "model." tensors) or weights file into the PyTorch model
      and prints the test accuracy, which matches `./fivefold eval CKPT`.

Reads the IDX files from $FIVEFOLD_DATA, /usr/share/datasets/fashion-mnist or
~/.cache/fivefold/fashion-mnist. The safetensors reader/writer is written out here (no extra
package). PyTorch is Debian's python3-torch; it is a tool of this script, not a fivefold dependency.
"""

import argparse
import gzip
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

DIRS = [os.environ.get("FIVEFOLD_DATA", ""), "/usr/share/datasets/fashion-mnist",
        os.path.expanduser("~/.cache/fivefold/fashion-mnist")]


def idx(name):
    for d in DIRS:
        p = os.path.join(d, name)
        if d and os.path.exists(p):
            with gzip.open(p, "rb") as f:
                data = f.read()
            magic, = struct.unpack(">I", data[:4])
            nd = magic & 0xFF
            dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
            return torch.frombuffer(bytearray(data[4 + 4 * nd:]), dtype=torch.uint8).reshape(dims)
    sys.exit("Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or set FIVEFOLD_DATA)")


def data(split):
    x = idx(f"{split}-images-idx3-ubyte.gz").float().div(255).reshape(-1, 784)
    y = idx(f"{split}-labels-idx1-ubyte.gz").long()
    return x, y


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def accuracy(model):
    x, y = data("t10k")
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n, = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            sys.exit(f"{path}: tensor {name} has dtype {t['dtype']}, expected F32")
        b, e = t["data_offsets"]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + e]), dtype=torch.float32).reshape(t["shape"])
    return out


def write_safetensors(path, tensors, meta):
    names = sorted(tensors)
    header, off, blobs = {"__metadata__": meta}, 0, []
    for k in names:
        b = tensors[k].detach().contiguous().float().numpy().tobytes()
        header[k] = {"dtype": "F32", "shape": list(tensors[k].shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("direction", choices=["to-fivefold", "from-fivefold"])
    ap.add_argument("file")
    ap.add_argument("--epochs", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(1)
    model = Mlp()
    if a.direction == "to-fivefold":
        x, y = data("train")
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        for _ in range(a.epochs):
            perm = torch.randperm(len(x))
            for i in range(0, len(x), 128):
                j = perm[i:i + 128]
                opt.zero_grad()
                F.cross_entropy(model(x[j]), y[j]).backward()
                opt.step()
        write_safetensors(a.file, model.state_dict(), {"model": "mlp:784-300-100-10:relu", "source": "pytorch"})
        print(f"pytorch accuracy {accuracy(model):.4f}; wrote {a.file}")
    else:
        w = read_safetensors(a.file)
        if any(k.startswith("model.") for k in w):
            w = {k[6:]: v for k, v in w.items() if k.startswith("model.")}
        model.load_state_dict(w)
        print(f"pytorch accuracy {accuracy(model):.4f} with the weights of {a.file}")


if __name__ == "__main__":
    main()
