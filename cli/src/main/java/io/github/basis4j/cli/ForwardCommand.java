package io.github.basis4j.cli;

import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.NonFinite;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.DType;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j forward}: runs a model on a tensor file, for comparison with PyTorch. Reads the float32
 * tensor {@value #INPUT} {@code [N, C, H, W]} (PyTorch's NCHW) from {@code --input}, converts it to the
 * library's NHWC, runs the model in eval mode without a tape (a CIFAR ResNet as a {@code FusedCifarResNet},
 * batch norms folded, within 1e-5 relative of the module) and writes the logits {@code [N, classes]} as
 * the tensor {@value #OUTPUT} to {@code --output}. {@code --weights} holds the state dict under the
 * reference's keys: a PyTorch {@code state_dict} saved with {@code safetensors.torch.save_file} loads as is, and so
 * does one saved with {@code torch.save} ({@code .pth} / {@code .pt}).
 */
@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a model on the NCHW float32 tensor 'input' of a safetensors file; write the logits as tensor 'output'.")
final class ForwardCommand implements Callable<Integer> {
    /** The name of the input tensor. */
    static final String INPUT = "input";
    /** The name of the output tensor. */
    static final String OUTPUT = "output";

    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArgs modelArgs;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors|W.pth", description = "The model's state dict (reference key names): safetensors, or torch.save's .pth/.pt.")
    private Path weights;

    @Option(names = "--input", required = true, paramLabel = "IN.safetensors", description = "Holds the float32 tensor 'input', [N, C, H, W].")
    private Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "Where the logits go, as tensor 'output'.")
    private Path output;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|vector|scalar", converter = KernelChoice.Converter.class,
            description = "Kernels: auto (default) runs a small input on the scalar kernels, which need no warm-up, and anything bigger on the Vector API's.")
    private KernelChoice backend;

    @Option(names = "--threads", description = "Threads of the kernels (default: all cores).")
    private Integer threads;

    ForwardCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Integer call() throws IOException {
        modelArgs.require(spec);
        modelArgs.validate(spec);
        Checks.threads(spec, threads);
        backend.applyExplicit();
        Safetensors.File in = Checkpoints.open("input", input);
        Checkpoints.Weights w = Checkpoints.openWeights("weights", weights);
        CliModel model = catalog.create(modelArgs.request(modelArgs.model, null, null, 0));
        Tensor x = readInput(in, model.nativeInput().channels(), model.module().parameterCount());
        Checkpoints.loadWeights(model.module(), model.name(), w);
        model.module().eval();
        // A CIFAR ResNet runs fused (batch norms folded): its logits agree with the module's within 1e-5 relative.
        FusedCifarResNet fused = FusedCifarResNet.tryFuse(model.module()).orElse(null);
        Tensor logits;
        if (fused != null) {
            logits = fused.forward(x.nchwToNhwc());
        } else {
            try (NoGrad ignored = NoGrad.enter()) {
                logits = model.module().forward(Variable.constant(x.nchwToNhwc())).value();
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", model.name());
        meta.put("weights", weights.getFileName().toString());
        Safetensors.write(output, Map.of(OUTPUT, logits), meta);
        spec.commandLine().getOut().printf("%s: %s %s -> %s %s%n", model.name(), INPUT, x.shape(), OUTPUT, logits.shape());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The input tensor, checked to be float32 NCHW with the model's channels and to hold no NaN or ±∞. */
    private Tensor readInput(Safetensors.File in, int channels, long parameters) {
        Safetensors.Entry e = in.entries().get(INPUT);
        if (e == null) throw new CliException(input + " has no tensor named '" + INPUT + "'; it holds " + in.entries().keySet());
        if (e.dtype() != DType.F32) throw new CliException(input + ": tensor '" + INPUT + "' must be float32 (F32), got " + e.dtype());
        if (e.shape().rank() != 4 || e.shape().dim(1) != channels || e.shape().dim(0) < 1 || e.shape().dim(2) < 1 || e.shape().dim(3) < 1) {
            throw new CliException(input + ": tensor '" + INPUT + "' must be NCHW [N, " + channels + ", H, W] for this model, got " + e.shape());
        }
        // Before the first kernel runs (the check below): choose the kernels for this much work.
        backend.applyAuto(e.shape().dim(0), parameters, (long) e.shape().dim(2) * e.shape().dim(3));
        Tensor x = in.tensor(INPUT);
        // A NaN would only come out as NaN logits: stop here and say which sample and element hold it.
        NonFinite.requireFiniteBatch(input + ": tensor '" + INPUT + "'", x, "NCHW");
        return x;
    }
}
