
  // Drives @train_step after mpt-master-weights{fp32-masters=false}:
  // (w: f16, g) -> (w: f16, w16).
  func.func private @printI64(i64)
  func.func private @printNewline()
  func.func private @printString(!llvm.ptr)
  llvm.mlir.global internal constant @label("f16 weight \00")

  func.func @main() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c1000 = arith.constant 1000 : index
    %w0 = arith.constant dense<1.0> : tensor<1xf16>
    %g = arith.constant dense<-1.0> : tensor<1xf32>
    %r = scf.for %i = %c0 to %c1000 step %c1 iter_args(%w = %w0) -> (tensor<1xf16>) {
      %n:2 = func.call @train_step(%w, %g) : (tensor<1xf16>, tensor<1xf32>) -> (tensor<1xf16>, tensor<1xf16>)
      scf.yield %n#0 : tensor<1xf16>
    }
    %w = tensor.extract %r[%c0] : tensor<1xf16>
    %wb = arith.bitcast %w : f16 to i16
    %w64 = arith.extui %wb : i16 to i64
    %l = llvm.mlir.addressof @label : !llvm.ptr
    call @printString(%l) : (!llvm.ptr) -> ()
    call @printI64(%w64) : (i64) -> ()
    call @printNewline() : () -> ()
    return
  }
