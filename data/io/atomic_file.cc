#include "data/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace prolong::io {
namespace {

std::runtime_error SystemError(const std::string& what,
                               const std::string& path) {
  return std::runtime_error(what + " " + path + ": " +
                            DescribeSystemError(errno));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Makes a rename in `directory` durable. File systems that cannot sync a
// directory (EINVAL) are left as they are.
void SyncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw SystemError("cannot open directory", directory);
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const int saved_errno = errno;
  ::close(fd);
  if (!synced) {
    errno = saved_errno;
    throw SystemError("cannot fsync directory", directory);
  }
}

// fsyncs `temporary`, renames it to `path` and fsyncs the directory; throws
// naming the file on failure (and removes the temporary file if it was not
// renamed).
void CommitTemporary(const std::string& temporary, const std::string& path) {
  const int fd = ::open(temporary.c_str(), O_RDONLY);
  if (fd < 0) throw SystemError("cannot reopen", temporary);
  const bool synced = ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!synced) {
    errno = saved_errno;
    std::remove(temporary.c_str());
    throw SystemError("cannot fsync", temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const auto error = SystemError("cannot rename " + temporary + " to", path);
    std::remove(temporary.c_str());
    throw error;
  }
  SyncDirectory(DirectoryOf(path));
}

}  // namespace

std::string DescribeSystemError(int error_number) {
  std::string description = std::strerror(error_number);
  if (error_number == ENOSPC || error_number == EDQUOT ||
      error_number == EFBIG) {
    description += " (out of disk space or over the file-size limit)";
  }
  return description;
}

std::string TemporaryPathFor(const std::string& path) {
  static std::atomic<int> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." +
         std::to_string(counter++);
}

void WriteFileAtomically(const std::string& path, std::string_view contents) {
  const std::string temporary = TemporaryPathFor(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw SystemError("cannot create", temporary);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n =
        ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto error = SystemError("cannot write", path);
      ::close(fd);
      std::remove(temporary.c_str());
      throw error;
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    const auto error = SystemError("cannot close", path);
    std::remove(temporary.c_str());
    throw error;
  }
  CommitTemporary(temporary, path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SystemError("cannot open", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw SystemError("cannot read", path);
  return buffer.str();
}

}  // namespace prolong::io
