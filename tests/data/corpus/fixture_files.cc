#include "tests/data/corpus/fixture_files.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace prolong::data {

SourceFile WriteFixture(const std::string& relative,
                        std::string_view contents) {
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/tree/" + relative;
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary)
      .write(contents.data(), static_cast<std::streamsize>(contents.size()));
  return {relative, path};
}

std::string Gzip(std::string_view text) {
  z_stream stream{};
  // 15 window bits, +16: write a gzip wrapper.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) {
    throw std::runtime_error("deflate did not finish");
  }
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace prolong::data
