package io.github.basis4j.nn.io.pth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.basis4j.simd.Tensor;
import java.util.Map;

/**
 * Fuzzes the .pth parser ({@link PthFile#read(byte[])}: the zip reader, the restricted unpickler, the storage and
 * view checks) and the decoding of every tensor it lists. The normal suite replays the seeds under
 * {@code PthFileFuzzTestInputs/read/} (the committed torch.save fixtures) and the regression inputs beside them;
 * {@code JAZZER_FUZZ=1} runs a campaign (README, "Reference code and fixtures"; figures in
 * docs/results/fuzzing.md). Bytes may only be refused with a {@link PthException} naming their source; accepted
 * bytes decode to tensors whose sizes match their shapes, and never to more floats than
 * {@link PthFile#MAX_VIEWS_PER_ELEMENT} times the input's length.
 *
 * <p>Why bytes rather than a file ({@code FileFuzzing}): {@link PthFile#read(java.nio.file.Path)} only maps the
 * file and hands the buffer to the same parser, but a campaign that rewrote one file per input and mapped it
 * spent most of its time in the kernel: rewriting truncates the file, which must unmap it from every mapping the
 * garbage collector has not yet released (thousands), so it ran at ~200 inputs/s instead of thousands.
 */
class PthFileFuzzTest {
    private static final String SOURCE = "PyTorch checkpoint";

    @FuzzTest
    void read(byte[] bytes) {
        Map<String, Tensor> tensors;
        try {
            tensors = PthFile.read(bytes).tensors();
        } catch (PthException e) {
            String message = e.getMessage();
            if (message == null || !message.startsWith(SOURCE + ": ") || message.length() == SOURCE.length() + 2) {
                throw new AssertionError("a refusal must name its source and say why, got: " + message, e);
            }
            return;
        }
        long floats = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.size() != t.shape().size()) {
                throw new AssertionError(e.getKey() + ": " + t.size() + " values for shape " + t.shape());
            }
            floats += t.size();
        }
        if (floats > (long) PthFile.MAX_VIEWS_PER_ELEMENT * bytes.length) {
            throw new AssertionError(floats + " floats decoded from " + bytes.length + " bytes");
        }
    }
}
