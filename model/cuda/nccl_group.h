// Data-parallel ranks over NCCL: one process per GPU, `world_size`
// processes in all, joined through a rendezvous file.
//
// Rendezvous: rank 0 creates the NCCL unique id (which names rank 0's
// bootstrap address) and writes it atomically to the rendezvous file; the
// other ranks poll for the file, read the id, and all call
// ncclCommInitRank, which returns once every rank has joined; rank 0 then
// removes the file. The file must be visible to every rank (any local path
// on one node; a shared file system across nodes) and fresh for each run:
// an id left by an earlier run names a bootstrap address nobody listens on,
// so the other ranks would fail to join. tools/launch_multi_gpu.sh picks a
// fresh path per launch.
//
// All-reduces sum in NCCL's order for the group's topology: bitwise
// reproducible from run to run on the same machines and NCCL version
// (NCCL picks the same ring / tree each time), but not equal to a
// single-process sum.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_MODEL_CUDA_NCCL_GROUP_H_
#define PROLONG_MODEL_CUDA_NCCL_GROUP_H_

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace prolong::model::cuda {

class NcclGroup {
 public:
  // Joins the group as `rank` of `world_size` on the current CUDA device
  // (cudaSetDevice first). Throws std::runtime_error if the rendezvous file
  // does not appear within `timeout` or NCCL fails, naming the file.
  NcclGroup(int rank, int world_size, const std::string& rendezvous_file,
            std::chrono::seconds timeout);
  ~NcclGroup();
  NcclGroup(const NcclGroup&) = delete;
  NcclGroup& operator=(const NcclGroup&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }

  // data (n, device) <- its sum over the ranks, in place, on `stream`.
  void AllReduceSum(float* data, int64_t n, cudaStream_t stream);
  void AllReduceSum(double* data, int64_t n, cudaStream_t stream);

 private:
  int rank_;
  int world_size_;
  ncclComm_t comm_ = nullptr;
};

}  // namespace prolong::model::cuda

#endif  // PROLONG_MODEL_CUDA_NCCL_GROUP_H_
