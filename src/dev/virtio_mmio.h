// The virtio-mmio transport, version 2 ("modern", virtio 1.2 section 4.2): the
// register block a `virtio,mmio` device-tree node points at, in front of one
// VirtioDevice. It owns the status and feature negotiation, the queues'
// configuration and the interrupt line; the device handles the queues.
//
// Board wiring:
//   auto blk = VirtioBlk::open(path, readonly);               // or VirtioRng, VirtioConsole
//   VirtioMmio slot(**blk, bus, IrqLine{&plic, 1});           // PLIC source 1..8
//   bus.add_device(0x10001000, VirtioMmio::kSize, &slot);
// Destroy the transport before its device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dev/irq.h"
#include "dev/virtio_device.h"
#include "mem/mmio.h"

namespace xvm::dev {

class VirtioMmio final : public mem::MmioDevice, private VirtioTransport {
  public:
    static constexpr uint64_t kSize = 0x1000;          // one slot of QEMU's virt board
    static constexpr uint32_t kVendorId = 0x554d4551;  // "QEMU", as QEMU reports

    VirtioMmio(VirtioDevice& device, const mem::Bus& bus, IrqLine irq);
    ~VirtioMmio() override;
    VirtioMmio(const VirtioMmio&) = delete;
    VirtioMmio& operator=(const VirtioMmio&) = delete;

    const char* name() const override { return name_.c_str(); }
    // Registers take aligned 32-bit accesses only; the configuration space at
    // 0x100 takes naturally aligned 8-, 16- and 32-bit ones (4.2.2.2).
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // Observers for tests and diagnostics.
    uint32_t status();
    uint32_t interrupt_status();
    std::string last_error();  // why the device last entered DEVICE_NEEDS_RESET

  private:
    // VirtioTransport, called by the device with its mutex held.
    const mem::Bus& bus() const override { return bus_; }
    VirtQueue& queue(unsigned index) override { return queues_[index]; }
    uint64_t driver_features() const override { return driver_features_; }
    bool running() const override;
    void used_buffers(unsigned index) override;
    void config_changed() override;
    void device_error(const std::string& why) override;

    uint64_t offered_features() const;
    bool write_locked(uint64_t offset, unsigned size, uint64_t value);
    bool read_register(uint64_t offset, uint32_t& value);
    bool write_register(uint64_t offset, uint32_t value);
    void write_status(uint32_t value);
    void write_queue_ready(uint32_t value);
    void notify(uint32_t index);
    VirtQueue* selected_queue_for_setup(const char* reg);
    void reset_locked();
    void raise(uint32_t bits);
    void update_irq();

    VirtioDevice& device_;
    const mem::Bus& bus_;
    IrqLine irq_;
    std::string name_;
    std::vector<VirtQueue> queues_;

    uint32_t status_ = 0;
    uint32_t interrupt_status_ = 0;
    uint32_t config_generation_ = 0;
    uint32_t device_features_sel_ = 0;
    uint32_t driver_features_sel_ = 0;
    uint64_t driver_features_ = 0;
    bool driver_features_beyond_64_ = false;  // a bit above 63 was written: never offered
    uint32_t queue_sel_ = 0;
    bool irq_level_ = false;
    std::string last_error_;
};

}  // namespace xvm::dev
