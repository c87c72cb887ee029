//===- mpt-translate.cpp - mpt's translation driver -----------------------===//
//
// Like mlir-translate, for what mpt lowers to: the LLVM dialect (after
// mpt-lower-to-cpu) to LLVM IR, and back.
//
//   mpt-opt step.mlir -mpt-lower-to-cpu | mpt-translate --mlir-to-llvmir
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllTranslations.h"
#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerToLLVMIRTranslation();
  mlir::registerFromLLVMIRTranslation();
  return mlir::failed(mlir::mlirTranslateMain(
      argc, argv, "mpt translation driver: LLVM dialect <-> LLVM IR\n"));
}
