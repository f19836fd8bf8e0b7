#include "frontend/tensor_proto.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
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

std::vector<uint8_t> read_external(const onnx::TensorProto& p, const std::string& model_dir, size_t want) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = std::stoll(kv.value());
    else if (kv.key() == "length") length = std::stoll(kv.value());
  }
  if (location.empty()) throw Refusal(fmt::format("tensor '{}': external data has no location", p.name()));
  // External data must stay inside the model's folder: no absolute paths, no way out with "..".
  const fs::path rel(location);
  if (rel.is_absolute() || location.find("..") != std::string::npos)
    throw Refusal(fmt::format("tensor '{}': external data path '{}' leaves the model's folder", p.name(), location));
  std::error_code ec;
  const fs::path dir = fs::weakly_canonical(fs::path(model_dir.empty() ? "." : model_dir), ec);
  const fs::path file = fs::weakly_canonical(dir / rel, ec);
  const std::string d = dir.string() + "/", f = file.string();
  if (ec || f.compare(0, d.size(), d) != 0)
    throw Refusal(fmt::format("tensor '{}': external data path '{}' leaves the model's folder", p.name(), location));
  if (!fs::is_regular_file(file, ec))
    throw Refusal(fmt::format("tensor '{}': external data file '{}' is missing", p.name(), location));
  const auto fsize = static_cast<int64_t>(fs::file_size(file, ec));
  if (length < 0) length = fsize - offset;
  if (offset < 0 || length < 0 || offset + length > fsize || static_cast<size_t>(length) != want)
    throw Refusal(fmt::format("tensor '{}': external data in '{}' has {} bytes at offset {}, the tensor needs {}",
                              p.name(), location, fsize - offset, offset, want));
  std::ifstream in(file, std::ios::binary);
  in.seekg(offset);
  std::vector<uint8_t> out(want);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(want));
  if (!in) throw Refusal(fmt::format("tensor '{}': cannot read external data '{}'", p.name(), location));
  return out;
}

}  // namespace

ir::Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& model_dir) {
  ir::Tensor t;
  t.name = p.name();
  t.dtype = dtype_from_onnx(p.data_type());
  if (t.dtype == ir::DType::kUnknown)
    throw Refusal(fmt::format("tensor '{}': element type {} is not supported", p.name(), onnx_type_name(p.data_type())));
  int64_t n = 1;
  for (int64_t d : p.dims()) {
    if (d < 0) throw Refusal(fmt::format("tensor '{}': negative dimension {}", p.name(), d));
    t.shape.push_back(d);
    if (d != 0 && n > kMaxElements / d)
      throw Refusal(fmt::format("tensor '{}': too large ({} elements)", p.name(), ir::shape_str(t.shape)));
    n *= d;
  }
  t.shape_known = true;
  const size_t bytes = static_cast<size_t>(n * ir::dtype_size(t.dtype));
  const size_t count = static_cast<size_t>(n);

  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    t.data = read_external(p, model_dir, bytes);
  } else if (p.has_raw_data()) {
    if (p.raw_data().size() != bytes)
      throw Refusal(fmt::format("tensor '{}': raw data has {} bytes, its shape {} needs {}", p.name(),
                                p.raw_data().size(), ir::shape_str(t.shape), bytes));
    t.data = std::vector<uint8_t>(p.raw_data().begin(), p.raw_data().end());
  } else {
    auto check = [&](int got) {
      if (static_cast<size_t>(got) != count)
        throw Refusal(fmt::format("tensor '{}': has {} values, its shape {} needs {}", p.name(), got,
                                  ir::shape_str(t.shape), count));
    };
    switch (t.dtype) {
      case ir::DType::kF32: {
        check(p.float_data_size());
        std::vector<double> v(p.float_data().begin(), p.float_data().end());
        t.data = ir::encode_double(t.dtype, v);
        break;
      }
      case ir::DType::kF64: {
        check(p.double_data_size());
        std::vector<double> v(p.double_data().begin(), p.double_data().end());
        t.data = ir::encode_double(t.dtype, v);
        break;
      }
      case ir::DType::kI64: {
        check(p.int64_data_size());
        t.data = ir::encode_int(t.dtype, std::vector<int64_t>(p.int64_data().begin(), p.int64_data().end()));
        break;
      }
      case ir::DType::kU32: case ir::DType::kU64: {
        check(p.uint64_data_size());
        std::vector<int64_t> v;
        for (uint64_t x : p.uint64_data()) v.push_back(static_cast<int64_t>(x));
        t.data = ir::encode_int(t.dtype, v);
        break;
      }
      default: {  // int8/16/32, uint8/16, bool travel in int32_data
        check(p.int32_data_size());
        t.data = ir::encode_int(t.dtype, std::vector<int64_t>(p.int32_data().begin(), p.int32_data().end()));
      }
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
