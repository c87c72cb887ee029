//===- ArtifactTest.cpp - The artifact container: writer and reader -------===//

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/FileIO.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace mpt::rt;

namespace {
ArtifactContents sample() {
  ArtifactContents a;
  a.manifest.precision = "bf16";
  a.manifest.options = {{"precision", "bf16"}};
  FunctionSig f;
  f.name = "train_step";
  f.symbol = "mpt_train_step";
  TensorSpec w;
  w.name = "w";
  w.role = Role::Param;
  w.shape = {3};
  w.init = InitSpec::zeros();
  TensorSpec w2 = w;
  w2.name.clear();
  w2.init = {};
  w2.updates = "w";
  f.args = {w};
  f.results = {w2};
  a.manifest.functions = {f};
  a.nativeSharedObject = std::string("\x7f"
                                     "ELF",
                                     4) +
                         std::string(200, 'x');
  a.ptx = ".version 8.0\n.target sm_80\n";
  return a;
}

void putU32(std::string &s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

/// Recomputes the trailer checksum after an edit.
void reseal(std::string &s) {
  putU32(s, s.size() - 8, crc32(s.data(), s.size() - 8));
}

std::string tempDir() {
  char tmpl[] = "/tmp/mpt-artifact-test-XXXXXX";
  return ::mkdtemp(tmpl);
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> out;
  DIR *d = ::opendir(dir.c_str());
  while (dirent *e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
      out.push_back(e->d_name);
  ::closedir(d);
  return out;
}
} // namespace

TEST(ArtifactTest, Crc32IsZlibs) {
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
}

TEST(ArtifactTest, RoundTripsEverySection) {
  ArtifactContents a = sample();
  Expected<std::string> bytes = serializeArtifact(a);
  ASSERT_TRUE(bytes.ok()) << bytes.message();
  EXPECT_EQ(bytes->substr(0, 8), std::string("\x89MPT\r\n\x1a\n", 8));
  EXPECT_EQ(bytes->substr(bytes->size() - 4), "MPTE");
  EXPECT_EQ(bytes->size() % 8, 0u);
  Expected<ArtifactContents> back = parseArtifact(*bytes, "a.mpt");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->nativeSharedObject, a.nativeSharedObject);
  EXPECT_EQ(back->ptx, a.ptx);
  EXPECT_EQ(back->manifest.toJsonText(), a.manifest.toJsonText());
}

TEST(ArtifactTest, EverySingleByteChangeIsDetected) {
  std::string bytes = *serializeArtifact(sample());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x10;
    Expected<ArtifactContents> r = parseArtifact(bad, "a.mpt");
    ASSERT_FALSE(r.ok()) << "a change at byte " << i << " went unnoticed";
    ASSERT_EQ(r.message().rfind("a.mpt: ", 0), 0u) << r.message();
  }
}

TEST(ArtifactTest, EveryTruncationIsDetected) {
  std::string bytes = *serializeArtifact(sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Expected<ArtifactContents> r = parseArtifact(bytes.substr(0, n), "a.mpt");
    ASSERT_FALSE(r.ok()) << n;
    if (n >= 32) {
      ASSERT_EQ(r.message(), "a.mpt: truncated artifact (" + std::to_string(n) +
                                 " of " + std::to_string(bytes.size()) +
                                 " bytes)");
    }
  }
  Expected<ArtifactContents> r = parseArtifact(bytes + "x", "a.mpt");
  EXPECT_EQ(r.message(),
            "a.mpt: corrupt artifact (1 unexpected bytes after the end)");
}

TEST(ArtifactTest, RefusesNewerFormatsBeforeAnythingElse) {
  std::string bytes = *serializeArtifact(sample());
  putU32(bytes, 8, 7);
  // Even with a wrong checksum the version is what the user must hear.
  Expected<ArtifactContents> r = parseArtifact(bytes, "m.mpt");
  EXPECT_EQ(r.message(),
            "m.mpt: artifact format version 7 is newer than this runtime "
            "supports (version 1); use an mpt-run from the same mpt as the "
            "mpt-compile that wrote it");
  EXPECT_EQ(parseArtifact("#!/bin/sh\n", "m.mpt").message(),
            "m.mpt: not an mpt artifact (bad magic; expected a file written by "
            "mpt-compile)");
}

TEST(ArtifactTest, SectionsOfUnknownKinds) {
  std::string bytes = *serializeArtifact(sample());
  // The PTX section (the third entry) becomes kind 99: an error, unless the
  // writer marked it optional.
  size_t entry = 32 + 2 * 32;
  putU32(bytes, entry, 99);
  reseal(bytes);
  EXPECT_EQ(parseArtifact(bytes, "a").message(),
            "a: section kind 99 is not known to this runtime; update mpt");
  putU32(bytes, entry + 4, kSectionOptional);
  reseal(bytes);
  Expected<ArtifactContents> r = parseArtifact(bytes, "a");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->ptx.empty());
  // A section pointing outside the file.
  putU32(bytes, entry + 8, 0x7fffffff);
  reseal(bytes);
  EXPECT_EQ(parseArtifact(bytes, "a").message(),
            "a: corrupt artifact (section 2 lies outside the file)");
}

TEST(ArtifactTest, WriterValidatesFirst) {
  ArtifactContents a = sample();
  a.nativeSharedObject.clear();
  EXPECT_EQ(serializeArtifact(a).message(),
            "a cpu artifact needs the native shared object");
  a = sample();
  a.nativeSharedObject = "not elf";
  EXPECT_EQ(serializeArtifact(a).message(),
            "the native shared object is not an ELF file");
  a = sample();
  a.manifest.functions[0].results[0].updates = "nothing";
  EXPECT_EQ(serializeArtifact(a).message(),
            "invalid signature table: function train_step, result #0: updates "
            "'nothing', but no argument has that name");
}

TEST(ArtifactTest, FilesAreWrittenAtomically) {
  std::string dir = tempDir();
  std::string path = dir + "/model.mpt";
  ASSERT_TRUE(writeArtifactFile(path, sample()).ok());
  Expected<ArtifactContents> r = readArtifactFile(path);
  ASSERT_TRUE(r.ok()) << r.message();
  std::string before = *readFile(path);
  // A failing write (after 100 bytes) keeps the old file, leaves no
  // temporary file, and says so.
  AtomicWriteOptions o;
  o.chunkBytes = 50;
  o.afterChunk = [](uint64_t n) { return n < 100; };
  Status st = writeFileAtomic(path, std::string(1000, 'z'), o);
  EXPECT_EQ(st.message(), "cannot write '" + path +
                              "': write failed after 100 bytes (the previous "
                              "file, if any, is unchanged)");
  EXPECT_EQ(*readFile(path), before);
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"model.mpt"});
  // Errors name the file.
  EXPECT_EQ(readArtifactFile(dir + "/none.mpt").message(),
            "cannot open '" + dir + "/none.mpt': No such file or directory");
  EXPECT_EQ(writeArtifactFile(dir + "/no/such/dir.mpt", sample()).message(),
            "cannot write '" + dir + "/no/such/dir.mpt': directory '" + dir +
                "/no/such': No such file or directory");
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

static mode_t modeOf(const std::string &path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(ArtifactTest, AtomicWritesKeepTheModeAndHonourTheUmask) {
  std::string dir = tempDir();
  std::string path = dir + "/report.json";
  mode_t saved = ::umask(027);
  // A new file: 0666 minus the umask.
  ASSERT_TRUE(writeFileAtomic(path, "one").ok());
  EXPECT_EQ(modeOf(path), 0640u);
  ::umask(022);
  // A file that is replaced keeps its own mode, whatever the umask.
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(writeFileAtomic(path, "two").ok());
  EXPECT_EQ(modeOf(path), 0600u);
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  ASSERT_TRUE(writeFileAtomic(path, "three").ok());
  EXPECT_EQ(modeOf(path), 0444u);
  EXPECT_EQ(*readFile(path), "three");
  ::umask(saved);
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"report.json"});
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(ArtifactTest, AtomicWritesFromManyThreadsNeverTouchTheUmask) {
  // writeFileAtomic used to set the process-wide umask to 0 for a moment; a
  // file another thread created then got mode 0666.
  std::string dir = tempDir();
  mode_t saved = ::umask(077);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        ASSERT_TRUE(writeFileAtomic(dir + "/f" + std::to_string(t), "x").ok());
    });
  for (int i = 0; i < 400; ++i) {
    std::string probe = dir + "/probe";
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    ASSERT_GE(fd, 0);
    ::close(fd);
    ASSERT_EQ(modeOf(probe), 0600u) << "the umask changed under this thread";
    ::unlink(probe.c_str());
  }
  for (std::thread &t : threads)
    t.join();
  ::umask(saved);
  for (const std::string &f : listDir(dir)) {
    EXPECT_EQ(f.find(".tmp-"), std::string::npos) << f;
    ::unlink((dir + "/" + f).c_str());
  }
  ::rmdir(dir.c_str());
}

TEST(ArtifactTest, ReadFileRefusesWhatIsNotARegularFileOrTooLarge) {
  EXPECT_EQ(readFile("/dev/zero").message(),
            "cannot read '/dev/zero': not a regular file");
  std::string dir = tempDir();
  EXPECT_EQ(readFile(dir).message(),
            "cannot read '" + dir + "': it is a directory");
  // A FIFO without a writer would block a reader forever.
  std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(readFile(fifo).message(),
            "cannot read '" + fifo + "': not a regular file");
  std::string path = dir + "/f";
  ASSERT_TRUE(writeFileAtomic(path, std::string(1000, 'a')).ok());
  EXPECT_EQ(readFile(path, 999).message(),
            "cannot read '" + path +
                "': it is 1000 bytes, more than the 999 bytes this reader "
                "accepts");
  EXPECT_EQ(readFile(path, 1000)->size(), 1000u);
  // Files stat() reports as empty (/proc) are capped while reading.
  EXPECT_EQ(readFile("/proc/self/status", 16).message(),
            "cannot read '/proc/self/status': it is more than the 16 bytes "
            "this reader accepts");
  EXPECT_TRUE(readFile("/proc/self/status").ok());
  EXPECT_GT(defaultReadLimit(), uint64_t(1) << 20);
  ::unlink(fifo.c_str());
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

namespace {
uint64_t getU64(const std::string &s, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

void putU64(std::string &s, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
} // namespace

TEST(ArtifactTest, ReservedFieldsFlagsAndPaddingMustBeZero) {
  // Each edit keeps the checksum right (reseal): only the field is wrong.
  const std::string good = *serializeArtifact(sample());
  ASSERT_TRUE(parseArtifact(good, "a").ok());
  size_t native = 32 + 32; // the second table entry: the native code
  struct Case {
    std::function<void(std::string &)> edit;
    std::string message;
  } cases[] = {
      {[](std::string &s) { putU64(s, 24, 1); },
       "a: corrupt artifact (the reserved header field is 1, not 0)"},
      {[&](std::string &s) { putU32(s, native + 4, 2); },
       "a: corrupt artifact (section 1 has unknown flags 2)"},
      {[&](std::string &s) { putU32(s, native + 4, 0x80000001u); },
       "a: corrupt artifact (section 1 has unknown flags 2147483649)"},
      {[&](std::string &s) { putU64(s, native + 24, 7); },
       "a: corrupt artifact (section 1: the reserved field is 7, not 0)"},
      // The native code one byte later: misaligned (and a byte of it would
      // have to come from the padding).
      {[&](std::string &s) {
         putU64(s, native + 8, getU64(s, native + 8) + 1);
       },
       "a: corrupt artifact (section 1 starts at offset " +
           std::to_string(getU64(good, native + 8) + 1) +
           ", not a multiple of 16)"},
      // The native code over the signature table.
      {[&](std::string &s) { putU64(s, native + 8, getU64(s, 32 + 8)); },
       "a: corrupt artifact (sections 1 and 0 overlap)"},
      // Something hidden in the padding after the signature table, and
      // after the native code (204 bytes: 4 bytes of padding).
      {[&](std::string &s) { s[getU64(s, 32 + 8) + getU64(s, 32 + 16)] = 'x'; },
       "a: corrupt artifact (a non-zero byte at offset " +
           std::to_string(getU64(good, 32 + 8) + getU64(good, 32 + 16)) +
           ", outside every section)"},
      {[&](std::string &s) {
         s[getU64(s, native + 8) + getU64(s, native + 16) + 3] = 'x';
       },
       "a: corrupt artifact (a non-zero byte at offset " +
           std::to_string(getU64(good, native + 8) + getU64(good, native + 16) +
                          3) +
           ", outside every section)"},
      // The same known kind twice, even when the first is empty.
      {[&](std::string &s) {
         putU32(s, 32 + 2 * 32, 2); // PTX entry -> native
         putU64(s, native + 16, 0); // first native: empty
         std::fill(s.begin() + getU64(s, native + 8),
                   s.begin() + getU64(s, native + 8) + 204, '\0');
       },
       "a: corrupt artifact (two native code sections)"},
  };
  for (const Case &c : cases) {
    std::string bad = good;
    c.edit(bad);
    reseal(bad);
    EXPECT_EQ(parseArtifact(bad, "a").message(), c.message);
  }
}
