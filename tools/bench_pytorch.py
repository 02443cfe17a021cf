#!/usr/bin/python3
"""The workloads of `lenet5 bench`, in PyTorch, for a comparison on the same machine.

Needs PyTorch. On Debian or Ubuntu, with Debian's interpreter (not a pyenv or venv python):

    sudo apt-get install python3-torch libopenblas0-pthread
    /usr/bin/python3 tools/bench_pytorch.py --arch classic --json

On a processor for which the environment sets OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE, run it as
`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 ...` so that OpenBLAS picks its own
kernels (tools/compare.py does this). The output names the BLAS library, its configuration and the
threads in use.

The networks are those of tools/make_reference.py (imported, not rewritten), in float32:
  classic  LeNet-5 as the paper defines it: C1 6@5x5, trainable subsampling S2 (2x2 sum x coefficient
           + bias per map), C3 through Table I (a dense conv with masked weights), S4, C5, F6, all with
           1.7159 tanh(2a/3), RBF output y_i = sum_j (x_j - w_ij)^2, MAP loss (eq. 9).
  modern   tanh, 2x2 average pooling, dense C3, linear 84 -> 10, cross-entropy.
Weights: the paper's initialisation, uniform in +-2.4/fan-in (the reference fixtures' x4 removed).

Workloads, as `lenet5 bench` names them (images per second; b = batch, t = threads):
  infer_b{B}_t{T}  model in eval mode under torch.no_grad(): forward and the predicted class.
  train_b{B}_t{T}  forward + mean loss + backward + a plain SGD step (torch.optim.SGD, no momentum).
                   The inputs do not require gradients, so autograd skips C1's input gradient, as
                   the multiply-add count of `lenet5 bench` does.
at batch 1 on 1 thread and batches 64 and 256 on 1, 2 and all threads (torch.set_num_threads, and
openblas_set_num_threads when the BLAS is OpenBLAS), each the
median of 5 rounds after a warm-up round, on 1,024 generated digit-like images (the speed does not
depend on the pixels).
"""

import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
    import torch
except ImportError as missing:
    sys.exit(f"bench_pytorch: {missing}. On Debian or Ubuntu: sudo apt-get install python3-torch libopenblas0-pthread, "
             "and run this script with /usr/bin/python3.")

import make_reference as ref  # noqa: E402

REPEATS = 5
DISTINCT = 1024
# Multiply-adds per image, as `lenet5 bench` counts them from `lenet5 summary`: forward = the sum of the
# layers' connections; a training step = 3 x forward - C1's connections (no input gradient below C1).
C1_CONNECTIONS = 122_304
FORWARD = {"classic": 340_908, "modern": 429_342}


def workloads(processors):
    threads = sorted({1, 2, max(1, processors)})
    out = []
    for training in (False, True):
        out.append((training, 1, 1))
        for batch in (64, 256):
            for t in threads:
                out.append((training, batch, t))
    return out


def key(training, batch, threads):
    return f"{'train' if training else 'infer'}_b{batch}_t{threads}"


def processor_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name.strip() in ("model name", "Model", "Hardware") and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


class Blas:
    """The BLAS shared library the process loaded and, for OpenBLAS, its configuration, core and threads.

    torch.set_num_threads sets PyTorch's own (OpenMP) threads but not those of a pthread OpenBLAS, which keeps
    one per core; set_threads sets both, so that a one-thread figure is one thread throughout."""

    def __init__(self):
        torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure BLAS is loaded
        self.libraries = []
        try:
            with open("/proc/self/maps") as f:
                for line in f:
                    fields = line.split()
                    path = fields[-1] if len(fields) >= 6 else ""
                    base = os.path.basename(path).lower()
                    if ("blas" in base or "mkl" in base) and path not in self.libraries:
                        self.libraries.append(path)
        except OSError:
            pass
        self.config = self.core = None
        self._openblas = None
        for path in self.libraries:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            if hasattr(lib, "openblas_get_config"):
                lib.openblas_get_config.restype = ctypes.c_char_p
                self.config = lib.openblas_get_config().decode()
                if hasattr(lib, "openblas_get_corename"):
                    lib.openblas_get_corename.restype = ctypes.c_char_p
                    self.core = lib.openblas_get_corename().decode()
                self._openblas = lib
                break

    def threads(self):
        if self._openblas is not None and hasattr(self._openblas, "openblas_get_num_threads"):
            return self._openblas.openblas_get_num_threads()
        return None

    def set_threads(self, threads):
        torch.set_num_threads(threads)
        if self._openblas is not None and hasattr(self._openblas, "openblas_set_num_threads"):
            self._openblas.openblas_set_num_threads(ctypes.c_int(threads))


def generated_images(count, seed=1998):
    """-0.1 background with three bright strokes each, normalised like MNIST; random labels."""
    rng = np.random.default_rng(seed)
    images = np.full((count, 1, 32, 32), -0.1, dtype=np.float32)
    for i in range(count):
        for _ in range(3):
            x, y = rng.integers(6, 26, size=2)
            dx, dy = rng.integers(-1, 2, size=2)
            for _ in range(14):
                images[i, 0, y, x] = 1.175
                images[i, 0, y, x + 1] = 0.5
                x, y = int(np.clip(x + dx, 2, 29)), int(np.clip(y + dy, 2, 29))
    labels = rng.integers(0, 10, size=count)
    return torch.from_numpy(images), torch.from_numpy(labels).long()


class Network:
    """Parameters (float32 leaves) and forward/loss functions from make_reference."""

    def __init__(self, arch, seed=1):
        gen = torch.Generator().manual_seed(seed)
        self.arch = arch
        if arch == "classic":
            weights = ref.init_classic(gen, ref.make_prototypes())
            self.mask = ref.c3_mask().float().expand(16, 6, 5, 5).contiguous()
        else:
            weights = ref.init_modern(gen)
            self.pool = ref.pool_fn("Average")
        self.params = {}
        for name, value in weights:
            trainable = name != "output.prototypes"
            value = value / ref.INIT_SCALE if trainable else value  # the paper's init, not the fixtures' x4
            self.params[name] = torch.tensor(value, dtype=torch.float32, requires_grad=trainable)
        self.trainable = [p for n, p in self.params.items() if p.requires_grad]

    def forward(self, x):
        if self.arch == "classic":
            return ref.classic_forward(self.params, x, self.mask)
        return ref.modern_forward(self.params, x, "Tanh", self.pool)

    def loss(self, outputs, labels):
        if self.arch == "classic":
            return ref.classic_loss(outputs, labels)
        return ref.modern_loss(outputs, labels)

    def predict(self, outputs):
        # RBF penalties: the smallest wins; logits: the largest.
        return outputs.argmin(1) if self.arch == "classic" else outputs.argmax(1)


def measure(network, images, labels, training, batch, seconds):
    """Images per second of each of REPEATS rounds of about `seconds`, after one warm-up round."""
    batches = DISTINCT // batch
    xs = [images[i * batch:(i + 1) * batch].contiguous() for i in range(batches)]
    ys = [labels[i * batch:(i + 1) * batch].contiguous() for i in range(batches)]
    optimiser = torch.optim.SGD(network.trainable, lr=1e-3, momentum=0.0) if training else None

    def step(i):
        if training:
            optimiser.zero_grad(set_to_none=True)
            loss = network.loss(network.forward(xs[i]), ys[i]).mean()
            loss.backward()
            optimiser.step()
        else:
            with torch.no_grad():
                network.predict(network.forward(xs[i]))

    rates = []
    i = 0
    for round_ in range(REPEATS + 1):
        steps = 0
        start = time.perf_counter()
        while True:
            step(i)
            i = (i + 1) % batches
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        if round_ > 0:
            rates.append(steps * batch / elapsed)
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=["classic", "modern"], default="classic")
    parser.add_argument("--seconds", type=float, default=30.0, help="about how long the whole run takes (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the keys of `lenet5 bench --json`")
    parser.add_argument("--peak-gflops", type=float, default=None,
                        help="one core's fp32 peak in GFLOP/s (2 per FMA), e.g. `lenet5 bench`'s peak_gflops, to report shares of peak")
    args = parser.parse_args()
    if not (args.seconds > 0) or args.seconds > 86400:
        parser.error("--seconds must be a positive number of seconds (at most 86400)")

    processors = processor_count()
    plan = workloads(processors)
    warm_up = min(1.0, args.seconds / 30)
    per_round = max(0.0, args.seconds - warm_up) / (len(plan) * (REPEATS + 1))
    forward = FORWARD[args.arch]
    training_macs = 3 * forward - C1_CONNECTIONS

    torch.manual_seed(0)
    images, labels = generated_images(DISTINCT)
    blas = Blas()
    blas.set_threads(1)
    for training, batch in ((False, 64), (True, 1), (True, 64)):  # warm-up, untimed
        measure(Network(args.arch), images, labels, training, batch, warm_up / 18)

    figures = []
    for training, batch, threads in plan:
        blas.set_threads(threads)
        if not args.json:
            print(f"measuring {key(training, batch, threads)} ...", file=sys.stderr, flush=True)
        rounds = measure(Network(args.arch), images, labels, training, batch, per_round)
        median = statistics.median(rounds)
        share = None
        if args.peak_gflops:
            peak_fma = args.peak_gflops / 2 * 1e9 * min(threads, processors)
            share = median * (training_macs if training else forward) / peak_fma
        figures.append({"key": key(training, batch, threads), "kind": "training" if training else "inference",
                        "batch": batch, "threads": threads, "images_per_second": median,
                        "share_of_peak": share, "torch_threads": torch.get_num_threads(),
                        "blas_threads": blas.threads(), "rounds": rounds})
    result = {
        "tool": "pytorch",
        "arch": args.arch,
        "optimizer": "sgd (plain)",
        "cpu": cpu_name(),
        "processor_count": processors,
        "runtime": f"PyTorch {torch.__version__}, Python {platform.python_version()}",
        "simd": cpu_capability(),
        "peak_gflops": args.peak_gflops,
        "data": "generated",
        "multiply_adds_forward": forward,
        "multiply_adds_training": training_macs,
        "repeats": REPEATS,
        "seconds_per_repeat": per_round,
        "parallel_backend": torch.__config__.parallel_info().splitlines()[-1].strip(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "blas_libraries": blas.libraries,
        "blas_config": blas.config,
        "blas_core": blas.core,
        "openblas_env": {v: os.environ.get(v) for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    for f in figures:
        result[f["key"]] = f["images_per_second"]
        if f["share_of_peak"] is not None:
            result[f["key"] + "_share"] = f["share_of_peak"]
    result["figures"] = figures

    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"PyTorch bench: LeNet-5 {args.arch}, {result['runtime']}")
    print(f"cpu        {result['cpu']}, {processors} logical processor(s)")
    print(f"simd       {result['simd']}; oneDNN {'yes' if result['mkldnn'] else 'no'}; {result['parallel_backend']}")
    print(f"blas       {', '.join(blas.libraries) or 'unknown'}; {blas.config or ''} (core {blas.core or '?'})")
    print(f"env        {', '.join(f'{k}={v}' for k, v in result['openblas_env'].items() if v is not None) or 'no OpenBLAS/OpenMP variables set'}")
    print()
    print(f"{'workload':<10}{'batch':>6}{'threads':>8}{'images/s':>12}{'share of peak':>15}")
    for f in figures:
        share = f"{f['share_of_peak'] * 100:13.1f} %" if f["share_of_peak"] is not None else f"{'-':>15}"
        print(f"{f['kind']:<10}{f['batch']:>6}{f['threads']:>8}{f['images_per_second']:>12,.0f}{share}")
    print()
    print(f"Medians of {REPEATS} rounds of about {per_round:.2f} s after a warm-up.")


if __name__ == "__main__":
    main()
