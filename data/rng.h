// Counter-based random numbers: value i of stream (seed, stream) is a pure
// function of (seed, stream, i), so data order and initialisation never
// depend on thread scheduling or on how many values were drawn elsewhere.
#ifndef PROLONG_DATA_RNG_H_
#define PROLONG_DATA_RNG_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace prolong::data {

// SplitMix64's finaliser: a bijective mix of 64 bits.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream)
      : key_(Mix64(seed ^ Mix64(stream + 0x632be59bd9b4e019ULL))) {}

  uint64_t Next() { return Mix64(key_ ^ Mix64(counter_++)); }
  // Uniform in [0, n) (Lemire's multiply-shift; bias < n / 2^64).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }
  // Uniform in [0, 1).
  double Uniform() { return (Next() >> 11) * 0x1.0p-53; }

  template <typename T>
  void Shuffle(std::vector<T>* values) {
    for (size_t i = values->size(); i > 1; --i) {
      std::swap((*values)[i - 1], (*values)[Below(i)]);
    }
  }

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_RNG_H_
