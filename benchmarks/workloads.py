"""The benchmark workloads that ./basis4j bench compares with PyTorch, in one list.

A workload is a Java JMH benchmark method of io.github.basis4j.bench ("ConvBench.forward") and a shape
string, the same string as that method's @Param value ("n128_h32_w32_c16_oc16_k3"). Its kind (the method)
says how to count its FLOPs, how to label it and which PyTorch twin torch_reference.py runs.

Adding a workload of an existing kind is one @Param value in the Java class and one Workload line in
WORKLOADS below. Adding a kind is a @Benchmark method in Java, a Kind entry in KINDS and a runner of the
same torch name in torch_reference.py.

Shape strings are underscore-separated tokens, a lower-case name and a number each
(io.github.basis4j.bench.ShapeSpec parses them the same way):
  GEMM         m, n, k                   c[m, n] = a[m, k] @ b[k, n]
  convolution  n, h, w, c, oc, k; s (stride, 1), p (padding, k // 2), g (groups, 1; g = c = oc is depthwise)
  FFT          n, h, w, c                rfft2 then irfft2 over dims (1, 2) of [n, h, w, c], norm "ortho"
  model        a model token (resnet32, dsresnet32 with s and u: shared and unique rank, dfformer18 and
               cdfformer18 with r: resolution), then n (batch); see reference_models.py

Standard library only: compare.py imports this under any python3, torch_reference.py under /usr/bin/python3.
"""

from dataclasses import dataclass, field
import re
from typing import Callable, Dict, Optional, Tuple

_TOKEN = re.compile(r"^([a-z]+)(\d+)$")


def parse_shape(text: str) -> Dict[str, int]:
    """{"m": 256, ...} from "m256_..."; raises ValueError naming the bad token."""
    sizes: Dict[str, int] = {}
    for token in text.split("_"):
        match = _TOKEN.match(token)
        if not match:
            raise ValueError(f"shape '{text}': token '{token}' must be a name followed by a number, e.g. n128")
        name, value = match.group(1), int(match.group(2))
        if name in sizes:
            raise ValueError(f"shape '{text}': '{name}' is given twice")
        sizes[name] = value
    return sizes


def conv_geometry(s: Dict[str, int]) -> Dict[str, int]:
    """The convolution's sizes with defaults filled in and the output size, PyTorch's formula."""
    k = s["k"]
    g = dict(stride=s.get("s", 1), pad=s.get("p", k // 2), groups=s.get("g", 1))
    g["oh"] = (s["h"] + 2 * g["pad"] - k) // g["stride"] + 1
    g["ow"] = (s["w"] + 2 * g["pad"] - k) // g["stride"] + 1
    return g


def gemm_flops(s: Dict[str, int]) -> int:
    return 2 * s["m"] * s["n"] * s["k"]


def conv_forward_flops(s: Dict[str, int]) -> int:
    """2·n·oh·ow·oc·kh·kw·c/g: one multiply and one add per weight tap per output element."""
    g = conv_geometry(s)
    return 2 * s["n"] * g["oh"] * g["ow"] * s["oc"] * s["k"] * s["k"] * (s["c"] // g["groups"])


def conv_forward_backward_flops(s: Dict[str, int]) -> int:
    """Forward, input gradient and weight gradient each cost one forward's FLOPs."""
    return 3 * conv_forward_flops(s)


def gemm_label(s: Dict[str, int]) -> str:
    return f"sgemm {s['m']}x{s['n']}x{s['k']}"


def conv_label(s: Dict[str, int]) -> str:
    g = conv_geometry(s)
    k = s["k"]
    if g["groups"] == s["c"] == s["oc"]:
        text = f"dw{k}x{k} C{s['c']} {s['h']}x{s['w']} b{s['n']}"
    else:
        groups = f" g{g['groups']}" if g["groups"] != 1 else ""
        text = f"conv{k}x{k} {s['c']}->{s['oc']}{groups} {s['h']}x{s['w']} b{s['n']}"
    if g["stride"] != 1:
        text += f" s{g['stride']}"
    if g["pad"] != k // 2:
        text += f" p{g['pad']}"
    return text


def fft_label(s: Dict[str, int]) -> str:
    return f"rfft2+irfft2 [{s['n']},{s['h']},{s['w']},{s['c']}]"


MODEL_NAMES = {"resnet32": "ResNet32", "dsresnet32": "ResNet32_DoubleShared", "dfformer18": "dfformer_s18",
               "cdfformer18": "cdfformer_s18"}


def model_name(s: Dict[str, int]) -> str:
    """"ResNet32_DoubleShared(16,1)", "dfformer_s18 224²" from a models shape."""
    key = next(f"{k}{v}" for k, v in s.items() if f"{k}{v}" in MODEL_NAMES)
    text = MODEL_NAMES[key]
    if "s" in s:
        text += f"({s['s']},{s['u']})"
    if "r" in s:
        text += f" {s['r']}²"
    return text


def train_label(s: Dict[str, int]) -> str:
    return f"{model_name(s)} train step b{s['n']}"


def inference_label(s: Dict[str, int]) -> str:
    return f"{model_name(s)} inference b{s['n']}"


def fused_label(s: Dict[str, int]) -> str:
    return f"{model_name(s)} fused inference b{s['n']}"


def batch_images(s: Dict[str, int]) -> int:
    return s["n"]


@dataclass(frozen=True)
class Kind:
    """What one Java benchmark method does, seen from the comparison."""
    torch: str                                        # runner name in torch_reference.RUNNERS
    label: Callable[[Dict[str, int]], str]            # short workload name for the table
    flops: Optional[Callable[[Dict[str, int]], int]]  # FLOPs per call, or None where no count is customary (FFT)
    suffix: str = ""                                  # pass, appended to the label
    images: Optional[Callable[[Dict[str, int]], int]] = None  # images per call, for an images/s column (models)
    plain: bool = True                                # also time the scalar fallback (too slow for whole models)


# Keyed by "<JMH class>.<method>" in io.github.basis4j.bench.
KINDS: Dict[str, Kind] = {
    "GemmBench.sgemm": Kind("mm", gemm_label, gemm_flops),
    "ConvBench.forward": Kind("conv2d_forward", conv_label, conv_forward_flops, " fwd"),
    "ConvBench.forwardBackward": Kind("conv2d_forward_backward", conv_label, conv_forward_backward_flops, " fwd+bwd"),
    # FFT: ours is FftBench over the fft module's RealFft2d; JTransformsFftBench (same shapes and methods) is a reference.
    "FftBench.forward": Kind("rfft2_irfft2_forward", fft_label, None, " fwd"),
    "FftBench.forwardBackward": Kind("rfft2_irfft2_forward_backward", fft_label, None, " fwd+bwd"),
    # models: ModelBench over the models module's networks; OrtModelBench (ONNX Runtime) is a reference.
    "ModelBench.trainStep": Kind("model_train_step", train_label, None, "", batch_images, False),
    "ModelBench.inference": Kind("model_inference", inference_label, None, "", batch_images, False),
    # Ours through FusedCifarResNet (batch norms folded, bases merged): the same reference twin as inference.
    "ModelBench.fusedInference": Kind("model_inference", fused_label, None, "", batch_images, False),
}

# Java benchmarks that are references, not ours: shown in their own column, same kind and shape as ours.
JAVA_REFERENCES: Dict[str, str] = {
    "JTransformsFftBench": "JTransforms plain",
    "OrtModelBench": "ONNX Runtime",
}


@dataclass(frozen=True)
class Workload:
    group: str                     # the argument of ./basis4j bench: kernels, fft, models
    ours: str                      # "<JMH class>.<method>", a key of KINDS
    shape: str                     # the @Param value, and what the PyTorch twin parses
    java_refs: Tuple[str, ...] = field(default=())  # other Java benchmarks timed on the same shape

    @property
    def kind(self) -> Kind:
        return KINDS[self.ours]

    @property
    def sizes(self) -> Dict[str, int]:
        return parse_shape(self.shape)

    @property
    def label(self) -> str:
        return self.kind.label(self.sizes) + self.kind.suffix

    @property
    def flops(self) -> Optional[int]:
        return self.kind.flops(self.sizes) if self.kind.flops else None

    @property
    def key(self) -> str:
        return f"{self.ours}/{self.shape}"


def _fft(method: str, shape: str) -> Workload:
    return Workload("fft", f"FftBench.{method}", shape, (f"JTransformsFftBench.{method}",))


# The DFFormer-S18 token-mixer maps [n, h, w, c] of PERF.md, at batch 1 and batch 8.
_FFT_SHAPES = [f"n{n}_{hwc}" for n in (1, 8)
               for hwc in ("h56_w56_c128", "h28_w28_c256", "h14_w14_c640", "h7_w7_c1024")]

# Model tokens (reference_models.MODELS): the plain ResNet32 and the DoubleShared one at the reference's ranks.
_CIFAR_MODELS = ["resnet32", "dsresnet32_s16_u1"]

WORKLOADS = [
    # kernels: GEMM. 256³ fits in L2; 1024³ is PERF.md's OpenBLAS yardstick; 3136×64×576 is the im2col GEMM
    # of ResNet-34 stage 1 (56×56 map, 64→64, 3×3).
    Workload("kernels", "GemmBench.sgemm", "m256_n256_k256"),
    Workload("kernels", "GemmBench.sgemm", "m1024_n1024_k1024"),
    Workload("kernels", "GemmBench.sgemm", "m3136_n64_k576"),
    # kernels: 3×3 convolutions, the four ResNet shapes of PERF.md (CIFAR stages 1-3 at batch 128,
    # ResNet-34 stage 1 at batch 1), and the 7×7 depthwise convolution of CDFFormer-S18's first-stage
    # separable-convolution mixer (C=128, 56×56).
    Workload("kernels", "ConvBench.forward", "n128_h32_w32_c16_oc16_k3"),
    Workload("kernels", "ConvBench.forward", "n128_h16_w16_c32_oc32_k3"),
    Workload("kernels", "ConvBench.forward", "n128_h8_w8_c64_oc64_k3"),
    Workload("kernels", "ConvBench.forward", "n1_h56_w56_c64_oc64_k3"),
    Workload("kernels", "ConvBench.forward", "n1_h56_w56_c128_oc128_k7_g128"),
    Workload("kernels", "ConvBench.forwardBackward", "n128_h32_w32_c16_oc16_k3"),
    Workload("kernels", "ConvBench.forwardBackward", "n128_h16_w16_c32_oc32_k3"),
    Workload("kernels", "ConvBench.forwardBackward", "n128_h8_w8_c64_oc64_k3"),
    Workload("kernels", "ConvBench.forwardBackward", "n1_h56_w56_c64_oc64_k3"),
    Workload("kernels", "ConvBench.forwardBackward", "n1_h56_w56_c128_oc128_k7_g128"),
    # fft: rfft2 + irfft2, norm "ortho", on the token-mixer maps; beside PyTorch and JTransforms used plainly.
    *[_fft("forward", shape) for shape in _FFT_SHAPES],
    *[_fft("forwardBackward", shape) for shape in _FFT_SHAPES],
    # models: whole networks with the reference's weights (benchmarks/reference_models.py). CIFAR-10 ResNet-32,
    # plain and DoubleShared (shared rank 16, unique rank 1): an SGD training step at batch 128 (cross-entropy,
    # plus the DSFB orthogonality penalty for the shared model), inference at batch 128 and 1, inference also
    # beside ONNX Runtime on the same weights, and through FusedCifarResNet (folded batch norms, merged bases).
    # DFFormer-S18 and CDFFormer-S18 at 224²: inference at batch 1 and 8.
    *[Workload("models", "ModelBench.trainStep", f"{m}_n128") for m in _CIFAR_MODELS],
    *[Workload("models", f"ModelBench.{method}", f"{m}_n{n}", ("OrtModelBench.inference",))
      for m in _CIFAR_MODELS for n in (128, 1) for method in ("inference", "fusedInference")],
    *[Workload("models", "ModelBench.inference", f"{m}_r224_n{n}") for m in ("dfformer18", "cdfformer18") for n in (1, 8)],
]

GROUPS = ("kernels", "fft", "models")


def select(group: str, only: Optional[str] = None):
    """The workloads of a group ("all" for every group), optionally filtered by a regex on label or key."""
    if group != "all" and group not in GROUPS:
        raise ValueError(f"unknown group '{group}'; known: {', '.join(GROUPS)}, all")
    chosen = [w for w in WORKLOADS if group == "all" or w.group == group]
    if only:
        pattern = re.compile(only)
        chosen = [w for w in chosen if pattern.search(w.label) or pattern.search(w.key)]
    return chosen


def _check() -> None:
    """Every workload names a known kind and a parseable shape with the sizes its kind needs."""
    seen = set()
    for w in WORKLOADS:
        if w.ours not in KINDS:
            raise ValueError(f"workload {w.key}: unknown benchmark '{w.ours}'; known: {', '.join(KINDS)}")
        for ref in w.java_refs:
            if ref.split(".")[0] not in JAVA_REFERENCES:
                raise ValueError(f"workload {w.key}: reference '{ref}' is not listed in JAVA_REFERENCES")
        if w.key in seen:
            raise ValueError(f"workload {w.key} is listed twice")
        seen.add(w.key)
        try:
            w.label, w.flops
        except KeyError as missing:
            raise ValueError(f"workload {w.key}: shape lacks {missing}") from None


_check()
