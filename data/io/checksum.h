// FNV-1a 64-bit checksums of stored arrays, so corrupt files are detected.
#ifndef PROLONG_DATA_IO_CHECKSUM_H_
#define PROLONG_DATA_IO_CHECKSUM_H_

#include <cstddef>
#include <cstdint>

namespace prolong::io {

uint64_t Fnv1a64(const void* data, size_t bytes,
                 uint64_t seed = 0xcbf29ce484222325ULL);

}  // namespace prolong::io

#endif  // PROLONG_DATA_IO_CHECKSUM_H_
