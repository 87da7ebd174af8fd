package io.github.basis4j.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.basis4j.models.dsfb.Cifar100Models;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.IlsvrcModels;
import io.github.basis4j.models.metaformer.MetaFormers;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.data.Interpolation;
import io.github.basis4j.nn.data.Transforms;
import io.github.basis4j.nn.init.Rng;
import org.junit.jupiter.api.Test;

/** Each family's reference preprocessing, torchvision's resize-and-crop rules and the bicubic pipeline against PyTorch. */
class PreprocessingTest {
    /** float32 rounding of the two passes' tap sums of values in [0, 1] (up to ~10 taps when shrinking). */
    private static final float RESIZE_TOLERANCE = 2e-6f;
    private static final float[] IN = new float[35];

    static {
        // torch: (torch.arange(35.).reshape(1, 1, 5, 7) * 0.37) % 1.0
        for (int i = 0; i < IN.length; i++) IN[i] = (i * 0.37f) % 1.0f;
    }

    /**
     * torchvision's Resize(4) + CenterCrop((3, 4)) of the 5x7 image with PIL's bicubic, in float: PyTorch 1.13's
     * F.interpolate(x, size=(4, 5), mode="bicubic", antialias=True, align_corners=False)[..., 0:3, 0:4]. Shrinking,
     * so the taps are widened.
     */
    private static final float[] TORCH_RESIZE4_CROP3X4 = {0.2331045f, 0.595452f, 0.3024195f, 0.564795f, 0.5553549f, 0.708796f,
        0.491026f, 0.2562849f, 0.4261028f, 0.5136747f, 0.6457788f, 0.385677f};
    /**
     * Resize(8) + CenterCrop(8): F.interpolate(x, size=(8, 11), mode="bicubic", antialias=True)[..., :, 2:10].
     * Enlarging, where PIL's a = −0.5 cubic overshoots less than PyTorch's plain a = −0.75 one.
     */
    private static final float[] TORCH_RESIZE8_CROP8X8 = {0.369318f, 0.7295283f, 0.5503416f, 0.06754613f, 0.3059601f, 0.644594f,
        0.8864047f, 0.4885271f, 0.6338743f, 0.5888757f, 0.4846701f, 0.3635712f, 0.274655f, 0.3850625f, 0.6933289f, 0.5934147f,
        0.939025f, 0.4666992f, 0.4407204f, 0.7000098f, 0.2774234f, 0.1012813f, 0.3763711f, 0.6624678f, 0.7335301f, 0.8020061f,
        0.6426368f, 0.3778418f, 0.4850916f, 0.4166899f, 0.09427723f, 0.2974981f, 0.4196003f, 0.7899125f, 0.7517326f, 0.4340918f,
        0.5374575f, 0.4814897f, 0.1834408f, 0.3694578f, 0.1364014f, 0.4058758f, 0.7029094f, 0.8687599f, 0.4429954f, 0.2770265f,
        0.5720502f, 0.8440711f, 0.4585972f, 0.2624169f, 0.3666562f, 0.6615712f, 0.6426787f, 0.5289192f, 0.3979447f, 0.6081899f,
        0.7475853f, 0.2155647f, 0.1230897f, 0.4404984f, 0.8029402f, 0.7445242f, 0.2083406f, 0.3598248f};

    /**
     * The MetaFormers' bicubic pipeline is PIL's antialiased resize (the reference resizes PIL images) then the
     * crop, down and up; a second channel holding 1 − x gives 1 − y (channels are independent, taps sum to one).
     */
    @Test
    void bicubicPipelineMatchesPyTorchsAntialiasedResizeDownAndUp() {
        Preprocessing down = new Preprocessing(new InputSize(3, 4, 1), new float[] {0f}, new float[] {1f}, 4, Interpolation.BICUBIC);
        assertThat(down.apply(new Image(5, 7, 1, IN.clone())).data()).containsExactly(TORCH_RESIZE4_CROP3X4, within(RESIZE_TOLERANCE));
        Preprocessing up = new Preprocessing(new InputSize(8, 8, 1), new float[] {0f}, new float[] {1f}, Interpolation.BICUBIC);
        assertThat(up.resizeSide()).isEqualTo(8);
        assertThat(up.apply(new Image(5, 7, 1, IN.clone())).data()).containsExactly(TORCH_RESIZE8_CROP8X8, within(RESIZE_TOLERANCE));
        float[] two = new float[70];
        for (int i = 0; i < 35; i++) {
            two[2 * i] = IN[i];
            two[2 * i + 1] = 1 - IN[i];
        }
        Preprocessing pair = new Preprocessing(new InputSize(3, 4, 2), new float[2], new float[] {1f, 1f}, 4, Interpolation.BICUBIC);
        float[] y = pair.apply(new Image(5, 7, 2, two)).data();
        for (int i = 0; i < 12; i++) {
            assertThat(y[2 * i]).isCloseTo(TORCH_RESIZE4_CROP3X4[i], within(RESIZE_TOLERANCE));
            assertThat(y[2 * i + 1]).isCloseTo(1 - TORCH_RESIZE4_CROP3X4[i], within(RESIZE_TOLERANCE));
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
        // The small grey MetaFormers: the same pipeline with each ImageNet statistic's luma-weighted mean (0.299, 0.587, 0.114).
        InputSize grey = new InputSize(28, 28, 1);
        assertThat(ReferenceInputs.preprocessing(MetaFormers.FAMILY, "dfformer_fmnist", grey)).isEqualTo(new Preprocessing(grey,
                new float[] {0.299f * 0.485f + 0.587f * 0.456f + 0.114f * 0.406f},
                new float[] {0.299f * 0.229f + 0.587f * 0.224f + 0.114f * 0.225f}, 28, Interpolation.BICUBIC));
        assertThatThrownBy(() -> ReferenceInputs.preprocessing(Cifar10ResNets.FAMILY, "ResNet32", new InputSize(32, 32, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RGB");
        assertThatThrownBy(() -> ReferenceInputs.preprocessing(MetaFormers.FAMILY, "dfformer_s18", new InputSize(224, 224, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 channels");
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
        Image direct = Transforms.centerCrop(3, 4).apply(Transforms.resize(4, 5, Interpolation.BICUBIC).apply(new Image(5, 7, 1, IN.clone()),
                Rng.of(0)), Rng.of(0));
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
