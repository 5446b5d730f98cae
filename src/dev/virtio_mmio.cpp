#include "dev/virtio_mmio.h"

#include <cstring>

#include "core/log.h"
#include "dev/virtio.h"

namespace xvm::dev {

namespace {

// Register offsets (4.2.2, table "MMIO Device Register Layout").
enum Reg : uint64_t {
    kMagicValue = 0x000,
    kVersion = 0x004,
    kDeviceId = 0x008,
    kVendorIdReg = 0x00c,  // VirtioMmio::kVendorId is its value
    kDeviceFeatures = 0x010,
    kDeviceFeaturesSel = 0x014,
    kDriverFeatures = 0x020,
    kDriverFeaturesSel = 0x024,
    kQueueSel = 0x030,
    kQueueNumMax = 0x034,
    kQueueNum = 0x038,
    kQueueReady = 0x044,
    kQueueNotify = 0x050,
    kInterruptStatus = 0x060,
    kInterruptAck = 0x064,
    kStatus = 0x070,
    kQueueDescLow = 0x080,
    kQueueDescHigh = 0x084,
    kQueueDriverLow = 0x090,
    kQueueDriverHigh = 0x094,
    kQueueDeviceLow = 0x0a0,
    kQueueDeviceHigh = 0x0a4,
    kShmSel = 0x0ac,
    kShmLenLow = 0x0b0,
    kShmLenHigh = 0x0b4,
    kShmBaseLow = 0x0b8,
    kShmBaseHigh = 0x0bc,
    kConfigGeneration = 0x0fc,
    kConfig = 0x100,
};

constexpr uint32_t kMagic = 0x74726976;  // "virt"
constexpr uint32_t kVersionModern = 2;

void set_low(uint64_t& v, uint32_t low) {
    v = (v & ~0xffffffffull) | low;
}
void set_high(uint64_t& v, uint32_t high) {
    v = (v & 0xffffffffull) | (uint64_t{high} << 32);
}

}  // namespace

VirtioMmio::VirtioMmio(VirtioDevice& device, const mem::Bus& bus, IrqLine irq)
    : device_(device),
      bus_(bus),
      irq_(irq),
      name_(std::string("virtio-mmio:") + device.name()),
      queues_(device.num_queues(), VirtQueue(device.queue_max_size())) {
    device_.attach(this);
}

VirtioMmio::~VirtioMmio() {
    std::lock_guard lock(device_.mutex());
    device_.attach(nullptr);
}

uint64_t VirtioMmio::offered_features() const {
    return device_.device_features() | virtio::kFeatureVersion1 | virtio::kFeatureEventIdx |
           virtio::kFeatureIndirectDesc;
}

bool VirtioMmio::running() const {
    return (status_ & virtio::kStatusDriverOk) && !(status_ & virtio::kStatusNeedsReset);
}

uint32_t VirtioMmio::status() {
    std::lock_guard lock(device_.mutex());
    return status_;
}

uint32_t VirtioMmio::interrupt_status() {
    std::lock_guard lock(device_.mutex());
    return interrupt_status_;
}

std::string VirtioMmio::last_error() {
    std::lock_guard lock(device_.mutex());
    return last_error_;
}

bool VirtioMmio::read(uint64_t offset, unsigned size, uint64_t& value) {
    std::lock_guard lock(device_.mutex());
    if (offset >= kConfig) {
        const uint64_t off = offset - kConfig;
        if ((size != 1 && size != 2 && size != 4) || off % size ||
            off + size > device_.config_size()) {
            XVM_LOG(kGuestErrors, "{}: refused {}-byte config read at {:#x}\n", name_, size, off);
            return false;
        }
        uint32_t v = 0;
        device_.read_config(static_cast<uint32_t>(off), reinterpret_cast<uint8_t*>(&v), size);
        value = v;
        return true;
    }
    uint32_t v;
    if (size != 4 || offset % 4 || !read_register(offset, v)) {
        XVM_LOG(kGuestErrors, "{}: refused {}-byte read at {:#x}\n", name_, size, offset);
        return false;
    }
    value = v;
    return true;
}

bool VirtioMmio::write(uint64_t offset, unsigned size, uint64_t value) {
    bool ok;
    {
        std::lock_guard lock(device_.mutex());
        ok = write_locked(offset, size, value);
    }
    device_.after_unlock();
    return ok;
}

bool VirtioMmio::write_locked(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= kConfig) {
        const uint64_t off = offset - kConfig;
        const uint32_t v = static_cast<uint32_t>(value);
        if ((size != 1 && size != 2 && size != 4) || off % size ||
            off + size > device_.config_size() ||
            !device_.write_config(static_cast<uint32_t>(off), reinterpret_cast<const uint8_t*>(&v),
                                  size)) {
            XVM_LOG(kGuestErrors, "{}: refused {}-byte config write at {:#x}\n", name_, size, off);
            return false;
        }
        return true;
    }
    if (size != 4 || offset % 4 || !write_register(offset, static_cast<uint32_t>(value))) {
        XVM_LOG(kGuestErrors, "{}: refused {}-byte write of {:#x} at {:#x}\n", name_, size, value,
                offset);
        return false;
    }
    return true;
}

// Read-only and read-write registers; write-only ones and holes refuse reads.
bool VirtioMmio::read_register(uint64_t offset, uint32_t& v) {
    const bool have_queue = queue_sel_ < queues_.size();
    switch (offset) {
        case kMagicValue: v = kMagic; return true;
        case kVersion: v = kVersionModern; return true;
        case kDeviceId: v = device_.device_id(); return true;
        case kVendorIdReg: v = kVendorId; return true;
        case kDeviceFeatures:
            v = device_features_sel_ == 0   ? static_cast<uint32_t>(offered_features())
                : device_features_sel_ == 1 ? static_cast<uint32_t>(offered_features() >> 32)
                                            : 0;
            return true;
        case kQueueNumMax:  // 0: no such queue (4.2.2)
            v = have_queue ? queues_[queue_sel_].max_size() : 0;
            return true;
        case kQueueReady: v = have_queue && queues_[queue_sel_].ready(); return true;
        case kInterruptStatus: v = interrupt_status_; return true;
        case kStatus: v = status_; return true;
        // No shared memory regions: length -1 and base all ones for every id (4.2.2).
        case kShmLenLow:
        case kShmLenHigh:
        case kShmBaseLow:
        case kShmBaseHigh: v = 0xffffffff; return true;
        case kConfigGeneration: v = config_generation_; return true;
        default: return false;
    }
}

VirtQueue* VirtioMmio::selected_queue_for_setup(const char* reg) {
    if (queue_sel_ >= queues_.size()) {
        XVM_LOG(kGuestErrors, "{}: {} for missing queue {} ignored\n", name_, reg, queue_sel_);
        return nullptr;
    }
    VirtQueue& q = queues_[queue_sel_];
    if (q.ready()) {  // 4.2.2.3: not while QueueReady is set
        XVM_LOG(kGuestErrors, "{}: {} of ready queue {} ignored\n", name_, reg, queue_sel_);
        return nullptr;
    }
    return &q;
}

// Write-only and read-write registers; read-only ones and holes refuse writes.
bool VirtioMmio::write_register(uint64_t offset, uint32_t v) {
    switch (offset) {
        case kDeviceFeaturesSel: device_features_sel_ = v; return true;
        case kDriverFeatures:
            if (status_ & virtio::kStatusFeaturesOk) {
                XVM_LOG(kGuestErrors, "{}: DriverFeatures after FEATURES_OK ignored\n", name_);
            } else if (driver_features_sel_ == 0) {
                set_low(driver_features_, v);
            } else if (driver_features_sel_ == 1) {
                set_high(driver_features_, v);
            } else if (v) {
                driver_features_beyond_64_ = true;
            }
            return true;
        case kDriverFeaturesSel: driver_features_sel_ = v; return true;
        case kQueueSel: queue_sel_ = v; return true;
        case kQueueNum:
            if (VirtQueue* q = selected_queue_for_setup("QueueNum"))
                q->size = v;  // checked at QueueReady
            return true;
        case kQueueReady: write_queue_ready(v); return true;
        case kQueueNotify: notify(v); return true;
        case kInterruptAck:
            interrupt_status_ &= ~v;
            update_irq();
            return true;
        case kStatus: write_status(v); return true;
        case kQueueDescLow:
        case kQueueDescHigh:
        case kQueueDriverLow:
        case kQueueDriverHigh:
        case kQueueDeviceLow:
        case kQueueDeviceHigh: {
            VirtQueue* q = selected_queue_for_setup("a queue address");
            if (!q) return true;
            uint64_t& a = offset < kQueueDriverLow   ? q->desc_addr
                          : offset < kQueueDeviceLow ? q->avail_addr
                                                     : q->used_addr;
            (offset & 4) ? set_high(a, v) : set_low(a, v);
            return true;
        }
        case kShmSel: return true;  // every region reads as absent
        default: return false;
    }
}

void VirtioMmio::write_status(uint32_t v) {
    if (v == 0) {  // reset (4.2.2)
        reset_locked();
        return;
    }
    // The driver sets bits and never clears them (2.1.1): keep the OR of what it
    // wrote. DEVICE_NEEDS_RESET is the device's to set.
    uint32_t newly = (v & 0xff) & ~status_ & ~virtio::kStatusNeedsReset;
    if (newly & virtio::kStatusFeaturesOk) {
        // 3.1.1: refusing FEATURES_OK tells the driver we cannot use its
        // subset. We need VERSION_1 and nothing we did not offer.
        const uint64_t offered = offered_features();
        if ((driver_features_ & ~offered) || driver_features_beyond_64_ ||
            !(driver_features_ & virtio::kFeatureVersion1)) {
            XVM_LOG(kGuestErrors, "{}: features {:#x} refused (offered {:#x})\n", name_,
                    driver_features_, offered);
            newly &= ~virtio::kStatusFeaturesOk;
        }
    }
    if ((newly & virtio::kStatusDriverOk) && !((status_ | newly) & virtio::kStatusFeaturesOk)) {
        XVM_LOG(kGuestErrors, "{}: DRIVER_OK without FEATURES_OK ignored\n", name_);
        newly &= ~virtio::kStatusDriverOk;
    }
    status_ |= newly;
    if ((newly & virtio::kStatusDriverOk) && running()) {
        device_.driver_ok();
        // Buffers made available before DRIVER_OK were not looked at (3.1.1).
        for (unsigned i = 0; i < queues_.size() && running(); ++i)
            if (queues_[i].ready()) device_.process_queue(i);
    }
}

void VirtioMmio::write_queue_ready(uint32_t v) {
    if (queue_sel_ >= queues_.size()) {
        XVM_LOG(kGuestErrors, "{}: QueueReady for missing queue {} ignored\n", name_, queue_sel_);
        return;
    }
    VirtQueue& q = queues_[queue_sel_];
    if (v == 0) {
        q.disable();
        return;
    }
    if (v != 1 || q.ready()) {
        XVM_LOG(kGuestErrors, "{}: QueueReady = {} ignored\n", name_, v);
        return;
    }
    if (!(status_ & virtio::kStatusFeaturesOk)) {
        device_error("queue enabled before FEATURES_OK");
        return;
    }
    if (!q.enable(&bus_, driver_features_ & virtio::kFeatureEventIdx,
                  driver_features_ & virtio::kFeatureIndirectDesc))
        device_error("queue " + std::to_string(queue_sel_) + ": " + q.error());
}

void VirtioMmio::notify(uint32_t index) {
    if (index >= queues_.size()) {
        XVM_LOG(kGuestErrors, "{}: notify of missing queue {} ignored\n", name_, index);
        return;
    }
    if (!running()) return;  // picked up at DRIVER_OK, or never after NEEDS_RESET
    if (!queues_[index].ready()) {
        XVM_LOG(kGuestErrors, "{}: notify of queue {} that is not ready ignored\n", name_, index);
        return;
    }
    device_.process_queue(index);
}

void VirtioMmio::used_buffers(unsigned index) {
    if (index < queues_.size() && queues_[index].needs_notification())
        raise(virtio::kInterruptUsedBuffer);
}

void VirtioMmio::config_changed() {
    ++config_generation_;
    if (status_ & virtio::kStatusDriverOk) raise(virtio::kInterruptConfigChange);
}

void VirtioMmio::device_error(const std::string& why) {
    XVM_LOG(kGuestErrors, "{}: needs reset: {}\n", name_, why);
    if (status_ & virtio::kStatusNeedsReset) return;  // the first reason is the one to keep
    last_error_ = why;
    status_ |= virtio::kStatusNeedsReset;
    // 2.1.2: once DRIVER_OK is set, NEEDS_RESET comes with a config change notification.
    if (status_ & virtio::kStatusDriverOk) raise(virtio::kInterruptConfigChange);
}

void VirtioMmio::raise(uint32_t bits) {
    interrupt_status_ |= bits;
    update_irq();
}

void VirtioMmio::update_irq() {
    const bool level = interrupt_status_ != 0;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

void VirtioMmio::reset_locked() {
    device_.reset();
    for (auto& q : queues_) q.reset();
    status_ = 0;
    interrupt_status_ = 0;
    device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
    driver_features_ = 0;
    driver_features_beyond_64_ = false;
    last_error_.clear();
    update_irq();
}

void VirtioMmio::reset() {
    std::lock_guard lock(device_.mutex());
    reset_locked();
}

}  // namespace xvm::dev
