//===- LaunchPlan.cpp - host functions of launches to a launch plan -------===//
//
// After mpt-lower-to-cuda's kernel outlining a host function is a straight
// line of allocations, views, constants, launches and copies. For static
// shapes that line never changes, so instead of generating host code it is
// recorded as data (mpt-runtime/LaunchPlan.h):
//
// * every memref value resolves to the buffer it views: a call buffer (the
//   function's arguments, results being trailing out-parameters), a
//   temporary, or a constant global; kernels take bare base pointers and
//   apply their static offsets themselves, copies carry byte offsets;
// * a temporary lives from the first to the last step that touches it, and
//   temporaries whose lifetimes do not overlap share arena bytes (largest
//   first, each at the lowest aligned offset free for its lifetime).
//
//===----------------------------------------------------------------------===//

#include "mpt/Compiler/Compiler.h"

#include "mpt-runtime/LaunchPlan.h"
#include "mpt-runtime/Signature.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <algorithm>

using namespace mlir;
namespace rt = ::mpt::rt;

namespace {

uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

/// Bytes of one element in device memory (i1 is a byte).
uint64_t elementBytes(Type t) {
  return std::max<uint64_t>(1, (t.getIntOrFloatBitWidth() + 7) / 8);
}

uint64_t memrefBytes(MemRefType type) {
  return static_cast<uint64_t>(type.getNumElements()) *
         elementBytes(type.getElementType());
}

/// Appends the elements of a constant as they lie in device memory.
LogicalResult appendConstantBytes(Attribute value, MemRefType type,
                                  std::string &out) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    uint64_t width = elementBytes(type.getElementType());
    auto put = [&](const APInt &bits) {
      for (uint64_t i = 0; i < width; ++i)
        out.push_back(static_cast<char>(
            bits.getBitWidth() > 8 * i
                ? bits.extractBitsAsZExtValue(
                      std::min<unsigned>(8, bits.getBitWidth() - 8 * i), 8 * i)
                : 0));
    };
    int64_t n = type.getNumElements();
    if (isa<FloatType>(type.getElementType())) {
      auto values = dense.getValues<APFloat>();
      for (int64_t i = 0; i < n; ++i)
        put(values[dense.isSplat() ? 0 : i].bitcastToAPInt());
    } else {
      auto values = dense.getValues<APInt>();
      for (int64_t i = 0; i < n; ++i)
        put(values[dense.isSplat() ? 0 : i]);
    }
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> data = blob->getData();
    if (data.size() != memrefBytes(type))
      return failure();
    out.append(data.begin(), data.end());
    return success();
  }
  return failure();
}

/// The plan of one host function.
class FunctionPlanner {
public:
  FunctionPlanner(func::FuncOp func, const rt::FunctionSig &sig,
                  std::string &constants,
                  llvm::StringMap<uint64_t> &constantOffsets)
      : func(func), sig(sig), constants(constants),
        constantOffsets(constantOffsets) {}

  FailureOr<rt::FunctionPlan> run() {
    size_t expected = sig.args.size() + sig.results.size();
    if (func.getNumArguments() != expected)
      return func.emitError() << "host function has " << func.getNumArguments()
                              << " buffers, the signature table " << expected;
    for (BlockArgument arg : func.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type)
        return func.emitError("host function argument is not a memref");
      Slot slot;
      slot.buffer.kind = rt::PlanBuffer::Kind::Argument;
      slot.buffer.index = arg.getArgNumber();
      slot.buffer.bytes = memrefBytes(type);
      rootSlot[arg] = addSlot(slot);
    }
    for (Operation &op : func.getBody().front())
      if (failed(visit(&op)))
        return failure();
    return finish();
  }

private:
  struct Slot {
    rt::PlanBuffer buffer;
    int64_t first = -1, last = -1; ///< steps that touch it
  };

  unsigned addSlot(const Slot &slot) {
    slots.push_back(slot);
    return slots.size() - 1;
  }

  /// The slot a memref value views, marked as used by the current step.
  FailureOr<unsigned> use(Value v) {
    auto it = rootSlot.find(v);
    if (it == rootSlot.end())
      return failure();
    Slot &s = slots[it->second];
    int64_t step = static_cast<int64_t>(steps.size());
    if (s.first < 0)
      s.first = step;
    s.last = step;
    return it->second;
  }

  LogicalResult visit(Operation *op) {
    if (isa<arith::ConstantOp, memref::DeallocOp, func::ReturnOp>(op))
      return success();
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      Slot slot;
      slot.buffer.kind = rt::PlanBuffer::Kind::Arena;
      slot.buffer.bytes = memrefBytes(alloc.getType());
      rootSlot[alloc] = addSlot(slot);
      return success();
    }
    if (auto global = dyn_cast<memref::GetGlobalOp>(op))
      return visitGlobal(global);
    if (auto view = dyn_cast<ViewLikeOpInterface>(op)) {
      auto it = rootSlot.find(view.getViewSource());
      if (it == rootSlot.end())
        return op->emitError("view of a memref the plan does not know");
      rootSlot[op->getResult(0)] = it->second;
      return success();
    }
    if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op))
      return visitLaunch(launch);
    if (auto copy = dyn_cast<memref::CopyOp>(op))
      return visitCopy(copy);
    if (auto fill = dyn_cast<linalg::FillOp>(op))
      return visitZeroFill(fill);
    return op->emitError() << "'" << op->getName()
                           << "' left in a host function after kernel "
                              "outlining; a launch plan cannot run it";
  }

  LogicalResult visitGlobal(memref::GetGlobalOp get) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    if (!global)
      return get.emitError("constant global not found");
    auto [it, inserted] = constantOffsets.try_emplace(global.getSymName(), 0);
    if (inserted) {
      constants.resize(alignUp(constants.size(), rt::kPlanAlignment), '\0');
      it->second = constants.size();
      std::optional<Attribute> init = global.getInitialValue();
      if (!init || isa<UnitAttr>(*init))
        constants.append(memrefBytes(get.getType()), '\0');
      else if (failed(appendConstantBytes(*init, get.getType(), constants)))
        return get.emitError("constant data of an unsupported kind");
    }
    Slot slot;
    slot.buffer.kind = rt::PlanBuffer::Kind::Constant;
    slot.buffer.offset = it->second;
    slot.buffer.bytes = memrefBytes(get.getType());
    rootSlot[get] = addSlot(slot);
    return success();
  }

  LogicalResult visitLaunch(gpu::LaunchFuncOp launch) {
    rt::PlanStep step;
    step.kind = rt::PlanStep::Kind::Launch;
    step.kernel = launch.getKernelName().str();
    auto constant = [&](Value v, uint32_t &out) {
      std::optional<int64_t> c = getConstantIntValue(v);
      if (!c || *c < 0 || *c > 0x7fffffff)
        return false;
      out = static_cast<uint32_t>(*c);
      return true;
    };
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    bool ok =
        constant(grid.x, step.grid[0]) && constant(grid.y, step.grid[1]) &&
        constant(grid.z, step.grid[2]) && constant(block.x, step.block[0]) &&
        constant(block.y, step.block[1]) && constant(block.z, step.block[2]);
    if (Value shared = launch.getDynamicSharedMemorySize())
      ok = ok && constant(shared, step.sharedBytes);
    if (!ok)
      return launch.emitError("launch dimensions must be constants");
    for (Value operand : launch.getKernelOperands()) {
      rt::PlanValue value;
      if (isa<MemRefType>(operand.getType())) {
        FailureOr<unsigned> slot = use(operand);
        if (failed(slot))
          return launch.emitError("kernel argument of unknown origin");
        value.buffer = *slot;
      } else if (failed(scalarArgument(operand, value))) {
        return launch.emitError("kernel scalar arguments must be constants");
      }
      step.args.push_back(value);
    }
    steps.push_back(std::move(step));
    return success();
  }

  LogicalResult scalarArgument(Value v, rt::PlanValue &out) {
    Attribute attr;
    if (!matchPattern(v, m_Constant(&attr)))
      return failure();
    if (auto i = dyn_cast<IntegerAttr>(attr)) {
      unsigned width =
          v.getType().isIndex() ? 64 : v.getType().getIntOrFloatBitWidth();
      out.kind =
          width <= 32 ? rt::PlanValue::Kind::I32 : rt::PlanValue::Kind::I64;
      out.intValue = i.getValue().getSExtValue();
      return success();
    }
    if (auto f = dyn_cast<FloatAttr>(attr)) {
      out.kind = f.getType().isF64() ? rt::PlanValue::Kind::F64
                                     : rt::PlanValue::Kind::F32;
      out.floatValue = f.getValueAsDouble();
      return success();
    }
    return failure();
  }

  LogicalResult visitCopy(memref::CopyOp copy) {
    auto byteOffset = [](Value v) -> uint64_t {
      auto type = cast<MemRefType>(v.getType());
      int64_t offset = 0;
      SmallVector<int64_t> strides;
      (void)type.getStridesAndOffset(strides, offset);
      return static_cast<uint64_t>(offset) *
             elementBytes(type.getElementType());
    };
    FailureOr<unsigned> src = use(copy.getSource());
    FailureOr<unsigned> dst = use(copy.getTarget());
    if (failed(src) || failed(dst))
      return copy.emitError("copy between memrefs of unknown origin");
    rt::PlanStep step;
    step.kind = rt::PlanStep::Kind::Copy;
    step.src = *src;
    step.dst = *dst;
    step.srcOffset = byteOffset(copy.getSource());
    step.dstOffset = byteOffset(copy.getTarget());
    step.bytes = memrefBytes(cast<MemRefType>(copy.getSource().getType()));
    steps.push_back(std::move(step));
    return success();
  }

  /// A fill the outliner left on the host: zero bits into a contiguous
  /// buffer, a device memset.
  LogicalResult visitZeroFill(linalg::FillOp fill) {
    Value out = fill.getOutputs()[0];
    auto type = dyn_cast<MemRefType>(out.getType());
    Value value = fill.getInputs()[0];
    if (!type || !(matchPattern(value, m_PosZeroFloat()) ||
                   matchPattern(value, m_Zero())))
      return fill.emitError("only fills with zero stay on the host");
    FailureOr<unsigned> dst = use(out);
    if (failed(dst))
      return fill.emitError("fill of a memref of unknown origin");
    int64_t offset = 0;
    SmallVector<int64_t> strides;
    (void)type.getStridesAndOffset(strides, offset);
    rt::PlanStep step;
    step.kind = rt::PlanStep::Kind::Zero;
    step.dst = *dst;
    step.dstOffset =
        static_cast<uint64_t>(offset) * elementBytes(type.getElementType());
    step.bytes = memrefBytes(type);
    steps.push_back(std::move(step));
    return success();
  }

  /// Drops unused slots, gives temporaries arena offsets, renumbers.
  rt::FunctionPlan finish() {
    rt::FunctionPlan plan;
    plan.name = sig.name;
    SmallVector<unsigned> arena;
    for (unsigned i = 0; i < slots.size(); ++i)
      if (slots[i].buffer.kind == rt::PlanBuffer::Kind::Arena &&
          slots[i].first >= 0)
        arena.push_back(i);
    llvm::stable_sort(arena, [&](unsigned a, unsigned b) {
      return slots[a].buffer.bytes > slots[b].buffer.bytes;
    });
    SmallVector<unsigned> placed;
    for (unsigned i : arena) {
      Slot &s = slots[i];
      // Candidate offsets: 0 and the end of every placed slot that is alive
      // at the same time; the lowest one free of conflicts wins.
      SmallVector<uint64_t> candidates = {0};
      for (unsigned j : placed)
        if (slots[j].first <= s.last && s.first <= slots[j].last)
          candidates.push_back(
              alignUp(slots[j].buffer.offset + slots[j].buffer.bytes,
                      rt::kPlanAlignment));
      llvm::sort(candidates);
      for (uint64_t offset : candidates) {
        bool free = llvm::all_of(placed, [&](unsigned j) {
          const Slot &o = slots[j];
          bool timeOverlap = o.first <= s.last && s.first <= o.last;
          bool spaceOverlap = offset < o.buffer.offset + o.buffer.bytes &&
                              o.buffer.offset < offset + s.buffer.bytes;
          return !(timeOverlap && spaceOverlap);
        });
        if (free) {
          s.buffer.offset = offset;
          break;
        }
      }
      placed.push_back(i);
      plan.arenaBytes =
          std::max(plan.arenaBytes, alignUp(s.buffer.offset + s.buffer.bytes,
                                            rt::kPlanAlignment));
    }
    // Call buffers keep their positions; unused temporaries disappear.
    SmallVector<int64_t> renumber(slots.size(), -1);
    for (unsigned i = 0; i < slots.size(); ++i) {
      const Slot &s = slots[i];
      if (s.buffer.kind != rt::PlanBuffer::Kind::Argument && s.first < 0)
        continue;
      renumber[i] = plan.buffers.size();
      plan.buffers.push_back(s.buffer);
    }
    for (rt::PlanStep &step : steps) {
      if (step.kind == rt::PlanStep::Kind::Copy)
        step.src = renumber[step.src];
      if (step.kind != rt::PlanStep::Kind::Launch)
        step.dst = renumber[step.dst];
      for (rt::PlanValue &v : step.args)
        if (v.kind == rt::PlanValue::Kind::Buffer)
          v.buffer = renumber[v.buffer];
    }
    plan.steps = std::move(steps);
    return plan;
  }

  func::FuncOp func;
  const rt::FunctionSig &sig;
  std::string &constants;
  llvm::StringMap<uint64_t> &constantOffsets;
  SmallVector<Slot> slots;
  DenseMap<Value, unsigned> rootSlot;
  std::vector<rt::PlanStep> steps;
};

} // namespace

FailureOr<rt::LaunchPlan>
mlir::mpt::buildLaunchPlan(ModuleOp module, const rt::Manifest &manifest,
                           int64_t sm, std::string &deviceConstants) {
  rt::LaunchPlan plan;
  plan.sm = static_cast<uint32_t>(sm);
  for (auto kernels : module.getOps<gpu::GPUModuleOp>())
    for (auto kernel : kernels.getOps<gpu::GPUFuncOp>()) {
      rt::PlanKernel k;
      k.name = kernel.getName().str();
      if (auto family = kernel->getAttrOfType<StringAttr>("mpt.kernel_family"))
        k.family = family.str();
      if (auto tile = kernel->getAttrOfType<StringAttr>("mpt.tile"))
        k.tile = tile.str();
      k.params = kernel.getNumArguments();
      plan.kernels.push_back(std::move(k));
    }
  llvm::StringMap<uint64_t> constantOffsets;
  for (const rt::FunctionSig &sig : manifest.functions) {
    auto func = module.lookupSymbol<func::FuncOp>(sig.name);
    if (!func || func.isExternal())
      return module.emitError() << "no host function '" << sig.name << "'";
    FailureOr<rt::FunctionPlan> f =
        FunctionPlanner(func, sig, deviceConstants, constantOffsets).run();
    if (failed(f))
      return failure();
    plan.arenaBytes = std::max(plan.arenaBytes, f->arenaBytes);
    plan.functions.push_back(std::move(*f));
  }
  return plan;
}

FailureOr<std::string> mlir::mpt::extractPTX(ModuleOp module) {
  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    for (Attribute attr : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attr);
      if (object && object.getFormat() == gpu::CompilationTarget::Assembly)
        return object.getObject().str();
    }
  }
  return module.emitError("no PTX (gpu.binary in assembly format) in the "
                          "lowered module");
}
