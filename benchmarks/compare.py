#!/usr/bin/env python3
"""./basis4j bench GROUP: basis4j's JMH benchmarks and their PyTorch twins in one run, as one table.

For the workloads of GROUP (kernels, fft, models, all; see workloads.py) it runs, in this order:
  1. JMH on benchmarks/target/benchmarks.jar, one invocation per benchmark method and thread count T
     (-Dbasis4j.threads=T, --add-modules jdk.incubator.vector), then once more at T=1 in a plain fork
     without the incubator module, where basis4j's scalar fallback takes over;
  2. torch_reference.py under /usr/bin/python3 (Debian's python3-torch), once per T;
and prints one table: workload | T | ours (ms, GFLOP/s) | PyTorch (ms, GFLOP/s) | ratio | scaling | fallback,
where ratio = our speed / PyTorch's speed (above 1: we are faster). At T > 1 PyTorch's figure is the best of
its runs at T' <= T, as PERF.md asks: Debian's PyTorch oversubscribes 2 cores at T=2. The table and the raw
figures are written to benchmarks/results/<date>-<group>.md and .json (-smoke for --smoke runs).

The models group (ModelBench, OrtModelBench) first has reference_models.py write the reference models' weights
and ONNX exports to a temporary directory, which every side loads; its table shows images/s instead of GFLOP/s,
ONNX Runtime as a second reference for inference, and no scalar fallback (minutes per call). After the table it
runs ModelChecks in JVMs of their own: memory checks under a small -Xmx and op profiles (MEMORY_CHECKS, PROFILES).

Standard library only; compare.sh builds the jar and installs PyTorch before starting this.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, HERE)
import workloads  # noqa: E402

PACKAGE = "io.github.basis4j.bench"
# The JMH classes of the models group, which load the reference weights from -Dbasis4j.bench.weights.
MODEL_CLASSES = ("ModelBench", "OrtModelBench")
WEIGHTS_PROPERTY = "basis4j.bench.weights"
# Sane defaults for 2 cores: a kernels run takes about 8 minutes. The plain fork is informational (how much
# the vector module buys), so it gets fewer iterations.
JMH_VECTOR = ["-f", "1", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"]
JMH_PLAIN = ["-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s"]
JMH_SMOKE = ["-f", "1", "-wi", "1", "-w", "200ms", "-i", "1", "-r", "200ms"]
# Whole models take 10 ms to 5 s a call: longer iterations, fewer of them, so the group stays near 15 minutes.
JMH_MODELS = ["-f", "1", "-wi", "2", "-w", "2s", "-i", "3", "-r", "2s"]
TORCH_FULL = ["--warmup", "0.5", "--measure", "2"]
TORCH_MODELS = ["--warmup", "0", "--measure", "3", "--min-runs", "5"]
TORCH_SMOKE = ["--warmup", "0", "--measure", "0", "--min-runs", "3"]
# The models group's checks, each in a JVM of its own (ModelChecks): memory under a small -Xmx, op profiles.
MEMORY_CHECKS = [("-Xmx1g", "train", "resnet32_n128", 3), ("-Xmx256m", "infer", "dfformer18_r224_n1", 3)]
PROFILES = [("infer", "dfformer18_r224_n1", 3, 5), ("train", "resnet32_n128", 2, 3)]
# The heap and collector as the ./basis4j launcher runs the CLI (default maximum heap, a quarter of the RAM):
# the throughput collector, since training's large short-lived activations are humongous objects to G1, whose
# concurrent cycles then cost time that is not ours; and a young generation of half the heap, so a training
# step's activations die in eden instead of being copied into the old generation (see the launcher).
FORK_JVM_ARGS = "--sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC -XX:NewRatio=1"


def log(message):
    print(message, file=sys.stderr, flush=True)


def parse_args():
    p = argparse.ArgumentParser(prog="./basis4j bench", description=__doc__.split("\n")[0])
    p.add_argument("group", help="kernels, fft, models or all")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    p.add_argument("--only", help="regex: keep workloads whose label or key matches")
    p.add_argument("--smoke", action="store_true",
                   help="one short iteration each, to check the pipeline; the figures mean nothing")
    p.add_argument("--no-reference", action="store_true", help="skip PyTorch")
    p.add_argument("--no-plain", action="store_true", help="skip the plain fork without the vector module")
    p.add_argument("--list", action="store_true", help="list the group's workloads and exit")
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    p.add_argument("--jar", default=os.path.join(HERE, "target", "benchmarks.jar"))
    p.add_argument("--python", default="/usr/bin/python3", help="the interpreter with PyTorch")
    p.add_argument("--results", default=os.path.join(HERE, "results"), help="where the .md and .json go")
    p.add_argument("--no-write", action="store_true", help="print the table only")
    p.add_argument("--netrl2", help="models: checkout of ssregibility/Net_RL2 (default $BASIS4J_NETRL2 or /tmp/netrl2)")
    p.add_argument("--dfformer", help="models: checkout of okojoalg/dfformer (default $BASIS4J_DFFORMER or /tmp/dfformer)")
    p.add_argument("--no-checks", action="store_true", help="models: skip the memory checks and op profiles")
    args = p.parse_args()
    try:
        args.threads = sorted({int(t) for t in args.threads.split(",")})
    except ValueError:
        p.error(f"--threads must be comma-separated integers, got '{args.threads}'")
    if not args.threads or args.threads[0] < 1:
        p.error("--threads must be positive")
    return args


# ---------------------------------------------------------------------------------------------- JMH side

def jmh_benchmarks(java, jar):
    """Names "Class.method" of the benchmarks in the jar."""
    if not os.path.isfile(jar):
        sys.exit(f"bench: {jar} is missing; ./basis4j bench builds it (or: mvn -pl benchmarks -am package -DskipTests)")
    try:
        proc = subprocess.run([java, "--sun-misc-unsafe-memory-access=allow", "-jar", jar, "-l"],
                              capture_output=True, text=True)
    except OSError as e:
        sys.exit(f"bench: cannot run {java} ({e.strerror}); run through ./basis4j, which finds a JDK 25, or pass --java")
    if proc.returncode != 0:
        sys.exit(f"bench: could not list the benchmarks in {jar} with {java}:\n{proc.stderr.strip()}")
    out = proc.stdout
    prefix = PACKAGE + "."
    return {line.strip()[len(prefix):] for line in out.splitlines() if line.strip().startswith(prefix)}


def run_jmh(args, method, shapes, threads, vector, log_dir):
    """Runs one benchmark method over shapes at one thread count; returns JMH's result entries (failed shapes
    are missing), each tagged with what was asked for, and leaves the JMH log and JSON in log_dir."""
    variant = "vector" if vector else "plain"
    name = f"{method}-T{threads}-{variant}"
    json_path = os.path.join(log_dir, name + ".json")
    log_path = os.path.join(log_dir, name + ".log")
    is_model = method.split(".")[0] in MODEL_CLASSES
    settings = JMH_SMOKE if args.smoke else JMH_MODELS if is_model else (JMH_VECTOR if vector else JMH_PLAIN)
    weights = f" -D{WEIGHTS_PROPERTY}={args.weights_dir}" if is_model and args.weights_dir else ""
    # -jvmArgsAppend replaces the @Fork annotation's, so the vector fork names the module again; the plain
    # fork leaves it out. expectBackend makes the fork fail if the backend is not the one the column claims.
    append = ("--add-modules jdk.incubator.vector -Dbasis4j.bench.expectBackend=vector" if vector
              else "-Dbasis4j.bench.expectBackend=scalar")
    cmd = [args.java, "--sun-misc-unsafe-memory-access=allow", "-jar", args.jar,
           "^" + re.escape(f"{PACKAGE}.{method}") + "$", "-p", "shape=" + ",".join(shapes), *settings,
           "-rf", "json", "-rff", json_path,
           "-jvmArgs", f"{FORK_JVM_ARGS} -Dbasis4j.threads={threads}{weights}", "-jvmArgsAppend", append]
    log(f"JMH  {method} T={threads} {variant}: {len(shapes)} shape(s)")
    started = time.time()
    with open(log_path, "w") as logfile:
        logfile.write(" ".join(cmd) + "\n")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            logfile.write(line)
            if line.startswith("# Parameters:"):
                log("     " + line[len("# Parameters:"):].strip())
        rc = proc.wait()
    results = []
    if os.path.exists(json_path):
        with open(json_path) as f:
            results = json.load(f)
    if rc != 0 or len(results) < len(shapes):
        # Without -foe JMH carries on after a failed shape (a @Setup check that threw), so the other shapes
        # still get figures; show what went wrong: each failure with the first lines of its stack trace.
        log(f"JMH  {method} T={threads} {variant} FAILED for {len(shapes) - len(results)} shape(s) (exit {rc}); "
            f"from {log_path}:")
        with open(log_path) as f:
            lines = f.readlines()
        failures = [i for i, line in enumerate(lines) if line.startswith("<failure>")]
        for i in failures:
            for context in lines[i + 2:i + 5]:
                log("     | " + context.rstrip())
        if not failures:
            for line in lines[-20:]:
                log("     | " + line.rstrip())
    log(f"     {time.time() - started:.0f} s")
    for r in results:
        r["basis4j"] = {"method": method, "threads": threads, "variant": variant}
    return results


# ------------------------------------------------------------------------------------------ PyTorch side

def run_reference(args, threads):
    timing = TORCH_SMOKE if args.smoke else TORCH_MODELS if args.group == "models" else TORCH_FULL
    cmd = [args.python, os.path.join(HERE, "torch_reference.py"), "--group", args.group,
           "--threads", str(threads), *timing]
    if args.only:
        cmd += ["--only", args.only]
    if args.weights_dir:
        cmd += ["--weights", args.weights_dir]
    for family in ("netrl2", "dfformer"):
        if getattr(args, family):
            cmd += [f"--{family}", getattr(args, family)]
    log(f"PyTorch T={threads}")
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    except OSError as e:
        log(f"PyTorch T={threads} FAILED: cannot run {args.python} ({e.strerror}); install python3-torch or pass --no-reference")
        return [], False
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0:
        log(f"PyTorch T={threads} FAILED (exit {proc.returncode}); see the messages above")
    return records, proc.returncode == 0


# ------------------------------------------------------------------------------------- models group only

def model_token(shape):
    """The model token of a models shape: "dsresnet32" from "dsresnet32_s16_u1_n128"."""
    return shape.split("_")[0]


def prepare_model_weights(args):
    """Runs reference_models.py prepare into a new temporary directory; returns (directory or None, manifest or
    None, a note when the reference weights could not be made)."""
    if args.no_reference:
        return None, None, "--no-reference: ours ran with its own initialisation; no PyTorch or ONNX Runtime rows"
    directory = tempfile.mkdtemp(prefix="basis4j-bench-models-")
    cmd = [args.python, os.path.join(HERE, "reference_models.py"), "prepare", directory]
    for family in ("netrl2", "dfformer"):
        if getattr(args, family):
            cmd += [f"--{family}", getattr(args, family)]
    if args.only:
        cmd += ["--only", args.only]
    log(f"reference weights: {' '.join(cmd[1:])}")
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    except OSError as e:
        return None, None, f"reference weights not made: cannot run {args.python} ({e.strerror}); ours used its own initialisation"
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        shutil.rmtree(directory, ignore_errors=True)
        return None, None, (f"reference weights not made (reference_models.py exit {proc.returncode}, see above); "
                            "ours used its own initialisation")
    return directory, json.loads(lines[-1]), None


def run_model_checks(args, log_dir):
    """The memory checks and op profiles (ModelChecks), each in its own JVM; returns their JSON records."""
    base = [args.java, "--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"]
    if args.weights_dir:
        base.append(f"-D{WEIGHTS_PROPERTY}={args.weights_dir}")
    runs = []
    t_max = max(args.threads)
    for xmx, mode, shape, steps in MEMORY_CHECKS:
        if args.only and not re.search(args.only, shape):
            continue
        runs.append(({"xmx": xmx, "threads": t_max},
                     [*base, xmx, f"-Dbasis4j.threads={t_max}", "-cp", args.jar, PACKAGE + ".ModelChecks",
                      "memory", mode, shape, str(1 if args.smoke else steps)]))
    for mode, shape, warmup, steps in PROFILES:
        if args.only and not re.search(args.only, shape):
            continue
        for t in args.threads:
            runs.append(({"threads": t},
                         [*base, "-Xmx2g", f"-Dbasis4j.threads={t}", "-cp", args.jar, PACKAGE + ".ModelChecks",
                          "profile", mode, shape, str(1 if args.smoke else warmup), str(1 if args.smoke else steps)]))
    records = []
    for extra, cmd in runs:
        name = "-".join(cmd[cmd.index(PACKAGE + ".ModelChecks") + 1:][:3]) + f"-T{extra['threads']}"
        log(f"check {' '.join(cmd[cmd.index(PACKAGE + '.ModelChecks') + 1:])} ({extra.get('xmx', '-Xmx2g')}, T={extra['threads']})")
        with open(os.path.join(log_dir, name + ".log"), "w") as logfile:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=logfile, text=True)
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        check, mode, shape = cmd[cmd.index(PACKAGE + ".ModelChecks") + 1:][:3]
        record = json.loads(lines[-1]) if lines else {"check": check, "mode": mode, "shape": shape, "ok": False,
                                                       "error": f"exit {proc.returncode}, no result (see {log_dir})"}
        record.update(extra)
        if proc.returncode != 0 and record.get("ok", True):
            record["ok"], record["error"] = False, f"exit {proc.returncode}"
        records.append(record)
    return records


def _mib(b):
    return "-" if b is None else f"{b / 2**20:.0f} MiB"


def _check_tables(checks):
    """(title, header, rows) for the memory table and one profile table per profile run."""
    tables = []
    memory = [c for c in checks if c.get("check") == "memory"]
    if memory:
        rows = [[f"{c.get('mode', '?')} {c.get('shape', '?')} x{c.get('steps', '?')}", c.get("xmx", "?"),
                 "pass" if c.get("ok") else "FAIL " + str(c.get("error")), _mib(c.get("peak_heap_bytes")),
                 _mib(c.get("peak_after_gc_bytes")), _mib(c.get("retained_heap_bytes"))] for c in memory]
        tables.append(("Memory (one JVM each; ours with the reference weights when prepared)",
                       ["run", "heap", "result", "peak before GC", "peak after GC", "retained"], rows))
    for c in (c for c in checks if c.get("check") == "profile"):
        title = f"Op profile: {c.get('mode')} {c.get('shape')}, T={c.get('threads')}"
        if "categories" not in c:
            tables.append((title, ["result"], [["FAIL " + str(c.get("error"))]]))
            continue
        step = c["step_ms"]
        rows = []
        for label, v in c["categories"].items():
            total = v["forward_ms"] + v["backward_ms"]
            rows.append([label, f"{v['forward_ms']:.2f}", f"{v['backward_ms']:.2f}", f"{total:.2f}",
                         f"{100 * total / step:.1f}%" if step else "-", str(v["calls"])])
        outside = step - c["in_ops_ms"]
        rows.append(["outside ops", "", "", f"{outside:.2f}", f"{100 * outside / step:.1f}%" if step else "-", ""])
        rows.append(["step", "", "", f"{step:.2f}", "100%", ""])
        tables.append((title + f" (ms per step, mean of {c['steps']})",
                       ["category", "forward ms", "backward ms", "total ms", "share", "ops/step"], rows))
    return tables


def render_checks_text(checks):
    return "\n\n".join(title + "\n" + render_text(header, rows) for title, header, rows in _check_tables(checks))


def render_checks_markdown(checks):
    return "\n".join(f"## {title}\n\n" + render_markdown(header, rows) + "\n" for title, header, rows in _check_tables(checks))


MODEL_NOTES = """\
- ours: basis4j's model from the models registry (`cifar10/ResNet32`, `cifar10/ResNet32_DoubleShared` with shared rank 16
  and unique rank 1, `metaformer/dfformer_s18`, `metaformer/cdfformer_s18`), JMH average time per call, vector
  backend, `-Dbasis4j.threads=T`. Inference: eval mode, no tape, NHWC input. Train step: zero gradients, forward in
  training mode, cross-entropy (+ the DSFB orthogonality penalty, λ = 10, for the shared model, as the reference's
  train_cifar10.py), backward, SGD (lr 0.1, momentum 0.9, weight decay 5e-4), batch of 128.
- Same weights everywhere: `benchmarks/reference_models.py` builds the reference PyTorch models from the Net_RL2 and
  dfformer checkouts with a fixed seed, writes their state_dict (safetensors) and, for the CIFAR models, an ONNX
  export; before timing, our logits and ONNX Runtime's are checked against the reference's on a fixed batch.
- PyTorch: the reference model itself under `/usr/bin/python3`, median of at least 5 calls, NCHW input; at T=2 the
  better of its T=1 and T=2 (marked `(T1)`).
- ONNX Runtime: its Java API (CPU provider, all graph optimisations, T intra-op threads, sequential), same weights.
- img/s = batch / time per call; ratio = PyTorch ms / ours ms (above 1 we are faster); ratio vs ONNX Runtime =
  ONNX Runtime ms / ours ms; scaling = ours at T=1 / ours at T.
- Memory: a separate JVM with the given -Xmx runs the steps; pass = no OutOfMemoryError. Peak before GC = the
  largest heap occupancy just before a collection (garbage included: near -Xmx whenever a collection ran); peak
  after GC = the largest just after one (a young collection leaves old garbage, so this bounds the live set from
  above); retained = after a full collection at the end (weights and caches, counted in whole G1 regions).
- Op profile: `io.github.basis4j.nn.profile.OpProfiler` over nn's functional ops after unprofiled warm-up steps;
  forward and backward time per category, "outside ops" = step time not inside any op (optimizer step, module
  glue, allocation). The profiled step is a little slower than the JMH figure (one clock read per op).
"""


# --------------------------------------------------------------------------------------------- the table

def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def fmt_gflops(flops, ms):
    return "-" if flops is None or ms is None else f"{flops / (ms * 1e6):.1f}"


def fmt_ratio(v):
    return "-" if v is None else f"{v:.2f}x"


def fmt_rate(items, ms):
    return "-" if items is None or ms is None else f"{items * 1000.0 / ms:.1f}"


def build_rows(selected, threads, java, torch, status, attempted, torch_skipped=None):
    """One row per workload and thread count; each cell already formatted, plus the raw numbers."""
    torch_skipped = torch_skipped or {}
    ref_columns = sorted({ref.split(".")[0] for w in selected for ref in w.java_refs})
    header = ["workload", "T", "ours ms", "ours GFLOP/s", "ours img/s", "PyTorch ms", "PyTorch GFLOP/s",
              "PyTorch img/s", "ratio", "scaling", "fallback ms"]
    for ref in ref_columns:
        header += [f"{workloads.JAVA_REFERENCES[ref]} ms", f"ratio vs {workloads.JAVA_REFERENCES[ref]}"]
    rows, raw = [], []
    for w in selected:
        images = w.kind.images(w.sizes) if w.kind.images else None
        for t in threads:
            ours = java.get((w.ours, w.shape, t, "vector"))
            # Best PyTorch figure at any thread count up to t, and which count gave it.
            candidates = [(torch[(w.ours, w.shape, tt)], tt) for tt in threads
                          if tt <= t and (w.ours, w.shape, tt) in torch]
            ref_ms, ref_t = min(candidates) if candidates else (None, None)
            ratio = ref_ms / ours if ours and ref_ms else None
            one = java.get((w.ours, w.shape, 1, "vector"))
            scaling = one / ours if t > 1 and one and ours else None
            plain = java.get((w.ours, w.shape, 1, "plain")) if t == 1 else None
            ours_cell = fmt_ms(ours) if ours is not None else status.get(w.ours, "FAILED")
            plain_cell = "" if t != 1 else fmt_ms(plain) if plain is not None else (
                "FAILED" if (w.ours, "plain") in attempted else "-")
            if ref_ms is None and (w.ours, w.shape) in torch_skipped:
                ref_cell = "skipped"
            else:
                ref_cell = fmt_ms(ref_ms) + (f" (T{ref_t})" if ref_t is not None and ref_t != t else "")
            row = [w.label, str(t), ours_cell, fmt_gflops(w.flops, ours), fmt_rate(images, ours), ref_cell,
                   fmt_gflops(w.flops, ref_ms), fmt_rate(images, ref_ms), fmt_ratio(ratio), fmt_ratio(scaling),
                   plain_cell]
            record = {"workload": w.label, "key": w.key, "threads": t, "flops": w.flops, "images": images,
                      "ours_ms": ours, "pytorch_ms": ref_ms, "pytorch_threads": ref_t, "ratio": ratio,
                      "scaling": scaling, "fallback_ms": plain}
            for ref in ref_columns:
                method = next((r for r in w.java_refs if r.startswith(ref + ".")), None)
                ref_java = java.get((method, w.shape, t, "vector")) if method else None
                ref_ratio = ref_java / ours if ours and ref_java else None
                ref_cell = "-" if method is None else fmt_ms(ref_java) if ref_java is not None else status.get(method, "FAILED")
                row += [ref_cell, fmt_ratio(ref_ratio)]
                record[ref + "_ms"] = ref_java
            rows.append(row)
            raw.append(record)
    # Leave out columns no selected workload fills rather than fill them with "-": GFLOP/s without FLOP
    # counts (FFTs, models), images/s outside the models group, the fallback when no kind has a plain fork.
    drop = set()
    if not any(w.flops for w in selected):
        drop |= {"ours GFLOP/s", "PyTorch GFLOP/s"}
    if not any(w.kind.images for w in selected):
        drop |= {"ours img/s", "PyTorch img/s"}
    if not any(w.kind.plain for w in selected):
        drop.add("fallback ms")
    keep = [i for i, name in enumerate(header) if name not in drop]
    header = [header[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    return header, rows, raw


def render_text(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))
    return "\n".join([line(header), "  ".join("-" * wd for wd in widths)] + [line(r) for r in rows])


def render_markdown(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(c if c else " " for c in r) + " |" for r in rows]
    return "\n".join(out)


NOTES = """\
- ours: basis4j through its public facade, JMH average time per call, vector backend (`--add-modules
  jdk.incubator.vector`), `-Dbasis4j.threads=T`. Every result was checked against the scalar twin before timing.
- PyTorch: the same workload through `/usr/bin/python3` (Debian's `python3-torch`), median over many calls after
  a warm-up, `torch.set_num_threads(T)`, NCHW for convolutions. At T=2 the better of PyTorch's T=1 and T=2 is
  used (marked `(T1)` when T=1 won): PyTorch oversubscribes 2 cores at T=2 (PERF.md).
- GFLOP/s from explicit FLOP counts: 2·m·n·k for GEMM; 2·N·OH·OW·OC·KH·KW·IC/g for a convolution forward, 3× that
  for forward+backward (dX and dW); none for FFTs.
- ratio = our speed / the reference's speed (PyTorch ms / ours ms); above 1 we are faster.
- scaling = ours at T=1 / ours at T (T > 1 only).
- fallback: ours at T=1 in a plain fork without the vector module, i.e. the scalar backend a JVM without
  `jdk.incubator.vector` gets.
"""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    args = parse_args()
    try:
        selected = workloads.select(args.group, args.only)
    except (ValueError, re.error) as e:
        sys.exit(f"bench: {e}")
    if not selected:
        sys.exit(f"bench: no workloads in group '{args.group}'" + (f" match '{args.only}'" if args.only else "")
                 + "; the groups with workloads: " + ", ".join(sorted({w.group for w in workloads.WORKLOADS})))
    if args.list:
        for w in selected:
            print(f"{w.group:8} {w.label:40} {w.key}")
        return 0

    started = time.time()
    now = datetime.datetime.now()
    commit = git_commit()  # what this run measures, before anything can change the tree
    load_before = os.getloadavg()
    log_dir = os.path.join(HERE, "target", "bench-runs", now.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(log_dir, exist_ok=True)

    # Plan the JMH runs: each method once per thread count with all its shapes, references included.
    available = jmh_benchmarks(args.java, args.jar)
    plan = {}
    for w in selected:
        for method in (w.ours, *w.java_refs):
            plan.setdefault(method, [])
            if w.shape not in plan[method]:
                plan[method].append(w.shape)
    status = {}
    for method in plan:
        if method not in available:
            status[method] = "not built"
            log(f"JMH  {method}: not in benchmarks.jar (not written yet); its column reads 'not built'")
    ours_methods = {w.ours for w in selected}
    plain_methods = {m for m in ours_methods if workloads.KINDS[m].plain}

    # models: the reference weights (and ONNX files) every side loads, written before anything is timed.
    model_notes, manifest = [], None
    args.weights_dir = None
    if any(w.group == "models" for w in selected):
        args.weights_dir, manifest, note = prepare_model_weights(args)
        if note:
            model_notes.append(note)
        missing_onnx = [s for s in plan.get("OrtModelBench.inference", [])
                        if not (args.weights_dir and os.path.isfile(os.path.join(
                            args.weights_dir, model_token(s) + ".onnx")))]
        if missing_onnx and "OrtModelBench.inference" in plan:
            status["OrtModelBench.inference"] = "skipped"
            plan.pop("OrtModelBench.inference")
            model_notes.append("ONNX Runtime rows skipped: " + (
                "--no-reference" if args.no_reference else "no ONNX export (it needs PyTorch and the Net_RL2 checkout)"))
        for key, why in (manifest or {}).get("missing", {}).items():
            model_notes.append(f"{key}: {why}; ours ran with its own initialisation, the reference rows are skipped")

    jmh_raw, failed, attempted_runs = [], False, set()
    for t in args.threads:
        for method, shapes in plan.items():
            if method in available:
                jmh_raw += run_jmh(args, method, shapes, t, True, log_dir)
    # The plain fork runs at T=1 only: it shows what the vector module buys, not how the fallback scales.
    if not args.no_plain and 1 in args.threads:
        for method, shapes in plan.items():
            if method in available and method in plain_methods:
                attempted_runs.add((method, "plain"))
                jmh_raw += run_jmh(args, method, shapes, 1, False, log_dir)
    java = {}
    for r in jmh_raw:
        if r["primaryMetric"]["scoreUnit"] != "ms/op":
            sys.exit(f"bench: {r['benchmark']} reports {r['primaryMetric']['scoreUnit']}, expected ms/op")
        b = r["basis4j"]
        java[(b["method"], r["params"]["shape"], b["threads"], b["variant"])] = r["primaryMetric"]["score"]
    for method, shapes in plan.items():
        if method in available:
            plain_runs = 0 if args.no_plain or 1 not in args.threads or method not in plain_methods else 1
            expected = len(shapes) * (len(args.threads) + plain_runs)
            got = sum(1 for k in java if k[0] == method)
            failed |= got < expected

    torch_records = []
    if not args.no_reference:
        for t in args.threads:
            records, ok = run_reference(args, t)
            torch_records += records
            failed |= not ok
    torch = {(r["benchmark"], r["shape"], r["threads"]): r["ms"] for r in torch_records if "ms" in r}
    torch_skipped = {(r["benchmark"], r["shape"]): r["skipped"] for r in torch_records if "skipped" in r}
    for why in sorted(set(torch_skipped.values())):
        if not any(why in note for note in model_notes):  # a missing checkout is already noted once
            model_notes.append("PyTorch rows skipped: " + why)

    checks = []
    if any(w.group == "models" for w in selected) and not args.no_checks:
        checks = run_model_checks(args, log_dir)
        failed |= any(not c.get("ok", True) for c in checks)
    if args.weights_dir and args.weights_dir.startswith(tempfile.gettempdir()):
        shutil.rmtree(args.weights_dir, ignore_errors=True)

    header, rows, raw_rows = build_rows(selected, args.threads, java, torch, status, attempted_runs, torch_skipped)
    table = render_text(header, rows)
    jdk = next((f"{r['jdkVersion']} ({r['vmName']})" for r in jmh_raw), "unknown")
    blas = sorted({r.get("blas", "unknown") for r in torch_records})
    torch_version = sorted({r["torch"] for r in torch_records})
    meta = {
        "date": now.isoformat(timespec="seconds"), "group": args.group, "only": args.only, "smoke": args.smoke,
        "threads": args.threads, "commit": commit, "cpu": cpu_model(), "logical_cpus": os.cpu_count(),
        "kernel": platform.release(), "load_average_before": load_before, "load_average_after": os.getloadavg(),
        "jdk": jdk, "torch": torch_version, "blas": blas,
        "jmh_vector": JMH_SMOKE if args.smoke else JMH_MODELS if args.group == "models" else JMH_VECTOR, "jmh_plain": JMH_SMOKE if args.smoke else JMH_PLAIN,
        "torch_timing": TORCH_SMOKE if args.smoke else TORCH_MODELS if args.group == "models" else TORCH_FULL,
        "elapsed_s": round(time.time() - started),
    }
    warnings = []
    if args.smoke:
        warnings.append("SMOKE RUN: one short iteration per workload to check the pipeline; the figures mean nothing.")
    if any("/blas/" in b for b in blas) and any(w.kind.torch == "mm" for w in selected):
        warnings.append("PyTorch ran on the reference BLAS (libblas3), not OpenBLAS as in PERF.md: its GEMM figures"
                        " are not representative. Install libopenblas0 (apt-get install libopenblas0) and run again.")
    if failed:
        warnings.append("Some runs FAILED; see the messages above and the logs in " + log_dir)

    print()
    print(f"basis4j bench {args.group}: {meta['date']}, {meta['cpu']}, {meta['logical_cpus']} CPUs, JDK {jdk}, "
          f"PyTorch {', '.join(torch_version) or '-'}")
    print(table)
    for note in model_notes:
        print("NOTE: " + note)
    if checks:
        print()
        print(render_checks_text(checks))
    for w in warnings:
        print("WARNING: " + w)

    if not args.no_write:
        os.makedirs(args.results, exist_ok=True)
        base = f"{now:%Y-%m-%d}-{args.group}" + ("-smoke" if args.smoke else "") + ("-partial" if args.only else "")
        md_path = os.path.join(args.results, base + ".md")
        with open(md_path, "w") as f:
            f.write(f"# basis4j bench {args.group}, {now:%Y-%m-%d}" + (" (SMOKE RUN)" if args.smoke else "") + "\n\n")
            for w in warnings:
                f.write(f"**{w}**\n\n")
            f.write(f"- command: `./basis4j bench {' '.join(sys.argv[1:])}`\n")
            f.write(f"- commit: {meta['commit']}\n")
            f.write(f"- machine: {meta['cpu']}, {meta['logical_cpus']} logical CPUs, Linux {meta['kernel']}, "
                    f"load average before {load_before[0]:.2f}, after {meta['load_average_after'][0]:.2f}\n")
            f.write(f"- JDK {jdk}; JMH {' '.join(meta['jmh_vector'])} (plain fork: {' '.join(meta['jmh_plain'])})\n")
            f.write(f"- PyTorch {', '.join(torch_version) or 'not run'}, BLAS {', '.join(blas) or '-'}; "
                    f"timing {' '.join(meta['torch_timing'])}\n")
            f.write(f"- elapsed: {meta['elapsed_s']} s\n\n")
            f.write(render_markdown(header, rows) + "\n\n")
            for note in model_notes:
                f.write(f"Note: {note}\n\n")
            f.write(MODEL_NOTES if any(w.group == "models" for w in selected) else NOTES)
            if checks:
                f.write("\n" + render_checks_markdown(checks))
        with open(os.path.join(args.results, base + ".json"), "w") as f:
            json.dump({"meta": meta, "warnings": warnings, "notes": model_notes, "checks": checks,
                       "reference_weights": manifest, "rows": raw_rows, "pytorch": torch_records,
                       "jmh": jmh_raw}, f, indent=1)
            f.write("\n")
        print(f"written: {os.path.relpath(md_path, ROOT)} and .json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
