#!/usr/bin/python3
"""The PyTorch peer of gradstep's two lab models, for bench/compare.py.

Same layers and sizes as gradstep's presets, Glorot-uniform weights and zero biases (Keras's and
gradstep's init), RMSprop with lr 0.001, rho (PyTorch's alpha) 0.9, eps 1e-7, momentum 0, batch 128
(MLP) or 64 (CNN), one epoch over the same MNIST files (datasets/mnist/*.gz), a fresh shuffle, then the
test set. PyTorch puts eps outside the square root (g / (sqrt(v) + eps)); with eps = 1e-7 that changes
no figure here. Prints one JSON line: seconds for the epoch, samples/s, test accuracy, peak RSS.

    python3 bench/torch_mnist.py --model mlp --threads 1
    python3 bench/torch_mnist.py --sgemm     # the machine's float32 matrix-product rate (OpenBLAS)
"""
import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "datasets", "mnist")


def idx(name, offset):
    with gzip.open(os.path.join(MNIST, name + ".gz"), "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(split):
    images = idx(f"{split}-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    labels = idx(f"{split}-labels-idx1-ubyte", 8).astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def model(kind):
    if kind == "mlp":
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    else:
        net = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
            nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)  # Glorot uniform, as Keras
            nn.init.zeros_(m.bias)
    return net


def sgemm_rate(n=2048, reps=10):
    a = torch.rand(n, n)
    b = torch.rand(n, n)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    seconds = (time.perf_counter() - start) / reps
    return 2.0 * n ** 3 / seconds / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sgemm", action="store_true", help="measure the float32 matrix-product rate and exit")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.sgemm:
        print(json.dumps({"sgemm_gflops": round(sgemm_rate(), 1), "threads": a.threads,
                          "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}))
        return
    torch.manual_seed(a.seed)
    x, y = load("train")
    tx, ty = load("t10k")
    net = model(a.model)
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-7, momentum=0)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, mean over the batch
    batch = 128 if a.model == "mlp" else 64
    start = time.perf_counter()
    order = torch.randperm(len(x))
    net.train()
    for i in range(0, len(x), batch):
        idx_ = order[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x[idx_]), y[idx_])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    net.eval()
    with torch.no_grad():
        correct = sum((net(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
    print(json.dumps({"model": a.model, "seconds": round(seconds, 2), "samples_per_s": round(len(x) / seconds),
                      "test_accuracy": correct / len(tx),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "torch_threads": a.threads, "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
