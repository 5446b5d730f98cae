// Platform-Level Interrupt Controller (sifive,plic-1.0.0; QEMU virt:
// 0x0C00_0000, 0x60_0000 bytes, 96 sources of which 1..95 exist, 3 priority
// bits). Two contexts per hart, as QEMU's virt: context 2h is hart h's M-mode
// (drives mip.MEIP, line 11), context 2h+1 its S-mode (mip.SEIP, line 9).
//
// Devices raise sources through the InterruptSink interface (set_level(source,
// level)); sources are level-triggered. While a source is not claimed its
// pending bit follows its level (as QEMU's PLIC, so a source that drops before
// being claimed causes no spurious claim); a claim clears it, and completion
// re-opens the gateway, which makes a still-high source pending again.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "dev/irq.h"
#include "mem/mmio.h"

namespace xvm::dev {

class Plic final : public mem::MmioDevice, public InterruptSink {
  public:
    static constexpr uint64_t kSize = 0x600000;  // QEMU virt: room for 1024 contexts
    static constexpr unsigned kNumSources = 96;  // source 0 does not exist
    static constexpr unsigned kMaxPriority = 7;
    static constexpr unsigned kMeipLine = 11, kSeipLine = 9;  // mip bits (privileged spec 3.1.9)

    explicit Plic(unsigned num_harts);
    // The hart's mip; both of its contexts drive this sink.
    void connect(unsigned hart, InterruptSink* sink);
    unsigned num_contexts() const { return num_contexts_; }

    const char* name() const override { return "plic"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // A device's interrupt line; lines 0 and >= kNumSources are ignored.
    void set_level(unsigned source, bool level) override;

  private:
    static constexpr unsigned kWords = kNumSources / 32;
    static constexpr unsigned kMaxContexts = 1024;  // what kSize leaves room for

    struct Context {
        InterruptSink* sink = nullptr;
        uint32_t enable[kWords] = {};
        uint32_t threshold = 0;
        bool output = false;  // last level sent to the sink
    };

    // Highest-priority pending, enabled, unclaimed source above the context's
    // threshold; ties go to the lowest id; 0 if none.
    unsigned best(const Context& c) const;
    void update();  // recomputes every context's output, with mu_ held
    void update_context(unsigned ctx, bool always_notify);
    uint32_t claim(unsigned ctx);
    void complete(unsigned ctx, uint32_t source);
    bool access(uint64_t offset, bool is_write, uint32_t& value);

    static bool bit(const uint32_t* words, unsigned n) { return (words[n / 32] >> (n % 32)) & 1; }
    static void set_bit(uint32_t* words, unsigned n, bool v) {
        words[n / 32] = (words[n / 32] & ~(1u << (n % 32))) | (uint32_t(v) << (n % 32));
    }

    const unsigned num_contexts_;
    std::unique_ptr<Context[]> contexts_;
    std::mutex mu_;  // everything below, and the sink calls
    uint32_t priority_[kNumSources] = {};
    uint32_t level_[kWords] = {};    // device lines as last set
    uint32_t pending_[kWords] = {};  // IP bits
    uint32_t claimed_[kWords] = {};  // gateway closed until completion
};

}  // namespace xvm::dev
