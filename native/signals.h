// Keeping asynchronous signals away from TensorFlow's kernels (signals.cc), used by graph-session.cc.
#pragma once
#include <node_api.h>
#include <signal.h>

// Blocks the asynchronous signals in the calling thread for the object's lifetime; a signal that
// arrives meanwhile waits, and is delivered when the previous mask comes back.
class ScopedSignalBlock {
 public:
  ScopedSignalBlock();
  ~ScopedSignalBlock();
  ScopedSignalBlock(const ScopedSignalBlock&) = delete;
  ScopedSignalBlock& operator=(const ScopedSignalBlock&) = delete;

 private:
  sigset_t previous_;
};

napi_value BlockAsyncSignals(napi_env env, napi_callback_info info);
napi_value HoldAsyncSignals(napi_env env, napi_callback_info info);
