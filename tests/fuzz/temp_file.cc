#include "tests/fuzz/temp_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace prolong::fuzz {

TempFile::TempFile(const uint8_t* data, size_t size) {
  const char* dir = std::getenv("TMPDIR");
  path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") +
          "/prolong_fuzz_" + std::to_string(getpid());
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data),
            static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::perror(path_.c_str());
    std::abort();
  }
}

TempFile::~TempFile() { std::remove(path_.c_str()); }

}  // namespace prolong::fuzz
