#include "data/io/hdf5_file.h"

#include <H5Cpp.h>

#include <cstdlib>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string_view>

#include "data/io/atomic_file.h"
#include "data/io/checksum.h"

namespace prolong::io {
namespace {

constexpr char kChecksumAttribute[] = "fnv1a64";
// The in-memory file grows by this much at a time.
constexpr size_t kMemoryIncrement = size_t{16} << 20;

template <typename T>
const H5::PredType& NativeType();
template <>
const H5::PredType& NativeType<int32_t>() {
  return H5::PredType::NATIVE_INT32;
}
template <>
const H5::PredType& NativeType<int64_t>() {
  return H5::PredType::NATIVE_INT64;
}
template <>
const H5::PredType& NativeType<uint8_t>() {
  return H5::PredType::NATIVE_UINT8;
}
template <>
const H5::PredType& NativeType<uint64_t>() {
  return H5::PredType::NATIVE_UINT64;
}
template <>
const H5::PredType& NativeType<float>() {
  return H5::PredType::NATIVE_FLOAT;
}
template <>
const H5::PredType& NativeType<double>() {
  return H5::PredType::NATIVE_DOUBLE;
}

// The system error (errno) of the last failed HDF5 call, 0 if it had none,
// e.g. ENOENT for a missing file. HDF5 puts it only into the text of its
// error stack ("errno = 2, error message = ..."), and the stack is cleared
// by the next HDF5 call, which may come (closing objects) before a C++
// exception reaches our handlers; so it is read when the failing call
// returns.
int last_system_error = 0;

herr_t FindSystemError(unsigned, const H5E_error2_t* error, void*) {
  const char* errno_text =
      error->desc ? std::strstr(error->desc, "errno = ") : nullptr;
  if (errno_text != nullptr && last_system_error == 0) {
    last_system_error = std::atoi(errno_text + std::strlen("errno = "));
  }
  return 0;
}

herr_t RecordSystemError(hid_t stack, void*) {
  last_system_error = 0;
  H5Ewalk2(stack, H5E_WALK_UPWARD, FindSystemError, nullptr);
  return 0;
}

// Replaces HDF5's own stderr dump (errors surface as exceptions naming the
// file) with RecordSystemError.
struct QuietHdf5 {
  QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, RecordSystemError, nullptr); }
};
const QuietHdf5 quiet_hdf5;

// An HDF5 exception's message, with the system error behind it, e.g.
// "H5Fis_hdf5 returned negative value: No such file or directory".
std::string Describe(const H5::Exception& e) {
  std::string message = e.getDetailMsg();
  if (last_system_error != 0) {
    message += ": " + DescribeSystemError(last_system_error);
  }
  return message;
}

std::runtime_error Error(const std::string& path, const std::string& what) {
  return std::runtime_error(path + ": " + what);
}

uint64_t Count(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), uint64_t{1},
                         [](uint64_t a, uint64_t b) { return a * b; });
}

// Stores the checksum of a dataset's bytes as its kChecksumAttribute.
void AttachChecksum(H5::DataSet& dataset, const void* bytes, size_t size) {
  const uint64_t checksum = Fnv1a64(bytes, size);
  H5::Attribute attribute = dataset.createAttribute(
      kChecksumAttribute, H5::PredType::NATIVE_UINT64, H5::DataSpace());
  attribute.write(H5::PredType::NATIVE_UINT64, &checksum);
}

// Throws naming the file and dataset unless `bytes`, read from `dataset`,
// match its stored checksum.
void VerifyChecksum(const std::string& path, const std::string& name,
                    const H5::DataSet& dataset, const void* bytes,
                    size_t size) {
  if (!dataset.attrExists(kChecksumAttribute)) {
    throw Error(path, "dataset " + name + " has no checksum");
  }
  uint64_t expected = 0;
  dataset.openAttribute(kChecksumAttribute)
      .read(H5::PredType::NATIVE_UINT64, &expected);
  if (Fnv1a64(bytes, size) != expected) {
    throw Error(path, "dataset " + name + " is corrupt (checksum mismatch)");
  }
}

// The length of the HDF5 file in `image`: its superblock's end-of-file
// address. (The core driver's buffer may run past it: HDF5 frees space at
// the end when it closes a file.) The writer's format bounds (V18) give
// superblock version 2: signature (8 bytes), version, sizes of offsets and
// lengths, flags (1 byte each), then the base, extension and end-of-file
// addresses.
uint64_t StoredEndOfFile(const unsigned char* image, uint64_t image_size) {
  constexpr size_t kVersion = 8, kOffsetSize = 9, kBaseAddress = 12;
  if (image_size < kBaseAddress + 3 * 8 || image[kVersion] != 2 ||
      image[kOffsetSize] != 8) {
    throw std::logic_error("unexpected HDF5 superblock");
  }
  uint64_t end = 0;
  for (int i = 7; i >= 0; --i) end = (end << 8) | image[kBaseAddress + 16 + i];
  if (end > image_size) throw std::logic_error("HDF5 end past its image");
  return end;
}

// The bytes of an in-memory HDF5 file (the core driver), allocated through
// these callbacks so that the finished file can be taken over without a
// copy when HDF5 closes it, after HDF5 has written its final superblock.
// (H5Fget_file_image would copy it, and HDF5 1.10.8 corrupts the copy's
// superblock checksum.)
struct FileImage {
  void* bytes = nullptr;  // set when the file is closed; freed here
  size_t size = 0;        // of `bytes`
  size_t allocated = 0;   // size of the latest allocation

  FileImage() = default;
  FileImage(const FileImage&) = delete;
  FileImage& operator=(const FileImage&) = delete;
  ~FileImage() { std::free(bytes); }

  static void* Allocate(size_t size, H5FD_file_image_op_t, void* image) {
    static_cast<FileImage*>(image)->allocated = size;
    return std::malloc(size);
  }
  static void* Copy(void* to, const void* from, size_t size,
                    H5FD_file_image_op_t, void*) {
    return std::memcpy(to, from, size);
  }
  static void* Reallocate(void* bytes, size_t size, H5FD_file_image_op_t,
                          void* image) {
    static_cast<FileImage*>(image)->allocated = size;
    return std::realloc(bytes, size);
  }
  // HDF5 may also open and close other files with these properties (a
  // file of the same name, to see whether it is open already): the last
  // file closed is ours.
  static herr_t Release(void* bytes, H5FD_file_image_op_t operation,
                        void* image) {
    if (operation == H5FD_FILE_IMAGE_OP_FILE_CLOSE) {
      auto* self = static_cast<FileImage*>(image);
      std::free(self->bytes);
      self->bytes = bytes;
      self->size = self->allocated;
    } else {
      std::free(bytes);
    }
    return 0;
  }
  // HDF5 copies the access properties (and this pointer) into the file.
  static void* SharePointer(void* image) { return image; }
  static herr_t KeepPointee(void*) { return 0; }

  // Properties for an in-memory file whose bytes end up here.
  H5::FileAccPropList AccessProperties() {
    H5::FileAccPropList access;
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_V18);
    access.setCore(kMemoryIncrement, /*backing_store=*/false);
    H5FD_file_image_callbacks_t callbacks = {
        Allocate, Copy, Reallocate, Release, SharePointer, KeepPointee, this};
    if (H5Pset_file_image_callbacks(access.getId(), &callbacks) < 0) {
      throw H5::PropListIException("H5Pset_file_image_callbacks", "failed");
    }
    return access;
  }
};

H5::FileCreatPropList CreateProperties() {
  H5::FileCreatPropList create;
  H5Pset_obj_track_times(create.getId(), false);
  return create;
}

}  // namespace

struct H5Writer::Impl {
  // Declared before `file`, which hands it the bytes when it closes.
  FileImage image;
  H5::H5File file;
  H5::DSetCreatPropList dataset_properties;
  H5::PropList group_properties{H5P_GROUP_CREATE};

  explicit Impl(const std::string& name)
      : file(name, H5F_ACC_TRUNC, CreateProperties(),
             image.AccessProperties()) {
    H5Pset_obj_track_times(dataset_properties.getId(), false);
    H5Pset_obj_track_times(group_properties.getId(), false);
  }

  H5::DataSet Create(const std::string& name, const H5::DataType& type,
                     const H5::DataSpace& space) {
    CreateParentGroups(name);
    return file.createDataSet(name, type, space, dataset_properties);
  }

  // Creates the groups on the way to `name` without timestamps (HDF5's own
  // intermediate-group creation would stamp them with the time).
  void CreateParentGroups(const std::string& name) {
    for (size_t slash = name.find('/'); slash != std::string::npos;
         slash = name.find('/', slash + 1)) {
      const std::string group = name.substr(0, slash);
      if (H5Lexists(file.getId(), group.c_str(), H5P_DEFAULT) > 0) continue;
      const hid_t id = H5Gcreate2(file.getId(), group.c_str(), H5P_DEFAULT,
                                  group_properties.getId(), H5P_DEFAULT);
      if (id < 0) throw H5::GroupIException("CreateParentGroups", group);
      H5Gclose(id);
    }
  }
};

H5Writer::H5Writer(std::string path) : path_(std::move(path)) {
  try {
    // The in-memory file's name is not on disk, so that HDF5 does not read
    // an earlier file at `path` while it checks whether it is open.
    impl_ = std::make_unique<Impl>(TemporaryPathFor(path_));
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot create HDF5 file: " + Describe(e));
  }
}

H5Writer::~H5Writer() = default;

template <typename T>
void H5Writer::Write(const std::string& name, const std::vector<T>& values,
                     Shape shape) {
  if (shape.empty()) shape = {values.size()};
  if (Count(shape) != values.size()) {
    throw Error(path_, "dataset " + name + ": shape does not match values");
  }
  Write(name, values.data(), shape);
}

template <typename T>
void H5Writer::Write(const std::string& name, const T* values,
                     const Shape& shape) {
  try {
    std::vector<hsize_t> dims(shape.begin(), shape.end());
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DataSet dataset = impl_->Create(name, NativeType<T>(), space);
    const uint64_t count = Count(shape);
    if (count > 0) dataset.write(values, NativeType<T>());
    AttachChecksum(dataset, values, count * sizeof(T));
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot write dataset " + name + ": " + Describe(e));
  }
}

void H5Writer::WriteText(const std::string& name, const std::string& text) {
  try {
    H5::StrType type(H5::PredType::C_S1, std::max<size_t>(1, text.size()));
    type.setStrpad(H5T_STR_NULLPAD);
    H5::DataSet dataset = impl_->Create(name, type, H5::DataSpace());
    std::string padded = text.empty() ? std::string(1, '\0') : text;
    dataset.write(padded.data(), type);
    AttachChecksum(dataset, padded.data(), padded.size());
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot write text " + name + ": " + Describe(e));
  }
}

void H5Writer::WriteStrings(const std::string& name,
                            const std::vector<std::string>& values) {
  size_t width = 1;
  for (const auto& value : values) width = std::max(width, value.size());
  std::string buffer(width * values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    buffer.replace(i * width, values[i].size(), values[i]);
  }
  try {
    H5::StrType type(H5::PredType::C_S1, width);
    type.setStrpad(H5T_STR_NULLPAD);
    hsize_t dims[1] = {values.size()};
    H5::DataSpace space(1, dims);
    H5::DataSet dataset = impl_->Create(name, type, space);
    if (!values.empty()) dataset.write(buffer.data(), type);
    AttachChecksum(dataset, buffer.data(), buffer.size());
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot write strings " + name + ": " + Describe(e));
  }
}

void H5Writer::Commit() {
  try {
    impl_->file.close();
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot finish the file: " + Describe(e));
  }
  const std::unique_ptr<Impl> finished = std::move(impl_);
  const auto* image = static_cast<const unsigned char*>(finished->image.bytes);
  if (image == nullptr) {
    throw Error(path_, "HDF5 closed the file without handing over its bytes");
  }
  WriteFileAtomically(
      path_, std::string_view(reinterpret_cast<const char*>(image),
                              StoredEndOfFile(image, finished->image.size)));
}

struct H5Reader::Impl {
  H5::H5File file;
};

H5Reader::H5Reader(std::string path) : path_(std::move(path)) {
  try {
    if (!H5::H5File::isHdf5(path_.c_str())) {
      throw Error(path_, "not an HDF5 file (or truncated)");
    }
    impl_ = std::make_unique<Impl>(Impl{H5::H5File(path_, H5F_ACC_RDONLY)});
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot open HDF5 file: " + Describe(e));
  }
}

H5Reader::~H5Reader() = default;

bool H5Reader::Has(const std::string& name) const {
  // Walk the path so that a missing group is "absent", not an error.
  size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    if (H5Lexists(impl_->file.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      return false;
    }
    if (pos == std::string::npos) return true;
  }
}

template <typename T>
std::vector<T> H5Reader::Read(const std::string& name, Shape* shape) const {
  if (!Has(name)) throw Error(path_, "missing dataset " + name);
  try {
    H5::DataSet dataset = impl_->file.openDataSet(name);
    H5::DataSpace space = dataset.getSpace();
    std::vector<hsize_t> dims(space.getSimpleExtentNdims());
    space.getSimpleExtentDims(dims.data());
    Shape stored(dims.begin(), dims.end());
    if (dataset.getTypeClass() != NativeType<T>().getClass() ||
        dataset.getDataType().getSize() != sizeof(T)) {
      throw Error(path_, "dataset " + name + " has an unexpected type");
    }
    std::vector<T> values(Count(stored));
    if (!values.empty()) dataset.read(values.data(), NativeType<T>());
    VerifyChecksum(path_, name, dataset, values.data(),
                   values.size() * sizeof(T));
    if (shape != nullptr) *shape = stored;
    return values;
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot read dataset " + name + ": " + Describe(e));
  }
}

std::string H5Reader::ReadText(const std::string& name) const {
  if (!Has(name)) throw Error(path_, "missing text " + name);
  try {
    H5::DataSet dataset = impl_->file.openDataSet(name);
    H5::StrType type = dataset.getStrType();
    std::string text(type.getSize(), '\0');
    dataset.read(text.data(), type);
    VerifyChecksum(path_, name, dataset, text.data(), text.size());
    text.resize(text.find_last_not_of('\0') + 1);
    return text;
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot read text " + name + ": " + Describe(e));
  }
}

std::vector<std::string> H5Reader::ReadStrings(const std::string& name) const {
  if (!Has(name)) throw Error(path_, "missing strings " + name);
  try {
    H5::DataSet dataset = impl_->file.openDataSet(name);
    H5::StrType type = dataset.getStrType();
    const size_t width = type.getSize();
    hsize_t count = 0;
    dataset.getSpace().getSimpleExtentDims(&count);
    std::string buffer(width * count, '\0');
    if (count > 0) dataset.read(buffer.data(), type);
    VerifyChecksum(path_, name, dataset, buffer.data(), buffer.size());
    std::vector<std::string> values(count);
    for (hsize_t i = 0; i < count; ++i) {
      std::string value = buffer.substr(i * width, width);
      value.resize(value.find_last_not_of('\0') + 1);
      values[i] = std::move(value);
    }
    return values;
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot read strings " + name + ": " + Describe(e));
  }
}

#define PROLONG_INSTANTIATE(T)                                                \
  template void H5Writer::Write<T>(const std::string&, const std::vector<T>&, \
                                   Shape);                                    \
  template void H5Writer::Write<T>(const std::string&, const T*,              \
                                   const Shape&);                             \
  template std::vector<T> H5Reader::Read<T>(const std::string&, Shape*) const;
PROLONG_INSTANTIATE(int32_t)
PROLONG_INSTANTIATE(int64_t)
PROLONG_INSTANTIATE(uint8_t)
PROLONG_INSTANTIATE(uint64_t)
PROLONG_INSTANTIATE(float)
PROLONG_INSTANTIATE(double)
#undef PROLONG_INSTANTIATE

}  // namespace prolong::io
