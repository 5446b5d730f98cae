// Shared by the device tests: a hart's mip as a sink that records levels, and
// register helpers in the shape a driver uses.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <vector>

#include "dev/irq.h"
#include "mem/mmio.h"

namespace xvm::dev::test {

class RecordingSink final : public InterruptSink {
  public:
    void set_level(unsigned line, bool level) override {
        std::lock_guard lock(mu_);
        levels_[line] = level;
        ++calls_;
    }
    bool level(unsigned line) const {
        std::lock_guard lock(mu_);
        auto it = levels_.find(line);
        return it != levels_.end() && it->second;
    }
    int calls() const {
        std::lock_guard lock(mu_);
        return calls_;
    }

  private:
    mutable std::mutex mu_;
    std::map<unsigned, bool> levels_;
    int calls_ = 0;
};

// Reads that must succeed; a refused access reads as a poison value the
// expectations will not match.
inline uint64_t rd(mem::MmioDevice& d, uint64_t offset, unsigned size) {
    uint64_t v = 0;
    return d.read(offset, size, v) ? v : 0xdead'dead'dead'deadull;
}
inline uint32_t rd32(mem::MmioDevice& d, uint64_t offset) {
    return static_cast<uint32_t>(rd(d, offset, 4));
}
inline bool wr32(mem::MmioDevice& d, uint64_t offset, uint32_t v) {
    return d.write(offset, 4, v);
}

// Every offset of [0, range) with every access size the bus can deliver there,
// reads and writes with random values: whatever the device answers, it must
// not crash (ASan/UBSan builds make that strict). `stride` > 1 samples large
// ranges; offsets inside `dense` windows are always covered one by one.
struct Window {
    uint64_t begin, end;
};
inline void hammer(mem::MmioDevice& d, uint64_t range, uint64_t stride = 1,
                   const std::vector<Window>& dense = {}, uint64_t seed = 1) {
    std::mt19937_64 rng(seed);
    auto hit = [&](uint64_t off) {
        for (unsigned size : {1u, 2u, 4u, 8u}) {
            if (off + size > range) continue;
            uint64_t v = 0;
            (void)d.read(off, size, v);
            (void)d.write(off, size, rng());
            (void)d.write(off, size, ~0ull);
            (void)d.write(off, size, 0);
        }
    };
    for (uint64_t off = 0; off < range; off += stride) hit(off);
    for (const Window& w : dense)
        for (uint64_t off = w.begin; off < w.end && off < range; ++off) hit(off);
    for (int i = 0; i < 20000; ++i) hit(rng() % range);
    d.reset();
    for (int i = 0; i < 1000; ++i) hit(rng() % range);
}

}  // namespace xvm::dev::test
