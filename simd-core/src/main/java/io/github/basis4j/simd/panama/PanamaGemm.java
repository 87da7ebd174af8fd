package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.GemmKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link GemmKernels}: {@code C = alpha · op(A) · op(B) + beta · C} on row-major arrays, with
 * packed panels, cache blocking and a register-blocked FMA micro-kernel. Its scalar twin and test
 * oracle is {@code ScalarGemm}; both have the same BLAS semantics.
 *
 * <h2>Blocking</h2>
 * C is cut into tiles of at most {@link #TILE_M} × {@link #TILE_N} elements, one {@link Parallel} chunk
 * each; a product with few rows gets narrower tiles, so that there are {@link #MIN_TILES} of them to
 * share. A thread computes its tile block by block along k ({@link #KC} deep at most):
 * <pre>
 * for each k-block pc (in ascending order):
 *     pack op(B)[pc : pc+kc, tile columns] into NR-wide panels     (the B block, ≤ 512 KiB, L2)
 *     for each B panel (kc × NR, ≤ 32 KiB, stays in the 48 KiB L1 while …)
 *         for each MR rows of the tile (op(A)[MR rows, pc : pc+kc], read in place, L2)
 *             micro-kernel: C[MR × NR] (+)= alpha · op(A) rows · B panel
 * </pre>
 * The B packing absorbs op(B)'s transpose; op(A) is addressed through a row and a depth stride, so one
 * micro-kernel serves all four combinations. When C has more than one row of tiles, every row would pack
 * the same B blocks, so op(B) is instead packed once per call, in parallel, into a buffer the tiles share
 * (up to {@link #SHARED_B_MAX_FLOATS}).
 *
 * <h2>Why A is not packed</h2>
 * The kernel broadcasts one A element per row and depth, so it never needs A's rows side by side in a
 * vector; packing A into MR-interleaved panels only bought contiguity, and cost a transpose (for
 * op(A) = A) once per tile column. Reading op(A) in place — eight row streams for A, eight consecutive
 * floats per depth for Aᵀ — measured faster on every shape: 1024³ by 5-10 %, 256³ by 6 %,
 * M=3136 N=64 K=576 by 35-70 % and M=576 N=64 K=3136 (Aᵀ) by 45 % (T=1, shared machine).
 *
 * <h2>Packed B layout</h2>
 * B panel {@code jp} (columns {@code jp..jp+w}) holds (depth {@code p}, column {@code jp+j}) at
 * {@code bp[jp·kc + p·w + j]} with width {@code w = NR}, except that a last panel of at most {@link #L}
 * live columns is packed narrow, {@code w = L}; columns past n are zero. One k step of the
 * micro-kernel thus reads w consecutive floats of B.
 *
 * <h2>Micro-kernel tile</h2>
 * {@link #MR} = 8 rows × {@link #NR} = 2 vectors (32 columns at 512 bits, 16 at 256, 8 at 128). Each k
 * step loads 2 B vectors, broadcasts 8 A values and issues 16 FMAs into 16 named accumulators. Why
 * this tile: 16 independent accumulators cover the FMA latency (4 cycles × 2 FMA pipes needs ≥ 8);
 * 16 + 2 + 1 vector registers leave room in AVX-512's 32 so the JIT does not spill; 1.6 FMAs per
 * load keep the two load ports from limiting; and NR = 32 divides the conv-shaped n = 64 exactly. A
 * 12 × 2-vector tile (24 accumulators) and a kernel loop unrolled by hand were tried and measured no
 * faster, so the smaller tile stays. A narrower n (the conv shapes with n = 16, one 512-bit vector)
 * takes an 8 × 1-vector edge kernel instead of wasting half of every FMA on zero padding.
 *
 * <h2>Edges, alpha, beta</h2>
 * m, n and k are never assumed to be multiples of anything: partial B panels are zero-padded when
 * packed, rows of A past the tile's last repeat a live row, and each accumulator tile is
 * written to C by {@code storeTile} through a row bound and lane masks. alpha and beta are applied in
 * that store: the first k-block writes {@code alpha·acc + beta·C} (just {@code alpha·acc} when beta is
 * 0, so C is never read and NaNs in it do not propagate) and later blocks add {@code alpha·acc}.
 *
 * <h2>One row or one column</h2>
 * When m = 1 or n = 1 the product is a vector × matrix product and goes to {@link PanamaGemv}, which
 * streams the matrix once instead of computing an 8-row tile with one live row.
 *
 * <h2>Threading and determinism</h2>
 * Tiles partition C, so chunks write disjoint outputs. Every element of C is summed over k in the same
 * order whatever the tile sizes or the thread count — k-blocks of a size that depends on k alone, each
 * summed in ascending order in one register lane — so 1 and N threads give identical bits.
 *
 * <p>A product with fewer than {@link #SPLIT_BELOW_TILES} C tiles and a deep k (a weight gradient, e.g.
 * [144, 16] summed over 131072 pixels) would leave all but one thread idle, so it is also cut along k
 * into depth chunks of at least {@link #K_CHUNK} ({@link #splitDepth}). The chunks are fixed by m, n and
 * k, each writes its own partial product, and the partials are added in chunk order, so the split keeps
 * the bits independent of the thread count too.
 */
public final class PanamaGemm implements GemmKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    /** Lanes per vector. */
    private static final int L = F.length();
    /** Rows of the micro-kernel tile (see the class comment). */
    static final int MR = 8;
    /** Columns of the micro-kernel tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Deepest k-block. A B panel of KC × NR floats is 32 KiB at 512 bits, which leaves the rest of
     * the 48 KiB L1 for the A rows streaming past it.
     */
    static final int KC = 256;
    /** Most rows of a C tile: a TILE_M × KC A block is 192 KiB, well inside the 1 MiB L2. */
    static final int TILE_M = 192;
    /** Most columns of a C tile: a KC × TILE_N B block is 512 KiB, so A and B blocks share the L2. */
    static final int TILE_N = 512;
    /**
     * C tiles a product is cut into at least where its columns allow ({@link #columnTile}): enough for a
     * few threads to share evenly.
     */
    static final int MIN_TILES = 8;
    /**
     * Largest op(B), in packed floats, that is packed once per call and shared by all tiles (16 MiB), which
     * bounds the calling thread's buffer; beyond it each tile packs its own blocks as before.
     */
    static final long SHARED_B_MAX_FLOATS = 4L << 20;
    /** Packed floats per parallel chunk of {@link #packShared}. */
    private static final int PACK_CHUNK_FLOATS = 32 * 1024;
    /**
     * Products with fewer C tiles than this split k ({@link #splitDepth}) so that their work spreads
     * over more than a tile's worth of parallel chunks.
     */
    static final int SPLIT_BELOW_TILES = 4;
    /**
     * Shallowest depth chunk of a k-split: four k-blocks, so writing and re-reading the m × n partial of
     * a chunk costs well under 1 % of its 1024 · m · n multiply-adds.
     */
    static final int K_CHUNK = 4 * KC;
    /** Most depth chunks of a k-split: 16 parallel chunks per tile balance any thread count up to 16. */
    static final int MAX_DEPTH_CHUNKS = 16;
    /** Most floats of partial products a k-split keeps (4 MiB); larger m · n takes fewer chunks. */
    static final long PARTIALS_BUDGET = 1 << 20;

    /** Creates the kernels; they hold no state (panels live in per-thread workspaces). */
    public PanamaGemm() {
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        assert m >= 0 && n >= 0 && k >= 0 : "negative size";
        assert ldc >= n && lda >= (transA ? m : k) && ldb >= (transB ? k : n) : "leading dimension too small";
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        // A single row or column of C is a vector × matrix product: nothing to tile, nothing worth packing.
        if (m == 1) {
            PanamaGemv.gemv(transB, n, k, alpha, a, aOff, transA ? lda : 1, b, bOff, ldb, beta, c, cOff, 1);
            return;
        }
        if (n == 1) {
            // Cᵀ = op(B)ᵀ · op(A)ᵀ: x is op(B)'s column, and M(p, i) = op(A)[i, p] is A as stored.
            PanamaGemv.gemv(!transA, m, k, alpha, b, bOff, transB ? 1 : ldb, a, aOff, lda, beta, c, cOff, ldc);
            return;
        }
        int tileM = balancedTile(m, TILE_M, MR), tilesM = ceilDiv(m, tileM);
        int tileN = columnTile(n, tilesM), tilesN = ceilDiv(n, tileN);
        int depthChunks = depthChunks(m, n, k, tilesM * tilesN);
        if (depthChunks > 1) {
            splitDepth(transA, transB, m, n, k, depthChunks, tileM, tileN, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc);
            return;
        }
        // Depth blocks depend on k alone (never on tiles or threads): that fixes each element's summation order.
        int kc = ceilDiv(k, ceilDiv(k, KC));
        // With several rows of tiles every row would pack the same B blocks again (a Linear's transposed
        // weight at 196 rows: twice per call, scalar transposes costing about a third of the product), so
        // op(B) is packed once, in parallel, and shared. One row of tiles packs each block once anyway, and
        // there packing inside the tile keeps the block in the cache of the thread that uses it.
        int nPad = roundUp(n, NR);
        float[] shared = tilesM > 1 && (long) k * nPad <= SHARED_B_MAX_FLOATS ? packShared(transB, k, n, kc, b, bOff, ldb) : null;
        Parallel.forChunks(tilesM * tilesN, 1, (chunk, from, to) -> {
            for (int t = from; t < to; t++) {
                int i0 = (t / tilesN) * tileM, j0 = (t % tilesN) * tileN;
                tile(transA, transB, Math.min(tileM, m - i0), Math.min(tileN, n - j0), k, kc, alpha,
                        a, transA ? aOff + i0 : aOff + i0 * lda, lda,
                        b, transB ? bOff + j0 * ldb : bOff + j0, ldb, shared, nPad, j0,
                        beta, c, cOff + i0 * ldc + j0, ldc);
            }
        });
    }

    /**
     * Columns per C tile: balanced tiles of at most {@link #TILE_N}, made narrower (down to one NR panel)
     * until the {@code tilesM} rows of tiles hold {@link #MIN_TILES} tiles, so that products with few rows
     * (a Linear over the 49 or 196 tokens of a late stage at batch 1) still spread over the threads.
     * Always a multiple of NR, so tiles cut B at panel boundaries. Depends on m and n only.
     */
    static int columnTile(int n, int tilesM) {
        int tileN = balancedTile(n, TILE_N, NR);
        int wanted = ceilDiv(MIN_TILES, tilesM);
        if (ceilDiv(n, tileN) >= wanted) return tileN;
        return Math.max(NR, roundUp(ceilDiv(n, wanted), NR));
    }

    /**
     * Packs all of op(B) ([k, n] at {@code b[bOff]}) into this thread's shared buffer, k-block by k-block
     * ({@code kc} deep, the last possibly shallower): the block at depth {@code pc} starts at
     * {@code pc·nPad}, and within it the panel of columns {@code j..} at {@code j·kcq} (kcq the block's depth),
     * in {@link #packPanel}'s layout. Panels are packed in parallel; each writes its own floats.
     */
    private static float[] packShared(boolean transB, int k, int n, int kc, float[] b, int bOff, int ldb) {
        int nPad = roundUp(n, NR), panels = ceilDiv(n, NR), blocks = ceilDiv(k, kc);
        float[] bp = GemmWorkspace.get().sharedB(k * nPad);
        int colStride = transB ? ldb : 1, depthStride = transB ? 1 : ldb;
        int grain = Math.max(1, PACK_CHUNK_FLOATS / (kc * NR));
        Parallel.forRange(blocks * panels, grain, (from, to) -> {
            for (int item = from; item < to; item++) {
                int pc = (item / panels) * kc, jg = (item % panels) * NR;
                int kcq = Math.min(kc, k - pc), nr = Math.min(NR, n - jg);
                packPanel(b, bOff + jg * colStride + pc * depthStride, colStride, depthStride, kcq, nr, panelWidth(nr),
                        bp, pc * nPad + jg * kcq);
            }
        });
        return bp;
    }

    /**
     * Into how many depth chunks {@link #splitDepth} cuts a product with {@code tiles} C tiles: 1 (no
     * split) unless there are fewer than {@link #SPLIT_BELOW_TILES} tiles and k is at least two
     * {@link #K_CHUNK}s deep. A function of m, n and k only, never of the thread count.
     */
    static int depthChunks(int m, int n, int k, int tiles) {
        if (tiles >= SPLIT_BELOW_TILES) return 1;
        long byDepth = Math.min(k / K_CHUNK, MAX_DEPTH_CHUNKS);
        long byMemory = PARTIALS_BUDGET / ((long) m * n);
        return (int) Math.max(1, Math.min(byDepth, byMemory));
    }

    /**
     * A product with few C tiles and a deep k (the weight gradients: [oc, ic·kh·kw] summed over
     * n·h·w pixels) would give one thread all the work. It is instead cut into {@code chunks} depth
     * ranges of equal size; every (depth chunk, C tile) pair is one {@link Parallel} chunk that writes its
     * own slice of a partial product {@code P_q = op(A)[:, range q] · op(B)[range q, :]}, and then
     * {@code C = alpha·(((P_0 + P_1) + P_2) + …) + beta·C}, added in chunk order. The ranges follow from
     * m, n and k alone, so 1 and N threads give identical bits.
     */
    private static void splitDepth(boolean transA, boolean transB, int m, int n, int k, int chunks, int tileM,
                                   int tileN, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        int depth = ceilDiv(k, chunks), depthChunks = ceilDiv(k, depth);
        int tilesM = ceilDiv(m, tileM), tilesN = ceilDiv(n, tileN), tiles = tilesM * tilesN, mn = m * n;
        // Taken on the calling thread: the workers write disjoint slices, and the join publishes them.
        float[] partials = GemmWorkspace.get().partials(depthChunks * mn);
        Parallel.forChunks(depthChunks * tiles, 1, (chunk, from, to) -> {
            for (int u = from; u < to; u++) {
                int q = u / tiles, t = u % tiles;
                int p0 = q * depth, kq = Math.min(depth, k - p0), kc = ceilDiv(kq, ceilDiv(kq, KC));
                int i0 = (t / tilesN) * tileM, j0 = (t % tilesN) * tileN;
                tile(transA, transB, Math.min(tileM, m - i0), Math.min(tileN, n - j0), kq, kc, 1f,
                        a, transA ? aOff + p0 * lda + i0 : aOff + i0 * lda + p0, lda,
                        b, transB ? bOff + j0 * ldb + p0 : bOff + p0 * ldb + j0, ldb, null, 0, 0,
                        0f, partials, q * mn + i0 * n + j0, n);
            }
        });
        FloatVector alphaV = FloatVector.broadcast(F, alpha), betaV = FloatVector.broadcast(F, beta);
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> live = F.indexInRange(j, n);
                int idx = i * n + j;
                FloatVector sum = FloatVector.fromArray(F, partials, idx, live);
                for (int q = 1; q < depthChunks; q++) sum = sum.add(FloatVector.fromArray(F, partials, q * mn + idx, live));
                sum = sum.mul(alphaV);
                if (beta != 0f) sum = FloatVector.fromArray(F, c, row + j, live).fma(betaV, sum);
                sum.intoArray(c, row + j, live);
            }
        }
    }

    @Override
    public void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int lda, int strideA,
                                    float[] b, int bOff, int ldb, int strideB,
                                    float beta, float[] c, int cOff, int ldc, int strideC, int batch) {
        // Products too small to split into tiles run one per chunk; bigger ones split themselves. Either
        // way each product's bits are those of a lone sgemm, so the choice cannot change results.
        boolean oneTile = m <= TILE_M && n <= TILE_N;
        boolean disjointC = Math.abs((long) strideC) >= (long) (m - 1) * ldc + n;
        if (batch > 1 && oneTile && disjointC) {
            Parallel.forChunks(batch, 1, (chunk, from, to) -> {
                for (int i = from; i < to; i++) {
                    sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                            beta, c, cOff + i * strideC, ldc);
                }
            });
        } else {
            for (int i = 0; i < batch; i++) {
                sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                        beta, c, cOff + i * strideC, ldc);
            }
        }
    }

    /**
     * One C tile of [mt, nt] at {@code c[cOff]}, over all of k. {@code aOff} and {@code bOff} already point
     * at the tile's first row of op(A) and first column of op(B). With a non-null {@code shared} (from
     * {@link #packShared}, {@code nPad} columns wide) the tile's B panels are read from there, starting at
     * column {@code j0}, instead of being packed here.
     */
    private static void tile(boolean transA, boolean transB, int mt, int nt, int k, int kcMax, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] shared, int nPad,
                             int j0, float beta, float[] c, int cOff, int ldc) {
        GemmWorkspace ws = GemmWorkspace.get();
        float[] bp = shared != null ? shared : ws.bPanels(roundUp(nt, NR) * kcMax);
        float[] acc = ws.accumulators(MR * NR);
        // op(A) is read where it lies (see "Why A is not packed" in the class comment): row r, depth p of
        // the tile is a[aOff + r·rowStride + p·depthStride].
        int rowStride = transA ? 1 : lda, depthStride = transA ? lda : 1;
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            float blockBeta = pc == 0 ? beta : 1f;
            int bBase = 0;
            if (shared == null) {
                packB(transB, b, transB ? bOff + pc : bOff + pc * ldb, ldb, kc, nt, bp);
            } else {
                bBase = pc * nPad + j0 * kc;
            }
            for (int jp = 0; jp < nt; jp += NR) {
                int nr = Math.min(NR, nt - jp);
                for (int ip = 0; ip < mt; ip += MR) {
                    int mr = Math.min(MR, mt - ip);
                    int aIdx = aOff + ip * rowStride + pc * depthStride;
                    int cIdx = cOff + ip * ldc + jp;
                    if (nr > L) {
                        kernel(kc, a, aIdx, rowStride, depthStride, bp, bBase + jp * kc, acc, mr, nr, alpha, blockBeta,
                                c, cIdx, ldc);
                    } else {
                        narrowKernel(kc, a, aIdx, rowStride, depthStride, bp, bBase + jp * kc, acc, mr, nr, alpha,
                                blockBeta, c, cIdx, ldc);
                    }
                }
            }
        }
    }

    /** Width a B panel of {@code nr} live columns is packed at: NR, or L when one vector holds it. */
    private static int panelWidth(int nr) {
        return nr > L ? NR : L;
    }

    /**
     * Packs op(B), [kc, nt] at {@code b[bOff]}, into B panels (NR wide, a last one of ≤ L live columns
     * L wide; see the class comment for the layout).
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int kc, int nt, float[] bp) {
        // Column j, depth p of op(B) lies at b[bOff + j·colStride + p·depthStride].
        int colStride = transB ? ldb : 1, depthStride = transB ? 1 : ldb;
        for (int jp = 0; jp < nt; jp += NR) {
            int nr = Math.min(NR, nt - jp);
            packPanel(b, bOff + jp * colStride, colStride, depthStride, kc, nr, panelWidth(nr), bp, jp * kc);
        }
    }

    /**
     * Packs one B panel: {@code live} columns by kc depths, element (column j, depth p) at
     * {@code src[srcIdx + j·colStride + p·depthStride]}, to {@code dst[dstIdx + p·w + j]}, with columns
     * {@code live..w} zero; w (NR or L) is a multiple of L.
     *
     * <p>When the columns are contiguous in the source (op(B) = B) each depth is a vector copy, masked on
     * a partial panel. Otherwise (op(B) = Bᵀ) the panel is a transpose: it walks each source column
     * along its contiguous depths and writes with a stride of w floats, which stays inside the panel's
     * L1 lines. Gathering a vector per depth instead was measured slower here (a gather costs about as
     * much as the scalar loads it replaces, and the scattered stores it saves were not the bottleneck).
     */
    private static void packPanel(float[] src, int srcIdx, int colStride, int depthStride, int kc, int live, int w,
                                  float[] dst, int dstIdx) {
        if (colStride == 1) {
            for (int p = 0; p < kc; p++) {
                int s = srcIdx + p * depthStride, d = dstIdx + p * w;
                for (int j = 0; j < w; j += L) {
                    // Masked-off lanes load as zero, which is the padding past the live columns.
                    FloatVector v = live - j >= L ? FloatVector.fromArray(F, src, s + j)
                            : FloatVector.fromArray(F, src, s + j, F.indexInRange(j, live));
                    v.intoArray(dst, d + j);
                }
            }
            return;
        }
        // Each width is passed as a literal so that, once the small helper is inlined, C2 sees a constant
        // store stride and drops the per-element range checks (it eliminates them for constant scales
        // only); a variable stride here cost the transposed shapes 10-15 %.
        assert depthStride == 1 : "a panel's columns or its depths must be contiguous";
        int p0 = 0;
        if (live == w) {
            // Whole L × L blocks by register transposes, L columns (one vector of the panel) at a time.
            for (; p0 + L <= kc; p0 += L) {
                for (int j = 0; j < w; j += L) transposeBlock(src, srcIdx + j * colStride + p0, colStride, dst, dstIdx + p0 * w + j, w);
            }
            if (p0 == kc) return;
        }
        for (int j = 0; j < w; j++) {
            int s = j < live ? srcIdx + j * colStride + p0 : -1, d = dstIdx + p0 * w + j;
            if (w == NR) transposeColumn(src, s, kc - p0, dst, d, NR);
            else transposeColumn(src, s, kc - p0, dst, d, L);
        }
    }

    /**
     * Index vectors of the register transpose ({@link #transposeBlock}), one pair per stage: stage s swaps the
     * off-diagonal h × h blocks, h = L/2^(s+1), of every 2h × 2h block. For a pair of rows (i, i + h),
     * {@code LOW[s]} picks row i's new lanes and {@code HIGH[s]} row i + h's from the two rows
     * ({@link FloatVector#selectFrom(jdk.incubator.vector.Vector, jdk.incubator.vector.Vector)}: an index below L
     * takes the first row's lane, L + l the second row's lane l).
     */
    private static final FloatVector[] LOW = new FloatVector[Integer.numberOfTrailingZeros(L)];
    private static final FloatVector[] HIGH = new FloatVector[LOW.length];

    static {
        for (int st = 0, h = L / 2; h >= 1; st++, h /= 2) {
            float[] lo = new float[L], hi = new float[L];
            for (int l = 0; l < L; l++) {
                boolean first = (l & h) == 0;
                lo[l] = first ? l : L + l - h;
                hi[l] = first ? l + h : L + l;
            }
            LOW[st] = FloatVector.fromArray(F, lo, 0);
            HIGH[st] = FloatVector.fromArray(F, hi, 0);
        }
    }

    /**
     * Writes the L × L block of columns {@code src[s + j·ld + p]} (column j, depth p &lt; L) as rows
     * {@code dst[d + p·w + j]}: L vector loads, log2(L) rounds of two-vector lane selections (one
     * {@code vpermt2ps} each on AVX-512) and L vector stores, against 2·L² scalar moves in
     * {@link #transposeColumn}. One variant per vector length, each with named registers, since an
     * array of vectors would not stay in registers.
     */
    private static void transposeBlock(float[] src, int s, int ld, float[] dst, int d, int w) {
        switch (L) {
            case 16 -> transpose16(src, s, ld, dst, d, w);
            case 8 -> transpose8(src, s, ld, dst, d, w);
            case 4 -> transpose4(src, s, ld, dst, d, w);
            default -> {
                for (int j = 0; j < L; j++) {
                    for (int p = 0; p < L; p++) dst[d + p * w + j] = src[s + j * ld + p];
                }
            }
        }
    }

    /** {@link #transposeBlock} for 16 lanes. */
    private static void transpose16(float[] src, int s, int ld, float[] dst, int d, int w) {
        FloatVector x0 = FloatVector.fromArray(F, src, s);
        FloatVector x1 = FloatVector.fromArray(F, src, s + 1 * ld);
        FloatVector x2 = FloatVector.fromArray(F, src, s + 2 * ld);
        FloatVector x3 = FloatVector.fromArray(F, src, s + 3 * ld);
        FloatVector x4 = FloatVector.fromArray(F, src, s + 4 * ld);
        FloatVector x5 = FloatVector.fromArray(F, src, s + 5 * ld);
        FloatVector x6 = FloatVector.fromArray(F, src, s + 6 * ld);
        FloatVector x7 = FloatVector.fromArray(F, src, s + 7 * ld);
        FloatVector x8 = FloatVector.fromArray(F, src, s + 8 * ld);
        FloatVector x9 = FloatVector.fromArray(F, src, s + 9 * ld);
        FloatVector x10 = FloatVector.fromArray(F, src, s + 10 * ld);
        FloatVector x11 = FloatVector.fromArray(F, src, s + 11 * ld);
        FloatVector x12 = FloatVector.fromArray(F, src, s + 12 * ld);
        FloatVector x13 = FloatVector.fromArray(F, src, s + 13 * ld);
        FloatVector x14 = FloatVector.fromArray(F, src, s + 14 * ld);
        FloatVector x15 = FloatVector.fromArray(F, src, s + 15 * ld);
        FloatVector a00 = LOW[0].selectFrom(x0, x8);
        x8 = HIGH[0].selectFrom(x0, x8);
        x0 = a00;
        FloatVector a01 = LOW[0].selectFrom(x1, x9);
        x9 = HIGH[0].selectFrom(x1, x9);
        x1 = a01;
        FloatVector a02 = LOW[0].selectFrom(x2, x10);
        x10 = HIGH[0].selectFrom(x2, x10);
        x2 = a02;
        FloatVector a03 = LOW[0].selectFrom(x3, x11);
        x11 = HIGH[0].selectFrom(x3, x11);
        x3 = a03;
        FloatVector a04 = LOW[0].selectFrom(x4, x12);
        x12 = HIGH[0].selectFrom(x4, x12);
        x4 = a04;
        FloatVector a05 = LOW[0].selectFrom(x5, x13);
        x13 = HIGH[0].selectFrom(x5, x13);
        x5 = a05;
        FloatVector a06 = LOW[0].selectFrom(x6, x14);
        x14 = HIGH[0].selectFrom(x6, x14);
        x6 = a06;
        FloatVector a07 = LOW[0].selectFrom(x7, x15);
        x15 = HIGH[0].selectFrom(x7, x15);
        x7 = a07;
        FloatVector a10 = LOW[1].selectFrom(x0, x4);
        x4 = HIGH[1].selectFrom(x0, x4);
        x0 = a10;
        FloatVector a11 = LOW[1].selectFrom(x1, x5);
        x5 = HIGH[1].selectFrom(x1, x5);
        x1 = a11;
        FloatVector a12 = LOW[1].selectFrom(x2, x6);
        x6 = HIGH[1].selectFrom(x2, x6);
        x2 = a12;
        FloatVector a13 = LOW[1].selectFrom(x3, x7);
        x7 = HIGH[1].selectFrom(x3, x7);
        x3 = a13;
        FloatVector a18 = LOW[1].selectFrom(x8, x12);
        x12 = HIGH[1].selectFrom(x8, x12);
        x8 = a18;
        FloatVector a19 = LOW[1].selectFrom(x9, x13);
        x13 = HIGH[1].selectFrom(x9, x13);
        x9 = a19;
        FloatVector a110 = LOW[1].selectFrom(x10, x14);
        x14 = HIGH[1].selectFrom(x10, x14);
        x10 = a110;
        FloatVector a111 = LOW[1].selectFrom(x11, x15);
        x15 = HIGH[1].selectFrom(x11, x15);
        x11 = a111;
        FloatVector a20 = LOW[2].selectFrom(x0, x2);
        x2 = HIGH[2].selectFrom(x0, x2);
        x0 = a20;
        FloatVector a21 = LOW[2].selectFrom(x1, x3);
        x3 = HIGH[2].selectFrom(x1, x3);
        x1 = a21;
        FloatVector a24 = LOW[2].selectFrom(x4, x6);
        x6 = HIGH[2].selectFrom(x4, x6);
        x4 = a24;
        FloatVector a25 = LOW[2].selectFrom(x5, x7);
        x7 = HIGH[2].selectFrom(x5, x7);
        x5 = a25;
        FloatVector a28 = LOW[2].selectFrom(x8, x10);
        x10 = HIGH[2].selectFrom(x8, x10);
        x8 = a28;
        FloatVector a29 = LOW[2].selectFrom(x9, x11);
        x11 = HIGH[2].selectFrom(x9, x11);
        x9 = a29;
        FloatVector a212 = LOW[2].selectFrom(x12, x14);
        x14 = HIGH[2].selectFrom(x12, x14);
        x12 = a212;
        FloatVector a213 = LOW[2].selectFrom(x13, x15);
        x15 = HIGH[2].selectFrom(x13, x15);
        x13 = a213;
        FloatVector a30 = LOW[3].selectFrom(x0, x1);
        x1 = HIGH[3].selectFrom(x0, x1);
        x0 = a30;
        FloatVector a32 = LOW[3].selectFrom(x2, x3);
        x3 = HIGH[3].selectFrom(x2, x3);
        x2 = a32;
        FloatVector a34 = LOW[3].selectFrom(x4, x5);
        x5 = HIGH[3].selectFrom(x4, x5);
        x4 = a34;
        FloatVector a36 = LOW[3].selectFrom(x6, x7);
        x7 = HIGH[3].selectFrom(x6, x7);
        x6 = a36;
        FloatVector a38 = LOW[3].selectFrom(x8, x9);
        x9 = HIGH[3].selectFrom(x8, x9);
        x8 = a38;
        FloatVector a310 = LOW[3].selectFrom(x10, x11);
        x11 = HIGH[3].selectFrom(x10, x11);
        x10 = a310;
        FloatVector a312 = LOW[3].selectFrom(x12, x13);
        x13 = HIGH[3].selectFrom(x12, x13);
        x12 = a312;
        FloatVector a314 = LOW[3].selectFrom(x14, x15);
        x15 = HIGH[3].selectFrom(x14, x15);
        x14 = a314;
        x0.intoArray(dst, d);
        x1.intoArray(dst, d + 1 * w);
        x2.intoArray(dst, d + 2 * w);
        x3.intoArray(dst, d + 3 * w);
        x4.intoArray(dst, d + 4 * w);
        x5.intoArray(dst, d + 5 * w);
        x6.intoArray(dst, d + 6 * w);
        x7.intoArray(dst, d + 7 * w);
        x8.intoArray(dst, d + 8 * w);
        x9.intoArray(dst, d + 9 * w);
        x10.intoArray(dst, d + 10 * w);
        x11.intoArray(dst, d + 11 * w);
        x12.intoArray(dst, d + 12 * w);
        x13.intoArray(dst, d + 13 * w);
        x14.intoArray(dst, d + 14 * w);
        x15.intoArray(dst, d + 15 * w);
    }

    /** {@link #transposeBlock} for 8 lanes. */
    private static void transpose8(float[] src, int s, int ld, float[] dst, int d, int w) {
        FloatVector x0 = FloatVector.fromArray(F, src, s);
        FloatVector x1 = FloatVector.fromArray(F, src, s + 1 * ld);
        FloatVector x2 = FloatVector.fromArray(F, src, s + 2 * ld);
        FloatVector x3 = FloatVector.fromArray(F, src, s + 3 * ld);
        FloatVector x4 = FloatVector.fromArray(F, src, s + 4 * ld);
        FloatVector x5 = FloatVector.fromArray(F, src, s + 5 * ld);
        FloatVector x6 = FloatVector.fromArray(F, src, s + 6 * ld);
        FloatVector x7 = FloatVector.fromArray(F, src, s + 7 * ld);
        FloatVector a00 = LOW[0].selectFrom(x0, x4);
        x4 = HIGH[0].selectFrom(x0, x4);
        x0 = a00;
        FloatVector a01 = LOW[0].selectFrom(x1, x5);
        x5 = HIGH[0].selectFrom(x1, x5);
        x1 = a01;
        FloatVector a02 = LOW[0].selectFrom(x2, x6);
        x6 = HIGH[0].selectFrom(x2, x6);
        x2 = a02;
        FloatVector a03 = LOW[0].selectFrom(x3, x7);
        x7 = HIGH[0].selectFrom(x3, x7);
        x3 = a03;
        FloatVector a10 = LOW[1].selectFrom(x0, x2);
        x2 = HIGH[1].selectFrom(x0, x2);
        x0 = a10;
        FloatVector a11 = LOW[1].selectFrom(x1, x3);
        x3 = HIGH[1].selectFrom(x1, x3);
        x1 = a11;
        FloatVector a14 = LOW[1].selectFrom(x4, x6);
        x6 = HIGH[1].selectFrom(x4, x6);
        x4 = a14;
        FloatVector a15 = LOW[1].selectFrom(x5, x7);
        x7 = HIGH[1].selectFrom(x5, x7);
        x5 = a15;
        FloatVector a20 = LOW[2].selectFrom(x0, x1);
        x1 = HIGH[2].selectFrom(x0, x1);
        x0 = a20;
        FloatVector a22 = LOW[2].selectFrom(x2, x3);
        x3 = HIGH[2].selectFrom(x2, x3);
        x2 = a22;
        FloatVector a24 = LOW[2].selectFrom(x4, x5);
        x5 = HIGH[2].selectFrom(x4, x5);
        x4 = a24;
        FloatVector a26 = LOW[2].selectFrom(x6, x7);
        x7 = HIGH[2].selectFrom(x6, x7);
        x6 = a26;
        x0.intoArray(dst, d);
        x1.intoArray(dst, d + 1 * w);
        x2.intoArray(dst, d + 2 * w);
        x3.intoArray(dst, d + 3 * w);
        x4.intoArray(dst, d + 4 * w);
        x5.intoArray(dst, d + 5 * w);
        x6.intoArray(dst, d + 6 * w);
        x7.intoArray(dst, d + 7 * w);
    }

    /** {@link #transposeBlock} for 4 lanes. */
    private static void transpose4(float[] src, int s, int ld, float[] dst, int d, int w) {
        FloatVector x0 = FloatVector.fromArray(F, src, s);
        FloatVector x1 = FloatVector.fromArray(F, src, s + 1 * ld);
        FloatVector x2 = FloatVector.fromArray(F, src, s + 2 * ld);
        FloatVector x3 = FloatVector.fromArray(F, src, s + 3 * ld);
        FloatVector a00 = LOW[0].selectFrom(x0, x2);
        x2 = HIGH[0].selectFrom(x0, x2);
        x0 = a00;
        FloatVector a01 = LOW[0].selectFrom(x1, x3);
        x3 = HIGH[0].selectFrom(x1, x3);
        x1 = a01;
        FloatVector a10 = LOW[1].selectFrom(x0, x1);
        x1 = HIGH[1].selectFrom(x0, x1);
        x0 = a10;
        FloatVector a12 = LOW[1].selectFrom(x2, x3);
        x3 = HIGH[1].selectFrom(x2, x3);
        x2 = a12;
        x0.intoArray(dst, d);
        x1.intoArray(dst, d + 1 * w);
        x2.intoArray(dst, d + 2 * w);
        x3.intoArray(dst, d + 3 * w);
    }

    /**
     * Writes kc consecutive floats from {@code src[s]} (zeros when {@code s < 0}, a padding column) to
     * {@code dst[d + p·w]}: one column of a panel packed from a source whose depths are contiguous.
     */
    private static void transposeColumn(float[] src, int s, int kc, float[] dst, int d, int w) {
        if (s < 0) {
            for (int p = 0; p < kc; p++) dst[d + p * w] = 0f;
        } else {
            for (int p = 0; p < kc; p++) dst[d + p * w] = src[s + p];
        }
    }

    /**
     * The MR × NR micro-kernel: {@code C[mr, nr] (+)= alpha · op(A)[MR rows, kc] · B panel}, with
     * {@code L < nr ≤ NR}. Element (r, p) of op(A) is {@code a[aIdx + r·rowStride + p·depthStride]}, read
     * in place ((lda, 1) for A, (1, lda) for Aᵀ). Rows at or past {@code mr} repeat row 0 and columns at
     * or past {@code nr} are zero padding; neither is stored.
     */
    private static void kernel(int kc, float[] a, int aIdx, int rowStride, int depthStride, float[] bp, int bIdx,
                               float[] acc, int mr, int nr, float alpha, float beta, float[] c, int cIdx, int ldc) {
        // Rows past mr repeat row 0: A is read in place, so there is no zero padding to fall back on.
        int a0 = aIdx, a1 = rowIndex(aIdx, 1, mr, rowStride), a2 = rowIndex(aIdx, 2, mr, rowStride);
        int a3 = rowIndex(aIdx, 3, mr, rowStride), a4 = rowIndex(aIdx, 4, mr, rowStride);
        int a5 = rowIndex(aIdx, 5, mr, rowStride), a6 = rowIndex(aIdx, 6, mr, rowStride);
        int a7 = rowIndex(aIdx, 7, mr, rowStride);
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int ai = p * depthStride, bi = bIdx + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector av = FloatVector.broadcast(F, a[a0 + ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[a1 + ai]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[a2 + ai]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[a3 + ai]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, a[a4 + ai]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, a[a5 + ai]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, a[a6 + ai]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, a[a7 + ai]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // Spill the tile through L1 rather than pass 16 vectors to a store helper: a helper the JIT
        // declined to inline (this method is near its node limit) boxed every vector and fell off the
        // intrinsics, a tenfold slowdown. The spill costs 16 stores against kc·16 FMAs.
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, NR);
        c11.intoArray(acc, NR + L);
        c20.intoArray(acc, 2 * NR);
        c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);
        c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR);
        c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR);
        c51.intoArray(acc, 5 * NR + L);
        c60.intoArray(acc, 6 * NR);
        c61.intoArray(acc, 6 * NR + L);
        c70.intoArray(acc, 7 * NR);
        c71.intoArray(acc, 7 * NR + L);
        storeTile(acc, NR, mr, nr, alpha, beta, c, cIdx, ldc);
    }

    /**
     * The MR × 1-vector edge kernel for a narrow B panel ({@code nr ≤ L} live columns, packed L wide):
     * the same loop and A addressing as {@link #kernel} with one B vector per step, so n = 16 at 512 bits
     * runs without multiplying zero padding.
     */
    private static void narrowKernel(int kc, float[] a, int aIdx, int rowStride, int depthStride, float[] bp,
                                     int bIdx, float[] acc, int mr, int nr, float alpha, float beta,
                                     float[] c, int cIdx, int ldc) {
        int a0 = aIdx, a1 = rowIndex(aIdx, 1, mr, rowStride), a2 = rowIndex(aIdx, 2, mr, rowStride);
        int a3 = rowIndex(aIdx, 3, mr, rowStride), a4 = rowIndex(aIdx, 4, mr, rowStride);
        int a5 = rowIndex(aIdx, 5, mr, rowStride), a6 = rowIndex(aIdx, 6, mr, rowStride);
        int a7 = rowIndex(aIdx, 7, mr, rowStride);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        FloatVector c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        FloatVector c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
        FloatVector c6 = FloatVector.zero(F), c7 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int ai = p * depthStride;
            FloatVector b0 = FloatVector.fromArray(F, bp, bIdx + p * L);
            c0 = FloatVector.broadcast(F, a[a0 + ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, a[a1 + ai]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, a[a2 + ai]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, a[a3 + ai]).fma(b0, c3);
            c4 = FloatVector.broadcast(F, a[a4 + ai]).fma(b0, c4);
            c5 = FloatVector.broadcast(F, a[a5 + ai]).fma(b0, c5);
            c6 = FloatVector.broadcast(F, a[a6 + ai]).fma(b0, c6);
            c7 = FloatVector.broadcast(F, a[a7 + ai]).fma(b0, c7);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
        c4.intoArray(acc, 4 * L);
        c5.intoArray(acc, 5 * L);
        c6.intoArray(acc, 6 * L);
        c7.intoArray(acc, 7 * L);
        storeTile(acc, L, mr, nr, alpha, beta, c, cIdx, ldc);
    }

    /**
     * Writes the accumulator tile {@code acc} ([MR, w] row-major, w = NR or L) to the live
     * {@code [mr, nr]} corner of C at {@code c[cIdx]}: {@code C = alpha·acc + beta·C}, reading C only
     * when beta is non-zero; lanes past nr are masked off.
     */
    private static void storeTile(float[] acc, int w, int mr, int nr, float alpha, float beta,
                                  float[] c, int cIdx, int ldc) {
        FloatVector alphaV = FloatVector.broadcast(F, alpha), betaV = FloatVector.broadcast(F, beta);
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * ldc;
            for (int j = 0; j < nr; j += L) {
                FloatVector v = FloatVector.fromArray(F, acc, r * w + j).mul(alphaV);
                if (nr - j >= L) {
                    if (beta != 0f) v = FloatVector.fromArray(F, c, row + j).fma(betaV, v);
                    v.intoArray(c, row + j);
                } else {
                    VectorMask<Float> mask = F.indexInRange(j, nr);
                    if (beta != 0f) v = FloatVector.fromArray(F, c, row + j, mask).fma(betaV, v);
                    v.intoArray(c, row + j, mask);
                }
            }
        }
    }

    /** Index of the tile's A row r, or of row 0 for a row past the live {@code mr}. */
    private static int rowIndex(int aIdx, int r, int mr, int rowStride) {
        return r < mr ? aIdx + r * rowStride : aIdx;
    }

    /** k = 0: the product is empty, so C = beta · C (zeros when beta is 0, without reading C). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    /**
     * A tile extent for {@code size}: at most {@code max}, a multiple of {@code unit}, and close to
     * {@code size / tiles} so the last tile is not a sliver (256 rows split 128 + 128, not 192 + 64).
     */
    private static int balancedTile(int size, int max, int unit) {
        int tiles = ceilDiv(size, max);
        return Math.min(max, roundUp(ceilDiv(size, tiles), unit));
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int unit) {
        return ceilDiv(x, unit) * unit;
    }
}
