// Dropout masks from mulberry32 (dropout.cc), registered by graph-session.cc's module.
#pragma once
#include <node_api.h>

napi_value DropoutFill(napi_env env, napi_callback_info info);
