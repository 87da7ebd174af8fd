package io.github.basis4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.models.dsfb.CifarResNet;
import io.github.basis4j.models.dsfb.FourStageResNet;
import io.github.basis4j.models.dsfb.Sharing;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
    @Test
    void listsEveryReferenceCifar10ModelInTrainScriptOrder() {
        assertThat(Models.names().stream().filter(n -> n.startsWith("cifar10/"))).containsExactly("cifar10/ResNet20", "cifar10/ResNet32", "cifar10/ResNet44", "cifar10/ResNet56",
                "cifar10/ResNet110", "cifar10/ResNet1202", "cifar10/ResNet56_DoubleShared", "cifar10/ResNet32_DoubleShared",
                "cifar10/ResNet56_SingleShared", "cifar10/ResNet32_SingleShared", "cifar10/ResNet56_SharedOnly",
                "cifar10/ResNet32_SharedOnly", "cifar10/ResNet56_NonShared", "cifar10/ResNet32_NonShared");
        // The reference's models; the small 28x28 members (SmallMetaFormersTest) come after them.
        assertThat(Models.names().stream().filter(n -> n.startsWith("metaformer/") && !n.endsWith("_fmnist"))).containsExactly(
                "metaformer/dfformer_s18", "metaformer/dfformer_s36", "metaformer/dfformer_m36", "metaformer/dfformer_b36",
                "metaformer/gfformer_s18", "metaformer/cdfformer_s18", "metaformer/cdfformer_s36", "metaformer/cdfformer_m36",
                "metaformer/cdfformer_b36", "metaformer/dfformer_s18_gelu", "metaformer/dfformer_s18_relu",
                "metaformer/dfformer_s18_k2", "metaformer/dfformer_s18_d8", "metaformer/dfformer_s18_afno");
    }

    @Test
    void namesAreCaseInsensitiveAndMayBeQualified() {
        for (String name : new String[] {"ResNet32_DoubleShared", "resnet32_doubleshared", "RESNET32_DOUBLESHARED", "cifar10/ResNet32_DoubleShared",
                "CIFAR10/resnet32_DoubleShared", " resnet32_doubleshared "}) {
            Module m = Models.create(name);
            assertThat(m).as(name).isInstanceOf(CifarResNet.class);
            assertThat(((CifarResNet) m).sharing()).isEqualTo(Sharing.DOUBLE_SHARED);
            assertThat(((CifarResNet) m).numBlocks()).containsExactly(5, 5, 5);
        }
        assertThat(ModelRegistry.standard().contains("resnet20")).isTrue();
    }

    @Test
    void unknownNameListsKnownModels() {
        assertThatThrownBy(() -> Models.create("ResNet19")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model 'ResNet19'").hasMessageContaining("cifar10/ResNet20").hasMessageContaining("cifar10/ResNet32_NonShared");
        assertThatThrownBy(() -> Models.create("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("known models: cifar10/ResNet20");
        assertThatThrownBy(() -> Models.create(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsReachTheModel() {
        ModelOptions o = ModelOptions.builder().optInChannels(1).optNumClasses(100).optSharedRank(8).optUniqueRank(2).build();
        CifarResNet m = (CifarResNet) Models.create("resnet56_singleshared", o);
        assertThat(m.stateDict().get("conv1.weight").shape().dims()).containsExactly(16, 1, 3, 3);
        assertThat(m.stateDict().get("fc.weight").shape().dims()).containsExactly(100, 64);
        assertThat(m.stateDict().get("shared_basis_3.weight").shape().dims()).containsExactly(32, 64, 3, 3);
        assertThat(m.stateDict().get("layer3.1.basis_conv2.weight").shape().dims()).containsExactly(8, 64, 3, 3);
        assertThat(m.stateDict().get("layer3.1.coeff_conv2.weight").shape().dims()).containsExactly(64, 40, 1, 1);
    }

    @Test
    void ranksAConstructorDoesNotTakeAreRejected() {
        ModelOptions shared = ModelOptions.builder().optSharedRank(8).build();
        ModelOptions unique = ModelOptions.builder().optUniqueRank(2).build();
        assertThatThrownBy(() -> Models.create("ResNet20", shared)).hasMessageContaining("ResNet20 takes no sharedRank");
        assertThatThrownBy(() -> Models.create("ResNet32_NonShared", shared)).hasMessageContaining("takes no sharedRank");
        assertThatThrownBy(() -> Models.create("ResNet32_SharedOnly", unique)).hasMessageContaining("takes no uniqueRank");
        assertThatThrownBy(() -> ModelOptions.builder().optSharedRank(0)).hasMessageContaining("sharedRank must be >= 1");
    }

    @Test
    void cifar100AndIlsvrcNamesNeedTheirFamily() {
        assertThat(Models.names().stream().filter(n -> n.startsWith("cifar100/"))).containsExactly("cifar100/ResNet18", "cifar100/ResNet34",
                "cifar100/ResNet34_SingleShared", "cifar100/ResNet34_NonShared", "cifar100/ResNet34_SharedOnly", "cifar100/DenseNet121",
                "cifar100/DenseNet121_SingleShared", "cifar100/ResNext50", "cifar100/ResNext50_SingleShared", "cifar100/MobileNetV2",
                "cifar100/MobileNetV2_Shared", "cifar100/MobileNetV2_SharedDouble", "cifar100/DenseNet169", "cifar100/DenseNet201",
                "cifar100/DenseNet161", "cifar100/ResNext50_32x4d", "cifar100/ResNext50_32x4d_SingleShared", "cifar100/ResNext101_32x8d");
        assertThatThrownBy(() -> Models.create("ResNet18")).hasMessageContaining("ambiguous").hasMessageContaining("cifar100/ResNet18")
                .hasMessageContaining("ilsvrc/ResNet18");
        FourStageResNet m = (FourStageResNet) Models.create("cifar100/resnet34_sharedonly");
        assertThat(m.sharing()).isEqualTo(Sharing.SHARED_ONLY_SINGLE);
        assertThat(m.stateDict().get("conv1.weight").shape().dims()).containsExactly(64, 3, 3, 3);
        assertThatThrownBy(() -> Models.create("cifar100/ResNet34_SharedOnly", ModelOptions.builder().optUniqueRank(2).build()))
                .hasMessageContaining("ResNet34_SharedOnly takes no uniqueRank");
    }

    @Test
    void listsEveryIlsvrcModelAfterTheCifar10Ones() {
        assertThat(Models.names().stream().filter(n -> n.startsWith("ilsvrc/"))).containsExactly("ilsvrc/ResNet18", "ilsvrc/ResNet34",
                "ilsvrc/ResNet34_DoubleShared", "ilsvrc/ResNet34_SingleShared", "ilsvrc/ResNet50", "ilsvrc/ResNet50_Shared",
                "ilsvrc/ResNet50_SharedSingle", "ilsvrc/ResNet101", "ilsvrc/ResNet101_Shared", "ilsvrc/ResNet101_SharedSingle",
                "ilsvrc/MobileNetV2", "ilsvrc/MobileNetV2_Shared", "ilsvrc/MobileNetV2_SharedDouble");
        FourStageResNet m = (FourStageResNet) Models.create("ilsvrc/resnet34_doubleshared", ModelOptions.builder().optSharedRank(8).build());
        assertThat(m.sharing()).isEqualTo(Sharing.DOUBLE_SHARED);
        assertThat(m.stateDict().get("shared_basis_4_2.weight").shape().dims()).containsExactly(64, 512, 3, 3);
        assertThatThrownBy(() -> Models.create("ResNet50_Shared", ModelOptions.builder().optUniqueRank(2).build()))
                .hasMessageContaining("ResNet50_Shared takes no uniqueRank");
    }

    @Test
    void duplicateAndAmbiguousNamesAreErrors() {
        ModelRegistry r = new ModelRegistry();
        r.register("a", "Net", "first", o -> new Sequential());
        assertThatThrownBy(() -> r.register("A", "NET", "again", o -> new Sequential())).hasMessageContaining("already registered");
        r.register("b", "net", "second", o -> new Sequential());
        assertThatThrownBy(() -> r.get("Net")).hasMessageContaining("ambiguous").hasMessageContaining("a/Net").hasMessageContaining("b/net");
        assertThat(r.get("B/NET").description()).isEqualTo("second");
        assertThat(r.contains("net")).isFalse();
        assertThat(r.contains("a/net")).isTrue();
        assertThatThrownBy(() -> r.register("a", "x/y", "", o -> new Sequential())).hasMessageContaining("without '/'");
    }
}
