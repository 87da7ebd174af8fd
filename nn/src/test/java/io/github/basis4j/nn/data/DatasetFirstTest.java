package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetFirstTest {
    private static final Dataset FIVE = new Dataset() {
        @Override public int size() { return 5; }
        @Override public Image image(int i) { return new Image(1, 1, 1, new float[] {i / 10f}); }
        @Override public int label(int i) { return 4 - i; }
        @Override public List<String> classNames() { return List.of("a", "b", "c", "d", "e"); }
    };

    @Test
    void firstIsALeadingViewWithTheSameSamples() {
        Dataset three = FIVE.first(3);
        assertThat(three.size()).isEqualTo(3);
        assertThat(three.label(2)).isEqualTo(2);
        assertThat(three.image(1).data()).containsExactly(0.1f);
        assertThat(three.classNames()).isEqualTo(FIVE.classNames());
        assertThat(FIVE.first(0).size()).isZero();
    }

    @Test
    void outOfRangeCountsAreNamed() {
        assertThatThrownBy(() -> FIVE.first(6)).hasMessageContaining("Dataset.first: n must be in [0, 5], got 6");
        assertThatThrownBy(() -> FIVE.first(-1)).hasMessageContaining("got -1");
    }
}
