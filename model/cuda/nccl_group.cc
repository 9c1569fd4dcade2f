#ifdef PROLONG_HAVE_CUDA

#include "model/cuda/nccl_group.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "data/io/atomic_file.h"

namespace prolong::model::cuda {
namespace {

// Throws std::runtime_error("what: <ncclGetErrorString(result)>").
void CheckNccl(ncclResult_t result, const std::string& what) {
  if (result != ncclSuccess) {
    throw std::runtime_error(what + ": " + ncclGetErrorString(result));
  }
}

// The id rank 0 wrote to `path`, waiting up to `timeout` for the file.
ncclUniqueId AwaitUniqueId(const std::string& path,
                           std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!std::filesystem::exists(path)) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("NCCL rendezvous: rank 0 did not write " + path +
                               " within " + std::to_string(timeout.count()) +
                               " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Written atomically (rename), so an existing file is whole.
  const std::string bytes = io::ReadFile(path);
  ncclUniqueId id;
  if (bytes.size() != sizeof(id.internal)) {
    throw std::runtime_error("NCCL rendezvous: " + path + " holds " +
                             std::to_string(bytes.size()) + " bytes, not " +
                             std::to_string(sizeof(id.internal)));
  }
  std::copy(bytes.begin(), bytes.end(), id.internal);
  return id;
}

}  // namespace

NcclGroup::NcclGroup(int rank, int world_size,
                     const std::string& rendezvous_file,
                     std::chrono::seconds timeout)
    : rank_(rank), world_size_(world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw std::invalid_argument("NCCL group: rank " + std::to_string(rank) +
                                " outside [0, world size " +
                                std::to_string(world_size) + ")");
  }
  ncclUniqueId id;
  if (rank == 0) {
    CheckNccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
    io::WriteFileAtomically(rendezvous_file,
                            std::string_view(id.internal, sizeof(id.internal)));
  } else {
    id = AwaitUniqueId(rendezvous_file, timeout);
  }
  CheckNccl(ncclCommInitRank(&comm_, world_size, id, rank),
            "ncclCommInitRank (rank " + std::to_string(rank) + " of " +
                std::to_string(world_size) + ", rendezvous " + rendezvous_file +
                ")");
  // Every rank has joined, so none reads the file any more.
  if (rank == 0) std::filesystem::remove(rendezvous_file);
}

NcclGroup::~NcclGroup() { ncclCommDestroy(comm_); }

void NcclGroup::AllReduceSum(float* data, int64_t n, cudaStream_t stream) {
  CheckNccl(ncclAllReduce(data, data, static_cast<size_t>(n), ncclFloat,
                          ncclSum, comm_, stream),
            "ncclAllReduce");
}

void NcclGroup::AllReduceSum(double* data, int64_t n, cudaStream_t stream) {
  CheckNccl(ncclAllReduce(data, data, static_cast<size_t>(n), ncclDouble,
                          ncclSum, comm_, stream),
            "ncclAllReduce");
}

}  // namespace prolong::model::cuda

#endif  // PROLONG_HAVE_CUDA
