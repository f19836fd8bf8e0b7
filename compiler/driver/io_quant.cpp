#include "compiler/driver/io_quant.h"

#include <algorithm>
#include <cmath>

#include "compiler/ir/tensor_data.h"

namespace mote::driver {

bool is_int8_io(const ir::Tensor& model) {
  return model.dtype == ir::DType::kI8 && model.quant.scale.size() == 1 && model.quant.zero_point.size() == 1;
}

ir::Tensor quantize_for(const ir::Tensor& data, const ir::Tensor& model) {
  const std::vector<double> x = ir::data_as_double(data);
  const float scale = model.quant.scale[0];
  std::vector<int64_t> q(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    // float32 division, as the QuantizeLinear kernel and ONNX's reference divide.
    const float v = std::nearbyint(static_cast<float>(x[i]) / scale);
    const double z = static_cast<double>(v) + model.quant.zero_point[0];
    q[i] = static_cast<int64_t>(std::isnan(z) ? -128 : std::clamp(z, -128.0, 127.0));
  }
  ir::Tensor t = model;
  t.name = data.name;
  t.data = ir::encode_int(ir::DType::kI8, q);
  return t;
}

std::vector<double> dequantize_from(const ir::Tensor& model, const std::vector<uint8_t>& bytes) {
  std::vector<double> v(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i)
    v[i] = static_cast<double>(model.quant.scale[0]) *
           (static_cast<double>(static_cast<int8_t>(bytes[i])) - model.quant.zero_point[0]);
  return v;
}

}  // namespace mote::driver
