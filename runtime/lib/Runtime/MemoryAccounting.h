//===- MemoryAccounting.h - Bytes a device has allocated ------*- C++ -*-===//
//
// Every backend reports the bytes allocated through Device::allocate now
// and at most (Device::memoryUsage); this is that bookkeeping, shared by
// the cpu, cuda-emu and cuda backends. Thread-safe.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_MEMORYACCOUNTING_H
#define MPT_RUNTIME_LIB_MEMORYACCOUNTING_H

#include "mpt-runtime/Device.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mpt {
namespace rt {

class MemoryAccounting {
public:
  /// Records a new allocation of `bytes` at `ptr`.
  void allocated(DevicePtr ptr, size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    sizes_[ptr] = bytes;
    usage_.currentBytes += bytes;
    usage_.peakBytes = std::max(usage_.peakBytes, usage_.currentBytes);
  }
  /// Forgets the allocation at `ptr`; false when there is none (then the
  /// caller must not free it).
  bool released(DevicePtr ptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sizes_.find(ptr);
    if (it == sizes_.end())
      return false;
    usage_.currentBytes -= it->second;
    sizes_.erase(it);
    return true;
  }
  /// Forgets every allocation and returns their addresses (a device frees
  /// what is left when it is destroyed).
  std::vector<DevicePtr> releaseAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<DevicePtr> all;
    all.reserve(sizes_.size());
    for (const auto &kv : sizes_)
      all.push_back(kv.first);
    sizes_.clear();
    usage_.currentBytes = 0;
    return all;
  }
  DeviceMemoryUsage usage() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return usage_;
  }

private:
  mutable std::mutex mutex_;
  std::unordered_map<DevicePtr, size_t> sizes_;
  DeviceMemoryUsage usage_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_MEMORYACCOUNTING_H
