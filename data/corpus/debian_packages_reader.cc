#include "data/corpus/debian_packages_reader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

namespace prolong::data {
namespace {

// Field name -> its lines: the value on the field's own line (trimmed),
// then its continuation lines as written (leading whitespace kept,
// trailing whitespace dropped).
using Stanza = std::map<std::string, std::vector<std::string>>;

std::string TrimEnd(const std::string& text) {
  const size_t end = text.find_last_not_of(" \t");
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

std::string Trim(const std::string& text) {
  const std::string end_trimmed = TrimEnd(text);
  return end_trimmed.substr(
      std::min(end_trimmed.size(), end_trimmed.find_first_not_of(" \t")));
}

// Nothing for a malformed stanza.
std::optional<Stanza> ParseStanza(const std::vector<std::string>& lines) {
  Stanza stanza;
  std::vector<std::string>* field = nullptr;
  for (const std::string& line : lines) {
    if (line[0] == ' ' || line[0] == '\t') {
      if (field == nullptr) return std::nullopt;
      field->push_back(TrimEnd(line));
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const std::string name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string::npos) return std::nullopt;
    const auto [entry, inserted] = stanza.try_emplace(name);
    if (!inserted) return std::nullopt;
    entry->second.push_back(Trim(line.substr(colon + 1)));
    field = &entry->second;
  }
  return stanza;
}

// The value on the field's own line; empty when the field is absent.
std::string Value(const Stanza& stanza, const std::string& field) {
  const auto entry = stanza.find(field);
  return entry == stanza.end() ? "" : entry->second[0];
}

// The package's document, or nothing when the stanza lacks a field the
// corpus needs.
std::optional<Document> PackageDocument(const Stanza& stanza) {
  const std::string name = Value(stanza, "Package");
  const std::string section = Value(stanza, "Section");
  const std::string synopsis = Value(stanza, "Description");
  if (name.empty() || section.empty() || synopsis.empty() ||
      stanza.count("Filename") == 0) {
    return std::nullopt;
  }
  std::string text = "Section: " + section + "\n" + synopsis;
  const std::vector<std::string>& description = stanza.at("Description");
  for (size_t i = 1; i < description.size(); ++i) {
    const std::string line = description[i].substr(1);
    text += "\n" + (line == "." ? std::string() : line);
  }
  return Document{name, text};
}

}  // namespace

Corpus ReadDebianPackages(const std::vector<SourceFile>& files,
                          const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "debian_packages");
  CorpusManifest& manifest = corpus.manifest;
  std::set<std::string> packages;
  const auto skip = [&] {
    manifest.set_entries_skipped(manifest.entries_skipped() + 1);
  };
  for (const auto& file : SortedByPath(files)) {
    const auto text = ReadTextFile(file, &manifest);
    if (!text) continue;
    std::istringstream input(*text);
    std::string line;
    std::vector<std::string> lines;
    const auto finish_stanza = [&] {
      if (lines.empty()) return;
      const std::optional<Stanza> stanza = ParseStanza(lines);
      lines.clear();
      std::optional<Document> document;
      if (stanza) document = PackageDocument(*stanza);
      if (!document || !packages.insert(document->name).second) {
        skip();
        return;
      }
      corpus.documents.push_back(std::move(*document));
    };
    while (std::getline(input, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) {
        finish_stanza();
      } else {
        lines.push_back(line);
      }
    }
    finish_stanza();
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
