//===- Checkpoint.cpp - The checkpoint file: reader and writer ------------===//

#include "mpt-runtime/Checkpoint.h"
#include "mpt-runtime/FileIO.h"

#include "LittleEndian.h"

#include <cstring>
#include <limits>
#include <set>

using namespace mpt::rt;

static const char kMagic[8] = {'\x89', 'M', 'P', 'C', '\r', '\n', '\x1a', '\n'};
static const char kEnd[4] = {'M', 'P', 'C', 'E'};
static constexpr size_t kHeaderBytes = 40;
static constexpr size_t kTrailerBytes = 8;

std::string CheckpointTensor::typeString() const {
  TensorSpec t;
  t.dtype = dtype;
  t.shape = shape;
  return t.typeString();
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

CheckpointWriter::CheckpointWriter(std::string &out, uint32_t count,
                                   uint64_t step)
    : out_(out) {
  out_.append(kMagic, 8);
  putLE(out_, kCheckpointFormatVersion, 4);
  putLE(out_, count, 4);
  putLE(out_, 0, 8); // the file size, set by finish()
  putLE(out_, step, 8);
  putLE(out_, 0, 8);
}

char *CheckpointWriter::addTensor(const TensorSpec &t) {
  putLE(out_, t.name.size(), 4);
  out_ += t.name;
  putLE(out_, static_cast<uint8_t>(t.role), 1);
  putLE(out_, static_cast<uint8_t>(t.dtype), 1);
  putLE(out_, 0, 2);
  putLE(out_, t.shape.size(), 4);
  for (int64_t d : t.shape)
    putLE(out_, static_cast<uint64_t>(d), 8);
  putLE(out_, t.byteSize(), 8);
  size_t at = out_.size();
  // The data, then zero padding to a multiple of 8.
  out_.resize((at + t.byteSize() + 7) / 8 * 8, '\0');
  return out_.data() + at;
}

void CheckpointWriter::finish() {
  setLE(out_, 16, out_.size() + kTrailerBytes, 8);
  putLE(out_, crc32(out_.data(), out_.size()), 4);
  out_.append(kEnd, 4);
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {
/// Reads the tensor table between the header and the trailer.
class TensorReader {
public:
  TensorReader(std::string_view bytes, size_t end)
      : bytes_(bytes), pos_(kHeaderBytes), end_(end) {}

  /// Reads tensor `i`; returns why it is corrupt, or "".
  std::string read(uint32_t i, CheckpointTensor &t);
  /// Bytes between the last tensor read and the trailer.
  size_t left() const { return end_ - pos_; }

private:
  bool need(uint64_t n) const { return n <= end_ - pos_; }
  uint64_t take(int n) {
    uint64_t v = getLE(bytes_.data() + pos_, n);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::string header(uint32_t i, CheckpointTensor &t);

  std::string_view bytes_;
  size_t pos_, end_;
};
} // namespace

static bool isStateRoleCode(uint8_t code) {
  return code >= static_cast<uint8_t>(Role::Param) &&
         code <= static_cast<uint8_t>(Role::LossScaleState);
}

static bool isDTypeCode(uint8_t code) {
  return code >= static_cast<uint8_t>(DType::F32) &&
         code <= static_cast<uint8_t>(DType::I64);
}

/// The name, role, dtype, reserved field and shape of tensor `i`.
std::string TensorReader::header(uint32_t i, CheckpointTensor &t) {
  std::string which = "tensor #" + std::to_string(i);
  if (!need(4))
    return "tensor table overruns the file";
  uint64_t nameLen = take(4);
  if (!need(nameLen + 8))
    return "tensor table overruns the file";
  t.name.assign(bytes_.data() + pos_, nameLen);
  pos_ += nameLen;
  if (std::string why = badTensorName(t.name); !why.empty() || t.name.empty())
    return which + " '" + printable(t.name) +
           "': " + (t.name.empty() ? "the name is empty" : why);
  which = "tensor '" + t.name + "'";
  auto role = static_cast<uint8_t>(take(1));
  auto dtype = static_cast<uint8_t>(take(1));
  if (!isStateRoleCode(role))
    return which + " has role code " + std::to_string(role) +
           ", not a state role";
  if (!isDTypeCode(dtype))
    return which + " has the unknown dtype code " + std::to_string(dtype);
  t.role = static_cast<Role>(role);
  t.dtype = static_cast<DType>(dtype);
  if (uint64_t reserved = take(2))
    return which + " has a non-zero reserved field (" +
           std::to_string(reserved) + ")";
  uint64_t rank = take(4);
  if (rank > kMaxCheckpointRank)
    return which + " has rank " + std::to_string(rank) + " (at most " +
           std::to_string(kMaxCheckpointRank) + ")";
  if (!need(rank * 8 + 8))
    return "tensor table overruns the file";
  for (uint64_t d = 0; d < rank; ++d)
    t.shape.push_back(static_cast<int64_t>(take(8)));
  return "";
}

std::string TensorReader::read(uint32_t i, CheckpointTensor &t) {
  if (std::string why = header(i, t); !why.empty())
    return why;
  std::string which = "tensor '" + t.name + "'";
  uint64_t elements = 1, want = 0;
  bool fits = true;
  for (int64_t d : t.shape) {
    if (d < 0)
      return which + " has a negative dimension (" + t.typeString() + ")";
    fits = fits && !__builtin_mul_overflow(elements, static_cast<uint64_t>(d),
                                           &elements);
  }
  fits = fits && !__builtin_mul_overflow(elements, dtypeSize(t.dtype), &want);
  if (!fits)
    return which + " (" + t.typeString() + ") is more than 2^64 bytes";
  uint64_t n = take(8);
  if (n != want)
    return which + " has " + std::to_string(n) + " data bytes, but " +
           t.typeString() + " needs " + std::to_string(want);
  if (!need(n))
    return which + " overruns the file";
  t.data = bytes_.substr(pos_, n);
  pos_ += n;
  size_t padded = std::min<size_t>((pos_ + 7) / 8 * 8, end_);
  for (; pos_ < padded; ++pos_)
    if (bytes_[pos_] != '\0')
      return "non-zero padding after " + which;
  return "";
}

/// Magic, version, size, end marker and checksum.
static Status checkContainer(std::string_view bytes, const std::string &name) {
  auto fail = [&](const std::string &why) {
    return Status::error("checkpoint '" + name + "': " + why);
  };
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return fail("not an mpt checkpoint (bad magic)");
  if (bytes.size() < kHeaderBytes + kTrailerBytes)
    return fail("truncated (" + std::to_string(bytes.size()) + " bytes)");
  uint32_t version = static_cast<uint32_t>(getLE(bytes.data() + 8, 4));
  if (version > kCheckpointFormatVersion || version == 0)
    return fail("format version " + std::to_string(version) +
                " is not supported (this runtime reads version " +
                std::to_string(kCheckpointFormatVersion) + ")");
  uint64_t size = getLE(bytes.data() + 16, 8);
  if (bytes.size() < size)
    return fail("truncated (" + std::to_string(bytes.size()) + " of " +
                std::to_string(size) + " bytes)");
  if (bytes.size() > size || size < kHeaderBytes + kTrailerBytes)
    return fail("corrupt (the size in the header is " + std::to_string(size) +
                " bytes, the file has " + std::to_string(bytes.size()) + ")");
  if (std::memcmp(bytes.data() + size - 4, kEnd, 4) != 0)
    return fail("corrupt (bad end marker)");
  uint32_t want = static_cast<uint32_t>(getLE(bytes.data() + size - 8, 4));
  if (crc32(bytes.data(), size - kTrailerBytes) != want)
    return fail("corrupt (checksum mismatch)");
  if (uint64_t reserved = getLE(bytes.data() + 32, 8))
    return fail("corrupt (the reserved header field is " +
                std::to_string(reserved) + ", not 0)");
  return Status::success();
}

Expected<CheckpointContents> mpt::rt::parseCheckpoint(std::string_view bytes,
                                                      const std::string &name) {
  if (Status st = checkContainer(bytes, name); st.failed())
    return st;
  auto corrupt = [&](const std::string &why) {
    return Status::error("checkpoint '" + name + "': corrupt (" + why + ")");
  };
  CheckpointContents c;
  uint32_t count = static_cast<uint32_t>(getLE(bytes.data() + 12, 4));
  c.step = getLE(bytes.data() + 24, 8);
  TensorReader reader(bytes, bytes.size() - kTrailerBytes);
  std::set<std::string> names;
  for (uint32_t i = 0; i < count; ++i) {
    CheckpointTensor t;
    if (std::string why = reader.read(i, t); !why.empty())
      return corrupt(why);
    if (!names.insert(t.name).second)
      return corrupt("a state appears twice: '" + t.name + "'");
    c.tensors.push_back(std::move(t));
  }
  if (reader.left())
    return corrupt(std::to_string(reader.left()) +
                   " bytes after the last tensor");
  if (c.step == std::numeric_limits<uint64_t>::max())
    return corrupt("the step count " + std::to_string(c.step) +
                   " cannot advance");
  return c;
}

SizePromise mpt::rt::checkpointSizePromise() {
  SizePromise p;
  p.headBytes = kHeaderBytes;
  p.promisedSize = [](std::string_view head) -> std::optional<uint64_t> {
    if (head.size() < kHeaderBytes || std::memcmp(head.data(), kMagic, 8))
      return std::nullopt;
    uint64_t version = getLE(head.data() + 8, 4);
    if (version == 0 || version > kCheckpointFormatVersion)
      return std::nullopt;
    return getLE(head.data() + 16, 8);
  };
  return p;
}
