//===- Internal.h - Pre-decoded PTX and the execution context ---*- C++ -*-===//
//
// The emulator parses PTX once per module into `Function`s of `Inst`s: each
// instruction carries a pointer to a handler specialised for its opcode, types
// and modifiers, and its operands as register-file slot indices (immediates,
// special registers and symbol addresses are pre-filled slots too), so that
// execution never looks at text again.
//
// Register file of a warp: value slots are 64-bit, stored lane-minor
// (R[slot * 32 + lane]); a value is kept in the low bits of its slot and every
// reader truncates to its instruction type. Predicates are one 32-bit lane
// mask per predicate register (P[pred]).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_INTERNAL_H
#define MPT_RUNTIME_PTXEMU_INTERNAL_H

#include "Float.h"
#include "mpt-runtime/PTXEmu.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace mpt {
namespace ptxemu {
namespace detail {

//===----------------------------------------------------------------------===//
// Types, spaces, address windows
//===----------------------------------------------------------------------===//

enum class Ty : uint8_t {
  None,
  Pred,
  B8,
  B16,
  B32,
  B64,
  B128,
  U8,
  U16,
  U32,
  U64,
  S8,
  S16,
  S32,
  S64,
  F16,
  F16x2,
  BF16,
  BF16x2,
  F32,
  F64,
  TF32,
  U16x2,
  S16x2,
  E4M3,
  E5M2,
  E4M3x2,
  E5M2x2, // parsed so they can be named in errors
};

unsigned tyBits(Ty t);
inline unsigned tyBytes(Ty t) { return tyBits(t) / 8; }
bool tyIsSigned(Ty t);
bool tyIsFloat(Ty t); ///< f16/bf16/f32/f64 and packed forms
bool tyIsInt(Ty t);   ///< b/u/s
const char *tyName(Ty t);
bool parseTy(const std::string &s, Ty &t); ///< "f32" -> F32

enum class Space : uint8_t { Generic, Global, Shared, Local, Param, Const };
const char *spaceName(Space s);

/// Generic addresses: the state-space windows the emulator places in the
/// 64-bit generic space. Global allocations live above kGlobalBase.
constexpr uint64_t kSharedWindow = 0x0000500000000000ull;
constexpr uint64_t kLocalWindow = 0x0000510000000000ull;
constexpr uint64_t kParamWindow = 0x0000520000000000ull;
constexpr uint64_t kWindowSize = 0x0000000100000000ull; // 4 GiB each
constexpr uint64_t kGlobalBase = 0x0000700000000000ull;
/// The largest single allocation (1 TiB), and the unmapped gap after each.
constexpr uint64_t kMaxAllocationBytes = uint64_t(1) << 40;
constexpr uint64_t kAllocationGap = 0x10000;
inline bool inWindow(uint64_t a, uint64_t w) { return a - w < kWindowSize; }

enum class Special : uint8_t {
  TidX,
  TidY,
  TidZ,
  NtidX,
  NtidY,
  NtidZ,
  CtaidX,
  CtaidY,
  CtaidZ,
  NctaidX,
  NctaidY,
  NctaidZ,
  LaneId,
  WarpId,
  NWarpId,
  SmId,
  NSmId,
  GridId,
  LanemaskEq,
  LanemaskLe,
  LanemaskLt,
  LanemaskGe,
  LanemaskGt,
  DynamicSmemSize,
  TotalSmemSize,
  ClusterCtaRank,
  Zero,
};

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

struct Inst;
struct ExecCtx;
using ExecFn = void (*)(ExecCtx &, const Inst &, uint32_t mask);

/// How the scheduler treats an instruction. `None` instructions run through
/// their handler only; the others need the warp/block scheduler.
enum class Ctl : uint8_t {
  None,
  Bra,         ///< (predicated) branch to `target`
  Exit,        ///< ret / exit from the kernel
  Barrier,     ///< bar/barrier .sync/.arrive/.red
  Collective,  ///< warp-collective: waits for lanes, then runs `fn`
  Unsupported, ///< reaching it is an error (message in Function::notes)
};

/// Which lanes a warp-collective instruction waits for.
enum class Coll : uint8_t {
  AllLanes,   ///< mma.sync, ldmatrix, ...: all 32 lanes, none exited
  MemberMask, ///< shfl.sync, vote.sync, ...: the lanes of operand `mmask`
  Active,     ///< activemask: whatever lanes arrive together
};

constexpr uint32_t kNoSlot = 0xffffffffu;

struct Inst {
  ExecFn fn = nullptr;
  Ctl ctl = Ctl::None;
  Coll coll = Coll::AllLanes;
  Ty ty = Ty::None;  ///< main instruction type
  Ty ty2 = Ty::None; ///< second type (cvt source, mma A/B, ...)
  Space space = Space::Generic;
  uint8_t vec = 1;   ///< vector width / element count
  uint8_t rnd = 0;   ///< fp::Round
  uint8_t flags = 0; ///< per-family flag bits (ftz, sat, ...)
  uint16_t sub = 0;  ///< per-family sub-operation
  uint8_t guardNeg = 0;
  int32_t guard = -1; ///< predicate index or -1
  uint32_t target = 0;
  uint32_t mmask = kNoSlot; ///< membermask operand slot (collectives)
  uint32_t d[4] = {kNoSlot, kNoSlot, kNoSlot, kNoSlot};
  uint32_t a[12] = {};
  int64_t imm = 0;  ///< address offset / immediate
  int64_t imm2 = 0; ///< second immediate
  uint32_t line = 0;
  uint32_t index = 0; ///< position in Function::code (for messages)
};

struct Variable {
  std::string name;
  Space space = Space::Global;
  uint32_t align = 1;
  uint64_t size = 0;
  uint64_t offset = 0;   ///< shared/local/param offset; 0 for global/const
  bool isExtern = false; ///< `.extern .shared ... name[]` (dynamic shared)
  std::vector<uint8_t> init;
  /// Initialiser entries that are addresses of other variables.
  struct AddrInit {
    uint64_t at;
    std::string symbol;
    int64_t addend;
    bool generic;
  };
  std::vector<AddrInit> addrInits;
  uint32_t line = 0;
};

/// A slot that holds the address of a module-scope .global/.const variable;
/// filled per launch (the address depends on the device instance).
struct SymbolSlot {
  uint32_t slot;
  uint32_t global; ///< index into ModuleImpl::globals
  int64_t addend;
};

struct Function {
  std::string name;
  bool isEntry = false;
  bool isDecl = false;  ///< prototype without body
  uint32_t numRets = 0; ///< return parameters (last in `params`)
  uint32_t line = 0;
  std::vector<ParamInfo> params;
  uint32_t paramBytes = 0;
  std::vector<Inst> code;
  std::vector<std::string> text; ///< source text per instruction
  /// Ctl::Unsupported instructions: why (indexed by instruction).
  std::unordered_map<uint32_t, std::string> notes;
  uint32_t numValueSlots = 0;
  uint32_t numPreds = 0;
  std::vector<std::pair<uint32_t, uint64_t>> constSlots;
  std::vector<std::pair<uint32_t, Special>> specialSlots;
  std::vector<SymbolSlot> symbolSlots;
  std::vector<Variable> sharedVars; ///< function-scope .shared (offsets set)
  std::vector<Variable> localVars;  ///< function-scope .local (offsets set)
  uint32_t staticSharedBytes = 0;   ///< module + function static shared
  uint32_t dynamicSharedOffset = 0; ///< where `.extern .shared` begins
  uint32_t localBytes = 0;          ///< per thread
  Dim3 maxntid{0, 0, 0}, reqntid{0, 0, 0};
  bool usesCpAsync = false;
};

struct ModuleImpl {
  std::string name, version, target;
  unsigned addressSize = 64;
  std::vector<Function> functions;
  std::unordered_map<std::string, uint32_t> functionIndex;
  std::vector<Variable> globals; ///< module-scope .global and .const
  std::unordered_map<std::string, uint32_t> globalIndex;
  std::vector<Variable> sharedVars; ///< module-scope .shared (offsets set)
  uint32_t moduleSharedBytes = 0;
  bool hasExternShared = false;
  uint32_t externSharedAlign = 16;
  std::vector<KernelInfo> kernels;
  std::vector<std::string> unsupported;
  size_t instructionCount = 0;
  uint64_t id = 0; ///< unique per loaded module
};

/// Parses PTX text into `m`; returns false with `error` set on a syntax or
/// decode error.
bool parseModule(std::string_view text, std::string_view name, ModuleImpl &m,
                 std::string &error);

//===----------------------------------------------------------------------===//
// Device memory
//===----------------------------------------------------------------------===//

struct Allocation {
  uint64_t base = 0;
  uint64_t size = 0;
  std::unique_ptr<uint8_t[]> data;
  bool readOnly = false;
  std::string what; ///< "allocation" / "global variable 'x'"
};

//===----------------------------------------------------------------------===//
// Execution state
//===----------------------------------------------------------------------===//

/// One in-flight cp.async of one lane.
struct PendingCopy {
  uint32_t dst; ///< shared offset
  uint8_t size; ///< bytes written (cp-size)
  uint8_t lane;
  uint32_t group; ///< the lane's group sequence number
  uint32_t inst;  ///< issuing instruction (for messages)
  uint8_t data[16];
};

/// A set of lanes of one warp at the same pc.
struct Group {
  uint32_t pc;
  uint32_t mask;
  enum State : uint8_t { Ready, AtBarrier, AtCollective } state = Ready;
  uint8_t bar = 0; ///< barrier waited on (AtBarrier)
};

struct WarpState {
  uint32_t index = 0;      ///< warp index in the CTA
  uint32_t threadBase = 0; ///< linear thread id of lane 0
  uint32_t existMask = 0;  ///< lanes that are threads of the CTA
  uint32_t liveMask = 0;   ///< lanes not yet exited
  std::vector<Group> groups;
  std::vector<uint64_t> R;
  std::vector<uint32_t> P;
  std::vector<uint8_t> local; ///< 32 x localBytes
  // cp.async bookkeeping
  std::vector<PendingCopy> pending;
  uint32_t nextGroup[32] = {};
  uint32_t exitLine[32] = {};
  bool done() const { return liveMask == 0; }
};

struct LaunchState;
struct BlockState;
struct DeviceImpl;

/// What a handler sees of the running warp. An error does not unwind: the
/// handler records it with fail() (the first one wins: `trapped` is set and
/// `trap` holds the message), returns at once without touching more state,
/// and the scheduler, which looks at `trapped` after each instruction that
/// can fail, stops the launch.
struct ExecCtx {
  bool trapped = false;
  uint64_t *R = nullptr;
  uint32_t *P = nullptr;
  WarpState *warp = nullptr;
  BlockState *block = nullptr;
  LaunchState *launch = nullptr;
  DeviceImpl *dev = nullptr;
  const Function *fn = nullptr;
  uint8_t *shared = nullptr;
  uint64_t sharedSize = 0;
  uint8_t *local = nullptr;
  uint64_t localSize = 0; ///< per lane
  const uint8_t *params = nullptr;
  uint64_t paramSize = 0;
  Allocation *lastAlloc = nullptr;
  uint64_t warpInsts = 0;   ///< issued warp instructions (also %clock)
  uint64_t threadInsts = 0; ///< executed thread instructions
  uint64_t mmaInsts = 0;
  std::string trap; ///< the error that stopped the launch (when `trapped`)
};

/// Records the error `msg` of instruction `in` in lane `lane` (-1: the whole
/// warp) with its kernel, line, text, block and thread, unless an error was
/// recorded already; the caller returns at once.
void fail(ExecCtx &c, const Inst &in, int lane, const std::string &msg);
/// Records `msg` as it is (a message that does not name one instruction),
/// unless an error was recorded already.
void trap(ExecCtx &c, std::string msg);
/// "block (x,y,z) thread (x,y,z)" for a lane of the current warp.
std::string threadName(ExecCtx &c, int lane);

//===----------------------------------------------------------------------===//
// Register access helpers
//===----------------------------------------------------------------------===//

template <typename T> inline T rd(uint64_t v) {
  if constexpr (std::is_same_v<T, float>)
    return fp::floatOf((uint32_t)v);
  else if constexpr (std::is_same_v<T, double>)
    return fp::doubleOf(v);
  else
    return (T)v;
}
template <typename T> inline uint64_t wr(T v) {
  if constexpr (std::is_same_v<T, float>)
    return fp::bitsOf(v);
  else if constexpr (std::is_same_v<T, double>)
    return fp::bitsOf(v);
  else if constexpr (std::is_signed_v<T>)
    return (uint64_t)(int64_t)v;
  else
    return (uint64_t)v;
}

inline uint64_t *slot(ExecCtx &c, uint32_t s) { return c.R + (size_t)s * 32; }

/// Runs f(lane) for each lane of `mask` (a plain loop for full warps).
template <typename F> inline void forLanes(uint32_t mask, F &&f) {
  if (mask == 0xffffffffu) {
    for (uint32_t l = 0; l < 32; ++l)
      f(l);
  } else {
    while (mask) {
      uint32_t l = (uint32_t)__builtin_ctz(mask);
      f(l);
      mask &= mask - 1;
    }
  }
}

/// Runs f(lane) for each lane of `mask`, in increasing order, while it
/// returns true; false as soon as one returns false (it recorded an error
/// with fail(): the remaining lanes do not run).
template <typename F> inline bool forLanesWhile(uint32_t mask, F &&f) {
  if (mask == 0xffffffffu) {
    for (uint32_t l = 0; l < 32; ++l)
      if (!f(l))
        return false;
    return true;
  }
  while (mask) {
    if (!f((uint32_t)__builtin_ctz(mask)))
      return false;
    mask &= mask - 1;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Decoding interface shared by the instruction families
//===----------------------------------------------------------------------===//

/// One parsed operand.
struct Operand {
  enum Kind : uint8_t {
    Reg,    ///< %r1 (or a symbol that is a register)
    Imm,    ///< integer literal
    FImm,   ///< floating literal (fbits/isF32 give its exact value)
    Symbol, ///< name of a variable, label or function
    Addr,   ///< [base + offset]
    Vec,    ///< {a, b, ...}
    Sink,   ///< _
    List,   ///< ( ... ) in call
    Str,
  } kind = Imm;
  std::string name;   ///< Reg/Symbol, or the Addr base name (empty: no base)
  int64_t ival = 0;   ///< Imm value, or Addr offset
  double fval = 0;    ///< FImm value (f32 literals converted exactly)
  bool isF32 = false; ///< FImm given as 0fXXXXXXXX
  uint64_t fbits = 0; ///< FImm exact bits (f32 or f64 as written)
  bool neg = false;   ///< !%p
  bool addrImmBase = false;   ///< Addr with an immediate base: [0x100]
  std::vector<Operand> elems; ///< Vec / List elements; pair: [0] = second
  bool hasPair = false;       ///< d|p : elems[0] is p
  uint32_t col = 0;
};

struct ParsedInst {
  std::string opcode;            ///< "ld.global.f32"
  std::string base;              ///< "ld"
  std::vector<std::string> mods; ///< ["global", "f32"] (without dots)
  std::vector<Operand> ops;
  std::string guard;
  bool guardNeg = false;
  uint32_t line = 0, col = 0;
  std::string text;
};

class FunctionBuilder;

/// Modifier bag filled from ParsedInst::mods. Each decoder takes the
/// modifiers it understands; whatever is left is "unsupported modifier".
struct Mods {
  std::vector<std::string> rest; ///< unclassified, in order
  std::vector<Ty> types;
  Space space = Space::Generic;
  bool hasSpace = false;
  int vec = 1;
  bool hasRnd = false;
  fp::Round rnd = fp::Round::RN;
  bool irnd = false; ///< .rni/.rzi/.rmi/.rpi
  bool ftz = false, sat = false, approx = false, full = false, relu = false,
       satfinite = false, nan = false, noftz = false, cc = false;
  bool take(const char *m); ///< removes `m` from rest if present
};

/// Decoding context handed to family decoders.
///
/// Errors are recorded, not thrown: the first one wins and is kept in
/// `err` (later ones are dropped), and from then on every accessor returns
/// a placeholder (slot 0, Ty::None) without touching the FunctionBuilder.
/// A family decoder returns as soon as an error() / need() / noMoreMods() /
/// oneType() reports one (`return c.error(...)`, `if (!c.need(3)) return
/// true;`), so that nothing reads past what it checked; after the operand
/// accessors (value, dest, pred, address) it may go on, and
/// decodeInstruction looks at the error before using anything decoded.
struct DecodeCtx {
  /// What stopped decoding: an instruction form the emulator does not
  /// implement (the instruction becomes Ctl::Unsupported, parsing goes on),
  /// or an error in the PTX itself (an undeclared register: parsing stops).
  enum class Err : uint8_t { None, Unsupported, Fatal };

  DecodeCtx(FunctionBuilder &fb, ParsedInst &pi, Inst &in)
      : fb(fb), pi(pi), in(in) {}

  FunctionBuilder &fb;
  ParsedInst &pi;
  Mods mods;
  Inst &in;
  Err err = Err::None;
  std::string errMsg;
  uint32_t errLine = 0, errCol = 0; ///< where a Fatal error is reported

  bool failed() const { return err != Err::None; }
  /// Value slot for an operand, converting literals to `ty`.
  uint32_t value(const Operand &op, Ty ty);
  uint32_t value(size_t i, Ty ty) {
    const Operand *op = operand(i);
    return op ? value(*op, ty) : 0;
  }
  /// Destination register slot (a register or `_`).
  uint32_t dest(const Operand &op);
  uint32_t dest(size_t i) {
    const Operand *op = operand(i);
    return op ? dest(*op) : 0;
  }
  uint32_t pred(const Operand &op); ///< predicate register index
  bool isPredReg(const Operand &op);
  /// Address operand: base slot into `base` (or zero slot) and offset into
  /// `imm`. Symbols resolve to their address in their own state space; the
  /// space of a named variable is returned in `symSpace` if non-null.
  void address(const Operand &op, uint32_t &base, int64_t &imm,
               Space *symSpace = nullptr, bool *is32 = nullptr);
  uint32_t zeroSlot();
  uint32_t constSlot(uint64_t v);
  uint32_t carrySlot();   ///< hidden slot holding the carry flag (.cc)
  uint32_t scratchSlot(); ///< a fresh hidden slot
  uint32_t sinkSlot();    ///< the slot `_` writes to
  /// Records that the instruction is not supported, with `msg` (unless an
  /// error was recorded already); returns true, so that a family decoder
  /// can `return c.error(...)` (the instruction is claimed).
  [[nodiscard]] bool error(const std::string &msg);
  /// Records an error in the PTX at the statement being decoded (unless an
  /// error was recorded already).
  void fatal(const std::string &msg);
  /// Exactly `nops` operands; false (with the error recorded) otherwise.
  [[nodiscard]] bool need(size_t nops);
  /// No modifiers left; false (with the error recorded) otherwise.
  [[nodiscard]] bool noMoreMods();
  /// Exactly one type modifier; Ty::None (with the error recorded, or after
  /// an earlier error) otherwise.
  Ty oneType();

private:
  /// error(msg) / fatal(msg), then the placeholder slot 0.
  uint32_t errorSlot(const std::string &msg);
  uint32_t fatalSlot(const std::string &msg);
  /// Operand `i`, or null (with "missing operand" recorded) past the end.
  const Operand *operand(size_t i);
};

// Family decoders (each returns false if the base opcode is not theirs).
bool decodeIntArith(DecodeCtx &c);
bool decodeFloatArith(DecodeCtx &c);
bool decodeLogic(DecodeCtx &c);
bool decodeCompare(DecodeCtx &c);
bool decodeMove(DecodeCtx &c);
bool decodeConvert(DecodeCtx &c);
bool decodeMemory(DecodeCtx &c);
bool decodeWarp(DecodeCtx &c);
bool decodeControl(DecodeCtx &c);

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_INTERNAL_H
