#include "data/io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace prolong::io {
namespace {

TEST(AtomicFile, WritesAndReplaces) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/f.txt";
  WriteFileAtomically(path, "first");
  WriteFileAtomically(path, "second");
  EXPECT_EQ(ReadFile(path), "second");
}

TEST(AtomicFile, FailureNamesTheFileAndKeepsNothing) {
  try {
    WriteFileAtomically("/nonexistent-dir/out.txt", "x");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/out.txt"),
              std::string::npos)
        << e.what();
  }
}

TEST(AtomicFile, FullDiskFailsClearlyAndKeepsTheOldFile) {
  // A file-size limit stands in for a full disk: write() fails part-way.
  const std::string dir = std::getenv("TEST_TMPDIR");
  const std::string path = dir + "/kept";
  WriteFileAtomically(path, "old");
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved;
  getrlimit(RLIMIT_FSIZE, &saved);
  rlimit small = saved;
  small.rlim_cur = 4096;
  setrlimit(RLIMIT_FSIZE, &small);
  std::string error;
  try {
    WriteFileAtomically(path, std::string(1 << 20, 'x'));
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &saved);
  EXPECT_NE(error.find("cannot write " + path), std::string::npos) << error;
  EXPECT_EQ(ReadFile(path), "old");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos)
        << "left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace prolong::io
