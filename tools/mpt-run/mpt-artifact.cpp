//===- mpt-artifact.cpp - Inspect, pack and unpack mpt artifacts ----------===//
//
//   mpt-artifact info model.mpt              the signature table, readable
//   mpt-artifact signature model.mpt         the signature table as JSON
//   mpt-artifact plan model.mpt              the launch plan (cuda) as JSON
//   mpt-artifact extract model.mpt --native out.so [--ptx out.ptx]
//   mpt-artifact pack --signature sig.json --native step.so [--ptx k.ptx]
//                     [--plan plan.json] [--constants data.bin] -o model.mpt
//
// `pack` wraps code from another code generator (or a hand-written C step
// for tests) into an artifact with the same writer mpt-compile uses.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/FileIO.h"

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

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  std::string input, signature, native, ptx, output, plan, constants;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= args.size())
        die("option " + a + " needs a value", 2);
      out = args[++i];
    };
    if (a == "--signature")
      value(signature);
    else if (a == "--native")
      value(native);
    else if (a == "--ptx")
      value(ptx);
    else if (a == "--plan")
      value(plan);
    else if (a == "--constants")
      value(constants);
    else if (a == "-o")
      value(output);
    else if (!a.empty() && a[0] != '-' && input.empty())
      input = a;
    else
      die("unexpected argument '" + a + "'\n" + kUsage, 2);
  }

  if (cmd == "pack") {
    if (signature.empty() || output.empty())
      die("pack needs --signature and -o", 2);
    ArtifactContents c;
    std::string json = orDie(readFile(signature));
    Expected<Manifest> m = Manifest::fromJsonText(json);
    if (m.failed())
      die(signature + ": " + m.message());
    c.manifest = m.take();
    if (!native.empty())
      c.nativeSharedObject = orDie(readFile(native));
    if (!ptx.empty())
      c.ptx = orDie(readFile(ptx));
    if (!plan.empty()) {
      Expected<LaunchPlan> p = LaunchPlan::fromJsonText(orDie(readFile(plan)));
      if (p.failed())
        die(plan + ": " + p.message());
      c.launchPlan = p.take();
    }
    if (!constants.empty())
      c.deviceConstants = orDie(readFile(constants));
    orDie(writeArtifactFile(output, c));
    return 0;
  }

  if (input.empty())
    die(cmd + " needs an artifact", 2);
  ArtifactContents c = orDie(readArtifactFile(input));
  if (cmd == "signature") {
    std::fputs(c.manifest.toJsonText(2).c_str(), stdout);
    return 0;
  }
  if (cmd == "plan") {
    if (!c.launchPlan)
      die(input + " has no launch plan (compiled for target " +
          c.manifest.target + ")");
    std::fputs((c.launchPlan->toJsonText(2) + "\n").c_str(), stdout);
    return 0;
  }
  if (cmd == "extract") {
    if (native.empty() && ptx.empty())
      die("extract needs --native and/or --ptx", 2);
    if (!native.empty()) {
      if (c.nativeSharedObject.empty())
        die(input + " has no native code");
      orDie(writeFileAtomic(native, c.nativeSharedObject));
    }
    if (!ptx.empty()) {
      if (c.ptx.empty())
        die(input + " has no PTX");
      orDie(writeFileAtomic(ptx, c.ptx));
    }
    return 0;
  }
  if (cmd == "info") {
    const Manifest &m = c.manifest;
    std::printf("%s: mpt artifact format %u, target %s, precision %s\n",
                input.c_str(), kArtifactFormatVersion, m.target.c_str(),
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
      for (const TensorSpec &a : f.args)
        std::printf("  arg    %-28s %-16s %-18s %s\n", a.name.c_str(),
                    roleName(a.role), a.typeString().c_str(),
                    initText(a.init).c_str());
      for (const TensorSpec &r : f.results)
        std::printf("  result %-28s %-16s %-18s %s\n",
                    r.name.empty() ? "-" : r.name.c_str(), roleName(r.role),
                    r.typeString().c_str(),
                    r.updates.empty() ? "" : ("updates " + r.updates).c_str());
    }
    return 0;
  }
  die("unknown command '" + cmd + "'\n" + kUsage, 2);
}
