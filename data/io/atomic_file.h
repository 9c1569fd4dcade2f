// Whole-or-nothing file writes: write a temporary file beside the target,
// fsync it, then rename it over the target, so a reader (Bazel, the next
// stage) never sees a half-written output.
#ifndef PROLONG_DATA_IO_ATOMIC_FILE_H_
#define PROLONG_DATA_IO_ATOMIC_FILE_H_

#include <string>
#include <string_view>

namespace prolong::io {

// A unique temporary path in the same directory as `path`.
std::string TemporaryPathFor(const std::string& path);

// fsyncs `temporary` and renames it to `path`; throws std::runtime_error
// naming both on failure (and removes the temporary file).
void CommitTemporary(const std::string& temporary, const std::string& path);

// Writes `contents` to `path` atomically; throws std::runtime_error naming
// the file and the system error (e.g. "No space left on device").
void WriteFileAtomically(const std::string& path, std::string_view contents);

// Reads a whole file; throws std::runtime_error naming the file.
std::string ReadFile(const std::string& path);

}  // namespace prolong::io

#endif  // PROLONG_DATA_IO_ATOMIC_FILE_H_
