import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.simd.io.Safetensors;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes what the start-up measurement predicts on: a ResNet32 state dict with seeded random weights and a
 * 32×32 RGB PNG of seeded noise. Run with the java source launcher and the CLI jar on the class path.
 */
public class WriteInputs {
    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args[0]), image = Path.of(args[1]);
        Safetensors.write(weights, Models.create("ResNet32", ModelOptions.builder().optSeed(1).build()).stateDict(), Map.of());
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(1);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ImageIO.write(img, "png", image.toFile());
    }
}
