package io.github.basis4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.basis4j.simd.Parallel;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The inference reference of the models group: ONNX Runtime's Java API (CPU execution provider) running the
 * reference PyTorch model exported to ONNX with the same weights as {@link ModelBench} loads
 * ({@code DIR/<token>.onnx} from {@code benchmarks/reference_models.py prepare DIR}). ONNX Runtime gets
 * {@code -Dbasis4j.threads} intra-op threads, one inter-op thread, sequential execution and all graph
 * optimisations (it folds batch norms into convolutions, as our fused path does). Input NCHW, the same
 * seeded values as ours (transposed); {@code @Setup} checks its logits against the reference's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class OrtModelBench {
    /** The CIFAR shapes of ModelBench's inference; benchmarks/workloads.py lists this class as their reference. */
    @Param({"resnet32_n128", "dsresnet32_s16_u1_n128", "resnet32_n1", "dsresnet32_s16_u1_n1"})
    public String shape;

    OrtEnvironment env;
    OrtSession session;
    OnnxTensor input;

    /** Opens the ONNX file of the shape's model and makes the NCHW input. */
    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        ShapeSpec s = ShapeSpec.parse(shape);
        String token = s.get("dsresnet", -1) == 32 ? "dsresnet32" : s.get("resnet", -1) == 32 ? "resnet32" : null;
        if (token == null) throw new IllegalArgumentException("OrtModelBench: '" + shape + "' is not a CIFAR ResNet shape");
        Path dir = BenchModels.weightsDir();
        Path onnx = dir == null ? null : dir.resolve(token + ".onnx");
        if (onnx == null || !Files.isRegularFile(onnx)) {
            throw new IllegalStateException("OrtModelBench: no ONNX model (" + (onnx == null ? "-D" + BenchModels.WEIGHTS + " unset" : onnx + " missing")
                    + "); ./basis4j bench models exports it from the reference checkout (benchmarks/reference_models.py)");
        }
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Parallel.threads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(onnx.toString(), options);
        System.out.println("# basis4j OrtModelBench " + shape + ": ONNX Runtime " + env.getVersion() + ", intra-op threads "
                + Parallel.threads() + ", " + onnx);
        Map<String, Tensor> check = BenchModels.referenceCheck(token);
        if (check != null) {
            float[] logits = run(nchw(check.get("x")));
            Verify.close("OrtModelBench " + shape + ": logits against the reference PyTorch model",
                    check.get("logits").data(), logits, BenchModels.LOGIT_TOLERANCE);
        }
        BenchModels.Built shapeOnly = new BenchModels.Built(token, null, s.get("n"), 32);
        input = nchw(BenchModels.input(shapeOnly));
    }

    /** An ONNX tensor [n, c, h, w] from a basis4j NHWC tensor. */
    private OnnxTensor nchw(Tensor nhwc) throws OrtException {
        Tensor t = nhwc.permute(0, 3, 1, 2);
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data(), t.offset(), t.size()),
                new long[] {t.dim(0), t.dim(1), t.dim(2), t.dim(3)});
    }

    private float[] run(OnnxTensor x) throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("x", x))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            float[] flat = new float[logits.length * logits[0].length];
            for (int i = 0; i < logits.length; i++) System.arraycopy(logits[i], 0, flat, i * logits[i].length, logits[i].length);
            return flat;
        }
    }

    /** One inference; returns a logit so the work cannot be dropped. */
    @Benchmark
    public float inference() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("x", input))) {
            return ((float[][]) r.get(0).getValue())[0][0];
        }
    }

    /** Frees the native session and tensor. */
    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        input.close();
        session.close();
    }
}
