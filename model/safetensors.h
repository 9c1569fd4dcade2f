// The safetensors file format (Hugging Face's `model.safetensors`):
//
//   bytes [0, 8)          N: the header length, uint64 little-endian
//   bytes [8, 8 + N)      a JSON object, padded with spaces to a multiple of
//                         8 bytes:
//                           {"__metadata__": {"format": "pt"},
//                            "<name>": {"dtype": "F32", "shape": [r, c],
//                                       "data_offsets": [begin, end]}, ...}
//   bytes [8 + N, end)    the data section: tensor <name> is bytes
//                         [begin, end) of it, row-major, little-endian.
//
// The writer stores tensors in name order, back to back, so the offsets are
// sorted and contiguous from 0 to the end of the file. The reader accepts
// F32, BF16 and F16 tensors in any order (no two may overlap) and converts
// them to fp32.
#ifndef PROLONG_MODEL_SAFETENSORS_H_
#define PROLONG_MODEL_SAFETENSORS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace prolong::model {

enum class SafetensorsDtype { kF32, kBF16, kF16 };

// "F32", "BF16" or "F16", as in the header.
const char* DtypeName(SafetensorsDtype dtype);

struct TensorToWrite {
  std::string name;
  std::vector<int64_t> shape;  // row-major
  const float* values;         // (product of shape)
};

// The whole file's bytes, every tensor stored as `dtype` (kF32, or kBF16
// rounded to nearest even). Throws std::invalid_argument for kF16, a
// duplicate or reserved name, or a negative extent.
std::string SerializeSafetensors(std::vector<TensorToWrite> tensors,
                                 SafetensorsDtype dtype);

struct LoadedTensor {
  SafetensorsDtype dtype;      // as stored
  std::vector<int64_t> shape;  // row-major
  std::vector<float> values;   // (product of shape), converted to fp32
};

// Parses a whole file's bytes. Throws std::runtime_error whose message starts
// with "<source>: " and names the tensor at fault: truncated file, header
// length beyond the file, malformed header, unsupported dtype, data_offsets
// out of range, of the wrong size for the shape, or overlapping.
std::map<std::string, LoadedTensor> ParseSafetensors(std::string_view bytes,
                                                     const std::string& source);

// ParseSafetensors of the file at `path`.
std::map<std::string, LoadedTensor> ReadSafetensors(const std::string& path);

}  // namespace prolong::model

#endif  // PROLONG_MODEL_SAFETENSORS_H_
