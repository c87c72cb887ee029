//===- MPTEnums.td - mpt enum attributes -------------------*- tablegen -*-===//
//
// The closed vocabularies of the dialect: the roles of a training step's
// arguments and results, the initialisers of its state, and the epilogues,
// aux results and layouts of the fused contractions. Each is defined once
// here; the C++ enums and their stringify/symbolize functions are generated.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_IR_MPTENUMS_TD
#define MPT_DIALECT_MPT_IR_MPTENUMS_TD

include "mpt/Dialect/MPT/IR/MPTDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def MPT_Epilogue : I32EnumAttr<"Epilogue",
    "what a fused contraction applies to its accumulators", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"bias", 1>,
      I32EnumAttrCase<"relu", 2>,
      I32EnumAttrCase<"bias_relu", 3>
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::mpt";
}
def MPT_EpilogueAttr : EnumAttr<MPT_Dialect, MPT_Epilogue, "epilogue"> {
  let assemblyFormat = "`<` $value `>`";
}

def MPT_AuxResult : I32EnumAttr<"AuxResult",
    "the extra result a fused contraction keeps for the backward pass", [
      I32EnumAttrCase<"relu_mask", 0>,
      I32EnumAttrCase<"pre_activation", 1>
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::mpt";
}
def MPT_AuxResultAttr : EnumAttr<MPT_Dialect, MPT_AuxResult, "aux"> {
  let assemblyFormat = "`<` $value `>`";
}

def MPT_ConvLayout : I32EnumAttr<"ConvLayout",
    "data layout of a fused convolution (input / filter)", [
      I32EnumAttrCase<"nhwc_hwcf", 0>,
      I32EnumAttrCase<"nchw_fchw", 1>
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::mpt";
}
def MPT_ConvLayoutAttr : EnumAttr<MPT_Dialect, MPT_ConvLayout, "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

def MPT_ReduceKind : I32EnumAttr<"ReduceKind",
    "how mpt.all_reduce combines the ranks' values", [
      I32EnumAttrCase<"sum", 0>,
      I32EnumAttrCase<"mean", 1>
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::mpt";
}
def MPT_ReduceKindAttr : EnumAttr<MPT_Dialect, MPT_ReduceKind, "reduce"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Training-step signature
//===----------------------------------------------------------------------===//

// The numeric values are those of the runtime's role table
// (runtime/include/mpt-runtime/Signature.h, part of the checkpoint format);
// unittests/Dialect/MPT/RoleTest.cpp checks that the two lists agree.
def MPT_Role : I32EnumAttr<"Role",
    "the part an argument or result plays in a training step", [
      I32EnumAttrCase<"Param", 1, "param">,
      I32EnumAttrCase<"WorkingCopy", 2, "working_copy">,
      I32EnumAttrCase<"OptState", 3, "opt_state">,
      I32EnumAttrCase<"LossScaleState", 4, "loss_scale_state">,
      I32EnumAttrCase<"Input", 5, "input">,
      I32EnumAttrCase<"Loss", 6, "loss">,
      I32EnumAttrCase<"Output", 7, "output">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::mpt";
}
def MPT_RoleAttr : EnumAttr<MPT_Dialect, MPT_Role, "role"> {
  let assemblyFormat = "`<` $value `>`";
}

def MPT_InitDist : I32EnumAttr<"InitDist",
    "how the runtime fills a state argument before the first step", [
      I32EnumAttrCase<"zeros", 0>,
      I32EnumAttrCase<"constant", 1>,
      I32EnumAttrCase<"uniform", 2>,
      I32EnumAttrCase<"cast_of", 3>
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::mpt";
}

//===----------------------------------------------------------------------===//
// Choices of the mixed-precision passes and pipeline (their options are
// tablegen enum options over these)
//===----------------------------------------------------------------------===//

def MPT_LowPrecision : I32Enum<"LowPrecision",
    "the 16-bit float type low-precision ops compute in", [
      I32EnumCase<"F16", 1, "f16">,
      I32EnumCase<"BF16", 2, "bf16">
    ]> {
  let cppNamespace = "::mlir::mpt";
}

def MPT_StoragePrecision : I32Enum<"StoragePrecision",
    "the type pure low-precision training stores parameters in", [
      I32EnumCase<"Auto", 0, "auto">,
      I32EnumCase<"F16", 1, "f16">,
      I32EnumCase<"BF16", 2, "bf16">
    ]> {
  let cppNamespace = "::mlir::mpt";
}

def MPT_LossScaleMode : I32Enum<"LossScaleMode",
    "how the loss is scaled", [
      I32EnumCase<"Auto", 0, "auto">,
      I32EnumCase<"Dynamic", 1, "dynamic">,
      I32EnumCase<"Static", 2, "static">,
      I32EnumCase<"None", 3, "none">
    ]> {
  let cppNamespace = "::mlir::mpt";
}

def MPT_OverflowCheck : I32Enum<"OverflowCheck",
    "which scaled gradients count as an overflow", [
      I32EnumCase<"Auto", 0, "auto">,
      I32EnumCase<"Inf", 1, "inf">,
      I32EnumCase<"F16", 2, "f16">
    ]> {
  let cppNamespace = "::mlir::mpt";
}

#endif // MPT_DIALECT_MPT_IR_MPTENUMS_TD
