#!/usr/bin/python3
"""gradstep against PyTorch on this machine: one epoch of each lab model, one after the other.

    bench/compare.py                 # both models
    bench/compare.py --models mlp

For each model it runs `gradstep train --epochs 1` (backend java) and bench/torch_mnist.py, each in a
child process whose peak resident memory is read from the kernel (wait4), and prints seconds per epoch,
samples/s, test accuracy, peak RSS and the gradstep/PyTorch ratio. PyTorch gets its best thread setting
on 2 cores (oversubscribed OpenMP and OpenBLAS threads make it about 3x slower): OpenBLAS 2 threads with
torch 1 for the MLP, OpenBLAS 1 with torch 2 for the CNN. Needs Debian's python3-torch for
/usr/bin/python3 and a built gradstep (./gradstep builds it).
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JAR = os.path.join(ROOT, "debugger", "target", "gradstep.jar")
TORCH_THREADS = {"mlp": {"OPENBLAS_NUM_THREADS": "2", "torch": 1}, "cnn": {"OPENBLAS_NUM_THREADS": "1", "torch": 2}}


def child(cmd, env=None):
    """Runs cmd and returns (stdout, peak RSS in MB), the RSS from the kernel's accounting of that child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.dup2(write, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvpe(cmd[0], cmd, env or os.environ)
    os.close(write)
    chunks = []
    while True:
        data = os.read(read, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(read)
    _, status, usage = os.wait4(pid, 0)
    out = b"".join(chunks).decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"compare: {' '.join(cmd)} failed:\n{out[-2000:]}")
    return out, usage.ru_maxrss / 1024


def gradstep(model):
    # as ./gradstep starts it
    out, rss = child(["java", "--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC", "-jar", JAR, "train", "--model", model,
                      "--epochs", "1", "--backend", "java"])
    seconds = float(re.search(r"trained 1 epochs in ([\d.]+)s", out).group(1))
    accuracy = float(re.search(r"^test: loss=[\d.]+ accuracy=([\d.]+)$", out, re.M).group(1))
    return {"seconds": seconds, "samples_per_s": round(60000 / seconds), "test_accuracy": accuracy, "peak_rss_mb": round(rss)}


def pytorch(model):
    t = TORCH_THREADS[model]
    env = dict(os.environ, OPENBLAS_NUM_THREADS=t["OPENBLAS_NUM_THREADS"], OMP_NUM_THREADS=str(t["torch"]))
    out, rss = child(["/usr/bin/python3", os.path.join(HERE, "torch_mnist.py"), "--model", model, "--threads", str(t["torch"])], env)
    r = json.loads(out.strip().splitlines()[-1])
    r["peak_rss_mb"] = round(rss)
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", default=["mlp", "cnn"], choices=["mlp", "cnn"])
    a = p.parse_args()
    if not os.path.exists(JAR):
        subprocess.run([os.path.join(ROOT, "gradstep"), "--version"], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2")
    sgemm, _ = child(["/usr/bin/python3", os.path.join(HERE, "torch_mnist.py"), "--sgemm", "--threads", "1"], env)
    peak = json.loads(sgemm.strip().splitlines()[-1])["sgemm_gflops"]
    print(f"machine: {os.cpu_count()} cores; float32 matrix product (OpenBLAS sgemm, 2048^3, 2 threads): {peak} GFLOP/s")
    print(f"{'model':6} {'framework':9} {'s/epoch':>8} {'samples/s':>10} {'test acc':>9} {'peak RSS':>9} {'threads':>22}")
    for model in a.models:
        g = gradstep(model)
        t = pytorch(model)
        setting = f"OpenBLAS {TORCH_THREADS[model]['OPENBLAS_NUM_THREADS']}, torch {TORCH_THREADS[model]['torch']}"
        print(f"{model:6} {'gradstep':9} {g['seconds']:8.2f} {g['samples_per_s']:10d} {g['test_accuracy']:9.4f} {g['peak_rss_mb']:7d}MB {'java, 2':>22}")
        print(f"{model:6} {'pytorch':9} {t['seconds']:8.2f} {t['samples_per_s']:10d} {t['test_accuracy']:9.4f} {t['peak_rss_mb']:7d}MB {setting:>22}")
        print(f"{model:6} {'ratio':9} {g['seconds'] / t['seconds']:8.2f}x {'':10} {'':9} {g['peak_rss_mb'] / t['peak_rss_mb']:8.2f}x"
              f"   (gradstep / PyTorch; below 1 is faster or smaller)")


if __name__ == "__main__":
    main()
