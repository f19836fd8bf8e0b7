#include "compiler/driver/io_quant.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "compiler/ir/tensor_data.h"

namespace mote::driver {

// The kernel library's QuantizeLinear, so the data is quantized exactly as the
// generated QuantizeLinear of a float-API build would quantize it.
namespace io_eval {
#include "codegen/kernels/common.h"
#include "codegen/kernels/quant.h"
}  // namespace io_eval

ir::Tensor quantize_for(const ir::Tensor& data, const ir::Tensor& model) {
  const std::vector<double> x = ir::data_as_double(data);
  const float scale = model.quant.scale[0];
  std::vector<int64_t> q(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    q[i] = io_eval::q_quantize<int8_t>(static_cast<float>(x[i]), scale, model.quant.zero_point[0]);
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
