//===- MPTDialect.td - the mpt dialect ---------------------*- tablegen -*-===//
//
// Training semantics for mixed-precision compilation: the loss and where the
// backward pass starts, casts, optimizer updates, loss scaling and fused
// contraction epilogues.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_IR_MPTDIALECT_TD
#define MPT_DIALECT_MPT_IR_MPTDIALECT_TD

include "mlir/IR/OpBase.td"

def MPT_Dialect : Dialect {
  let name = "mpt";
  let cppNamespace = "::mlir::mpt";
  let summary = "Training semantics for mixed-precision compilation";
  let description = [{
    The `mpt` dialect marks what a plain tensor program does not say about
    training: which scalar is the loss (`mpt.loss`), where the backward pass
    starts (`mpt.grad_seed`), how parameters are updated (`mpt.sgd`,
    `mpt.adam`), precision changes (`mpt.cast`), loss scaling
    (`mpt.unscale_and_check`, `mpt.update_scale`) and contractions with a
    fused epilogue (`mpt.fused_matmul`, `mpt.fused_conv2d`).

    Function arguments and results of a training step carry discardable
    attributes that a runtime binds from alone:

    * `mpt.role`: an `#mpt.role<...>`: `param`, `working_copy`, `opt_state`,
      `loss_scale_state`, `input` (arguments), plus `loss` and `output`
      (results).
    * `mpt.name`: a unique name for an argument, or for a result (outputs
      such as `"found_inf"` or `"logits"`).
    * `mpt.init`: how the runtime initialises a state argument, an
      `#mpt.init<...>` (see its description).
    * `mpt.updates`: on a state result, the `mpt.name` of the argument it
      replaces in the next step.
  }];

  let useDefaultAttributePrinterParser = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];

  let extraClassDeclaration = [{
    /// Names of the discardable attributes mpt puts on functions.
    static constexpr ::llvm::StringLiteral kRoleAttrName = "mpt.role";
    static constexpr ::llvm::StringLiteral kNameAttrName = "mpt.name";
    static constexpr ::llvm::StringLiteral kInitAttrName = "mpt.init";
    static constexpr ::llvm::StringLiteral kUpdatesAttrName = "mpt.updates";
  }];
}

class MPT_Op<string mnemonic, list<Trait> traits = []>
    : Op<MPT_Dialect, mnemonic, traits>;

#endif // MPT_DIALECT_MPT_IR_MPTDIALECT_TD
