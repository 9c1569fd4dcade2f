// gzip decompression (zlib), also for dictzip (.dz) files, which are gzip
// files with an extra header field.
#ifndef PROLONG_DATA_CORPUS_GZIP_H_
#define PROLONG_DATA_CORPUS_GZIP_H_

#include <string>
#include <string_view>

namespace prolong::data {

// True for a name ending in ".gz" or ".dz".
bool IsGzipName(std::string_view name);

// Decompresses every gzip member of `compressed` into `out`. Returns false,
// with `out` unspecified, for corrupt or truncated input.
bool Gunzip(std::string_view compressed, std::string* out);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_GZIP_H_
