#include "data/sft/synthetic_long.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include "data/rng.h"
#include "data/sft/cloze_line.h"
#include "data/sft/document_sections.h"

namespace prolong::data {
namespace {

// Documents shorter than this many bytes per budget token are not drawn.
constexpr size_t kMinBytesPerToken = 4;
// A window never holds more bytes than this per budget token, which bounds
// the search for the largest window that fits.
constexpr size_t kMaxBytesPerToken = 16;
constexpr size_t kPassageBytes = 512;
// Lines scanned, from a random one, for a line that makes a cloze.
constexpr size_t kClozeScanLines = 2000;
constexpr int kAttempts = 200;
// Rng stream of the order of kinds; conversation i uses stream i + 1.
constexpr uint64_t kKindOrderStream = 0;

// A document with its lines, passages and sections that have a lead.
struct Source {
  const Document* document;
  std::vector<size_t> line_begins;     // one per line, then text.size()
  std::vector<size_t> passage_starts;  // first line of each, then #lines
  std::vector<DocumentSection> summarisable;

  explicit Source(const Document& doc) : document(&doc) {
    const std::string& text = doc.text;
    for (size_t begin = 0; begin < text.size();) {
      line_begins.push_back(begin);
      const size_t newline = text.find('\n', begin);
      begin = newline == std::string::npos ? text.size() : newline + 1;
    }
    line_begins.push_back(text.size());
    for (size_t line = 0; line < lines();) {
      passage_starts.push_back(line);
      const size_t start = line_begins[line];
      ++line;
      while (line < lines() && line_begins[line + 1] - start <= kPassageBytes) {
        ++line;
      }
    }
    passage_starts.push_back(lines());
    for (DocumentSection& section : SplitSections(text)) {
      // The lead must be followed by some text to summarise it from.
      if (!section.lead.empty() && section.lead_end < text.size()) {
        summarisable.push_back(std::move(section));
      }
    }
  }

  size_t lines() const { return line_begins.size() - 1; }
  const std::string& text() const { return document->text; }
  // Lines [first, last) as text.
  std::string_view Lines(size_t first, size_t last) const {
    return std::string_view(text()).substr(
        line_begins[first], line_begins[last] - line_begins[first]);
  }
  size_t LineOf(size_t offset) const {
    return std::upper_bound(line_begins.begin(), line_begins.end(), offset) -
           line_begins.begin() - 1;
  }
  size_t PassageOf(size_t line) const {
    return std::upper_bound(passage_starts.begin(), passage_starts.end(),
                            line) -
           passage_starts.begin() - 1;
  }
  std::string_view Passage(size_t p) const {
    return Lines(passage_starts[p], passage_starts[p + 1]);
  }
};

std::string_view TrimNewlines(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool ContinuesIdentifier(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Whether `context` has exactly one place that fits the blanked line: its
// text before the blank, a word, then its text after the blank. (The
// question then has one answer, found in one place.)
bool HasOneAnswer(std::string_view context, const ClozeLine& cloze) {
  const std::string_view blanked(cloze.blanked);
  const size_t blank = blanked.find(kClozeBlank);
  const std::string_view before = blanked.substr(0, blank);
  const std::string_view after =
      blanked.substr(blank + std::string_view(kClozeBlank).size());
  int matches = 0;
  for (size_t at = context.find(before); at != std::string_view::npos;
       at = context.find(before, at + 1)) {
    size_t end = at + before.size();
    const size_t word = end;
    while (end < context.size() && ContinuesIdentifier(context[end])) ++end;
    if (end > word && context.substr(end, after.size()) == after) ++matches;
  }
  return matches == 1;
}

// The paper's Table 17 formats: a random instruction, and the question
// after the context, after it between markers, or before it.
struct PromptStyle {
  int instruction;
  int layout;
};

constexpr const char* kQaInstructions[] = {
    "Given the document, please answer the question.",
    "Answer the question using only the document.",
    "Read the document carefully, then answer the question about it.",
};
constexpr const char* kRagInstructions[] = {
    "Use the given documents to write a concise and short answer to the "
    "question.",
    "Answer the question using the passages below; only one of them holds "
    "the answer.",
    "Given the retrieved documents, please answer the question.",
};
constexpr const char* kSummaryInstructions[] = {
    "You are given a document, and you are tasked to summarize part of it.",
    "Read the document and summarize the part that the request names.",
    "Given the document, please write the summary that is asked for.",
};
constexpr int kInstructions = 3;
constexpr int kLayouts = 3;

PromptStyle DrawStyle(Rng* rng) {
  return {static_cast<int>(rng->Below(kInstructions)),
          static_cast<int>(rng->Below(kLayouts))};
}

std::string Prompt(const char* instruction, int layout,
                   std::string_view context, const std::string& question) {
  const std::string text(context);
  switch (layout) {
    case 0:
      return instruction + ("\n\n" + text) + "\n\nQuestion: " + question;
    case 1:
      return instruction + ("\n\n==== document starts ====\n" + text) +
             "\n==== document ends ====\n\nQuestion: " + question;
    default:
      return instruction + ("\n\nQuestion: " + question) + "\n\n" + text;
  }
}

SyntheticConversation Make(SyntheticKind kind, const Source& source,
                           const char* instruction, int layout,
                           std::string context, const std::string& question,
                           const std::string& answer) {
  SyntheticConversation made;
  made.kind = kind;
  made.document = source.document->name;
  made.conversation = {{"user", Prompt(instruction, layout, context, question)},
                       {"assistant", answer}};
  made.context = std::move(context);
  made.answer = answer;
  return made;
}

// The largest k in [1, max_k] whose conversation fits `max_tokens`
// (conversations grow with k), or nullopt if k = 1 does not fit.
template <typename Build>
std::optional<SyntheticConversation> LargestFitting(
    size_t max_k, const Build& build, const ConversationTokens& count_tokens,
    int max_tokens) {
  if (max_k < 1) return std::nullopt;
  const auto fits = [&](const SyntheticConversation& c) {
    return count_tokens(c.conversation) <= max_tokens;
  };
  SyntheticConversation best = build(1);
  if (!fits(best)) return std::nullopt;
  size_t low = 1, high = max_k;  // low fits; the answer is in [low, high]
  while (low < high) {
    const size_t mid = low + (high - low + 1) / 2;
    SyntheticConversation candidate = build(mid);
    if (fits(candidate)) {
      low = mid;
      best = std::move(candidate);
    } else {
      high = mid - 1;
    }
  }
  return best;
}

// A cloze line at or after a random line (wrapping), with its line index.
std::optional<std::pair<size_t, ClozeLine>> FindCloze(const Source& source,
                                                      Rng* rng) {
  const size_t lines = source.lines();
  const size_t start = rng->Below(lines);
  for (size_t i = 0; i < std::min(lines, kClozeScanLines); ++i) {
    const size_t line = (start + i) % lines;
    if (auto cloze =
            MakeClozeLine(TrimNewlines(source.Lines(line, line + 1)))) {
      return std::make_pair(line, std::move(*cloze));
    }
  }
  return std::nullopt;
}

// `source` names where the line comes from: "document" or "documents".
std::string ClozeQuestion(const ClozeLine& cloze, const std::string& source) {
  return "Which word of the " + source +
         " has been blanked out in this line?\n" + cloze.blanked;
}

std::optional<SyntheticConversation> MakeQa(const Source& source, Rng* rng,
                                            const SyntheticLongOptions& options,
                                            const ConversationTokens& count) {
  auto found = FindCloze(source, rng);
  if (!found) return std::nullopt;
  const auto& [gold, cloze] = *found;
  const double depth = rng->Uniform();
  const PromptStyle style = DrawStyle(rng);
  const size_t lines = source.lines();
  const auto window = [&](size_t k) {
    const size_t before = static_cast<size_t>(depth * k);
    const size_t first =
        std::min(gold >= before ? gold - before : 0, lines - k);
    return std::make_pair(first, first + k);
  };
  const size_t max_bytes = kMaxBytesPerToken * options.max_tokens;
  size_t max_k = 1;
  for (size_t step = lines; step > 0; step /= 2) {
    while (max_k + step <= lines) {
      const auto [first, last] = window(max_k + step);
      if (source.line_begins[last] - source.line_begins[first] > max_bytes) {
        break;
      }
      max_k += step;
    }
  }
  const std::string question = ClozeQuestion(cloze, "document");
  auto made = LargestFitting(
      max_k,
      [&](size_t k) {
        const auto [first, last] = window(k);
        return Make(SyntheticKind::kQa, source,
                    kQaInstructions[style.instruction], style.layout,
                    std::string(TrimNewlines(source.Lines(first, last))),
                    question, cloze.answer);
      },
      count, options.max_tokens);
  if (!made || !HasOneAnswer(made->context, cloze)) return std::nullopt;
  return made;
}

std::optional<SyntheticConversation> MakeRag(
    const Source& source, Rng* rng, const SyntheticLongOptions& options,
    const ConversationTokens& count) {
  auto found = FindCloze(source, rng);
  if (!found) return std::nullopt;
  const auto& [gold_line, cloze] = *found;
  const size_t gold = source.PassageOf(gold_line);
  const size_t passages = source.passage_starts.size() - 1;
  // Distractors in the order drawn, up to the byte bound.
  const size_t max_bytes = kMaxBytesPerToken * options.max_tokens;
  std::vector<size_t> order;
  std::unordered_set<size_t> used = {gold};
  size_t bytes = source.Passage(gold).size();
  while (used.size() < passages && bytes <= max_bytes) {
    const size_t p = rng->Below(passages);
    if (!used.insert(p).second) continue;
    order.push_back(p);
    bytes += source.Passage(p).size();
  }
  const double depth = rng->Uniform();
  const PromptStyle style = DrawStyle(rng);
  const std::string title = source.document->name;
  const std::string question = ClozeQuestion(cloze, "documents");
  auto made = LargestFitting(
      order.size() + 1,
      [&](size_t k) {
        std::vector<size_t> shown(order.begin(), order.begin() + (k - 1));
        shown.insert(shown.begin() + static_cast<size_t>(depth * k), gold);
        std::string context;
        for (const size_t p : shown) {
          if (!context.empty()) context += "\n\n";
          context += "Document (Title: " + title + "): ";
          context += TrimNewlines(source.Passage(p));
        }
        return Make(SyntheticKind::kRag, source,
                    kRagInstructions[style.instruction], style.layout,
                    std::move(context), question, cloze.answer);
      },
      count, options.max_tokens);
  if (!made || !HasOneAnswer(made->context, cloze)) return std::nullopt;
  return made;
}

std::optional<SyntheticConversation> MakeSummary(
    const Source& source, Rng* rng, const SyntheticLongOptions& options,
    const ConversationTokens& count) {
  if (source.summarisable.empty()) return std::nullopt;
  const DocumentSection& section =
      source.summarisable[rng->Below(source.summarisable.size())];
  const PromptStyle style = DrawStyle(rng);
  const std::string question =
      "Write a one-paragraph summary of " + section.title + ".";
  const std::string_view text(source.text());
  const std::string_view before_lead =
      text.substr(section.begin, section.lead_begin - section.begin);
  const size_t after_lead = source.LineOf(section.lead_end);
  const size_t max_bytes = kMaxBytesPerToken * options.max_tokens;
  size_t max_k = 0;
  while (after_lead + max_k < source.lines() &&
         source.line_begins[after_lead + max_k + 1] -
                 source.line_begins[after_lead] <=
             max_bytes) {
    ++max_k;
  }
  return LargestFitting(
      max_k,
      [&](size_t k) {
        std::string context(before_lead);
        context += source.Lines(after_lead, after_lead + k);
        return Make(SyntheticKind::kSummary, source,
                    kSummaryInstructions[style.instruction], style.layout,
                    std::string(TrimNewlines(context)), question, section.lead);
      },
      count, options.max_tokens);
}

const char* KindName(SyntheticKind kind) {
  switch (kind) {
    case SyntheticKind::kQa:
      return "QA";
    case SyntheticKind::kRag:
      return "RAG";
    case SyntheticKind::kSummary:
      return "summarisation";
  }
  return "?";
}

SyntheticConversation MakeOne(const std::vector<Source>& sources,
                              SyntheticKind kind, uint64_t index,
                              const SyntheticLongOptions& options,
                              const ConversationTokens& count) {
  Rng rng(options.seed, index + 1);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const Source& source = sources[rng.Below(sources.size())];
    std::optional<SyntheticConversation> made;
    switch (kind) {
      case SyntheticKind::kQa:
        made = MakeQa(source, &rng, options, count);
        break;
      case SyntheticKind::kRag:
        made = MakeRag(source, &rng, options, count);
        break;
      case SyntheticKind::kSummary:
        made = MakeSummary(source, &rng, options, count);
        break;
    }
    if (made) return std::move(*made);
  }
  throw std::runtime_error(
      std::string("synthetic long data: no ") + KindName(kind) +
      " conversation could be made within " +
      std::to_string(options.max_tokens) + " tokens after " +
      std::to_string(kAttempts) + " tries");
}

}  // namespace

std::array<int, 3> SyntheticKindCounts(int total) {
  std::array<int, 3> counts{};
  std::array<int, 3> remainders{};
  int assigned = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    counts[i] = total * kSyntheticKindPercent[i] / 100;
    remainders[i] = total * kSyntheticKindPercent[i] % 100;
    assigned += counts[i];
  }
  while (assigned < total) {
    // The largest remainder, the earlier kind among equals.
    const size_t i = std::max_element(remainders.begin(), remainders.end()) -
                     remainders.begin();
    ++counts[i];
    remainders[i] = -1;
    ++assigned;
  }
  return counts;
}

std::vector<SyntheticConversation> SyntheticLongConversations(
    const std::vector<Document>& documents, const SyntheticLongOptions& options,
    const ConversationTokens& count_tokens) {
  if (options.num_conversations <= 0 || options.max_tokens <= 0 ||
      options.threads <= 0) {
    throw std::invalid_argument(
        "synthetic long data: num_conversations, max_tokens and threads "
        "must be positive");
  }
  std::vector<Source> sources;
  for (const Document& document : documents) {
    if (document.text.size() >= kMinBytesPerToken * options.max_tokens) {
      sources.emplace_back(document);
    }
  }
  if (sources.empty()) {
    for (const Document& document : documents) {
      if (!document.text.empty()) sources.emplace_back(document);
    }
  }
  if (sources.empty()) {
    throw std::invalid_argument("synthetic long data: no documents");
  }

  std::vector<SyntheticKind> kinds;
  const std::array<int, 3> counts =
      SyntheticKindCounts(options.num_conversations);
  for (size_t kind = 0; kind < counts.size(); ++kind) {
    kinds.insert(kinds.end(), counts[kind], static_cast<SyntheticKind>(kind));
  }
  Rng(options.seed, kKindOrderStream).Shuffle(&kinds);

  std::vector<std::optional<SyntheticConversation>> made(kinds.size());
  std::vector<std::exception_ptr> errors(kinds.size());
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < kinds.size(); i = next++) {
      try {
        made[i] = MakeOne(sources, kinds[i], i, options, count_tokens);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < options.threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();

  std::vector<SyntheticConversation> conversations;
  conversations.reserve(kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (errors[i]) std::rethrow_exception(errors[i]);
    conversations.push_back(std::move(*made[i]));
  }
  return conversations;
}

}  // namespace prolong::data
