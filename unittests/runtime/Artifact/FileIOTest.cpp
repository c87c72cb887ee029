//===- FileIOTest.cpp - Atomic writes never replace what is not a file ----===//
//
// writeFileAtomic renames a temporary file over regular files only: a
// device node or a FIFO is written in place and stays what it was. Every
// node here is private, made under a temporary directory (never the real
// /dev/null or /dev/stdout).
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/FileIO.h"

#include "gtest/gtest.h"

#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <future>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mpt::rt;

namespace {
/// A fresh directory, removed with its entries when the object dies.
class Scratch {
public:
  Scratch() {
    char tmpl[] = "/tmp/mpt-fileio-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~Scratch() {
    for (const std::string &f : entries())
      ::unlink((dir_ + "/" + f).c_str());
    ::rmdir(dir_.c_str());
  }
  std::string operator/(const std::string &name) const {
    return dir_ + "/" + name;
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    DIR *d = ::opendir(dir_.c_str());
    while (dirent *e = ::readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
        out.push_back(e->d_name);
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  std::string dir_;
};

mode_t typeOf(const std::string &path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & S_IFMT;
}

/// Reads the FIFO `path` to its end on another thread.
std::future<std::string> readerOf(const std::string &path) {
  return std::async(std::launch::async, [path] {
    std::string out;
    int fd = ::open(path.c_str(), O_RDONLY);
    char buf[4096];
    ssize_t n;
    while (fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0)
      out.append(buf, static_cast<size_t>(n));
    if (fd >= 0)
      ::close(fd);
    return out;
  });
}
} // namespace

TEST(FileIOTest, AFifoIsWrittenThroughAndStaysAFifo) {
  Scratch dir;
  std::string fifo = dir / "report.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::future<std::string> got = readerOf(fifo);
  // The reader may not have opened its end yet: retry until it has.
  Status st = Status::error("never tried");
  for (int i = 0; i < 500 && st.failed(); ++i) {
    st = writeFileAtomic(fifo, "{\"loss\": 1}\n");
    if (st.failed())
      ::usleep(2000);
  }
  ASSERT_TRUE(st.ok()) << st.message();
  if (got.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    // Nothing was written into the FIFO: release the reader and fail.
    ::close(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK));
    ADD_FAILURE() << "the FIFO was never written";
  }
  EXPECT_EQ(got.get(), "{\"loss\": 1}\n");
  EXPECT_EQ(typeOf(fifo), static_cast<mode_t>(S_IFIFO));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"report.json"});
}

TEST(FileIOTest, AFifoNobodyReadsIsAnErrorNotAHang) {
  Scratch dir;
  std::string fifo = dir / "out";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(checkWritableDestination(fifo).ok());
  EXPECT_EQ(writeFileAtomic(fifo, "data").message(),
            "cannot write '" + fifo + "': no process is reading from it");
  EXPECT_EQ(typeOf(fifo), static_cast<mode_t>(S_IFIFO));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out"});
}

TEST(FileIOTest, DeviceNodesAreWrittenInPlaceOrRefused) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "making device nodes needs root";
  Scratch dir;
  // A private node of the null device: written through, still a node.
  std::string null = dir / "null";
  ASSERT_EQ(::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  ASSERT_TRUE(checkWritableDestination(null).ok());
  Status st = writeFileAtomic(null, std::string(3 << 20, 'x'));
  ASSERT_TRUE(st.ok()) << st.message();
  struct stat s;
  ASSERT_EQ(::lstat(null.c_str(), &s), 0);
  EXPECT_TRUE(S_ISCHR(s.st_mode));
  EXPECT_EQ(s.st_rdev, makedev(1, 3));
  // A block device is a disk: refused before anything is opened. (Major
  // 240 is reserved for local use; nothing is behind this node.)
  std::string disk = dir / "disk";
  ASSERT_EQ(::mknod(disk.c_str(), S_IFBLK | 0600, makedev(240, 0)), 0);
  std::string why = "cannot write '" + disk +
                    "': it is a block device (mpt writes files, not disks)";
  EXPECT_EQ(checkWritableDestination(disk).message(), why);
  EXPECT_EQ(writeFileAtomic(disk, "data").message(), why);
  EXPECT_EQ(typeOf(disk), static_cast<mode_t>(S_IFBLK));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"disk", "null"}));
}

TEST(FileIOTest, ASymbolicLinkStaysALinkAndItsFileIsReplaced) {
  Scratch dir;
  std::string file = dir / "real.json", link = dir / "link.json";
  ASSERT_TRUE(writeFileAtomic(file, "old").ok());
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  ASSERT_EQ(::symlink("real.json", link.c_str()), 0);
  ASSERT_TRUE(writeFileAtomic(link, "new").ok());
  EXPECT_EQ(typeOf(link), static_cast<mode_t>(S_IFLNK));
  EXPECT_EQ(*readFile(file), "new");
  struct stat st;
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // A link to nothing is refused, not replaced by a file.
  std::string dangling = dir / "dangling";
  ASSERT_EQ(::symlink("missing/file", dangling.c_str()), 0);
  EXPECT_EQ(writeFileAtomic(dangling, "x").message(),
            "cannot write '" + dangling +
                "': it is a symbolic link to a file that does not exist");
  EXPECT_EQ(typeOf(dangling), static_cast<mode_t>(S_IFLNK));
  EXPECT_EQ(dir.entries(),
            (std::vector<std::string>{"dangling", "link.json", "real.json"}));
}

TEST(FileIOTest, StandardOutputRedirectedToAFileIsWrittenToTheStream) {
  // In a child whose stdout is a private file, a private link to
  // /proc/self/fd/1 (what /dev/stdout is) names stdout: the report is
  // appended to the stream (after what was printed before), the file is not
  // replaced (so nothing printed later is lost) and the link stays.
  Scratch dir;
  std::string out = dir / "stdout.txt", link = dir / "stdout";
  ASSERT_EQ(::symlink("/proc/self/fd/1", link.c_str()), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0)
      ::_exit(2);
    std::printf("before\n");
    Status st = writeFileAtomic(link, "report\n");
    std::printf("after\n");
    std::fflush(stdout);
    ::_exit(st.ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(*readFile(out), "before\nreport\nafter\n");
  EXPECT_EQ(typeOf(link), static_cast<mode_t>(S_IFLNK));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"stdout", "stdout.txt"}));
}
