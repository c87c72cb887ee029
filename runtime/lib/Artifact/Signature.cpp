//===- Signature.cpp - The signature table of a compiled step -------------===//

#include "mpt-runtime/Signature.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <set>

using namespace mpt::rt;

const char *mpt::rt::roleName(Role r) {
  switch (r) {
  case Role::Param:
    return "param";
  case Role::WorkingCopy:
    return "working_copy";
  case Role::OptState:
    return "opt_state";
  case Role::LossScaleState:
    return "loss_scale_state";
  case Role::Input:
    return "input";
  case Role::Loss:
    return "loss";
  case Role::Output:
    return "output";
  }
  return "?";
}

std::optional<Role> mpt::rt::parseRole(std::string_view name) {
  for (Role r : {Role::Param, Role::WorkingCopy, Role::OptState,
                 Role::LossScaleState, Role::Input, Role::Loss, Role::Output})
    if (name == roleName(r))
      return r;
  return std::nullopt;
}

bool mpt::rt::isStateRole(Role r) {
  return r == Role::Param || r == Role::WorkingCopy || r == Role::OptState ||
         r == Role::LossScaleState;
}

InitSpec InitSpec::zeros() {
  InitSpec s;
  s.dist = Dist::Zeros;
  return s;
}

InitSpec InitSpec::constant(double v) {
  InitSpec s;
  s.dist = Dist::Constant;
  s.value = v;
  return s;
}

InitSpec InitSpec::uniform(double low, double high, uint64_t seed) {
  InitSpec s;
  s.dist = Dist::Uniform;
  s.low = low;
  s.high = high;
  s.seed = seed;
  return s;
}

InitSpec InitSpec::castOf(std::string source) {
  InitSpec s;
  s.dist = Dist::CastOf;
  s.source = std::move(source);
  return s;
}

int64_t TensorSpec::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t TensorSpec::byteSize() const {
  return static_cast<size_t>(numElements()) * dtypeSize(dtype);
}

std::string TensorSpec::typeString() const {
  std::string s = dtypeName(dtype);
  s += '[';
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  s += ']';
  return s;
}

int FunctionSig::findArg(std::string_view argName) const {
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].name == argName)
      return static_cast<int>(i);
  return -1;
}

int FunctionSig::findResult(std::string_view resultName) const {
  for (size_t i = 0; i < results.size(); ++i)
    if (!results[i].name.empty() && results[i].name == resultName)
      return static_cast<int>(i);
  return -1;
}

int FunctionSig::findResultRole(Role role) const {
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].role == role)
      return static_cast<int>(i);
  return -1;
}

Status mpt::rt::checkClassLabels(const TensorSpec &t, const void *data,
                                 size_t bytes, const std::string &what) {
  if (t.classes <= 0 || !isInteger(t.dtype))
    return Status::success();
  size_t es = dtypeSize(t.dtype), n = bytes / es;
  const auto *p = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < n; ++i) {
    int64_t v;
    switch (t.dtype) {
    case DType::I8:
      v = static_cast<int8_t>(p[i]);
      break;
    case DType::I32: {
      int32_t x;
      std::memcpy(&x, p + 4 * i, 4);
      v = x;
      break;
    }
    default: {
      std::memcpy(&v, p + 8 * i, 8);
      break;
    }
    }
    if (v < 0 || v >= t.classes)
      return Status::error(what + ": label " + std::to_string(v) +
                           " at index " + std::to_string(i) +
                           " is outside 0.." + std::to_string(t.classes - 1) +
                           " (input '" + t.name + "' holds class indices of " +
                           std::to_string(t.classes) + " classes)");
  }
  return Status::success();
}

const FunctionSig *Manifest::findFunction(std::string_view name) const {
  for (const FunctionSig &f : functions)
    if (f.name == name)
      return &f;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

static bool isIdentifier(const std::string &s) {
  if (s.empty())
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit)))
      return false;
  }
  return true;
}

/// Element counts and byte sizes must fit comfortably in 63 bits.
static bool shapeFits(const std::vector<int64_t> &shape, DType t) {
  const int64_t limit = int64_t(1) << 50;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > limit / d))
      return false;
    n *= d;
  }
  return n <= limit / static_cast<int64_t>(dtypeSize(t));
}

/// The integers a constant init of an integer type may be: the type's
/// range (i1: 0 or 1), and for i64 at most 2^53 in magnitude (JSON numbers
/// are doubles; larger integers are not all exact).
static bool integerConstantFits(double v, DType t) {
  if (!(std::trunc(v) == v)) // NaN, infinities, fractions
    return false;
  switch (t) {
  case DType::I1:
    return v == 0 || v == 1;
  case DType::I8:
    return v >= -128 && v <= 127;
  case DType::I32:
    return v >= -2147483648.0 && v <= 2147483647.0;
  case DType::I64:
    return std::fabs(v) <= 9007199254740992.0;
  default:
    return true;
  }
}

/// The largest value of an integer dtype.
static int64_t maxIntegerValue(DType t) {
  switch (t) {
  case DType::I1:
    return 1;
  case DType::I8:
    return INT8_MAX;
  case DType::I32:
    return INT32_MAX;
  default:
    return INT64_MAX;
  }
}

static std::string integerRange(DType t) {
  switch (t) {
  case DType::I1:
    return "0 or 1";
  case DType::I8:
    return "-128..127";
  case DType::I32:
    return "-2147483648..2147483647";
  default:
    return "-2^53..2^53";
  }
}

std::string mpt::rt::printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    static const char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string mpt::rt::badTensorName(std::string_view name) {
  if (name.size() > kMaxTensorNameBytes)
    return "the name is longer than " + std::to_string(kMaxTensorNameBytes) +
           " bytes";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return "the name holds a control character";
  if (name.find('/') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos)
    return "the name holds a path separator ('/' or '\\')";
  if (name.find("..") != std::string_view::npos)
    return "the name holds '..'";
  if (name == ".")
    return "the name is '.'";
  return "";
}

/// A free-form string of the table (precision, options): printable, no
/// control characters (they would reach the terminal through
/// `mpt-artifact info` and reports).
static bool isPlainText(const std::string &s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

namespace {
/// The rules of one function of the table; each error names the function
/// and the tensor.
class FunctionValidator {
public:
  explicit FunctionValidator(const FunctionSig &f)
      : f_(f), where_("function " + f.name) {}

  Status run() {
    if (f_.symbol.rfind("mpt_", 0) != 0 || !isIdentifier(f_.symbol))
      return Status::error(where_ + ": entry symbol \"" + f_.symbol +
                           "\" must be an identifier starting with mpt_");
    for (size_t i = 0; i < f_.args.size(); ++i)
      if (Status st = arg(i); st.failed())
        return st;
    if (Status st = castChainsEnd(); st.failed())
      return st;
    for (size_t i = 0; i < f_.results.size(); ++i)
      if (Status st = result(i); st.failed())
        return st;
    return Status::success();
  }

private:
  /// "function F, argument #i 'name'".
  std::string at(const char *what, size_t i, const std::string &name) const {
    std::string s = where_ + ", " + what + " #" + std::to_string(i);
    return name.empty() ? s : s + " '" + printable(name) + "'";
  }

  Status name(const std::string &at, const std::string &name,
              std::set<std::string> &seen) {
    if (std::string why = badTensorName(name); !why.empty())
      return Status::error(at + ": " + why +
                           " (names become file names of data and dumps)");
    if (!seen.insert(name).second)
      return Status::error(at + ": the name is used twice");
    return Status::success();
  }

  Status arg(size_t i) {
    const TensorSpec &a = f_.args[i];
    if (a.name.empty())
      return Status::error(at("argument", i, "") + " has no name");
    std::string here = at("argument", i, a.name);
    if (Status st = name(here, a.name, argNames_); st.failed())
      return st;
    if (!isStateRole(a.role) && a.role != Role::Input)
      return Status::error(here + ": role \"" + roleName(a.role) +
                           "\" is a result role");
    if (!shapeFits(a.shape, a.dtype))
      return Status::error(here + ": shape " + a.typeString() +
                           " has a negative or too large dimension");
    if (!a.updates.empty())
      return Status::error(here + ": arguments cannot have \"updates\"");
    if (a.role == Role::Input && a.init.dist != InitSpec::Dist::None)
      return Status::error(here + ": inputs have no init");
    if (Status st = classes(here, a); st.failed())
      return st;
    return init(here, a);
  }

  /// Class labels: an integer input, and a count its dtype can index.
  static Status classes(const std::string &here, const TensorSpec &a) {
    if (a.classes == 0)
      return Status::success();
    if (a.role != Role::Input || !isInteger(a.dtype) || a.dtype == DType::I1)
      return Status::error(here + ": only i8, i32 or i64 inputs hold class "
                                  "labels (\"classes\")");
    if (a.classes < 1 || a.classes - 1 > maxIntegerValue(a.dtype))
      return Status::error(here + ": classes " + std::to_string(a.classes) +
                           " is not between 1 and " +
                           std::to_string(maxIntegerValue(a.dtype)) + " + 1");
    return Status::success();
  }

  Status init(const std::string &here, const TensorSpec &a) const {
    switch (a.init.dist) {
    case InitSpec::Dist::Uniform:
      if (!isFloat(a.dtype))
        return Status::error(here + ": uniform init needs a float type, not " +
                             dtypeName(a.dtype));
      if (!std::isfinite(a.init.low) || !std::isfinite(a.init.high) ||
          a.init.low > a.init.high)
        return Status::error(here + ": uniform init needs finite low <= high");
      break;
    case InitSpec::Dist::Constant:
      // Checked before anything converts it: a double outside the range of
      // the integer type is undefined behaviour to cast.
      if (isInteger(a.dtype) && !integerConstantFits(a.init.value, a.dtype))
        return Status::error(here + ": constant " + formatDouble(a.init.value) +
                             " is not an integer of type " +
                             dtypeName(a.dtype) + " (" + integerRange(a.dtype) +
                             ")");
      break;
    case InitSpec::Dist::CastOf: {
      int src = f_.findArg(a.init.source);
      if (src < 0 || !isStateRole(f_.args[src].role))
        return Status::error(here + ": cast_of source '" +
                             printable(a.init.source) +
                             "' is not a state argument of " + f_.name);
      if (f_.args[src].shape != a.shape)
        return Status::error(here + ": cast_of source '" + a.init.source +
                             "' has shape " + f_.args[src].typeString() +
                             ", not " + a.typeString());
      if (!isFloat(a.dtype) || !isFloat(f_.args[src].dtype))
        return Status::error(here + ": cast_of converts between float types");
      break;
    }
    case InitSpec::Dist::None:
    case InitSpec::Dist::Zeros:
      break;
    }
    return Status::success();
  }

  /// cast_of chains must end (no cycles).
  Status castChainsEnd() const {
    for (const TensorSpec &a : f_.args) {
      const TensorSpec *cur = &a;
      size_t hops = 0;
      while (cur->init.dist == InitSpec::Dist::CastOf) {
        if (++hops > f_.args.size())
          return Status::error(where_ + ", argument '" + a.name +
                               "': cast_of sources form a cycle");
        cur = &f_.args[f_.findArg(cur->init.source)];
      }
    }
    return Status::success();
  }

  Status result(size_t i) {
    const TensorSpec &r = f_.results[i];
    std::string here = at("result", i, r.name);
    if (!r.name.empty())
      if (Status st = name(here, r.name, resultNames_); st.failed())
        return st;
    if (r.role == Role::Input)
      return Status::error(here + ": role \"input\" is an argument role");
    if (!shapeFits(r.shape, r.dtype))
      return Status::error(here + ": shape " + r.typeString() +
                           " has a negative or too large dimension");
    if (r.init.dist != InitSpec::Dist::None)
      return Status::error(here + ": results have no init");
    if (r.classes)
      return Status::error(here + ": results have no \"classes\"");
    if (r.role == Role::Loss) {
      if (haveLoss_)
        return Status::error(here + ": a second loss result");
      haveLoss_ = true;
      if (!isFloat(r.dtype) || r.numElements() != 1)
        return Status::error(here +
                             ": the loss must be one float element, "
                             "not " +
                             r.typeString());
    }
    if (isStateRole(r.role))
      return stateUpdate(here, r);
    if (!r.updates.empty())
      return Status::error(here + ": only state results have \"updates\"");
    return Status::success();
  }

  Status stateUpdate(const std::string &here, const TensorSpec &r) {
    if (r.updates.empty())
      return Status::error(here + ": a " + roleName(r.role) +
                           " result must name the argument it updates");
    int a = f_.findArg(r.updates);
    if (a < 0)
      return Status::error(here + ": updates '" + printable(r.updates) +
                           "', but no argument has that name");
    const TensorSpec &arg = f_.args[a];
    if (arg.role != r.role)
      return Status::error(here + ": role " + roleName(r.role) + " updates '" +
                           r.updates + "' of role " + roleName(arg.role));
    if (arg.dtype != r.dtype || arg.shape != r.shape)
      return Status::error(here + ": type " + r.typeString() +
                           " differs from argument '" + r.updates +
                           "' of type " + arg.typeString());
    if (!updated_.insert(r.updates).second)
      return Status::error(here + ": '" + r.updates +
                           "' is updated by two results");
    return Status::success();
  }

  const FunctionSig &f_;
  std::string where_;
  std::set<std::string> argNames_, resultNames_, updated_;
  bool haveLoss_ = false;
};
} // namespace

Status Manifest::validate() const {
  if (version < 1 || version > kVersion)
    return Status::error("manifest version " + std::to_string(version) +
                         " is not supported (this runtime reads version " +
                         std::to_string(kVersion) + ")");
  if (target != "cpu" && target != "cuda")
    return Status::error("unknown target \"" + printable(target) +
                         "\" (expected \"cpu\" or \"cuda\")");
  if (!isPlainText(precision))
    return Status::error("precision \"" + printable(precision) +
                         "\" holds a control character");
  for (const auto &[key, value] : options)
    if (!isPlainText(key) || !isPlainText(value))
      return Status::error("option \"" + printable(key) + "\" = \"" +
                           printable(value) + "\" holds a control character");
  if (functions.empty())
    return Status::error("the artifact has no functions");
  std::set<std::string> fnNames;
  for (const FunctionSig &f : functions) {
    if (!isIdentifier(f.name))
      return Status::error("function name \"" + printable(f.name) +
                           "\" is not an identifier");
    if (!fnNames.insert(f.name).second)
      return Status::error("function \"" + f.name + "\" appears twice");
    if (Status st = FunctionValidator(f).run(); st.failed())
      return st;
  }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

static Json shapeJson(const std::vector<int64_t> &shape) {
  Json a = Json::array();
  for (int64_t d : shape)
    a.push(Json::integer(d));
  return a;
}

static Json initJson(const InitSpec &init) {
  Json j = Json::object();
  switch (init.dist) {
  case InitSpec::Dist::None:
    return Json();
  case InitSpec::Dist::Zeros:
    j.set("dist", Json::string("zeros"));
    break;
  case InitSpec::Dist::Constant:
    j.set("dist", Json::string("constant"));
    j.set("value", Json::number(init.value));
    break;
  case InitSpec::Dist::Uniform:
    j.set("dist", Json::string("uniform"));
    j.set("low", Json::number(init.low));
    j.set("high", Json::number(init.high));
    // A string: seeds use the full unsigned 64-bit range.
    j.set("seed", Json::string(std::to_string(init.seed)));
    break;
  case InitSpec::Dist::CastOf:
    j.set("dist", Json::string("cast_of"));
    j.set("source", Json::string(init.source));
    break;
  }
  return j;
}

static Json tensorJson(const TensorSpec &t, bool isArg) {
  Json j = Json::object();
  if (!t.name.empty())
    j.set("name", Json::string(t.name));
  j.set("role", Json::string(roleName(t.role)));
  if (!t.updates.empty())
    j.set("updates", Json::string(t.updates));
  j.set("dtype", Json::string(dtypeName(t.dtype)));
  j.set("shape", shapeJson(t.shape));
  if (isArg && t.init.dist != InitSpec::Dist::None)
    j.set("init", initJson(t.init));
  if (t.classes)
    j.set("classes", Json::integer(t.classes));
  return j;
}

Json Manifest::toJson() const {
  Json j = Json::object();
  j.set("format", Json::string("mpt-artifact"));
  j.set("version", Json::integer(version));
  j.set("target", Json::string(target));
  j.set("precision", Json::string(precision));
  Json opts = Json::object();
  for (const auto &kv : options)
    opts.set(kv.first, Json::string(kv.second));
  j.set("options", std::move(opts));
  Json fns = Json::array();
  for (const FunctionSig &f : functions) {
    Json fj = Json::object();
    fj.set("name", Json::string(f.name));
    fj.set("symbol", Json::string(f.symbol));
    Json args = Json::array(), results = Json::array();
    for (const TensorSpec &a : f.args)
      args.push(tensorJson(a, true));
    for (const TensorSpec &r : f.results)
      results.push(tensorJson(r, false));
    fj.set("args", std::move(args));
    fj.set("results", std::move(results));
    fns.push(std::move(fj));
  }
  j.set("functions", std::move(fns));
  if (!stats.isNull())
    j.set("stats", stats);
  return j;
}

std::string Manifest::toJsonText(int indent) const {
  return toJson().dump(indent) + "\n";
}

namespace {
/// Field access with messages that name the path of the field.
struct Reader {
  Status error;

  bool fail(const std::string &msg) {
    if (error.ok())
      error = Status::error(msg);
    return false;
  }

  const Json *member(const Json &obj, const std::string &path, const char *key,
                     Json::Kind kind, bool required) {
    const Json *v = obj.find(key);
    if (!v) {
      if (required)
        fail(path + ": missing \"" + key + "\"");
      return nullptr;
    }
    if (v->kind() != kind) {
      Json want;
      switch (kind) {
      case Json::Kind::String:
        want = Json::string("");
        break;
      case Json::Kind::Number:
        want = Json::number(0);
        break;
      case Json::Kind::Array:
        want = Json::array();
        break;
      case Json::Kind::Object:
        want = Json::object();
        break;
      default:
        break;
      }
      fail(path + ": \"" + key + "\" must be a " + want.kindName() +
           ", not a " + v->kindName());
      return nullptr;
    }
    return v;
  }

  bool string(const Json &obj, const std::string &path, const char *key,
              std::string &out, bool required) {
    const Json *v = member(obj, path, key, Json::Kind::String, required);
    if (v)
      out = v->asString();
    return error.ok();
  }

  bool number(const Json &obj, const std::string &path, const char *key,
              double &out) {
    const Json *v = member(obj, path, key, Json::Kind::Number, true);
    if (v)
      out = v->asDouble();
    return error.ok();
  }

  bool init(const Json &j, const std::string &path, InitSpec &out) {
    if (!j.isObject())
      return fail(path + ": \"init\" must be an object");
    std::string dist;
    if (!string(j, path + ".init", "dist", dist, true))
      return false;
    std::string at = path + ".init";
    if (dist == "zeros") {
      out = InitSpec::zeros();
    } else if (dist == "constant") {
      double v = 0;
      if (!number(j, at, "value", v))
        return false;
      out = InitSpec::constant(v);
    } else if (dist == "uniform") {
      double lo = 0, hi = 0;
      if (!number(j, at, "low", lo) || !number(j, at, "high", hi))
        return false;
      const Json *s = j.find("seed");
      uint64_t seed = 0;
      if (!s)
        return fail(at + ": missing \"seed\"");
      if (s->isString()) {
        Json asNum = Json::rawNumber(0, s->asString());
        if (!asNum.getUInt64(seed))
          return fail(at + ": seed \"" + s->asString() +
                      "\" is not an unsigned 64-bit integer");
      } else if (!s->getUInt64(seed)) {
        return fail(at + ": seed must be an unsigned 64-bit integer "
                         "(a string or an integer number)");
      }
      out = InitSpec::uniform(lo, hi, seed);
    } else if (dist == "cast_of") {
      std::string src;
      if (!string(j, at, "source", src, true))
        return false;
      out = InitSpec::castOf(src);
    } else {
      return fail(at + ": unknown dist \"" + dist +
                  "\" (expected zeros, constant, uniform or cast_of)");
    }
    return true;
  }

  bool tensor(const Json &j, const std::string &path, bool isArg,
              TensorSpec &t) {
    if (!j.isObject())
      return fail(path + " must be an object");
    if (!string(j, path, "name", t.name, isArg))
      return false;
    std::string role, dtype;
    if (!string(j, path, "role", role, true) ||
        !string(j, path, "dtype", dtype, true))
      return false;
    auto r = parseRole(role);
    if (!r)
      return fail(path + ": unknown role \"" + role + "\"");
    t.role = *r;
    auto d = parseDType(dtype);
    if (!d)
      return fail(path + ": unknown dtype \"" + dtype +
                  "\" (expected f32, f16, bf16, f64, i1, i8, i32 or i64)");
    t.dtype = *d;
    const Json *shape = member(j, path, "shape", Json::Kind::Array, true);
    if (!shape)
      return false;
    for (const Json &dim : shape->items()) {
      int64_t v;
      if (!dim.getInt64(v) || v < 0)
        return fail(path + ": shape entries must be non-negative integers");
      t.shape.push_back(v);
    }
    if (!string(j, path, "updates", t.updates, false))
      return false;
    if (const Json *classes = j.find("classes"))
      if (!classes->getInt64(t.classes) || t.classes < 1)
        return fail(path + ": \"classes\" must be a positive integer");
    if (const Json *init = j.find("init")) {
      if (!isArg)
        return fail(path + ": results have no init");
      if (!this->init(*init, path, t.init))
        return false;
    }
    return true;
  }
};
} // namespace

Expected<Manifest> Manifest::fromJson(const Json &json) {
  Reader rd;
  Manifest m;
  if (!json.isObject())
    return Status::error("the signature table must be a JSON object");
  std::string format;
  if (!rd.string(json, "signature table", "format", format, true))
    return rd.error;
  if (format != "mpt-artifact")
    return Status::error("signature table: format is \"" + format +
                         "\", expected \"mpt-artifact\"");
  const Json *ver = json.find("version");
  if (!ver || !ver->getInt64(m.version))
    return Status::error("signature table: \"version\" must be an integer");
  if (m.version > kVersion)
    return Status::error("signature table version " +
                         std::to_string(m.version) +
                         " is newer than this runtime reads (" +
                         std::to_string(kVersion) + "); update mpt");
  if (!rd.string(json, "signature table", "target", m.target, true) ||
      !rd.string(json, "signature table", "precision", m.precision, false))
    return rd.error;
  if (const Json *opts = json.find("options")) {
    if (!opts->isObject())
      return Status::error("signature table: \"options\" must be an object");
    for (const Json::Member &kv : opts->members()) {
      if (!kv.second.isString())
        return Status::error("signature table: option \"" + kv.first +
                             "\" must be a string");
      m.options.emplace_back(kv.first, kv.second.asString());
    }
  }
  const Json *fns =
      rd.member(json, "signature table", "functions", Json::Kind::Array, true);
  if (!fns)
    return rd.error;
  for (size_t i = 0; i < fns->items().size(); ++i) {
    const Json &fj = fns->items()[i];
    std::string path = "functions[" + std::to_string(i) + "]";
    if (!fj.isObject())
      return Status::error(path + " must be an object");
    FunctionSig f;
    if (!rd.string(fj, path, "name", f.name, true))
      return rd.error;
    path = "function " + f.name;
    if (!rd.string(fj, path, "symbol", f.symbol, false))
      return rd.error;
    if (f.symbol.empty())
      f.symbol = "mpt_" + f.name;
    const Json *args = rd.member(fj, path, "args", Json::Kind::Array, true);
    const Json *results =
        args ? rd.member(fj, path, "results", Json::Kind::Array, true)
             : nullptr;
    if (!results)
      return rd.error;
    for (size_t k = 0; k < args->items().size(); ++k) {
      TensorSpec t;
      if (!rd.tensor(args->items()[k],
                     path + ", argument #" + std::to_string(k), true, t))
        return rd.error;
      f.args.push_back(std::move(t));
    }
    for (size_t k = 0; k < results->items().size(); ++k) {
      TensorSpec t;
      if (!rd.tensor(results->items()[k],
                     path + ", result #" + std::to_string(k), false, t))
        return rd.error;
      f.results.push_back(std::move(t));
    }
    m.functions.push_back(std::move(f));
  }
  if (const Json *stats = json.find("stats"))
    m.stats = *stats;
  Status st = m.validate();
  if (st.failed())
    return st;
  return m;
}

Expected<Manifest> Manifest::fromJsonText(std::string_view text) {
  Expected<Json> j = Json::parse(text);
  if (j.failed())
    return Status::error("signature table: " + j.message());
  return fromJson(*j);
}
