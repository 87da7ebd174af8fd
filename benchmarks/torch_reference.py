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
  model_inference                 the reference model (reference_models.py, same weights as ours) in eval mode
                                  under no_grad on a seeded [n, 3, r, r] batch
  model_train_step                zero_grad, cross-entropy (+ the DSFB orthogonality penalty for shared models, as
                                  train_cifar10.py), backward, SGD step (lr 0.1, momentum 0.9, weight decay 5e-4)
A models workload whose reference checkout is missing prints {"skipped": "<why>"} instead of times.
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


class Skipped(Exception):
    """A workload whose reference cannot run here (its checkout is missing); the message says why."""


# Set by main: the weight files of reference_models.py prepare, and the reference checkouts.
MODEL_SETUP = {"weights": None, "paths": {}, "given": {}}
# train_cifar10.py's settings: SGD lr 0.1, momentum 0.9, weight decay 5e-4; --lambdaR 10 for the DSFB penalty.
SGD_LR, SGD_MOMENTUM, SGD_WEIGHT_DECAY, DSFB_LAMBDA = 0.1, 0.9, 5e-4, 10.0


def _reference_model(s):
    import reference_models
    key = reference_models.model_key(s)
    family = reference_models.MODELS[key][0]
    path = MODEL_SETUP["paths"].get(family)
    if path is None:
        raise Skipped(reference_models.missing_note(family, MODEL_SETUP["given"].get(family)))
    net = reference_models.build(key, s, path)
    if not reference_models.load_weights(net, MODEL_SETUP["weights"], key):
        print(f"  PyTorch: no weight file for {key} in {MODEL_SETUP['weights']}; the reference's seeded init is used",
              file=sys.stderr)
    return key, net


def _image_batch(s):
    size = s.get("r", 32)
    return torch.randn(s["n"], 3, size, size)


def make_model_inference(s):
    _, net = _reference_model(s)
    net.eval()
    x = _image_batch(s)

    def run():
        with torch.no_grad():
            net(x)
    return run


def dsfb_penalty(net):
    """The orthogonality term of train_cifar10.py's train_basis_double, restated: per stage, the filters of
    shared_basis_<g>_1 and _2 and of every later block's basis_conv1 and basis_conv2 are the rows of B;
    D = (B·Bᵀ − I)²; the shared rows against all rows plus each unique basis against itself are summed, and
    λ·(Σ over stages)/(number of entries summed) is returned."""
    sim, count = 0.0, 0
    for g in (1, 2, 3):
        layer = getattr(net, f"layer{g}")
        shared = [getattr(net, f"shared_basis_{g}_1").weight, getattr(net, f"shared_basis_{g}_2").weight]
        unique = [w for block in list(layer)[1:] for w in (block.basis_conv1.weight, block.basis_conv2.weight)]
        rows = shared + unique
        b = torch.cat(rows).reshape(sum(r.shape[0] for r in rows), -1)
        d = (b @ b.t() - torch.eye(b.shape[0])) ** 2
        n_shared, per = sum(r.shape[0] for r in shared), unique[0].shape[0]
        sim = sim + d[:n_shared].sum()
        count += n_shared * b.shape[0]
        for k in range(len(unique)):
            lo = n_shared + k * per
            sim = sim + d[lo:lo + per, lo:lo + per].sum()
            count += per * per
    return DSFB_LAMBDA * sim / count


def make_model_train_step(s):
    key, net = _reference_model(s)
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=SGD_LR, momentum=SGD_MOMENTUM, weight_decay=SGD_WEIGHT_DECAY)
    x = _image_batch(s)
    labels = torch.randint(0, 10, (s["n"],))
    shared = hasattr(net, "shared_basis_1_1")

    def run():
        optimizer.zero_grad()
        loss = F.cross_entropy(net(x), labels)
        if shared:
            loss = loss + dsfb_penalty(net)
        loss.backward()
        optimizer.step()
    return run


# Keyed by workloads.Kind.torch.
RUNNERS = {
    "mm": make_mm,
    "conv2d_forward": make_conv2d_forward,
    "conv2d_forward_backward": make_conv2d_forward_backward,
    "rfft2_irfft2_forward": make_rfft2_irfft2_forward,
    "rfft2_irfft2_forward_backward": make_rfft2_irfft2_forward_backward,
    "model_inference": make_model_inference,
    "model_train_step": make_model_train_step,
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
    parser.add_argument("--weights", help="models: the directory of reference_models.py prepare")
    parser.add_argument("--netrl2", help="models: checkout of ssregibility/Net_RL2")
    parser.add_argument("--dfformer", help="models: checkout of okojoalg/dfformer")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    blas = loaded_blas()
    if args.group in ("models", "all"):
        import reference_models
        MODEL_SETUP["weights"] = args.weights
        MODEL_SETUP["given"] = {f: getattr(args, f) for f in reference_models.FAMILIES}
        MODEL_SETUP["paths"] = {f: reference_models.checkout(f, getattr(args, f)) for f in reference_models.FAMILIES}
    done = {}  # (twin, shape) -> record: two of our workloads with one twin (fused and plain inference) share it
    for w in workloads.select(args.group, args.only):
        if (w.kind.torch, w.shape) in done:
            print(json.dumps({**done[(w.kind.torch, w.shape)], "benchmark": w.ours}), flush=True)
            continue
        torch.manual_seed(SEED)
        try:
            run = RUNNERS[w.kind.torch](w.sizes)
        except Skipped as why:
            print(json.dumps({"side": "pytorch", "benchmark": w.ours, "shape": w.shape, "threads": args.threads,
                              "skipped": str(why)}), flush=True)
            print(f"  PyTorch T={args.threads} {w.label}: skipped, {why}", file=sys.stderr, flush=True)
            continue
        times = sorted(time_calls(run, args.warmup, args.measure, args.min_runs, args.max_runs))
        record = {
            "side": "pytorch", "benchmark": w.ours, "shape": w.shape, "threads": args.threads,
            "ms": statistics.median(times), "ms_min": times[0],
            "ms_p25": quantile(times, 0.25), "ms_p75": quantile(times, 0.75), "runs": len(times),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "blas": blas,
        }
        done[(w.kind.torch, w.shape)] = record
        print(json.dumps(record), flush=True)
        print(f"  PyTorch T={args.threads} {w.label}: {record['ms']:.3f} ms (median of {len(times)})",
              file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
