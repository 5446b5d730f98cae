// Constants every virtio device and transport share (virtio 1.2, chapters 2
// and 6). Device-specific ones live with their device.
#pragma once

#include <cstdint>

namespace xvm::dev::virtio {

// Device status bits (2.1).
constexpr uint32_t kStatusAcknowledge = 1;
constexpr uint32_t kStatusDriver = 2;
constexpr uint32_t kStatusDriverOk = 4;
constexpr uint32_t kStatusFeaturesOk = 8;
constexpr uint32_t kStatusNeedsReset = 64;
constexpr uint32_t kStatusFailed = 128;

// Reserved feature bits (6).
constexpr uint64_t kFeatureIndirectDesc = 1ull << 28;
constexpr uint64_t kFeatureEventIdx = 1ull << 29;
constexpr uint64_t kFeatureVersion1 = 1ull << 32;

// Device IDs (5).
constexpr uint32_t kDeviceNet = 1;
constexpr uint32_t kDeviceBlock = 2;
constexpr uint32_t kDeviceConsole = 3;
constexpr uint32_t kDeviceEntropy = 4;

// Interrupt status bits of the MMIO transport (4.2.2).
constexpr uint32_t kInterruptUsedBuffer = 1;
constexpr uint32_t kInterruptConfigChange = 2;

// Largest split queue the spec allows (2.7).
constexpr uint32_t kMaxQueueSize = 32768;

}  // namespace xvm::dev::virtio
