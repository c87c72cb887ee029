//===- mpt-compile.cpp - FP32 training graph to an mpt artifact ----------===//
//
//   mpt-compile model.mlir --target=cpu --precision=f16 -o model.mpt
//
// Runs mpt-mixed-precision (unless --precision=f32), lowers to native code and
// writes one self-contained artifact for mpt-run / libmpt_runtime. Errors are
// diagnostics with a location; the output is written only on success.
//
//===----------------------------------------------------------------------===//

#include "mpt/Compiler/Compiler.h"
#include "mpt/InitAll.h"
#include "mpt/Support/ParserGuards.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
cl::OptionCategory category("mpt-compile options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .mlir>"),
                               cl::init("-"), cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output artifact (.mpt)"),
                                cl::value_desc("file"), cl::Required,
                                cl::cat(category));
cl::opt<std::string> target("target",
                            cl::desc("cpu (native code) or cuda (PTX and a "
                                     "launch plan)"),
                            cl::init("cpu"), cl::cat(category));
cl::opt<int64_t> sm("sm",
                    cl::desc("Compute capability of the PTX for "
                             "--target=cuda: 80 (A100 and later) or 90 "
                             "(H100/H200)"),
                    cl::init(80), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::init(false), cl::cat(category),
                    cl::desc("Do not print the summary of a cuda artifact"));
cl::opt<std::string> precision("precision", cl::desc("f32, f16 or bf16"),
                               cl::init("f32"), cl::cat(category));
cl::opt<std::string>
    lossScale("loss-scale",
              cl::desc("dynamic, static, none or auto (dynamic for f16, none "
                       "for bf16)"),
              cl::init("auto"), cl::cat(category));
cl::opt<double> initScale("init-scale", cl::init(mlir::mpt::kDefaultInitScale),
                          cl::cat(category),
                          cl::desc("Initial (or static) loss scale"));
cl::opt<double> growthFactor("growth-factor",
                             cl::init(mlir::mpt::kDefaultGrowthFactor),
                             cl::cat(category),
                             cl::desc("Loss-scale growth factor"));
cl::opt<double> backoffFactor("backoff-factor",
                              cl::init(mlir::mpt::kDefaultBackoffFactor),
                              cl::cat(category),
                              cl::desc("Loss-scale backoff factor"));
cl::opt<int64_t> growthInterval("growth-interval",
                                cl::init(mlir::mpt::kDefaultGrowthInterval),
                                cl::cat(category),
                                cl::desc("Clean steps before the scale grows"));
cl::opt<int64_t> hysteresis("hysteresis",
                            cl::init(mlir::mpt::kDefaultHysteresis),
                            cl::cat(category),
                            cl::desc("Overflows tolerated before backoff"));
cl::opt<double> minScale("min-scale", cl::init(0.0), cl::cat(category),
                         cl::desc("Lower bound of the scale (0: none)"));
cl::opt<double> maxScale("max-scale", cl::init(0.0), cl::cat(category),
                         cl::desc("Upper bound (0: largest finite f32)"));
cl::opt<std::string> overflowCheck(
    "overflow-check", cl::init("auto"), cl::cat(category),
    cl::desc("f16 loss scaling: inf (a gradient element is inf or NaN), f16 "
             "(also one f16 cannot hold: GradScaler's decisions) or auto "
             "(f16 for steps marked mpt.overflow_check = \"f16\", as the "
             "PyTorch importer's are)"));
cl::opt<bool> keepWorkingCopy("keep-working-copy", cl::init(true),
                              cl::cat(category),
                              cl::desc("Carry the low-precision working copy "
                                       "between steps"));
cl::opt<bool> fp32Masters("fp32-masters", cl::init(true), cl::cat(category),
                          cl::desc("FP32 master weights (false: pure low "
                                   "precision, for comparison only)"));
cl::opt<bool> fuse("fuse", cl::init(true), cl::cat(category),
                   cl::desc("Fuse conv/matmul + bias + ReLU"));
cl::opt<bool> fusedFp32Bias(
    "fused-fp32-bias", cl::init(false), cl::cat(category),
    cl::desc("Fused epilogues read a low-precision bias add's f32 master "
             "instead of its working copy"));
cl::opt<std::string> autocastReport("autocast-report", cl::init(""),
                                    cl::cat(category),
                                    cl::desc("Write the autocast JSON report"));
cl::opt<std::string> fusionReport("fusion-report", cl::init(""),
                                  cl::cat(category),
                                  cl::desc("Write the fusion JSON report"));
cl::opt<bool> remarks("remarks", cl::init(false), cl::cat(category),
                      cl::desc("Print the passes' one-line summaries"));
cl::opt<std::string>
    cpu("cpu", cl::init("auto"), cl::cat(category),
        cl::desc("LLVM CPU of the native code: auto (the best x86-64 "
                 "level this machine has: x86-64-v4 with AVX-512, "
                 "x86-64-v3 with AVX2, ...), native, or a CPU name"));
cl::opt<std::string> keepTemps("keep-temps", cl::init(""), cl::cat(category),
                               cl::desc("Keep intermediate files in this "
                                        "directory"));
cl::opt<int64_t> parallelMinWork(
    "parallel-min-work", cl::init(32768), cl::cat(category),
    cl::desc("--target=cpu: ops of at least this many iterations run on the "
             "runtime's threads (mpt-run --threads); 0: none"));
cl::opt<bool> fuseElementwise(
    "fuse-elementwise", cl::init(true), cl::cat(category),
    cl::desc("--target=cpu: fuse chains of elementwise ops into one loop "
             "nest (the results keep their bits either way)"));
cl::opt<int64_t> reductionLanes(
    "reduction-lanes", cl::init(8), cl::cat(category),
    cl::desc("--target=cpu: sum the reductions that have no vectorizable "
             "output dimension (loss, softmax and layer-norm sums) in this "
             "many lane partials, in a fixed order; 0: sequential loops "
             "(the last bits of those sums differ between the two)"));
cl::opt<bool> registerTileMatmuls(
    "register-tile-matmuls", cl::init(true), cl::cat(category),
    cl::desc("--target=cpu: lower f32 matmuls and convolutions to tiles "
             "whose accumulators stay in vector registers (the results keep "
             "their bits either way)"));
cl::opt<std::string> vectorBits(
    "vector-bits", cl::init("auto"), cl::cat(category),
    cl::desc("--target=cpu: width of the code's vectors: 256 (AVX2), 512 "
             "(AVX-512: 16-lane register tiles), or auto (512 where the "
             "target CPU has AVX-512; the results keep their bits either "
             "way)"));
cl::opt<std::string> fmaMode(
    "fma", cl::init("auto"), cl::cat(category),
    cl::desc("--target=cpu: compute f32 matmuls with fused multiply-adds, "
             "one rounding per step of the sum as in GEMM libraries: true, "
             "false (a rounding after each multiplication and addition), or "
             "auto (true where the target CPU has FMA instructions)"));
cl::opt<bool> reuseTemporaries(
    "reuse-temporaries", cl::init(true), cl::cat(category),
    cl::desc("--target=cpu: keep a step's freed temporaries for the next "
             "step instead of handing them back to malloc (no page faults "
             "from the heap being trimmed between steps)"));
cl::opt<bool> dataParallel("data-parallel", cl::init(false), cl::cat(category),
                           cl::desc("All-reduce every gradient over the "
                                    "ranks of an mpirun (mpt-run under "
                                    "mpirun -np N)"));
cl::opt<std::string> reduceKind("reduce", cl::init("mean"), cl::cat(category),
                                cl::desc("--data-parallel: mean or sum of the "
                                         "ranks' gradients"));
cl::opt<std::string> commPrecision("comm-precision", cl::init("f32"),
                                   cl::cat(category),
                                   cl::desc("--data-parallel: f32, or native "
                                            "(f16/bf16 gradients travel in "
                                            "their type, added in f32)"));
cl::opt<int64_t> bucketBytes("bucket-bytes", cl::init(26214400),
                             cl::cat(category),
                             cl::desc("--data-parallel: largest bucket of "
                                      "gradients per collective call"));
cl::opt<int64_t> microBatches("accumulate", cl::init(1), cl::cat(category),
                              cl::desc("Micro-batches per optimizer step: the "
                                       "inputs take K times the batch"));
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv, "mpt-compile: FP32 training graph to an mpt artifact\n");

  mlir::DialectRegistry registry;
  mlir::mpt::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics name the location; the whole op would drown the message.
  context.printOpOnDiagnostic(false);

  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  // A device or a FIFO would be read without end (/dev/zero) or block:
  // only a regular file, or '-' for stdin, is a model.
  llvm::sys::fs::file_status status;
  if (inputFile != "-" && !llvm::sys::fs::status(inputFile, status) &&
      !llvm::sys::fs::is_regular_file(status)) {
    errs() << "mpt-compile: error: cannot read '" << inputFile << "': "
           << (llvm::sys::fs::is_directory(status) ? "it is a directory"
                                                   : "not a regular file")
           << "\n";
    return 1;
  }
  std::string error;
  auto input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    errs() << "mpt-compile: error: " << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::mpt::checkParserCrashInputs(*input)))
    return 1;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  mlir::mpt::CompileOptions options;
  options.target = target;
  options.sm = sm;
  options.precision = precision;
  options.lossScale = lossScale;
  options.initScale = initScale;
  options.growthFactor = growthFactor;
  options.backoffFactor = backoffFactor;
  options.growthInterval = growthInterval;
  options.hysteresis = hysteresis;
  options.minScale = minScale;
  options.maxScale = maxScale;
  options.overflowCheck = overflowCheck;
  options.keepWorkingCopy = keepWorkingCopy;
  options.fp32Masters = fp32Masters;
  options.fuse = fuse;
  options.fusedFp32Bias = fusedFp32Bias;
  options.autocastReport = autocastReport;
  options.fusionReport = fusionReport;
  options.remarks = remarks;
  options.cpu = cpu;
  options.keepTempsDir = keepTemps;
  if (parallelMinWork < 0) {
    errs() << "mpt-compile: error: --parallel-min-work must be 0 (no threads) "
              "or a "
              "positive number of iterations, got "
           << parallelMinWork << "\n";
    return 1;
  }
  options.parallelMinWork = parallelMinWork;
  options.fuseElementwise = fuseElementwise;
  if (reductionLanes != 0 && (reductionLanes < 2 || reductionLanes > 256)) {
    errs() << "mpt-compile: error: --reduction-lanes must be 0 (sequential "
              "sums) or a number of lanes from 2 to 256, got "
           << reductionLanes << "\n";
    return 1;
  }
  options.reductionLanes = reductionLanes;
  options.registerTileMatmuls = registerTileMatmuls;
  if (vectorBits != "auto" && vectorBits != "256" && vectorBits != "512") {
    errs() << "mpt-compile: error: --vector-bits must be auto, 256 or 512, "
              "got '"
           << vectorBits << "'\n";
    return 1;
  }
  options.vectorBits = vectorBits == "auto" ? 0 : std::stoi(vectorBits);
  if (fmaMode != "auto" && fmaMode != "true" && fmaMode != "false") {
    errs() << "mpt-compile: error: --fma must be auto, true or false, got '"
           << fmaMode << "'\n";
    return 1;
  }
  options.fma = fmaMode;
  options.reuseTemporaries = reuseTemporaries;
  options.dataParallel = dataParallel;
  options.reduce = reduceKind;
  options.commPrecision = commPrecision;
  options.bucketBytes = bucketBytes;
  options.accumulate = microBatches;
  mlir::mpt::CompileSummary summary;
  if (failed(
          mlir::mpt::compileToArtifact(*module, options, outputFile, &summary)))
    return 1;
  if (options.target == "cuda" && !quiet) {
    outs() << "mpt-compile: " << outputFile << ": sm_" << options.sm << ", "
           << summary.kernels << " kernels (" << summary.ptxBytes
           << " bytes of PTX), arena " << summary.arenaBytes << " bytes, "
           << summary.constantBytes << " bytes of constants\n";
    for (const auto &f : summary.functions)
      outs() << "  " << f.name << ": " << f.launches << " launches, "
             << f.copies << " device copies/fills, arena " << f.arenaBytes
             << " bytes\n";
  }
  return 0;
}
