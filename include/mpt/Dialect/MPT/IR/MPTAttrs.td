//===- MPTAttrs.td - mpt attributes ------------------------*- tablegen -*-===//
//
// Attributes a training step's signature carries: `#mpt.role<...>` (the enum
// attribute of MPTEnums.td) and `#mpt.init<...>`, how the runtime fills a
// state argument before the first step.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_IR_MPTATTRS_TD
#define MPT_DIALECT_MPT_IR_MPTATTRS_TD

include "mpt/Dialect/MPT/IR/MPTDialect.td"
include "mpt/Dialect/MPT/IR/MPTEnums.td"
include "mlir/IR/AttrTypeBase.td"

/// An optional number, written plainly (`-0.5`, `2`, `1e-3`) and held as an
/// f64 FloatAttr (null when absent).
class MPT_OptionalF64Parameter<string desc>
    : OptionalParameter<"::mlir::FloatAttr", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::mlir::FloatAttr> {
    double value;
    if (::mlir::failed($_parser.parseFloat(value)))
      return ::mlir::failure();
    return ::mlir::FloatAttr::get(
        ::mlir::Float64Type::get($_parser.getContext()), value);
  }() }];
  let printer = [{ $_printer.printFloat($_self.getValue()) }];
}

/// An optional unsigned 64-bit integer (a negative one is an error, not a
/// wrapped value).
class MPT_OptionalU64Parameter<string desc>
    : OptionalParameter<"std::optional<uint64_t>", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<std::optional<uint64_t>> {
    ::llvm::SMLoc loc = $_parser.getCurrentLocation();
    ::llvm::APInt value;
    if ($_parser.parseInteger(value))
      return ::mlir::failure();
    if (value.isNegative() || value.getActiveBits() > 64)
      return $_parser.emitError(loc)
             << "expected an unsigned 64-bit integer";
    return std::optional<uint64_t>(value.getZExtValue());
  }() }];
  let printer = [{ $_printer << *$_self }];
}

def MPT_InitAttr : AttrDef<MPT_Dialect, "Init"> {
  let mnemonic = "init";
  let summary = "how the runtime initialises a state argument";
  let description = [{
    The initial value of a state argument of a training step (a parameter,
    its optimizer state, a loss-scale counter), which the runtime fills
    before the first step:

    * `dist = zeros`: every element 0;
    * `dist = constant, value = V`: every element V (for integer state, V
      converted to the element type);
    * `dist = uniform, low = L, high = H, seed = S`: independent uniform
      draws in `[L, H)` from the counter-based generator seeded with `S`
      (an unsigned 64-bit integer), the same on every machine;
    * `dist = cast_of, source = "name"`: a working copy, the initialised
      argument whose `mpt.name` is `name` converted to this argument's
      element type, rounding to nearest even.

    ```mlir
    func.func @train_step(
        %w: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "w",
            mpt.init = #mpt.init<dist = uniform, low = -0.1, high = 0.1, seed = 7>},
        %wc: tensor<64x10xf16> {mpt.role = #mpt.role<working_copy>,
            mpt.name = "w.working_copy",
            mpt.init = #mpt.init<dist = cast_of, source = "w">}, ...
    ```

    The verifier checks the fields each distribution needs (and no other);
    the dialect checks that a `cast_of` source names another argument of the
    same shape.
  }];
  let parameters = (ins
    EnumParameter<MPT_InitDist>:$dist,
    MPT_OptionalF64Parameter<"the value of a constant">:$value,
    MPT_OptionalF64Parameter<"the lower bound of a uniform draw">:$low,
    MPT_OptionalF64Parameter<"the upper bound of a uniform draw">:$high,
    MPT_OptionalU64Parameter<"the seed of a uniform draw">:$seed,
    StringRefParameter<"the mpt.name a working copy is cast from", "\"\"">
        :$source
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// `dist = zeros`.
    static InitAttr getZeros(::mlir::MLIRContext *context);
    /// `dist = constant, value = value`.
    static InitAttr getConstant(::mlir::MLIRContext *context, double value);
    /// `dist = uniform, low = low, high = high, seed = seed`.
    static InitAttr getUniform(::mlir::MLIRContext *context, double low,
                               double high, uint64_t seed);
    /// `dist = cast_of, source = source`.
    static InitAttr getCastOf(::mlir::MLIRContext *context,
                              ::llvm::StringRef source);
  }];
}

#endif // MPT_DIALECT_MPT_IR_MPTATTRS_TD
