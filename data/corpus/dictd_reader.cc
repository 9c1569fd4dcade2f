#include "data/corpus/dictd_reader.h"

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "data/corpus/text_checks.h"

namespace prolong::data {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

std::string Trimmed(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

struct Dictionary {
  std::optional<std::string> index;
  std::optional<std::string> text;
};

void AddEntries(const std::string& name, const Dictionary& dictionary,
                Corpus* corpus) {
  CorpusManifest& manifest = corpus->manifest;
  const auto skip = [&] {
    manifest.set_entries_skipped(manifest.entries_skipped() + 1);
  };
  std::set<int64_t> offsets_seen;
  std::istringstream lines(*dictionary.index);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const size_t tab1 = line.find('\t');
    const size_t tab2 =
        tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) {
      skip();
      continue;
    }
    const std::string headword = line.substr(0, tab1);
    if (headword.rfind("00-database", 0) == 0 ||
        headword.rfind("00database", 0) == 0) {
      continue;
    }
    const auto offset = DecodeDictdNumber(
        std::string_view(line).substr(tab1 + 1, tab2 - tab1 - 1));
    const auto length =
        DecodeDictdNumber(Trimmed(std::string_view(line).substr(tab2 + 1)));
    const int64_t size = static_cast<int64_t>(dictionary.text->size());
    if (!offset || !length || *offset > size || *length > size - *offset) {
      skip();
      continue;
    }
    if (!offsets_seen.insert(*offset).second) continue;
    std::string text =
        Trimmed(std::string_view(*dictionary.text).substr(*offset, *length));
    if (text.empty() || !IsValidUtf8(text)) {
      skip();
      continue;
    }
    corpus->documents.push_back({name + ":" + headword, std::move(text)});
  }
}

}  // namespace

std::optional<int64_t> DecodeDictdNumber(std::string_view digits) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  int64_t value = 0;
  for (char c : digits) {
    const size_t digit = kAlphabet.find(c);
    if (digit == std::string_view::npos) return std::nullopt;
    value = value * 64 + static_cast<int64_t>(digit);
  }
  return value;
}

Corpus ReadDictd(const std::vector<SourceFile>& files,
                 const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "dictd");
  std::map<std::string, Dictionary> dictionaries;  // by name, e.g. "foldoc"
  for (const auto& file : SortedByPath(files)) {
    const std::string name = DocumentName(file);
    std::optional<std::string>* slot;
    std::string stem;
    if (EndsWith(name, ".index")) {
      stem = name.substr(0, name.size() - 6);
      slot = &dictionaries[stem].index;
    } else if (EndsWith(name, ".dict")) {
      stem = name.substr(0, name.size() - 5);
      slot = &dictionaries[stem].text;
    } else {
      throw std::runtime_error(file.path +
                               ": not a dictd .index, .dict or .dict.dz file");
    }
    *slot = ReadTextFile(file, &corpus.manifest);
  }
  for (const auto& [name, dictionary] : dictionaries) {
    if (dictionary.index && dictionary.text) {
      AddEntries(name, dictionary, &corpus);
    }
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
