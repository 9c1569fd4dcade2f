#include "data/corpus/man_pages_reader.h"

#include "data/corpus/man_page_text.h"

namespace prolong::data {

Corpus ReadManPages(const std::vector<SourceFile>& files,
                    const std::string& domain) {
  return ReadConvertedFiles(files, domain, "man_pages", ManPageToText);
}

}  // namespace prolong::data
