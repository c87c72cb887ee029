//===- NativeAbi.cpp - The ABI native code states about itself ------------===//

#include "mpt-runtime/NativeAbi.h"

#include <cstdio>
#include <cstring>
#include <optional>

using namespace mpt::rt;

namespace {
/// 64-bit FNV-1a over length-prefixed fields.
class Fnv {
public:
  void field(std::string_view s) {
    bytes(std::to_string(s.size()) + ":");
    bytes(s);
    bytes(";");
  }
  void field(int64_t v) { field(std::to_string(v)); }
  uint64_t value() const { return h_; }

private:
  void bytes(std::string_view s) {
    for (unsigned char c : s) {
      h_ ^= c;
      h_ *= 0x100000001b3ull;
    }
  }
  uint64_t h_ = 0xcbf29ce484222325ull;
};

void hashTensor(Fnv &h, const char *kind, const TensorSpec &t) {
  h.field(kind);
  h.field(t.name);
  h.field(roleName(t.role));
  h.field(dtypeName(t.dtype));
  h.field(static_cast<int64_t>(t.shape.size()));
  for (int64_t d : t.shape)
    h.field(d);
  h.field(t.updates);
  h.field(t.classes);
}
} // namespace

uint64_t mpt::rt::signatureHash(const FunctionSig &f) {
  Fnv h;
  h.field("mpt-signature-1");
  h.field(f.name);
  h.field(f.symbol);
  h.field(static_cast<int64_t>(f.args.size()));
  h.field(static_cast<int64_t>(f.results.size()));
  for (const TensorSpec &t : f.args)
    hashTensor(h, "arg", t);
  for (const TensorSpec &t : f.results)
    hashTensor(h, "result", t);
  return h.value();
}

//===----------------------------------------------------------------------===//
// The C source of the record
//===----------------------------------------------------------------------===//

std::string mpt::rt::nativeAbiSource(const Manifest &manifest) {
  std::string out =
      "/* The ABI of the entry points (mpt-runtime/NativeAbi.h): the runtime\n"
      "   checks the signature table against it before the first call. */\n"
      "#include <stdint.h>\n"
      "struct mpt_abi_buffer { uint64_t bytes; uint32_t dtype, reserved; };\n"
      "struct mpt_abi_function {\n"
      "  const char *name, *symbol;\n"
      "  uint32_t num_args, num_results;\n"
      "  uint64_t signature_hash;\n"
      "  const struct mpt_abi_buffer *buffers;\n"
      "};\n"
      "struct mpt_abi {\n"
      "  char magic[8];\n"
      "  uint32_t version, num_functions;\n"
      "  const struct mpt_abi_function *functions;\n"
      "};\n";
  const std::vector<FunctionSig> &fns = manifest.functions;
  for (size_t i = 0; i < fns.size(); ++i) {
    if (fns[i].args.empty() && fns[i].results.empty())
      continue;
    out += "static const struct mpt_abi_buffer mpt_abi_buffers_" +
           std::to_string(i) + "[] = {\n";
    auto buffer = [&](const TensorSpec &t) {
      out += "  {" + std::to_string(t.byteSize()) + "ull, " +
             std::to_string(static_cast<unsigned>(t.dtype)) + "u, 0u},\n";
    };
    for (const TensorSpec &t : fns[i].args)
      buffer(t);
    for (const TensorSpec &t : fns[i].results)
      buffer(t);
    out += "};\n";
  }
  out += "static const struct mpt_abi_function mpt_abi_functions[] = {\n";
  for (size_t i = 0; i < fns.size(); ++i) {
    char hash[32];
    std::snprintf(hash, sizeof hash, "0x%016llxull",
                  static_cast<unsigned long long>(signatureHash(fns[i])));
    bool none = fns[i].args.empty() && fns[i].results.empty();
    // Function names and symbols are identifiers: no escaping needed.
    out += "  {\"" + fns[i].name + "\", \"" + fns[i].symbol + "\", " +
           std::to_string(fns[i].args.size()) + "u, " +
           std::to_string(fns[i].results.size()) + "u, " + hash + ", " +
           (none ? "0" : "mpt_abi_buffers_" + std::to_string(i)) + "},\n";
  }
  out += "};\n"
         "const struct mpt_abi mpt_abi = {\"mpt-abi\", " +
         std::to_string(kNativeAbiVersion) + "u, " +
         std::to_string(fns.size()) + "u, mpt_abi_functions};\n";
  return out;
}

//===----------------------------------------------------------------------===//
// The check
//===----------------------------------------------------------------------===//

/// The most functions a record may list (a sanity bound on a damaged one).
static constexpr uint32_t kMaxAbiFunctions = 1 << 16;

static std::string plural(size_t n, const char *what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

/// The counts, then every buffer's size and dtype.
static Status checkBuffers(const FunctionSig &f, const mpt_abi_function &code) {
  std::string where = "function " + f.name;
  if (code.num_args != f.args.size() || code.num_results != f.results.size())
    return Status::error(where + ": the signature table has " +
                         plural(f.args.size(), "argument") + " and " +
                         plural(f.results.size(), "result") +
                         ", but the native code of " + f.symbol + " takes " +
                         plural(code.num_args, "argument") + " and " +
                         plural(code.num_results, "result"));
  if (!code.buffers && code.num_args + code.num_results > 0)
    return Status::error(where + ": the native code states no buffers for " +
                         f.symbol);
  for (size_t i = 0; i < f.args.size() + f.results.size(); ++i) {
    bool isArg = i < f.args.size();
    const TensorSpec &t = isArg ? f.args[i] : f.results[i - f.args.size()];
    const mpt_abi_buffer &b = code.buffers[i];
    if (b.bytes == t.byteSize() && b.dtype == static_cast<uint32_t>(t.dtype) &&
        b.reserved == 0)
      continue;
    std::string which =
        (isArg ? "argument #" + std::to_string(i)
               : "result #" + std::to_string(i - f.args.size())) +
        (t.name.empty() ? "" : " '" + t.name + "'");
    std::optional<DType> dtype;
    if (b.dtype >= 1 && b.dtype <= static_cast<uint32_t>(DType::I64))
      dtype = static_cast<DType>(b.dtype);
    return Status::error(
        where + ", " + which + ": the signature table says " + t.typeString() +
        " (" + std::to_string(t.byteSize()) +
        " bytes), but the native code was compiled for " +
        std::to_string(b.bytes) + " bytes of " +
        (dtype ? dtypeName(*dtype) : "dtype #" + std::to_string(b.dtype)));
  }
  return Status::success();
}

/// The record's entry for the table's function `f`.
static Status checkFunction(const FunctionSig &f, const mpt_abi &abi) {
  const mpt_abi_function *code = nullptr;
  for (uint32_t i = 0; i < abi.num_functions && !code; ++i)
    if (abi.functions[i].symbol &&
        std::strcmp(abi.functions[i].symbol, f.symbol.c_str()) == 0)
      code = &abi.functions[i];
  if (!code)
    return Status::error("function " + f.name +
                         ": the native code states no "
                         "ABI for its entry " +
                         f.symbol);
  if (!code->name || code->name != f.name)
    return Status::error("function " + f.name + ": its entry " + f.symbol +
                         " is the native code of function " +
                         (code->name ? printable(code->name) : "?") +
                         ", not of " + f.name);
  if (Status st = checkBuffers(f, *code); st.failed())
    return st;
  if (code->signature_hash != signatureHash(f))
    return Status::error("function " + f.name +
                         ": the signature table is not the one the native "
                         "code was compiled for (its names, roles, shapes "
                         "or updates were changed)");
  return Status::success();
}

Status mpt::rt::checkNativeAbi(const Manifest &manifest, const mpt_abi *abi) {
  if (!abi)
    return Status::error(
        "the native code does not state its ABI (no mpt_abi symbol): it was "
        "built by an older mpt-compile, or by hand without `mpt-artifact "
        "abi-source`; compile the model again");
  if (std::memcmp(abi->magic, "mpt-abi", 8) != 0 ||
      abi->version != kNativeAbiVersion ||
      abi->num_functions > kMaxAbiFunctions || !abi->functions)
    return Status::error(
        "the native code states its ABI in a layout this runtime does not "
        "read (version " +
        std::to_string(abi->version) +
        "); run it with the mpt-run of the mpt-compile that built it");
  for (const FunctionSig &f : manifest.functions)
    if (Status st = checkFunction(f, *abi); st.failed())
      return st;
  return Status::success();
}
