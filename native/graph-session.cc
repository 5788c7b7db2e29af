// CrossDesk's graph session: a TensorFlow graph built op by op from JavaScript and run as one session
// call, through TensorFlow's C API (the same libtensorflow that tfjs-node's binding links).
//
// Why: tfjs-node runs every op eagerly, one binding call each. The default model's training step is
// about 760 ops, and each eager op costs ~13 µs in TensorFlow plus ~20 µs of tfjs's JavaScript: more
// than the kernels' own work. A graph of the same ops runs inside TensorFlow's executor, which
// dispatches an op in about a microsecond and lets Grappler fold constants and drop no-op reshapes.
// src/main/core/model/graph/ records a step's ops (trace.ts) and builds the graph with this file.
//
// The JavaScript interface (graph-addon.ts has its types):
//   opDef(type)                              -> ArrayBuffer, the op's serialized OpDef (list arguments)
//   createProgram()                          -> program (an external owning one graph and its session)
//   addOperation(program, type, name, inputs, attrs) -> index of the new operation
//       inputs: per op argument, [op, output] or a list of them; attrs: [{name, type, value}] with the
//       TF_ATTR_* types of tf_attrtype.h (lists as arrays; a tensor as {dtype, shape, data})
//   startSession(program, configProto | null)
//   run(program, feeds [{op, index, dtype, shape, data}], fetches [[op, output]], [runOptions])
//       -> [{dtype, shape, data: ArrayBuffer}]; with runOptions (a serialised RunOptions) the array
//       also has `metadata`, the run's serialised RunMetadata (step stats, for profiling)
//   closeProgram(program)                    frees the session and graph now (else at collection)
//   adamUpdate(...)                          the training step's Adam update, in place (adam.cc)
//   dropoutFill(...)                         dropout mask values from mulberry32, in place (dropout.cc)
//   blockAsyncSignals(), holdAsyncSignals()  keep signals out of the calling thread (signals.cc)
// Every failure becomes a JavaScript exception with TensorFlow's message.
#include <node_api.h>
#include <tensorflow/c/c_api.h>

#include "adam.h"
#include "dropout.h"
#include "signals.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Program {
  TF_Graph* graph = TF_NewGraph();
  TF_Session* session = nullptr;
  std::vector<TF_Operation*> ops;
  bool closed = false;

  void Close() {
    if (closed) return;
    closed = true;
    if (session) {
      TF_Status* status = TF_NewStatus();
      TF_CloseSession(session, status);
      TF_DeleteSession(session, status);
      TF_DeleteStatus(status);
      session = nullptr;
    }
    TF_DeleteGraph(graph);
    graph = nullptr;
    ops.clear();
  }

  ~Program() { Close(); }
};

// A pending JavaScript exception is signalled by returning nullptr from the callback.
napi_value Fail(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

bool Ok(napi_env env, napi_status status) {
  if (status == napi_ok) return true;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    const napi_extended_error_info* info = nullptr;
    napi_get_last_error_info(env, &info);
    napi_throw_error(env, nullptr, info && info->error_message ? info->error_message : "N-API call failed");
  }
  return false;
}

#define NAPI_OK(call) \
  if (!Ok(env, (call))) return nullptr

bool GetString(napi_env env, napi_value value, std::string* out) {
  size_t length = 0;
  if (!Ok(env, napi_get_value_string_utf8(env, value, nullptr, 0, &length))) return false;
  out->resize(length);
  std::vector<char> buffer(length + 1);
  if (!Ok(env, napi_get_value_string_utf8(env, value, buffer.data(), length + 1, &length))) return false;
  out->assign(buffer.data(), length);
  return true;
}

bool GetProperty(napi_env env, napi_value object, const char* name, napi_value* out) {
  return Ok(env, napi_get_named_property(env, object, name, out));
}

bool GetInt64(napi_env env, napi_value value, int64_t* out) {
  double number = 0;
  if (!Ok(env, napi_get_value_double(env, value, &number))) return false;
  *out = static_cast<int64_t>(number);
  return true;
}

bool GetInt64s(napi_env env, napi_value array, std::vector<int64_t>* out) {
  uint32_t length = 0;
  if (!Ok(env, napi_get_array_length(env, array, &length))) return false;
  out->resize(length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    if (!Ok(env, napi_get_element(env, array, i, &element))) return false;
    if (!GetInt64(env, element, &(*out)[i])) return false;
  }
  return true;
}

Program* GetProgram(napi_env env, napi_value value, bool open = true) {
  void* data = nullptr;
  if (!Ok(env, napi_get_value_external(env, value, &data))) return nullptr;
  Program* program = static_cast<Program*>(data);
  if (open && program->closed) {
    napi_throw_error(env, nullptr, "the program has been closed");
    return nullptr;
  }
  return program;
}

// The bytes of a TypedArray or ArrayBuffer.
bool GetBytes(napi_env env, napi_value value, const void** data, size_t* bytes) {
  bool typed = false;
  if (!Ok(env, napi_is_typedarray(env, value, &typed))) return false;
  if (typed) {
    napi_typedarray_type type;
    size_t length = 0;
    napi_value buffer;
    size_t offset = 0;
    void* raw = nullptr;
    if (!Ok(env, napi_get_typedarray_info(env, value, &type, &length, &raw, &buffer, &offset))) return false;
    size_t width = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        width = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        width = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        width = 8;
        break;
      default:
        width = 1;
    }
    *data = raw;
    *bytes = length * width;
    return true;
  }
  void* raw = nullptr;
  if (!Ok(env, napi_get_arraybuffer_info(env, value, &raw, bytes))) return false;
  *data = raw;
  return true;
}

// {dtype, shape, data} → a new TF_Tensor holding a copy of the data.
TF_Tensor* MakeTensor(napi_env env, napi_value spec) {
  napi_value dtype_value, shape_value, data_value;
  if (!GetProperty(env, spec, "dtype", &dtype_value) || !GetProperty(env, spec, "shape", &shape_value) ||
      !GetProperty(env, spec, "data", &data_value)) {
    return nullptr;
  }
  int64_t dtype = 0;
  std::vector<int64_t> shape;
  if (!GetInt64(env, dtype_value, &dtype) || !GetInt64s(env, shape_value, &shape)) return nullptr;
  const void* data = nullptr;
  size_t bytes = 0;
  if (!GetBytes(env, data_value, &data, &bytes)) return nullptr;
  const size_t width = TF_DataTypeSize(static_cast<TF_DataType>(dtype));
  size_t elements = 1;
  for (int64_t d : shape) elements *= static_cast<size_t>(d);
  if (width == 0 || elements * width != bytes) {
    napi_throw_error(env, nullptr, "tensor data does not match its shape and dtype");
    return nullptr;
  }
  TF_Tensor* tensor = TF_AllocateTensor(static_cast<TF_DataType>(dtype), shape.data(),
                                        static_cast<int>(shape.size()), bytes);
  if (bytes > 0) std::memcpy(TF_TensorData(tensor), data, bytes);
  return tensor;
}

bool GetOutput(napi_env env, Program* program, napi_value pair, TF_Output* out) {
  napi_value op_value, index_value;
  if (!Ok(env, napi_get_element(env, pair, 0, &op_value)) ||
      !Ok(env, napi_get_element(env, pair, 1, &index_value))) {
    return false;
  }
  int64_t op = 0, index = 0;
  if (!GetInt64(env, op_value, &op) || !GetInt64(env, index_value, &index)) return false;
  if (op < 0 || op >= static_cast<int64_t>(program->ops.size())) {
    napi_throw_range_error(env, nullptr, "input names an operation that does not exist");
    return false;
  }
  *out = TF_Output{program->ops[op], static_cast<int>(index)};
  return true;
}

bool SetAttr(napi_env env, TF_OperationDescription* desc, napi_value attr) {
  napi_value name_value, type_value, value;
  if (!GetProperty(env, attr, "name", &name_value) || !GetProperty(env, attr, "type", &type_value) ||
      !GetProperty(env, attr, "value", &value)) {
    return false;
  }
  std::string name;
  int64_t type = 0;
  if (!GetString(env, name_value, &name) || !GetInt64(env, type_value, &type)) return false;
  bool is_array = false;
  if (!Ok(env, napi_is_array(env, value, &is_array))) return false;
  const char* n = name.c_str();
  switch (static_cast<TF_AttrType>(type)) {
    case TF_ATTR_STRING: {
      std::string text;
      if (!GetString(env, value, &text)) return false;
      TF_SetAttrString(desc, n, text.data(), text.size());
      return true;
    }
    case TF_ATTR_INT: {
      if (is_array) {
        std::vector<int64_t> values;
        if (!GetInt64s(env, value, &values)) return false;
        TF_SetAttrIntList(desc, n, values.data(), static_cast<int>(values.size()));
      } else {
        int64_t v = 0;
        if (!GetInt64(env, value, &v)) return false;
        TF_SetAttrInt(desc, n, v);
      }
      return true;
    }
    case TF_ATTR_FLOAT: {
      if (is_array) {
        uint32_t length = 0;
        if (!Ok(env, napi_get_array_length(env, value, &length))) return false;
        std::vector<float> values(length);
        for (uint32_t i = 0; i < length; i++) {
          napi_value element;
          double v = 0;
          if (!Ok(env, napi_get_element(env, value, i, &element)) ||
              !Ok(env, napi_get_value_double(env, element, &v))) {
            return false;
          }
          values[i] = static_cast<float>(v);
        }
        TF_SetAttrFloatList(desc, n, values.data(), static_cast<int>(length));
      } else {
        double v = 0;
        if (!Ok(env, napi_get_value_double(env, value, &v))) return false;
        TF_SetAttrFloat(desc, n, static_cast<float>(v));
      }
      return true;
    }
    case TF_ATTR_BOOL: {
      if (is_array) {
        uint32_t length = 0;
        if (!Ok(env, napi_get_array_length(env, value, &length))) return false;
        std::vector<unsigned char> values(length);
        for (uint32_t i = 0; i < length; i++) {
          napi_value element;
          bool v = false;
          if (!Ok(env, napi_get_element(env, value, i, &element)) ||
              !Ok(env, napi_get_value_bool(env, element, &v))) {
            return false;
          }
          values[i] = v ? 1 : 0;
        }
        TF_SetAttrBoolList(desc, n, values.data(), static_cast<int>(length));
      } else {
        bool v = false;
        if (!Ok(env, napi_get_value_bool(env, value, &v))) return false;
        TF_SetAttrBool(desc, n, v ? 1 : 0);
      }
      return true;
    }
    case TF_ATTR_TYPE: {
      if (is_array) {
        std::vector<int64_t> values;
        if (!GetInt64s(env, value, &values)) return false;
        std::vector<TF_DataType> types(values.size());
        for (size_t i = 0; i < values.size(); i++) types[i] = static_cast<TF_DataType>(values[i]);
        TF_SetAttrTypeList(desc, n, types.data(), static_cast<int>(types.size()));
      } else {
        int64_t v = 0;
        if (!GetInt64(env, value, &v)) return false;
        TF_SetAttrType(desc, n, static_cast<TF_DataType>(v));
      }
      return true;
    }
    case TF_ATTR_SHAPE: {
      std::vector<int64_t> dims;
      if (!GetInt64s(env, value, &dims)) return false;
      TF_SetAttrShape(desc, n, dims.data(), static_cast<int>(dims.size()));
      return true;
    }
    case TF_ATTR_TENSOR: {
      TF_Tensor* tensor = MakeTensor(env, value);
      if (!tensor) return false;
      TF_Status* status = TF_NewStatus();
      TF_SetAttrTensor(desc, n, tensor, status);
      TF_DeleteTensor(tensor);
      const bool ok = TF_GetCode(status) == TF_OK;
      if (!ok) napi_throw_error(env, nullptr, TF_Message(status));
      TF_DeleteStatus(status);
      return ok;
    }
    default:
      napi_throw_type_error(env, nullptr, ("unsupported attribute type for " + name).c_str());
      return false;
  }
}

void FinalizeProgram(napi_env, void* data, void*) { delete static_cast<Program*>(data); }

napi_value OpDef(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  std::string type;
  if (argc < 1 || !GetString(env, argv[0], &type)) return nullptr;
  // One scratch graph per call: op definitions are looked up in the global registry through it.
  TF_Graph* graph = TF_NewGraph();
  TF_Buffer* buffer = TF_NewBuffer();
  TF_Status* status = TF_NewStatus();
  TF_GraphGetOpDef(graph, type.c_str(), buffer, status);
  napi_value result = nullptr;
  if (TF_GetCode(status) != TF_OK) {
    Fail(env, TF_Message(status));
  } else {
    void* bytes = nullptr;
    if (Ok(env, napi_create_arraybuffer(env, buffer->length, &bytes, &result))) {
      std::memcpy(bytes, buffer->data, buffer->length);
    } else {
      result = nullptr;
    }
  }
  TF_DeleteStatus(status);
  TF_DeleteBuffer(buffer);
  TF_DeleteGraph(graph);
  return result;
}

napi_value CreateProgram(napi_env env, napi_callback_info) {
  Program* program = new Program();
  napi_value result;
  if (!Ok(env, napi_create_external(env, program, FinalizeProgram, nullptr, &result))) {
    delete program;
    return nullptr;
  }
  return result;
}

napi_value AddOperation(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 5) return Fail(env, "addOperation(program, type, name, inputs, attrs)");
  Program* program = GetProgram(env, argv[0]);
  if (!program) return nullptr;
  if (program->session) return Fail(env, "the session has started: the graph is closed");
  std::string type, name;
  if (!GetString(env, argv[1], &type) || !GetString(env, argv[2], &name)) return nullptr;
  TF_OperationDescription* desc = TF_NewOperation(program->graph, type.c_str(), name.c_str());
  // On any failure below the description must still be finished (the C API has no other way to
  // release it); its status is then ignored in favour of the pending exception.
  auto abandon = [&]() -> napi_value {
    TF_Status* status = TF_NewStatus();
    TF_FinishOperation(desc, status);
    TF_DeleteStatus(status);
    return nullptr;
  };
  uint32_t inputs = 0;
  if (!Ok(env, napi_get_array_length(env, argv[3], &inputs))) return abandon();
  for (uint32_t i = 0; i < inputs; i++) {
    napi_value arg;
    if (!Ok(env, napi_get_element(env, argv[3], i, &arg))) return abandon();
    uint32_t length = 0;
    if (!Ok(env, napi_get_array_length(env, arg, &length))) return abandon();
    napi_value first = nullptr;
    napi_valuetype kind = napi_undefined;
    if (length > 0) {
      if (!Ok(env, napi_get_element(env, arg, 0, &first)) || !Ok(env, napi_typeof(env, first, &kind))) {
        return abandon();
      }
    }
    if (length > 0 && kind == napi_number) {
      TF_Output output;
      if (!GetOutput(env, program, arg, &output)) return abandon();
      TF_AddInput(desc, output);
    } else {
      std::vector<TF_Output> list(length);
      for (uint32_t j = 0; j < length; j++) {
        napi_value pair;
        if (!Ok(env, napi_get_element(env, arg, j, &pair)) || !GetOutput(env, program, pair, &list[j])) {
          return abandon();
        }
      }
      TF_AddInputList(desc, list.data(), static_cast<int>(length));
    }
  }
  uint32_t attrs = 0;
  if (!Ok(env, napi_get_array_length(env, argv[4], &attrs))) return abandon();
  for (uint32_t i = 0; i < attrs; i++) {
    napi_value attr;
    if (!Ok(env, napi_get_element(env, argv[4], i, &attr)) || !SetAttr(env, desc, attr)) return abandon();
  }
  TF_Status* status = TF_NewStatus();
  TF_Operation* op = TF_FinishOperation(desc, status);
  if (TF_GetCode(status) != TF_OK) {
    std::string message = type + " " + name + ": " + TF_Message(status);
    TF_DeleteStatus(status);
    return Fail(env, message);
  }
  TF_DeleteStatus(status);
  program->ops.push_back(op);
  napi_value result;
  NAPI_OK(napi_create_uint32(env, static_cast<uint32_t>(program->ops.size() - 1), &result));
  return result;
}

napi_value StartSession(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Program* program = argc > 0 ? GetProgram(env, argv[0]) : nullptr;
  if (!program) return nullptr;
  if (program->session) return Fail(env, "the session has already started");
  TF_SessionOptions* options = TF_NewSessionOptions();
  TF_Status* status = TF_NewStatus();
  napi_valuetype kind = napi_undefined;
  if (argc > 1) NAPI_OK(napi_typeof(env, argv[1], &kind));
  if (argc > 1 && kind == napi_object) {
    const void* bytes = nullptr;
    size_t length = 0;
    if (!GetBytes(env, argv[1], &bytes, &length)) {
      TF_DeleteSessionOptions(options);
      TF_DeleteStatus(status);
      return nullptr;
    }
    TF_SetConfig(options, bytes, length, status);
  }
  if (TF_GetCode(status) == TF_OK) program->session = TF_NewSession(program->graph, options, status);
  TF_DeleteSessionOptions(options);
  if (TF_GetCode(status) != TF_OK) {
    std::string message = TF_Message(status);
    TF_DeleteStatus(status);
    program->session = nullptr;
    return Fail(env, message);
  }
  TF_DeleteStatus(status);
  return nullptr;
}

napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 3) return Fail(env, "run(program, feeds, fetches, [runOptions])");
  Program* program = GetProgram(env, argv[0]);
  if (!program) return nullptr;
  if (!program->session) return Fail(env, "startSession has not been called");
  uint32_t feed_count = 0, fetch_count = 0;
  NAPI_OK(napi_get_array_length(env, argv[1], &feed_count));
  NAPI_OK(napi_get_array_length(env, argv[2], &fetch_count));
  std::vector<TF_Output> feeds(feed_count);
  std::vector<TF_Tensor*> values(feed_count, nullptr);
  auto release = [&]() {
    for (TF_Tensor* t : values)
      if (t) TF_DeleteTensor(t);
  };
  for (uint32_t i = 0; i < feed_count; i++) {
    napi_value feed, op_value, index_value;
    int64_t op = 0, index = 0;
    if (!Ok(env, napi_get_element(env, argv[1], i, &feed)) || !GetProperty(env, feed, "op", &op_value) ||
        !GetProperty(env, feed, "index", &index_value) || !GetInt64(env, op_value, &op) ||
        !GetInt64(env, index_value, &index)) {
      release();
      return nullptr;
    }
    if (op < 0 || op >= static_cast<int64_t>(program->ops.size())) {
      release();
      return Fail(env, "a feed names an operation that does not exist");
    }
    feeds[i] = TF_Output{program->ops[op], static_cast<int>(index)};
    values[i] = MakeTensor(env, feed);
    if (!values[i]) {
      release();
      return nullptr;
    }
  }
  std::vector<TF_Output> fetches(fetch_count);
  for (uint32_t i = 0; i < fetch_count; i++) {
    napi_value pair;
    if (!Ok(env, napi_get_element(env, argv[2], i, &pair)) || !GetOutput(env, program, pair, &fetches[i])) {
      release();
      return nullptr;
    }
  }
  // Optional RunOptions (a serialised proto): the run then also returns its RunMetadata (step stats).
  TF_Buffer* run_options = nullptr;
  TF_Buffer* run_metadata = nullptr;
  napi_valuetype options_kind = napi_undefined;
  if (argc > 3) NAPI_OK(napi_typeof(env, argv[3], &options_kind));
  if (options_kind == napi_object) {
    const void* bytes = nullptr;
    size_t length = 0;
    if (!GetBytes(env, argv[3], &bytes, &length)) {
      release();
      return nullptr;
    }
    run_options = TF_NewBufferFromString(bytes, length);
    run_metadata = TF_NewBuffer();
  }
  std::vector<TF_Tensor*> outputs(fetch_count, nullptr);
  TF_Status* status = TF_NewStatus();
  {
    // No signal handler may run inside the kernels (signals.cc).
    ScopedSignalBlock no_signals;
    TF_SessionRun(program->session, run_options, feeds.data(), values.data(), static_cast<int>(feed_count),
                  fetches.data(), outputs.data(), static_cast<int>(fetch_count), nullptr, 0, run_metadata,
                  status);
  }
  release();
  if (run_options) TF_DeleteBuffer(run_options);
  auto drop_metadata = [&]() {
    if (run_metadata) TF_DeleteBuffer(run_metadata);
    run_metadata = nullptr;
  };
  if (TF_GetCode(status) != TF_OK) {
    std::string message = TF_Message(status);
    TF_DeleteStatus(status);
    drop_metadata();
    return Fail(env, message);
  }
  TF_DeleteStatus(status);
  napi_value result;
  bool failed = !Ok(env, napi_create_array_with_length(env, fetch_count, &result));
  if (!failed && run_metadata) {
    napi_value metadata;
    void* bytes = nullptr;
    failed = !Ok(env, napi_create_arraybuffer(env, run_metadata->length, &bytes, &metadata));
    if (!failed && run_metadata->length > 0) std::memcpy(bytes, run_metadata->data, run_metadata->length);
    failed = failed || !Ok(env, napi_set_named_property(env, result, "metadata", metadata));
  }
  drop_metadata();
  for (uint32_t i = 0; i < fetch_count && !failed; i++) {
    TF_Tensor* tensor = outputs[i];
    napi_value entry, dtype, shape, data;
    const int dims = TF_NumDims(tensor);
    failed = !Ok(env, napi_create_object(env, &entry)) ||
             !Ok(env, napi_create_int32(env, TF_TensorType(tensor), &dtype)) ||
             !Ok(env, napi_create_array_with_length(env, dims, &shape));
    for (int d = 0; d < dims && !failed; d++) {
      napi_value dim;
      failed = !Ok(env, napi_create_int64(env, TF_Dim(tensor, d), &dim)) ||
               !Ok(env, napi_set_element(env, shape, d, dim));
    }
    void* bytes = nullptr;
    const size_t length = TF_TensorByteSize(tensor);
    failed = failed || !Ok(env, napi_create_arraybuffer(env, length, &bytes, &data));
    if (!failed && length > 0) std::memcpy(bytes, TF_TensorData(tensor), length);
    failed = failed || !Ok(env, napi_set_named_property(env, entry, "dtype", dtype)) ||
             !Ok(env, napi_set_named_property(env, entry, "shape", shape)) ||
             !Ok(env, napi_set_named_property(env, entry, "data", data)) ||
             !Ok(env, napi_set_element(env, result, i, entry));
  }
  for (TF_Tensor* t : outputs)
    if (t) TF_DeleteTensor(t);
  return failed ? nullptr : result;
}

napi_value CloseProgram(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Program* program = argc > 0 ? GetProgram(env, argv[0], false) : nullptr;
  if (program) program->Close();
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"opDef", nullptr, OpDef, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"createProgram", nullptr, CreateProgram, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addOperation", nullptr, AddOperation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"startSession", nullptr, StartSession, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"run", nullptr, Run, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closeProgram", nullptr, CloseProgram, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dropoutFill", nullptr, DropoutFill, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"blockAsyncSignals", nullptr, BlockAsyncSignals, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"holdAsyncSignals", nullptr, HoldAsyncSignals, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_value version;
  if (napi_create_string_utf8(env, TF_Version(), NAPI_AUTO_LENGTH, &version) == napi_ok) {
    napi_set_named_property(env, exports, "tensorflowVersion", version);
  }
  napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions);
  return exports;
}
