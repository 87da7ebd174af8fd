#!/usr/bin/python3
"""PyTorch twins of basis4j's JMH benchmarks, timed the way PERF.md's reference figures were.

Run with Debian's PyTorch: /usr/bin/python3 benchmarks/torch_reference.py --group kernels --threads 1

For every workload of the group (benchmarks/workloads.py) it builds seeded float32 inputs, sets
torch.set_num_threads(T), calls the twin until a warm-up time has passed, then times calls one by one
until a measuring time has passed (and at least a minimum number of calls), and prints one JSON line:

  {"side": "pytorch", "benchmark": "ConvBench.forward", "shape": "n128_h32_w32_c16_oc16_k3", "threads": 1,
   "ms": <median>, "ms_min": ..., "ms_p25": ..., "ms_p75": ..., "runs": ..., "torch": "1.13.1"}

Medians, because Debian's eager PyTorch has outliers (PERF.md). Progress goes to stderr, results to stdout.

Twins (layouts are PyTorch's own; the Java side is channel-last, which does not change the arithmetic):
  mm                              torch.mm(a [m, k], b [k, n], out=c)
  conv2d_forward                  F.conv2d(x [n, c, h, w], w [oc, c/g, k, k]) under no_grad, no bias
  conv2d_forward_backward         the same, then torch.autograd.grad for dx and dw with a fixed random
                                  upstream gradient (no accumulation into .grad)
  rfft2_irfft2_forward            irfft2(rfft2(x [n, h, w, c], dim=(1, 2), norm="ortho"), s=(h, w), ...) under no_grad
  rfft2_irfft2_forward_backward   the same with x requiring grad, then autograd.grad for dx
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402  (the registry lives beside this script)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SEED = 0


def make_mm(s):
    a = torch.randn(s["m"], s["k"])
    b = torch.randn(s["k"], s["n"])
    c = torch.empty(s["m"], s["n"])

    def run():
        torch.mm(a, b, out=c)
    return run


def _conv_inputs(s, requires_grad):
    g = workloads.conv_geometry(s)
    x = torch.randn(s["n"], s["c"], s["h"], s["w"], requires_grad=requires_grad)
    w = torch.randn(s["oc"], s["c"] // g["groups"], s["k"], s["k"], requires_grad=requires_grad)
    return g, x, w


def make_conv2d_forward(s):
    g, x, w = _conv_inputs(s, False)

    def run():
        with torch.no_grad():
            F.conv2d(x, w, None, g["stride"], g["pad"], 1, g["groups"])
    return run


def make_conv2d_forward_backward(s):
    g, x, w = _conv_inputs(s, True)
    dy = torch.randn(s["n"], s["oc"], g["oh"], g["ow"])

    def run():
        y = F.conv2d(x, w, None, g["stride"], g["pad"], 1, g["groups"])
        torch.autograd.grad(y, (x, w), dy)
    return run


def _rfft2_irfft2(x, s):
    spectrum = torch.fft.rfft2(x, dim=(1, 2), norm="ortho")
    return torch.fft.irfft2(spectrum, s=(s["h"], s["w"]), dim=(1, 2), norm="ortho")


def make_rfft2_irfft2_forward(s):
    x = torch.randn(s["n"], s["h"], s["w"], s["c"])

    def run():
        with torch.no_grad():
            _rfft2_irfft2(x, s)
    return run


def make_rfft2_irfft2_forward_backward(s):
    x = torch.randn(s["n"], s["h"], s["w"], s["c"], requires_grad=True)
    dy = torch.randn(s["n"], s["h"], s["w"], s["c"])

    def run():
        torch.autograd.grad(_rfft2_irfft2(x, s), (x,), dy)
    return run


# Keyed by workloads.Kind.torch.
RUNNERS = {
    "mm": make_mm,
    "conv2d_forward": make_conv2d_forward,
    "conv2d_forward_backward": make_conv2d_forward_backward,
    "rfft2_irfft2_forward": make_rfft2_irfft2_forward,
    "rfft2_irfft2_forward_backward": make_rfft2_irfft2_forward_backward,
}


def time_calls(run, warmup_s, measure_s, min_runs, max_runs):
    """Per-call times in ms after warming up for warmup_s (at least 3 calls)."""
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < warmup_s:
        run()
        calls += 1
    times = []
    start = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() - start < measure_s):
        t0 = time.perf_counter_ns()
        run()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return times


def loaded_blas():
    """The BLAS library file this process maps (Debian's libblas.so.3 is an alternative: reference BLAS or
    OpenBLAS); torch.mm's speed depends on it entirely, so every record names it."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "none mapped"


def quantile(sorted_times, q):
    return sorted_times[min(len(sorted_times) - 1, int(q * len(sorted_times)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--group", default="kernels", help="kernels, fft, models or all")
    parser.add_argument("--threads", type=int, required=True, help="torch.set_num_threads(T)")
    parser.add_argument("--only", help="regex on workload label or key")
    parser.add_argument("--warmup", type=float, default=0.5, help="warm-up seconds per workload")
    parser.add_argument("--measure", type=float, default=2.0, help="measuring seconds per workload")
    parser.add_argument("--min-runs", type=int, default=10, help="timed calls at least")
    parser.add_argument("--max-runs", type=int, default=2000, help="timed calls at most")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    blas = loaded_blas()
    for w in workloads.select(args.group, args.only):
        torch.manual_seed(SEED)
        run = RUNNERS[w.kind.torch](w.sizes)
        times = sorted(time_calls(run, args.warmup, args.measure, args.min_runs, args.max_runs))
        record = {
            "side": "pytorch", "benchmark": w.ours, "shape": w.shape, "threads": args.threads,
            "ms": statistics.median(times), "ms_min": times[0],
            "ms_p25": quantile(times, 0.25), "ms_p75": quantile(times, 0.75), "runs": len(times),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "blas": blas,
        }
        print(json.dumps(record), flush=True)
        print(f"  PyTorch T={args.threads} {w.label}: {record['ms']:.3f} ms (median of {len(times)})",
              file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
