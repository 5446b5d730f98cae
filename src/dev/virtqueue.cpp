#include "dev/virtqueue.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "dev/virtio.h"

namespace xvm::dev {

namespace {

// struct virtq_desc (2.7.5); the host is little-endian like the ring format.
struct Desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(Desc) == 16);

constexpr uint16_t kDescNext = 1;
constexpr uint16_t kDescWrite = 2;
constexpr uint16_t kDescIndirect = 4;
constexpr uint16_t kAvailNoInterrupt = 1;

// Offsets inside the driver (available) and device (used) areas (2.7.6, 2.7.8).
constexpr uint64_t kAvailFlags = 0, kAvailIdx = 2, kAvailRing = 4;
constexpr uint64_t kUsedIdx = 2, kUsedRing = 4;

// Drivers MUST NOT add a chain longer than 2^32 bytes (2.7.5.1).
constexpr uint64_t kMaxChainBytes = 1ull << 32;

}  // namespace

size_t DescChain::read(const mem::Bus& bus, uint64_t offset, void* dst, size_t len) const {
    auto* out = static_cast<uint8_t*>(dst);
    size_t done = 0;
    for (const auto& s : segments) {
        if (s.writable || done == len) break;
        if (offset >= s.len) {
            offset -= s.len;
            continue;
        }
        const size_t n = std::min<uint64_t>(s.len - offset, len - done);
        if (!bus.dma_read(s.addr + offset, out + done, n)) break;
        done += n;
        offset = 0;
    }
    return done;
}

size_t DescChain::write(const mem::Bus& bus, uint64_t offset, const void* src, size_t len) const {
    auto* in = static_cast<const uint8_t*>(src);
    size_t done = 0;
    for (const auto& s : segments) {
        if (!s.writable) continue;
        if (done == len) break;
        if (offset >= s.len) {
            offset -= s.len;
            continue;
        }
        const size_t n = std::min<uint64_t>(s.len - offset, len - done);
        if (!bus.dma_write(s.addr + offset, in + done, n)) break;
        done += n;
        offset = 0;
    }
    return done;
}

void VirtQueue::reset() {
    size = 0;
    desc_addr = avail_addr = used_addr = 0;
    ready_ = false;
    event_idx_ = indirect_ = false;
    last_avail_ = used_idx_ = signalled_used_ = 0;
    error_.clear();
}

bool VirtQueue::fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
}

bool VirtQueue::enable(const mem::Bus* bus, bool event_idx, bool indirect) {
    error_.clear();
    ready_ = false;
    bus_ = bus;
    event_idx_ = event_idx;
    indirect_ = indirect;
    last_avail_ = used_idx_ = signalled_used_ = 0;
    const mem::GuestRam* ram = bus ? bus->ram() : nullptr;
    if (!ram) return fail("queue enabled with no RAM on the bus");
    if (size == 0 || (size & (size - 1)) || size > max_size_)
        return fail(fmt::format("queue size {} is not a power of two in 1..{}", size, max_size_));
    // Alignment and size of each part (2.7, table "Virtqueue Part").
    struct Area {
        const char* name;
        uint64_t addr, align, len;
    };
    const Area areas[] = {
        {"descriptor table", desc_addr, 16, 16ull * size},
        {"available ring", avail_addr, 2, 6 + 2ull * size},
        {"used ring", used_addr, 4, 6 + 8ull * size},
    };
    for (const auto& a : areas) {
        if (a.addr % a.align)
            return fail(fmt::format("{} at {:#x} is not {}-byte aligned", a.name, a.addr, a.align));
        if (!ram->contains(a.addr, a.len))
            return fail(fmt::format("{} [{:#x}, +{:#x}) is not in RAM", a.name, a.addr, a.len));
    }
    ready_ = true;
    return true;
}

bool VirtQueue::read_avail_idx(uint16_t& idx) {
    if (!bus_->dma_read(avail_addr + kAvailIdx, &idx, sizeof idx))
        return fail("available ring left RAM");
    return true;
}

// avail_event sits after the used ring's entries (2.7.8): "notify me when you
// make entry last_avail_ available", i.e. at the driver's next add.
bool VirtQueue::publish_avail_event() {
    const uint16_t ev = last_avail_;
    if (!bus_->dma_write(used_addr + kUsedRing + 8ull * size, &ev, sizeof ev))
        return fail("used ring left RAM");
    return true;
}

VirtQueue::Pop VirtQueue::pop_chain(DescChain& out) {
    if (!ready_) return Pop::kEmpty;
    if (broken()) return Pop::kError;
    uint16_t avail_idx;
    if (!read_avail_idx(avail_idx)) return Pop::kError;
    if (avail_idx == last_avail_) {
        if (!event_idx_) return Pop::kEmpty;
        // Publish how far we got, then look again: the driver may have added a
        // buffer after our read and before it could see the new avail_event.
        if (!publish_avail_event()) return Pop::kError;
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (!read_avail_idx(avail_idx)) return Pop::kError;
        if (avail_idx == last_avail_) return Pop::kEmpty;
    }
    const uint16_t pending = avail_idx - last_avail_;
    if (pending > size) {
        fail(fmt::format("available index moved from {} to {}: more than the queue size {}",
                         last_avail_, avail_idx, size));
        return Pop::kError;
    }
    // The ring entry and the descriptors were written before idx (2.7.13.3.1).
    std::atomic_thread_fence(std::memory_order_acquire);

    uint16_t head;
    if (!bus_->dma_read(avail_addr + kAvailRing + 2ull * (last_avail_ % size), &head,
                        sizeof head)) {
        fail("available ring left RAM");
        return Pop::kError;
    }
    if (head >= size) {
        fail(fmt::format("available ring entry {} names descriptor {} of {}", last_avail_, head,
                         size));
        return Pop::kError;
    }

    out.head = head;
    out.segments.clear();
    out.readable_bytes = out.writable_bytes = 0;

    uint64_t table = desc_addr;
    uint32_t table_len = size;  // entries in the table being walked
    uint32_t walked = 0;        // descriptors visited in that table: more than it holds is a loop
    bool in_indirect = false;
    bool seen_writable = false;
    uint16_t idx = head;
    for (;;) {
        if (++walked > table_len) {
            fail(fmt::format("descriptor chain from {} is longer than its table ({}): a loop?",
                             head, table_len));
            return Pop::kError;
        }
        Desc d;
        if (!bus_->dma_read(table + 16ull * idx, &d, sizeof d)) {
            fail("descriptor table left RAM");
            return Pop::kError;
        }
        if (d.flags & kDescIndirect) {
            // 2.7.5.3.1: only with the feature, never nested, never with NEXT;
            // the table is a whole number of descriptors, all in RAM.
            if (!indirect_) {
                fail(fmt::format("descriptor {} is indirect but INDIRECT_DESC was not negotiated",
                                 idx));
                return Pop::kError;
            }
            if (in_indirect || (d.flags & kDescNext)) {
                fail(fmt::format("descriptor {}: indirect inside an indirect table or with NEXT",
                                 idx));
                return Pop::kError;
            }
            if (d.len == 0 || d.len % 16 || d.len / 16 > max_size_) {
                fail(fmt::format("indirect table of {} bytes (1..{} whole descriptors allowed)",
                                 d.len, max_size_));
                return Pop::kError;
            }
            if (!bus_->ram()->contains(d.addr, d.len)) {
                fail(fmt::format("indirect table [{:#x}, +{:#x}) is not in RAM", d.addr, d.len));
                return Pop::kError;
            }
            table = d.addr;
            table_len = d.len / 16;
            walked = 0;
            in_indirect = true;
            idx = 0;
            continue;
        }
        const bool writable = d.flags & kDescWrite;
        // Readable before writable (2.7.4.2), zero-length descriptors included.
        if (!writable && seen_writable) {
            fail(fmt::format("chain from {}: device-readable descriptor {} after a writable one",
                             head, idx));
            return Pop::kError;
        }
        if (d.len) {
            if (!bus_->ram()->contains(d.addr, d.len)) {
                fail(fmt::format("descriptor {} buffer [{:#x}, +{:#x}) is not in RAM", idx, d.addr,
                                 d.len));
                return Pop::kError;
            }
            (writable ? out.writable_bytes : out.readable_bytes) += d.len;
            if (out.readable_bytes + out.writable_bytes > kMaxChainBytes) {
                fail(fmt::format("chain from {} is longer than 4 GiB", head));
                return Pop::kError;
            }
            out.segments.push_back({d.addr, d.len, writable});
        }
        seen_writable |= writable;
        if (!(d.flags & kDescNext)) break;
        if (d.next >= table_len) {
            fail(fmt::format("descriptor {} chains to {}, past its table of {}", idx, d.next,
                             table_len));
            return Pop::kError;
        }
        idx = d.next;
    }
    ++last_avail_;
    return Pop::kChain;
}

bool VirtQueue::push_used(uint16_t head, uint32_t written) {
    if (!ready_ || broken()) return false;
    const uint32_t elem[2] = {head, written};  // struct virtq_used_elem
    if (!bus_->dma_write(used_addr + kUsedRing + 8ull * (used_idx_ % size), elem, sizeof elem))
        return fail("used ring left RAM");
    // The element must be visible before the index that publishes it.
    std::atomic_thread_fence(std::memory_order_release);
    const uint16_t idx = used_idx_ + 1;
    if (!bus_->dma_write(used_addr + kUsedIdx, &idx, sizeof idx)) return fail("used ring left RAM");
    used_idx_ = idx;
    return true;
}

bool VirtQueue::needs_notification() {
    if (!ready_ || broken()) return false;
    // Our used->idx store must be visible before we read the driver's wishes,
    // or a driver that just re-enabled interrupts could miss this batch.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const uint16_t old = signalled_used_;
    const uint16_t now = used_idx_;
    signalled_used_ = now;
    if (old == now) return false;
    if (event_idx_) {
        uint16_t used_event;
        if (!bus_->dma_read(avail_addr + kAvailRing + 2ull * size, &used_event, sizeof used_event))
            return true;
        // vring_need_event: did used idx step past used_event in (old, now]?
        return static_cast<uint16_t>(now - used_event - 1) < static_cast<uint16_t>(now - old);
    }
    uint16_t flags;
    if (!bus_->dma_read(avail_addr + kAvailFlags, &flags, sizeof flags)) return true;
    return !(flags & kAvailNoInterrupt);
}

}  // namespace xvm::dev
