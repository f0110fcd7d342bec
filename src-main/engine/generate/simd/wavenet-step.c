/*
 * One fast-WaveNet generation step (Paine et al. 2016) for B streams, in WebAssembly SIMD (128-bit):
 * the input conv as table rows, each dilated layer's queue (a ring of its past inputs), the fused
 * filter|gate product over the stacked taps, the gated unit tanh(f) * sigmoid(g), the fused
 * residual|skip 1x1, the skip sum, ReLU, 1x1, ReLU, 1x1 and the softmax over the mu-law levels.
 *
 * The same arithmetic as wavenet-kernel.ts (the JS fallback and test reference), in float32:
 * weights packed by its pack() as [ceil(N/8)][K][8], streams in fours, then pairs, per weight
 * block (each loaded weight serves four or two), or two blocks at once for a single stream, so that
 * eight independent accumulators hide the add latency. The caller (wavenet-wasm.ts) lays out every buffer in this
 * module's memory and fills the Net below; nothing here allocates.
 *
 * Built by `npm run kernels` (build.sh) into wavenet-step-wasm.ts; needs no libc (bulk memory
 * instructions stand in for memcpy/memset).
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define BLOCK 8

/* One dilated layer. Every pointer is an offset in this module's memory. */
typedef struct {
  int32_t dilation;
  int32_t len;      /* ring length: (fw - 1) * dilation + 1 positions */
  float *ring;      /* [B][len][rc] */
  float *fg_w;      /* packed [fw * rc -> 2 * dc], filter outputs then gate */
  float *bias;      /* [B][2 * dc] used by the step: cond, plus the local projection when present */
  float *cond;      /* [B][2 * dc] filter/gate bias plus the global conditioning term */
  float *local_w;   /* packed [local_c -> 2 * dc], or 0 */
  float *out_w;     /* packed [dc -> residual | sc] */
  int32_t residual; /* residual outputs of out_w (0 on the last layer) */
  float *res_bias;  /* [residual] */
} Layer;

/* The whole generator state; int32 and pointer fields only (4 bytes each, no padding). */
typedef struct {
  int32_t B, rc, dc, sc, q, fw, iw, n_layers, local_c, t;
  float *input_table; /* [iw][q][rc] */
  float *input_bias;  /* [rc] */
  int32_t *levels;    /* [B][iw]: the input conv's past levels */
  int32_t *level_in;  /* [B]: the levels fed at this step */
  float *x, *taps, *fg, *z, *rs, *skip, *skip_bias, *hidden;
  float *post1_w, *post1_b, *post2_w, *post2_b;
  float *probs;       /* [B][q]: written by the step */
  float *local_frame; /* [B][local_c]: the upsampled local conditioning, written by the caller */
  float *zeros;       /* a zero bias as wide as any layer's residual | skip outputs (read only) */
  Layer *layers;
  float *up_w;        /* learned upsampling: per tap k < hop, packed [local_c -> local_c]; 0 under repetition */
  float *up_b;        /* [local_c] */
  float *frame;       /* [B][local_c]: the current frame, written by the caller at frame starts */
} Net;

static inline v128_t ld(const float *p) { return wasm_v128_load(p); }
static inline v128_t add(v128_t a, v128_t b) { return wasm_f32x4_add(a, b); }
static inline v128_t mul(v128_t a, v128_t b) { return wasm_f32x4_mul(a, b); }
static inline v128_t splat(float v) { return wasm_f32x4_splat(v); }

/* out[0..count) = bias[0..count) + (lo | hi). */
static inline void store8(float *out, const float *bias, v128_t lo, v128_t hi, int count) {
  if (count == BLOCK) {
    wasm_v128_store(out, add(lo, ld(bias)));
    wasm_v128_store(out + 4, add(hi, ld(bias + 4)));
    return;
  }
  float tmp[BLOCK];
  wasm_v128_store(tmp, lo);
  wasm_v128_store(tmp + 4, hi);
  for (int j = 0; j < count; j++) out[j] = bias[j] + tmp[j];
}

/* Sums x . W over one block (k inputs) into lo | hi, two inputs per iteration (four chains). */
#define ACC_ONE(wp, xp, lo, hi)                                   \
  do {                                                            \
    v128_t a0 = splat(0), a1 = a0, e0 = a0, e1 = a0;              \
    int i = 0;                                                    \
    for (; i + 1 < k; i += 2) {                                   \
      const float *p = (wp) + i * BLOCK;                          \
      v128_t v = splat((xp)[i]), u = splat((xp)[i + 1]);          \
      a0 = add(a0, mul(ld(p), v));                                \
      a1 = add(a1, mul(ld(p + 4), v));                            \
      e0 = add(e0, mul(ld(p + 8), u));                            \
      e1 = add(e1, mul(ld(p + 12), u));                           \
    }                                                             \
    if (i < k) {                                                  \
      const float *p = (wp) + i * BLOCK;                          \
      v128_t v = splat((xp)[i]);                                  \
      a0 = add(a0, mul(ld(p), v));                                \
      a1 = add(a1, mul(ld(p + 4), v));                            \
    }                                                             \
    lo = add(a0, e0);                                             \
    hi = add(a1, e1);                                             \
  } while (0)

/*
 * out[s * os + o] = bias[s * bs + o] + sum_i x[s * xs + i] * W(i, o) for s < B, o < n, with W
 * packed as [ceil(n/8)][k][8]; bs = 0 shares one bias among the streams.
 */
static void product(const float *w, int k, int n, int B, const float *x, int xs, float *out, int os, const float *bias, int bs) {
  int blocks = (n + BLOCK - 1) / BLOCK;
  int b = 0;
  if (B == 1) {
    /* One stream: two blocks at once (eight chains), each input splat serving sixteen outputs. */
    for (; b + 1 < blocks; b += 2) {
      const float *w0 = w + b * k * BLOCK, *w1 = w0 + k * BLOCK;
      v128_t a0 = splat(0), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
      int i = 0;
      for (; i + 1 < k; i += 2) {
        const float *p = w0 + i * BLOCK, *r = w1 + i * BLOCK;
        v128_t v = splat(x[i]), u = splat(x[i + 1]);
        a0 = add(a0, mul(ld(p), v));
        a1 = add(a1, mul(ld(p + 4), v));
        a2 = add(a2, mul(ld(r), v));
        a3 = add(a3, mul(ld(r + 4), v));
        e0 = add(e0, mul(ld(p + 8), u));
        e1 = add(e1, mul(ld(p + 12), u));
        e2 = add(e2, mul(ld(r + 8), u));
        e3 = add(e3, mul(ld(r + 12), u));
      }
      if (i < k) {
        const float *p = w0 + i * BLOCK, *r = w1 + i * BLOCK;
        v128_t v = splat(x[i]);
        a0 = add(a0, mul(ld(p), v));
        a1 = add(a1, mul(ld(p + 4), v));
        a2 = add(a2, mul(ld(r), v));
        a3 = add(a3, mul(ld(r + 4), v));
      }
      int o = b * BLOCK;
      store8(out + o, bias + o, add(a0, e0), add(a1, e1), BLOCK);
      int c = n - o - BLOCK < BLOCK ? n - o - BLOCK : BLOCK;
      store8(out + o + BLOCK, bias + o + BLOCK, add(a2, e2), add(a3, e3), c);
    }
  }
  for (; b < blocks; b++) {
    const float *wb = w + b * k * BLOCK;
    int o = b * BLOCK;
    int count = n - o < BLOCK ? n - o : BLOCK;
    int s = 0;
    /* Streams in fours: each weight vector loaded serves four streams (eight chains). */
    for (; s + 3 < B; s += 4) {
      const float *x0 = x + s * xs, *x1 = x0 + xs, *x2 = x1 + xs, *x3 = x2 + xs;
      v128_t a0 = splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
      for (int i = 0; i < k; i++) {
        const float *p = wb + i * BLOCK;
        v128_t w0 = ld(p), w1 = ld(p + 4);
        v128_t v = splat(x0[i]);
        a0 = add(a0, mul(w0, v));
        a1 = add(a1, mul(w1, v));
        v = splat(x1[i]);
        b0 = add(b0, mul(w0, v));
        b1 = add(b1, mul(w1, v));
        v = splat(x2[i]);
        c0 = add(c0, mul(w0, v));
        c1 = add(c1, mul(w1, v));
        v = splat(x3[i]);
        d0 = add(d0, mul(w0, v));
        d1 = add(d1, mul(w1, v));
      }
      store8(out + s * os + o, bias + s * bs + o, a0, a1, count);
      store8(out + (s + 1) * os + o, bias + (s + 1) * bs + o, b0, b1, count);
      store8(out + (s + 2) * os + o, bias + (s + 2) * bs + o, c0, c1, count);
      store8(out + (s + 3) * os + o, bias + (s + 3) * bs + o, d0, d1, count);
    }
    /* Streams in pairs: each weight vector loaded serves two streams (eight chains). */
    for (; s + 1 < B; s += 2) {
      const float *xa = x + s * xs, *xc = xa + xs;
      v128_t a0 = splat(0), a1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0, f0 = a0, f1 = a0;
      int i = 0;
      for (; i + 1 < k; i += 2) {
        const float *p = wb + i * BLOCK;
        v128_t w0 = ld(p), w1 = ld(p + 4), w2 = ld(p + 8), w3 = ld(p + 12);
        v128_t v = splat(xa[i]), u = splat(xc[i]), v2 = splat(xa[i + 1]), u2 = splat(xc[i + 1]);
        a0 = add(a0, mul(w0, v));
        a1 = add(a1, mul(w1, v));
        c0 = add(c0, mul(w0, u));
        c1 = add(c1, mul(w1, u));
        e0 = add(e0, mul(w2, v2));
        e1 = add(e1, mul(w3, v2));
        f0 = add(f0, mul(w2, u2));
        f1 = add(f1, mul(w3, u2));
      }
      if (i < k) {
        const float *p = wb + i * BLOCK;
        v128_t w0 = ld(p), w1 = ld(p + 4), v = splat(xa[i]), u = splat(xc[i]);
        a0 = add(a0, mul(w0, v));
        a1 = add(a1, mul(w1, v));
        c0 = add(c0, mul(w0, u));
        c1 = add(c1, mul(w1, u));
      }
      store8(out + s * os + o, bias + s * bs + o, add(a0, e0), add(a1, e1), count);
      store8(out + (s + 1) * os + o, bias + (s + 1) * bs + o, add(c0, f0), add(c1, f1), count);
    }
    if (s < B) {
      v128_t lo, hi;
      ACC_ONE(wb, x + s * xs, lo, hi);
      store8(out + s * os + o, bias + s * bs + o, lo, hi, count);
    }
  }
}

/*
 * tanh as the [13/6] odd rational minimax fit of Eigen's float tanh (as wavenet-kernel.ts), clamped
 * at +-7.9053111 where it is 1 within 2.6e-7.
 */
static inline v128_t tanh4(v128_t v) {
  v128_t x = wasm_f32x4_pmax(wasm_f32x4_pmin(v, splat(7.90531110763549805f)), splat(-7.90531110763549805f));
  v128_t x2 = mul(x, x);
  v128_t p = splat(-2.76076847742355e-16f);
  p = add(mul(p, x2), splat(2.00018790482477e-13f));
  p = add(mul(p, x2), splat(-8.60467152213735e-11f));
  p = add(mul(p, x2), splat(5.12229709037114e-8f));
  p = add(mul(p, x2), splat(1.48572235717979e-5f));
  p = add(mul(p, x2), splat(6.37261928875436e-4f));
  p = add(mul(p, x2), splat(4.89352455891786e-3f));
  p = mul(p, x);
  v128_t d = splat(1.19825839466702e-6f);
  d = add(mul(d, x2), splat(1.18534705686654e-4f));
  d = add(mul(d, x2), splat(2.26843463243900e-3f));
  d = add(mul(d, x2), splat(4.89352518554385e-3f));
  return wasm_f32x4_div(p, d);
}

/* tanh(f) * sigmoid(g), sigmoid(g) = (1 + tanh(g / 2)) / 2. */
static inline v128_t gated4(v128_t f, v128_t g) {
  v128_t half = splat(0.5f);
  return mul(tanh4(f), add(half, mul(half, tanh4(mul(half, g)))));
}

static inline float gated1(float f, float g) {
  float out[4];
  wasm_v128_store(out, gated4(splat(f), splat(g)));
  return out[0];
}

/*
 * exp(x) for x <= 0 (softmax after the max is subtracted): Cephes' expf (x = n ln 2 + r, |r| <=
 * ln2/2, degree-6 polynomial, 2^n from the exponent bits), relative error ~1e-7; 0 below -87.3
 * (float32 exp underflows there too).
 */
static inline v128_t exp4(v128_t x) {
  v128_t keep = wasm_f32x4_ge(x, splat(-87.3f));
  x = wasm_f32x4_pmax(x, splat(-87.3f));
  v128_t n = wasm_f32x4_nearest(mul(x, splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, mul(n, splat(0.693359375f)));
  r = wasm_f32x4_sub(r, mul(n, splat(-2.12194440e-4f)));
  v128_t p = splat(1.9875691500e-4f);
  p = add(mul(p, r), splat(1.3981999507e-3f));
  p = add(mul(p, r), splat(8.3334519073e-3f));
  p = add(mul(p, r), splat(4.1665795894e-2f));
  p = add(mul(p, r), splat(1.6666665459e-1f));
  p = add(mul(p, r), splat(5.0000001201e-1f));
  p = add(add(mul(p, mul(r, r)), r), splat(1.0f));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_v128_and(mul(p, scale), keep);
}

static inline float exp1(float x) {
  float out[4];
  wasm_v128_store(out, exp4(splat(x)));
  return out[0];
}

/* probs[0..q) = softmax(logits[0..q)). */
static void softmax(const float *logits, float *probs, int q) {
  float max = logits[0];
  for (int o = 1; o < q; o++) max = logits[o] > max ? logits[o] : max;
  v128_t m = splat(max), sum4 = splat(0);
  int o = 0;
  for (; o + 4 <= q; o += 4) {
    v128_t e = exp4(wasm_f32x4_sub(ld(logits + o), m));
    wasm_v128_store(probs + o, e);
    sum4 = add(sum4, e);
  }
  float sum = wasm_f32x4_extract_lane(sum4, 0) + wasm_f32x4_extract_lane(sum4, 1) + wasm_f32x4_extract_lane(sum4, 2) + wasm_f32x4_extract_lane(sum4, 3);
  for (; o < q; o++) sum += probs[o] = exp1(logits[o] - max);
  float inv = 1.0f / sum;
  o = 0;
  for (; o + 4 <= q; o += 4) wasm_v128_store(probs + o, mul(ld(probs + o), splat(inv)));
  for (; o < q; o++) probs[o] *= inv;
}

/* out[0..n) = max(0, out[0..n) + bias[0..n)) (bias may be 0: none). */
static void relu(float *out, const float *bias, int n) {
  int o = 0;
  v128_t zero = splat(0);
  for (; o + 4 <= n; o += 4) {
    v128_t v = ld(out + o);
    if (bias) v = add(v, ld(bias + o));
    wasm_v128_store(out + o, wasm_f32x4_pmax(v, zero));
  }
  for (; o < n; o++) {
    float v = out[o] + (bias ? bias[o] : 0.0f);
    out[o] = v > 0.0f ? v : 0.0f;
  }
}

/*
 * The local conditioning at output tap `tap` of the current frame: under the learned upsampling,
 * local_frame = up_w[tap] . frame + up_b (the Conv2DTranspose's tap; under repetition the caller
 * wrote local_frame itself); then per layer and stream, bias = cond + local_w . local_frame, the
 * term constant while the upsampled value is (a whole hop under repetition: called once per frame).
 */
void wn_local(Net *n, int tap) {
  const int c = n->local_c;
  if (n->up_w) product(n->up_w + tap * ((c + BLOCK - 1) / BLOCK) * c * BLOCK, c, c, n->B, n->frame, c, n->local_frame, c, n->up_b, 0);
  for (int l = 0; l < n->n_layers; l++) {
    Layer *L = n->layers + l;
    product(L->local_w, n->local_c, 2 * n->dc, n->B, n->local_frame, n->local_c, L->bias, 2 * n->dc, L->cond, 2 * n->dc);
  }
}

/* Feeds level_in[s] to every stream s at the next position; the next levels' probabilities land in probs. */
void wn_step(Net *n) {
  const int B = n->B, rc = n->rc, dc = n->dc, sc = n->sc, q = n->q, fw = n->fw, iw = n->iw, t = n->t++;
  const int fgw = 2 * dc;
  float *x = n->x, *taps = n->taps, *fg = n->fg, *z = n->z, *rs = n->rs, *skip = n->skip;
  /* The causal input conv: a table row per tap. */
  for (int s = 0; s < B; s++) n->levels[s * iw + t % iw] = n->level_in[s];
  for (int s = 0; s < B; s++) {
    float *xs = x + s * rc;
    for (int o = 0; o < rc; o++) xs[o] = n->input_bias[o];
    for (int k = 0; k < iw; k++) {
      int pos = t - (iw - 1) + k;
      if (pos < 0) continue;
      const float *row = n->input_table + (k * q + n->levels[s * iw + pos % iw]) * rc;
      for (int o = 0; o < rc; o++) xs[o] += row[o];
    }
  }
  __builtin_memset(skip, 0, sizeof(float) * B * sc);
  for (int li = 0; li < n->n_layers; li++) {
    const Layer *L = n->layers + li;
    const int len = L->len, d = L->dilation;
    /* Push x, then stack the taps [x(t - (fw-1)d), ..., x(t)] per stream (zeros before the start). */
    for (int s = 0; s < B; s++) {
      float *ring = L->ring + s * len * rc;
      __builtin_memcpy(ring + (t % len) * rc, x + s * rc, sizeof(float) * rc);
      for (int k = 0; k < fw; k++) {
        int pos = t - (fw - 1 - k) * d;
        float *to = taps + (s * fw + k) * rc;
        if (pos < 0) __builtin_memset(to, 0, sizeof(float) * rc);
        else __builtin_memcpy(to, ring + (pos % len) * rc, sizeof(float) * rc);
      }
    }
    product(L->fg_w, fw * rc, fgw, B, taps, fw * rc, fg, fgw, L->bias, fgw);
    for (int s = 0; s < B; s++) {
      const float *f = fg + s * fgw, *g = f + dc;
      float *zs = z + s * dc;
      int o = 0;
      for (; o + 4 <= dc; o += 4) wasm_v128_store(zs + o, gated4(ld(f + o), ld(g + o)));
      for (; o < dc; o++) zs[o] = gated1(f[o], g[o]);
    }
    const int res = L->residual, width = res + sc;
    /* rs = z . out_w (no bias: the residual bias is added below, the skip biases once at the end). */
    product(L->out_w, dc, width, B, z, dc, rs, width, n->zeros, 0);
    for (int s = 0; s < B; s++) {
      const float *r = rs + s * width;
      float *xs = x + s * rc, *ks = skip + s * sc;
      for (int o = 0; o < res; o++) xs[o] += r[o] + L->res_bias[o];
      for (int o = 0; o < sc; o++) ks[o] += r[res + o];
    }
  }
  for (int s = 0; s < B; s++) relu(skip + s * sc, n->skip_bias, sc);
  product(n->post1_w, sc, sc, B, skip, sc, n->hidden, sc, n->post1_b, 0);
  relu(n->hidden, 0, B * sc);
  /* Logits into probs, then the softmax in place (it reads each logit before writing its slot). */
  product(n->post2_w, sc, q, B, n->hidden, sc, n->probs, q, n->post2_b, 0);
  for (int s = 0; s < B; s++) softmax(n->probs + s * q, n->probs + s * q, q);
}
