#include "data/corpus/gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace prolong::data {

bool IsGzipName(std::string_view name) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.substr(name.size() - suffix.size()) == suffix;
  };
  return ends_with(".gz") || ends_with(".dz");
}

bool Gunzip(std::string_view compressed, std::string* out) {
  out->clear();
  z_stream stream{};
  // 15 window bits, +16: gzip wrapper only.
  if (inflateInit2(&stream, 15 + 16) != Z_OK) {
    throw std::runtime_error("zlib: inflateInit2 failed");
  }
  stream.next_in =
      reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char buffer[1 << 16];
  bool complete = false;
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    const int status = inflate(&stream, Z_NO_FLUSH);
    out->append(buffer, sizeof(buffer) - stream.avail_out);
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) {
        complete = true;
        break;
      }
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    // Z_BUF_ERROR: the input ended before the stream did (truncated).
    if (status != Z_OK) break;
  }
  inflateEnd(&stream);
  return complete;
}

}  // namespace prolong::data
