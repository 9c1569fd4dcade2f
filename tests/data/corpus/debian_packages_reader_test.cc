#include "data/corpus/debian_packages_reader.h"

#include <gtest/gtest.h>

#include "tests/data/corpus/fixture_files.h"

namespace prolong::data {
namespace {

// Stanzas as `apt-cache dumpavail` prints them, with one of each kind the
// reader must leave out.
constexpr char kIndex[] =
    "Package: 0ad\n"
    "Version: 0.0.26-3\n"
    "Architecture: amd64\n"
    "Description: Real-time strategy game of ancient warfare\n"
    "Tag: game::strategy, interface::graphical,\n"
    " uitoolkit::sdl\n"
    "Section: games\n"
    "Filename: pool/main/0/0ad/0ad_0.0.26-3_amd64.deb\n"
    "\n"
    "Package: hello\n"
    "Section: devel\n"
    "Description: example package based on GNU hello  \n"
    " The GNU hello program produces a familiar, friendly greeting.\n"
    " .\n"
    "   It allows non-programmers to use a classic computer science tool.\n"
    "Filename: pool/main/h/hello/hello_2.10-3_amd64.deb\n"
    "\n"
    "\n"
    "Package: broken\n"
    "this line is neither a field nor a continuation\n"
    "Section: misc\n"
    "Description: never read\n"
    "Filename: pool/main/b/broken.deb\n"
    "\n"
    " continuation before any field\n"
    "Package: orphan-line\n"
    "Section: misc\n"
    "Description: never read\n"
    "Filename: pool/main/o/orphan.deb\n"
    "\n"
    "Package: twice\n"
    "Section: misc\n"
    "Section: utils\n"
    "Description: never read\n"
    "Filename: pool/main/t/twice.deb\n"
    "\n"
    "Package: no-description\n"
    "Section: libs\n"
    "Filename: pool/main/n/no-description.deb\n"
    "\n"
    "Package: installed-from-elsewhere\n"
    "Section: web\n"
    "Description: only in dpkg's status\n"
    "\n"
    "Package: 0ad\n"
    "Architecture: i386\n"
    "Section: games\n"
    "Description: Real-time strategy game of ancient warfare\n"
    "Filename: pool/main/0/0ad/0ad_0.0.26-3_i386.deb\n"
    "\n"
    "Package: python3-six\r\n"
    "Section: contrib/python\r\n"
    "Description: Python 2 and 3 compatibility library\r\n"
    "Filename: pool/main/s/six/python3-six_1.16.0-4_all.deb";

TEST(DebianPackagesReader, OneDocumentPerPackageWithItsSectionAndDescription) {
  const Corpus corpus =
      ReadDebianPackages({WriteFixture("Packages", kIndex),
                          WriteFixture("Packages.bin", std::string("\0\1", 2))},
                         "package_descriptions");
  ASSERT_EQ(corpus.documents.size(), 3u);
  EXPECT_EQ(corpus.documents[0].name, "0ad");
  EXPECT_EQ(corpus.documents[0].text,
            "Section: games\nReal-time strategy game of ancient warfare");
  EXPECT_EQ(corpus.documents[1].name, "hello");
  EXPECT_EQ(corpus.documents[1].text,
            "Section: devel\n"
            "example package based on GNU hello\n"
            "The GNU hello program produces a familiar, friendly greeting.\n"
            "\n"
            "  It allows non-programmers to use a classic computer science "
            "tool.");
  EXPECT_EQ(corpus.documents[2].name, "python3-six");
  EXPECT_EQ(corpus.documents[2].text,
            "Section: contrib/python\nPython 2 and 3 compatibility library");
  const CorpusManifest& m = corpus.manifest;
  EXPECT_EQ(m.reader(), "debian_packages");
  EXPECT_EQ(m.files_read(), 2);
  EXPECT_EQ(m.files_skipped_binary(), 1);
  // broken, orphan-line, twice, no-description, installed-from-elsewhere
  // and the second 0ad.
  EXPECT_EQ(m.entries_skipped(), 6);
  EXPECT_EQ(m.documents(), 3);
}

TEST(DebianPackagesReader, AFileWithoutStanzasGivesNothing) {
  const Corpus corpus = ReadDebianPackages(
      {WriteFixture("notes.txt", "just prose\n\nno fields here\n")},
      "package_descriptions");
  EXPECT_TRUE(corpus.documents.empty());
  EXPECT_EQ(corpus.manifest.entries_skipped(), 2);
}

}  // namespace
}  // namespace prolong::data
