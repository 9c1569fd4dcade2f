#include "data/corpus/html_pages_reader.h"

#include "data/corpus/html_text.h"

namespace prolong::data {

Corpus ReadHtmlPages(const std::vector<SourceFile>& files,
                     const std::string& domain) {
  return ReadConvertedFiles(files, domain, "html_pages", HtmlToText);
}

}  // namespace prolong::data
