#include "data/tokenizer/bpe_tokenizer.h"

#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "data/tokenizer/bpe_trainer.h"
#include "data/tokenizer/pretokenizer.h"
#include "data/tokenizer/tokenizer_json.h"
#include "data/tokenizer/word_counts.h"

namespace prolong::data {
namespace {

constexpr const char* kBeginOfText = "<|begin_of_text|>";
constexpr const char* kEndOfText = "<|end_of_text|>";
// The special tokens of a trained tokenizer, in id order (Llama-3's names).
constexpr const char* kSpecialTokens[] = {kBeginOfText, kEndOfText,
                                          "<|start_header_id|>",
                                          "<|end_header_id|>", "<|eot_id|>"};
constexpr int kNumSpecialTokens =
    sizeof(kSpecialTokens) / sizeof(kSpecialTokens[0]);

}  // namespace

BpeTokenizer::BpeTokenizer(BpeModel model, std::vector<AddedToken> added_tokens)
    : model_(std::move(model)),
      added_tokens_(std::move(added_tokens)),
      pieces_(model_.tokens()) {
  std::unordered_set<int32_t> used_ids;
  for (const AddedToken& token : added_tokens_) {
    const std::string name = "added token '" + token.content + "'";
    if (!added_ids_.emplace(token.content, token.id).second) {
      throw std::invalid_argument(name + " appears twice");
    }
    if (!used_ids.insert(token.id).second) {
      throw std::invalid_argument(name + " has the id of another added token");
    }
    if (static_cast<size_t>(token.id) >= pieces_.size()) {
      pieces_.resize(token.id + 1);
    }
    // An added token may also be in the model (as GPT-2's "<|endoftext|>").
    if (!pieces_[token.id].empty() && pieces_[token.id] != token.content) {
      throw std::invalid_argument(name + " has id " + std::to_string(token.id) +
                                  ", which is another vocabulary token");
    }
    pieces_[token.id] = token.content;
  }
}

BpeTokenizer BpeTokenizer::Train(const std::vector<std::string_view>& texts,
                                 int vocab_size, int threads) {
  if (vocab_size < 256 + kNumSpecialTokens) {
    throw std::invalid_argument(
        "BpeTokenizer::Train: vocab_size must be at least " +
        std::to_string(256 + kNumSpecialTokens) + " (256 bytes + " +
        std::to_string(kNumSpecialTokens) + " special tokens), got " +
        std::to_string(vocab_size));
  }
  if (threads < 1) {
    throw std::invalid_argument(
        "BpeTokenizer::Train: threads must be >= 1, got " +
        std::to_string(threads));
  }
  LearnedBpe learned =
      LearnBpe(CountWords(texts, threads), vocab_size - kNumSpecialTokens);
  std::vector<AddedToken> specials;
  for (int i = 0; i < kNumSpecialTokens; ++i) {
    specials.push_back({static_cast<int32_t>(learned.tokens.size()) + i,
                        kSpecialTokens[i], true});
  }
  return BpeTokenizer(
      BpeModel(std::move(learned.tokens), std::move(learned.merges),
               /*ignore_merges=*/false),
      std::move(specials));
}

std::vector<int32_t> BpeTokenizer::Encode(std::string_view text) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 1);
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = PreTokenEnd(text, begin);
    const std::string_view word = text.substr(begin, end - begin);
    begin = end;
    if (word.size() == 1) {
      ids.push_back(model_.ByteId(static_cast<unsigned char>(word[0])));
    } else if (!cache_.Lookup(word, &ids)) {
      const size_t start = ids.size();
      model_.EncodeWord(word, &ids);
      cache_.Insert(word, ids.data() + start, ids.size() - start);
    }
  }
  return ids;
}

std::string BpeTokenizer::Decode(const std::vector<int32_t>& ids) const {
  std::string text;
  for (const int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= pieces_.size() ||
        pieces_[id].empty()) {
      throw std::out_of_range("BpeTokenizer::Decode: id " + std::to_string(id) +
                              " is not in the vocabulary (size " +
                              std::to_string(pieces_.size()) + ")");
    }
    text += pieces_[id];
  }
  return text;
}

int BpeTokenizer::vocab_size() const {
  return static_cast<int>(pieces_.size());
}

int32_t BpeTokenizer::bos_id() const { return SpecialId(kBeginOfText); }

int32_t BpeTokenizer::eos_id() const { return SpecialId(kEndOfText); }

int32_t BpeTokenizer::SpecialId(std::string_view name) const {
  const auto it = added_ids_.find(std::string(name));
  if (it == added_ids_.end()) {
    throw std::invalid_argument("BpeTokenizer: no special token '" +
                                std::string(name) + "'");
  }
  return it->second;
}

void BpeTokenizer::Save(const std::string& path) const {
  WriteTokenizerJson(path, model_, added_tokens_);
}

BpeTokenizer BpeTokenizer::Load(const std::string& path) {
  TokenizerJson contents = ReadTokenizerJson(path);
  try {
    return BpeTokenizer(std::move(contents.model),
                        std::move(contents.added_tokens));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("tokenizer file '" + path + "': " + e.what());
  }
}

}  // namespace prolong::data
