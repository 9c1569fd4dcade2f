#include "data/tasks/icl_datasets.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "data/io/checksum.h"
#include "data/tasks/pod_text.h"
#include "data/tasks/sentences.h"

namespace prolong::data {
namespace {

bool IsMarkerChar(char c) {
  return (c >= 'a' && c <= 'z') || c == ' ' || c == ',' || c == '-';
}

// Length of the category marker "<...>" starting at `pos`, or 0.
size_t MarkerLength(const std::string& text, size_t pos) {
  if (text[pos] != '<' || pos + 1 >= text.size() || text[pos + 1] < 'a' ||
      text[pos + 1] > 'z') {
    return 0;
  }
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '>') return i + 1 - pos;
    if (!IsMarkerChar(text[i])) return 0;
  }
  return 0;
}

// `text` without category markers and {} braces.
std::string StripMarkup(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (const size_t marker = MarkerLength(text, i)) {
      i += marker;
    } else {
      if (text[i] != '{' && text[i] != '}') out += text[i];
      ++i;
    }
  }
  return out;
}

// The first `max_words` words of `text`, whitespace collapsed.
std::string FirstWords(const std::string& text, size_t max_words) {
  const std::vector<std::string> words = SplitWords(text);
  return JoinWords(words, 0, std::min(max_words, words.size()));
}

struct FoldocEntry {
  std::string category;
  std::string text;
};

// The entry's single category and its text; category empty when the entry
// does not qualify.
FoldocEntry ReadFoldocEntry(const std::string& document) {
  const size_t blank = document.find("\n\n");
  if (blank == std::string::npos) return {};
  const std::string headword = document.substr(0, document.find('\n'));
  std::string definition = document.substr(blank + 2);
  definition = definition.substr(0, definition.find("\n\n"));
  const size_t start = definition.find_first_not_of(" \t\n");
  if (start == std::string::npos) return {};
  const size_t marker = MarkerLength(definition, start);
  if (marker == 0) return {};
  const std::string category = definition.substr(start + 1, marker - 2);
  if (category.find(',') != std::string::npos) return {};
  const size_t after = definition.find_first_not_of(" \t\n", start + marker);
  if (after == std::string::npos || MarkerLength(definition, after) > 0) {
    return {};
  }
  const std::vector<std::string> sentences =
      SplitSentences(StripMarkup(definition.substr(after)));
  if (sentences.empty()) return {};
  return {category, FirstWords(headword + ": " + sentences[0], kIclTextWords)};
}

// The `count` most frequent keys of `counts`, ties by name.
std::set<std::string> MostFrequent(const std::map<std::string, int>& counts,
                                   int count) {
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [key, n] : counts) ranked.push_back({-n, key});
  std::sort(ranked.begin(), ranked.end());
  std::set<std::string> kept;
  for (size_t i = 0; i < ranked.size() && static_cast<int>(i) < count; ++i) {
    kept.insert(ranked[i].second);
  }
  return kept;
}

struct PackageText {
  std::string package;
  LabelledText labelled;
};

// The package's section (archive component dropped) and description
// text; label empty when the document is not a package description.
PackageText ReadPackageDocument(const Document& document) {
  const std::string kSection = "Section: ";
  const size_t line_end = document.text.find('\n');
  if (document.text.rfind(kSection, 0) != 0 || line_end == std::string::npos) {
    return {};
  }
  std::string section =
      document.text.substr(kSection.size(), line_end - kSection.size());
  section = section.substr(section.rfind('/') + 1);
  std::string text =
      FirstWords(document.text.substr(line_end + 1), kIclTextWords);
  if (section.empty() || text.empty()) return {};
  return {document.name, {std::move(text), std::move(section)}};
}

}  // namespace

std::vector<LabelledText> FoldocCategoryTexts(
    const std::vector<Document>& foldoc) {
  std::vector<FoldocEntry> entries;
  std::map<std::string, int> counts;
  for (const Document& document : foldoc) {
    FoldocEntry entry = ReadFoldocEntry(document.text);
    if (entry.category.empty()) continue;
    ++counts[entry.category];
    entries.push_back(std::move(entry));
  }
  if (counts.size() < 2) {
    throw std::invalid_argument(
        "FOLDOC categories: fewer than 2 categories (not a FOLDOC corpus?)");
  }
  const std::set<std::string> kept = MostFrequent(counts, kFoldocCategories);
  std::vector<LabelledText> texts;
  for (FoldocEntry& entry : entries) {
    if (kept.count(entry.category) > 0) {
      texts.push_back({std::move(entry.text), std::move(entry.category)});
    }
  }
  return texts;
}

std::vector<LabelledText> PerlFaqSectionTexts(
    const std::vector<Document>& perl_faq) {
  std::vector<LabelledText> texts;
  std::set<std::string> sections;
  for (const Document& document : perl_faq) {
    if (document.name.rfind("perlfaq", 0) != 0) continue;
    const size_t dot = document.name.find('.');
    if (dot == std::string::npos) continue;
    const std::string section = document.name.substr(0, dot);
    const std::string question =
        PodInlineText(document.text.substr(0, document.text.find('\n')));
    std::string text = FirstWords(question, kIclTextWords);
    if (text.empty()) continue;
    texts.push_back({std::move(text), section});
    sections.insert(section);
  }
  if (sections.size() < 2) {
    throw std::invalid_argument(
        "Perl FAQ sections: fewer than 2 sections (not a Perl FAQ corpus?)");
  }
  return texts;
}

std::vector<LabelledText> PackageSectionTexts(
    const std::vector<Document>& packages) {
  std::vector<PackageText> entries;
  std::map<std::string, int> text_counts;
  for (const Document& document : packages) {
    PackageText entry = ReadPackageDocument(document);
    if (entry.labelled.label.empty()) continue;
    ++text_counts[entry.labelled.text];
    entries.push_back(std::move(entry));
  }
  std::map<std::string, int> section_counts;
  for (const PackageText& entry : entries) {
    if (text_counts[entry.labelled.text] == 1) {
      ++section_counts[entry.labelled.label];
    }
  }
  if (section_counts.size() < 2) {
    throw std::invalid_argument(
        "Debian package sections: fewer than 2 sections (not a package "
        "description corpus?)");
  }
  const std::set<std::string> kept =
      MostFrequent(section_counts, kPackageSections);
  int per_section = kPackageSectionTexts;
  for (const std::string& section : kept) {
    per_section = std::min(per_section, section_counts[section]);
  }
  // Per kept section, its entries by (hash of the package name, index).
  std::map<std::string, std::vector<std::pair<uint64_t, size_t>>> ranked;
  for (size_t i = 0; i < entries.size(); ++i) {
    const PackageText& entry = entries[i];
    if (text_counts[entry.labelled.text] != 1 ||
        kept.count(entry.labelled.label) == 0) {
      continue;
    }
    ranked[entry.labelled.label].push_back(
        {io::Fnv1a64(entry.package.data(), entry.package.size()), i});
  }
  std::vector<bool> chosen(entries.size(), false);
  for (auto& [section, members] : ranked) {
    std::sort(members.begin(), members.end());
    for (int k = 0; k < per_section; ++k) {
      chosen[members[k].second] = true;
    }
  }
  std::vector<LabelledText> texts;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (chosen[i]) texts.push_back(std::move(entries[i].labelled));
  }
  return texts;
}

}  // namespace prolong::data
