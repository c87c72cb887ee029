//===- LaunchPlan.cpp - The launch plan of a GPU artifact -----------------===//

#include "mpt-runtime/LaunchPlan.h"
#include "mpt-runtime/Signature.h"

#include <limits>
#include <set>

using namespace mpt::rt;

const FunctionPlan *LaunchPlan::findFunction(std::string_view name) const {
  for (const FunctionPlan &f : functions)
    if (f.name == name)
      return &f;
  return nullptr;
}

const PlanKernel *LaunchPlan::findKernel(std::string_view name) const {
  for (const PlanKernel &k : kernels)
    if (k.name == name)
      return &k;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

static const char *bufferKindName(PlanBuffer::Kind kind) {
  switch (kind) {
  case PlanBuffer::Kind::Argument:
    return "argument";
  case PlanBuffer::Kind::Arena:
    return "arena";
  case PlanBuffer::Kind::Constant:
    return "constant";
  }
  return "?";
}

static Json dims(const std::array<uint32_t, 3> &d) {
  Json a = Json::array();
  for (uint32_t v : d)
    a.push(Json::unsignedInteger(v));
  return a;
}

static Json valueToJson(const PlanValue &v) {
  Json j = Json::object();
  switch (v.kind) {
  case PlanValue::Kind::Buffer:
    return j.set("buffer", Json::unsignedInteger(v.buffer));
  case PlanValue::Kind::I32:
    return j.set("i32", Json::integer(v.intValue));
  case PlanValue::Kind::I64:
    return j.set("i64", Json::integer(v.intValue));
  case PlanValue::Kind::F32:
    return j.set("f32", Json::number(v.floatValue));
  case PlanValue::Kind::F64:
    return j.set("f64", Json::number(v.floatValue));
  }
  return j;
}

static Json stepToJson(const PlanStep &s) {
  Json j = Json::object();
  auto u = [](uint64_t v) { return Json::unsignedInteger(v); };
  switch (s.kind) {
  case PlanStep::Kind::Launch: {
    j.set("kind", Json::string("launch")).set("kernel", Json::string(s.kernel));
    j.set("grid", dims(s.grid)).set("block", dims(s.block));
    j.set("shared", u(s.sharedBytes));
    Json args = Json::array();
    for (const PlanValue &v : s.args)
      args.push(valueToJson(v));
    return j.set("args", std::move(args));
  }
  case PlanStep::Kind::Copy:
    return j.set("kind", Json::string("copy"))
        .set("dst", u(s.dst))
        .set("dst_offset", u(s.dstOffset))
        .set("src", u(s.src))
        .set("src_offset", u(s.srcOffset))
        .set("bytes", u(s.bytes));
  case PlanStep::Kind::Zero:
    return j.set("kind", Json::string("zero"))
        .set("dst", u(s.dst))
        .set("dst_offset", u(s.dstOffset))
        .set("bytes", u(s.bytes));
  }
  return j;
}

Json LaunchPlan::toJson() const {
  auto u = [](uint64_t v) { return Json::unsignedInteger(v); };
  Json root = Json::object();
  root.set("version", Json::integer(kVersion)).set("sm", u(sm));
  root.set("arena_bytes", u(arenaBytes));
  Json ks = Json::array();
  for (const PlanKernel &k : kernels)
    ks.push(Json::object()
                .set("name", Json::string(k.name))
                .set("family", Json::string(k.family))
                .set("tile", Json::string(k.tile))
                .set("params", u(k.params)));
  root.set("kernels", std::move(ks));
  Json fs = Json::array();
  for (const FunctionPlan &f : functions) {
    Json bufs = Json::array();
    for (const PlanBuffer &b : f.buffers) {
      Json jb =
          Json::object().set("kind", Json::string(bufferKindName(b.kind)));
      if (b.kind == PlanBuffer::Kind::Argument)
        jb.set("index", u(b.index));
      else
        jb.set("offset", u(b.offset));
      bufs.push(jb.set("bytes", u(b.bytes)));
    }
    Json steps = Json::array();
    for (const PlanStep &s : f.steps)
      steps.push(stepToJson(s));
    fs.push(Json::object()
                .set("name", Json::string(f.name))
                .set("arena_bytes", u(f.arenaBytes))
                .set("buffers", std::move(bufs))
                .set("steps", std::move(steps)));
  }
  root.set("functions", std::move(fs));
  return root;
}

std::string LaunchPlan::toJsonText(int indent) const {
  return toJson().dump(indent);
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {
/// Strict field access: every error names the path of the field.
struct Reader {
  std::string error;

  bool fail(const std::string &path, const std::string &why) {
    if (error.empty())
      error = path + ": " + why;
    return false;
  }
  const Json *member(const Json &obj, const char *key,
                     const std::string &path) {
    const Json *v = obj.isObject() ? obj.find(key) : nullptr;
    if (!v)
      fail(path, std::string("missing '") + key + "'");
    return v;
  }
  bool u64(const Json &obj, const char *key, const std::string &path,
           uint64_t &out) {
    const Json *v = member(obj, key, path);
    if (!v)
      return false;
    if (!v->getUInt64(out))
      return fail(path + "." + key, "expected an unsigned integer");
    return true;
  }
  bool u32(const Json &obj, const char *key, const std::string &path,
           uint32_t &out) {
    uint64_t v = 0;
    if (!u64(obj, key, path, v))
      return false;
    if (v > std::numeric_limits<uint32_t>::max())
      return fail(path + "." + key, "out of range");
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool str(const Json &obj, const char *key, const std::string &path,
           std::string &out) {
    const Json *v = member(obj, key, path);
    if (!v)
      return false;
    if (!v->isString())
      return fail(path + "." + key, "expected a string");
    out = v->asString();
    return true;
  }
  bool array(const Json &obj, const char *key, const std::string &path,
             const Json *&out) {
    out = member(obj, key, path);
    if (!out)
      return false;
    if (!out->isArray())
      return fail(path + "." + key, "expected an array");
    return true;
  }
  bool dim3(const Json &obj, const char *key, const std::string &path,
            std::array<uint32_t, 3> &out) {
    const Json *a = nullptr;
    if (!array(obj, key, path, a))
      return false;
    if (a->items().size() != 3)
      return fail(path + "." + key, "expected 3 dimensions");
    for (size_t i = 0; i < 3; ++i) {
      uint64_t v = 0;
      if (!a->items()[i].getUInt64(v) || v > 0xffffffffu)
        return fail(path + "." + key, "expected unsigned 32-bit integers");
      out[i] = static_cast<uint32_t>(v);
    }
    return true;
  }

  bool value(const Json &j, const std::string &path, PlanValue &v);
  bool step(const Json &j, const std::string &path, PlanStep &s);
  bool buffer(const Json &j, const std::string &path, PlanBuffer &b);
  bool function(const Json &j, const std::string &path, FunctionPlan &f);
};

bool Reader::value(const Json &j, const std::string &path, PlanValue &v) {
  if (!j.isObject() || j.members().size() != 1)
    return fail(path, "expected one of {\"buffer\"|\"i32\"|\"i64\"|\"f32\"|"
                      "\"f64\": value}");
  const auto &[key, val] = j.members().front();
  if (key == "buffer") {
    v.kind = PlanValue::Kind::Buffer;
    return u32(j, "buffer", path, v.buffer);
  }
  if (key == "i32" || key == "i64") {
    v.kind = key == "i32" ? PlanValue::Kind::I32 : PlanValue::Kind::I64;
    if (!val.getInt64(v.intValue))
      return fail(path, "expected an integer");
    if (key == "i32" && (v.intValue < std::numeric_limits<int32_t>::min() ||
                         v.intValue > std::numeric_limits<int32_t>::max()))
      return fail(path, "out of range for i32");
    return true;
  }
  if (key == "f32" || key == "f64") {
    v.kind = key == "f32" ? PlanValue::Kind::F32 : PlanValue::Kind::F64;
    if (!val.isNumber())
      return fail(path, "expected a number");
    v.floatValue = val.asDouble();
    return true;
  }
  return fail(path, "unknown argument kind '" + key + "'");
}

bool Reader::step(const Json &j, const std::string &path, PlanStep &s) {
  std::string kind;
  if (!str(j, "kind", path, kind))
    return false;
  if (kind == "launch") {
    s.kind = PlanStep::Kind::Launch;
    const Json *args = nullptr;
    if (!str(j, "kernel", path, s.kernel) || !dim3(j, "grid", path, s.grid) ||
        !dim3(j, "block", path, s.block) ||
        !u32(j, "shared", path, s.sharedBytes) || !array(j, "args", path, args))
      return false;
    for (size_t i = 0; i < args->items().size(); ++i) {
      PlanValue v;
      if (!value(args->items()[i], path + ".args[" + std::to_string(i) + "]",
                 v))
        return false;
      s.args.push_back(v);
    }
    return true;
  }
  if (kind == "copy") {
    s.kind = PlanStep::Kind::Copy;
    return u32(j, "dst", path, s.dst) &&
           u64(j, "dst_offset", path, s.dstOffset) &&
           u32(j, "src", path, s.src) &&
           u64(j, "src_offset", path, s.srcOffset) &&
           u64(j, "bytes", path, s.bytes);
  }
  if (kind == "zero") {
    s.kind = PlanStep::Kind::Zero;
    return u32(j, "dst", path, s.dst) &&
           u64(j, "dst_offset", path, s.dstOffset) &&
           u64(j, "bytes", path, s.bytes);
  }
  return fail(path + ".kind", "unknown step kind '" + kind + "'");
}

bool Reader::buffer(const Json &j, const std::string &path, PlanBuffer &b) {
  std::string kind;
  if (!str(j, "kind", path, kind) || !u64(j, "bytes", path, b.bytes))
    return false;
  if (kind == "argument") {
    b.kind = PlanBuffer::Kind::Argument;
    return u64(j, "index", path, b.index);
  }
  if (kind == "arena" || kind == "constant") {
    b.kind =
        kind == "arena" ? PlanBuffer::Kind::Arena : PlanBuffer::Kind::Constant;
    return u64(j, "offset", path, b.offset);
  }
  return fail(path + ".kind", "unknown buffer kind '" + kind + "'");
}

bool Reader::function(const Json &j, const std::string &path, FunctionPlan &f) {
  const Json *bufs = nullptr, *steps = nullptr;
  if (!str(j, "name", path, f.name) ||
      !u64(j, "arena_bytes", path, f.arenaBytes) ||
      !array(j, "buffers", path, bufs) || !array(j, "steps", path, steps))
    return false;
  for (size_t i = 0; i < bufs->items().size(); ++i) {
    PlanBuffer b;
    if (!buffer(bufs->items()[i], path + ".buffers[" + std::to_string(i) + "]",
                b))
      return false;
    f.buffers.push_back(b);
  }
  for (size_t i = 0; i < steps->items().size(); ++i) {
    PlanStep s;
    if (!step(steps->items()[i], path + ".steps[" + std::to_string(i) + "]", s))
      return false;
    f.steps.push_back(std::move(s));
  }
  return true;
}
} // namespace

Expected<LaunchPlan> LaunchPlan::fromJsonText(std::string_view text) {
  Expected<Json> parsed = Json::parse(text);
  if (parsed.failed())
    return Status::error("launch plan: " + parsed.message());
  const Json &root = *parsed;
  Reader r;
  LaunchPlan plan;
  uint64_t version = 0;
  const Json *kernels = nullptr, *functions = nullptr;
  if (r.u64(root, "version", "plan", version) &&
      version != static_cast<uint64_t>(kVersion))
    r.fail("plan.version", "version " + std::to_string(version) +
                               " is not supported by this runtime (version " +
                               std::to_string(kVersion) + ")");
  if (r.error.empty() && r.u32(root, "sm", "plan", plan.sm) &&
      r.u64(root, "arena_bytes", "plan", plan.arenaBytes) &&
      r.array(root, "kernels", "plan", kernels) &&
      r.array(root, "functions", "plan", functions)) {
    for (size_t i = 0; i < kernels->items().size() && r.error.empty(); ++i) {
      const Json &k = kernels->items()[i];
      std::string path = "plan.kernels[" + std::to_string(i) + "]";
      PlanKernel pk;
      if (r.str(k, "name", path, pk.name) &&
          r.str(k, "family", path, pk.family) &&
          r.str(k, "tile", path, pk.tile) &&
          r.u32(k, "params", path, pk.params))
        plan.kernels.push_back(std::move(pk));
    }
    for (size_t i = 0; i < functions->items().size() && r.error.empty(); ++i) {
      FunctionPlan f;
      if (r.function(functions->items()[i],
                     "plan.functions[" + std::to_string(i) + "]", f))
        plan.functions.push_back(std::move(f));
    }
  }
  if (!r.error.empty())
    return Status::error("launch plan: " + r.error);
  return plan;
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

namespace {
/// Checks one function plan against its signature.
Status validateFunction(const LaunchPlan &plan, const FunctionPlan &f,
                        const FunctionSig &sig, uint64_t constantBytes) {
  auto fail = [&](const std::string &why) {
    return Status::error("launch plan of '" + f.name + "': " + why);
  };
  size_t numBuffers = sig.args.size() + sig.results.size();
  for (size_t i = 0; i < f.buffers.size(); ++i) {
    const PlanBuffer &b = f.buffers[i];
    std::string which = "buffer " + std::to_string(i);
    switch (b.kind) {
    case PlanBuffer::Kind::Argument: {
      if (b.index >= numBuffers)
        return fail(which + " is call buffer " + std::to_string(b.index) +
                    ", but the function has " + std::to_string(numBuffers));
      const TensorSpec &t = b.index < sig.args.size()
                                ? sig.args[b.index]
                                : sig.results[b.index - sig.args.size()];
      if (b.bytes != t.byteSize())
        return fail(which + " (" + t.name + ") has " + std::to_string(b.bytes) +
                    " bytes, the signature " + std::to_string(t.byteSize()));
      break;
    }
    case PlanBuffer::Kind::Arena:
      if (b.offset % kPlanAlignment || b.offset > f.arenaBytes ||
          b.bytes > f.arenaBytes - b.offset)
        return fail(which + " lies outside the arena or is misaligned");
      break;
    case PlanBuffer::Kind::Constant:
      if (b.offset % kPlanAlignment || b.offset > constantBytes ||
          b.bytes > constantBytes - b.offset)
        return fail(which + " lies outside the constant data");
      break;
    }
  }
  for (size_t i = 0; i < f.steps.size(); ++i) {
    const PlanStep &s = f.steps[i];
    std::string which = "step " + std::to_string(i);
    auto inside = [&](uint32_t buf, uint64_t off, uint64_t bytes) {
      return buf < f.buffers.size() && off <= f.buffers[buf].bytes &&
             bytes <= f.buffers[buf].bytes - off;
    };
    if (s.kind == PlanStep::Kind::Copy &&
        (!inside(s.dst, s.dstOffset, s.bytes) ||
         !inside(s.src, s.srcOffset, s.bytes)))
      return fail(which + " copies outside its buffers");
    if (s.kind == PlanStep::Kind::Zero && !inside(s.dst, s.dstOffset, s.bytes))
      return fail(which + " zeroes outside its buffer");
    if (s.kind != PlanStep::Kind::Launch)
      continue;
    const PlanKernel *k = plan.findKernel(s.kernel);
    if (!k)
      return fail(which + " launches '" + s.kernel +
                  "', which the plan does not declare");
    if (k->params != s.args.size())
      return fail(which + " passes " + std::to_string(s.args.size()) +
                  " arguments to '" + s.kernel + "', which takes " +
                  std::to_string(k->params));
    uint64_t threads = uint64_t(s.block[0]) * s.block[1] * s.block[2];
    if (!threads || threads > 1024 || !s.grid[0] || !s.grid[1] || !s.grid[2] ||
        s.grid[1] > 65535 || s.grid[2] > 65535 || s.grid[0] > 0x7fffffffu)
      return fail(which + " has launch dimensions outside CUDA's limits");
    for (const PlanValue &v : s.args)
      if (v.kind == PlanValue::Kind::Buffer && v.buffer >= f.buffers.size())
        return fail(which + " refers to buffer " + std::to_string(v.buffer) +
                    " of " + std::to_string(f.buffers.size()));
  }
  if (f.arenaBytes > plan.arenaBytes)
    return fail("needs a larger arena than the plan's");
  return Status::success();
}
} // namespace

Status LaunchPlan::validate(const Manifest &manifest,
                            uint64_t constantBytes) const {
  if (sm < 50)
    return Status::error("launch plan: sm_" + std::to_string(sm) +
                         " is not a valid compute capability");
  std::set<std::string> seen;
  for (const PlanKernel &k : kernels)
    if (!seen.insert(k.name).second)
      return Status::error("launch plan: kernel '" + k.name +
                           "' declared twice");
  for (const FunctionSig &sig : manifest.functions) {
    const FunctionPlan *f = findFunction(sig.name);
    if (!f)
      return Status::error("launch plan: no plan for function '" + sig.name +
                           "'");
    if (Status st = validateFunction(*this, *f, sig, constantBytes);
        st.failed())
      return st;
  }
  if (functions.size() != manifest.functions.size())
    return Status::error("launch plan: plans for functions the signature "
                         "table does not have");
  return Status::success();
}
