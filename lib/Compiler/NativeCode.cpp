//===- NativeCode.cpp - a lowered step to a shared object -----------------===//
//
// The runtime cannot link LLVM, so native code travels as a shared object:
// LLVM emits an object file in-process, a small generated C file adds one
// entry point per function with a flat ABI,
//
//   int32_t mpt_<name>(void *const *buffers);   // arguments, then results
//
// and the system linker makes the .so, exporting only those entries (an
// entry named like a libc symbol would otherwise bind to libc's) and the
// record `mpt_abi` that states their ABI (mpt-runtime/NativeAbi.h).
//
//===----------------------------------------------------------------------===//

#include "mpt/Compiler/Compiler.h"

#include "mpt-runtime/NativeAbi.h"
#include "mpt-runtime/Signature.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::mpt;
namespace rt = ::mpt::rt;

/// The malloc/free wrappers of the compiled code. Temporaries of a step are
/// malloc'd inside the compiled code; the link wraps malloc/free (--wrap) so
/// their bytes can be counted: the runtime reads the peak through
/// mpt_memory_stats. The compiled code does not check malloc's result, so a
/// failed allocation inside a step jumps back to the entry point, which
/// returns kEntryOutOfMemory (the runtime reports it) instead of writing
/// through a null pointer.
///
/// With `reuse` (mpt-compile --reuse-temporaries, the default) a freed
/// block goes to a free list of its exact size instead of back to malloc,
/// and the next malloc of that size takes it: a step of static shapes
/// allocates the same sizes every time, so from the second step on the
/// temporaries come from these lists, and glibc never trims and refaults
/// them between steps. Sizes match exactly, so what the lists hold at the
/// end of a step can exceed the step's peak of live bytes a little (a
/// freed block of one size cannot serve another); they are capped at twice
/// the high-water mark of live bytes (since the code was loaded, over every
/// function). The size table holds 3072 sizes; a size beyond them is
/// never kept. `mpt_memory_release` hands the lists back: when the code is
/// unloaded (a destructor, whatever runtime loaded it) and when malloc
/// fails. calloc and realloc are wrapped too (LLVM may turn a malloc and a
/// zero fill into calloc), so every block the code frees has the header.
/// Only the thread that called the entry point allocates (tasks on the
/// runtime's threads never do, see mpt-split-parallel-ops), so nothing here
/// is locked. Each block has a 16-byte header: its size, then (while in a
/// list) the next block.
static void emitAllocatorWrappers(llvm::raw_ostream &os, bool reuse) {
  os << "void *__real_malloc(size_t);\n"
        "void __real_free(void *);\n"
        "static int64_t mpt_live_bytes, mpt_peak_bytes, mpt_high_water;\n"
        "static int64_t mpt_cached_bytes, mpt_system_allocations;\n"
        "static jmp_buf mpt_oom;\n"
        "static int mpt_in_step;\n"
        "#define MPT_REUSE "
     << (reuse ? 1 : 0)
     << "\n"
        "#define MPT_SLOTS 4096 /* 2^12: the hash keeps 12 bits */\n"
        "/* Open addressing on the size; a slot keeps its size once taken, "
        "and\n"
        "   at most 3/4 of them are taken, so every probe ends. */\n"
        "static struct { size_t size; unsigned char *head; } "
        "mpt_free_lists[MPT_SLOTS];\n"
        "static size_t mpt_slots_used;\n"
        "static unsigned char **mpt_free_list(size_t n, int add) {\n"
        "  size_t h = (size_t)(((uint64_t)n * 0x9E3779B97F4A7C15ull) >> 52);\n"
        "  for (size_t i = 0; i < MPT_SLOTS; ++i) {\n"
        "    size_t k = (h + i) & (MPT_SLOTS - 1);\n"
        "    if (mpt_free_lists[k].size == n) return &mpt_free_lists[k].head;\n"
        "    if (mpt_free_lists[k].size == 0) {\n"
        "      if (!add || mpt_slots_used >= MPT_SLOTS / 4 * 3) return NULL;\n"
        "      ++mpt_slots_used;\n"
        "      mpt_free_lists[k].size = n;\n"
        "      return &mpt_free_lists[k].head;\n"
        "    }\n"
        "  }\n"
        "  return NULL;\n"
        "}\n"
        "/* Hands every kept block back to malloc. */\n"
        "void mpt_memory_release(void) {\n"
        "  for (size_t k = 0; k < MPT_SLOTS; ++k) {\n"
        "    unsigned char *p = mpt_free_lists[k].head;\n"
        "    while (p) {\n"
        "      unsigned char *next;\n"
        "      memcpy(&next, p + 8, sizeof next);\n"
        "      __real_free(p);\n"
        "      p = next;\n"
        "    }\n"
        "    mpt_free_lists[k].head = NULL;\n"
        "  }\n"
        "  mpt_cached_bytes = 0;\n"
        "}\n"
        "__attribute__((destructor)) static void mpt_release_at_unload(void) "
        "{\n"
        "  mpt_memory_release();\n"
        "}\n"
        "void *__wrap_malloc(size_t n) {\n"
        "  unsigned char *p = NULL;\n"
        "  unsigned char **list = MPT_REUSE && n ? mpt_free_list(n, 0) : "
        "NULL;\n"
        "  if (list && *list) {\n"
        "    p = *list;\n"
        "    memcpy(list, p + 8, sizeof p);\n"
        "    mpt_cached_bytes -= (int64_t)n;\n"
        "  } else if (n <= SIZE_MAX - 16) {\n"
        "    p = (unsigned char *)__real_malloc(n + 16);\n"
        "    if (!p && mpt_cached_bytes) {\n"
        "      mpt_memory_release();\n"
        "      p = (unsigned char *)__real_malloc(n + 16);\n"
        "    }\n"
        "    mpt_system_allocations += p != NULL;\n"
        "  }\n"
        "  if (!p) {\n"
        "    if (mpt_in_step) longjmp(mpt_oom, 1);\n"
        "    return NULL;\n"
        "  }\n"
        "  memcpy(p, &n, sizeof n);\n"
        "  mpt_live_bytes += (int64_t)n;\n"
        "  if (mpt_live_bytes > mpt_peak_bytes) mpt_peak_bytes = "
        "mpt_live_bytes;\n"
        "  if (mpt_live_bytes > mpt_high_water) mpt_high_water = "
        "mpt_live_bytes;\n"
        "  return p + 16;\n"
        "}\n"
        "void __wrap_free(void *q) {\n"
        "  if (!q) return;\n"
        "  unsigned char *p = (unsigned char *)q - 16;\n"
        "  size_t n;\n"
        "  memcpy(&n, p, sizeof n);\n"
        "  mpt_live_bytes -= (int64_t)n;\n"
        "  unsigned char **list =\n"
        "      MPT_REUSE && n &&\n"
        "              mpt_cached_bytes + (int64_t)n <= 2 * mpt_high_water\n"
        "          ? mpt_free_list(n, 1)\n"
        "          : NULL;\n"
        "  if (!list) {\n"
        "    __real_free(p);\n"
        "    return;\n"
        "  }\n"
        "  memcpy(p + 8, list, sizeof p);\n"
        "  *list = p;\n"
        "  mpt_cached_bytes += (int64_t)n;\n"
        "}\n"
        "void *__wrap_calloc(size_t n, size_t size) {\n"
        "  if (size && n > SIZE_MAX / size) {\n"
        "    if (mpt_in_step) longjmp(mpt_oom, 1);\n"
        "    return NULL;\n"
        "  }\n"
        "  void *q = __wrap_malloc(n * size);\n"
        "  if (q) memset(q, 0, n * size);\n"
        "  return q;\n"
        "}\n"
        "void *__wrap_realloc(void *q, size_t n) {\n"
        "  if (!q) return __wrap_malloc(n);\n"
        "  size_t old;\n"
        "  memcpy(&old, (unsigned char *)q - 16, sizeof old);\n"
        "  void *r = __wrap_malloc(n);\n"
        "  if (r) {\n"
        "    memcpy(r, q, old < n ? old : n);\n"
        "    __wrap_free(q);\n"
        "  }\n"
        "  return r;\n"
        "}\n"
        "/* Bytes of step temporaries alive now and at most since the last "
        "reset. */\n"
        "void mpt_memory_stats(int64_t *live, int64_t *peak, int reset) {\n"
        "  if (live) *live = mpt_live_bytes;\n"
        "  if (peak) *peak = mpt_peak_bytes;\n"
        "  if (reset) mpt_peak_bytes = mpt_live_bytes;\n"
        "}\n"
        "/* The blocks malloc itself has handed out so far, and the bytes kept "
        "for reuse now. */\n"
        "void mpt_allocator_stats(int64_t *system_allocations, int64_t "
        "*kept_bytes) {\n"
        "  if (system_allocations) *system_allocations = "
        "mpt_system_allocations;\n"
        "  if (kept_bytes) *kept_bytes = mpt_cached_bytes;\n"
        "}\n\n";
}

/// The collective hook: `mpt_rt_all_reduce` (what mpt-lower-collectives
/// calls for each mpt.all_reduce) forwards to the collective the runtime
/// installed with `mpt_set_collective` (mpt-runtime/Collective.h). A failed
/// collective, or none installed, ends the step: the entry point returns
/// kEntryCollectiveFailed. `mpt_rt_inverse_ranks` is 1 / the rank count the
/// runtime set with `mpt_set_rank_count` (1 until then).
static void emitCollectiveHook(llvm::raw_ostream &os) {
  os << "typedef int32_t (*mpt_all_reduce_fn)(void *, int64_t, const int64_t "
        "*,\n"
        "                                   const int64_t *, int32_t, "
        "int32_t, int32_t);\n"
        "static mpt_all_reduce_fn mpt_collective;\n"
        "static void *mpt_collective_context;\n"
        "void mpt_set_collective(mpt_all_reduce_fn fn, void *context) {\n"
        "  mpt_collective = fn;\n"
        "  mpt_collective_context = context;\n"
        "}\n"
        "void mpt_rt_all_reduce(int64_t n, int64_t pointers, int64_t sizes,\n"
        "                       int32_t dtype, int32_t kind, int32_t acc) {\n"
        "  if (!mpt_collective ||\n"
        "      mpt_collective(mpt_collective_context, n,\n"
        "                     (const int64_t *)(intptr_t)pointers,\n"
        "                     (const int64_t *)(intptr_t)sizes, dtype, kind, "
        "acc) != 0)\n"
        "    longjmp(mpt_oom, 2);\n"
        "}\n"
        "/* 1 / the number of ranks (a data-parallel step's pre-divided "
        "seed). */\n"
        "static float mpt_inverse_ranks = 1.0f;\n"
        "void mpt_set_rank_count(int32_t ranks) {\n"
        "  mpt_inverse_ranks = ranks > 0 ? 1.0f / (float)ranks : 1.0f;\n"
        "}\n"
        "float mpt_rt_inverse_ranks(void) { return mpt_inverse_ranks; }\n\n";
}

/// The parallel-for hook: `mpt_rt_parallel_for` (what mpt-parallel-calls
/// calls for each op split by mpt-split-parallel-ops) hands `task` and the
/// range [0, n) to the thread pool the runtime installed with
/// `mpt_set_parallel_for` (mpt-runtime/ThreadPool.h), which runs disjoint
/// chunks of it on its threads and returns when all are done. With none
/// installed (an older runtime, a direct caller) the calling thread runs
/// the whole range.
static void emitParallelForHook(llvm::raw_ostream &os) {
  os << "typedef void (*mpt_task_fn)(void *, int64_t, int64_t);\n"
        "typedef void (*mpt_parallel_for_fn)(void *, mpt_task_fn, void *, "
        "int64_t);\n"
        "static mpt_parallel_for_fn mpt_parallel_for;\n"
        "static void *mpt_parallel_for_context;\n"
        "void mpt_set_parallel_for(mpt_parallel_for_fn fn, void *context) {\n"
        "  mpt_parallel_for = fn;\n"
        "  mpt_parallel_for_context = context;\n"
        "}\n"
        "void mpt_rt_parallel_for(mpt_task_fn task, void *args, int64_t n) "
        "{\n"
        "  if (mpt_parallel_for && n > 1)\n"
        "    mpt_parallel_for(mpt_parallel_for_context, task, args, n);\n"
        "  else\n"
        "    task(args, 0, n);\n"
        "}\n\n";
}

/// LLVM's x86 backend turns some f32 -> bf16 roundings (e.g. a bf16 working
/// copy kept when a step is skipped) into calls of libgcc's __truncsfbf2,
/// which only GCC 13 and later provide: a step compiled on Debian 12 would
/// not link. The same rounding (to nearest even, NaNs quiet), private to the
/// shared object; __bf16 is returned in XMM0 like _Float16.
static void emitBF16Truncation(llvm::raw_ostream &os) {
  os << "#ifdef __FLT16_MAX__\n"
        "__attribute__((visibility(\"hidden\"))) _Float16 "
        "__truncsfbf2(float x) {\n"
        "  uint32_t u;\n"
        "  uint16_t r;\n"
        "  _Float16 h;\n"
        "  memcpy(&u, &x, sizeof u);\n"
        "  if ((u & 0x7fffffffu) > 0x7f800000u)\n"
        "    r = (uint16_t)((u >> 16) | 0x40u);\n"
        "  else\n"
        "    r = (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);\n"
        "  memcpy(&h, &r, sizeof h);\n"
        "  return h;\n"
        "}\n"
        "#endif\n\n";
}

/// The memref descriptor structs of ranks 0 to the highest rank a buffer of
/// `manifest` has.
static void emitDescriptorTypes(llvm::raw_ostream &os,
                                const rt::Manifest &manifest) {
  unsigned maxRank = 0;
  for (const rt::FunctionSig &f : manifest.functions) {
    for (const rt::TensorSpec &t : f.args)
      maxRank = std::max<unsigned>(maxRank, t.shape.size());
    for (const rt::TensorSpec &t : f.results)
      maxRank = std::max<unsigned>(maxRank, t.shape.size());
  }
  os << "typedef struct { void *allocated, *aligned; int64_t offset; } "
        "mpt_desc0;\n";
  for (unsigned r = 1; r <= maxRank; ++r)
    os << "typedef struct { void *allocated, *aligned; int64_t offset; "
          "int64_t sizes["
       << r << "], strides[" << r << "]; } mpt_desc" << r << ";\n";
  os << "\n";
}

/// Class labels out of range are refused before the step indexes with them
/// (the runtime refuses them earlier; this guards direct callers).
static void emitLabelChecks(llvm::raw_ostream &os, const rt::FunctionSig &f) {
  for (size_t i = 0; i < f.args.size(); ++i) {
    const rt::TensorSpec &t = f.args[i];
    if (t.classes <= 0)
      continue;
    const char *type = t.dtype == rt::DType::I8    ? "int8_t"
                       : t.dtype == rt::DType::I32 ? "int32_t"
                                                   : "int64_t";
    os << "  for (int64_t k = 0; k < " << t.numElements() << "; ++k)\n"
       << "    if (((const " << type << " *)b[" << i << "])[k] < 0 || (("
       << "const " << type << " *)b[" << i << "])[k] >= " << t.classes
       << ")\n      return " << rt::kEntryLabelOutOfRange << ";\n";
  }
}

/// `mpt_desc<rank> d<i> = {...};`: the descriptor of buffer `i`, a
/// statically shaped, contiguous row-major tensor.
static void emitDescriptor(llvm::raw_ostream &os, size_t i,
                           const std::vector<int64_t> &shape) {
  os << "  mpt_desc" << shape.size() << " d" << i << " = {b[" << i << "], b["
     << i << "], 0";
  if (!shape.empty()) {
    os << ", {";
    for (size_t d = 0; d < shape.size(); ++d)
      os << (d ? ", " : "") << shape[d];
    os << "}, {";
    int64_t stride = 1;
    std::vector<int64_t> strides(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
      strides[d] = stride;
      stride *= shape[d];
    }
    for (size_t d = 0; d < shape.size(); ++d)
      os << (d ? ", " : "") << strides[d];
    os << "}";
  }
  os << "};\n";
}

/// `int32_t mpt_<name>(void *const *b)`: checks labels, arms the
/// out-of-memory jump, builds the descriptors and calls the C interface.
static void emitEntryPoint(llvm::raw_ostream &os, const rt::FunctionSig &f) {
  std::vector<const rt::TensorSpec *> buffers;
  for (const rt::TensorSpec &t : f.args)
    buffers.push_back(&t);
  for (const rt::TensorSpec &t : f.results)
    buffers.push_back(&t);
  os << "extern void _mlir_ciface_" << f.name << "(";
  for (size_t i = 0; i < buffers.size(); ++i)
    os << (i ? ", " : "") << "mpt_desc" << buffers[i]->shape.size() << " *";
  os << ");\n";
  os << "int32_t " << f.symbol << "(void *const *b) {\n";
  emitLabelChecks(os, f);
  // setjmp's value may only be tested directly (C11 7.13.1.1).
  os << "  switch (setjmp(mpt_oom)) {\n  case 0:\n    break;\n  case 2:\n"
        "    mpt_in_step = 0;\n    return "
     << rt::kEntryCollectiveFailed
     << ";\n  default:\n    mpt_in_step = 0;\n    return "
     << rt::kEntryOutOfMemory << ";\n  }\n  mpt_in_step = 1;\n";
  for (size_t i = 0; i < buffers.size(); ++i)
    emitDescriptor(os, i, buffers[i]->shape);
  os << "  _mlir_ciface_" << f.name << "(";
  for (size_t i = 0; i < buffers.size(); ++i)
    os << (i ? ", " : "") << "&d" << i;
  os << ");\n  mpt_in_step = 0;\n  return 0;\n}\n\n";
}

/// C source of the entry points: each builds the memref descriptors of its
/// (statically shaped, contiguous) buffers and calls the C interface MLIR
/// generated.
static std::string entryPointSource(const rt::Manifest &manifest,
                                    bool reuseTemporaries) {
  std::string src;
  llvm::raw_string_ostream os(src);
  os << "/* Generated by mpt-compile: entry points of the compiled steps. */\n"
        "#include <setjmp.h>\n#include <stddef.h>\n#include <stdint.h>\n"
        "#include <string.h>\n\n";
  emitAllocatorWrappers(os, reuseTemporaries);
  emitCollectiveHook(os);
  emitParallelForHook(os);
  emitBF16Truncation(os);
  emitDescriptorTypes(os, manifest);
  for (const rt::FunctionSig &f : manifest.functions)
    emitEntryPoint(os, f);
  return src;
}

/// The x86-64 micro-architecture level (psABI) this machine has: v3 adds
/// AVX2, FMA and F16C, which the f16 conversions and the vectorised loops
/// use; v4 AVX-512, whose 16-lane vectors the register tiles use. (LLVM
/// reports the AVX-512 features off where the OS does not save their
/// registers.)
static std::string hostX86Level() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto all = [&](std::initializer_list<const char *> names) {
    return llvm::all_of(names,
                        [&](const char *n) { return features.lookup(n); });
  };
  bool v3 =
      all({"avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe"});
  if (v3 && all({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}))
    return "x86-64-v4";
  if (v3)
    return "x86-64-v3";
  if (all({"sse4.2", "popcnt", "ssse3", "cx16"}))
    return "x86-64-v2";
  return "x86-64";
}

/// An LLVM target machine for this machine's triple and `cpu` / `features`.
static FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(StringRef cpu, StringRef features, Location loc) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc) << "no LLVM target for " << triple.str() << ": "
                          << error;
  // Checked first: LLVM only prints a warning for a CPU it does not know.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "", ""));
  auto unknownCPU = [&]() {
    return emitError(loc) << "LLVM cannot generate code for CPU '" << cpu
                          << "' (use auto, native, or e.g. x86-64, x86-64-v2, "
                             "x86-64-v3, x86-64-v4)";
  };
  if (!generic || !generic->isCPUStringValid(cpu))
    return unknownCPU();
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return unknownCPU();
  return machine;
}

LogicalResult mlir::mpt::resolveTarget(CompileOptions &options, Location loc) {
  if (options.cpu == "auto") {
    options.cpu = hostX86Level();
  } else if (options.cpu == "native") {
    // The host's name and its feature list (which also says what the OS has
    // disabled, e.g. AVX-512 state it does not save).
    options.cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures hostFeatures;
    for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(name, enabled);
    options.cpuFeatureFlags = hostFeatures.getString();
  }
  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(options.cpu, options.cpuFeatureFlags, loc);
  if (failed(machine))
    return failure();
  // Every feature the code generator may use, by its LLVM name.
  const llvm::MCSubtargetInfo *subtarget = (*machine)->getMCSubtargetInfo();
  options.cpuFeatures.clear();
  for (const llvm::SubtargetFeatureKV &feature :
       subtarget->getAllProcessorFeatures()) {
    if (!subtarget->getFeatureBits().test(feature.Value))
      continue;
    if (!options.cpuFeatures.empty())
      options.cpuFeatures += ",";
    options.cpuFeatures += feature.Key;
  }
  auto hasFeature = [&](StringRef name) {
    return llvm::is_contained(llvm::split(options.cpuFeatures, ','), name);
  };
  if (options.fma == "auto")
    options.fma = hasFeature("fma") ? "true" : "false";
  // Gathers and scatters are microcoded and slow on current x86 CPUs (on
  // Intel's since the GDS mitigation): LLVM's tuning for AVX-512 would
  // vectorize the strided loops of convolutions with them, 1.3x slower
  // than without.
  if (!options.cpuFeatureFlags.empty())
    options.cpuFeatureFlags += ",";
  options.cpuFeatureFlags += "+prefer-no-gather,+prefer-no-scatter";
  if (options.vectorBits == 0)
    options.vectorBits = hasFeature("avx512f") ? 512 : 256;
  if (options.vectorBits == 512 && !hasFeature("avx512f"))
    return emitError(loc) << "512-bit vectors need AVX-512, which CPU '"
                          << options.cpu
                          << "' lacks (use --vector-bits=256 or a CPU with "
                             "AVX-512, e.g. --cpu=x86-64-v4)";
  return success();
}

/// Optimizes the LLVM module and emits an object file for the resolved CPU
/// of `options`.
static FailureOr<std::string>
emitObject(llvm::Module &module, const CompileOptions &options, Location loc) {
  FailureOr<std::unique_ptr<llvm::TargetMachine>> created =
      createTargetMachine(options.cpu, options.cpuFeatureFlags, loc);
  if (failed(created))
    return failure();
  std::unique_ptr<llvm::TargetMachine> machine = std::move(*created);
  llvm::Triple triple = machine->getTargetTriple();
  module.setDataLayout(machine->createDataLayout());
  module.setTargetTriple(triple);

  auto optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0, machine.get());
  if (llvm::Error err = optimize(&module))
    return emitError(loc) << "LLVM optimization failed: "
                          << llvm::toString(std::move(err));

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return emitError(loc) << "LLVM cannot emit an object file for "
                          << options.cpu;
  codegen.run(module);
  return std::string(buffer.begin(), buffer.end());
}

static LogicalResult writeFile(StringRef path, StringRef bytes, Location loc) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  os << bytes;
  os.close();
  if (os.has_error())
    return emitError(loc) << "cannot write '" << path
                          << "': " << os.error().message();
  return success();
}

/// Links object + entry points into a shared object with the system C
/// compiler and returns its bytes.
static FailureOr<std::string> link(StringRef object, StringRef entrySource,
                                   const CompileOptions &options,
                                   Location loc) {
  SmallString<128> dir;
  bool keep = !options.keepTempsDir.empty();
  if (keep) {
    dir = options.keepTempsDir;
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return emitError(loc)
             << "cannot create '" << dir << "': " << ec.message();
  } else if (std::error_code ec =
                 llvm::sys::fs::createUniqueDirectory("mpt-compile", dir)) {
    return emitError(loc) << "cannot create a temporary directory: "
                          << ec.message();
  }
  llvm::scope_exit cleanup([&] {
    if (!keep)
      llvm::sys::fs::remove_directories(dir);
  });
  auto file = [&](StringRef name) {
    SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    return std::string(path);
  };
  std::string objectPath = file("step.o"), entryPath = file("entry.c"),
              mapPath = file("exports.map"), soPath = file("step.so"),
              logPath = file("link.log");
  if (failed(writeFile(objectPath, object, loc)) ||
      failed(writeFile(entryPath, entrySource, loc)) ||
      failed(writeFile(mapPath, "{ global: mpt_*; local: *; };\n", loc)))
    return failure();

  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName(options.linker);
  if (!cc)
    return emitError(loc) << "the system C compiler '" << options.linker
                          << "' is not installed (apt-get install gcc); it "
                             "links the native code into a shared object";
  std::string versionScript = "-Wl,--version-script=" + mapPath;
  SmallVector<StringRef> args = {*cc,
                                 "-shared",
                                 "-fPIC",
                                 "-O2",
                                 "-o",
                                 soPath,
                                 objectPath,
                                 entryPath,
                                 versionScript,
                                 "-Wl,-Bsymbolic",
                                 "-Wl,--no-undefined",
                                 "-Wl,--wrap=malloc",
                                 "-Wl,--wrap=free",
                                 "-Wl,--wrap=calloc",
                                 "-Wl,--wrap=realloc",
                                 "-lm"};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(logPath),
                                          StringRef(logPath)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, redirects, 0,
                                         0, &message);
  if (status != 0) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    return emitError(loc) << "linking the shared object failed ("
                          << (message.empty() ? "exit " + std::to_string(status)
                                              : message)
                          << "): " << (log ? (*log)->getBuffer() : "");
  }
  auto so = llvm::MemoryBuffer::getFile(soPath, /*IsText=*/false);
  if (!so)
    return emitError(loc) << "cannot read the linked shared object: "
                          << so.getError().message();
  return (*so)->getBuffer().str();
}

FailureOr<std::string>
mlir::mpt::buildNativeSharedObject(ModuleOp module,
                                   const rt::Manifest &manifest,
                                   const CompileOptions &options) {
  Location loc = module.getLoc();
  PassManager pm(module.getContext());
  mlir::mpt::LowerToCPUOptions lowering;
  lowering.parallelMinWork = options.parallelMinWork;
  lowering.fuseElementwise = options.fuseElementwise;
  lowering.reductionLanes = options.reductionLanes;
  lowering.registerTileMatmuls = options.registerTileMatmuls;
  lowering.vectorBits = options.vectorBits == 512 ? 512 : 256;
  lowering.fmaMatmuls = options.fma == "true";
  mlir::mpt::buildLowerToCPUPipeline(pm, lowering);
  if (failed(pm.run(module)))
    return failure();

  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "mpt-step");
  if (!llvmModule)
    return emitError(loc) << "translation to LLVM IR failed";

  // Only the C interfaces are called from outside (by the entry points).
  // With the steps internal, LLVM inlines each into its one caller, the
  // C interface: otherwise the call between them passes every field of
  // every descriptor (hundreds of arguments), whose instruction selection
  // alone took seconds for a 16-block ResNet.
  for (const rt::FunctionSig &f : manifest.functions)
    if (llvm::Function *step = llvmModule->getFunction(f.name))
      if (llvmModule->getFunction("_mlir_ciface_" + f.name))
        step->setLinkage(llvm::GlobalValue::InternalLinkage);

  FailureOr<std::string> object = emitObject(*llvmModule, options, loc);
  if (failed(object))
    return failure();
  // The entry points, and the record of their ABI the runtime checks the
  // artifact's signature table against (mpt-runtime/NativeAbi.h).
  std::string entries = entryPointSource(manifest, options.reuseTemporaries) +
                        "\n" + rt::nativeAbiSource(manifest);
  return link(*object, entries, options, loc);
}
