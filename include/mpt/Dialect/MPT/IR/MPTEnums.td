//===- MPTEnums.td - mpt enum attributes -------------------*- tablegen -*-===//

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

#endif // MPT_DIALECT_MPT_IR_MPTENUMS_TD
