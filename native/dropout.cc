// Dropout mask values from mulberry32, in place: the same draws and the same bits as fillMask in
// src/main/core/model/layers.ts (a test compares them). Why native: a graph training step of the
// default model draws about 317k mask values, 0.6 ms a step in JavaScript (a twentieth of the step);
// mulberry32's state is a counter, so the draws are independent and the loop vectorises.
//
//   dropoutFill(mask, seed, threshold, scale, from, to)
//     mask: a Float32Array; seed: the generator's seed as an unsigned 32-bit integer; values
//     [from, to) are set, four a draw, each byte of a draw giving `scale` when it is >= threshold,
//     else 0 (the last draw's low bytes first where fewer than four values remain).
#include "dropout.h"

#include <cstddef>
#include <cstdint>

namespace {

constexpr uint32_t kWeyl = 0x6D2B79F5u;

// Draw k (0-based) of mulberry32 seeded with `seed`: the generator adds kWeyl to its state before
// every draw, so the k-th sees seed + (k + 1) * kWeyl (mod 2^32). Math.imul is the low 32 bits of
// the product, as uint32_t multiplication is.
inline uint32_t Draw(uint32_t seed, uint32_t k) {
  uint32_t t = seed + (k + 1) * kWeyl;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

// Compiled for AVX-512, AVX2 and the baseline, chosen at load time: integer arithmetic and a select,
// the same bits at any width.
__attribute__((target_clones("avx512f", "avx2", "default"))) void Fill(
    float* __restrict mask, uint32_t seed, uint32_t threshold, float scale, size_t count) {
  const size_t draws = count / 4;
  for (size_t k = 0; k < draws; k++) {
    const uint32_t bits = Draw(seed, static_cast<uint32_t>(k));
    for (int b = 0; b < 4; b++) mask[4 * k + b] = ((bits >> (8 * b)) & 255u) >= threshold ? scale : 0.0f;
  }
  if (draws * 4 < count) {
    uint32_t bits = Draw(seed, static_cast<uint32_t>(draws));
    for (size_t i = draws * 4; i < count; i++, bits >>= 8) {
      mask[i] = (bits & 255u) >= threshold ? scale : 0.0f;
    }
  }
}

}  // namespace

napi_value DropoutFill(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  bool typed = false;
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* raw = nullptr;
  napi_value buffer;
  size_t offset = 0;
  double numbers[5] = {0, 0, 0, 0, 0};
  bool ok = argc == 6 && napi_is_typedarray(env, argv[0], &typed) == napi_ok && typed &&
            napi_get_typedarray_info(env, argv[0], &type, &length, &raw, &buffer, &offset) == napi_ok &&
            type == napi_float32_array;
  for (int i = 0; ok && i < 5; i++) ok = napi_get_value_double(env, argv[i + 1], &numbers[i]) == napi_ok;
  const double seed = numbers[0], threshold = numbers[1], from = numbers[3], to = numbers[4];
  // Whole numbers in range only: the JavaScript caller passes seed >>> 0 and integer bounds.
  const auto whole = [](double x, double max) {
    return x >= 0 && x <= max && x == static_cast<double>(static_cast<uint64_t>(x));
  };
  ok = ok && whole(seed, 4294967295.0) && whole(threshold, 256) && whole(to, static_cast<double>(length)) &&
       whole(from, to);
  if (!ok) {
    napi_throw_error(env, nullptr,
                     "dropoutFill(mask, seed, threshold, scale, from, to): a Float32Array, an unsigned "
                     "32-bit seed, a threshold in 0..256 and whole bounds within the mask");
    return nullptr;
  }
  const size_t start = static_cast<size_t>(from);
  Fill(static_cast<float*>(raw) + start, static_cast<uint32_t>(seed), static_cast<uint32_t>(threshold),
       static_cast<float>(numbers[2]), static_cast<size_t>(to) - start);
  return nullptr;
}
