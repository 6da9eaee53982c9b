// Max and average pooling of one f32 plane (Inception's pools: 3×3 at stride 1 and 2). Outputs whose window lies
// inside the plane are computed a row at a time with the output column innermost (vectorised by the compiler);
// each output still adds (average) or compares (max) its window's values in the order y, then x, as the scalar loop
// and PyTorch's CPU kernel do, so the results are the same bit for bit. Border outputs take the clipped window.
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

void jk_pool_plane(const float *in, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average) {
    // Columns with a full window: ox·s − p ≥ 0 and ox·s − p + k ≤ w.
    const int room = w - k + p;
    int first = (p + s - 1) / s, last = room < 0 ? -1 : room / s;
    if (last >= ow) last = ow - 1;
    if (first > last + 1) first = last + 1;
    for (int oy = 0; oy < oh; oy++) {
        int y0 = oy * s - p, y1 = y0 + k;
        if (y0 < 0) y0 = 0;
        if (y1 > h) y1 = h;
        float *row = out + (long)oy * ow;
        for (int ox = 0; ox < first; ox++) {
            int x0 = ox * s - p, x1 = x0 + k;
            row[ox] = window(in, w, y0, y1, x0 < 0 ? 0 : x0, x1 > w ? w : x1, average);
        }
        if (first <= last) {
            float *r = row + first;
            const int n = last - first + 1, base = first * s - p;
            if (average) {
                for (int i = 0; i < n; i++) r[i] = 0;
                for (int y = y0; y < y1; y++) {
                    const float *line = in + (long)y * w + base;
                    for (int dx = 0; dx < k; dx++) {
                        if (s == 1) for (int i = 0; i < n; i++) r[i] += line[i + dx];
                        else for (int i = 0; i < n; i++) r[i] += line[i * s + dx];
                    }
                }
                const float count = (float)((y1 - y0) * k);
                for (int i = 0; i < n; i++) r[i] = r[i] / count;
            } else {
                for (int i = 0; i < n; i++) r[i] = -__builtin_inff();
                for (int y = y0; y < y1; y++) {
                    const float *line = in + (long)y * w + base;
                    for (int dx = 0; dx < k; dx++) {
                        if (s == 1) {
                            for (int i = 0; i < n; i++) { float v = line[i + dx], m = r[i]; r[i] = (v > m || v != v) ? v : m; }
                        } else {
                            for (int i = 0; i < n; i++) { float v = line[i * s + dx], m = r[i]; r[i] = (v > m || v != v) ? v : m; }
                        }
                    }
                }
            }
        }
        for (int ox = last + 1; ox < ow; ox++) {
            int x0 = ox * s - p, x1 = x0 + k;
            row[ox] = window(in, w, y0, y1, x0 < 0 ? 0 : x0, x1 > w ? w : x1, average);
        }
    }
}
