// Small typed layer over the HDF5 C++ API for every file the pipeline
// stores (documents, shards, mixtures, checkpoints, results).
//
// - Writes are atomic: an H5Writer builds the file in memory (HDF5's core
//   driver) and Commit() writes the finished image with WriteFileAtomically
//   (atomic_file.h), so a full disk fails that one write with an error
//   naming the file, and an uncommitted writer leaves nothing on disk.
//   (HDF5 1.10 itself cannot recover from a failed write: a file whose
//   close failed crashes when closed again, at the latest at exit.) The
//   cost: the whole file is held in memory until Commit.
// - Files are reproducible: object timestamps are off and strings are
//   fixed-length, so the same contents give the same bytes.
// - Every dataset (arrays, text and strings) carries an "fnv1a64" checksum
//   attribute that H5Reader checks; a corrupt, truncated or foreign file
//   gives an error naming the file and the dataset.
// Dataset names may contain '/': intermediate groups are created.
#ifndef PROLONG_DATA_IO_HDF5_FILE_H_
#define PROLONG_DATA_IO_HDF5_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace prolong::io {

using Shape = std::vector<uint64_t>;

class H5Writer {
 public:
  explicit H5Writer(std::string path);
  ~H5Writer();
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  // Arrays of int32, int64, uint8, float or double; `shape` defaults to 1-D.
  template <typename T>
  void Write(const std::string& name, const std::vector<T>& values,
             Shape shape = {});
  template <typename T>
  void Write(const std::string& name, const T* values, const Shape& shape);
  // One string (a config, a JSON blob), stored as a fixed-length scalar.
  void WriteText(const std::string& name, const std::string& text);
  // A 1-D array of fixed-length strings (padded with NULs to the longest).
  void WriteStrings(const std::string& name,
                    const std::vector<std::string>& values);

  // Writes the finished file to the target path.
  void Commit();
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

class H5Reader {
 public:
  explicit H5Reader(std::string path);
  ~H5Reader();

  bool Has(const std::string& name) const;
  template <typename T>
  std::vector<T> Read(const std::string& name, Shape* shape = nullptr) const;
  std::string ReadText(const std::string& name) const;
  std::vector<std::string> ReadStrings(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace prolong::io

#endif  // PROLONG_DATA_IO_HDF5_FILE_H_
