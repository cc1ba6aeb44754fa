// Fused LSTM over a whole sequence (forward, and backpropagation through time), the kernels
// 'WorldModelsLSTMSequence' / 'WorldModelsLSTMSequenceGrad' behind core's lstmSequence op.
//
// Cell (TF1 BasicLSTMCell; gate columns i, j, f, o of one [I + H, 4H] kernel, rows x then h):
//   pre = [x_t, h] · W + b;  c' = c·σ(f + forgetBias) + σ(i)·tanh(j);  h' = tanh(c')·σ(o)
// Layouts (row-major, batch-major): x [B, T, I]; out [B, T + 1, H] = h_1..h_T then c_T;
// gates [B, T, 4H] the activations σ(i), tanh(j), σ(f + fb), σ(o); cells [B, T, H] = c_1..c_T;
// keep [B, T] (optional) multiplies h and c before step t.
//
// Included inside addon.cc's anonymous namespace: uses its N-API helpers, ParallelRows and
// SplitGemm.

// exp(x) as 2^k · e^r (k = round(x·log₂e), |r| ≤ ½ ln 2) with a degree-6 Taylor polynomial for e^r:
// relative error ≈ 1e-7, branch-free so the gate loops vectorise (libm's expf/tanhf do not, and
// they were most of the sequence's time). Inputs are clamped to the finite float range.
inline float FastExp(float x) {
  x = std::min(88.f, std::max(-87.f, x));
  const float k = std::floor(x * 1.44269504f + 0.5f);
  const float r = x - k * 0.693147181f;
  float p = 1.f / 720.f;
  p = p * r + 1.f / 120.f;
  p = p * r + 1.f / 24.f;
  p = p * r + 1.f / 6.f;
  p = p * r + 0.5f;
  p = p * r + 1.f;
  p = p * r + 1.f;
  const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}
inline float Sigmoid(float v) { return 1.f / (1.f + FastExp(-v)); }
// tanh x = 1 − 2 / (e^{2x} + 1): absolute error ≈ 1e-7.
inline float FastTanh(float v) { return 1.f - 2.f / (FastExp(2.f * v) + 1.f); }

// C = A·op(B) + beta·C with arbitrary leading dimensions, split into column blocks on the work
// pool (each block one single-threaded oneDNN sgemm). A is [m, k] (row-major, lda), not transposed.
void GemmInto(bool tb, int64_t m, int64_t n, int64_t k, const float* A, int64_t lda, const float* B, int64_t ldb,
              float beta, float* C, int64_t ldc) {
  auto& pool = wm::WorkPool::Get();
  const char tB = tb ? 'T' : 'N';
  int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  if (pool.threads() == 1 || m * n * k < (1 << 20)) {
    dnnl_sgemm('N', tB, m, n, k, 1.f, A, lda, B, ldb, beta, C, ldc);
  } else {
    const int64_t parts = std::min<int64_t>(2 * pool.threads(), (n + 63) / 64);
    const int64_t cols = ((n + parts - 1) / parts + 15) / 16 * 16;
    std::function<void(int64_t, int64_t)> f = [&](int64_t b, int64_t e) {
      for (int64_t blk = b; blk < e; ++blk) {
        int64_t c0 = blk * cols, c1 = std::min(n, c0 + cols);
        if (c0 >= c1) continue;
        const float* bb = tb ? B + c0 * ldb : B + c0;
        dnnl_sgemm('N', tB, m, c1 - c0, k, 1.f, A, lda, bb, ldb, beta, C + c0, ldc);
      }
    };
    pool.Run((n + cols - 1) / cols, 1, f);
  }
  omp_set_num_threads(saved);
}

// Rows of h (or c) before step t, times keep[:, t] when there is a mask: [B, H] with leading
// dimension *ld. Without a mask, points into the stored states; with one, fills buf.
const float* PrevState(int64_t t, int64_t B, int64_t T, int64_t H, const float* initial, const float* steps,
                       int64_t steps_ld, const float* keep, float* buf, int64_t* ld) {
  const float* src = t == 0 ? initial : steps + (t - 1) * H;
  const int64_t src_ld = t == 0 ? H : steps_ld;
  if (!keep) {
    *ld = src_ld;
    return src;
  }
  for (int64_t b = 0; b < B; ++b) {
    const float k = keep[b * T + t];
    for (int64_t h = 0; h < H; ++h) buf[b * H + h] = src[b * src_ld + h] * k;
  }
  *ld = H;
  return buf;
}

// lstmSequence(x, kernel, bias, h0, c0, keep|null, out, gates, cells, B, T, I, H, forgetBias)
napi_value LstmSequence(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 14);
    size_t lx, lk, lb, lh, lc, lm, lo, lg, lcs;
    const float* x = F32(env, a[0], &lx);
    const float* W = F32(env, a[1], &lk);
    const float* bias = F32(env, a[2], &lb);
    const float* h0 = F32(env, a[3], &lh);
    const float* c0 = F32(env, a[4], &lc);
    const float* keep = F32(env, a[5], &lm);
    float* out = F32(env, a[6], &lo);
    float* gates = F32(env, a[7], &lg);
    float* cells = F32(env, a[8], &lcs);
    const int64_t B = Int(env, a[9]), T = Int(env, a[10]), I = Int(env, a[11]), H = Int(env, a[12]);
    const float fb = static_cast<float>(Num(env, a[13]));
    const int64_t G = 4 * H;
    if (B < 1 || T < 1 || I < 1 || H < 1) throw ArgError{"lstmSequence: empty shape"};
    if (!x || !W || !bias || !h0 || !c0 || !out || !gates || !cells) throw ArgError{"lstmSequence: missing operand"};
    if (lx < size_t(B * T * I) || lk < size_t((I + H) * G) || lb < size_t(G) || lh < size_t(B * H) || lc < size_t(B * H) ||
        (keep && lm < size_t(B * T)) || lo < size_t(B * (T + 1) * H) || lg < size_t(B * T * G) || lcs < size_t(B * T * H))
      throw ArgError{"lstmSequence: array too small for the given shape"};
    const float* Wh = W + I * G;
    // Input projection of every step at once: gates[B·T, 4H] = x[B·T, I] · W_x.
    SplitGemm(false, false, B * T, G, I, x, I, W, G, gates);
    std::vector<float> hbuf(keep ? B * H : 0), cbuf(keep ? B * H : 0);
    for (int64_t t = 0; t < T; ++t) {
      int64_t hld, cld;
      const float* hp = PrevState(t, B, T, H, h0, out, (T + 1) * H, keep, hbuf.data(), &hld);
      const float* cp = PrevState(t, B, T, H, c0, cells, T * H, keep, cbuf.data(), &cld);
      float* gt = gates + t * G;  // rows b at gt + b·T·4H
      GemmInto(false, B, G, H, hp, hld, Wh, G, 1.f, gt, T * G);
      ParallelRows(B, 24 * H, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          float* g = gt + b * T * G;
          const float* c_prev = cp + b * cld;
          float* c_new = cells + (b * T + t) * H;
          float* h_new = out + (b * (T + 1) + t) * H;
          for (int64_t h = 0; h < H; ++h) {
            const float i = Sigmoid(g[h] + bias[h]);
            const float j = FastTanh(g[H + h] + bias[H + h]);
            const float f = Sigmoid(g[2 * H + h] + bias[2 * H + h] + fb);
            const float o = Sigmoid(g[3 * H + h] + bias[3 * H + h]);
            const float c = c_prev[h] * f + i * j;
            g[h] = i;
            g[H + h] = j;
            g[2 * H + h] = f;
            g[3 * H + h] = o;
            c_new[h] = c;
            h_new[h] = FastTanh(c) * o;
          }
        }
      });
    }
    for (int64_t b = 0; b < B; ++b)
      std::memcpy(out + (b * (T + 1) + T) * H, cells + (b * T + T - 1) * H, sizeof(float) * H);
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  } catch (const dnnl::error& e) {
    return Throw(env, std::string("lstmSequence: oneDNN error: ") + e.what());
  }
}

// lstmSequenceGrad(dy, x, kernel, h0, c0, keep|null, out, gates, cells, dx, dkernel, dbias, dh0, dc0,
//                  B, T, I, H)
// dy [B, T + 1, H] is the gradient of `out`. Per step t (from T − 1 down), with dh = dy_t + dh_next:
//   dc = dc_next + dh·o·(1 − tanh²c_t);  d pre = [dc·j·i(1−i), dc·i(1−j²), dc·c_{t−1}·f(1−f), dh·tanh c_t·o(1−o)]
//   dh_next = (d pre · W_hᵀ)·keep_t;  dc_next = dc·f·keep_t
// then dx = dPre · W_xᵀ, dkernel = [x, h_prev]ᵀ · dPre and dbias = Σ dPre over all steps at once.
napi_value LstmSequenceGrad(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 18);
    size_t ldy, lx, lk, lh, lc, lm, lo, lg, lcs, ldx, ldk, ldb, ldh, ldc;
    const float* dy = F32(env, a[0], &ldy);
    const float* x = F32(env, a[1], &lx);
    const float* W = F32(env, a[2], &lk);
    const float* h0 = F32(env, a[3], &lh);
    const float* c0 = F32(env, a[4], &lc);
    const float* keep = F32(env, a[5], &lm);
    const float* out = F32(env, a[6], &lo);
    const float* gates = F32(env, a[7], &lg);
    const float* cells = F32(env, a[8], &lcs);
    float* dx = F32(env, a[9], &ldx);
    float* dW = F32(env, a[10], &ldk);
    float* db = F32(env, a[11], &ldb);
    float* dh0 = F32(env, a[12], &ldh);
    float* dc0 = F32(env, a[13], &ldc);
    const int64_t B = Int(env, a[14]), T = Int(env, a[15]), I = Int(env, a[16]), H = Int(env, a[17]);
    const int64_t G = 4 * H;
    if (B < 1 || T < 1 || I < 1 || H < 1) throw ArgError{"lstmSequenceGrad: empty shape"};
    if (!dy || !x || !W || !h0 || !c0 || !out || !gates || !cells || !dx || !dW || !db || !dh0 || !dc0)
      throw ArgError{"lstmSequenceGrad: missing operand"};
    if (ldy < size_t(B * (T + 1) * H) || lx < size_t(B * T * I) || lk < size_t((I + H) * G) || lh < size_t(B * H) ||
        lc < size_t(B * H) || (keep && lm < size_t(B * T)) || lo < size_t(B * (T + 1) * H) || lg < size_t(B * T * G) ||
        lcs < size_t(B * T * H) || ldx < size_t(B * T * I) || ldk < size_t((I + H) * G) || ldb < size_t(G) ||
        ldh < size_t(B * H) || ldc < size_t(B * H))
      throw ArgError{"lstmSequenceGrad: array too small for the given shape"};
    const float* Wh = W + I * G;
    std::vector<float> dpre(static_cast<size_t>(B * T * G));  // [B, T, 4H]
    std::vector<float> hprev(static_cast<size_t>(B * T * H));  // [B, T, H]: the h each step read
    std::vector<float> dh_next(static_cast<size_t>(B * H), 0.f);
    // dc_next starts as the gradient of c_T.
    for (int64_t b = 0; b < B; ++b) std::memcpy(dc0 + b * H, dy + (b * (T + 1) + T) * H, sizeof(float) * H);
    float* dc_next = dc0;
    for (int64_t t = T - 1; t >= 0; --t) {
      ParallelRows(B, 24 * H, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          const float k = keep ? keep[b * T + t] : 1.f;
          const float* g = gates + (b * T + t) * G;
          const float* c_t = cells + (b * T + t) * H;
          const float* c_prev = t == 0 ? c0 + b * H : cells + (b * T + t - 1) * H;
          const float* h_prev = t == 0 ? h0 + b * H : out + (b * (T + 1) + t - 1) * H;
          const float* dy_t = dy + (b * (T + 1) + t) * H;
          float* dp = dpre.data() + (b * T + t) * G;
          float* hp = hprev.data() + (b * T + t) * H;
          float* dhn = dh_next.data() + b * H;
          float* dcn = dc_next + b * H;
          for (int64_t h = 0; h < H; ++h) {
            const float i = g[h], j = g[H + h], f = g[2 * H + h], o = g[3 * H + h];
            const float tc = FastTanh(c_t[h]);
            const float dh = dy_t[h] + dhn[h];
            const float dc = dcn[h] + dh * o * (1.f - tc * tc);
            dp[h] = dc * j * i * (1.f - i);
            dp[H + h] = dc * i * (1.f - j * j);
            dp[2 * H + h] = dc * c_prev[h] * k * f * (1.f - f);
            dp[3 * H + h] = dh * tc * o * (1.f - o);
            dcn[h] = dc * f * k;
            hp[h] = h_prev[h] * k;
          }
        }
      });
      // dh_next[B, H] = dpre_t[B, 4H] · W_hᵀ, then times keep_t.
      GemmInto(true, B, H, G, dpre.data() + t * G, T * G, Wh, G, 0.f, dh_next.data(), H);
      if (keep)
        for (int64_t b = 0; b < B; ++b) {
          const float k = keep[b * T + t];
          if (k != 1.f) for (int64_t h = 0; h < H; ++h) dh_next[b * H + h] *= k;
        }
    }
    std::memcpy(dh0, dh_next.data(), sizeof(float) * B * H);
    const int64_t N = B * T;
    SplitGemm(false, true, N, I, G, dpre.data(), G, W, G, dx);             // dx[N, I] = dPre · W_xᵀ
    SplitGemm(true, false, I, G, N, x, I, dpre.data(), G, dW);             // dW_x[I, 4H] = xᵀ · dPre
    SplitGemm(true, false, H, G, N, hprev.data(), H, dpre.data(), G, dW + I * G);  // dW_h[H, 4H]
    // dbias = column sums of dPre, column blocks on the pool.
    const int64_t colBlock = 64;
    ParallelRows((G + colBlock - 1) / colBlock, N * colBlock, [&](int64_t k0, int64_t k1) {
      for (int64_t blk = k0; blk < k1; ++blk) {
        const int64_t c0i = blk * colBlock, c1i = std::min(G, c0i + colBlock);
        double acc[64] = {0};
        for (int64_t r = 0; r < N; ++r) {
          const float* row = dpre.data() + r * G;
          for (int64_t c = c0i; c < c1i; ++c) acc[c - c0i] += row[c];
        }
        for (int64_t c = c0i; c < c1i; ++c) db[c] = static_cast<float>(acc[c - c0i]);
      }
    });
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  } catch (const dnnl::error& e) {
    return Throw(env, std::string("lstmSequenceGrad: oneDNN error: ") + e.what());
  }
}
