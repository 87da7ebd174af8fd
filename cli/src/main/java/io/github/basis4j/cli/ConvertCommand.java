package io.github.basis4j.cli;

import io.github.basis4j.nn.io.pth.PthFile;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j convert IN.pth OUT.safetensors}: rewrites a {@code torch.save} state dict as a float32
 * safetensors file with the same keys, in the same order, which every command and {@code Model.load} read. The
 * input's pickle code is never run ({@link PthFile}); float16, bfloat16 and float64 values are rounded to float32,
 * integer tensors ({@code num_batches_tracked}) converted exactly. A checkpoint dict holding one state dict (such
 * as the reference's {@code {'net_state_dict': …, 'optimizer_state_dict': …}}) gives that one; {@code --key}
 * picks one by name. The output is written to a temporary file in its directory and then renamed, so a failed
 * conversion never leaves a partial file under the output's name.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Convert a PyTorch state dict saved with torch.save (.pth/.pt) to a float32 safetensors file, without running its pickle code.")
final class ConvertCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.pth", description = "A torch.save file holding a state dict (or a dict with one).")
    private Path input;

    @Parameters(index = "1", paramLabel = "OUT.safetensors", description = "Where the safetensors file goes (replaced if it exists).")
    private Path output;

    @Option(names = "--key", paramLabel = "KEY", description = "The entry of the checkpoint dict that holds the state dict (e.g. net_state_dict).")
    private String key;

    @Override
    public Integer call() throws IOException {
        PthFile in = PthFile.read(Checks.existingFile("input", input), key);
        Map<String, Tensor> tensors = in.tensors();
        Map<String, String> meta = new LinkedHashMap<>();
        // safetensors.torch marks its files "pt"; the source says where the weights came from.
        meta.put("format", "pt");
        meta.put("source", input.getFileName().toString());
        in.selectedKey().ifPresent(k -> meta.put("source_key", k));
        Safetensors.write(output, tensors, meta);
        // Keys that alias one storage view share one tensor object.
        Set<Tensor> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(tensors.values());
        spec.commandLine().getOut().printf("%s%s: %d tensors (%d distinct) -> %s%n", input, in.selectedKey().map(k -> " [" + k + "]").orElse(""),
                tensors.size(), distinct.size(), output);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
