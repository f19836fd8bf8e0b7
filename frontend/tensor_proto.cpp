#include "frontend/tensor_proto.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/support/checked.h"
#include "compiler/support/error.h"

namespace mote::frontend {

using support::Refusal;
namespace fs = std::filesystem;

ir::DType dtype_from_onnx(int32_t t) {
  using TP = onnx::TensorProto;
  switch (t) {
    case TP::FLOAT: return ir::DType::kF32;
    case TP::DOUBLE: return ir::DType::kF64;
    case TP::INT8: return ir::DType::kI8;
    case TP::UINT8: return ir::DType::kU8;
    case TP::INT16: return ir::DType::kI16;
    case TP::UINT16: return ir::DType::kU16;
    case TP::INT32: return ir::DType::kI32;
    case TP::UINT32: return ir::DType::kU32;
    case TP::INT64: return ir::DType::kI64;
    case TP::UINT64: return ir::DType::kU64;
    case TP::BOOL: return ir::DType::kBool;
    default: return ir::DType::kUnknown;
  }
}

int32_t dtype_to_onnx(ir::DType t) {
  using TP = onnx::TensorProto;
  switch (t) {
    case ir::DType::kF32: return TP::FLOAT;
    case ir::DType::kF64: return TP::DOUBLE;
    case ir::DType::kI8: return TP::INT8;
    case ir::DType::kU8: return TP::UINT8;
    case ir::DType::kI16: return TP::INT16;
    case ir::DType::kU16: return TP::UINT16;
    case ir::DType::kI32: return TP::INT32;
    case ir::DType::kU32: return TP::UINT32;
    case ir::DType::kI64: return TP::INT64;
    case ir::DType::kU64: return TP::UINT64;
    case ir::DType::kBool: return TP::BOOL;
    case ir::DType::kUnknown: break;
  }
  return TP::UNDEFINED;
}

namespace {

constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;

const char* onnx_type_name(int32_t t) {
  return onnx::TensorProto_DataType_IsValid(t)
             ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(t)).c_str()
             : "invalid";
}

struct Layout {
  ir::DType dtype;
  ir::Shape shape;
  int64_t count;  // elements
  int64_t bytes;
};

Layout layout(const onnx::TensorProto& p) {
  Layout l;
  l.dtype = dtype_from_onnx(p.data_type());
  if (l.dtype == ir::DType::kUnknown)
    throw Refusal(fmt::format("tensor '{}': element type {} is not supported", p.name(), onnx_type_name(p.data_type())));
  l.shape.assign(p.dims().begin(), p.dims().end());
  for (int64_t d : l.shape)
    if (d < 0) throw Refusal(fmt::format("tensor '{}': negative dimension {}", p.name(), d));
  const auto n = support::checked_product(l.shape, kMaxElements);
  if (!n) throw Refusal(fmt::format("tensor '{}': too large ({} elements)", p.name(), ir::shape_str(l.shape)));
  l.count = *n;
  l.bytes = *n * ir::dtype_size(l.dtype);
  return l;
}

// The number of values a TensorProto holds outside raw_data, in the field its type uses.
int64_t typed_value_count(const onnx::TensorProto& p, ir::DType t) {
  switch (t) {
    case ir::DType::kF32: return p.float_data_size();
    case ir::DType::kF64: return p.double_data_size();
    case ir::DType::kI64: return p.int64_data_size();
    case ir::DType::kU32: case ir::DType::kU64: return p.uint64_data_size();
    default: return p.int32_data_size();  // int8/16/32, uint8/16, bool travel in int32_data
  }
}

struct ExternalRef {
  fs::path file;
  int64_t offset = 0;
};

// Every way an external-data reference can be wrong gives this one message, so a
// model cannot tell from Mote's answer whether a path outside its folder exists.
[[noreturn]] void refuse_location(const onnx::TensorProto& p, const std::string& location) {
  throw Refusal(fmt::format("tensor '{}': external data '{}' is not a readable file inside the model's folder", p.name(),
                            location));
}

ExternalRef external_ref(const onnx::TensorProto& p, const std::string& model_dir, int64_t want) {
  std::string location;
  std::optional<int64_t> offset = 0, length;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset" || kv.key() == "length") {
      const auto v = support::parse_int(kv.value(), 0, std::numeric_limits<int64_t>::max());
      if (!v)
        throw Refusal(fmt::format("tensor '{}': external data {} '{}' is not a number of bytes", p.name(), kv.key(),
                                  kv.value()));
      (kv.key() == "offset" ? offset : length) = v;
    }
  }
  if (location.empty()) throw Refusal(fmt::format("tensor '{}': external data has no location", p.name()));
  // External data must stay inside the model's folder: no absolute paths, no way out
  // with "..", no symbolic link that leads out (weakly_canonical resolves them).
  const fs::path rel(location);
  if (rel.is_absolute() || location.find("..") != std::string::npos || location.find('\0') != std::string::npos)
    refuse_location(p, location);
  std::error_code ec;
  const fs::path dir = fs::weakly_canonical(fs::path(model_dir.empty() ? "." : model_dir), ec);
  if (ec) refuse_location(p, location);
  const fs::path file = fs::weakly_canonical(dir / rel, ec);
  const std::string d = dir.string() + "/", f = file.string();
  if (ec || f.compare(0, d.size(), d) != 0 || !fs::is_regular_file(file, ec)) refuse_location(p, location);
  const auto fsize = static_cast<int64_t>(fs::file_size(file, ec));
  if (ec) refuse_location(p, location);
  if (!length) length = *offset <= fsize ? fsize - *offset : -1;
  const auto end = support::checked_add(*offset, *length);
  if (*length != want || !end || *end > fsize)
    throw Refusal(fmt::format("tensor '{}': external data '{}' has {} bytes, {} at offset {} are asked for and the "
                              "tensor needs {}",
                              p.name(), location, fsize, *length, *offset, want));
  return {file, *offset};
}

std::vector<uint8_t> read_external(const onnx::TensorProto& p, const std::string& model_dir, int64_t want) {
  const ExternalRef ref = external_ref(p, model_dir, want);
  std::ifstream in(ref.file, std::ios::binary);
  in.seekg(ref.offset);
  std::vector<uint8_t> out(static_cast<size_t>(want));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(want));
  if (!in) throw Refusal(fmt::format("tensor '{}': cannot read its external data", p.name()));
  return out;
}

}  // namespace

void check_tensor_proto(const onnx::TensorProto& p, const std::string& model_dir) {
  const Layout l = layout(p);
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    external_ref(p, model_dir, l.bytes);
  } else if (p.has_raw_data()) {
    if (static_cast<int64_t>(p.raw_data().size()) != l.bytes)
      throw Refusal(fmt::format("tensor '{}': raw data has {} bytes, its shape {} needs {}", p.name(),
                                p.raw_data().size(), ir::shape_str(l.shape), l.bytes));
  } else if (typed_value_count(p, l.dtype) != l.count) {
    throw Refusal(fmt::format("tensor '{}': has {} values, its shape {} needs {}", p.name(),
                              typed_value_count(p, l.dtype), ir::shape_str(l.shape), l.count));
  }
}

ir::Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& model_dir) {
  check_tensor_proto(p, model_dir);
  const Layout l = layout(p);
  ir::Tensor t;
  t.name = p.name();
  t.dtype = l.dtype;
  t.shape = l.shape;
  t.shape_known = true;
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    t.data = read_external(p, model_dir, l.bytes);
  } else if (p.has_raw_data()) {
    t.data = std::vector<uint8_t>(p.raw_data().begin(), p.raw_data().end());
  } else {
    switch (t.dtype) {
      case ir::DType::kF32:
        t.data = ir::encode_double(t.dtype, std::vector<double>(p.float_data().begin(), p.float_data().end()));
        break;
      case ir::DType::kF64:
        t.data = ir::encode_double(t.dtype, std::vector<double>(p.double_data().begin(), p.double_data().end()));
        break;
      case ir::DType::kI64:
        t.data = ir::encode_int(t.dtype, std::vector<int64_t>(p.int64_data().begin(), p.int64_data().end()));
        break;
      case ir::DType::kU32: case ir::DType::kU64: {
        std::vector<int64_t> v;
        for (uint64_t x : p.uint64_data()) v.push_back(static_cast<int64_t>(x));
        t.data = ir::encode_int(t.dtype, v);
        break;
      }
      default:
        t.data = ir::encode_int(t.dtype, std::vector<int64_t>(p.int32_data().begin(), p.int32_data().end()));
    }
  }
  return t;
}

onnx::TensorProto read_tensor_proto_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  onnx::TensorProto p;
  if (!f) throw Refusal(fmt::format("{}: cannot open", path));
  if (!p.ParseFromIstream(&f)) throw Refusal(fmt::format("{}: not a serialized ONNX TensorProto", path));
  return p;
}

ir::Tensor read_tensor_file(const std::string& path) {
  const onnx::TensorProto p = read_tensor_proto_file(path);
  try {
    return tensor_from_proto(p, fs::path(path).parent_path().string());
  } catch (const Refusal& e) {
    throw Refusal(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace mote::frontend
