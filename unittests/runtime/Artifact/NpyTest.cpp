//===- NpyTest.cpp - The .npy container shared by runtime and emulator ----===//
//
// libmpt_runtime's data sets and mpt-ptx-emu's buffers are read with the same
// parser: these are its checks of the header and of the data size.
//
//===----------------------------------------------------------------------===//

#include "mpt-tooling/Npy.h"

#include "gtest/gtest.h"

#include <cstdint>

using namespace mpt::rt;

namespace {
/// A version 1.0 file with this header dict (padded as numpy pads it).
std::string file(const std::string &dict, const std::string &data = "") {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  std::string s = "\x93NUMPY\x01";
  s += '\0';
  s += static_cast<char>(h.size() & 0xff);
  s += static_cast<char>(h.size() >> 8);
  return s + h + data;
}

std::string dict(const std::string &descr, const std::string &shape,
                 const std::string &fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }";
}

/// Parses and takes the data with `item`-byte elements; the error message
/// or "ok".
std::string check(const std::string &bytes, size_t item = 4) {
  Expected<NpyHeader> h = parseNpyHeader(bytes, "a.npy");
  if (h.failed())
    return h.message();
  Expected<std::string_view> d = npyData(bytes, *h, item, "a.npy", "the array");
  return d.failed() ? d.message() : "ok";
}
} // namespace

TEST(NpyTest, RoundTripsAndMatchesNumpysLayout) {
  float v[6] = {1, 2, 3, 4, 5, 6};
  std::string data(reinterpret_cast<const char *>(v), sizeof v);
  std::string bytes = serializeNpyFile("<f4", {2, 3}, data);
  // np.save(f, np.arange(1, 7, dtype=np.float32).reshape(2, 3)): a 118-byte
  // header (with room to grow the first axis) and 64-byte alignment.
  EXPECT_EQ(bytes.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(bytes.substr(10, 59),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(bytes.size(), 128u + sizeof v);
  Expected<NpyHeader> h = parseNpyHeader(bytes, "a.npy");
  ASSERT_TRUE(h.ok()) << h.message();
  EXPECT_EQ(h->descr, "<f4");
  EXPECT_EQ(h->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(h->numElements, 6);
  EXPECT_EQ(h->dataOffset, 128u);
  EXPECT_EQ(*npyData(bytes, *h, 4, "a.npy", "x"), data);
  // Scalars and 1-d shapes ("(1,)").
  h = parseNpyHeader(serializeNpyFile("<f4", {}, data.substr(0, 4)), "s");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->shape.empty());
  EXPECT_EQ(h->numElements, 1);
  std::string one = serializeNpyFile("<i8", {1}, std::string(8, '\0'));
  EXPECT_NE(one.find("'shape': (1,), }"), std::string::npos);
  EXPECT_EQ(check(one, 8), "ok");
  // Native order is little-endian here; '<V2' (ml_dtypes bfloat16) parses.
  h = parseNpyHeader(file(dict("=f4", "(1,)"), "abcd"), "a.npy");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->descr, "<f4");
  EXPECT_EQ(check(file(dict("<V2", "(2,)"), "abcd"), 2), "ok");
}

TEST(NpyTest, RefusesBadShapesAndDataOfTheWrongSize) {
  // mpt-ptx-emu's own reader used to accept all of these.
  EXPECT_EQ(check(file(dict("<f4", "(-1,)"))),
            "a.npy: bad .npy header: shape entries must be non-negative "
            "integers");
  EXPECT_EQ(check(file(dict("<f4", "(4294967296, 4294967296)"))),
            "a.npy: bad .npy header: shape (4294967296, 4294967296) has more "
            "elements than fit in 64 bits");
  // Elements fit, bytes do not.
  EXPECT_EQ(check(file(dict("<f4", "(288230376151711744, 8)"))),
            "a.npy: bad .npy header: the array is more than 2^63 bytes");
  EXPECT_EQ(check(file(dict("<f4", "(3,)"), std::string(4, '\0'))),
            "a.npy: truncated .npy data (4 of 12 bytes for the array)");
  EXPECT_EQ(check(file(dict("<f4", "(1,)"), std::string(6, '\0'))),
            "a.npy: corrupt .npy file (2 bytes after the data)");
  EXPECT_EQ(check(file(dict("<f4", "(0, 5)"))), "ok");
  EXPECT_EQ(check(file(dict("<f4", "(1,)", "True"), std::string(4, '\0'))),
            "a.npy: Fortran-order arrays are not supported (save with "
            "np.ascontiguousarray)");
  EXPECT_EQ(check("not numpy at all"), "a.npy: not a .npy file");
  EXPECT_EQ(check(std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12)),
            "a.npy: truncated .npy header");
  EXPECT_EQ(check(std::string("\x93NUMPY\x09\x00\x00\x00", 10)),
            "a.npy: .npy format version 9 is not supported");
  EXPECT_EQ(check(file("{'descr': '<f4', 'shape': (1,), }")),
            "a.npy: bad .npy header: the header lacks descr, fortran_order or "
            "shape");
}

TEST(NpyTest, CheckedSizes) {
  int64_t n, b;
  EXPECT_TRUE(npyCheckedSize({2, 3}, 8, n, b));
  EXPECT_EQ(n, 6);
  EXPECT_EQ(b, 48);
  EXPECT_TRUE(npyCheckedSize({}, 2, n, b));
  EXPECT_EQ(n, 1);
  EXPECT_FALSE(npyCheckedSize({-1}, 1, n, b));
  EXPECT_FALSE(npyCheckedSize({INT64_MAX, 2}, 1, n, b));
  EXPECT_FALSE(npyCheckedSize({INT64_MAX / 2 + 1}, 2, n, b));
  EXPECT_TRUE(npyCheckedSize({INT64_MAX, 0}, 4, n, b));
  EXPECT_EQ(b, 0);
}

TEST(NpyTest, ReservedBytesAndPaddingAreChecked) {
  // numpy itself refuses minor versions other than 0.
  std::string minor = file(dict("<f4", "(1,)"), "abcd");
  minor[7] = 1;
  EXPECT_EQ(check(minor), "a.npy: .npy format version 1.1 is not supported");
  // Text hidden after the dict, inside the header's padding.
  EXPECT_EQ(check(file(dict("<f4", "(1,)") + " hidden", "abcd")),
            "a.npy: bad .npy header: unexpected text after the dict (the "
            "padding holds only spaces and a newline)");
  // A key twice: which shape would count?
  EXPECT_EQ(check(file("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(1,), 'shape': (2,), }",
                       "abcd")),
            "a.npy: bad .npy header: the key 'shape' appears twice");
}
