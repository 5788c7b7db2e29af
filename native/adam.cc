// Adam with global-norm clipping over one flat parameter vector, in place: the same arithmetic, in the
// same order and in double precision, as the JavaScript loop of src/main/core/model/optimizer.ts, so
// both give the same bits (a test compares them). Why native: the loop's square root and division
// per parameter cost ~1.7 ms a step in JavaScript, about a tenth of a graph training step; compiled,
// they cost a tenth of that. (Built without FMA contraction, so that a*b+c rounds twice as in JS.)
//
//   adamUpdate(weights, gradient, m, v, [beta1, beta2, epsilon, stepSize, clipNorm]) -> pre-clip norm
//     weights, gradient, m and v: Float32Arrays of one length; weights, m and v are updated.
#include "adam.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace {

bool Floats(napi_env env, napi_value value, float** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset = 0;
  void* raw = nullptr;
  bool typed = false;
  if (napi_is_typedarray(env, value, &typed) != napi_ok || !typed) return false;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = static_cast<float*>(raw);
  return true;
}

// The update loop, compiled for AVX-512, AVX2 and the baseline, chosen at load time: square roots and
// divisions are correctly rounded at any vector width, so every clone gives the same bits.
__attribute__((target_clones("avx512f", "avx2", "default"))) void Update(
    float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n,
    const double* hyper, double scale) {
  const double beta1 = hyper[0], beta2 = hyper[1], epsilon = hyper[2], step_size = hyper[3];
  for (size_t j = 0; j < n; j++) {
    const double gi = static_cast<double>(g[j]) * scale;
    const double mj = beta1 * static_cast<double>(m[j]) + (1 - beta1) * gi;
    const double vj = beta2 * static_cast<double>(v[j]) + (1 - beta2) * gi * gi;
    m[j] = static_cast<float>(mj);
    v[j] = static_cast<float>(vj);
    w[j] = static_cast<float>(static_cast<double>(w[j]) - (step_size * mj) / (std::sqrt(vj) + epsilon));
  }
}

}  // namespace

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  float* arrays[4] = {nullptr, nullptr, nullptr, nullptr};
  size_t lengths[4] = {0, 0, 0, 0};
  bool ok = argc == 5;
  for (int i = 0; ok && i < 4; i++) ok = Floats(env, argv[i], &arrays[i], &lengths[i]);
  ok = ok && lengths[1] == lengths[0] && lengths[2] == lengths[0] && lengths[3] == lengths[0];
  double hyper[5] = {0, 0, 0, 0, 0};
  for (uint32_t i = 0; ok && i < 5; i++) {
    napi_value element;
    ok = napi_get_element(env, argv[4], i, &element) == napi_ok &&
         napi_get_value_double(env, element, &hyper[i]) == napi_ok;
  }
  if (!ok) {
    napi_throw_error(env, nullptr,
                     "adamUpdate(weights, gradient, m, v, [beta1, beta2, epsilon, stepSize, clipNorm]): "
                     "four Float32Arrays of one length and five numbers");
    return nullptr;
  }
  const float* g = arrays[1];
  const size_t n = lengths[0];
  // The norm sums in index order, as the JavaScript loop does (a vectorised sum would round otherwise).
  double squares = 0;
  for (size_t i = 0; i < n; i++) squares += static_cast<double>(g[i]) * static_cast<double>(g[i]);
  const double norm = std::sqrt(squares);
  const double scale = std::min(1.0, hyper[4] / (norm + 1e-6));
  Update(arrays[0], g, arrays[2], arrays[3], n, hyper, scale);
  napi_value result;
  if (napi_create_double(env, norm, &result) != napi_ok) return nullptr;
  return result;
}
