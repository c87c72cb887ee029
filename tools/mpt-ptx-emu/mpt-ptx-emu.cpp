//===- mpt-ptx-emu.cpp - Run one PTX kernel on the CPU emulator -----------===//
//
//   mpt-ptx-emu kernel.ptx --kernel NAME --grid X,Y,Z --block X,Y,Z
//       [--shared BYTES] --arg in:a.npy --arg out:c.npy:f32:64,64
//       --arg i32:128 ...
//
// Buffers come from and go to .npy files; scalars are given by type. The
// argument list is checked against the kernel's .param list first; any
// problem is one error message and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/PTXEmu.h"
#include "mpt-tooling/Npy.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>
#include <string>
#include <vector>

using namespace mpt::ptxemu;

namespace {

const char *kUsage =
    "usage: mpt-ptx-emu KERNEL.ptx [--kernel NAME] --grid X[,Y[,Z]]\n"
    "                  --block X[,Y[,Z]] [--shared BYTES] [--arg ARG]...\n"
    "\n"
    "Runs one kernel of a PTX module on the functional PTX emulator.\n"
    "\n"
    "ARG, one per kernel parameter, in order:\n"
    "  in:FILE.npy                  device buffer initialised from FILE\n"
    "  inout:FILE.npy               same, written back to FILE afterwards\n"
    "  out:FILE.npy:DTYPE:SHAPE     device buffer written to FILE afterwards;\n"
    "                               SHAPE is like 64,64; it starts filled "
    "with\n"
    "                               0xFF bytes (NaN) unless --zero-outputs\n"
    "  null                         a null pointer\n"
    "  i8|u8|i16|u16|i32|u32|i64|u64|f16|bf16|f32|f64:VALUE   a scalar\n"
    "DTYPE: f16 bf16 f32 f64 i8 u8 i16 u16 i32 u32 i64 u64 bool (bf16 is\n"
    "stored as '<u2': view it with ml_dtypes.bfloat16).\n"
    "\n"
    "Options:\n"
    "  --list                 list the kernels and their parameters\n"
    "  --check                list instructions the emulator does not\n"
    "                         support; exit 1 if there are any\n"
    "  --max-instructions N   stop after N warp instructions (default 1e10)\n"
    "  --zero-outputs         out: buffers start zeroed\n"
    "  --no-race-check        do not check shared-memory races\n"
    "  --no-async-check       do not check reads of in-flight cp.async data\n"
    "  --allow-exit-divergence  let bar.sync complete when threads exited\n"
    "  --repeat N             launch N times (timing)\n"
    "  --quiet                print nothing on success\n";

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "mpt-ptx-emu: error: %s\n", msg.c_str());
  std::exit(1);
}

bool parseU64(const std::string &s, uint64_t &v) {
  if (s.empty())
    return false;
  char *end;
  errno = 0;
  v = std::strtoull(s.c_str(), &end, 0);
  return !*end && errno == 0 && s[0] != '-';
}

Dim3 parseDim(const std::string &opt, const std::string &s) {
  Dim3 d;
  uint32_t *f[3] = {&d.x, &d.y, &d.z};
  std::stringstream ss(s);
  std::string item;
  int i = 0;
  while (std::getline(ss, item, ',')) {
    uint64_t v;
    if (i >= 3 || !parseU64(item, v) || v == 0 || v > 0xffffffffu)
      die(opt + " expects up to three positive integers like 8,4,1; got '" + s +
          "'");
    *f[i++] = (uint32_t)v;
  }
  if (i == 0)
    die(opt + " expects up to three positive integers like 8,4,1");
  return d;
}

/// The .npy dtypes buffers may have, by the emulator's names. The container
/// (header, shape, data size) is the tooling library's (mpt-tooling/Npy.h).
const struct {
  const char *name;
  const char *descr;
} kDtypes[] = {
    {"f16", "<f2"},  {"bf16", "<u2"}, {"f32", "<f4"}, {"f64", "<f8"},
    {"i8", "|i1"},   {"u8", "|u1"},   {"i16", "<i2"}, {"u16", "<u2"},
    {"i32", "<i4"},  {"u32", "<u4"},  {"i64", "<i8"}, {"u64", "<u8"},
    {"bool", "|b1"},
};

std::string descrOf(const std::string &dtype) {
  for (const auto &d : kDtypes)
    if (dtype == d.name)
      return d.descr;
  return "";
}

/// The item size of a little-endian (or 1-byte) numeric descr, or of '<V2'
/// (what np.save writes for ml_dtypes.bfloat16); 0 if not supported.
size_t itemSizeOf(const std::string &descr) {
  static const char *kAccepted[] = {"<f2", "<f4", "<f8", "|i1", "|u1",
                                    "<i2", "<u2", "<i4", "<u4", "<i8",
                                    "<u8", "|b1", "<V2", "|V2"};
  for (const char *d : kAccepted)
    if (descr == d)
      return static_cast<size_t>(descr[2] - '0');
  return 0;
}

struct Buffer {
  std::string mode; // in, inout, out
  std::string path;
  std::string descr;
  std::vector<int64_t> shape;
  std::string data; ///< C-order little-endian bytes
  DevicePtr ptr = 0;
};

/// Reads an in/inout buffer; any problem is an error naming the file.
mpt::rt::Status readBuffer(Buffer &b) {
  mpt::rt::Expected<std::string> bytes =
      mpt::rt::readFile(b.path, mpt::rt::npySizePromise());
  if (bytes.failed())
    return bytes.status();
  mpt::rt::Expected<mpt::rt::NpyHeader> h =
      mpt::rt::parseNpyHeader(*bytes, b.path);
  if (h.failed())
    return h.status();
  size_t item = itemSizeOf(h->descr);
  if (!item)
    return mpt::rt::Status::error(
        b.path + ": dtype '" + h->descr +
        "' is not supported (little-endian f2 f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 "
        "b1 or V2)");
  mpt::rt::Expected<std::string_view> data =
      mpt::rt::npyData(*bytes, *h, item, b.path, "dtype '" + h->descr + "'");
  if (data.failed())
    return data.status();
  b.descr = h->descr;
  b.shape = h->shape;
  b.data.assign(*data);
  return mpt::rt::Status::success();
}

bool isFloatParam(ParamKind k) {
  return k == ParamKind::F16 || k == ParamKind::BF16 || k == ParamKind::F32 ||
         k == ParamKind::F64;
}

/// Parses a scalar ARG "type:value" into bytes; returns the class
/// ('i' integer, 'f' float) and size.
KernelArg parseScalar(const std::string &type, const std::string &val,
                      const std::string &whole) {
  auto bad = [&]() -> KernelArg {
    die("argument '" + whole + "': '" + val + "' is not a valid " + type);
  };
  if (type == "f32" || type == "f64" || type == "f16" || type == "bf16") {
    char *end;
    errno = 0;
    double d = std::strtod(val.c_str(), &end);
    if (val.empty() || *end)
      bad();
    if (type == "f32")
      return KernelArg::f32((float)d);
    if (type == "f64")
      return KernelArg::f64(d);
    uint16_t h = type == "f16" ? doubleToHalf(d) : doubleToBFloat16(d);
    KernelArg a = KernelArg::raw(&h, 2);
    a.kind = KernelArg::Kind::Float;
    return a;
  }
  const bool sgn = type[0] == 'i';
  const unsigned bits = (unsigned)std::atoi(type.c_str() + 1);
  if ((type[0] != 'i' && type[0] != 'u') ||
      (bits != 8 && bits != 16 && bits != 32 && bits != 64))
    die("argument '" + whole + "': unknown argument kind '" + type +
        "' (in, inout, out, null, i8..i64, u8..u64, f16, bf16, f32, f64)");
  char *end;
  errno = 0;
  uint64_t bitsVal;
  if (sgn) {
    long long v = std::strtoll(val.c_str(), &end, 0);
    if (val.empty() || *end || errno)
      bad();
    if (bits < 64 && (v < -(1LL << (bits - 1)) || v >= (1LL << (bits - 1))))
      die("argument '" + whole + "': " + val + " does not fit in " + type);
    bitsVal = (uint64_t)v;
  } else {
    if (!val.empty() && val[0] == '-')
      bad();
    unsigned long long v = std::strtoull(val.c_str(), &end, 0);
    if (val.empty() || *end || errno)
      bad();
    if (bits < 64 && v >= (1ULL << bits))
      die("argument '" + whole + "': " + val + " does not fit in " + type);
    bitsVal = v;
  }
  KernelArg a = KernelArg::raw(&bitsVal, bits / 8);
  a.kind = KernelArg::Kind::Int;
  return a;
}

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

} // namespace

namespace {

/// The command line.
struct EmuOptions {
  std::string ptxPath, kernelName;
  bool haveGrid = false, haveBlock = false, list = false, check = false,
       quiet = false, zeroOutputs = false;
  Dim3 grid, block;
  uint64_t shared = 0, repeat = 1;
  LaunchOptions launch;
  std::vector<std::string> argTexts;
};

/// The options without a value; false if `a` is none of them.
bool flagOption(const std::string &a, EmuOptions &o) {
  if (a == "-h" || a == "--help") {
    std::fputs(kUsage, stdout);
    std::exit(0);
  }
  if (a == "--list")
    o.list = true;
  else if (a == "--check")
    o.check = true;
  else if (a == "--quiet")
    o.quiet = true;
  else if (a == "--zero-outputs")
    o.zeroOutputs = true;
  else if (a == "--no-race-check")
    o.launch.checkSharedRaces = false;
  else if (a == "--no-async-check")
    o.launch.checkAsyncCopies = false;
  else if (a == "--allow-exit-divergence")
    o.launch.strictAlignedBarriers = false;
  else
    return false;
  return true;
}

/// Option `name` with value `v`; false if `name` takes no value.
bool valueOption(const std::string &name, const std::string &v, EmuOptions &o) {
  if (name == "--kernel") {
    o.kernelName = v;
  } else if (name == "--grid") {
    o.grid = parseDim("--grid", v);
    o.haveGrid = true;
  } else if (name == "--block") {
    o.block = parseDim("--block", v);
    o.haveBlock = true;
  } else if (name == "--shared") {
    if (!parseU64(v, o.shared))
      die("--shared expects a byte count, got '" + v + "'");
  } else if (name == "--arg") {
    o.argTexts.push_back(v);
  } else if (name == "--max-instructions") {
    if (!parseU64(v, o.launch.maxWarpInstructions))
      die("--max-instructions expects a count, got '" + v + "'");
  } else if (name == "--repeat") {
    if (!parseU64(v, o.repeat) || o.repeat == 0)
      die("--repeat expects a positive count, got '" + v + "'");
  } else {
    return false;
  }
  return true;
}

EmuOptions parseOptions(int argc, char **argv) {
  EmuOptions o;
  o.launch.maxWarpInstructions = 10000000000ull;
  static const char *kWithValue[] = {"--kernel", "--grid", "--block",
                                     "--shared", "--arg",  "--max-instructions",
                                     "--repeat"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (flagOption(a, o))
      continue;
    size_t eq = a.find('=');
    std::string name = a.substr(0, eq);
    bool takesValue = false;
    for (const char *k : kWithValue)
      takesValue |= name == k;
    if (takesValue) {
      if (eq == std::string::npos && i + 1 >= argc)
        die(a + " needs a value");
      valueOption(name, eq == std::string::npos ? argv[++i] : a.substr(eq + 1),
                  o);
    } else if (!a.empty() && a[0] == '-') {
      die("unknown option '" + a + "' (see --help)");
    } else if (o.ptxPath.empty()) {
      o.ptxPath = a;
    } else {
      die("more than one PTX file given ('" + o.ptxPath + "' and '" + a + "')");
    }
  }
  if (o.ptxPath.empty()) {
    std::fputs(kUsage, stderr);
    std::exit(1);
  }
  return o;
}

/// --list and --check; the exit status.
int listOrCheck(const Module &mod, const EmuOptions &o) {
  if (o.list)
    for (const KernelInfo &k : mod.kernels()) {
      std::printf("%s (line %u): %zu parameter(s), %u bytes static shared, "
                  "%u bytes local per thread\n",
                  k.name.c_str(), k.line, k.params.size(), k.staticSharedBytes,
                  k.localBytesPerThread);
      for (const ParamInfo &p : k.params)
        std::printf("  %s %s (%u bytes)\n", paramKindName(p.kind),
                    p.name.c_str(), p.size);
    }
  if (!o.check)
    return 0;
  for (const std::string &u : mod.unsupported())
    std::printf("unsupported: %s\n", u.c_str());
  std::printf("%zu instruction(s), %zu unsupported\n", mod.instructionCount(),
              mod.unsupported().size());
  return mod.unsupported().empty() ? 0 : 1;
}

/// --kernel, or the module's only kernel.
const KernelInfo &pickKernel(const Module &mod, const EmuOptions &o) {
  if (o.kernelName.empty()) {
    if (mod.kernels().size() != 1)
      die("--kernel is required: the module has " +
          std::to_string(mod.kernels().size()) + " kernels");
    return mod.kernels()[0];
  }
  if (const KernelInfo *k = mod.findKernel(o.kernelName))
    return *k;
  std::string names;
  for (const KernelInfo &kk : mod.kernels())
    names += " " + kk.name;
  die("no kernel '" + o.kernelName + "' in '" + o.ptxPath +
      "' (kernels:" + names + ")");
}

/// The buffer of an `in:`, `inout:` or `out:` argument (`parts` split at
/// ':'), in host memory.
Buffer hostBuffer(const std::vector<std::string> &parts, const EmuOptions &o,
                  const std::string &where) {
  Buffer b;
  b.mode = parts[0];
  if (parts.size() < 2 || parts[1].empty())
    die(where + ": missing file name");
  b.path = parts[1];
  if (b.mode != "out") {
    if (parts.size() != 2)
      die(where + ": expected " + b.mode + ":FILE.npy");
    if (mpt::rt::Status st = readBuffer(b); st.failed())
      die(where + ": " + st.message());
    return b;
  }
  if (parts.size() != 4)
    die(where + ": expected out:FILE.npy:DTYPE:SHAPE");
  b.descr = descrOf(parts[2]);
  if (b.descr.empty())
    die(where + ": unknown dtype '" + parts[2] +
        "' (f16 bf16 f32 f64 i8 u8 i16 u16 i32 u32 i64 u64 bool)");
  for (const std::string &s : split(parts[3], ',')) {
    uint64_t v;
    if (!parseU64(s, v) || v > static_cast<uint64_t>(INT64_MAX))
      die(where + ": bad shape '" + parts[3] + "' (like 64,64)");
    b.shape.push_back(static_cast<int64_t>(v));
  }
  int64_t elements, bytes;
  if (!mpt::rt::npyCheckedSize(b.shape, itemSizeOf(b.descr), elements, bytes))
    die(where + ": shape '" + parts[3] + "' is more than 2^63 bytes");
  try {
    b.data.assign(static_cast<size_t>(bytes),
                  static_cast<char>(o.zeroOutputs ? 0 : 0xff));
  } catch (const std::bad_alloc &) {
    die(where + ": out of host memory for " + std::to_string(bytes) + " bytes");
  }
  return b;
}

/// A scalar argument `TYPE:VALUE` for parameter `p`.
KernelArg scalarArg(const std::vector<std::string> &parts, const ParamInfo &p,
                    const std::string &text, const std::string &where) {
  if (parts.size() != 2)
    die(where + ": expected TYPE:VALUE, in:, inout:, out: or null");
  const std::string &kind = parts[0];
  KernelArg a = parseScalar(kind, parts[1], text);
  if (a.bytes.size() != p.size || p.kind == ParamKind::Aggregate)
    die(where + ": a " + std::to_string(a.bytes.size()) +
        "-byte scalar does not fit a " + std::to_string(p.size) +
        "-byte parameter");
  const bool isF = kind[0] == 'f' || kind == "bf16";
  if (isF && !(isFloatParam(p.kind) || p.kind == ParamKind::B16 ||
               p.kind == ParamKind::B32 || p.kind == ParamKind::B64))
    die(where + ": a floating-point value for an integer parameter");
  if (!isF && isFloatParam(p.kind))
    die(where + ": an integer value for a floating-point parameter");
  return a;
}

/// The kernel's arguments from --arg, checked against its .param list;
/// buffers are copied to the emulated device.
std::vector<KernelArg> kernelArgs(const KernelInfo &k, const EmuOptions &o,
                                  Device &dev, std::vector<Buffer> &buffers) {
  if (o.argTexts.size() != k.params.size()) {
    std::string plist;
    for (const ParamInfo &p : k.params)
      plist += std::string(plist.empty() ? "" : ", ") + paramKindName(p.kind) +
               " " + p.name;
    die("kernel '" + k.name + "' takes " + std::to_string(k.params.size()) +
        " parameter(s) (" + plist + "), but " +
        std::to_string(o.argTexts.size()) + " --arg given");
  }
  std::vector<KernelArg> kargs;
  std::string err;
  for (size_t i = 0; i < o.argTexts.size(); ++i) {
    const std::string &t = o.argTexts[i];
    const ParamInfo &p = k.params[i];
    const std::string where = "argument " + std::to_string(i + 1) + " '" + t +
                              "' for parameter '" + p.name + "' (" +
                              paramKindName(p.kind) + ")";
    std::vector<std::string> parts = split(t, ':');
    const std::string &kind = parts[0];
    if (kind != "in" && kind != "inout" && kind != "out" && kind != "null") {
      kargs.push_back(scalarArg(parts, p, t, where));
      continue;
    }
    if (p.size != 8 || isFloatParam(p.kind) || p.kind == ParamKind::Aggregate)
      die(where + ": a buffer needs a 64-bit pointer parameter");
    if (kind == "null") {
      if (parts.size() != 1)
        die(where + ": 'null' takes no value");
      kargs.push_back(KernelArg::ptr(0));
      continue;
    }
    Buffer b = hostBuffer(parts, o, where);
    b.ptr = dev.alloc(b.data.size());
    if (!b.ptr)
      die(where + ": cannot allocate " + std::to_string(b.data.size()) +
          " bytes of emulated device memory");
    if (!dev.memcpyHtoD(b.ptr, b.data.data(), b.data.size(), err))
      die(err);
    kargs.push_back(KernelArg::ptr(b.ptr));
    buffers.push_back(std::move(b));
  }
  return kargs;
}

/// The inout: and out: buffers back to their files.
void writeBack(Device &dev, std::vector<Buffer> &buffers) {
  std::string err;
  for (Buffer &b : buffers) {
    if (b.mode == "in")
      continue;
    if (!dev.memcpyDtoH(b.data.data(), b.ptr, b.data.size(), err))
      die(err);
    // Atomically: a crash or a full disk leaves an inout file as it was.
    if (mpt::rt::Status st = mpt::rt::writeFileAtomic(
            b.path, mpt::rt::serializeNpyFile(b.descr, b.shape, b.data));
        st.failed())
      die(st.message());
  }
}

void printStats(const KernelInfo &k, const EmuOptions &o, const LaunchStats &s,
                double seconds) {
  std::printf("mpt-ptx-emu: %s: grid (%u,%u,%u) block (%u,%u,%u): "
              "%" PRIu64 " thread instructions, %" PRIu64
              " warp instructions (%" PRIu64 " mma.sync), %.6f s",
              k.name.c_str(), o.grid.x, o.grid.y, o.grid.z, o.block.x,
              o.block.y, o.block.z, s.threadInstructions, s.warpInstructions,
              s.mmaInstructions, seconds / (double)o.repeat);
  if (seconds > 0)
    std::printf(", %.1f M thread instructions/s", (double)s.threadInstructions *
                                                      (double)o.repeat /
                                                      seconds / 1e6);
  std::printf("\n");
}

} // namespace

static int run(int argc, char **argv) {
  EmuOptions o = parseOptions(argc, argv);
  mpt::rt::Expected<std::string> text = mpt::rt::readFile(o.ptxPath);
  if (text.failed())
    die(text.message());
  std::string err;
  std::unique_ptr<Module> mod = Module::load(*text, err, o.ptxPath);
  if (!mod)
    die(err);
  if (o.list || o.check)
    return listOrCheck(*mod, o);
  const KernelInfo &k = pickKernel(*mod, o);
  if (!o.haveGrid || !o.haveBlock)
    die("--grid and --block are required");

  Device dev;
  std::vector<Buffer> buffers;
  std::vector<KernelArg> kargs = kernelArgs(k, o, dev, buffers);
  LaunchResult r;
  double seconds = 0;
  for (uint64_t rep = 0; rep < o.repeat; ++rep) {
    r = dev.launch(*mod, k.name, o.grid, o.block, o.shared, kargs, o.launch);
    seconds += r.stats.seconds;
    if (!r.ok)
      die(r.error);
  }
  writeBack(dev, buffers);
  if (!o.quiet)
    printStats(k, o, r.stats, seconds);
  return 0;
}

int main(int argc, char **argv) {
  // Nothing should run out of memory unnoticed: one error line, status 1.
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc &) {
    die("out of host memory");
  }
}
