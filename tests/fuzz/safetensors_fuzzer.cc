// Parses arbitrary bytes as a safetensors file; when that succeeds, checks
// that every tensor has as many values as its shape says, and that writing
// the tensors as F32 and parsing them again gives the same values.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/safetensors.h"

namespace {

namespace model = ::prolong::model;

void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  std::map<std::string, model::LoadedTensor> tensors;
  try {
    tensors = model::ParseSafetensors(
        std::string_view(reinterpret_cast<const char*>(data), size),
        "fuzz.safetensors");
  } catch (const std::runtime_error&) {
    return 0;
  }
  std::vector<model::TensorToWrite> to_write;
  for (const auto& [name, tensor] : tensors) {
    size_t count = 1;
    for (int64_t extent : tensor.shape) count *= static_cast<size_t>(extent);
    if (count != tensor.values.size()) Fail("tensor " + name + ": bad size");
    to_write.push_back({name, tensor.shape, tensor.values.data()});
  }
  const auto again = model::ParseSafetensors(
      model::SerializeSafetensors(to_write, model::SafetensorsDtype::kF32),
      "rewritten.safetensors");
  if (again.size() != tensors.size()) Fail("tensor count changed");
  for (const auto& [name, tensor] : tensors) {
    const auto& values = again.at(name).values;
    // Bitwise, so that NaN payloads count too.
    if (values.size() != tensor.values.size() ||
        (!values.empty() && std::memcmp(values.data(), tensor.values.data(),
                                        values.size() * sizeof(float)) != 0)) {
      Fail("tensor " + name + ": values changed when rewritten");
    }
  }
  return 0;
}
