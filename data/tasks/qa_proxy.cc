#include "data/tasks/qa_proxy.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "data/tasks/document_prefix.h"
#include "data/tasks/fit.h"

namespace prolong::data {
namespace {

struct Cloze {
  int begin_word, end_word;  // the sentence's words [begin, end)
  std::string question, answer;
};

bool IsPunct(char c) { return std::ispunct(static_cast<unsigned char>(c)); }

bool EndsSentence(const std::string& word) {
  size_t end = word.size();
  while (end > 0 && (word[end - 1] == '"' || word[end - 1] == '\'' ||
                     word[end - 1] == ')' || word[end - 1] == ']')) {
    --end;
  }
  return end > 0 &&
         (word[end - 1] == '.' || word[end - 1] == '!' || word[end - 1] == '?');
}

// [begin, end) of `word` without surrounding punctuation.
std::pair<size_t, size_t> Core(const std::string& word) {
  size_t begin = 0, end = word.size();
  while (begin < end && IsPunct(word[begin])) ++begin;
  while (end > begin && IsPunct(word[end - 1])) --end;
  return {begin, end};
}

// How often each word, stripped of surrounding punctuation, occurs.
std::map<std::string, int> CoreCounts(const DocumentPrefix& doc) {
  std::map<std::string, int> counts;
  for (int i = 0; i < doc.words(); ++i) {
    const std::string word = doc.Word(i);
    const auto [b, e] = Core(word);
    ++counts[word.substr(b, e - b)];
  }
  return counts;
}

bool IsSalient(const std::string& core,
               const std::map<std::string, int>& counts) {
  if (core.size() < 3 || counts.at(core) > kMaxAnswerOccurrences) return false;
  const bool plain = std::all_of(core.begin(), core.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '\'';
  });
  if (!plain) return false;
  if (std::isupper(static_cast<unsigned char>(core[0]))) return true;
  return std::any_of(core.begin(), core.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::vector<Cloze> AllClozes(const DocumentPrefix& doc) {
  const std::map<std::string, int> counts = CoreCounts(doc);
  std::vector<Cloze> clozes;
  int begin = 0;
  for (int i = 0; i < doc.words(); ++i) {
    if (i + 1 < doc.words() && !EndsSentence(doc.Word(i)) &&
        !doc.ParagraphEndsAfter(i)) {
      continue;
    }
    const int end = i + 1;
    int best = -1;
    size_t best_size = 0;
    for (int j = begin + 1; j < end; ++j) {
      const std::string word = doc.Word(j);
      const auto [b, e] = Core(word);
      if (IsSalient(word.substr(b, e - b), counts) && e - b > best_size) {
        best = j;
        best_size = e - b;
      }
    }
    if (best >= 0) {
      Cloze cloze{begin, end, "", ""};
      for (int j = begin; j < end; ++j) {
        std::string word = doc.Word(j);
        if (j == best) {
          const auto [b, e] = Core(word);
          cloze.answer = word.substr(b, e - b);
          word = word.substr(0, b) + "____" + word.substr(e);
        }
        cloze.question += (j > begin ? " " : "") + word;
      }
      clozes.push_back(std::move(cloze));
    }
    begin = end;
  }
  return clozes;
}

std::string QaPrompt(const std::string& document, const std::string& cloze) {
  return "You are given a document and a question. Answer the question as "
         "concisely as you can, using a single phrase if possible.\n\n" +
         document + "\n\nQuestion: Fill in the blank: " + cloze + "\nAnswer:";
}

}  // namespace

std::vector<EvalSample> GenerateQaProxy(const QaProxyOptions& options,
                                        const std::string& document,
                                        const TokenCounter& count_tokens) {
  const DocumentPrefix doc(document);
  const std::vector<Cloze> clozes = AllClozes(doc);
  const int budget = options.target_tokens - options.generation_tokens;
  // The most words that fit with a question.
  auto fitted_words = [&](const std::string& question, int guess) {
    return LargestFitting(0, doc.words(), guess, [&](int n) {
      return count_tokens(QaPrompt(doc.Prefix(n), question)) <= budget;
    });
  };
  const int empty = count_tokens(QaPrompt(doc.Prefix(0), ""));
  constexpr int kProbeWords = 200;
  const int probe = std::min(kProbeWords, doc.words());
  const double per_word =
      std::max(1, count_tokens(QaPrompt(doc.Prefix(probe), "")) - empty) /
      static_cast<double>(std::max(1, probe));
  const int all_words =
      fitted_words("", static_cast<int>((budget - empty) / per_word));
  std::vector<bool> used(clozes.size(), false);
  std::vector<EvalSample> samples;
  for (int i = 0; i < options.num_samples; ++i) {
    int words = all_words;
    while (true) {
      const double target = (i + 0.5) / options.num_samples * words;
      int chosen = -1;
      for (int c = 0; c < static_cast<int>(clozes.size()); ++c) {
        if (used[c] || clozes[c].end_word > words) continue;
        if (chosen < 0 || std::abs(clozes[c].begin_word - target) <
                              std::abs(clozes[chosen].begin_word - target)) {
          chosen = c;
        }
      }
      if (chosen < 0) break;
      const int fitted = fitted_words(clozes[chosen].question, words);
      if (clozes[chosen].end_word <= fitted) {
        used[chosen] = true;
        EvalSample sample;
        sample.prompt = QaPrompt(doc.Prefix(fitted), clozes[chosen].question);
        sample.answers = {clozes[chosen].answer};
        sample.depth_index =
            std::min(9, clozes[chosen].begin_word * 10 / std::max(1, fitted));
        samples.push_back(std::move(sample));
        break;
      }
      words = fitted;
    }
  }
  return samples;
}

}  // namespace prolong::data
