//===- mpt-artifact.cpp - Inspect, pack and unpack mpt artifacts ----------===//
//
//   mpt-artifact info model.mpt              the signature table, readable
//   mpt-artifact signature model.mpt         the signature table as JSON
//   mpt-artifact plan model.mpt              the launch plan (cuda) as JSON
//   mpt-artifact extract model.mpt --native out.so [--ptx out.ptx]
//   mpt-artifact pack --signature sig.json --native step.so [--ptx k.ptx]
//                     [--plan plan.json] [--constants data.bin] -o model.mpt
//   mpt-artifact abi-source sig.json [-o abi.c]
//
// `pack` wraps code from another code generator (or a hand-written C step
// for tests) into an artifact with the same writer mpt-compile uses. The
// runtime runs native code only with the table it was compiled for: such
// code compiles in the `mpt_abi` record `abi-source` writes for its table
// (mpt-runtime/NativeAbi.h).
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/NativeAbi.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mpt::rt;

static const char *kUsage = R"(usage:
  mpt-artifact info MODEL.mpt
  mpt-artifact signature MODEL.mpt
  mpt-artifact plan MODEL.mpt
  mpt-artifact extract MODEL.mpt [--native OUT.so] [--ptx OUT.ptx]
  mpt-artifact pack --signature SIG.json [--native STEP.so] [--ptx K.ptx]
                    [--plan PLAN.json] [--constants DATA.bin] -o MODEL.mpt
  mpt-artifact abi-source SIG.json [-o ABI.c]
)";

[[noreturn]] static void die(const std::string &msg, int code = 1) {
  std::fprintf(stderr, "mpt-artifact: error: %s\n", msg.c_str());
  std::exit(code);
}

template <typename T> static T orDie(Expected<T> e) {
  if (e.failed())
    die(e.message());
  return e.take();
}

static void orDie(const Status &st) {
  if (st.failed())
    die(st.message());
}

static std::string initText(const InitSpec &i) {
  switch (i.dist) {
  case InitSpec::Dist::None:
    return "";
  case InitSpec::Dist::Zeros:
    return "zeros";
  case InitSpec::Dist::Constant:
    return "constant " + formatDouble(i.value);
  case InitSpec::Dist::Uniform:
    return "uniform [" + formatDouble(i.low) + ", " + formatDouble(i.high) +
           ") seed " + std::to_string(i.seed);
  case InitSpec::Dist::CastOf:
    return "cast_of " + i.source;
  }
  return "";
}

namespace {
/// The command line: a command, an artifact and the files of the options.
struct Args {
  std::string cmd, input, signature, native, ptx, output, plan, constants;
};

Args parseArgs(const std::vector<std::string> &args) {
  Args a;
  a.cmd = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &arg = args[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= args.size())
        die("option " + arg + " needs a value", 2);
      out = args[++i];
    };
    if (arg == "--signature")
      value(a.signature);
    else if (arg == "--native")
      value(a.native);
    else if (arg == "--ptx")
      value(a.ptx);
    else if (arg == "--plan")
      value(a.plan);
    else if (arg == "--constants")
      value(a.constants);
    else if (arg == "-o")
      value(a.output);
    else if (!arg.empty() && arg[0] != '-' && a.input.empty())
      a.input = arg;
    else
      die("unexpected argument '" + arg + "'\n" + kUsage, 2);
  }
  return a;
}

Manifest readSignature(const std::string &path) {
  std::string json = orDie(readFile(path));
  Expected<Manifest> m = Manifest::fromJsonText(json);
  if (m.failed())
    die(path + ": " + m.message());
  return m.take();
}

int pack(const Args &a) {
  if (a.signature.empty() || a.output.empty())
    die("pack needs --signature and -o", 2);
  ArtifactContents c;
  c.manifest = readSignature(a.signature);
  if (!a.native.empty())
    c.nativeSharedObject = orDie(readFile(a.native));
  if (!a.ptx.empty())
    c.ptx = orDie(readFile(a.ptx));
  if (!a.plan.empty()) {
    Expected<LaunchPlan> p = LaunchPlan::fromJsonText(orDie(readFile(a.plan)));
    if (p.failed())
      die(a.plan + ": " + p.message());
    c.launchPlan = p.take();
  }
  if (!a.constants.empty())
    c.deviceConstants = orDie(readFile(a.constants));
  orDie(writeArtifactFile(a.output, c));
  return 0;
}

/// The C source of the `mpt_abi` record for a signature table: what a
/// hand-written step compiles in so that the runtime accepts it.
int abiSource(const Args &a) {
  std::string sig = a.signature.empty() ? a.input : a.signature;
  if (sig.empty())
    die("abi-source needs a signature table (SIG.json)", 2);
  std::string source = nativeAbiSource(readSignature(sig));
  if (a.output.empty())
    std::fputs(source.c_str(), stdout);
  else
    orDie(writeFileAtomic(a.output, source));
  return 0;
}

int extract(const Args &a, const ArtifactContents &c) {
  if (a.native.empty() && a.ptx.empty())
    die("extract needs --native and/or --ptx", 2);
  if (!a.native.empty()) {
    if (c.nativeSharedObject.empty())
      die(a.input + " has no native code");
    orDie(writeFileAtomic(a.native, c.nativeSharedObject));
  }
  if (!a.ptx.empty()) {
    if (c.ptx.empty())
      die(a.input + " has no PTX");
    orDie(writeFileAtomic(a.ptx, c.ptx));
  }
  return 0;
}

int info(const Args &a, const ArtifactContents &c) {
  const Manifest &m = c.manifest;
  std::printf("%s: mpt artifact format %u, target %s, precision %s\n",
              a.input.c_str(), kArtifactFormatVersion, m.target.c_str(),
              m.precision.c_str());
  for (const auto &kv : m.options)
    std::printf("  option %s = %s\n", kv.first.c_str(), kv.second.c_str());
  std::printf("  native code: %zu bytes, PTX: %zu bytes\n",
              c.nativeSharedObject.size(), c.ptx.size());
  if (c.launchPlan)
    std::printf("  launch plan: %zu kernels, arena %llu bytes, %zu bytes "
                "of constants\n",
                c.launchPlan->kernels.size(),
                static_cast<unsigned long long>(c.launchPlan->arenaBytes),
                c.deviceConstants.size());
  for (const FunctionSig &f : m.functions) {
    std::printf("function %s (entry %s)\n", f.name.c_str(), f.symbol.c_str());
    for (const TensorSpec &t : f.args) {
      std::string extra = initText(t.init);
      if (t.classes)
        extra += (extra.empty() ? "" : ", ") + std::string("classes ") +
                 std::to_string(t.classes);
      std::printf("  arg    %-28s %-16s %-18s %s\n", t.name.c_str(),
                  roleName(t.role), t.typeString().c_str(), extra.c_str());
    }
    for (const TensorSpec &r : f.results)
      std::printf("  result %-28s %-16s %-18s %s\n",
                  r.name.empty() ? "-" : r.name.c_str(), roleName(r.role),
                  r.typeString().c_str(),
                  r.updates.empty() ? "" : ("updates " + r.updates).c_str());
  }
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  Args a = parseArgs(args);
  if (a.cmd == "pack")
    return pack(a);
  if (a.cmd == "abi-source")
    return abiSource(a);
  if (a.cmd != "signature" && a.cmd != "plan" && a.cmd != "extract" &&
      a.cmd != "info")
    die("unknown command '" + a.cmd + "'\n" + kUsage, 2);
  if (a.input.empty())
    die(a.cmd + " needs an artifact", 2);
  ArtifactContents c = orDie(readArtifactFile(a.input));
  if (a.cmd == "signature") {
    std::fputs(c.manifest.toJsonText(2).c_str(), stdout);
    return 0;
  }
  if (a.cmd == "plan") {
    if (!c.launchPlan)
      die(a.input + " has no launch plan (compiled for target " +
          c.manifest.target + ")");
    std::fputs((c.launchPlan->toJsonText(2) + "\n").c_str(), stdout);
    return 0;
  }
  return a.cmd == "extract" ? extract(a, c) : info(a, c);
}
