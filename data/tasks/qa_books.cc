#include "data/tasks/qa_books.h"

#include <algorithm>

#include "data/tasks/pod_text.h"
#include "data/tasks/sentences.h"

namespace prolong::data {
namespace {

double AsciiShare(const std::string& text) {
  if (text.empty()) return 1.0;
  const auto ascii = std::count_if(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 128;
  });
  return static_cast<double>(ascii) / text.size();
}

bool HasPodCommands(const std::string& text) {
  return text.rfind("=head", 0) == 0 || text.rfind("=pod", 0) == 0 ||
         text.find("\n=head") != std::string::npos;
}

}  // namespace

std::vector<std::string> PlainTextBooks(const std::vector<Document>& books,
                                        int min_words) {
  std::vector<std::string> out;
  for (const Document& book : books) {
    std::string text =
        HasPodCommands(book.text) ? PodToText(book.text) : book.text;
    if (AsciiShare(text) >= kMinAsciiShare &&
        static_cast<int>(SplitWords(text).size()) >= min_words) {
      out.push_back(std::move(text));
    }
  }
  return out;
}

}  // namespace prolong::data
