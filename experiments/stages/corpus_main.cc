// Builds a corpus (documents with a domain and a manifest) from the files of
// an installed Debian package.
//
//   corpus_main --files=LIST --strip_prefix=DIR --reader=code_repos
//       --domain=code_repos --name=python_stdlib --package_info=package.txt
//       --stands_in_for="..." --out=corpus.h5 --manifest=manifest.textproto
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "data/corpus/code_repos_reader.h"
#include "data/io/atomic_file.h"
#include "experiments/stages/stage_main.h"

DEFINE_string(files, "", "File listing the corpus files, one path a line.");
DEFINE_string(strip_prefix, "",
              "Prefix removed from each path to get its "
              "path inside the source tree.");
DEFINE_string(reader, "code_repos", "How files become documents.");
DEFINE_string(name, "", "Corpus name.");
DEFINE_string(domain, "", "Domain of every document.");
DEFINE_string(package_info, "", "package.txt of the Debian corpus repository.");
DEFINE_string(license_file, "", "The package's copyright file.");
DEFINE_string(stands_in_for, "", "What the corpus is a proxy for, if any.");
DEFINE_string(out, "", "Output corpus (HDF5).");
DEFINE_string(manifest, "", "Output manifest (text format).");

namespace prolong::stages {
namespace {

std::string Field(const std::string& info, const std::string& key) {
  std::istringstream lines(info);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return "";
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
  if (FLAGS_reader != "code_repos") {
    throw std::invalid_argument("unknown --reader " + FLAGS_reader);
  }
  data::Corpus corpus = data::ReadCodeRepos(files, FLAGS_name, FLAGS_domain);
  auto& manifest = corpus.manifest;
  manifest.set_name(FLAGS_name);
  manifest.set_stands_in_for(FLAGS_stands_in_for);
  if (!FLAGS_package_info.empty()) {
    const std::string info = io::ReadFile(FLAGS_package_info);
    manifest.set_debian_package(Field(info, "package"));
    manifest.set_debian_version(Field(info, "version"));
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
               "(skipped: %lld empty, %lld binary, %lld bad UTF-8)\n",
               FLAGS_name.c_str(),
               static_cast<long long>(manifest.files_read()),
               static_cast<long long>(manifest.documents()),
               static_cast<long long>(manifest.bytes()),
               static_cast<long long>(manifest.files_skipped_empty()),
               static_cast<long long>(manifest.files_skipped_binary()),
               static_cast<long long>(manifest.files_skipped_bad_utf8()));
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Builds a corpus.",
                                   prolong::stages::BuildCorpus);
}
