#include "data/corpus/package_lookups_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

constexpr int kPackages = 60;

// "pkg-a07": fixed width, so no name is part of another.
std::string Name(int i) {
  char name[16];
  std::snprintf(name, sizeof(name), "pkg-a%02d", i);
  return name;
}

// Field (as the documents name it in prose) -> value, per package.
std::map<std::string, std::string> Values(int i) {
  char md5[40];
  std::snprintf(md5, sizeof(md5), "%032x", 0xabc000 + i);
  return {{"version", "1." + std::to_string(i) + "-1"},
          {"download size", std::to_string(100000 + 7 * i)},
          {"installed size", std::to_string(200 + i)},
          {"MD5 checksum", md5}};
}

std::string Index() {
  std::string index;
  for (int i = 0; i < kPackages; ++i) {
    const auto values = Values(i);
    index += "Package: " + Name(i) + "\nVersion: " + values.at("version") +
             "\nSection: secret-section\nDescription: secret synopsis\n"
             "Size: " +
             values.at("download size") +
             "\nInstalled-Size: " + values.at("installed size") +
             "\nMD5sum: " + values.at("MD5 checksum") +
             "\nFilename: pool/main/p/" + Name(i) + ".deb\n\n";
  }
  // Left out: no Filename (dpkg status only), a second stanza of a name,
  // a malformed stanza.
  index += "Package: status-only\nVersion: 1\n\n";
  index += "Package: " + Name(0) + "\nVersion: 9\nFilename: x.deb\n\n";
  index += "Package: broken\nnot a field\nFilename: y.deb\n";
  return index;
}

const std::map<std::string, std::string> kProseOfKey = {
    {"version", "version"},
    {"size", "download size"},
    {"installed_size", "installed size"},
    {"md5sum", "MD5 checksum"}};
const std::map<std::string, std::string> kProseOfIndexField = {
    {"Version", "version"},
    {"Size", "download size"},
    {"Installed-Size", "installed size"},
    {"MD5sum", "MD5 checksum"}};

struct Fact {
  std::string package, field, value;
};

// The (package, field, value) facts a document lists and those it asks
// for, read back with each layout's own pattern.
void ReadFacts(const std::string& text, std::vector<Fact>* listed,
               std::vector<Fact>* asked) {
  const auto scan = [&](const std::string& pattern, auto&& add) {
    const std::regex re(pattern);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
         it != std::sregex_iterator(); ++it) {
      add(*it);
    }
  };
  scan(R"re(Package: (\S+)\n(\S+): (\S+)\n)re", [&](const std::smatch& m) {
    listed->push_back({m[1], kProseOfIndexField.at(m[2]), m[3]});
  });
  scan(R"re(Q: What is the (.+) of (\S+)\?\nA: (\S+)\n)re",
       [&](const std::smatch& m) {
         asked->push_back({m[2], m[1], m[3]});
       });
  const std::smatch key = [&] {
    std::smatch m;
    std::regex_search(text, m, std::regex(R"re(^(\w+)s = \{)re"));
    return m;
  }();
  if (!key.empty()) {
    const std::string field = kProseOfKey.at(key[1]);
    scan(R"re(\n  "(\S+)": "(\S+)")re", [&](const std::smatch& m) {
      listed->push_back({m[1], field, m[2]});
    });
    scan(R"re(assert \w+s\["(\S+)"\] == "(\S+)"\n)re",
         [&](const std::smatch& m) {
           asked->push_back({m[1], field, m[2]});
         });
  }
  scan(R"re(The ([a-zA-Z0-9 ]+) of (\S+) is (\S+)\. )re",
       [&](const std::smatch& m) {
         listed->push_back({m[2], m[1], m[3]});
       });
  scan(R"re(Which (.+) does (\S+) have\? Its (.+) is (\S+)\.\n)re",
       [&](const std::smatch& m) {
         EXPECT_EQ(m[1], m[3]);
         asked->push_back({m[2], m[1], m[4]});
       });
  std::smatch table;
  if (std::regex_search(text, table,
                        std::regex(R"re(^\| package \| (.+) \|\n)re"))) {
    const std::string field = table[1];
    scan(R"re(\n\| (\S+) \| (\S+) \|)re", [&](const std::smatch& m) {
      listed->push_back({m[1], field, m[2]});
    });
    scan(R"re(lookup (\S+) -> (\S+)\n)re", [&](const std::smatch& m) {
      asked->push_back({m[1], field, m[2]});
    });
  }
}

TEST(PackageLookupsReader, ListsEachPackageOnceAndAsksOnlyWhatItListed) {
  const Corpus corpus =
      ReadPackageLookups({WriteFixture("Packages", Index())}, "lookups");
  EXPECT_EQ(corpus.manifest.entries_skipped(), 3);
  ASSERT_GT(corpus.documents.size(), 5u);
  std::map<std::string, int> listings;
  std::set<int> layouts_seen;
  for (const Document& document : corpus.documents) {
    SCOPED_TRACE(document.text);
    std::vector<Fact> listed, asked;
    ReadFacts(document.text, &listed, &asked);
    EXPECT_GE(listed.size(), static_cast<size_t>(kMinRecords));
    EXPECT_LE(listed.size(), static_cast<size_t>(kMaxRecords));
    EXPECT_GE(asked.size(), 1u);
    EXPECT_LE(asked.size(), std::min<size_t>(kMaxQuestions, listed.size()));
    std::map<std::string, std::string> in_document;
    for (const Fact& fact : listed) {
      ++listings[fact.package];
      EXPECT_EQ(fact.field, listed[0].field);
      const int i = std::stoi(fact.package.substr(5));
      EXPECT_EQ(fact.package, Name(i));
      EXPECT_EQ(fact.value, Values(i).at(fact.field)) << fact.package;
      in_document[fact.package] = fact.value;
    }
    std::set<std::string> asked_once;
    for (const Fact& fact : asked) {
      EXPECT_EQ(fact.field, listed[0].field);
      ASSERT_EQ(in_document.count(fact.package), 1u) << fact.package;
      EXPECT_EQ(fact.value, in_document.at(fact.package));
      EXPECT_TRUE(asked_once.insert(fact.package).second);
    }
    // None of the Recall tasks' templates (data/tasks/json_kv.cc,
    // ruler_needle.cc) and nothing the ICL task labels or reads.
    for (const char* forbidden :
         {"Corresponding value", "JSON data", "special magic", "Key:", "secret",
          "Section", "Description"}) {
      EXPECT_EQ(document.text.find(forbidden), std::string::npos) << forbidden;
    }
    const std::string& text = document.text;
    layouts_seen.insert(text.rfind("Package: ", 0) == 0 ? 0
                        : text.rfind("The ", 0) == 0    ? 2
                        : text.rfind("| ", 0) == 0      ? 3
                                                        : 1);
  }
  for (const auto& [package, count] : listings) EXPECT_EQ(count, 1) << package;
  // Only the last, unfinished draw leaves packages out.
  EXPECT_GE(listings.size(), static_cast<size_t>(kPackages - kMaxRecords));
  EXPECT_EQ(layouts_seen.size(), 4u);
}

TEST(PackageLookupsReader, SameIndexSameDocuments) {
  const std::vector<SourceFile> files = {WriteFixture("Packages", Index())};
  const Corpus first = ReadPackageLookups(files, "lookups");
  const Corpus second = ReadPackageLookups(files, "lookups");
  ASSERT_EQ(first.documents.size(), second.documents.size());
  for (size_t d = 0; d < first.documents.size(); ++d) {
    EXPECT_EQ(first.documents[d].name, second.documents[d].name);
    EXPECT_EQ(first.documents[d].text, second.documents[d].text);
  }
}

}  // namespace
}  // namespace prolong::data
