// A scratch file for fuzz targets whose reader takes a path.
#ifndef PROLONG_TESTS_FUZZ_TEMP_FILE_H_
#define PROLONG_TESTS_FUZZ_TEMP_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace prolong::fuzz {

// Holds `data` in a file (in $TMPDIR, else /tmp; one name per process) until
// destroyed. libFuzzer ends with _Exit, so the file is removed after every
// input rather than at exit. Aborts if the file cannot be written.
class TempFile {
 public:
  TempFile(const uint8_t* data, size_t size);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace prolong::fuzz

#endif  // PROLONG_TESTS_FUZZ_TEMP_FILE_H_
