#include "data/tokenizer/bpe_model.h"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>

namespace prolong::data {
namespace {

std::string Describe(const std::vector<std::string>& tokens, int32_t id) {
  return "token " + std::to_string(id) + " (" +
         std::to_string(tokens[id].size()) + " bytes)";
}

}  // namespace

BpeModel::BpeModel(std::vector<std::string> tokens, std::vector<Merge> merges,
                   bool ignore_merges)
    : tokens_(std::move(tokens)),
      merges_(std::move(merges)),
      ignore_merges_(ignore_merges) {
  byte_ids_.fill(-1);
  token_ids_.reserve(tokens_.size());
  for (size_t id = 0; id < tokens_.size(); ++id) {
    const std::string& token = tokens_[id];
    if (token.empty()) continue;
    const auto [it, inserted] =
        token_ids_.emplace(token, static_cast<int32_t>(id));
    if (!inserted) {
      throw std::invalid_argument("BPE model: tokens " +
                                  std::to_string(it->second) + " and " +
                                  std::to_string(id) + " have the same bytes");
    }
    if (token.size() == 1) byte_ids_[static_cast<unsigned char>(token[0])] = id;
  }
  for (int byte = 0; byte < 256; ++byte) {
    if (byte_ids_[byte] < 0) {
      throw std::invalid_argument("BPE model: no token for byte " +
                                  std::to_string(byte));
    }
  }
  const auto valid_id = [&](int32_t id) {
    return id >= 0 && static_cast<size_t>(id) < tokens_.size() &&
           !tokens_[id].empty();
  };
  merge_index_.reserve(merges_.size());
  for (size_t rank = 0; rank < merges_.size(); ++rank) {
    const Merge& m = merges_[rank];
    const std::string where = "BPE model: merge " + std::to_string(rank);
    if (!valid_id(m.left) || !valid_id(m.right) || !valid_id(m.merged)) {
      throw std::invalid_argument(where + " uses an id that is not a token");
    }
    if (tokens_[m.left] + tokens_[m.right] != tokens_[m.merged]) {
      throw std::invalid_argument(where + ": " + Describe(tokens_, m.left) +
                                  " + " + Describe(tokens_, m.right) +
                                  " is not " + Describe(tokens_, m.merged));
    }
    const RankedMerge ranked{static_cast<int32_t>(rank), m.merged};
    if (!merge_index_.emplace(PairKey(m.left, m.right), ranked).second) {
      throw std::invalid_argument(where + " repeats an earlier merge");
    }
  }
}

const BpeModel::RankedMerge* BpeModel::FindMerge(int32_t left,
                                                 int32_t right) const {
  const auto it = merge_index_.find(PairKey(left, right));
  return it == merge_index_.end() ? nullptr : &it->second;
}

void BpeModel::EncodeWord(std::string_view word,
                          std::vector<int32_t>* ids) const {
  if (word.size() == 1) {
    ids->push_back(ByteId(static_cast<unsigned char>(word[0])));
    return;
  }
  if (ignore_merges_) {
    const auto it = token_ids_.find(std::string(word));
    if (it != token_ids_.end()) {
      ids->push_back(it->second);
      return;
    }
  }
  // The symbols form a linked list; candidate merges wait in a min-heap
  // ordered by (rank, position). A candidate is stale when its symbols have
  // changed since; since each pair has one rank, a candidate whose pair still
  // has that rank is current.
  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
  };
  struct Candidate {
    int32_t rank;
    int32_t pos;
    bool operator>(const Candidate& other) const {
      return rank != other.rank ? rank > other.rank : pos > other.pos;
    }
  };
  const int32_t n = static_cast<int32_t>(word.size());
  std::vector<Symbol> symbols(n);
  for (int32_t i = 0; i < n; ++i) {
    symbols[i] = {ByteId(static_cast<unsigned char>(word[i])), i - 1,
                  i + 1 < n ? i + 1 : -1};
  }
  std::vector<Candidate> heap;
  const auto push_candidate = [&](int32_t pos) {
    const int32_t next = symbols[pos].next;
    if (next < 0) return;
    if (const RankedMerge* m = FindMerge(symbols[pos].id, symbols[next].id)) {
      heap.push_back({m->rank, pos});
      std::push_heap(heap.begin(), heap.end(), std::greater<Candidate>());
    }
  };
  for (int32_t i = 0; i + 1 < n; ++i) push_candidate(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<Candidate>());
    const Candidate candidate = heap.back();
    heap.pop_back();
    Symbol& symbol = symbols[candidate.pos];
    if (symbol.id < 0 || symbol.next < 0) continue;
    const RankedMerge* m = FindMerge(symbol.id, symbols[symbol.next].id);
    if (m == nullptr || m->rank != candidate.rank) continue;
    Symbol& removed = symbols[symbol.next];
    symbol.id = m->merged;
    symbol.next = removed.next;
    if (removed.next >= 0) symbols[removed.next].prev = candidate.pos;
    removed.id = -1;
    if (symbol.prev >= 0) push_candidate(symbol.prev);
    push_candidate(candidate.pos);
  }
  for (int32_t i = 0; i >= 0; i = symbols[i].next)
    ids->push_back(symbols[i].id);
}

}  // namespace prolong::data
