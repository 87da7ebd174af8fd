package io.github.basis4j.fft;

import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Opens the fft module's committed golden fixtures; a missing one fails and says how to regenerate it. */
final class Fixtures {
    static final String REGENERATE = "regenerate with: /usr/bin/python3 tools/fixtures/fft_fixtures.py";

    private Fixtures() {
    }

    static Safetensors.File open(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) throw new AssertionError("fixture fixtures/" + name + " is missing from the test classpath; " + REGENERATE);
        try {
            return Safetensors.read(Path.of(url.toURI()));
        } catch (IOException | URISyntaxException e) {
            throw new AssertionError("cannot read fixture fixtures/" + name + " (" + e.getMessage() + "); " + REGENERATE, e);
        }
    }
}
