package io.github.basis4j.bench;

import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Whole networks of the models module: a CIFAR-10 ResNet training step and inference of any model, on a seeded
 * batch, with the reference's weights when the comparison script prepared them ({@link BenchModels}).
 *
 * <p>{@link #inference()} runs the model in eval mode without a tape ({@link NoGrad}), as a deployed model
 * runs; {@link #fusedInference()} is the CIFAR ResNets' folded inference path; {@link #trainStep()} is one step of train_cifar10.py's loop: zero gradients, forward in training mode,
 * cross-entropy (plus the DSFB orthogonality penalty, λ = 10, for models with shared bases), backward, SGD
 * with momentum 0.9 and weight decay 5e-4. The step changes the weights, as training does; batch statistics
 * keep the activations in range whatever they become.
 *
 * <p>Before timing, {@code @Setup} checks the model's eval logits against the reference PyTorch model's on the
 * same weights when a weights directory is given; there is no scalar-twin check of whole models (the kernels
 * benchmarks do that per kernel, and a scalar ResNet-32 training step takes minutes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ModelBench {
    /** The list is also in benchmarks/workloads.py under "ModelBench.trainStep" and "ModelBench.inference". */
    @Param({
            "resnet32_n128",
            "dsresnet32_s16_u1_n128",
            "resnet32_n1",
            "dsresnet32_s16_u1_n1",
            "dfformer18_r224_n1",
            "dfformer18_r224_n8",
            "cdfformer18_r224_n1",
            "cdfformer18_r224_n8",
    })
    public String shape;

    BenchModels.Built model;
    Tensor x;
    BenchModels.Trainer trainer;
    /** The CIFAR ResNets' inference path with batch norms folded and bases merged, and its logits buffer. */
    FusedCifarResNet fused;
    Tensor fusedLogits;

    /** Builds the model (with the reference's weights when prepared), checks it against the reference, makes the batch. */
    @Setup(Level.Trial)
    public void setUp() {
        Verify.announceBackend("ModelBench " + shape);
        model = BenchModels.build(shape);
        boolean checked = BenchModels.checkAgainstReference(model, "ModelBench " + shape);
        System.out.println("# basis4j ModelBench " + shape + ": " + model.module().parameterCount() + " parameters, "
                + (checked ? "reference weights, logits match the reference" : "own initialisation (no reference weights)"));
        x = BenchModels.input(model);
        if (model.isCifar()) {
            model.module().eval();
            fused = FusedCifarResNet.fuse(model.module());
            fusedLogits = Tensor.zeros(model.batch(), fused.numClasses());
            checkFused();
            trainer = new BenchModels.Trainer(model);
        }
    }

    /** The fused network must give the module's eval logits (and so the reference's) on the timed batch. */
    private void checkFused() {
        Tensor expected;
        try (NoGrad ignored = NoGrad.enter()) {
            expected = model.module().forward(Variable.constant(x)).value().copy();
        }
        fusedInference();
        Verify.close("ModelBench " + shape + ": fused logits against the module's", expected.data(), fusedLogits.data(),
                BenchModels.LOGIT_TOLERANCE);
    }

    /** Eval-mode forward pass without a tape; returns the logits. */
    @Benchmark
    public Tensor inference() {
        model.module().eval();
        try (NoGrad ignored = NoGrad.enter()) {
            return model.module().forward(Variable.constant(x)).value();
        }
    }

    /**
     * Inference through {@link FusedCifarResNet} (CIFAR ResNets only): batch norms folded into the convolutions and
     * each basis/coefficient pair merged where that saves multiply-adds, weights packed once; ONNX Runtime folds
     * batch norms alike. Returns the logits.
     */
    @Benchmark
    public Tensor fusedInference() {
        if (fused == null) throw new IllegalStateException("ModelBench.fusedInference: " + shape + " is not a CIFAR ResNet");
        fused.forward(x, fusedLogits);
        return fusedLogits;
    }

    /** One SGD training step (CIFAR ResNets only); returns the loss. */
    @Benchmark
    public float trainStep() {
        if (trainer == null) throw new IllegalStateException("ModelBench.trainStep: " + shape + " is not a CIFAR ResNet");
        return trainer.step();
    }
}
