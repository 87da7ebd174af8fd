package io.github.basis4j.nn.init;

import java.util.Locale;

/**
 * basis4j's one random source: a seedable, splittable generator whose whole state can be saved and
 * restored, so a training run resumed from a checkpoint draws exactly the numbers it would have drawn.
 *
 * <p>Algorithm: SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014), the generator behind {@link java.util.SplittableRandom}, written out here because
 * {@code SplittableRandom} hides its state. The state is a 64-bit position {@code seed} and an odd
 * increment {@code gamma}; each draw adds {@code gamma} and mixes. {@link #split()} draws a new seed and
 * gamma from this stream (the parent advances); {@link #derive(long)} makes a child from the current
 * state and a key without advancing the parent, which is how the data loader gets one independent stream
 * per (epoch, sample) that does not depend on the order in which threads ask for them.
 *
 * <p>Normal deviates use the Box–Muller transform in double precision; the second deviate of each pair is
 * kept for the next call and is part of the saved {@link State}.
 *
 * <p>Not thread-safe: give each thread its own generator ({@link #split()} or {@link #derive(long)}).
 */
public final class Rng {
    /** 2^64 / φ, odd: the default increment and the key multiplier of {@link #derive(long)}. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final float FLOAT_UNIT = 0x1.0p-24f;

    private long seed;
    private final long gamma;
    private boolean hasSpareNormal;
    private double spareNormal;

    private Rng(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /** A generator seeded with {@code seed}; equal seeds give equal streams on every JVM and platform. */
    public static Rng of(long seed) {
        return new Rng(mix64(seed), GOLDEN_GAMMA);
    }

    /** A generator that continues exactly where the one that produced {@code state} stood. */
    public static Rng restore(State state) {
        if ((state.gamma() & 1) == 0) {
            throw new IllegalArgumentException("Rng.restore: gamma must be odd, got " + Long.toHexString(state.gamma()));
        }
        Rng r = new Rng(state.seed(), state.gamma());
        r.hasSpareNormal = state.hasSpareNormal();
        r.spareNormal = state.spareNormal();
        return r;
    }

    /**
     * The complete state of a generator. {@link #toString()} gives a compact text form
     * ({@code rng1:<seed hex>:<gamma hex>:<0|1>:<spare bits hex>}) that {@link #parse(String)} reads back
     * bit for bit, so it fits string-valued checkpoint metadata.
     */
    public record State(long seed, long gamma, boolean hasSpareNormal, double spareNormal) {
        private static final String TAG = "rng1";

        /** Parses the text written by {@link #toString()}; throws naming the text if it is malformed. */
        public static State parse(String text) {
            String[] f = text.split(":", -1);
            if (f.length != 5 || !f[0].equals(TAG) || !(f[3].equals("0") || f[3].equals("1"))) {
                throw new IllegalArgumentException("Rng.State.parse: expected " + TAG
                        + ":<seed hex>:<gamma hex>:<0|1>:<spare hex>, got '" + text + "'");
            }
            try {
                return new State(Long.parseUnsignedLong(f[1], 16), Long.parseUnsignedLong(f[2], 16), f[3].equals("1"),
                        Double.longBitsToDouble(Long.parseUnsignedLong(f[4], 16)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Rng.State.parse: bad hexadecimal field in '" + text + "'", e);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s:%x:%x:%d:%x", TAG, seed, gamma, hasSpareNormal ? 1 : 0,
                    Double.doubleToRawLongBits(spareNormal));
        }
    }

    /** A snapshot of the full state; {@link #restore(State)} continues the stream from here. */
    public State state() {
        return new State(seed, gamma, hasSpareNormal, spareNormal);
    }

    /** An independent generator seeded from this stream (this one advances by two draws). */
    public Rng split() {
        long s = nextLong();
        long g = mixGamma(nextSeed());
        return new Rng(s, g);
    }

    /**
     * An independent generator determined by this generator's current state and {@code key}; this one
     * does not advance. {@code derive(k)} called twice from the same state gives equal streams, different
     * keys give unrelated streams.
     */
    public Rng derive(long key) {
        long k = mix64(key * GOLDEN_GAMMA + gamma);
        return new Rng(mix64(seed ^ k), mixGamma(seed + k));
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        return mix64(nextSeed());
    }

    /** The next 32 uniformly distributed bits. */
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** A uniform integer in {@code [0, bound)}, without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound must be > 0, got " + bound);
        // Lemire's multiply-shift: take the high word of a 32x32 product, reject the few low words that
        // would over-represent some results.
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xffffffffL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xffffffffL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A uniform double in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** A uniform float in {@code [0, 1)} with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * FLOAT_UNIT;
    }

    /** A uniform double in {@code [lo, hi)}. */
    public double uniform(double lo, double hi) {
        if (!(hi >= lo)) throw new IllegalArgumentException("Rng.uniform: need lo <= hi, got lo=" + lo + " hi=" + hi);
        return lo + (hi - lo) * nextDouble();
    }

    /** A standard normal deviate (mean 0, standard deviation 1), Box–Muller in double. */
    public double nextGaussian() {
        if (hasSpareNormal) {
            hasSpareNormal = false;
            return spareNormal;
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        double radius = Math.sqrt(-2.0 * Math.log(u1));
        double angle = 2.0 * Math.PI * u2;
        spareNormal = radius * Math.sin(angle);
        hasSpareNormal = true;
        return radius * Math.cos(angle);
    }

    /** A normal deviate with the given mean and standard deviation (≥ 0). */
    public double normal(double mean, double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("Rng.normal: std must be >= 0, got " + std);
        return mean + std * nextGaussian();
    }

    /** A uniformly random permutation of {@code 0 … n-1} (Fisher–Yates, drawn from the last position down). */
    public int[] permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("Rng.permutation: n must be >= 0, got " + n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private long nextSeed() {
        return seed += gamma;
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser, as SplitMix64 uses it. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** An odd increment with enough bit transitions, as SplittableRandom makes them. */
    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int n = Long.bitCount(z ^ (z >>> 1));
        return (n < 24) ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
