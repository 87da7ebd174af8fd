package io.github.basis4j.inference;

import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.models.dsfb.Cifar100Models;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.CifarResNet;
import io.github.basis4j.models.dsfb.FourStageResNet;
import io.github.basis4j.models.dsfb.IlsvrcModels;
import io.github.basis4j.models.dsfb.MobileNetV2;
import io.github.basis4j.models.metaformer.MetaFormer;
import io.github.basis4j.models.metaformer.MetaFormers;
import io.github.basis4j.nn.data.CifarReader;
import io.github.basis4j.nn.data.ColorMode;
import io.github.basis4j.nn.data.Interpolation;
import io.github.basis4j.nn.modules.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * What each model family's reference feeds its models and calls their outputs.
 *
 * <p>The DSFB reference (Net_RL2 {@code utils.get_testdata}) evaluates CIFAR-10 on 32×32 images normalised
 * with ImageNet's statistics (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225), CIFAR-100 with
 * (0.507, 0.487, 0.441) / (0.267, 0.256, 0.276), and ILSVRC with {@code Resize(256)}, {@code CenterCrop(224)}
 * and ImageNet's statistics. The DFFormer reference's timm configuration ({@code _cfg} in {@code dfformer.py})
 * has input 224, {@code crop_pct = 1.0} (so the resize is to ⌊224 / 1.0⌋ = 224), bicubic interpolation and
 * timm's {@code IMAGENET_DEFAULT_MEAN/STD}, the same ImageNet pair. The small grey MetaFormers
 * ({@code SmallMetaFormers}, 28×28×1) have no reference of their own: they get the same pipeline with each
 * ImageNet statistic's luma-weighted mean, the weights grey images are decoded with.
 */
final class ReferenceInputs {
    /** torchvision's and timm's ImageNet statistics. */
    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Net_RL2's CIFAR-100 statistics. */
    static final float[] CIFAR100_MEAN = {0.507f, 0.487f, 0.441f};
    static final float[] CIFAR100_STD = {0.267f, 0.256f, 0.276f};
    /** The CIFAR side. */
    static final int CIFAR_SIDE = 32;
    /** The ILSVRC crop and the side it is cut from (Net_RL2's {@code Resize(256)}, {@code CenterCrop(224)}). */
    static final int ILSVRC_CROP = 224;
    static final int ILSVRC_RESIZE = 256;
    /** timm's {@code crop_pct} in the DFFormer configuration: the resize side is ⌊crop / crop_pct⌋. */
    static final double METAFORMER_CROP_PCT = 1.0;
    /** The channels the references' statistics are for. */
    private static final int RGB = 3;

    private ReferenceInputs() {
    }

    /**
     * The input size {@code module} takes (channels and spatial size), and how many classes it outputs.
     *
     * @param size       the reference input size
     * @param numClasses outputs
     */
    record Shape(InputSize size, int numClasses) {
    }

    /** The input size and classes of a model of {@code entry}'s family built as {@code module}. */
    static Shape shapeOf(ModelRegistry.Entry entry, Module module) {
        return switch (module) {
            case CifarResNet m -> new Shape(new InputSize(CIFAR_SIDE, CIFAR_SIDE, m.inChannels()), m.numClasses());
            case FourStageResNet m -> new Shape(square(entry, m.inChannels()), m.numClasses());
            case MobileNetV2 m -> new Shape(square(entry, m.inChannels()), m.numClasses());
            case MetaFormer m -> new Shape(new InputSize(m.imageHeight(), m.imageWidth(), m.inChannels()), m.numClasses());
            default -> throw new IllegalArgumentException("Model.load: the input size of " + entry.qualifiedName() + " (a "
                    + module.getClass().getSimpleName() + ") is not known; build it yourself and use Model.of");
        };
    }

    private static InputSize square(ModelRegistry.Entry entry, int channels) {
        int side = entry.family().equals(IlsvrcModels.FAMILY) ? ILSVRC_CROP : CIFAR_SIDE;
        return new InputSize(side, side, channels);
    }

    /**
     * The reference's preprocessing for {@code family} at {@code size}.
     *
     * @throws IllegalArgumentException for a family without one or inputs that are not RGB (grey too for the
     *     MetaFormers)
     */
    static Preprocessing preprocessing(String family, String name, InputSize size) {
        boolean greyMetaFormer = family.equals(MetaFormers.FAMILY) && size.channels() == 1;
        if (size.channels() != RGB && !greyMetaFormer) {
            throw new IllegalArgumentException("Model.load: the reference normalises RGB images, but " + name + " was built for "
                    + size.channels() + " channels; pass Model.Options.optPreprocessing");
        }
        int longer = Math.max(size.height(), size.width());
        return switch (family) {
            case Cifar10ResNets.FAMILY -> new Preprocessing(size, IMAGENET_MEAN, IMAGENET_STD, longer, Interpolation.BILINEAR);
            case Cifar100Models.FAMILY -> new Preprocessing(size, CIFAR100_MEAN, CIFAR100_STD, longer, Interpolation.BILINEAR);
            case IlsvrcModels.FAMILY -> new Preprocessing(size, IMAGENET_MEAN, IMAGENET_STD,
                    Math.max(longer, longer * ILSVRC_RESIZE / ILSVRC_CROP), Interpolation.BILINEAR);
            case MetaFormers.FAMILY -> new Preprocessing(size, greyMetaFormer ? luma(IMAGENET_MEAN) : IMAGENET_MEAN,
                    greyMetaFormer ? luma(IMAGENET_STD) : IMAGENET_STD, (int) Math.floor(longer / METAFORMER_CROP_PCT), Interpolation.BICUBIC);
            default -> throw new IllegalArgumentException("Model.load: no reference preprocessing is known for family " + family
                    + " (" + name + "); pass Model.Options.optPreprocessing");
        };
    }

    /** The one-channel statistic of an RGB one: its luma-weighted mean. */
    private static float[] luma(float[] rgb) {
        return new float[] {ColorMode.luma(rgb[0], rgb[1], rgb[2])};
    }

    /** CIFAR-10's class names for a 10-class CIFAR-10 model; otherwise "0", "1", …. */
    static List<String> labels(String family, int numClasses) {
        if (family.equals(Cifar10ResNets.FAMILY) && numClasses == CifarReader.CIFAR10_CLASSES.size()) return CifarReader.CIFAR10_CLASSES;
        List<String> n = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) n.add(Integer.toString(i));
        return List.copyOf(n);
    }
}
