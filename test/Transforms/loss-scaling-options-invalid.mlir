// Option errors of mpt-loss-scaling.
// RUN: not mpt-opt %s -mpt-loss-scaling=mode=always 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not mpt-opt %s -mpt-loss-scaling=backoff-factor=1.5 2>&1 | FileCheck %s --check-prefix=BACKOFF
// RUN: not mpt-opt %s -mpt-loss-scaling="min-scale=8 max-scale=4" 2>&1 | FileCheck %s --check-prefix=BOUNDS
// RUN: not mpt-opt %s -mpt-loss-scaling=growth-interval=0 2>&1 | FileCheck %s --check-prefix=INTERVAL
// RUN: not mpt-opt %s -mpt-loss-scaling=init-scale=1e39 2>&1 | FileCheck %s --check-prefix=INIT
// RUN: not mpt-opt %s -mpt-loss-scaling="min-scale=1024 init-scale=512" 2>&1 | FileCheck %s --check-prefix=INITLOW
// RUN: not mpt-opt %s -mpt-loss-scaling="max-scale=1024" 2>&1 | FileCheck %s --check-prefix=INITHIGH

// mode is an enum option: the option parser names the bad value.
// MODE: for the --mode option: Cannot find option named 'always'!
// BACKOFF: error: mpt-loss-scaling: backoff-factor must lie in (0, 1), got 1.5
// BOUNDS: error: mpt-loss-scaling: min-scale 8 is greater than max-scale 4
// INTERVAL: error: mpt-loss-scaling: growth-interval must lie in [1, 2^31 - 1], got 0
// INIT: error: mpt-loss-scaling: init-scale must be a finite f32 > 0, got 1e+39
// INITLOW: error: mpt-loss-scaling: init-scale 512 is below min-scale 1024
// The default init-scale is 65536.
// INITHIGH: error: mpt-loss-scaling: init-scale 65536 is above max-scale 1024
func.func @f(%w: tensor<f32>) -> tensor<f32> {
  return %w : tensor<f32>
}
