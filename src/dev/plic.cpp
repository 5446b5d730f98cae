#include "dev/plic.h"

#include <algorithm>

#include "core/log.h"

namespace xvm::dev {

namespace {

// Register map: RISC-V PLIC specification 1.0.0, chapter "Memory Map". Blocks
// are sized for 1024 sources; sources past kNumSources are hardwired to zero.
constexpr uint64_t kPriorityBase = 0x000000;  // 4 bytes per source
constexpr uint64_t kPendingBase = 0x001000;   // 1 bit per source
constexpr uint64_t kEnableBase = 0x002000;    // 0x80 bytes per context
constexpr uint64_t kEnableStride = 0x80;
constexpr uint64_t kContextBase = 0x200000;  // threshold, then claim/complete
constexpr uint64_t kContextStride = 0x1000;
constexpr uint64_t kArchSources = 1024;

}  // namespace

Plic::Plic(unsigned num_harts)
    : num_contexts_(2 * std::clamp(num_harts, 1u, kMaxContexts / 2)),
      contexts_(new Context[num_contexts_]) {}

void Plic::connect(unsigned hart, InterruptSink* sink) {
    if (hart >= num_contexts_ / 2) return;
    std::lock_guard lock(mu_);
    contexts_[2 * hart].sink = sink;
    contexts_[2 * hart + 1].sink = sink;
    update_context(2 * hart, true);
    update_context(2 * hart + 1, true);
}

unsigned Plic::best(const Context& c) const {
    unsigned id = 0;
    uint32_t prio = c.threshold;  // must beat the threshold (and priority 0 never does)
    for (unsigned w = 0; w < kWords; ++w) {
        uint32_t ready = pending_[w] & ~claimed_[w] & c.enable[w];
        while (ready) {
            const unsigned src = w * 32 + static_cast<unsigned>(__builtin_ctz(ready));
            ready &= ready - 1;
            if (priority_[src] > prio) {  // strictly: ties keep the lower id
                prio = priority_[src];
                id = src;
            }
        }
    }
    return id;
}

void Plic::update_context(unsigned ctx, bool always_notify) {
    Context& c = contexts_[ctx];
    const bool level = best(c) != 0;
    if (level == c.output && !always_notify) return;
    c.output = level;
    if (c.sink) c.sink->set_level(ctx % 2 ? kSeipLine : kMeipLine, level);
}

void Plic::update() {
    for (unsigned ctx = 0; ctx < num_contexts_; ++ctx) update_context(ctx, false);
}

void Plic::set_level(unsigned source, bool level) {
    if (source == 0 || source >= kNumSources) return;
    std::lock_guard lock(mu_);
    set_bit(level_, source, level);
    if (!bit(claimed_, source)) set_bit(pending_, source, level);
    update();
}

uint32_t Plic::claim(unsigned ctx) {
    // Like QEMU, a claim honours the threshold; the spec (1.0.0, "Interrupt Claim
    // Process") lets it ignore it. Linux keeps thresholds at 0 where it claims.
    const unsigned src = best(contexts_[ctx]);
    if (src == 0) return 0;
    set_bit(pending_, src, false);
    set_bit(claimed_, src, true);
    update();
    return src;
}

void Plic::complete(unsigned ctx, uint32_t source) {
    // Spec 1.0.0, "Interrupt Completion": an id not enabled for this context is
    // silently ignored.
    if (source == 0 || source >= kNumSources || !bit(contexts_[ctx].enable, source)) return;
    if (!bit(claimed_, source)) return;
    set_bit(claimed_, source, false);
    if (bit(level_, source)) set_bit(pending_, source, true);
    update();
}

// One 32-bit register; false for holes in the map and contexts that do not exist.
bool Plic::access(uint64_t offset, bool is_write, uint32_t& value) {
    if (offset < kPendingBase) {
        const unsigned src = static_cast<unsigned>(offset / 4);
        if (src == 0 || src >= kNumSources) {
            if (!is_write) value = 0;  // reserved or unimplemented: hardwired zero
            return true;
        }
        if (is_write) {
            priority_[src] = value & kMaxPriority;  // WARL: 3 bits, as QEMU virt
            update();
        } else {
            value = priority_[src];
        }
        return true;
    }
    if (offset < kPendingBase + kArchSources / 8) {
        const unsigned w = static_cast<unsigned>((offset - kPendingBase) / 4);
        // Pending bits are read-only here: writes are ignored, as QEMU does.
        if (!is_write) value = w < kWords ? pending_[w] : 0;
        return true;
    }
    if (offset >= kEnableBase && offset < kContextBase) {
        const uint64_t ctx = (offset - kEnableBase) / kEnableStride;
        if (ctx >= num_contexts_) return false;
        const unsigned w = static_cast<unsigned>((offset - kEnableBase) % kEnableStride / 4);
        Context& c = contexts_[ctx];
        if (w >= kWords) {
            if (!is_write) value = 0;
            return true;
        }
        if (is_write) {
            c.enable[w] = w == 0 ? value & ~1u : value;  // source 0 does not exist
            update_context(static_cast<unsigned>(ctx), false);
        } else {
            value = c.enable[w];
        }
        return true;
    }
    if (offset >= kContextBase) {
        const uint64_t ctx = (offset - kContextBase) / kContextStride;
        const uint64_t reg = (offset - kContextBase) % kContextStride;
        if (ctx >= num_contexts_ || reg > 4) return false;
        Context& c = contexts_[ctx];
        if (reg == 0) {
            if (is_write) {
                c.threshold = value & kMaxPriority;
                update_context(static_cast<unsigned>(ctx), false);
            } else {
                value = c.threshold;
            }
        } else if (is_write) {
            complete(static_cast<unsigned>(ctx), value);
        } else {
            value = claim(static_cast<unsigned>(ctx));
        }
        return true;
    }
    return false;
}

bool Plic::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 4 || offset % 4 || offset >= kSize) return false;
    uint32_t v = 0;
    std::lock_guard lock(mu_);
    if (!access(offset, false, v)) {
        XVM_LOG(kGuestErrors, "plic: refused read at +{:#x}\n", offset);
        return false;
    }
    value = v;
    return true;
}

bool Plic::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 || offset % 4 || offset >= kSize) return false;
    uint32_t v = static_cast<uint32_t>(value);
    std::lock_guard lock(mu_);
    if (!access(offset, true, v)) {
        XVM_LOG(kGuestErrors, "plic: refused write at +{:#x}\n", offset);
        return false;
    }
    return true;
}

void Plic::reset() {
    std::lock_guard lock(mu_);
    std::fill(std::begin(priority_), std::end(priority_), 0u);
    std::fill(std::begin(claimed_), std::end(claimed_), 0u);
    // Device lines are inputs, not PLIC state: a line still high is a new request.
    std::copy(std::begin(level_), std::end(level_), std::begin(pending_));
    for (unsigned ctx = 0; ctx < num_contexts_; ++ctx) {
        Context& c = contexts_[ctx];
        std::fill(std::begin(c.enable), std::end(c.enable), 0u);
        c.threshold = 0;
        update_context(ctx, true);
    }
}

}  // namespace xvm::dev
