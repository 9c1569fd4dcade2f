#include "data/tasks/multiple_choice.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "data/rng.h"
#include "data/tasks/sentences.h"

namespace prolong::data {
namespace {

constexpr int kDrawsPerSample = 32;
constexpr int kMinWords = 4;
constexpr int kMaxWords = 40;
constexpr size_t kMaxBytes = 200;
constexpr int kContextSentences = 3;

std::string Normalized(const std::string& text) {
  const std::vector<std::string> words = SplitWords(text);
  return JoinWords(words, 0, words.size());
}

bool Usable(const std::string& sentence) {
  const size_t words = SplitWords(sentence).size();
  return words >= kMinWords && words <= kMaxWords &&
         sentence.size() <= kMaxBytes &&
         std::any_of(sentence.begin(), sentence.end(), [](char c) {
           return std::isalpha(static_cast<unsigned char>(c));
         });
}

// A sentence that may serve as a distractor, with the document it is from.
struct Candidate {
  size_t owner;
  std::string text;
};

// Byte lengths in buckets growing by half: [0, 8), [8, 12), [12, 18), ...
int LengthBucket(size_t bytes) {
  int bucket = 0;
  for (size_t edge = 8; edge <= bytes; edge += edge / 2) ++bucket;
  return bucket;
}

// Candidates by length bucket. Distractors come from the gold's bucket,
// uniformly: the four choices are then alike in length and, within the
// bucket, none is special, so no length heuristic beats chance.
class DistractorPool {
 public:
  explicit DistractorPool(const std::vector<Candidate>& candidates) {
    for (const Candidate& candidate : candidates) {
      buckets_[LengthBucket(candidate.text.size())].push_back(candidate);
    }
  }

  // kMultipleChoices - 1 distinct texts of other owners from the gold's
  // bucket; empty if a few draws do not find them.
  std::vector<std::string> Pick(size_t gold_owner, const std::string& gold,
                                Rng* rng) const {
    const std::vector<Candidate>& bucket =
        buckets_.at(LengthBucket(gold.size()));
    std::vector<std::string> picked;
    std::set<std::string> texts = {gold};
    for (int attempt = 0;
         attempt < kDrawsPerSample &&
         static_cast<int>(picked.size()) < kMultipleChoices - 1;
         ++attempt) {
      const Candidate& candidate = bucket[rng->Below(bucket.size())];
      if (candidate.owner == gold_owner) continue;
      if (!texts.insert(candidate.text).second) continue;
      picked.push_back(candidate.text);
    }
    if (static_cast<int>(picked.size()) < kMultipleChoices - 1) return {};
    return picked;
  }

 private:
  std::map<int, std::vector<Candidate>> buckets_;
};

MultipleChoiceSample Assemble(std::string context, const std::string& gold,
                              const std::vector<std::string>& distractors,
                              std::string source, Rng* rng) {
  MultipleChoiceSample sample;
  sample.context = std::move(context);
  sample.source = std::move(source);
  sample.gold = static_cast<int>(rng->Below(kMultipleChoices));
  for (const std::string& distractor : distractors) {
    sample.choices.push_back(" " + distractor);
  }
  sample.choices.insert(sample.choices.begin() + sample.gold, " " + gold);
  return sample;
}

// The first sentence of a FOLDOC entry's definition, normalised; empty if
// the entry has no definition.
std::string FirstDefinitionSentence(const std::string& entry) {
  const size_t blank = entry.find("\n\n");
  if (blank == std::string::npos) return "";
  std::string body = Normalized(entry.substr(blank + 2));
  if (!body.empty() && body[0] == '<') {
    const size_t close = body.find('>');
    body = close == std::string::npos ? "" : Normalized(body.substr(close + 1));
  }
  body.erase(std::remove_if(body.begin(), body.end(),
                            [](char c) { return c == '{' || c == '}'; }),
             body.end());
  const std::vector<std::string> sentences = SplitSentences(body);
  return sentences.empty() ? "" : sentences[0];
}

std::string Headword(const std::string& entry) {
  return Normalized(entry.substr(0, entry.find('\n')));
}

}  // namespace

std::vector<MultipleChoiceSample> ContinuationChoices(
    const std::vector<Document>& documents, int num_samples, uint64_t seed) {
  std::vector<std::vector<std::string>> sentences;
  std::vector<Candidate> candidates;
  std::vector<std::pair<size_t, size_t>> positions;  // (document, sentence)
  std::set<size_t> owners;
  for (size_t d = 0; d < documents.size(); ++d) {
    std::vector<std::string> normalized;
    for (const std::string& sentence : SplitSentences(documents[d].text)) {
      normalized.push_back(Normalized(sentence));
    }
    for (size_t k = 0; k < normalized.size(); ++k) {
      if (!Usable(normalized[k])) continue;
      candidates.push_back({d, normalized[k]});
      owners.insert(d);
      if (k > 0) positions.push_back({d, k});
    }
    sentences.push_back(std::move(normalized));
  }
  if (owners.size() < 2) {
    throw std::invalid_argument(
        "continuation choices need at least two documents with a usable "
        "sentence, got " +
        std::to_string(owners.size()));
  }
  const DistractorPool pool(candidates);
  Rng(seed, /*stream=*/0).Shuffle(&positions);
  std::vector<MultipleChoiceSample> samples;
  for (size_t i = 0;
       i < positions.size() && static_cast<int>(samples.size()) < num_samples;
       ++i) {
    const auto [d, k] = positions[i];
    Rng rng(seed, /*stream=*/1 + i);
    const std::string& gold = sentences[d][k];
    const std::vector<std::string> distractors = pool.Pick(d, gold, &rng);
    if (distractors.empty()) continue;
    const size_t first = k >= kContextSentences ? k - kContextSentences : 0;
    std::string context;
    for (size_t j = first; j < k; ++j) {
      context += (j > first ? " " : "") + sentences[d][j];
    }
    samples.push_back(
        Assemble(context, gold, distractors, documents[d].name, &rng));
  }
  return samples;
}

std::vector<MultipleChoiceSample> DefinitionChoices(
    const std::vector<Document>& entries, int num_samples, uint64_t seed) {
  std::vector<Candidate> definitions;
  for (size_t e = 0; e < entries.size(); ++e) {
    const std::string definition = FirstDefinitionSentence(entries[e].text);
    if (Usable(definition) && !Headword(entries[e].text).empty()) {
      definitions.push_back({e, definition});
    }
  }
  if (static_cast<int>(definitions.size()) < kMultipleChoices) {
    throw std::invalid_argument("definition choices need at least " +
                                std::to_string(kMultipleChoices) +
                                " entries with a usable definition, got " +
                                std::to_string(definitions.size()));
  }
  const DistractorPool pool(definitions);
  std::vector<size_t> order(definitions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Rng(seed, /*stream=*/0).Shuffle(&order);
  std::vector<MultipleChoiceSample> samples;
  for (size_t i = 0;
       i < order.size() && static_cast<int>(samples.size()) < num_samples;
       ++i) {
    const Candidate& entry = definitions[order[i]];
    Rng rng(seed, /*stream=*/1 + i);
    const std::vector<std::string> distractors =
        pool.Pick(entry.owner, entry.text, &rng);
    if (distractors.empty()) continue;
    samples.push_back(Assemble(
        "Term: " + Headword(entries[entry.owner].text) + "\nDefinition:",
        entry.text, distractors, entries[entry.owner].name, &rng));
  }
  return samples;
}

}  // namespace prolong::data
