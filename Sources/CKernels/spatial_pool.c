// Max and average pooling of f32 planes (Inception's pools: 3×3 at stride 1 with padding 1, and at stride 2). Every
// output adds (average) or compares (max) its window's values in the order y, then x, as the scalar loop and PyTorch's
// CPU kernel do, so the results are the same bit for bit at every SIMD level and on every path:
// - stride 1: a group of planes is copied into a stack of padded planes (padding 0 for the average, −inf for the max)
//   and every output of the stack is computed by one flat vector loop per tap. The padding changes no bit: a sum that
//   starts at +0 is never −0, so adding +0 leaves it as it is, and −inf never wins a max; the average still divides by
//   the positions inside the plane (count_include_pad=False);
// - otherwise a plane at a time: outputs whose window lies inside the plane a row at a time, output column innermost
//   (at stride 2 each input row first split into its even and odd columns so every tap reads a contiguous run),
//   border outputs over their clipped window.
// The AVX-512 level is the same C compiled with 16-wide vectors.
#include "ckernels.h"

static inline float window(const float *in, int w, int y0, int y1, int x0, int x1, int average) {
    if (average) {
        float sum = 0;
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) sum += in[(long)y * w + x];
        return sum / (float)((y1 - y0) * (x1 - x0));
    }
    float m = -__builtin_inff();
    for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) { float v = in[(long)y * w + x]; if (v > m || v != v) m = v; }
    return m;
}

// r[i] = r[i] ⊕ t[i] for the n interior outputs of a row (⊕: + or the NaN-propagating max).
static inline __attribute__((always_inline)) void accumulate(float *restrict r, const float *restrict t, int n, int average) {
    if (average) for (int i = 0; i < n; i++) r[i] += t[i];
    else for (int i = 0; i < n; i++) { float v = t[i], m = r[i]; r[i] = (v > m || v != v) ? v : m; }
}

// Even columns base, base + 2, … of a row into e, odd ones into o (count each).
static inline __attribute__((always_inline)) void split(const float *restrict line, int count, float *restrict e, float *restrict o) {
    for (int i = 0; i < count; i++) { e[i] = line[2 * i]; o[i] = line[2 * i + 1]; }
}

// Widest interior row this kernel splits on the stack at stride 2 (Inception's widest pooled input is 147).
#define POOL_SPLIT_MAX 1024

static inline __attribute__((always_inline))
void pool_plane(const float *in, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average) {
    // Columns with a full window: ox·s − p ≥ 0 and ox·s − p + k ≤ w.
    const int room = w - k + p;
    int first = (p + s - 1) / s, last = room < 0 ? -1 : room / s;
    if (last >= ow) last = ow - 1;
    if (first > last + 1) first = last + 1;
    const int n = last - first + 1;
    // Stride 2: tap dx of output i reads column base + 2i + dx = (dx even) e[i + dx/2], (dx odd) o[i + dx/2].
    const int halves = (n - 1) + (k + 1) / 2;   // even (and odd) columns the interior reads
    const int splitRows = s == 2 && n > 0 && 2 * halves <= POOL_SPLIT_MAX;
    float e[POOL_SPLIT_MAX / 2], o[POOL_SPLIT_MAX / 2];
    for (int oy = 0; oy < oh; oy++) {
        int y0 = oy * s - p, y1 = y0 + k;
        if (y0 < 0) y0 = 0;
        if (y1 > h) y1 = h;
        float *row = out + (long)oy * ow;
        for (int ox = 0; ox < first; ox++) {
            int x0 = ox * s - p, x1 = x0 + k;
            row[ox] = window(in, w, y0, y1, x0 < 0 ? 0 : x0, x1 > w ? w : x1, average);
        }
        if (n > 0) {
            float *r = row + first;
            const int base = first * s - p;
            const float start = average ? 0.0f : -__builtin_inff();
            for (int i = 0; i < n; i++) r[i] = start;
            for (int y = y0; y < y1; y++) {
                const float *line = in + (long)y * w + base;
                if (splitRows) {
                    // The odd half may read one column past the last even one: keep inside the row.
                    const int pairs = (w - base) / 2 < halves ? (w - base) / 2 : halves;
                    split(line, pairs, e, o);
                    if (pairs < halves) e[pairs] = line[2 * pairs];   // the last even column without its odd partner
                    for (int dx = 0; dx < k; dx++) accumulate(r, (dx & 1 ? o : e) + dx / 2, n, average);
                } else {
                    for (int dx = 0; dx < k; dx++) {
                        if (s == 1) accumulate(r, line + dx, n, average);
                        else if (average) for (int i = 0; i < n; i++) r[i] += line[i * s + dx];
                        else for (int i = 0; i < n; i++) { float v = line[i * s + dx], m = r[i]; r[i] = (v > m || v != v) ? v : m; }
                    }
                }
            }
            if (average) {
                const float count = (float)((y1 - y0) * k);
                for (int i = 0; i < n; i++) r[i] = r[i] / count;
            }
        }
        for (int ox = last + 1; ox < ow; ox++) {
            int x0 = ox * s - p, x1 = x0 + k;
            row[ox] = window(in, w, y0, y1, x0 < 0 ? 0 : x0, x1 > w ? w : x1, average);
        }
    }
}

// Floats of the padded stack (and of the result grid) of the stride-1 path: 16 KiB each, in L1 (and small enough
// for any thread's stack), and the widest output row it takes.
#define POOL_STACK 4096
#define POOL_COLUMNS 512

// Stride 1, padding p: `planes` planes at `in` (h × w each) → out (oh × ow each), in groups that fit the stack.
// Returns 0 (nothing done) when one padded plane does not fit.
static inline __attribute__((always_inline))
int pool_planes_stride1(const float *in, int planes, int h, int w, float *out, int oh, int ow, int k, int p, int average) {
    const int hp = h + 2 * p, wp = w + 2 * p, padded = hp * wp;
    if (padded > POOL_STACK || ow > POOL_COLUMNS || oh != hp - k + 1 || ow != wp - k + 1) return 0;
    float stack[POOL_STACK], grid[POOL_STACK];
    const float pad = average ? 0.0f : -__builtin_inff();
    const int group = POOL_STACK / padded;
    // Positions inside the plane per output column (the average's divisor is rows · columns, as the clipped window's).
    int columns[POOL_COLUMNS];
    for (int ox = 0; ox < ow; ox++) {
        const int x0 = ox - p < 0 ? 0 : ox - p, x1 = ox - p + k > w ? w : ox - p + k;
        columns[ox] = x1 - x0;
    }
    for (int g0 = 0; g0 < planes; g0 += group) {
        const int count = planes - g0 < group ? planes - g0 : group;
        for (int g = 0; g < count; g++) {
            float *dst = stack + (long)g * padded;
            const float *src = in + (long)(g0 + g) * h * w;
            for (int i = 0; i < p * wp; i++) dst[i] = pad;
            for (int y = 0; y < h; y++) {
                float *line = dst + (long)(y + p) * wp;
                for (int x = 0; x < p; x++) { line[x] = pad; line[w + p + x] = pad; }
                for (int x = 0; x < w; x++) line[p + x] = src[(long)y * w + x];
            }
            for (int i = (h + p) * wp; i < padded; i++) dst[i] = pad;
        }
        // Output (g, oy, ox) at grid position (g·hp + oy)·wp + ox reads stack positions + dy·wp + dx; the positions
        // between (columns ≥ ow, rows ≥ oh of a plane) are computed and dropped.
        const int n = count * padded - (k - 1) * wp - (k - 1);
        for (int t = 0; t < n; t++) grid[t] = pad;
        for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) accumulate(grid, stack + (long)dy * wp + dx, n, average);
        }
        for (int g = 0; g < count; g++) {
            float *dst = out + (long)(g0 + g) * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                const float *r = grid + ((long)g * hp + oy) * wp;
                float *o = dst + (long)oy * ow;
                if (average) {
                    const int y0 = oy - p < 0 ? 0 : oy - p, y1 = oy - p + k > h ? h : oy - p + k, rows = y1 - y0;
                    for (int ox = 0; ox < ow; ox++) o[ox] = r[ox] / (float)(rows * columns[ox]);
                } else {
                    for (int ox = 0; ox < ow; ox++) o[ox] = r[ox];
                }
            }
        }
    }
    return 1;
}

static inline __attribute__((always_inline))
void pool_planes(const float *in, int planes, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average) {
    if (s == 1 && pool_planes_stride1(in, planes, h, w, out, oh, ow, k, p, average)) return;
    for (int g = 0; g < planes; g++) pool_plane(in + (long)g * h * w, h, w, out + (long)g * oh * ow, oh, ow, k, s, p, average);
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512vl")))
static void pool_planes_avx512(const float *in, int planes, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average) {
    pool_planes(in, planes, h, w, out, oh, ow, k, s, p, average);
}
#endif

static void pool_planes_portable(const float *in, int planes, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average) {
    pool_planes(in, planes, h, w, out, oh, ow, k, s, p, average);
}

void jk_pool_planes(int level, const float *in, int planes, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average) {
#if defined(__x86_64__)
    if (level >= 3) { pool_planes_avx512(in, planes, h, w, out, oh, ow, k, s, p, average); return; }
#endif
    pool_planes_portable(in, planes, h, w, out, oh, ow, k, s, p, average);
}
