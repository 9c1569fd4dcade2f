// Document lookup shared by the attention kernels (attention.cu and
// attention_tensor_core.cu): which document of a packed sequence holds a
// token. Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_ATTENTION_DOCUMENTS_CUH_
#define PROLONG_OPS_CUDA_ATTENTION_DOCUMENTS_CUH_

#include <cstdint>

namespace prolong::ops::cuda {

// [begin, end): the tokens of the document holding token t, 0 <= t < T.
struct Span {
  int begin, end;
};

// Binary search for the last d < num_docs with doc_starts[d] <= t; reads
// only doc_starts[0..num_docs]. Without document masking: [0, T).
__device__ inline Span DocumentOf(const int32_t* doc_starts, int num_docs,
                                  bool document_masking, int T, int t) {
  if (!document_masking) return {0, T};
  int lo = 0;         // doc_starts[lo] <= t
  int hi = num_docs;  // hi == num_docs or doc_starts[hi] > t
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (doc_starts[mid] <= t) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return {doc_starts[lo], doc_starts[lo + 1]};
}

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_ATTENTION_DOCUMENTS_CUH_
