#include "data/corpus/package_lookups_reader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <set>
#include <utility>

#include "data/corpus/debian_stanzas.h"
#include "data/rng.h"

namespace prolong::data {
namespace {

constexpr uint64_t kSeed = 0x6c6f6f6b757073;  // "lookups"

// A field a document lists: its name in the index, in prose, and as a key.
struct Field {
  const char* index_name;  // "Installed-Size"
  const char* prose;       // "installed size"
  const char* key;         // "installed_size"
};

constexpr std::array<Field, 4> kFields = {{
    {"Version", "version", "version"},
    {"Size", "download size", "size"},
    {"Installed-Size", "installed size", "installed_size"},
    {"MD5sum", "MD5 checksum", "md5sum"},
}};

struct Package {
  std::string name;
  std::array<std::string, kFields.size()> values;  // "" where absent
};

using Record = std::pair<std::string, std::string>;  // (package, value)

// The records listed, then the question about `asked` answered.
std::string Layout(int layout, const Field& field,
                   const std::vector<Record>& records,
                   const std::vector<int>& asked) {
  const std::string prose = field.prose;
  std::string text;
  switch (layout) {
    case 0:  // a Packages excerpt, then questions and answers
      for (const auto& [name, value] : records) {
        text += "Package: " + name + "\n" + field.index_name + ": " + value +
                "\n\n";
      }
      for (int i : asked) {
        text += "Q: What is the " + prose + " of " + records[i].first +
                "?\nA: " + records[i].second + "\n";
      }
      return text;
    case 1:  // a JSON object, then lookups in code
      text = std::string(field.key) + "s = {";
      for (size_t i = 0; i < records.size(); ++i) {
        text += (i ? ",\n  \"" : "\n  \"") + records[i].first + "\": \"" +
                records[i].second + "\"";
      }
      text += "\n}\n";
      for (int i : asked) {
        text += "assert " + std::string(field.key) + "s[\"" + records[i].first +
                "\"] == \"" + records[i].second + "\"\n";
      }
      return text;
    case 2:  // sentences, then the same facts asked and restated
      for (const auto& [name, value] : records) {
        text += "The " + prose + " of " + name + " is " + value + ". ";
      }
      text += "\n";
      for (int i : asked) {
        text += "Which " + prose + " does " + records[i].first + " have? Its " +
                prose + " is " + records[i].second + ".\n";
      }
      return text;
    default:  // a Markdown table, then lookups
      text = "| package | " + prose + " |\n|---|---|\n";
      for (const auto& [name, value] : records) {
        text += "| " + name + " | " + value + " |\n";
      }
      text += "\n";
      for (int i : asked) {
        text +=
            "lookup " + records[i].first + " -> " + records[i].second + "\n";
      }
      return text;
  }
}

std::vector<Package> ReadPackages(const std::vector<SourceFile>& files,
                                  CorpusManifest* manifest) {
  std::vector<Package> packages;
  std::set<std::string> seen;
  for (const auto& file : SortedByPath(files)) {
    const auto text = ReadTextFile(file, manifest);
    if (!text) continue;
    ForEachStanza(*text, [&](const std::vector<std::string>& lines) {
      const std::optional<Stanza> stanza = ParseStanza(lines);
      const std::string name =
          stanza ? StanzaValue(*stanza, "Package") : std::string();
      if (name.empty() || stanza->count("Filename") == 0 ||
          !seen.insert(name).second) {
        manifest->set_entries_skipped(manifest->entries_skipped() + 1);
        return;
      }
      Package package{name, {}};
      for (size_t f = 0; f < kFields.size(); ++f) {
        package.values[f] = StanzaValue(*stanza, kFields[f].index_name);
      }
      packages.push_back(std::move(package));
    });
  }
  return packages;
}

}  // namespace

Corpus ReadPackageLookups(const std::vector<SourceFile>& files,
                          const std::string& domain) {
  Corpus corpus = NewCorpus(domain, "package_lookups");
  std::vector<Package> packages = ReadPackages(files, &corpus.manifest);
  Rng order(kSeed, 0);
  order.Shuffle(&packages);
  // Packages not yet listed, per field, in shuffled order.
  std::array<std::vector<const Package*>, kFields.size()> pending;
  for (auto it = packages.rbegin(); it != packages.rend(); ++it) {
    for (size_t f = 0; f < kFields.size(); ++f) {
      if (!it->values[f].empty()) pending[f].push_back(&*it);
    }
  }
  std::set<const Package*> listed;
  for (uint64_t d = 0;; ++d) {
    Rng rng(kSeed, d + 1);
    const size_t count = kMinRecords + rng.Below(kMaxRecords - kMinRecords + 1);
    const size_t f = rng.Below(kFields.size());
    std::vector<Record> records;
    while (records.size() < count && !pending[f].empty()) {
      const Package* package = pending[f].back();
      pending[f].pop_back();
      if (listed.insert(package).second) {
        records.emplace_back(package->name, package->values[f]);
      }
    }
    if (records.size() < kMinRecords) break;
    std::vector<int> asked(records.size());
    for (size_t i = 0; i < asked.size(); ++i) asked[i] = static_cast<int>(i);
    rng.Shuffle(&asked);
    asked.resize(std::min<size_t>(asked.size(), 1 + rng.Below(kMaxQuestions)));
    char name[32];
    std::snprintf(name, sizeof(name), "lookups-%05llu",
                  static_cast<unsigned long long>(d));
    corpus.documents.push_back({name, Layout(static_cast<int>(rng.Below(4)),
                                             kFields[f], records, asked)});
  }
  FinishCorpus(&corpus);
  return corpus;
}

}  // namespace prolong::data
