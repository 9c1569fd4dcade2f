#include "data/corpus/text_files_reader.h"

namespace prolong::data {

Corpus ReadTextFiles(const std::vector<SourceFile>& files,
                     const std::string& domain) {
  return ReadConvertedFiles(files, domain, "text_files",
                            [](const std::string& text) { return text; });
}

}  // namespace prolong::data
