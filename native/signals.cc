// Why TensorFlow's kernels must not be interrupted by a signal here: oneDNN's generated float GEMM
// kernels (jit_avx512_common_gemm_f32 and its AVX2 sibling, which TensorFlow's MatMul and its Eigen
// contractions call) point the stack register at a heap workspace while they run. A signal handled
// in that window has its frame written by the kernel onto that heap memory, and the heap is corrupt
// ("corrupted size vs. prev_size"). oneDNN fixed it upstream in March 2026 (its issue 4845, in
// 3.11); TensorFlow 2.21's library predates the fix. Any handled signal does it: node --cpu-prof's
// sampling, a terminal resize (SIGWINCH), a signal a host installs a handler for.
//
// So the threads that run TensorFlow block the asynchronous signals: a worker thread for its whole
// life (blockAsyncSignals, called when its native backend starts); the main thread, which must keep
// them (Ctrl+C, a resize), for the length of each eager op (holdAsyncSignals around tfjs-node's
// executeOp) and of each graph run (ScopedSignalBlock in graph-session.cc's run). A blocked signal
// is not lost: one meant for the process goes to a thread that accepts it (the main thread's event
// loop), one meant for the thread waits until it is unblocked. The synchronous signals (a fault, a
// trap: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) and SIGABRT are never blocked: they belong
// to the instruction that raised them, and V8 handles some of them itself.
//
//   blockAsyncSignals() -> undefined      blocks them in the calling thread from now on
//   holdAsyncSignals(hold) -> undefined   true: blocks them in the calling thread; false: restores
//                                         its mask from before the matching true (calls may nest)
#include "signals.h"

#include <pthread.h>

#include <cstring>
#include <string>

namespace {

sigset_t AsyncSignals() {
  sigset_t set;
  sigfillset(&set);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&set, sig);
  return set;
}

// The calling thread's holds: their depth, and its mask from before the first.
thread_local int hold_depth = 0;
thread_local sigset_t before_hold;

}  // namespace

ScopedSignalBlock::ScopedSignalBlock() {
  const sigset_t block = AsyncSignals();
  pthread_sigmask(SIG_BLOCK, &block, &previous_);
}

ScopedSignalBlock::~ScopedSignalBlock() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

napi_value BlockAsyncSignals(napi_env env, napi_callback_info) {
  const sigset_t block = AsyncSignals();
  const int error = pthread_sigmask(SIG_BLOCK, &block, nullptr);
  if (error != 0) {
    napi_throw_error(env, nullptr, (std::string("blockAsyncSignals: ") + strerror(error)).c_str());
  }
  return nullptr;
}

napi_value HoldAsyncSignals(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool hold = false;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 ||
      napi_get_value_bool(env, argv[0], &hold) != napi_ok) {
    napi_throw_error(env, nullptr, "holdAsyncSignals(hold): a boolean");
    return nullptr;
  }
  if (hold) {
    if (hold_depth++ == 0) {
      const sigset_t block = AsyncSignals();
      pthread_sigmask(SIG_BLOCK, &block, &before_hold);
    }
  } else if (hold_depth > 0 && --hold_depth == 0) {
    pthread_sigmask(SIG_SETMASK, &before_hold, nullptr);
  }
  return nullptr;
}
