// N-API addon: hot tfjs kernels on oneDNN (convolutions, sgemm) and OpenMP loops
// (element-wise ops, reductions, transposes). Every function works on Float32Arrays
// owned by the JavaScript side and writes its result into a preallocated output array.
#include <node_api.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "dnnl.hpp"
#include "dnnl_version.h"
#include "work_pool.h"

namespace {

// ---------------------------------------------------------------- N-API helpers
struct ArgError {
  std::string message;
};

napi_value Throw(napi_env env, const std::string& msg) {
  napi_throw_error(env, "ERR_WORLDMODELS_NATIVE", msg.c_str());
  return nullptr;
}

std::vector<napi_value> Args(napi_env env, napi_callback_info info, size_t expected) {
  std::vector<napi_value> argv(expected);
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr);
  if (argc < expected) throw ArgError{"expected " + std::to_string(expected) + " arguments, got " + std::to_string(argc)};
  return argv;
}

float* F32(napi_env env, napi_value v, size_t* len = nullptr) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  if (vt == napi_null || vt == napi_undefined) { if (len) *len = 0; return nullptr; }
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) throw ArgError{"expected a Float32Array"};
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value ab;
  size_t offset;
  napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset);
  if (type != napi_float32_array) throw ArgError{"expected a Float32Array"};
  if (len) *len = length;
  return static_cast<float*>(data);
}

int32_t* I32(napi_env env, napi_value v, size_t* len) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) throw ArgError{"expected an Int32Array"};
  napi_typedarray_type type;
  void* data;
  napi_value ab;
  size_t offset;
  napi_get_typedarray_info(env, v, &type, len, &data, &ab, &offset);
  if (type != napi_int32_array) throw ArgError{"expected an Int32Array"};
  return static_cast<int32_t*>(data);
}

int64_t Int(napi_env env, napi_value v) {
  int64_t out = 0;
  if (napi_get_value_int64(env, v, &out) != napi_ok) throw ArgError{"expected an integer"};
  return out;
}

double Num(napi_env env, napi_value v) {
  double out = 0;
  if (napi_get_value_double(env, v, &out) != napi_ok) throw ArgError{"expected a number"};
  return out;
}

bool Bool(napi_env env, napi_value v) {
  bool out = false;
  if (napi_get_value_bool(env, v, &out) != napi_ok) throw ArgError{"expected a boolean"};
  return out;
}

napi_value Undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// Work below this many elements stays on one thread: waking the team costs more.
constexpr int64_t kParallelGrain = 1 << 15;

// Runs fn(begin, end) over [0, rows) on the work pool, with chunks of about kParallelGrain
// elements when each row costs `row_cost` elements; inline when the whole job is small.
template <typename F>
void ParallelRows(int64_t rows, int64_t row_cost, F fn) {
  row_cost = std::max<int64_t>(row_cost, 1);
  if (rows * row_cost <= kParallelGrain) {
    fn(0, rows);
    return;
  }
  int64_t grain = std::max<int64_t>(1, (kParallelGrain / 2) / row_cost);
  std::function<void(int64_t, int64_t)> f = fn;
  wm::WorkPool::Get().Run(rows, grain, f);
}

// ---------------------------------------------------------------- activations
// Codes shared with src/kernels/activation.ts.
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kSigmoid = 3, kElu = 4, kLeakyRelu = 5 };

inline float Activate(float v, int act, float alpha) {
  switch (act) {
    case kRelu: return v > 0.f ? v : 0.f;
    case kRelu6: return v < 0.f ? 0.f : (v > 6.f ? 6.f : v);
    case kSigmoid: return 1.f / (1.f + std::exp(-v));
    case kElu: return v >= 0.f ? v : std::expm1(v);
    case kLeakyRelu: return v >= 0.f ? v : alpha * v;
    default: return v;
  }
}

// y[r, c] = act(y[r, c] + bias[c % biasLen]) over rows*cols, in place.
void BiasActivate(float* y, int64_t rows, int64_t cols, const float* bias, int64_t bias_len, int act, float alpha) {
  if (!bias && act == kLinear) return;
  ParallelRows(rows, cols, [&](int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; ++r) {
    float* row = y + r * cols;
    if (bias && bias_len == rows * cols && rows > 1) {  // full-shape bias (e.g. a precomputed input projection)
      const float* br = bias + r * cols;
      for (int64_t c = 0; c < cols; ++c) row[c] = Activate(row[c] + br[c], act, alpha);
    } else if (bias && bias_len == cols) {
      if (act == kRelu) {
        for (int64_t c = 0; c < cols; ++c) { float v = row[c] + bias[c]; row[c] = v > 0.f ? v : 0.f; }
      } else if (act == kLinear) {
        for (int64_t c = 0; c < cols; ++c) row[c] += bias[c];
      } else {
        for (int64_t c = 0; c < cols; ++c) row[c] = Activate(row[c] + bias[c], act, alpha);
      }
    } else if (bias) {  // scalar bias (bias_len == 1)
      float b = bias[0];
      for (int64_t c = 0; c < cols; ++c) row[c] = Activate(row[c] + b, act, alpha);
    } else {
      for (int64_t c = 0; c < cols; ++c) row[c] = Activate(row[c], act, alpha);
    }
  }
  });
}

// ---------------------------------------------------------------- oneDNN state
dnnl::engine& Engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}
// One stream per calling thread: Node worker threads each call in from their own JS thread.
dnnl::stream& Stream() {
  static thread_local dnnl::stream s(Engine());
  return s;
}

// One product C = op(A)·op(B) (row-major), split into row or column blocks on the work pool;
// each block is a single-threaded oneDNN sgemm. Small products run on the calling thread.
void SplitGemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* A, int64_t lda, const float* B,
               int64_t ldb, float* C) {
  const char tA = ta ? 'T' : 'N', tB = tb ? 'T' : 'N';
  auto& pool = wm::WorkPool::Get();
  const int64_t flops = m * n * k;
  int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  if (pool.threads() == 1 || flops < (1 << 20)) {
    dnnl_sgemm(tA, tB, m, n, k, 1.f, A, lda, B, ldb, 0.f, C, n);
  } else if (m >= n) {
    const int64_t parts = std::min<int64_t>(4 * pool.threads(), (m + 15) / 16);
    const int64_t rows = ((m + parts - 1) / parts + 7) / 8 * 8;
    std::function<void(int64_t, int64_t)> f = [&](int64_t b, int64_t e) {
      for (int64_t blk = b; blk < e; ++blk) {
        int64_t r0 = blk * rows, r1 = std::min(m, r0 + rows);
        if (r0 >= r1) continue;
        const float* a = ta ? A + r0 : A + r0 * lda;
        dnnl_sgemm(tA, tB, r1 - r0, n, k, 1.f, a, lda, B, ldb, 0.f, C + r0 * n, n);
      }
    };
    pool.Run((m + rows - 1) / rows, 1, f);
  } else {
    const int64_t parts = std::min<int64_t>(4 * pool.threads(), (n + 15) / 16);
    const int64_t cols = ((n + parts - 1) / parts + 15) / 16 * 16;
    std::function<void(int64_t, int64_t)> f = [&](int64_t b, int64_t e) {
      for (int64_t blk = b; blk < e; ++blk) {
        int64_t c0 = blk * cols, c1 = std::min(n, c0 + cols);
        if (c0 >= c1) continue;
        const float* bb = tb ? B + c0 * ldb : B + c0;
        dnnl_sgemm(tA, tB, m, c1 - c0, k, 1.f, A, lda, bb, ldb, 0.f, C + c0, n);
      }
    };
    pool.Run((n + cols - 1) / cols, 1, f);
  }
  omp_set_num_threads(saved);
}

// gemm(a, b, c, batch, m, n, k, transA, transB, aBatchStride, bBatchStride, bias|null, act, alpha)
// Row-major C[b] = op(A[b]) @ op(B[b]); A is [m,k] (or [k,m] when transposed), B is [k,n] (or [n,k]).
napi_value Gemm(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 14);
    size_t la, lb, lc;
    const float* A = F32(env, a[0], &la);
    const float* B = F32(env, a[1], &lb);
    float* C = F32(env, a[2], &lc);
    int64_t batch = Int(env, a[3]), m = Int(env, a[4]), n = Int(env, a[5]), k = Int(env, a[6]);
    bool ta = Bool(env, a[7]), tb = Bool(env, a[8]);
    int64_t sa = Int(env, a[9]), sb = Int(env, a[10]);
    size_t lbias = 0;
    const float* bias = F32(env, a[11], &lbias);
    int act = static_cast<int>(Int(env, a[12]));
    float alpha = static_cast<float>(Num(env, a[13]));
    if (!A || !B || !C) throw ArgError{"gemm: missing operand"};
    if (lc < static_cast<size_t>(batch * m * n)) throw ArgError{"gemm: output too small"};
    if (la < static_cast<size_t>((batch - 1) * sa + m * k) || lb < static_cast<size_t>((batch - 1) * sb + k * n))
      throw ArgError{"gemm: operand too small for the given shape"};
    const int64_t lda = ta ? m : k, ldb = tb ? k : n;
    if (k == 0) {
      std::memset(C, 0, sizeof(float) * batch * m * n);
    } else if (batch == 1) {
      SplitGemm(ta, tb, m, n, k, A, lda, B, ldb, C);
    } else {
      // Many small products: one product per thread (oneDNN runs sequentially inside a parallel region).
      bool outer = m * n * k < (1 << 18);
      if (outer) {
        // One product per chunk, each on one thread.
        int saved = omp_get_max_threads();
        omp_set_num_threads(1);
        ParallelRows(batch, m * n * k / 16 + 1, [&](int64_t i0, int64_t i1) {
          for (int64_t i = i0; i < i1; ++i)
            dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, A + i * sa, lda, B + i * sb, ldb, 0.f, C + i * m * n, n);
        });
        omp_set_num_threads(saved);
      } else {
        for (int64_t i = 0; i < batch; ++i) SplitGemm(ta, tb, m, n, k, A + i * sa, lda, B + i * sb, ldb, C + i * m * n);
      }
    }
    BiasActivate(C, batch * m, n, bias, static_cast<int64_t>(lbias), act, alpha);
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  } catch (const dnnl::error& e) {
    return Throw(env, std::string("oneDNN: ") + e.what());
  }
}

// ---------------------------------------------------------------- convolutions
// Geometry of a 2-D convolution in tfjs terms (NHWC activations, HWIO filters).
struct ConvGeom {
  int64_t n, h, w, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  std::string Key(char kind) const {
    std::ostringstream s;
    s << kind;
    for (int64_t v : {n, h, w, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr}) s << ',' << v;
    return s.str();
  }
  dnnl::memory::desc Src() const { return {{n, c, h, w}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc}; }
  dnnl::memory::desc Dst() const { return {{n, oc, oh, ow}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc}; }
  dnnl::memory::desc UserWeights() const { return {{oc, c, kh, kw}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::hwio}; }
  dnnl::memory::desc AnyWeights() const { return {{oc, c, kh, kw}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::any}; }
  dnnl::memory::dims Strides() const { return {sh, sw}; }
  dnnl::memory::dims Dilates() const { return {dh - 1, dw - 1}; }  // oneDNN counts dilation from 0
  dnnl::memory::dims PadL() const { return {pt, pl}; }
  dnnl::memory::dims PadR() const {
    // oneDNN wants (in - ((k-1)*d+1) + pl + pr) / s + 1 == out exactly; tfjs may leave unused rows.
    int64_t rb = (oh - 1) * sh + (kh - 1) * dh + 1 - h - pt;
    int64_t rr = (ow - 1) * sw + (kw - 1) * dw + 1 - w - pl;
    return {rb, rr};
  }
};

ConvGeom ReadGeom(napi_env env, napi_value v) {
  size_t len;
  int32_t* p = I32(env, v, &len);
  if (len != 17) throw ArgError{"conv: geometry must have 17 entries"};
  ConvGeom g{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16]};
  return g;
}

// A convolution that is a plain matrix product: a 1×1 output whose filter covers the whole
// unpadded input (dense layer on a feature map, e.g. a transposed conv from a 1×1 code), or a
// 1×1 filter with stride 1 and no padding. Then with rows = N·OH·OW and depth = KH·KW·C,
// y[rows, OC] = x[rows, depth] · w[depth, OC] in HWIO order, no reorders needed.
bool IsGemmConv(const ConvGeom& g, int64_t* rows, int64_t* depth) {
  bool unpadded = g.pt == 0 && g.pl == 0 && g.pb == 0 && g.pr == 0 && g.dh == 1 && g.dw == 1;
  if (!unpadded) return false;
  if (g.oh == 1 && g.ow == 1 && g.kh == g.h && g.kw == g.w) {
    *rows = g.n;
    *depth = g.h * g.w * g.c;
    return true;
  }
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.h && g.ow == g.w) {
    *rows = g.n * g.h * g.w;
    *depth = g.c;
    return true;
  }
  return false;
}

dnnl::convolution_forward::primitive_desc ForwardPd(const ConvGeom& g) {
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, g.Src(),
                                    g.AnyWeights(), g.Dst(), g.Strides(), g.Dilates(), g.PadL(), g.PadR());
  return dnnl::convolution_forward::primitive_desc(d, Engine());
}

struct ConvPlan {
  dnnl::primitive prim;
  dnnl::memory::desc weights;  // the layout the primitive wants
  bool reorder;                // weights layout differs from HWIO
  dnnl::memory::desc scratch;
};

std::mutex plan_mutex;
std::unordered_map<std::string, std::shared_ptr<ConvPlan>> plans;

std::shared_ptr<ConvPlan> GetPlan(const ConvGeom& g, char kind) {
  std::string key = g.Key(kind);
  std::lock_guard<std::mutex> lock(plan_mutex);
  auto it = plans.find(key);
  if (it != plans.end()) return it->second;
  auto plan = std::make_shared<ConvPlan>();
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  auto fwd = ForwardPd(g);
  if (kind == 'f') {
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, g.Src(),
                                      g.AnyWeights(), g.Dst(), g.Strides(), g.Dilates(), g.PadL(), g.PadR());
    dnnl::convolution_forward::primitive_desc pd(d, attr, Engine());
    plan->prim = dnnl::convolution_forward(pd);
    plan->weights = pd.weights_desc();
    plan->scratch = pd.scratchpad_desc();
  } else if (kind == 'd') {
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, g.Src(), g.AnyWeights(), g.Dst(),
                                            g.Strides(), g.Dilates(), g.PadL(), g.PadR());
    dnnl::convolution_backward_data::primitive_desc pd(d, attr, Engine(), fwd);
    plan->prim = dnnl::convolution_backward_data(pd);
    plan->weights = pd.weights_desc();
    plan->scratch = pd.scratchpad_desc();
  } else {
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, g.Src(), g.AnyWeights(), g.Dst(),
                                               g.Strides(), g.Dilates(), g.PadL(), g.PadR());
    dnnl::convolution_backward_weights::primitive_desc pd(d, attr, Engine(), fwd);
    plan->prim = dnnl::convolution_backward_weights(pd);
    plan->weights = pd.diff_weights_desc();
    plan->scratch = pd.scratchpad_desc();
  }
  plan->reorder = plan->weights != g.UserWeights();
  plans.emplace(key, plan);
  return plan;
}

// Scratch buffers reused across calls, one set per calling thread: every Node worker thread
// that loads the addon calls kernels concurrently with the others (shared buffers gave NaNs).
thread_local std::vector<float> weight_scratch;
thread_local std::vector<uint8_t> pad_scratch;

dnnl::memory ScratchMemory(const dnnl::memory::desc& d) {
  size_t bytes = d.get_size();
  if (pad_scratch.size() < bytes) pad_scratch.resize(bytes);
  return dnnl::memory(d, Engine(), pad_scratch.data());
}

void Check(size_t have, int64_t want, const char* what) {
  if (have < static_cast<size_t>(want)) throw ArgError{std::string("conv: ") + what + " array is smaller than its shape"};
}

// conv2d(x, filter, y, geom, bias|null, act, alpha)
napi_value Conv2D(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 7);
    size_t lx, lw, ly, lbias = 0;
    float* x = F32(env, a[0], &lx);
    float* w = F32(env, a[1], &lw);
    float* y = F32(env, a[2], &ly);
    ConvGeom g = ReadGeom(env, a[3]);
    const float* bias = F32(env, a[4], &lbias);
    int act = static_cast<int>(Int(env, a[5]));
    float alpha = static_cast<float>(Num(env, a[6]));
    Check(lx, g.n * g.h * g.w * g.c, "input");
    Check(lw, g.kh * g.kw * g.c * g.oc, "filter");
    Check(ly, g.n * g.oh * g.ow * g.oc, "output");
    int64_t rows, depth;
    if (IsGemmConv(g, &rows, &depth)) {
      SplitGemm(false, false, rows, g.oc, depth, x, depth, w, g.oc, y);
      BiasActivate(y, rows, g.oc, bias, static_cast<int64_t>(lbias), act, alpha);
      return Undefined(env);
    }
    auto plan = GetPlan(g, 'f');
    dnnl::memory src(g.Src(), Engine(), x), dst(g.Dst(), Engine(), y), user_w(g.UserWeights(), Engine(), w);
    dnnl::memory wm = user_w;
    if (plan->reorder) {
      size_t need = plan->weights.get_size() / sizeof(float) + 1;
      if (weight_scratch.size() < need) weight_scratch.resize(need);
      wm = dnnl::memory(plan->weights, Engine(), weight_scratch.data());
      dnnl::reorder(user_w, wm).execute(Stream(), user_w, wm);
    }
    plan->prim.execute(Stream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, dst},
                                  {DNNL_ARG_SCRATCHPAD, ScratchMemory(plan->scratch)}});
    Stream().wait();
    BiasActivate(y, g.n * g.oh * g.ow, g.oc, bias, static_cast<int64_t>(lbias), act, alpha);
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  } catch (const dnnl::error& e) {
    return Throw(env, std::string("oneDNN: ") + e.what());
  }
}

// conv2dBackpropInput(dy, filter, dx, geom): dx = gradient of conv2d w.r.t. its input.
napi_value Conv2DBackpropInput(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 4);
    size_t ldy, lw, ldx;
    float* dy = F32(env, a[0], &ldy);
    float* w = F32(env, a[1], &lw);
    float* dx = F32(env, a[2], &ldx);
    ConvGeom g = ReadGeom(env, a[3]);
    Check(ldx, g.n * g.h * g.w * g.c, "input-gradient");
    Check(lw, g.kh * g.kw * g.c * g.oc, "filter");
    Check(ldy, g.n * g.oh * g.ow * g.oc, "output-gradient");
    int64_t rows, depth;
    if (IsGemmConv(g, &rows, &depth)) {  // dx[rows, depth] = dy[rows, OC] · w[depth, OC]ᵀ
      SplitGemm(false, true, rows, depth, g.oc, dy, g.oc, w, g.oc, dx);
      return Undefined(env);
    }
    auto plan = GetPlan(g, 'd');
    dnnl::memory dsrc(g.Src(), Engine(), dx), ddst(g.Dst(), Engine(), dy), user_w(g.UserWeights(), Engine(), w);
    dnnl::memory wm = user_w;
    if (plan->reorder) {
      size_t need = plan->weights.get_size() / sizeof(float) + 1;
      if (weight_scratch.size() < need) weight_scratch.resize(need);
      wm = dnnl::memory(plan->weights, Engine(), weight_scratch.data());
      dnnl::reorder(user_w, wm).execute(Stream(), user_w, wm);
    }
    plan->prim.execute(Stream(), {{DNNL_ARG_DIFF_SRC, dsrc}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DIFF_DST, ddst},
                                  {DNNL_ARG_SCRATCHPAD, ScratchMemory(plan->scratch)}});
    Stream().wait();
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  } catch (const dnnl::error& e) {
    return Throw(env, std::string("oneDNN: ") + e.what());
  }
}

// conv2dBackpropFilter(x, dy, dw, geom): dw = gradient of conv2d w.r.t. its filter.
napi_value Conv2DBackpropFilter(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 4);
    size_t lx, ldy, ldw;
    float* x = F32(env, a[0], &lx);
    float* dy = F32(env, a[1], &ldy);
    float* dw = F32(env, a[2], &ldw);
    ConvGeom g = ReadGeom(env, a[3]);
    Check(lx, g.n * g.h * g.w * g.c, "input");
    Check(ldw, g.kh * g.kw * g.c * g.oc, "filter-gradient");
    Check(ldy, g.n * g.oh * g.ow * g.oc, "output-gradient");
    int64_t rows, depth;
    if (IsGemmConv(g, &rows, &depth)) {  // dw[depth, OC] = x[rows, depth]ᵀ · dy[rows, OC]
      SplitGemm(true, false, depth, g.oc, rows, x, depth, dy, g.oc, dw);
      return Undefined(env);
    }
    auto plan = GetPlan(g, 'w');
    dnnl::memory src(g.Src(), Engine(), x), ddst(g.Dst(), Engine(), dy), user_w(g.UserWeights(), Engine(), dw);
    dnnl::memory wm = user_w;
    if (plan->reorder) {
      size_t need = plan->weights.get_size() / sizeof(float) + 1;
      if (weight_scratch.size() < need) weight_scratch.resize(need);
      wm = dnnl::memory(plan->weights, Engine(), weight_scratch.data());
    }
    plan->prim.execute(Stream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_WEIGHTS, wm}, {DNNL_ARG_DIFF_DST, ddst},
                                  {DNNL_ARG_SCRATCHPAD, ScratchMemory(plan->scratch)}});
    if (plan->reorder) dnnl::reorder(wm, user_w).execute(Stream(), wm, user_w);
    Stream().wait();
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  } catch (const dnnl::error& e) {
    return Throw(env, std::string("oneDNN: ") + e.what());
  }
}

// ---------------------------------------------------------------- element-wise
// Codes shared with src/kernels/elementwise.ts.
enum Binary { kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kSquaredDiff, kPow };
enum Unary {
  kRelU = 0, kSigmoidU, kTanh, kExp, kLog, kSqrt, kSquare, kNeg, kAbs, kStep, kRsqrt, kReciprocal,
  kRelu6U, kEluU, kLeakyReluU, kSoftplus, kLog1p, kExpm1, kClip, kSign, kFloor, kCeil, kRound
};

template <typename F>
void ForEach(int64_t n, F f) {
  ParallelRows(n, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

template <typename Op>
void BinaryLoop(const float* a, const float* b, float* out, const int64_t* shape, const int64_t* sa, const int64_t* sb,
                int rank, Op op) {
  // Iterate over all but the innermost dimension; the innermost runs with unit or zero strides.
  int64_t inner = rank > 0 ? shape[rank - 1] : 1;
  int64_t ia = rank > 0 ? sa[rank - 1] : 0, ib = rank > 0 ? sb[rank - 1] : 0;
  int64_t outer = 1;
  for (int d = 0; d < rank - 1; ++d) outer *= shape[d];
  ParallelRows(outer, inner, [&](int64_t o0, int64_t o1) {
  for (int64_t o = o0; o < o1; ++o) {
    int64_t offa = 0, offb = 0, rem = o;
    for (int d = rank - 2; d >= 0; --d) {
      int64_t idx = rem % shape[d];
      rem /= shape[d];
      offa += idx * sa[d];
      offb += idx * sb[d];
    }
    const float* pa = a + offa;
    const float* pb = b + offb;
    float* po = out + o * inner;
    if (ia == 1 && ib == 1) {
      for (int64_t i = 0; i < inner; ++i) po[i] = op(pa[i], pb[i]);
    } else if (ia == 1 && ib == 0) {
      float vb = pb[0];
      for (int64_t i = 0; i < inner; ++i) po[i] = op(pa[i], vb);
    } else if (ia == 0 && ib == 1) {
      float va = pa[0];
      for (int64_t i = 0; i < inner; ++i) po[i] = op(va, pb[i]);
    } else {
      for (int64_t i = 0; i < inner; ++i) po[i] = op(pa[i * ia], pb[i * ib]);
    }
  }
  });
}

// binary(op, a, b, out, outShape Int32Array, aStrides Int32Array, bStrides Int32Array)
// Strides are element strides of a/b broadcast to outShape (0 on broadcast dimensions).
napi_value BinaryOp(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 7);
    int op = static_cast<int>(Int(env, a[0]));
    size_t la, lb, lo, r1, r2, r3;
    const float* A = F32(env, a[1], &la);
    const float* B = F32(env, a[2], &lb);
    float* O = F32(env, a[3], &lo);
    int32_t* shape32 = I32(env, a[4], &r1);
    int32_t* sa32 = I32(env, a[5], &r2);
    int32_t* sb32 = I32(env, a[6], &r3);
    if (r1 != r2 || r1 != r3 || r1 > 8) throw ArgError{"binary: shape and strides must have the same rank (<= 8)"};
    int rank = static_cast<int>(r1);
    int64_t shape[8], sa[8], sb[8], total = 1, maxa = 0, maxb = 0;
    for (int d = 0; d < rank; ++d) {
      shape[d] = shape32[d]; sa[d] = sa32[d]; sb[d] = sb32[d];
      total *= shape[d];
      if (shape[d] > 0) { maxa += (shape[d] - 1) * sa[d]; maxb += (shape[d] - 1) * sb[d]; }
    }
    if (lo < static_cast<size_t>(total)) throw ArgError{"binary: output too small"};
    if (total == 0) return Undefined(env);
    if (la <= static_cast<size_t>(maxa) || lb <= static_cast<size_t>(maxb)) throw ArgError{"binary: operand too small"};
    switch (op) {
      case kAdd: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) { return x + y; }); break;
      case kSub: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) { return x - y; }); break;
      case kMul: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) { return x * y; }); break;
      case kDiv: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) { return x / y; }); break;
      case kMax: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) {
          return (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y); }); break;
      case kMin: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) {
          return (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y); }); break;
      case kSquaredDiff: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) { return (x - y) * (x - y); }); break;
      case kPow: BinaryLoop(A, B, O, shape, sa, sb, rank, [](float x, float y) { return std::pow(x, y); }); break;
      default: throw ArgError{"binary: unknown op code " + std::to_string(op)};
    }
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// compare(op, a, b, out Uint8Array, outShape, aStrides, bStrides): tfjs bool results (0/1).
enum Compare { kEqual = 0, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

napi_value CompareOp(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 7);
    int op = static_cast<int>(Int(env, a[0]));
    size_t la, lb, r1, r2, r3;
    const float* A = F32(env, a[1], &la);
    const float* B = F32(env, a[2], &lb);
    bool is_ta = false;
    napi_is_typedarray(env, a[3], &is_ta);
    if (!is_ta) throw ArgError{"compare: expected a Uint8Array output"};
    napi_typedarray_type type;
    size_t lo;
    void* data;
    napi_value ab;
    size_t off;
    napi_get_typedarray_info(env, a[3], &type, &lo, &data, &ab, &off);
    if (type != napi_uint8_array) throw ArgError{"compare: expected a Uint8Array output"};
    uint8_t* O = static_cast<uint8_t*>(data);
    int32_t* shape32 = I32(env, a[4], &r1);
    int32_t* sa32 = I32(env, a[5], &r2);
    int32_t* sb32 = I32(env, a[6], &r3);
    if (r1 != r2 || r1 != r3 || r1 > 8) throw ArgError{"compare: shape and strides must have the same rank (<= 8)"};
    int rank = static_cast<int>(r1);
    int64_t shape[8], sa[8], sb[8], total = 1, maxa = 0, maxb = 0;
    for (int d = 0; d < rank; ++d) {
      shape[d] = shape32[d]; sa[d] = sa32[d]; sb[d] = sb32[d];
      total *= shape[d];
      if (shape[d] > 0) { maxa += (shape[d] - 1) * sa[d]; maxb += (shape[d] - 1) * sb[d]; }
    }
    if (lo < static_cast<size_t>(total)) throw ArgError{"compare: output too small"};
    if (total == 0) return Undefined(env);
    if (la <= static_cast<size_t>(maxa) || lb <= static_cast<size_t>(maxb)) throw ArgError{"compare: operand too small"};
    int64_t inner = rank > 0 ? shape[rank - 1] : 1;
    int64_t ia = rank > 0 ? sa[rank - 1] : 0, ib = rank > 0 ? sb[rank - 1] : 0;
    int64_t outer = total / std::max<int64_t>(inner, 1);
    ParallelRows(outer, inner, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        int64_t offa = 0, offb = 0, rem = o;
        for (int d = rank - 2; d >= 0; --d) {
          int64_t idx = rem % shape[d];
          rem /= shape[d];
          offa += idx * sa[d];
          offb += idx * sb[d];
        }
        const float* pa = A + offa;
        const float* pb = B + offb;
        uint8_t* po = O + o * inner;
        for (int64_t i = 0; i < inner; ++i) {
          float x = pa[i * ia], y = pb[i * ib];
          bool r;
          switch (op) {
            case kEqual: r = x == y; break;
            case kNotEqual: r = x != y; break;
            case kLess: r = x < y; break;
            case kLessEqual: r = x <= y; break;
            case kGreater: r = x > y; break;
            default: r = x >= y; break;
          }
          po[i] = r ? 1 : 0;
        }
      }
    });
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// unary(op, x, out, alpha, beta)
napi_value UnaryOp(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 5);
    int op = static_cast<int>(Int(env, a[0]));
    size_t lx, lo;
    const float* x = F32(env, a[1], &lx);
    float* y = F32(env, a[2], &lo);
    float alpha = static_cast<float>(Num(env, a[3]));
    float beta = static_cast<float>(Num(env, a[4]));
    if (lo < lx) throw ArgError{"unary: output smaller than input"};
    int64_t n = static_cast<int64_t>(lx);
    switch (op) {
      case kRelU: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = v > 0.f ? v : (std::isnan(v) ? v : 0.f); }); break;
      case kSigmoidU: ForEach(n, [&](int64_t i) { y[i] = 1.f / (1.f + std::exp(-x[i])); }); break;
      case kTanh: ForEach(n, [&](int64_t i) { y[i] = std::tanh(x[i]); }); break;
      case kExp: ForEach(n, [&](int64_t i) { y[i] = std::exp(x[i]); }); break;
      case kLog: ForEach(n, [&](int64_t i) { y[i] = std::log(x[i]); }); break;
      case kSqrt: ForEach(n, [&](int64_t i) { y[i] = std::sqrt(x[i]); }); break;
      case kSquare: ForEach(n, [&](int64_t i) { y[i] = x[i] * x[i]; }); break;
      case kNeg: ForEach(n, [&](int64_t i) { y[i] = -x[i]; }); break;
      case kAbs: ForEach(n, [&](int64_t i) { y[i] = std::fabs(x[i]); }); break;
      // tfjs Step: x > 0 ? 1 : alpha (NaN stays NaN).
      case kStep: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = std::isnan(v) ? v : (v > 0.f ? 1.f : alpha); }); break;
      case kRsqrt: ForEach(n, [&](int64_t i) { y[i] = 1.f / std::sqrt(x[i]); }); break;
      case kReciprocal: ForEach(n, [&](int64_t i) { y[i] = 1.f / x[i]; }); break;
      case kRelu6U: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = v < 0.f ? 0.f : (v > 6.f ? 6.f : v); }); break;
      case kEluU: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = v >= 0.f ? v : std::expm1(v); }); break;
      case kLeakyReluU: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = v < 0.f ? alpha * v : v; }); break;
      // tfjs Softplus with its own thresholds (see tfjs-backend-cpu Softplus kernel).
      case kSoftplus: ForEach(n, [&](int64_t i) {
          const float threshold = std::log(1.1920928955078125e-7f) + 2.0f;
          float v = x[i];
          if (v > -threshold) y[i] = v;
          else if (v < threshold) y[i] = std::exp(v);
          else y[i] = std::log1p(std::exp(v)); }); break;
      case kLog1p: ForEach(n, [&](int64_t i) { y[i] = std::log1p(x[i]); }); break;
      case kExpm1: ForEach(n, [&](int64_t i) { y[i] = std::expm1(x[i]); }); break;
      case kClip: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = std::isnan(v) ? v : (v > beta ? beta : (v < alpha ? alpha : v)); }); break;
      case kSign: ForEach(n, [&](int64_t i) { float v = x[i]; y[i] = v < 0.f ? -1.f : (v > 0.f ? 1.f : 0.f); }); break;
      case kFloor: ForEach(n, [&](int64_t i) { y[i] = std::floor(x[i]); }); break;
      case kCeil: ForEach(n, [&](int64_t i) { y[i] = std::ceil(x[i]); }); break;
      case kRound: ForEach(n, [&](int64_t i) { y[i] = std::nearbyint(x[i]); }); break;  // half to even, like tfjs
      default: throw ArgError{"unary: unknown op code " + std::to_string(op)};
    }
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// addN(inputs: Float32Array[], out)
napi_value AddN(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 2);
    uint32_t count = 0;
    napi_get_array_length(env, a[0], &count);
    size_t lo;
    float* out = F32(env, a[1], &lo);
    std::vector<const float*> ins(count);
    for (uint32_t i = 0; i < count; ++i) {
      napi_value el;
      napi_get_element(env, a[0], i, &el);
      size_t l;
      ins[i] = F32(env, el, &l);
      if (l < lo) throw ArgError{"addN: inputs must all have the output's size"};
    }
    int64_t n = static_cast<int64_t>(lo);
    ForEach(n, [&](int64_t i) {
      float s = 0.f;
      for (uint32_t j = 0; j < count; ++j) s += ins[j][i];
      out[i] = s;
    });
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// ---------------------------------------------------------------- reductions
enum Reduce { kSum = 0, kMaxR, kMinR, kProd, kMean };

// reduce(op, x, out, outer, reduced, inner): x viewed as [outer, reduced, inner] -> out [outer, inner].
napi_value ReduceOp(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 6);
    int op = static_cast<int>(Int(env, a[0]));
    size_t lx, lo;
    const float* x = F32(env, a[1], &lx);
    float* y = F32(env, a[2], &lo);
    int64_t outer = Int(env, a[3]), red = Int(env, a[4]), inner = Int(env, a[5]);
    if (lx < static_cast<size_t>(outer * red * inner) || lo < static_cast<size_t>(outer * inner))
      throw ArgError{"reduce: arrays smaller than the given shape"};
    if (inner == 1) {
      ParallelRows(outer, red, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        const float* p = x + o * red;
        double acc;
        switch (op) {
          case kSum: case kMean: { acc = 0; for (int64_t r = 0; r < red; ++r) acc += p[r]; if (op == kMean) acc /= red; break; }
          case kProd: { acc = 1; for (int64_t r = 0; r < red; ++r) acc *= p[r]; break; }
          case kMaxR: { float m = p[0]; for (int64_t r = 1; r < red; ++r) { float v = p[r]; if (v > m || std::isnan(v)) m = v; } acc = m; break; }
          default: { float m = p[0]; for (int64_t r = 1; r < red; ++r) { float v = p[r]; if (v < m || std::isnan(v)) m = v; } acc = m; break; }
        }
        y[o] = static_cast<float>(acc);
      }
      });
    } else {
      // Column reduction: each thread owns a slice of the inner dimension, rows accumulate in place.
      ParallelRows(outer, red * inner, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        float* yo = y + o * inner;
        const float* xo = x + o * red * inner;
        std::memcpy(yo, xo, sizeof(float) * inner);
        for (int64_t r = 1; r < red; ++r) {
          const float* p = xo + r * inner;
          switch (op) {
            case kSum: case kMean: for (int64_t i = 0; i < inner; ++i) yo[i] += p[i]; break;
            case kProd: for (int64_t i = 0; i < inner; ++i) yo[i] *= p[i]; break;
            case kMaxR: for (int64_t i = 0; i < inner; ++i) { float v = p[i]; if (v > yo[i] || std::isnan(v)) yo[i] = v; } break;
            default: for (int64_t i = 0; i < inner; ++i) { float v = p[i]; if (v < yo[i] || std::isnan(v)) yo[i] = v; } break;
          }
        }
        if (op == kMean) for (int64_t i = 0; i < inner; ++i) yo[i] /= static_cast<float>(red);
      }
      });
    }
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// sumColumns: out[c] = sum_r x[r * cols + c]; parallel over column blocks (bias gradients of [N*H*W, C]).
napi_value SumColumns(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 4);
    size_t lx, lo;
    const float* x = F32(env, a[0], &lx);
    float* y = F32(env, a[1], &lo);
    int64_t rows = Int(env, a[2]), cols = Int(env, a[3]);
    if (lx < static_cast<size_t>(rows * cols) || lo < static_cast<size_t>(cols)) throw ArgError{"sumColumns: arrays too small"};
    // Row blocks on the pool, each with its own partial sums, added in a fixed order.
    const int64_t blocks = rows * cols <= kParallelGrain ? 1 : std::min<int64_t>(rows, 4 * wm::WorkPool::Get().threads());
    int nt = static_cast<int>(blocks);
    std::vector<double> part(static_cast<size_t>(blocks) * cols, 0.0);
    ParallelRows(blocks, rows * cols / blocks + 1, [&](int64_t t0, int64_t t1) {
      std::vector<float> acc(cols, 0.f);
      for (int64_t t = t0; t < t1; ++t) {
        int64_t r0 = rows * t / blocks, r1 = rows * (t + 1) / blocks;
        double* pt = part.data() + static_cast<size_t>(t) * cols;
        std::fill(acc.begin(), acc.end(), 0.f);
        int64_t blk = 0;
        for (int64_t r = r0; r < r1; ++r) {
          const float* p = x + r * cols;
          for (int64_t c = 0; c < cols; ++c) acc[c] += p[c];
          if (++blk == 64) { for (int64_t c = 0; c < cols; ++c) { pt[c] += acc[c]; acc[c] = 0.f; } blk = 0; }
        }
        for (int64_t c = 0; c < cols; ++c) pt[c] += acc[c];
      }
    });
    for (int64_t c = 0; c < cols; ++c) {
      double s = 0;
      for (int t = 0; t < nt; ++t) s += part[static_cast<size_t>(t) * cols + c];
      y[c] = static_cast<float>(s);
    }
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// transpose(x, out, shape Int32Array, perm Int32Array): out = x.transpose(perm).
napi_value Transpose(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 4);
    size_t lx, lo, r1, r2;
    const float* x = F32(env, a[0], &lx);
    float* y = F32(env, a[1], &lo);
    int32_t* shape = I32(env, a[2], &r1);
    int32_t* perm = I32(env, a[3], &r2);
    if (r1 != r2 || r1 > 8 || r1 == 0) throw ArgError{"transpose: shape and perm must have the same rank (1..8)"};
    int rank = static_cast<int>(r1);
    int64_t in_strides[8], out_shape[8], src_stride[8], total = 1;
    in_strides[rank - 1] = 1;
    for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * shape[d + 1];
    for (int d = 0; d < rank; ++d) { out_shape[d] = shape[perm[d]]; src_stride[d] = in_strides[perm[d]]; total *= out_shape[d]; }
    if (lx < static_cast<size_t>(total) || lo < static_cast<size_t>(total)) throw ArgError{"transpose: arrays too small"};
    if (total == 0) return Undefined(env);
    int64_t inner = out_shape[rank - 1], is = src_stride[rank - 1], outer = total / inner;
    ParallelRows(outer, inner, [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
      int64_t off = 0, rem = o;
      for (int d = rank - 2; d >= 0; --d) { int64_t idx = rem % out_shape[d]; rem /= out_shape[d]; off += idx * src_stride[d]; }
      const float* p = x + off;
      float* q = y + o * inner;
      for (int64_t i = 0; i < inner; ++i) q[i] = p[i * is];
    }
    });
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// copyBlock(src, srcShape, srcBegin, dst, dstShape, dstBegin, block): copies the sub-block of
// extent `block` starting at srcBegin in src to dstBegin in dst (Slice, and Pad after a fill).
napi_value CopyBlock(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 7);
    size_t ls, ld, r1, r2, r3, r4, r5;
    const float* src = F32(env, a[0], &ls);
    int32_t* sshape = I32(env, a[1], &r1);
    int32_t* sbegin = I32(env, a[2], &r2);
    float* dst = F32(env, a[3], &ld);
    int32_t* dshape = I32(env, a[4], &r3);
    int32_t* dbegin = I32(env, a[5], &r4);
    int32_t* block = I32(env, a[6], &r5);
    if (r1 != r2 || r1 != r3 || r1 != r4 || r1 != r5 || r1 == 0 || r1 > 8) throw ArgError{"copyBlock: ranks differ or exceed 8"};
    int rank = static_cast<int>(r1);
    int64_t ss[8], ds[8], total = 1, sz = 1, dz = 1;
    for (int d = rank - 1; d >= 0; --d) {
      if (sbegin[d] < 0 || dbegin[d] < 0 || block[d] < 0 || sbegin[d] + block[d] > sshape[d] || dbegin[d] + block[d] > dshape[d])
        throw ArgError{"copyBlock: block out of bounds"};
      ss[d] = sz; ds[d] = dz; sz *= sshape[d]; dz *= dshape[d]; total *= block[d];
    }
    if (ls < static_cast<size_t>(sz) || ld < static_cast<size_t>(dz)) throw ArgError{"copyBlock: arrays smaller than their shapes"};
    if (total == 0) return Undefined(env);
    int64_t soff = 0, doff = 0;
    for (int d = 0; d < rank; ++d) { soff += sbegin[d] * ss[d]; doff += dbegin[d] * ds[d]; }
    int64_t inner = block[rank - 1], outer = total / inner;
    ParallelRows(outer, inner, [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
      int64_t so = soff, dof = doff, rem = o;
      for (int d = rank - 2; d >= 0; --d) { int64_t idx = rem % block[d]; rem /= block[d]; so += idx * ss[d]; dof += idx * ds[d]; }
      std::memcpy(dst + dof, src + so, sizeof(float) * inner);
    }
    });
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// fill(out, value)
napi_value Fill(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 2);
    size_t lo;
    float* out = F32(env, a[0], &lo);
    float v = static_cast<float>(Num(env, a[1]));
    ForEach(static_cast<int64_t>(lo), [&](int64_t i) { out[i] = v; });
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

// ---------------------------------------------------------------- info / threads
napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  try {
    auto a = Args(env, info, 1);
    int64_t n = Int(env, a[0]);
    if (n < 1 || n > 1024) throw ArgError{"setNumThreads: thread count must be between 1 and 1024"};
    omp_set_num_threads(static_cast<int>(n));
    wm::WorkPool::Get().Resize(static_cast<int>(n));
    return Undefined(env);
  } catch (const ArgError& e) {
    return Throw(env, e.message);
  }
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, v;
  napi_create_object(env, &obj);
  const dnnl_version_t* ver = dnnl_version();
  std::string s = std::to_string(ver->major) + "." + std::to_string(ver->minor) + "." + std::to_string(ver->patch);
  napi_create_string_utf8(env, s.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "onednn", v);
  napi_create_string_utf8(env, ver->hash ? ver->hash : "", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "onednnHash", v);
  napi_create_int32(env, omp_get_max_threads(), &v);
  napi_set_named_property(env, obj, "threads", v);
  const char* isa = "unknown";
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: isa = "sse41"; break;
    case dnnl::cpu_isa::avx: isa = "avx"; break;
    case dnnl::cpu_isa::avx2: isa = "avx2"; break;
    case dnnl::cpu_isa::avx512_mic: isa = "avx512_mic"; break;
    case dnnl::cpu_isa::avx512_mic_4ops: isa = "avx512_mic_4ops"; break;
    case dnnl::cpu_isa::avx512_core: isa = "avx512_core"; break;
    case dnnl::cpu_isa::avx512_core_vnni: isa = "avx512_core_vnni"; break;
    case dnnl::cpu_isa::avx512_core_bf16: isa = "avx512_core_bf16"; break;
    case dnnl::cpu_isa::avx512_core_amx: isa = "avx512_core_amx"; break;
    case dnnl::cpu_isa::avx2_vnni: isa = "avx2_vnni"; break;
    default: break;
  }
  napi_create_string_utf8(env, isa, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "isa", v);
  napi_create_string_utf8(env, "OpenMP (oneDNN) + work pool", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "threading", v);
  napi_create_uint32(env, static_cast<uint32_t>(plans.size()), &v);
  napi_set_named_property(env, obj, "cachedConvPlans", v);
  return obj;
}

#include "lstm_sequence.h"

napi_value Init(napi_env env, napi_value exports) {
  if (const char* t = std::getenv("WORLDMODELS_NUM_THREADS")) {
    int n = std::atoi(t);
    if (n >= 1) omp_set_num_threads(n);
  }
  wm::WorkPool::Get();  // start the workers with the configured thread count
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2D, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2DBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2DBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, BinaryOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"compare", nullptr, CompareOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, UnaryOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addN", nullptr, AddN, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, ReduceOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumColumns", nullptr, SumColumns, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"copyBlock", nullptr, CopyBlock, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fill", nullptr, Fill, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setNumThreads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmSequence", nullptr, LstmSequence, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmSequenceGrad", nullptr, LstmSequenceGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
