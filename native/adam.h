// Adam's update over the flat parameter vector (adam.cc), registered by graph-session.cc's module.
#pragma once
#include <node_api.h>

napi_value AdamUpdate(napi_env env, napi_callback_info info);
