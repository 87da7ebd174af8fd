package io.github.basis4j.simd.spi;

/**
 * Dense 3×3, stride-1, undilated, ungrouped convolution forward by Winograd's minimal filtering algorithm
 * F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015), over NHWC maps.
 *
 * <p>Each 2×2 block of outputs ("tile") of each image is computed from the 4×4 input patch under it:
 * {@code Y = Aᵀ·[Σ_ci (G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A}, 16 multiplies per (input, output channel) pair instead of
 * the direct convolution's 36. With
 * <pre>
 *      Bᵀ = | 1  0 −1  0 |     G = | 1    0    0   |     Aᵀ = | 1  1  1  0 |
 *           | 0  1  1  0 |         | ½    ½    ½   |          | 0  1 −1 −1 |
 *           | 0 −1  1  0 |         | ½   −½    ½   |
 *           | 0  1  0 −1 |         | 0    0    1   |
 * </pre>
 * the 16 elements {@code ε = 4·r + s} of the transformed patches {@code V = Bᵀ·d·B} and filters
 * {@code U = G·g·Gᵀ} turn the sum over input channels into 16 independent matrix products
 * {@code M[ε] = V[ε]·U[ε]}, [tiles × c]·[c × oc].
 *
 * <p>Layouts: input {@code x [n, h, w, c]}; output {@code y [n, oh, ow, oc]} with {@code oh = h + 2·pad − 2},
 * {@code ow = w + 2·pad − 2}; transformed weights {@code u [16, c, ocp]}, element {@code (ε, ci, o)} at
 * {@code (ε·c + ci)·ocp + o}, where {@code ocp} ({@link Winograd3x3Geometry#ocPadded()}) is oc rounded up to
 * {@link #OC_ALIGN} and the padding columns hold zeros (output channels innermost: one vector load per row of
 * the product, and no masked load even at the last vector of channels);
 * bias {@code [oc]}; an optional residual of y's shape. Tiles are numbered {@code (b·tilesH + ty)·tilesW + tx};
 * tile {@code (ty, tx)} of image b reads input rows {@code 2·ty − pad … 2·ty − pad + 3} and columns likewise
 * (outside the input: zero) and writes the outputs among rows {@code 2·ty, 2·ty + 1} and columns
 * {@code 2·tx, 2·tx + 1} that lie inside {@code oh × ow} (odd sizes leave half tiles at the right and bottom).
 *
 * <p>Threading: implementations split the tiles into chunks of {@link Winograd3x3Geometry#chunkTiles()}
 * through {@code io.github.basis4j.simd.Parallel}; every output depends on its own tile only, summed in a
 * fixed order, so results are bit-identical for any thread count.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarWinograd} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaWinograd} (Vector API).
 */
public interface WinogradKernels {

    /** Elements of a transformed tile, 4 × 4. */
    int TILE_ELEMENTS = 16;

    /** The transformed weights' rows are padded to a multiple of this: 16 floats, the widest vector (512-bit). */
    int OC_ALIGN = 16;

    /**
     * The sizes of one Winograd 3×3 convolution; validated by the facade, asserted here.
     *
     * @param n   batch size (≥ 0)
     * @param h   input height (≥ 1)
     * @param w   input width (≥ 1)
     * @param c   input channels (≥ 1)
     * @param oc  output channels (≥ 1)
     * @param pad zero rows and columns added on every side (≥ 0, with {@code oh, ow ≥ 1})
     */
    record Winograd3x3Geometry(int n, int h, int w, int c, int oc, int pad) {
        /**
         * Bound on a chunk's transformed inputs and products, {@code 16·tiles·(c + oc)} floats: 128 Ki floats, half
         * of a 1 MiB L2. Implementations need not hold a whole chunk at once (the vector kernel holds one group of
         * tiles); the bound keeps chunks short, so that two threads balance and a chunk's input rows stay cached.
         */
        static final int CHUNK_FLOATS = 128 * 1024;
        /** Tiles per chunk are a multiple of this, the group of tiles the vector kernel transforms at once. */
        static final int TILE_ROWS = 16;
        /** A layer is cut into at least about this many chunks when it has the tiles, so two threads balance. */
        static final int MIN_CHUNKS = 8;

        public Winograd3x3Geometry {
            assert n >= 0 && h >= 1 && w >= 1 && c >= 1 && oc >= 1 && pad >= 0 : "sizes";
            assert h + 2 * pad >= 3 && w + 2 * pad >= 3 : "output size";
        }

        /** Output height, {@code h + 2·pad − 2}. */
        public int oh() {
            return h + 2 * pad - 2;
        }

        /** Output width, {@code w + 2·pad − 2}. */
        public int ow() {
            return w + 2 * pad - 2;
        }

        /** Tile rows per image, {@code ⌈oh / 2⌉}. */
        public int tilesH() {
            return (oh() + 1) / 2;
        }

        /** Tile columns per image, {@code ⌈ow / 2⌉}. */
        public int tilesW() {
            return (ow() + 1) / 2;
        }

        /** Tiles of the whole batch, {@code n·tilesH·tilesW}. */
        public int tiles() {
            return n * tilesH() * tilesW();
        }

        /**
         * Tiles per parallel chunk: a multiple of {@link #TILE_ROWS}, at most what {@link #CHUNK_FLOATS} allows
         * and small enough for about {@link #MIN_CHUNKS} chunks. It depends on the geometry only, never on the
         * thread count.
         */
        public int chunkTiles() {
            int cap = Math.max(TILE_ROWS, CHUNK_FLOATS / (TILE_ELEMENTS * (c + oc)) / TILE_ROWS * TILE_ROWS);
            int even = (tiles() + MIN_CHUNKS - 1) / MIN_CHUNKS;
            even = (even + TILE_ROWS - 1) / TILE_ROWS * TILE_ROWS;
            return Math.max(TILE_ROWS, Math.min(cap, even));
        }

        /** Output channels rounded up to {@link #OC_ALIGN}: the row length of the transformed weights. */
        public int ocPadded() {
            return (oc + OC_ALIGN - 1) / OC_ALIGN * OC_ALIGN;
        }

        /** Number of transformed weights, {@code 16·c·ocp}. */
        public int weightSize() {
            return TILE_ELEMENTS * c * ocPadded();
        }
    }

    /**
     * {@code y[b, p, q, o] = act(bias[o] + Σ_{i, j, ci} x[b, p − pad + i, q − pad + j, ci]·g[o, ci, i, j]
     * + residual[b, p, q, o])}, computed by F(2×2, 3×3) from the transformed weights {@code u = G·g·Gᵀ};
     * {@code act} is ReLU when {@code relu}, else the identity. Overwrites {@code y}; {@code y} must not
     * overlap {@code x} or {@code residual}.
     *
     * @param x        input [n, h, w, c] at {@code xOff}
     * @param u        transformed weights [16, c, ocp] at {@code uOff}
     * @param bias     [oc] at {@code biasOff} (never null: pass zeros for none)
     * @param residual [n, oh, ow, oc] at {@code residualOff}, added before the activation, or {@code null}
     * @param relu     whether to clamp the result at zero
     * @param y        output [n, oh, ow, oc] at {@code yOff}
     */
    void conv3x3Forward(Winograd3x3Geometry g, float[] x, int xOff, float[] u, int uOff, float[] bias, int biasOff,
                        float[] residual, int residualOff, boolean relu, float[] y, int yOff);
}
