#include "data/corpus/document.h"

#include <google/protobuf/text_format.h>

#include <stdexcept>

#include "data/io/hdf5_file.h"

namespace prolong::data {

void WriteCorpus(const Corpus& corpus, const std::string& path) {
  std::vector<uint8_t> text;
  std::vector<int64_t> offsets = {0};
  std::vector<std::string> names;
  for (const auto& document : corpus.documents) {
    text.insert(text.end(), document.text.begin(), document.text.end());
    offsets.push_back(static_cast<int64_t>(text.size()));
    names.push_back(document.name);
  }
  std::string manifest;
  google::protobuf::TextFormat::PrintToString(corpus.manifest, &manifest);
  io::H5Writer writer(path);
  writer.Write("text", text);
  writer.Write("offsets", offsets);
  writer.WriteStrings("names", names);
  writer.WriteText("domain", corpus.domain);
  writer.WriteText("manifest", manifest);
  writer.Commit();
}

Corpus ReadCorpus(const std::string& path) {
  io::H5Reader reader(path);
  const auto text = reader.Read<uint8_t>("text");
  const auto offsets = reader.Read<int64_t>("offsets");
  const auto names = reader.ReadStrings("names");
  if (offsets.empty() || offsets.front() != 0 ||
      offsets.back() != static_cast<int64_t>(text.size()) ||
      names.size() + 1 != offsets.size()) {
    throw std::runtime_error(path + ": offsets do not match text and names");
  }
  Corpus corpus;
  corpus.domain = reader.ReadText("domain");
  if (!google::protobuf::TextFormat::ParseFromString(
          reader.ReadText("manifest"), &corpus.manifest)) {
    throw std::runtime_error(path + ": unreadable manifest");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (offsets[i + 1] < offsets[i]) {
      throw std::runtime_error(path + ": offsets decrease at document " +
                               std::to_string(i));
    }
    corpus.documents.push_back(
        {names[i], std::string(text.begin() + offsets[i],
                               text.begin() + offsets[i + 1])});
  }
  return corpus;
}

void FillLengthHistogram(const std::vector<Document>& documents,
                         CorpusManifest* manifest) {
  std::vector<int64_t> counts;
  for (const auto& document : documents) {
    size_t bin = 0;
    while ((int64_t{1024} << bin) <=
           static_cast<int64_t>(document.text.size())) {
      ++bin;
    }
    if (counts.size() <= bin) counts.resize(bin + 1, 0);
    ++counts[bin];
  }
  manifest->clear_length_histogram();
  for (size_t bin = 0; bin < counts.size(); ++bin) {
    auto* entry = manifest->add_length_histogram();
    entry->set_min_bytes(bin == 0 ? 0 : int64_t{1024} << (bin - 1));
    entry->set_documents(counts[bin]);
  }
}

}  // namespace prolong::data
