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

#include "Npy.h"

#include "mpt-runtime/PTXEmu.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace mpt::ptxemu;
namespace npy = mpt::npy;

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
    "                               SHAPE is like 64,64; it starts filled with\n"
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
      die(opt + " expects up to three positive integers like 8,4,1; got '" +
          s + "'");
    *f[i++] = (uint32_t)v;
  }
  if (i == 0)
    die(opt + " expects up to three positive integers like 8,4,1");
  return d;
}

struct Buffer {
  std::string mode; // in, inout, out
  std::string path;
  npy::Array array;
  DevicePtr ptr = 0;
};

struct Arg {
  std::string text;
  KernelArg value;
  int buffer = -1; ///< index into buffers for in/out/inout
};

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

int main(int argc, char **argv) {
  std::string ptxPath, kernelName;
  bool haveGrid = false, haveBlock = false, list = false, check = false,
       quiet = false, zeroOutputs = false;
  Dim3 grid, block;
  uint64_t shared = 0, repeat = 1;
  LaunchOptions opts;
  opts.maxWarpInstructions = 10000000000ull;
  std::vector<std::string> argTexts;

  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc)
        die(a + " needs a value");
      return argv[++i];
    };
    auto eqValue = [&](const std::string &name, std::string &v) {
      if (a.rfind(name + "=", 0) == 0) {
        v = a.substr(name.size() + 1);
        return true;
      }
      if (a == name) {
        v = next();
        return true;
      }
      return false;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (eqValue("--kernel", v)) {
      kernelName = v;
    } else if (eqValue("--grid", v)) {
      grid = parseDim("--grid", v);
      haveGrid = true;
    } else if (eqValue("--block", v)) {
      block = parseDim("--block", v);
      haveBlock = true;
    } else if (eqValue("--shared", v)) {
      if (!parseU64(v, shared))
        die("--shared expects a byte count, got '" + v + "'");
    } else if (eqValue("--arg", v)) {
      argTexts.push_back(v);
    } else if (eqValue("--max-instructions", v)) {
      if (!parseU64(v, opts.maxWarpInstructions))
        die("--max-instructions expects a count, got '" + v + "'");
    } else if (eqValue("--repeat", v)) {
      if (!parseU64(v, repeat) || repeat == 0)
        die("--repeat expects a positive count, got '" + v + "'");
    } else if (a == "--list") {
      list = true;
    } else if (a == "--check") {
      check = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--zero-outputs") {
      zeroOutputs = true;
    } else if (a == "--no-race-check") {
      opts.checkSharedRaces = false;
    } else if (a == "--no-async-check") {
      opts.checkAsyncCopies = false;
    } else if (a == "--allow-exit-divergence") {
      opts.strictAlignedBarriers = false;
    } else if (!a.empty() && a[0] == '-') {
      die("unknown option '" + a + "' (see --help)");
    } else if (ptxPath.empty()) {
      ptxPath = a;
    } else {
      die("more than one PTX file given ('" + ptxPath + "' and '" + a + "')");
    }
  }
  if (ptxPath.empty()) {
    std::fputs(kUsage, stderr);
    return 1;
  }

  std::ifstream in(ptxPath, std::ios::binary);
  if (!in)
    die("cannot open '" + ptxPath + "'");
  std::stringstream text;
  text << in.rdbuf();
  std::string err;
  std::unique_ptr<Module> mod = Module::load(text.str(), err, ptxPath);
  if (!mod)
    die(err);

  if (list || check) {
    if (list)
      for (const KernelInfo &k : mod->kernels()) {
        std::printf("%s (line %u): %zu parameter(s), %u bytes static shared, "
                    "%u bytes local per thread\n",
                    k.name.c_str(), k.line, k.params.size(),
                    k.staticSharedBytes, k.localBytesPerThread);
        for (const ParamInfo &p : k.params)
          std::printf("  %s %s (%u bytes)\n", paramKindName(p.kind),
                      p.name.c_str(), p.size);
      }
    if (check) {
      for (const std::string &u : mod->unsupported())
        std::printf("unsupported: %s\n", u.c_str());
      std::printf("%zu instruction(s), %zu unsupported\n",
                  mod->instructionCount(), mod->unsupported().size());
      return mod->unsupported().empty() ? 0 : 1;
    }
    return 0;
  }

  // Kernel.
  const KernelInfo *k = nullptr;
  if (kernelName.empty()) {
    if (mod->kernels().size() != 1)
      die("--kernel is required: the module has " +
          std::to_string(mod->kernels().size()) + " kernels");
    k = &mod->kernels()[0];
  } else {
    k = mod->findKernel(kernelName);
    if (!k) {
      std::string names;
      for (const KernelInfo &kk : mod->kernels())
        names += " " + kk.name;
      die("no kernel '" + kernelName + "' in '" + ptxPath + "' (kernels:" +
          names + ")");
    }
  }
  if (!haveGrid || !haveBlock)
    die("--grid and --block are required");

  // Arguments, checked against the .param list.
  if (argTexts.size() != k->params.size()) {
    std::string plist;
    for (const ParamInfo &p : k->params)
      plist += std::string(plist.empty() ? "" : ", ") + paramKindName(p.kind) +
               " " + p.name;
    die("kernel '" + k->name + "' takes " + std::to_string(k->params.size()) +
        " parameter(s) (" + plist + "), but " +
        std::to_string(argTexts.size()) + " --arg given");
  }
  Device dev;
  std::vector<Buffer> buffers;
  std::vector<KernelArg> kargs;
  for (size_t i = 0; i < argTexts.size(); ++i) {
    const std::string &t = argTexts[i];
    const ParamInfo &p = k->params[i];
    const std::string where = "argument " + std::to_string(i + 1) + " '" + t +
                              "' for parameter '" + p.name + "' (" +
                              paramKindName(p.kind) + ")";
    std::vector<std::string> parts = split(t, ':');
    const std::string kind = parts[0];
    if (kind == "in" || kind == "inout" || kind == "out" || kind == "null") {
      if (p.size != 8 || isFloatParam(p.kind) ||
          p.kind == ParamKind::Aggregate)
        die(where + ": a buffer needs a 64-bit pointer parameter");
      if (kind == "null") {
        if (parts.size() != 1)
          die(where + ": 'null' takes no value");
        kargs.push_back(KernelArg::ptr(0));
        continue;
      }
      Buffer b;
      b.mode = kind;
      if (parts.size() < 2 || parts[1].empty())
        die(where + ": missing file name");
      b.path = parts[1];
      if (kind == "out") {
        if (parts.size() != 4)
          die(where + ": expected out:FILE.npy:DTYPE:SHAPE");
        b.array.descr = npy::descrOf(parts[2]);
        if (b.array.descr.empty())
          die(where + ": unknown dtype '" + parts[2] +
              "' (f16 bf16 f32 f64 i8 u8 i16 u16 i32 u32 i64 u64 bool)");
        for (const std::string &s : split(parts[3], ',')) {
          uint64_t v;
          if (!parseU64(s, v))
            die(where + ": bad shape '" + parts[3] + "' (like 64,64)");
          b.array.shape.push_back(v);
        }
        b.array.data.assign(b.array.count() * b.array.itemSize(),
                            zeroOutputs ? 0 : 0xff);
      } else {
        if (parts.size() != 2)
          die(where + ": expected " + kind + ":FILE.npy");
        if (!npy::read(b.path, b.array, err))
          die(where + ": " + err);
      }
      b.ptr = dev.alloc(b.array.data.size());
      if (!dev.memcpyHtoD(b.ptr, b.array.data.data(), b.array.data.size(),
                          err))
        die(err);
      kargs.push_back(KernelArg::ptr(b.ptr));
      buffers.push_back(std::move(b));
      continue;
    }
    if (parts.size() != 2)
      die(where + ": expected TYPE:VALUE, in:, inout:, out: or null");
    KernelArg a = parseScalar(kind, parts[1], t);
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
    kargs.push_back(std::move(a));
  }

  LaunchResult r;
  double seconds = 0;
  for (uint64_t rep = 0; rep < repeat; ++rep) {
    r = dev.launch(*mod, k->name, grid, block, shared, kargs, opts);
    seconds += r.stats.seconds;
    if (!r.ok)
      die(r.error);
  }
  for (Buffer &b : buffers) {
    if (b.mode == "in")
      continue;
    if (!dev.memcpyDtoH(b.array.data.data(), b.ptr, b.array.data.size(), err))
      die(err);
    if (!npy::write(b.path, b.array, err))
      die(err);
  }
  if (!quiet) {
    const LaunchStats &s = r.stats;
    std::printf("mpt-ptx-emu: %s: grid (%u,%u,%u) block (%u,%u,%u): "
                "%" PRIu64 " thread instructions, %" PRIu64
                " warp instructions (%" PRIu64 " mma.sync), %.6f s",
                k->name.c_str(), grid.x, grid.y, grid.z, block.x, block.y,
                block.z, s.threadInstructions, s.warpInstructions,
                s.mmaInstructions, seconds / (double)repeat);
    if (seconds > 0)
      std::printf(", %.1f M thread instructions/s",
                  (double)s.threadInstructions * (double)repeat / seconds /
                      1e6);
    std::printf("\n");
  }
  return 0;
}
