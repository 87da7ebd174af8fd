package io.github.basis4j.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.basis4j.models.dsfb.Cifar100Models;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.IlsvrcModels;
import io.github.basis4j.models.metaformer.MetaFormers;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.data.Transforms;
import io.github.basis4j.nn.init.Rng;
import org.junit.jupiter.api.Test;

/** Each family's reference preprocessing, torchvision's resize-and-crop rules and the bicubic resize against PyTorch. */
class PreprocessingTest {
    /** float32 rounding of a 4-tap sum of values in [0, 1], twice. */
    private static final float RESIZE_TOLERANCE = 2e-6f;
    private static final float[] IN = new float[35];

    static {
        // torch: (torch.arange(35.).reshape(1, 1, 5, 7) * 0.37) % 1.0
        for (int i = 0; i < IN.length; i++) IN[i] = (i * 0.37f) % 1.0f;
    }

    /** F.interpolate(x, size=(3, 4), mode="bicubic", align_corners=False) in PyTorch 1.13. */
    private static final float[] TORCH_3X4 = {0.3418731f, 0.5509962f, 0.2849796f, 0.5701478f, 0.2889407f, 0.8769337f, 0.6600975f,
        0.2251417f, 0.5424951f, 0.2281443f, 0.6545192f, 0.5914074f};
    /** The same at (8, 9): upsampling, where the cubic overshoots [0, 1]. */
    private static final float[] TORCH_8X9 = {-0.07913458f, 0.1473201f, 0.6153158f, 0.668116f, 0.0552277f, 0.3681937f, 0.8386145f,
        0.7016141f, 0.1176336f, 0.2623329f, 0.5558312f, 0.6430846f, 0.4823381f, 0.396695f, 0.2351105f, 0.518671f, 0.6939456f, 0.4935138f,
        0.5677742f, 0.9167749f, 0.7019169f, 0.3698229f, 0.702317f, 0.1845144f, 0.1689219f, 0.5658551f, 0.8393919f, 0.2325604f, 0.5906071f,
        0.8391613f, 0.6921533f, 0.3742163f, 0.5186597f, 0.2282019f, 0.1463716f, 0.5118942f, 0.3259209f, 0.2873999f, 0.6271357f, 0.8468266f,
        0.4377173f, 0.5756332f, 0.3252031f, 0.2499692f, 0.5720797f, 0.7973758f, 0.2846054f, 0.2259939f, 0.6713898f, 0.8664528f, 0.3433095f,
        0.3604668f, 0.7627971f, 1.000815f, 0.5931196f, 0.5097991f, 0.3041455f, 0.3163263f, 0.6938644f, 0.6061934f, 0.4364953f, 0.5370741f,
        0.8282264f, 0.2914639f, 0.7193809f, 0.4856347f, 0.04906744f, 0.4319382f, 0.8865679f, 0.4882675f, 0.2081043f, 0.5663002f};

    @Test
    void bicubicMatchesPyTorchDownAndUp() {
        Image x = new Image(5, 7, 1, IN.clone());
        assertThat(Bicubic.resize(x, 3, 4).data()).containsExactly(TORCH_3X4, within(RESIZE_TOLERANCE));
        assertThat(Bicubic.resize(x, 8, 9).data()).containsExactly(TORCH_8X9, within(RESIZE_TOLERANCE));
        // Channels are independent: a second channel holding 1 − x resizes to 1 − y (the weights sum to 1).
        float[] two = new float[70];
        for (int i = 0; i < 35; i++) {
            two[2 * i] = IN[i];
            two[2 * i + 1] = 1 - IN[i];
        }
        float[] y = Bicubic.resize(new Image(5, 7, 2, two), 3, 4).data();
        for (int i = 0; i < 12; i++) {
            assertThat(y[2 * i]).isCloseTo(TORCH_3X4[i], within(RESIZE_TOLERANCE));
            assertThat(y[2 * i + 1]).isCloseTo(1 - TORCH_3X4[i], within(RESIZE_TOLERANCE));
        }
    }

    @Test
    void eachFamilyGetsItsReferencesPipeline() {
        InputSize cifar = new InputSize(32, 32, 3), imagenet = new InputSize(224, 224, 3);
        Preprocessing c10 = ReferenceInputs.preprocessing(Cifar10ResNets.FAMILY, "ResNet32", cifar);
        assertThat(c10).isEqualTo(new Preprocessing(cifar, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, 32,
                Interpolation.BILINEAR));
        assertThat(ReferenceInputs.preprocessing(Cifar100Models.FAMILY, "resnet18", cifar)).isEqualTo(new Preprocessing(cifar,
                new float[] {0.507f, 0.487f, 0.441f}, new float[] {0.267f, 0.256f, 0.276f}, 32, Interpolation.BILINEAR));
        assertThat(ReferenceInputs.preprocessing(IlsvrcModels.FAMILY, "resnet50", imagenet)).isEqualTo(new Preprocessing(imagenet,
                ReferenceInputs.IMAGENET_MEAN, ReferenceInputs.IMAGENET_STD, 256, Interpolation.BILINEAR));
        assertThat(ReferenceInputs.preprocessing(MetaFormers.FAMILY, "dfformer_s18", imagenet)).isEqualTo(new Preprocessing(imagenet,
                ReferenceInputs.IMAGENET_MEAN, ReferenceInputs.IMAGENET_STD, 224, Interpolation.BICUBIC));
        assertThatThrownBy(() -> ReferenceInputs.preprocessing("other", "x", cifar)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("family other").hasMessageContaining("optPreprocessing");
        assertThat(ReferenceInputs.labels(Cifar10ResNets.FAMILY, 10)).startsWith("airplane", "automobile");
        assertThat(ReferenceInputs.labels(Cifar100Models.FAMILY, 3)).containsExactly("0", "1", "2");
    }

    @Test
    void resizeAndCropFollowTorchvision() {
        InputSize s = new InputSize(4, 4, 1);
        Preprocessing p = new Preprocessing(s, new float[] {0.5f}, new float[] {0.25f}, 6, Interpolation.BILINEAR);
        Image square = ramp(4, 4);
        // Resize(6) resamples even a 4x4 image, then CenterCrop(4): unlike a model-sized input with resizeSide 4.
        Image expected = Transforms.compose(Transforms.resizeShorterSide(6), Transforms.centerCrop(4, 4), Transforms.normalize(
                new float[] {0.5f}, new float[] {0.25f})).apply(square, Rng.of(0));
        assertThat(p.apply(square).data()).containsExactly(expected.data());
        // A shorter side already at 6 is not resampled (torchvision returns the image): only the crop, rows 1..4 of 6x8.
        Image wide = ramp(6, 8);
        Image cropped = Transforms.compose(Transforms.centerCrop(4, 4), Transforms.normalize(new float[] {0.5f}, new float[] {0.25f}))
                .apply(wide, Rng.of(0));
        assertThat(p.apply(wide).data()).containsExactly(cropped.data());
        // At the model size with resizeSide = side nothing moves: only the normalisation.
        Preprocessing exact = new Preprocessing(s, new float[] {0.5f}, new float[] {0.25f});
        assertThat(exact.apply(square).at(1, 2, 0)).isEqualTo((square.at(1, 2, 0) - 0.5f) / 0.25f);
        Preprocessing bicubic = new Preprocessing(new InputSize(3, 4, 1), new float[] {0f}, new float[] {1f}, 4, Interpolation.BICUBIC);
        // 5x7 → shorter side 4: Resize gives 4x5 (⌊4·7/5⌋), the crop keeps rows 0..2 (round-half-even of 0.5) and columns 0..3.
        Image viaApi = bicubic.apply(new Image(5, 7, 1, IN.clone()));
        Image direct = Transforms.centerCrop(3, 4).apply(Bicubic.resize(new Image(5, 7, 1, IN.clone()), 4, 5), Rng.of(0));
        assertThat(viaApi.data()).containsExactly(direct.data());
    }

    @Test
    void invalidSettingsAreRefused() {
        InputSize s = new InputSize(32, 32, 3);
        assertThatThrownBy(() -> new Preprocessing(s, new float[3], new float[] {1, 1, 1}, 31, Interpolation.BILINEAR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resizeSide must be >= 32").hasMessageContaining("got 31");
        assertThatThrownBy(() -> new Preprocessing(s, new float[1], new float[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 channels need as many means and stds, got 1 and 1");
        assertThatThrownBy(() -> new Preprocessing(s, new float[3], new float[] {1, 0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("std must be > 0");
        Preprocessing p = new Preprocessing(s, new float[3], new float[] {1, 1, 1});
        assertThatThrownBy(() -> p.apply(new Image(32, 32, 1, new float[1024]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a 3-channel image");
    }

    private static Image ramp(int h, int w) {
        float[] d = new float[h * w];
        for (int i = 0; i < d.length; i++) d[i] = (i * 0.13f) % 1f;
        return new Image(h, w, 1, d);
    }
}
