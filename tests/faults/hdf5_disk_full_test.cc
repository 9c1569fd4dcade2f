// An HDF5 file that does not fit on the disk: H5Writer::Commit throws an
// error naming the file and the lack of space, leaves no file (and no
// temporary one), keeps an earlier file at the path, and leaves HDF5 in a
// state that can go on and exit cleanly (HDF5 1.10 crashes at exit if it
// was itself writing when the disk filled up).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/io/hdf5_file.h"

namespace prolong::io {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Lowers RLIMIT_FSIZE for its lifetime: writes past `bytes` fail with
// EFBIG (SIGXFSZ is ignored, as the stage binaries do).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }

 private:
  rlimit saved_;
};

void WriteValues(const std::string& path, size_t count) {
  H5Writer writer(path);
  writer.WriteText("config", "name: \"big\"\n");
  writer.Write<float>("values", std::vector<float>(count, 0.5f));
  writer.Commit();
}

TEST(Hdf5DiskFull, CommitFailsNamingTheFileAndKeepsTheEarlierOne) {
  const std::string dir = std::getenv("TEST_TMPDIR");
  const std::string path = dir + "/values.h5";
  WriteValues(path, 16);
  const std::string earlier = ReadFile(path);
  {
    const FileSizeLimit limit(64 << 10);
    EXPECT_THAT([&] { WriteValues(path, 1 << 20); },
                ::testing::ThrowsMessage<std::runtime_error>(
                    AllOf(HasSubstr(path), HasSubstr("File too large"),
                          HasSubstr("out of disk space"))));
    EXPECT_THAT([&] { WriteValues(dir + "/new.h5", 1 << 20); },
                ::testing::ThrowsMessage<std::runtime_error>(
                    HasSubstr(dir + "/new.h5")));
  }
  EXPECT_EQ(ReadFile(path), earlier);
  EXPECT_EQ(H5Reader(path).Read<float>("values").size(), 16u);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename(), "values.h5") << "left behind";
  }
  // With room again, the same writer code works.
  WriteValues(dir + "/new.h5", 1 << 20);
  EXPECT_EQ(H5Reader(dir + "/new.h5").Read<float>("values").size(), 1u << 20);
}

}  // namespace
}  // namespace prolong::io
