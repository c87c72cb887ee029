//===- LossScaleDefaults.h - GradScaler's loss-scale defaults ---*- C++ -*-===//
//
// The defaults of dynamic loss scaling, defined once: mpt.update_scale's
// attributes, mpt-loss-scaling's options, the mpt-mixed-precision pipeline
// options and mpt-compile all take them from here. They are PyTorch
// GradScaler's (initial scale 2^16, growth factor 2, backoff factor 0.5,
// growth interval 2000) and a hysteresis of 1 (no overflow tolerated).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_IR_LOSSSCALEDEFAULTS_H
#define MPT_DIALECT_MPT_IR_LOSSSCALEDEFAULTS_H

#include <cstdint>

namespace mlir::mpt {

/// Initial (dynamic) or constant (static) loss scale.
inline constexpr double kDefaultInitScale = 65536.0;
/// Scale multiplier after `growth-interval` consecutive clean steps.
inline constexpr double kDefaultGrowthFactor = 2.0;
/// Scale multiplier on an overflow.
inline constexpr double kDefaultBackoffFactor = 0.5;
/// Consecutive clean steps before the scale grows.
inline constexpr int64_t kDefaultGrowthInterval = 2000;
/// Overflows tolerated before the scale backs off.
inline constexpr int64_t kDefaultHysteresis = 1;

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_IR_LOSSSCALEDEFAULTS_H
