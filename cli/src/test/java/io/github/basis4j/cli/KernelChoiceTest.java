package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.spi.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class KernelChoiceTest {
    private String saved;

    @BeforeEach
    void clearProperty() {
        saved = System.getProperty(Backends.PROPERTY);
        System.clearProperty(Backends.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) System.clearProperty(Backends.PROPERTY);
        else System.setProperty(Backends.PROPERTY, saved);
    }

    @Test
    void autoPicksScalarForAFewCifarImagesAndVectorForMoreWork() {
        // ResNet-32: 464 154 parameters, 32x32 inputs.
        KernelChoice.AUTO.applyAuto(1, 464_154, 32 * 32);
        assertThat(System.getProperty(Backends.PROPERTY)).isEqualTo("scalar");
        System.clearProperty(Backends.PROPERTY);
        KernelChoice.AUTO.applyAuto(100, 464_154, 32 * 32);
        assertThat(System.getProperty(Backends.PROPERTY)).isNull();
        // dfformer_s18: 27 M parameters at 224x224, even one image is work for the vector kernels.
        KernelChoice.AUTO.applyAuto(1, 27_000_000, 224 * 224);
        assertThat(System.getProperty(Backends.PROPERTY)).isNull();
    }

    @Test
    void theWorkEstimateMatchesResNet32sMultiplyAdds() {
        // info --model ResNet32: 68.86 M multiply-adds per 32x32 image; the estimate is within 5 %.
        assertThat(KernelChoice.estimatedWork(1, 464_154, 1024)).isBetween(68.86e6 * 0.95, 68.86e6 * 1.05);
    }

    @Test
    void aJvmPropertyAlwaysWins() {
        System.setProperty(Backends.PROPERTY, "vector");
        KernelChoice.AUTO.applyAuto(1, 1000, 1);
        KernelChoice.SCALAR.applyExplicit();
        assertThat(System.getProperty(Backends.PROPERTY)).isEqualTo("vector");
    }

    @Test
    void explicitChoicesSetTheBackendAndAutoWaits() {
        KernelChoice.AUTO.applyExplicit();
        assertThat(System.getProperty(Backends.PROPERTY)).isNull();
        KernelChoice.SCALAR.applyExplicit();
        assertThat(System.getProperty(Backends.PROPERTY)).isEqualTo("scalar");
        KernelChoice.SCALAR.applyAuto(1, 1, 1);
        assertThat(System.getProperty(Backends.PROPERTY)).isEqualTo("scalar");
        System.clearProperty(Backends.PROPERTY);
        KernelChoice.VECTOR.applyAuto(1, 1, 1);
        assertThat(System.getProperty(Backends.PROPERTY)).isNull();
    }

    @Test
    void theConverterNamesWhatItAccepts() {
        assertThat(new KernelChoice.Converter().convert(" Scalar ")).isEqualTo(KernelChoice.SCALAR);
        assertThatThrownBy(() -> new KernelChoice.Converter().convert("gpu"))
                .isInstanceOf(TypeConversionException.class).hasMessage("expected auto, vector or scalar, got 'gpu'");
    }
}
