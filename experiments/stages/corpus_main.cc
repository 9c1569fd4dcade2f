// Builds a corpus (documents with a domain and a manifest) from the files of
// installed Debian packages, or from apt's package index.
//
//   corpus_main --files=LIST --strip_prefix=DIR --reader=code_repos
//       --domain=code_repos --name=code --package_info=package.txt
//       --stands_in_for="..." --out=corpus.h5 --manifest=manifest.textproto
//
// package.txt (third_party/corpora/corpora.bzl) has one block per package:
// "package:", "version:", "root:" and "mount:" lines; a corpus of several
// packages holds each one's files under a directory named after it.
// third_party/corpora/package_descriptions.bzl writes one block for apt's
// index.
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include "data/corpus/code_repos_reader.h"
#include "data/corpus/debian_packages_reader.h"
#include "data/corpus/dictd_reader.h"
#include "data/corpus/fortunes_reader.h"
#include "data/corpus/html_pages_reader.h"
#include "data/corpus/man_pages_reader.h"
#include "data/corpus/package_lookups_reader.h"
#include "data/corpus/pod_faq_reader.h"
#include "data/corpus/text_files_reader.h"
#include "data/io/atomic_file.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(files, "", "File listing the corpus files, one path a line.");
DEFINE_string(strip_prefix, "",
              "Prefix removed from each path to get its "
              "path inside the source tree.");
DEFINE_string(reader, "code_repos",
              "How files become documents: code_repos, text_files, "
              "html_pages, dictd, fortunes, pod_faq, man_pages or "
              "debian_packages.");
DEFINE_string(name, "", "Corpus name.");
DEFINE_string(domain, "", "Domain of every document.");
DEFINE_string(package_info, "", "package.txt of the Debian corpus repository.");
DEFINE_string(license_file, "", "The package's copyright file.");
DEFINE_string(stands_in_for, "", "What the corpus is a proxy for, if any.");
DEFINE_string(out, "", "Output corpus (HDF5).");
DEFINE_string(manifest, "", "Output manifest (text format).");

namespace prolong::stages {
namespace {

// Every value of `key` in package.txt, in order, joined by ", ".
std::string Values(const std::string& info, const std::string& key) {
  std::istringstream lines(info);
  std::string line, values;
  while (std::getline(lines, line)) {
    if (line.rfind(key + ": ", 0) != 0) continue;
    values += (values.empty() ? "" : ", ") + line.substr(key.size() + 2);
  }
  return values;
}

// `one_tree_per_package`: the corpus mounts several packages, each under a
// directory of its own.
data::Corpus ReadFiles(const std::vector<data::SourceFile>& files,
                       bool one_tree_per_package) {
  using Reader = std::function<data::Corpus(
      const std::vector<data::SourceFile>&, const std::string&)>;
  const std::map<std::string, Reader> readers = {
      {"code_repos",
       [&](const auto& f, const auto& domain) {
         return data::ReadCodeRepos(f, FLAGS_name, domain,
                                    one_tree_per_package ? 2 : 1);
       }},
      {"text_files", data::ReadTextFiles},
      {"html_pages", data::ReadHtmlPages},
      {"dictd", data::ReadDictd},
      {"fortunes", data::ReadFortunes},
      {"pod_faq", data::ReadPodFaq},
      {"man_pages", data::ReadManPages},
      {"debian_packages", data::ReadDebianPackages},
      {"package_lookups", data::ReadPackageLookups},
  };
  const auto reader = readers.find(FLAGS_reader);
  if (reader == readers.end()) {
    std::string known;
    for (const auto& [name, unused] : readers) known += " " + name;
    throw std::invalid_argument("unknown --reader " + FLAGS_reader +
                                " (known:" + known + ")");
  }
  return reader->second(files, FLAGS_domain);
}

void BuildCorpus() {
  RequireFlag("files", FLAGS_files);
  RequireFlag("domain", FLAGS_domain);
  RequireFlag("out", FLAGS_out);
  RequireFlag("manifest", FLAGS_manifest);
  std::vector<data::SourceFile> files;
  std::istringstream list(io::ReadFile(FLAGS_files));
  std::string path;
  while (std::getline(list, path)) {
    if (path.empty()) continue;
    if (path.rfind(FLAGS_strip_prefix, 0) != 0) {
      throw std::runtime_error(FLAGS_files + ": " + path +
                               " is not under --strip_prefix " +
                               FLAGS_strip_prefix);
    }
    files.push_back({path.substr(FLAGS_strip_prefix.size()), path});
  }
  const std::string info =
      FLAGS_package_info.empty() ? "" : io::ReadFile(FLAGS_package_info);
  const std::string packages = Values(info, "package");
  data::Corpus corpus =
      ReadFiles(files, packages.find(", ") != std::string::npos);
  auto& manifest = corpus.manifest;
  manifest.set_name(FLAGS_name);
  manifest.set_stands_in_for(FLAGS_stands_in_for);
  if (!packages.empty()) {
    manifest.set_debian_package(packages);
    manifest.set_debian_version(Values(info, "version"));
  }
  manifest.set_license_file(FLAGS_license_file);
  if (corpus.documents.empty()) {
    throw std::runtime_error("corpus " + FLAGS_name +
                             ": no usable documents in " +
                             std::to_string(files.size()) + " files");
  }
  data::WriteCorpus(corpus, FLAGS_out);
  std::string text;
  google::protobuf::TextFormat::PrintToString(manifest, &text);
  io::WriteFileAtomically(FLAGS_manifest, text);
  std::fprintf(stderr,
               "[corpus %s] %lld files -> %lld documents, %lld bytes "
               "(skipped: %lld empty, %lld binary, %lld bad UTF-8, %lld bad "
               "compression; %lld entries)\n",
               FLAGS_name.c_str(),
               static_cast<long long>(manifest.files_read()),
               static_cast<long long>(manifest.documents()),
               static_cast<long long>(manifest.bytes()),
               static_cast<long long>(manifest.files_skipped_empty()),
               static_cast<long long>(manifest.files_skipped_binary()),
               static_cast<long long>(manifest.files_skipped_bad_utf8()),
               static_cast<long long>(manifest.files_skipped_bad_compression()),
               static_cast<long long>(manifest.entries_skipped()));
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds a corpus.",
                                   prolong::stages::BuildCorpus);
}
