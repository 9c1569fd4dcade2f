#include "model/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "data/io/atomic_file.h"
#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "model/half_precision.h"

// The data section is copied byte for byte into and out of host integers.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors I/O assumes a little-endian host");

namespace prolong::model {
namespace {

namespace json = data::json;

constexpr char kMetadataKey[] = "__metadata__";

int64_t ElementBytes(SafetensorsDtype dtype) {
  return dtype == SafetensorsDtype::kF32 ? 4 : 2;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return text + "]";
}

// Product of the extents, or -1 if one is negative or it overflows.
int64_t CheckedNumel(const std::vector<int64_t>& shape) {
  int64_t numel = 1;
  for (int64_t extent : shape) {
    if (extent < 0) return -1;
    if (extent > 0 && numel > std::numeric_limits<int64_t>::max() / extent) {
      return -1;
    }
    numel *= extent;
  }
  return numel;
}

void AppendValues(std::string* data, const float* values, int64_t numel,
                  SafetensorsDtype dtype) {
  if (numel == 0) return;  // an empty tensor: nothing to copy (and no pointer)
  const size_t start = data->size();
  data->resize(start + numel * ElementBytes(dtype));
  char* out = data->data() + start;
  if (dtype == SafetensorsDtype::kF32) {
    std::memcpy(out, values, numel * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < numel; ++i) {
    const uint16_t bits = FloatToBfloat16(values[i]);
    std::memcpy(out + 2 * i, &bits, 2);
  }
}

// One tensor's header entry, checked against the data section's size.
struct Entry {
  std::string name;
  SafetensorsDtype dtype;
  std::vector<int64_t> shape;
  int64_t numel;
  int64_t begin;
  int64_t end;
};

Entry ParseEntry(const std::string& name, const json::Value& value,
                 int64_t data_bytes, const std::string& source) {
  auto fail = [&](const std::string& what) {
    return std::runtime_error(source + ": tensor " + name + ": " + what);
  };
  if (value.type() != json::Value::Type::kObject) {
    throw fail("header entry is not an object");
  }
  Entry entry;
  entry.name = name;
  const json::Value* dtype = value.Find("dtype");
  const json::Value* shape = value.Find("shape");
  const json::Value* offsets = value.Find("data_offsets");
  if (dtype == nullptr || shape == nullptr || offsets == nullptr) {
    throw fail("header entry needs dtype, shape and data_offsets");
  }
  try {
    const std::string& dtype_name = dtype->AsString();
    if (dtype_name == "F32") {
      entry.dtype = SafetensorsDtype::kF32;
    } else if (dtype_name == "BF16") {
      entry.dtype = SafetensorsDtype::kBF16;
    } else if (dtype_name == "F16") {
      entry.dtype = SafetensorsDtype::kF16;
    } else {
      throw fail("unsupported dtype " + dtype_name +
                 " (F32, BF16 and F16 are read)");
    }
    for (const json::Value& extent : shape->AsArray()) {
      entry.shape.push_back(extent.AsInt());
    }
    const json::Value::Array& range = offsets->AsArray();
    if (range.size() != 2) throw fail("data_offsets must be [begin, end]");
    entry.begin = range[0].AsInt();
    entry.end = range[1].AsInt();
  } catch (const json::TypeError& e) {
    throw fail(std::string("malformed header entry: ") + e.what());
  }
  entry.numel = CheckedNumel(entry.shape);
  if (entry.numel < 0) throw fail("invalid shape " + ShapeText(entry.shape));
  const std::string range_text = "data_offsets [" +
                                 std::to_string(entry.begin) + ", " +
                                 std::to_string(entry.end) + "]";
  if (entry.begin < 0 || entry.end < entry.begin) {
    throw fail(range_text + " are not an ordered range");
  }
  if (entry.end > data_bytes) {
    throw fail(range_text + " run past the end of the data section (" +
               std::to_string(data_bytes) + " bytes; truncated file?)");
  }
  const int64_t element_bytes = ElementBytes(entry.dtype);
  if (entry.numel > std::numeric_limits<int64_t>::max() / element_bytes ||
      entry.end - entry.begin != entry.numel * element_bytes) {
    throw fail(range_text + " hold " + std::to_string(entry.end - entry.begin) +
               " bytes, but " + DtypeName(entry.dtype) + " of shape " +
               ShapeText(entry.shape) + " needs " +
               std::to_string(entry.numel * element_bytes));
  }
  return entry;
}

std::vector<float> Decode(const char* data, const Entry& entry) {
  std::vector<float> values(entry.numel);
  if (entry.numel == 0) return values;  // values.data() may be null
  if (entry.dtype == SafetensorsDtype::kF32) {
    std::memcpy(values.data(), data, entry.numel * sizeof(float));
    return values;
  }
  const bool bf16 = entry.dtype == SafetensorsDtype::kBF16;
  for (int64_t i = 0; i < entry.numel; ++i) {
    uint16_t bits;
    std::memcpy(&bits, data + 2 * i, 2);
    values[i] = bf16 ? Bfloat16ToFloat(bits) : Float16ToFloat(bits);
  }
  return values;
}

}  // namespace

const char* DtypeName(SafetensorsDtype dtype) {
  switch (dtype) {
    case SafetensorsDtype::kF32:
      return "F32";
    case SafetensorsDtype::kBF16:
      return "BF16";
    case SafetensorsDtype::kF16:
      return "F16";
  }
  return "?";
}

std::string SerializeSafetensors(std::vector<TensorToWrite> tensors,
                                 SafetensorsDtype dtype) {
  if (dtype == SafetensorsDtype::kF16) {
    throw std::invalid_argument("safetensors: writing F16 is not supported");
  }
  std::sort(tensors.begin(), tensors.end(),
            [](const TensorToWrite& a, const TensorToWrite& b) {
              return a.name < b.name;
            });
  json::Value::Object header;
  header.emplace_back(kMetadataKey, json::Value::Object{{"format", "pt"}});
  std::string data;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorToWrite& tensor = tensors[i];
    if (tensor.name == kMetadataKey ||
        (i > 0 && tensor.name == tensors[i - 1].name)) {
      throw std::invalid_argument("safetensors: duplicate or reserved name " +
                                  tensor.name);
    }
    const int64_t numel = CheckedNumel(tensor.shape);
    if (numel < 0) {
      throw std::invalid_argument("safetensors: tensor " + tensor.name +
                                  " has invalid shape " +
                                  ShapeText(tensor.shape));
    }
    const int64_t begin = static_cast<int64_t>(data.size());
    AppendValues(&data, tensor.values, numel, dtype);
    json::Value::Array shape(tensor.shape.begin(), tensor.shape.end());
    json::Value::Array offsets = {begin, static_cast<int64_t>(data.size())};
    header.emplace_back(
        tensor.name, json::Value::Object{{"dtype", DtypeName(dtype)},
                                         {"shape", std::move(shape)},
                                         {"data_offsets", std::move(offsets)}});
  }
  std::string header_text = json::Write(json::Value(std::move(header)));
  header_text.resize((header_text.size() + 7) / 8 * 8, ' ');
  const uint64_t header_bytes = header_text.size();
  std::string file(8, '\0');
  std::memcpy(file.data(), &header_bytes, 8);
  file += header_text;
  file += data;
  return file;
}

std::map<std::string, LoadedTensor> ParseSafetensors(
    std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8) {
    throw std::runtime_error(source +
                             ": truncated: shorter than the 8-byte header "
                             "length");
  }
  uint64_t header_bytes;
  std::memcpy(&header_bytes, bytes.data(), 8);
  if (header_bytes > bytes.size() - 8) {
    throw std::runtime_error(
        source + ": header length " + std::to_string(header_bytes) +
        " runs past the end of the file (" + std::to_string(bytes.size()) +
        " bytes; truncated or not a safetensors file?)");
  }
  json::Value header;
  try {
    header = json::Parse(bytes.substr(8, header_bytes));
  } catch (const json::ParseError& e) {
    throw std::runtime_error(source +
                             ": header is not valid JSON: " + e.what());
  }
  if (header.type() != json::Value::Type::kObject) {
    throw std::runtime_error(source + ": header is not a JSON object");
  }
  const std::string_view data = bytes.substr(8 + header_bytes);
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.AsObject()) {
    if (name == kMetadataKey) continue;
    entries.push_back(
        ParseEntry(name, value, static_cast<int64_t>(data.size()), source));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].begin < entries[i - 1].end) {
      throw std::runtime_error(source + ": tensors " + entries[i - 1].name +
                               " and " + entries[i].name +
                               " have overlapping data_offsets");
    }
  }
  std::map<std::string, LoadedTensor> tensors;
  for (const Entry& entry : entries) {
    LoadedTensor tensor{entry.dtype, entry.shape,
                        Decode(data.data() + entry.begin, entry)};
    if (!tensors.emplace(entry.name, std::move(tensor)).second) {
      throw std::runtime_error(source + ": tensor " + entry.name +
                               " appears twice in the header");
    }
  }
  return tensors;
}

std::map<std::string, LoadedTensor> ReadSafetensors(const std::string& path) {
  return ParseSafetensors(io::ReadFile(path), path);
}

}  // namespace prolong::model
