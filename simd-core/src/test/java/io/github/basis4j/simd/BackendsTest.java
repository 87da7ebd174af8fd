package io.github.basis4j.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.spi.Backends;
import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void currentBackendFollowsThePropertyOrTheModule() {
        String forced = System.getProperty(Backends.PROPERTY);
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String expected = forced != null ? forced : (vectorModule ? "vector" : "scalar");
        assertThat(Backends.current().name()).isEqualTo(expected);
        assertThat(Backends.scalar().name()).isEqualTo("scalar");
    }

    @Test
    void unknownBackendNameIsRejectedNamingTheKnownOnes() {
        assertThatThrownBy(() -> Backends.byName("cuda"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cuda'").hasMessageContaining("scalar").hasMessageContaining("vector");
    }
}
