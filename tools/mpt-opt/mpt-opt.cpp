//===- mpt-opt.cpp - mpt's optimizer driver -------------------------------===//
//
// Like mlir-opt, with the mpt dialect and passes and only the upstream
// dialects and passes mpt uses.
//
//===----------------------------------------------------------------------===//

#include "mpt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::mpt::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::mpt::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "mpt optimizer driver: mixed-precision training passes\n",
      registry));
}
