// virtio-rng, the entropy device (virtio 1.2, 5.4): one request queue whose
// device-writable buffers the device fills with host randomness (getrandom).
#pragma once

#include "dev/virtio_device.h"

namespace xvm::dev {

class VirtioRng final : public VirtioDevice {
  public:
    const char* name() const override { return "virtio-rng"; }
    uint32_t device_id() const override;
    uint64_t device_features() const override { return 0; }
    unsigned num_queues() const override { return 1; }
    uint32_t config_size() const override { return 0; }
    void read_config(uint32_t, uint8_t*, unsigned) override {}
    void reset() override {}
    void process_queue(unsigned index) override;

    uint64_t bytes_provided();

  private:
    bool fill(const DescChain& chain, uint32_t& written);
    uint64_t bytes_ = 0;
};

}  // namespace xvm::dev
