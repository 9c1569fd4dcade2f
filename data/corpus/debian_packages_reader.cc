#include "data/corpus/debian_packages_reader.h"

#include <optional>
#include <set>
#include <utility>

#include "data/corpus/debian_stanzas.h"

namespace prolong::data {
namespace {

// The package's document, or nothing when the stanza lacks a field the
// corpus needs.
std::optional<Document> PackageDocument(const Stanza& stanza) {
  const std::string name = StanzaValue(stanza, "Package");
  const std::string section = StanzaValue(stanza, "Section");
  const std::string synopsis = StanzaValue(stanza, "Description");
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
    ForEachStanza(*text, [&](const std::vector<std::string>& lines) {
      const std::optional<Stanza> stanza = ParseStanza(lines);
      std::optional<Document> document;
      if (stanza) document = PackageDocument(*stanza);
      if (!document || !packages.insert(document->name).second) {
        skip();
        return;
      }
      corpus.documents.push_back(std::move(*document));
    });
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
