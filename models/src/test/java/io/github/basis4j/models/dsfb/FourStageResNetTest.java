package io.github.basis4j.models.dsfb;

import static io.github.basis4j.models.dsfb.InitAssertions.assertMoments;
import static io.github.basis4j.models.dsfb.InitAssertions.assertOrthonormal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import org.junit.jupiter.api.Test;

/** Forward shapes and initialisation of the four-stage (ImageNet and CIFAR-100) ResNets. */
class FourStageResNetTest {
    /** Rows (or columns) of a big basis checked for orthonormality: every pair among these, and across bases. */
    private static final int[] SAMPLE = {0, 1, 5, 17, 31};

    private static Variable input(int n, int h, int w, int c, long seed) {
        return Variable.constant(Tensor.of(Numerics.randomFloats(n * h * w * c, seed), n, h, w, c));
    }

    /** One 64×64 image (batch 1, training mode) gives finite logits. */
    private static void assertLogits(FourStageResNet m) {
        Variable y;
        try (NoGrad g = NoGrad.enter()) {
            y = m.forward(input(1, 64, 64, 3, 1));
        }
        assertThat(y.shape().dims()).containsExactly(1, m.numClasses());
        for (float v : y.value().toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    /** A 64×64 image goes 32 (stem conv) → 16 (max pool) → 16, 8, 4, 2 through the stages. */
    private static void assertImagenetFlow(FourStageResNet m, int expansion) {
        assertLogits(m);
        Variable x = input(1, 16, 16, 64, 2);
        int[] sizes = {16, 8, 4, 2}, planes = {64, 128, 256, 512};
        try (NoGrad g = NoGrad.enter()) {
            for (int s = 0; s < 4; s++) {
                x = m.stages().get(s).layer().forward(x);
                assertThat(x.shape().dims()).as("stage %d", s + 1).containsExactly(1, sizes[s], sizes[s], expansion * planes[s]);
            }
        }
    }

    @Test
    void basicBlockNetworksMapA64ImageToLogits() {
        assertImagenetFlow(IlsvrcModels.ResNet18(), 1);
        assertLogits(IlsvrcModels.ResNet34_SingleShared(32, 1));
        assertLogits(IlsvrcModels.ResNet34_DoubleShared(32, 1));
    }

    @Test
    void bottleneckNetworksMapA64ImageToLogits() {
        for (BottleneckSharing s : BottleneckSharing.values()) {
            FourStageResNet m = FourStageResNet.builder().setBottleneckBlocks(s).setNumBlocks(2, 2, 2, 2).optNumClasses(7).build();
            assertThat(m.stateDict().get("fc.weight").shape().dims()).containsExactly(7, 2048);
            if (s == BottleneckSharing.NONE) assertImagenetFlow(m, BottleneckBlock.EXPANSION);
            else assertLogits(m);
        }
    }

    @Test
    void cifarStemKeepsTheResolution() {
        FourStageResNet m = FourStageResNet.builder().setStem(FourStageResNet.Stem.CIFAR).setBasicBlocks(Sharing.NONE).setNumBlocks(1, 1, 1, 1)
                .optNumClasses(100).build();
        assertThat(m.stateDict().get("conv1.weight").shape().dims()).containsExactly(64, 3, 3, 3);
        assertThat(m.forward(input(2, 8, 8, 3, 3)).shape().dims()).containsExactly(2, 100);
    }

    @Test
    void cifar100ResNetsMapA16ImageToLogits() {
        for (FourStageResNet m : new FourStageResNet[] {Cifar100Models.ResNet18(), Cifar100Models.ResNet34_SingleShared(16, 1),
                Cifar100Models.ResNet34_NonShared(1), Cifar100Models.ResNet34_SharedOnly(16)}) {
            Variable y;
            try (NoGrad g = NoGrad.enter()) {
                y = m.forward(input(1, 16, 16, 3, 5));
            }
            assertThat(y.shape().dims()).containsExactly(1, 100);
            for (float v : y.value().toArray()) assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void cifar100SharedOnlyBasisServesBothConvolutionsAndIsOrthogonal() {
        FourStageResNet m = Cifar100Models.ResNet34_SharedOnly(16);
        FourStageResNet.Stage second = m.stages().get(1);
        assertThat(second.sharedLayers()).hasSize(1);
        Tensor basis = second.sharedLayers().get(0).weight().value();
        assertThat(basis.shape().dims()).containsExactly(32, 128, 3, 3);
        assertThat(m.stateDict().get("layer2.3.shared_basis.weight")).isSameAs(basis);
        assertThat(m.stateDict().get("layer2.3.coeff_conv2.weight").shape().dims()).containsExactly(128, 32, 1, 1);
        assertOrthonormal(basis, basis, true, SAMPLE);
    }

    @Test
    void sharedLayersAreUsedByEveryNonFirstBlock() {
        FourStageResNet m = FourStageResNet.builder().setBottleneckBlocks(BottleneckSharing.SHARED_SINGLE).setNumBlocks(2, 2, 5, 2).build();
        FourStageResNet.Stage third = m.stages().get(2);
        assertThat(third.layer().size()).isEqualTo(5);
        for (int i = 1; i < 5; i++) {
            assertThat(m.stateDict().get("layer3." + i + ".shared_basis.weight")).isSameAs(third.sharedLayers().get(0).weight().value());
        }
        assertThat(m.namedParameters()).containsKey("shared_basis_3.weight").doesNotContainKey("layer3.1.shared_basis.weight");
    }

    @Test
    void doubleSharedBasesAreOrthogonalisedJointly() {
        for (FourStageResNet.Stage s : IlsvrcModels.ResNet34_DoubleShared(32, 1).stages()) {
            Tensor a = s.sharedLayers().get(0).weight().value(), b = s.sharedLayers().get(1).weight().value();
            assertOrthonormal(a, a, true, SAMPLE);
            assertOrthonormal(b, b, true, SAMPLE);
            // The joint draw's mark: each basis's filters orthogonal to the other's.
            assertOrthonormal(a, b, false, SAMPLE);
        }
    }

    @Test
    void bottleneckSharedLayersAreOrthogonalOnTheirOwn() {
        FourStageResNet m = FourStageResNet.builder().setBottleneckBlocks(BottleneckSharing.SHARED).setNumBlocks(2, 2, 2, 2).build();
        for (FourStageResNet.Stage s : m.stages()) {
            // The 3×3 layer [p, p·9] has orthonormal rows; the expansion [4p, p] orthonormal columns.
            for (Conv2d c : s.sharedLayers()) assertOrthonormal(c.weight().value(), c.weight().value(), true, SAMPLE);
        }
        // Drawn separately, the two layers of a stage are not jointly orthogonal: their shapes do not even allow it.
        assertThat(m.stages().get(0).sharedLayers().get(1).weight().shape().dims()).containsExactly(256, 64, 1, 1);
    }

    @Test
    void convolutionsAreKaimingNormalFanOutAndNormsAreIdentity() {
        FourStageResNet m = IlsvrcModels.ResNet34_SingleShared(32, 1);
        // std = √2/√fan_out: the 7×7 stem to 64 channels has fan_out 3136, a 1×1 coefficient conv to 256 has 256.
        assertMoments(m.stateDict().get("conv1.weight"), Math.sqrt(2.0 / 3136));
        assertMoments(m.stateDict().get("layer3.1.coeff_conv1.weight"), Math.sqrt(2.0 / 256));
        assertMoments(m.stateDict().get("layer2.0.shortcut.0.weight"), Math.sqrt(2.0 / 128));
        InitAssertions.assertNormsAreIdentity(m);
        double bound = 1 / Math.sqrt(512);
        for (float v : m.stateDict().get("fc.bias").toArray()) assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
    }

    @Test
    void builderRejectsInconsistentOptions() {
        assertThatThrownBy(() -> FourStageResNet.builder().setNumBlocks(2, 2, 2, 2).build()).hasMessageContaining("setBasicBlocks or setBottleneckBlocks");
        assertThatThrownBy(() -> FourStageResNet.builder().setBasicBlocks(Sharing.NONE).setNumBlocks(2, 2, 2).build())
                .hasMessageContaining("numBlocks must give 4 stages");
        assertThatThrownBy(() -> FourStageResNet.builder().setBasicBlocks(Sharing.DOUBLE_SHARED).setNumBlocks(2, 2, 2, 2).optUniqueRank(1).build())
                .hasMessageContaining("needs sharedRank >= 1");
        assertThatThrownBy(() -> FourStageResNet.builder().setBottleneckBlocks(BottleneckSharing.SHARED).setNumBlocks(2, 2, 2, 2).optSharedRank(4).build())
                .hasMessageContaining("has no use for sharedRank");
        assertThatThrownBy(() -> FourStageResNet.builder().setBottleneckBlocks(BottleneckSharing.SHARED).setNumBlocks(2, 1, 2, 2).build())
                .hasMessageContaining("at least 2 blocks");
        assertThatThrownBy(() -> IlsvrcModels.ResNet18().forward(input(1, 8, 8, 1, 4))).hasMessageContaining("[n, h, w, 3]");
        assertThatThrownBy(() -> new BottleneckBlock(256, 64, 1, null, new Conv2d(64, 256, 1, 1, 0, false, Rng.of(0)), Rng.of(0)))
                .hasMessageContaining("a shared conv3 needs a shared conv2");
    }
}
