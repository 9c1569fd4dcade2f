#include "data/io/hdf5_file.h"

#include <H5Cpp.h>

#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "data/io/atomic_file.h"
#include "data/io/checksum.h"

namespace prolong::io {
namespace {

constexpr char kChecksumAttribute[] = "fnv1a64";

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

// Silences HDF5's own stderr dump: errors surface as exceptions with names.
struct QuietHdf5 {
  QuietHdf5() { H5::Exception::dontPrint(); }
};
const QuietHdf5 quiet_hdf5;

std::runtime_error Error(const std::string& path, const std::string& what) {
  return std::runtime_error(path + ": " + what);
}

uint64_t Count(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), uint64_t{1},
                         [](uint64_t a, uint64_t b) { return a * b; });
}

}  // namespace

struct H5Writer::Impl {
  H5::H5File file;
  H5::DSetCreatPropList dataset_properties;
  H5::PropList group_properties{H5P_GROUP_CREATE};

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

H5Writer::H5Writer(std::string path)
    : path_(std::move(path)), temporary_(TemporaryPathFor(path_)) {
  try {
    H5::FileCreatPropList create;
    H5Pset_obj_track_times(create.getId(), false);
    H5::FileAccPropList access;
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_V18);
    impl_ = std::make_unique<Impl>(
        Impl{H5::H5File(temporary_, H5F_ACC_TRUNC, create, access), {}});
    H5Pset_obj_track_times(impl_->dataset_properties.getId(), false);
    H5Pset_obj_track_times(impl_->group_properties.getId(), false);
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot create HDF5 file " + temporary_ + ": " +
                           e.getDetailMsg());
  }
}

H5Writer::~H5Writer() {
  if (impl_) {
    try {
      impl_->file.close();
    } catch (...) {
    }
    std::remove(temporary_.c_str());
  }
}

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
    const uint64_t checksum = Fnv1a64(values, count * sizeof(T));
    H5::Attribute attribute = dataset.createAttribute(
        kChecksumAttribute, H5::PredType::NATIVE_UINT64, H5::DataSpace());
    attribute.write(H5::PredType::NATIVE_UINT64, &checksum);
  } catch (const H5::Exception& e) {
    throw Error(path_,
                "cannot write dataset " + name + ": " + e.getDetailMsg());
  }
}

void H5Writer::WriteText(const std::string& name, const std::string& text) {
  try {
    H5::StrType type(H5::PredType::C_S1, std::max<size_t>(1, text.size()));
    type.setStrpad(H5T_STR_NULLPAD);
    H5::DataSet dataset = impl_->Create(name, type, H5::DataSpace());
    std::string padded = text.empty() ? std::string(1, '\0') : text;
    dataset.write(padded.data(), type);
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot write text " + name + ": " + e.getDetailMsg());
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
  } catch (const H5::Exception& e) {
    throw Error(path_,
                "cannot write strings " + name + ": " + e.getDetailMsg());
  }
}

void H5Writer::Commit() {
  try {
    impl_->file.close();
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot close " + temporary_ + ": " + e.getDetailMsg());
  }
  impl_.reset();
  CommitTemporary(temporary_, path_);
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
    throw Error(path_, "cannot open HDF5 file: " + e.getDetailMsg());
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
    if (!dataset.attrExists(kChecksumAttribute)) {
      throw Error(path_, "dataset " + name + " has no checksum");
    }
    uint64_t expected = 0;
    dataset.openAttribute(kChecksumAttribute)
        .read(H5::PredType::NATIVE_UINT64, &expected);
    if (Fnv1a64(values.data(), values.size() * sizeof(T)) != expected) {
      throw Error(path_, "dataset " + name + " is corrupt (checksum mismatch)");
    }
    if (shape != nullptr) *shape = stored;
    return values;
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot read dataset " + name + ": " + e.getDetailMsg());
  }
}

std::string H5Reader::ReadText(const std::string& name) const {
  if (!Has(name)) throw Error(path_, "missing text " + name);
  try {
    H5::DataSet dataset = impl_->file.openDataSet(name);
    H5::StrType type = dataset.getStrType();
    std::string text(type.getSize(), '\0');
    dataset.read(text.data(), type);
    text.resize(text.find_last_not_of('\0') + 1);
    return text;
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot read text " + name + ": " + e.getDetailMsg());
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
    std::vector<std::string> values(count);
    for (hsize_t i = 0; i < count; ++i) {
      std::string value = buffer.substr(i * width, width);
      value.resize(value.find_last_not_of('\0') + 1);
      values[i] = std::move(value);
    }
    return values;
  } catch (const H5::Exception& e) {
    throw Error(path_, "cannot read strings " + name + ": " + e.getDetailMsg());
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
