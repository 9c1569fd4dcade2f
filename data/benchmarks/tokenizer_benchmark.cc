// Our byte-level BPE (data/tokenizer) next to SentencePiece's BPE (Debian's
// libsentencepiece-dev 0.1.97), in one run, on the same real text: training
// at each vocabulary size, then encoding the same text single-threaded and
// on --threads threads.
//
//   bazel run //data/benchmarks:tokenizer_benchmark -- \
//       [--megabytes=3] [--vocab_sizes=2048,32768] [--threads=2] \
//       [--piece_bytes=65536] [--passes=3] \
//       [--corpora=data/sources/code.h5,data/sources/perl_manual.h5]
//
// Text: --megabytes MB of each corpus, an equal share of every document;
// by default code repositories (Go and Python) and the books proxy (Perl's
// manual), data/sources/CORPORA.md. Both tokenizers see the same pieces:
// the text cut at line ends into pieces of at most --piece_bytes (64 KiB;
// 1 = one line each), which are SentencePiece's training sentences and the
// encoding units of both (threads take whole pieces).
//
// SentencePiece is set up to be comparable with ours: model_type=bpe,
// byte_fallback (any byte encodes), character_coverage=1, the identity
// normaliser, no dummy prefix, whitespace kept, digits split, its training
// on --threads threads. Its vocabulary counts <unk>, <s>, </s> and the 256
// byte pieces; ours the 256 bytes and 5 special tokens.
//
// Our encoder caches words (word_cache.h); every encoding pass starts from
// a fresh copy of the tokenizer, so each pass pays for its cache misses as a
// shard build does. Each encoding is timed over --passes passes and the
// fastest pass is reported (wall clock; CPU seconds are printed too, since
// other processes can take the machine's cores). Both round trips are
// checked (decode(encode(text)) == text), and our ids must be the same for
// every thread count.
#include <gflags/gflags.h>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "data/io/hdf5_file.h"
#include "data/tokenizer/bpe_tokenizer.h"

DEFINE_string(corpora, "data/sources/code.h5,data/sources/perl_manual.h5",
              "Comma-separated corpus files (HDF5).");
DEFINE_double(megabytes, 3.0, "MB of text taken from each corpus.");
DEFINE_string(vocab_sizes, "2048,32768", "Comma-separated vocabulary sizes.");
DEFINE_int32(threads, 2, "Threads for training and parallel encoding.");
DEFINE_int32(passes, 3, "Encoding passes; the fastest is reported.");
DEFINE_int32(piece_bytes, 64 << 10,
             "Largest unit of encoding (and SentencePiece sentence); 1 "
             "makes every line a unit.");

namespace prolong::data {
namespace {

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// Wall and CPU seconds of a call.
struct Timing {
  double wall = 0;
  double cpu = 0;
};

double CpuSeconds() {
  timespec now;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec * 1e-9;
}

Timing Time(const std::function<void()>& body) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  body();
  return {
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      CpuSeconds() - cpu_start};
}

// The documents of a corpus file (data/corpus/document.h's "text" and
// "offsets"), read without ReadCorpus: its manifest needs the system
// protobuf library, and Debian's libsentencepiece carries its own protobuf
// (3.14, symbols exported), which cannot share a process with it.
std::vector<std::string> CorpusDocuments(const std::string& path) {
  const io::H5Reader reader(path);
  const std::vector<uint8_t> text = reader.Read<uint8_t>("text");
  const std::vector<int64_t> offsets = reader.Read<int64_t>("offsets");
  std::vector<std::string> documents;
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    if (offsets[i] < 0 || offsets[i + 1] < offsets[i] ||
        offsets[i + 1] > static_cast<int64_t>(text.size())) {
      throw std::runtime_error(path + ": bad document offsets");
    }
    documents.emplace_back(text.begin() + offsets[i],
                           text.begin() + offsets[i + 1]);
  }
  return documents;
}

// The text: an equal share of every document of each corpus (a prefix cut
// after a '\n'; a short document is taken whole and its unused share goes
// to the rest), cut into pieces: the most whole lines that fit in
// --piece_bytes, or one line if it alone is longer.
std::vector<std::string> LoadPieces(size_t* total_bytes) {
  const size_t piece_bytes = static_cast<size_t>(FLAGS_piece_bytes);
  std::vector<std::string> pieces;
  *total_bytes = 0;
  for (const std::string& path : Split(FLAGS_corpora)) {
    const std::vector<std::string> documents = CorpusDocuments(path);
    size_t left = static_cast<size_t>(FLAGS_megabytes * 1e6);
    for (size_t d = 0; d < documents.size(); ++d) {
      const size_t share = left / (documents.size() - d);
      std::string_view text = documents[d];
      if (text.size() > share) {
        const size_t cut =
            share > 0 ? text.rfind('\n', share - 1) : std::string_view::npos;
        text = text.substr(0, cut == std::string_view::npos ? 0 : cut + 1);
      }
      left -= text.size();
      *total_bytes += text.size();
      while (!text.empty()) {
        size_t size = std::min(text.size(), piece_bytes);
        if (size < text.size()) {
          size_t newline = text.rfind('\n', size - 1);
          if (newline == std::string_view::npos) newline = text.find('\n');
          size = newline == std::string_view::npos ? text.size() : newline + 1;
        }
        pieces.emplace_back(text.substr(0, size));
        text.remove_prefix(size);
      }
    }
  }
  return pieces;
}

// Runs encode(i) for every piece i on `threads` threads (whole pieces).
void ForEachPiece(size_t pieces, int threads,
                  const std::function<void(size_t)>& encode) {
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < pieces; i = next++) encode(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
}

// The fastest of FLAGS_passes runs of `pass`.
Timing Fastest(const std::function<void()>& pass) {
  Timing best;
  for (int i = 0; i < FLAGS_passes; ++i) {
    const Timing t = Time(pass);
    if (i == 0 || t.wall < best.wall) best = t;
  }
  return best;
}

struct Row {
  std::string name;
  int vocab = 0;
  Timing train;
  Timing encode_one;
  Timing encode_many;
  size_t tokens = 0;
  bool round_trip = false;
};

class SentenceList : public sentencepiece::SentenceIterator {
 public:
  explicit SentenceList(const std::vector<std::string>& sentences)
      : sentences_(sentences) {}
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override { ++index_; }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override {
    return sentencepiece::util::Status();
  }

 private:
  const std::vector<std::string>& sentences_;
  size_t index_ = 0;
};

void Check(const sentencepiece::util::Status& status, const char* what) {
  if (!status.ok()) {
    throw std::runtime_error(std::string(what) + ": " + status.ToString());
  }
}

Row BenchmarkOurs(const std::vector<std::string>& pieces, int vocab) {
  Row row{"ours (byte-level BPE)", vocab};
  std::vector<std::string_view> texts(pieces.begin(), pieces.end());
  std::optional<BpeTokenizer> trained;
  row.train =
      Time([&] { trained = BpeTokenizer::Train(texts, vocab, FLAGS_threads); });
  std::vector<std::vector<int32_t>> one(pieces.size()), many(pieces.size());
  row.encode_one = Fastest([&] {
    const BpeTokenizer fresh = *trained;  // a copy starts with no cache
    ForEachPiece(pieces.size(), 1,
                 [&](size_t i) { one[i] = fresh.Encode(pieces[i]); });
  });
  row.encode_many = Fastest([&] {
    const BpeTokenizer fresh = *trained;
    ForEachPiece(pieces.size(), FLAGS_threads,
                 [&](size_t i) { many[i] = fresh.Encode(pieces[i]); });
  });
  if (one != many) {
    throw std::runtime_error("our ids depend on the thread count");
  }
  row.round_trip = true;
  for (size_t i = 0; i < pieces.size(); ++i) {
    row.tokens += one[i].size();
    row.round_trip &= trained->Decode(one[i]) == pieces[i];
  }
  return row;
}

Row BenchmarkSentencePiece(const std::vector<std::string>& pieces, int vocab) {
  Row row{"SentencePiece BPE", vocab};
  std::string model;
  row.train = Time([&] {
    SentenceList sentences(pieces);
    Check(sentencepiece::SentencePieceTrainer::Train(
              {{"model_type", "bpe"},
               {"vocab_size", std::to_string(vocab)},
               {"byte_fallback", "true"},
               {"character_coverage", "1.0"},
               {"normalization_rule_name", "identity"},
               {"add_dummy_prefix", "false"},
               {"remove_extra_whitespaces", "false"},
               {"split_digits", "true"},
               {"max_sentence_length",
                std::to_string(std::max(FLAGS_piece_bytes, 1 << 16))},
               {"num_threads", std::to_string(FLAGS_threads)},
               {"minloglevel", "2"}},
              &sentences, &model),
          "SentencePiece training");
  });
  sentencepiece::SentencePieceProcessor processor;
  Check(processor.LoadFromSerializedProto(model), "SentencePiece model");
  std::vector<std::vector<int>> one(pieces.size()), many(pieces.size());
  const auto encode = [&](std::vector<std::vector<int>>* ids, size_t i) {
    Check(processor.Encode(pieces[i], &(*ids)[i]), "SentencePiece encoding");
  };
  row.encode_one = Fastest([&] {
    ForEachPiece(pieces.size(), 1, [&](size_t i) { encode(&one, i); });
  });
  row.encode_many = Fastest([&] {
    ForEachPiece(pieces.size(), FLAGS_threads,
                 [&](size_t i) { encode(&many, i); });
  });
  row.round_trip = one == many;
  for (size_t i = 0; i < pieces.size(); ++i) {
    row.tokens += one[i].size();
    std::string decoded;
    Check(processor.Decode(one[i], &decoded), "SentencePiece decoding");
    row.round_trip &= decoded == pieces[i];
  }
  return row;
}

std::string LoadAverage() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void Run() {
  size_t bytes = 0;
  const std::vector<std::string> pieces = LoadPieces(&bytes);
  const double mb = bytes / 1e6;
  std::printf(
      "Text: %.2f MB in %zu pieces of at most %d bytes (or one line) from "
      "%s; %d threads; load average %s\n\n",
      mb, pieces.size(), FLAGS_piece_bytes, FLAGS_corpora.c_str(),
      FLAGS_threads, LoadAverage().c_str());
  std::printf(
      "| tokenizer | vocab | train s (CPU s) | train MB/s | encode MB/s, 1 "
      "thread (per CPU s) | encode MB/s, %d threads (per CPU s) | tokens | "
      "bytes/token | round trip |\n|---|---:|---:|---:|---:|---:|---:|---:|:"
      "---:|\n",
      FLAGS_threads);
  std::vector<std::pair<Row, Row>> results;
  for (const std::string& vocab_text : Split(FLAGS_vocab_sizes)) {
    const int vocab = std::stoi(vocab_text);
    results.push_back(
        {BenchmarkOurs(pieces, vocab), BenchmarkSentencePiece(pieces, vocab)});
    for (const Row* row : {&results.back().first, &results.back().second}) {
      std::printf(
          "| %s | %d | %.2f (%.2f) | %.2f | %.2f (%.2f) | %.2f (%.2f) | %zu | "
          "%.3f | %s |\n",
          row->name.c_str(), row->vocab, row->train.wall, row->train.cpu,
          mb / row->train.wall, mb / row->encode_one.wall,
          mb / row->encode_one.cpu, mb / row->encode_many.wall,
          mb / row->encode_many.cpu, row->tokens,
          static_cast<double>(bytes) / row->tokens,
          row->round_trip ? "yes" : "NO");
      std::fflush(stdout);
    }
  }
  std::printf(
      "\nOurs / SentencePiece (speed ratios by wall clock; tokens: ours / "
      "theirs):\n\n| vocab | training | encoding, 1 thread | encoding, %d "
      "threads | tokens |\n|---:|---:|---:|---:|---:|\n",
      FLAGS_threads);
  for (const auto& [ours, theirs] : results) {
    std::printf("| %d | %.2fx | %.2fx | %.2fx | %.3f |\n", ours.vocab,
                theirs.train.wall / ours.train.wall,
                theirs.encode_one.wall / ours.encode_one.wall,
                theirs.encode_many.wall / ours.encode_many.wall,
                static_cast<double>(ours.tokens) / theirs.tokens);
  }
  std::printf("\nLoad average at the end: %s\n", LoadAverage().c_str());
}

}  // namespace
}  // namespace prolong::data

int main(int argc, char** argv) {
  gflags::SetUsageMessage("Our BPE tokenizer next to SentencePiece's.");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  try {
    prolong::data::Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
