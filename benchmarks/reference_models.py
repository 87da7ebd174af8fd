#!/usr/bin/python3
"""The reference PyTorch models of `./basis4j bench models`, and the weight files both sides load.

The models come from the reference checkouts, which are not part of basis4j (their licences are their own):
  ssregibility/Net_RL2    models/cifar10/resnet.py   ResNet32, ResNet32_DoubleShared(shared_rank, unique_rank)
  okojoalg/dfformer       models/dfformer.py         dfformer_s18, cdfformer_s18 (timm replaced by
                                                     tools/fixtures/reference_shims.py)
Where they are: --netrl2 / --dfformer, else the environment variables BASIS4J_NETRL2 / BASIS4J_DFFORMER, else
/tmp/netrl2 and /tmp/dfformer when those exist. A missing checkout drops that family's reference rows (the
table says why); ours still runs, with its own initialisation.

`prepare DIR` builds each model with torch.manual_seed(SEED), gives every batch norm non-trivial running
statistics (so eval mode is not an identity), and writes into DIR:
  <model>.safetensors   the state_dict under the reference's keys (shared bases under every alias), which
                        basis4j's Module.loadStateDict reads as it is
  <model>.check.safetensors  "x", a seeded batch of two images (NHWC), and "logits", the reference's eval
                        output for it: the Java side checks its own and ONNX Runtime's logits against these
  <model>.onnx          CIFAR models only: torch.onnx.export of the same weights in eval mode, input "x"
                        [N, 3, 32, 32] NCHW with a dynamic batch, output "logits" (no onnx package needed)
  models.json           what was written, and the checkouts used
The JMH benchmarks load these files (-Dbasis4j.bench.weights=DIR) and check that ONNX Runtime's logits equal
ours before timing, so all three columns run the very same network.

Model keys (the first shape token of a models workload, see workloads.py):
  resnet32     ResNet32                          CIFAR-10, 32x32x3
  dsresnet32   ResNet32_DoubleShared(s, u)       shape tokens s (shared rank) and u (unique rank)
  dfformer18   dfformer_s18                      ImageNet, 224x224x3 (r token: resolution)
  cdfformer18  cdfformer_s18
"""

import argparse
import importlib
import importlib.util
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "tools", "fixtures")

import warnings  # noqa: E402

import torch  # noqa: E402

# torch.onnx.export warns about constant folding it skips for the strided slices of option-A shortcuts; harmless.
warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")

SEED = 0
FAMILIES = {"netrl2": ("BASIS4J_NETRL2", "/tmp/netrl2", "models/cifar10/resnet.py"),
            "dfformer": ("BASIS4J_DFFORMER", "/tmp/dfformer", "models/dfformer.py")}
# Model key -> (family, builder from the imported reference module and the shape sizes).
MODELS = {
    "resnet32": ("netrl2", lambda ref, s: ref.ResNet32()),
    "dsresnet32": ("netrl2", lambda ref, s: ref.ResNet32_DoubleShared(s["s"], s["u"])),
    "dfformer18": ("dfformer", lambda ref, s: ref.dfformer_s18()),
    "cdfformer18": ("dfformer", lambda ref, s: ref.cdfformer_s18()),
}


def model_key(sizes):
    """The model token of a parsed models shape ({"dsresnet": 32, "s": 16, ...} -> "dsresnet32")."""
    for name, value in sizes.items():
        if f"{name}{value}" in MODELS:
            return f"{name}{value}"
    raise ValueError(f"shape {sizes}: no model token; known: {', '.join(MODELS)}")


def checkout(family, given=None):
    """The reference checkout's path, or None when it is not there."""
    env, default, marker = FAMILIES[family]
    path = given or os.environ.get(env) or default
    return path if os.path.isfile(os.path.join(path, marker)) else None


def missing_note(family, given=None):
    env, default, marker = FAMILIES[family]
    tried = given or os.environ.get(env) or default
    return (f"reference checkout not found (no {marker} under {tried}; looked at --{family}, ${env}, {default}); "
            f"pass --{family} PATH to ./basis4j bench models")


_modules = {}


def reference_module(family, path):
    """Imports the reference's model file from the checkout at path (once)."""
    if family not in _modules:
        if family == "dfformer":
            sys.path.insert(0, FIXTURES)
            import reference_shims  # noqa: E402  (timm stand-ins)
            reference_shims.install()
        # Both checkouts call their package "models": load the one file by path under a name of its own.
        marker = FAMILIES[family][2]
        spec = importlib.util.spec_from_file_location(f"reference_{family}", os.path.join(path, marker))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[family] = module
    return _modules[family]


def build(key, sizes, path):
    """The reference model `key` with seeded weights and seeded running statistics, in eval mode."""
    family, ctor = MODELS[key]
    torch.manual_seed(SEED)
    net = ctor(reference_module(family, path), sizes)
    g = torch.Generator().manual_seed(SEED + 1)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d) and m.running_mean is not None:
            m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=g))
            m.running_var.copy_(1 + 0.2 * torch.rand(m.running_var.shape, generator=g))
    return net.eval()


def weight_file(directory, key):
    return os.path.join(directory, key + ".safetensors")


def check_file(directory, key):
    return os.path.join(directory, key + ".check.safetensors")


def onnx_file(directory, key):
    return os.path.join(directory, key + ".onnx")


def load_weights(net, directory, key):
    """Loads <key>.safetensors from directory into net when it is there; returns whether it was."""
    path = weight_file(directory, key) if directory else None
    if not path or not os.path.isfile(path):
        return False
    sys.path.insert(0, FIXTURES)
    from safetensors_io import load  # noqa: E402
    net.load_state_dict(load(path))
    return True


def prepare(directory, shapes, paths, given=None):
    """Writes the weight (and ONNX) files of every model named in shapes; returns the manifest written."""
    sys.path.insert(0, FIXTURES)
    from safetensors_io import save  # noqa: E402
    import workloads  # noqa: E402
    os.makedirs(directory, exist_ok=True)
    manifest = {"seed": SEED, "torch": torch.__version__, "models": {}, "missing": {}}
    done = set()
    for shape in shapes:
        sizes = workloads.parse_shape(shape)
        key = model_key(sizes)
        family = MODELS[key][0]
        if key in done:
            continue
        done.add(key)
        if paths.get(family) is None:
            manifest["missing"][key] = missing_note(family, (given or {}).get(family))
            continue
        net = build(key, sizes, paths[family])
        save(net.state_dict(), weight_file(directory, key), {"generator": "benchmarks/reference_models.py", "seed": SEED,
                                                             "model": key, "torch": torch.__version__})
        # A check the Java side runs before timing: the reference's eval logits for a seeded batch of two.
        size = sizes.get("r", 32)
        x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(SEED + 2))
        with torch.no_grad():
            logits = net(x)
        save({"x": x.permute(0, 2, 3, 1), "logits": logits}, check_file(directory, key),
             {"generator": "benchmarks/reference_models.py", "model": key, "layout": "x is NHWC"})
        entry = {"safetensors": weight_file(directory, key), "check": check_file(directory, key),
                 "checkout": os.path.abspath(paths[family])}
        if family == "netrl2":
            with torch.no_grad():
                torch.onnx.export(net, torch.zeros(1, 3, 32, 32), onnx_file(directory, key), input_names=["x"],
                                  output_names=["logits"], dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}},
                                  opset_version=13, do_constant_folding=True)
            entry["onnx"] = onnx_file(directory, key)
        manifest["models"][key] = entry
        print(f"  reference weights: {key} -> {entry['safetensors']}" + (" and .onnx" if "onnx" in entry else ""),
              file=sys.stderr, flush=True)
    with open(os.path.join(directory, "models.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def main():
    sys.path.insert(0, HERE)
    import workloads  # noqa: E402
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["prepare"])
    ap.add_argument("directory", help="where the weight files go")
    ap.add_argument("--netrl2", help="checkout of ssregibility/Net_RL2")
    ap.add_argument("--dfformer", help="checkout of okojoalg/dfformer")
    ap.add_argument("--only", help="regex on workload label or key")
    args = ap.parse_args()
    torch.set_num_threads(1)
    paths = {"netrl2": checkout("netrl2", args.netrl2), "dfformer": checkout("dfformer", args.dfformer)}
    shapes = sorted({w.shape for w in workloads.select("models", args.only)})
    manifest = prepare(args.directory, shapes, paths, {"netrl2": args.netrl2, "dfformer": args.dfformer})
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
