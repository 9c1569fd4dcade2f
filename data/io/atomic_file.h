// Whole-or-nothing file writes: write a temporary file beside the target,
// fsync it, rename it over the target, then fsync the directory, so a reader
// (Bazel, the next stage) never sees a half-written output, and after a
// crash or power loss the target is either the old file or the whole new
// one. A failed write removes its temporary file and leaves any earlier file
// at the target untouched.
#ifndef PROLONG_DATA_IO_ATOMIC_FILE_H_
#define PROLONG_DATA_IO_ATOMIC_FILE_H_

#include <string>
#include <string_view>

namespace prolong::io {

// strerror(error_number); for the errors of a full disk (ENOSPC, EDQUOT, and
// EFBIG, which a file-size limit gives) it adds that the write ran out of
// space, e.g. "File too large (out of disk space or over the file-size
// limit)".
std::string DescribeSystemError(int error_number);

// A unique temporary path in the same directory as `path`.
std::string TemporaryPathFor(const std::string& path);

// Writes `contents` to `path` atomically; throws std::runtime_error naming
// the file and the system error (e.g. "No space left on device").
void WriteFileAtomically(const std::string& path, std::string_view contents);

// Reads a whole file; throws std::runtime_error naming the file.
std::string ReadFile(const std::string& path);

}  // namespace prolong::io

#endif  // PROLONG_DATA_IO_ATOMIC_FILE_H_
