; Kernels written in LLVM IR with NVVM intrinsics, compiled by LLVM's NVPTX
; backend (llc -march=nvptx64 -mcpu=sm_80 -mattr=+ptx80) at build time: the
; dialect of PTX that mpt's MLIR gpu/nvgpu/nvvm lowering produces (`$L__BB`
; labels, `.b32`/`.b64` typed moves, `ld.param.b64`, `barrier.sync`, ...).
; Checked by test/PTXEmu/Inputs/check_llvm.py.

target datalayout = "e-p6:32:32-i64:64-i128:128-i256:256-v16:16-v32:32-n16:32:64"
target triple = "nvptx64-nvidia-cuda"

@As = internal addrspace(3) global [256 x half] undef, align 16
@Bs = internal addrspace(3) global [128 x half] undef, align 16
@partial = internal addrspace(3) global [32 x float] undef, align 4

declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
declare i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
declare i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
declare void @llvm.nvvm.barrier.cta.sync.aligned.all(i32)
declare float @llvm.nvvm.shfl.sync.down.f32(i32, float, i32, i32)
declare void @llvm.nvvm.cp.async.cg.shared.global.16(ptr addrspace(3), ptr addrspace(1))
declare void @llvm.nvvm.cp.async.commit.group()
declare void @llvm.nvvm.cp.async.wait.group(i32)
declare { i32, i32, i32, i32 } @llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.b16(ptr addrspace(3))
declare { i32, i32 } @llvm.nvvm.ldmatrix.sync.aligned.m8n8.x2.trans.b16(ptr addrspace(3))
declare { float, float, float, float } @llvm.nvvm.mma.m16n8k16.row.col.f32.f32(<2 x half>, <2 x half>, <2 x half>, <2 x half>, <2 x half>, <2 x half>, float, float, float, float)

; y[i] = a * x[i] + y[i] over a grid-stride loop: threads run different
; numbers of iterations when n is not a multiple of the grid size.
define ptx_kernel void @llvm_saxpy_loop(ptr addrspace(1) %x, ptr addrspace(1) %y, float %a, i32 %n) {
entry:
  %tid = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ntid = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %ctaid = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %nctaid = call i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
  %base = mul i32 %ctaid, %ntid
  %i0 = add i32 %base, %tid
  %stride = mul i32 %ntid, %nctaid
  %c0 = icmp slt i32 %i0, %n
  br i1 %c0, label %loop, label %exit
loop:
  %i = phi i32 [ %i0, %entry ], [ %inext, %loop ]
  %idx = sext i32 %i to i64
  %px = getelementptr inbounds float, ptr addrspace(1) %x, i64 %idx
  %py = getelementptr inbounds float, ptr addrspace(1) %y, i64 %idx
  %vx = load float, ptr addrspace(1) %px, align 4
  %vy = load float, ptr addrspace(1) %py, align 4
  %m = fmul contract float %a, %vx
  %r = fadd contract float %m, %vy
  store float %r, ptr addrspace(1) %py, align 4
  %inext = add i32 %i, %stride
  %c = icmp slt i32 %inext, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; out[blockIdx] = sum of x over the block's grid-stride slice: shuffles,
; shared memory and a barrier.
define ptx_kernel void @llvm_block_sum(ptr addrspace(1) %x, ptr addrspace(1) %out, i32 %n) {
entry:
  %tid = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ntid = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %ctaid = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %nctaid = call i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
  %base = mul i32 %ctaid, %ntid
  %i0 = add i32 %base, %tid
  %stride = mul i32 %ntid, %nctaid
  %c0 = icmp slt i32 %i0, %n
  br i1 %c0, label %loop, label %reduce
loop:
  %i = phi i32 [ %i0, %entry ], [ %inext, %loop ]
  %acc = phi float [ 0.0, %entry ], [ %acc2, %loop ]
  %idx = sext i32 %i to i64
  %px = getelementptr inbounds float, ptr addrspace(1) %x, i64 %idx
  %vx = load float, ptr addrspace(1) %px, align 4
  %acc2 = fadd float %acc, %vx
  %inext = add i32 %i, %stride
  %c = icmp slt i32 %inext, %n
  br i1 %c, label %loop, label %reduce
reduce:
  %s0 = phi float [ 0.0, %entry ], [ %acc2, %loop ]
  %t16 = call float @llvm.nvvm.shfl.sync.down.f32(i32 -1, float %s0, i32 16, i32 31)
  %s1 = fadd float %s0, %t16
  %t8 = call float @llvm.nvvm.shfl.sync.down.f32(i32 -1, float %s1, i32 8, i32 31)
  %s2 = fadd float %s1, %t8
  %t4 = call float @llvm.nvvm.shfl.sync.down.f32(i32 -1, float %s2, i32 4, i32 31)
  %s3 = fadd float %s2, %t4
  %t2 = call float @llvm.nvvm.shfl.sync.down.f32(i32 -1, float %s3, i32 2, i32 31)
  %s4 = fadd float %s3, %t2
  %t1 = call float @llvm.nvvm.shfl.sync.down.f32(i32 -1, float %s4, i32 1, i32 31)
  %s5 = fadd float %s4, %t1
  %lane = and i32 %tid, 31
  %warp = lshr i32 %tid, 5
  %isl0 = icmp eq i32 %lane, 0
  br i1 %isl0, label %store, label %sync
store:
  %pp = getelementptr inbounds [32 x float], ptr addrspace(3) @partial, i32 0, i32 %warp
  store float %s5, ptr addrspace(3) %pp, align 4
  br label %sync
sync:
  call void @llvm.nvvm.barrier.cta.sync.aligned.all(i32 0)
  %ist0 = icmp eq i32 %tid, 0
  br i1 %ist0, label %final, label %done
final:
  %nw = lshr i32 %ntid, 5
  br label %floop
floop:
  %w = phi i32 [ 0, %final ], [ %wn, %floop ]
  %sum = phi float [ 0.0, %final ], [ %sumn, %floop ]
  %pw = getelementptr inbounds [32 x float], ptr addrspace(3) @partial, i32 0, i32 %w
  %vw = load float, ptr addrspace(3) %pw, align 4
  %sumn = fadd float %sum, %vw
  %wn = add i32 %w, 1
  %more = icmp ult i32 %wn, %nw
  br i1 %more, label %floop, label %write
write:
  %cidx = zext i32 %ctaid to i64
  %po = getelementptr inbounds float, ptr addrspace(1) %out, i64 %cidx
  store float %sumn, ptr addrspace(1) %po, align 4
  br label %done
done:
  ret void
}

; One warp: D[16x8] = A[16x16] * B[16x8] (f16, B stored [k][n] row-major,
; D f32 row-major) through cp.async -> shared -> ldmatrix -> mma.sync.
define ptx_kernel void @llvm_mma_tile(ptr addrspace(1) %A, ptr addrspace(1) %B, ptr addrspace(1) %D) {
entry:
  %lane = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  ; A: 512 bytes = 32 chunks of 16 bytes, one per lane.
  %aoff = mul i32 %lane, 8
  %aoff64 = zext i32 %aoff to i64
  %ga = getelementptr inbounds half, ptr addrspace(1) %A, i64 %aoff64
  %sa = getelementptr inbounds [256 x half], ptr addrspace(3) @As, i32 0, i32 %aoff
  call void @llvm.nvvm.cp.async.cg.shared.global.16(ptr addrspace(3) %sa, ptr addrspace(1) %ga)
  ; B: 256 bytes = 16 chunks, lanes 0-15.
  %lb = icmp ult i32 %lane, 16
  br i1 %lb, label %loadb, label %commit
loadb:
  %gb = getelementptr inbounds half, ptr addrspace(1) %B, i64 %aoff64
  %sb = getelementptr inbounds [128 x half], ptr addrspace(3) @Bs, i32 0, i32 %aoff
  call void @llvm.nvvm.cp.async.cg.shared.global.16(ptr addrspace(3) %sb, ptr addrspace(1) %gb)
  br label %commit
commit:
  call void @llvm.nvvm.cp.async.commit.group()
  call void @llvm.nvvm.cp.async.wait.group(i32 0)
  call void @llvm.nvvm.barrier.cta.sync.aligned.all(i32 0)
  ; ldmatrix.x4: lane supplies &As[lane % 16][(lane / 16) * 8]
  %r = and i32 %lane, 15
  %h = lshr i32 %lane, 4
  %rowoff = mul i32 %r, 16
  %coloff = mul i32 %h, 8
  %ai = add i32 %rowoff, %coloff
  %pa = getelementptr inbounds [256 x half], ptr addrspace(3) @As, i32 0, i32 %ai
  %fa = call { i32, i32, i32, i32 } @llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.b16(ptr addrspace(3) %pa)
  ; ldmatrix.x2.trans: lane supplies &Bs[lane % 16][0]
  %bi = mul i32 %r, 8
  %pb = getelementptr inbounds [128 x half], ptr addrspace(3) @Bs, i32 0, i32 %bi
  %fb = call { i32, i32 } @llvm.nvvm.ldmatrix.sync.aligned.m8n8.x2.trans.b16(ptr addrspace(3) %pb)
  %a0 = extractvalue { i32, i32, i32, i32 } %fa, 0
  %a1 = extractvalue { i32, i32, i32, i32 } %fa, 1
  %a2 = extractvalue { i32, i32, i32, i32 } %fa, 2
  %a3 = extractvalue { i32, i32, i32, i32 } %fa, 3
  %b0 = extractvalue { i32, i32 } %fb, 0
  %b1 = extractvalue { i32, i32 } %fb, 1
  %va0 = bitcast i32 %a0 to <2 x half>
  %va1 = bitcast i32 %a1 to <2 x half>
  %va2 = bitcast i32 %a2 to <2 x half>
  %va3 = bitcast i32 %a3 to <2 x half>
  %vb0 = bitcast i32 %b0 to <2 x half>
  %vb1 = bitcast i32 %b1 to <2 x half>
  %d = call { float, float, float, float } @llvm.nvvm.mma.m16n8k16.row.col.f32.f32(<2 x half> %va0, <2 x half> %va1, <2 x half> %va2, <2 x half> %va3, <2 x half> %vb0, <2 x half> %vb1, float 0.0, float 0.0, float 0.0, float 0.0)
  %d0 = extractvalue { float, float, float, float } %d, 0
  %d1 = extractvalue { float, float, float, float } %d, 1
  %d2 = extractvalue { float, float, float, float } %d, 2
  %d3 = extractvalue { float, float, float, float } %d, 3
  ; D[g][2t], D[g][2t+1], D[g+8][2t], D[g+8][2t+1]
  %g = lshr i32 %lane, 2
  %t = and i32 %lane, 3
  %t2 = mul i32 %t, 2
  %g8 = mul i32 %g, 8
  %i0 = add i32 %g8, %t2
  %i2 = add i32 %i0, 64
  %i0w = zext i32 %i0 to i64
  %i2w = zext i32 %i2 to i64
  %p0 = getelementptr inbounds float, ptr addrspace(1) %D, i64 %i0w
  %p1 = getelementptr inbounds float, ptr addrspace(1) %p0, i64 1
  %p2 = getelementptr inbounds float, ptr addrspace(1) %D, i64 %i2w
  %p3 = getelementptr inbounds float, ptr addrspace(1) %p2, i64 1
  store float %d0, ptr addrspace(1) %p0, align 8
  store float %d1, ptr addrspace(1) %p1, align 4
  store float %d2, ptr addrspace(1) %p2, align 8
  store float %d3, ptr addrspace(1) %p3, align 4
  ret void
}
