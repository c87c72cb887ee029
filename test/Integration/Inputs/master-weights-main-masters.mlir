
  // Drives @train_step after mpt-master-weights (keep-working-copy):
  // (w: f32 master, w.working_copy: f16, g) -> (w, w.working_copy, w16).
  func.func private @printI64(i64)
  func.func private @printNewline()
  func.func private @printString(!llvm.ptr)
  llvm.mlir.global internal constant @master_label("master \00")
  llvm.mlir.global internal constant @copy_label("working copy \00")

  func.func @main() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c1000 = arith.constant 1000 : index
    %w0 = arith.constant dense<1.0> : tensor<1xf32>
    // mpt.init = #mpt.init<dist = cast_of, source = "w">: the cast of the master.
    %wc0 = arith.constant dense<1.0> : tensor<1xf16>
    %g = arith.constant dense<-1.0> : tensor<1xf32>
    %r:2 = scf.for %i = %c0 to %c1000 step %c1 iter_args(%w = %w0, %wc = %wc0) -> (tensor<1xf32>, tensor<1xf16>) {
      %n:3 = func.call @train_step(%w, %wc, %g) : (tensor<1xf32>, tensor<1xf16>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xf16>, tensor<1xf16>)
      scf.yield %n#0, %n#1 : tensor<1xf32>, tensor<1xf16>
    }
    %w = tensor.extract %r#0[%c0] : tensor<1xf32>
    %wb = arith.bitcast %w : f32 to i32
    %w64 = arith.extui %wb : i32 to i64
    %l1 = llvm.mlir.addressof @master_label : !llvm.ptr
    call @printString(%l1) : (!llvm.ptr) -> ()
    call @printI64(%w64) : (i64) -> ()
    call @printNewline() : () -> ()
    %wc = tensor.extract %r#1[%c0] : tensor<1xf16>
    %wcb = arith.bitcast %wc : f16 to i16
    %wc64 = arith.extui %wcb : i16 to i64
    %l2 = llvm.mlir.addressof @copy_label : !llvm.ptr
    call @printString(%l2) : (!llvm.ptr) -> ()
    call @printI64(%wc64) : (i64) -> ()
    call @printNewline() : () -> ()
    return
  }
