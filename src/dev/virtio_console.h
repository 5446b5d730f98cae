// virtio-console (virtio 1.2, 5.3) with a single port and no MULTIPORT:
// queue 0 is the receiveq (host to guest), queue 1 the transmitq. It is wired
// to a CharBackend like the UART: output goes to the backend; input comes as a
// CharSink with back-pressure — it waits in a bounded buffer until the driver
// offers receive buffers, receive() takes only what fits, and the backend is
// told when there is room again. EMERG_WRITE lets a driver print one byte
// through the configuration space before any queue exists.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dev/char_backend.h"
#include "dev/virtio_device.h"

namespace xvm::dev {

struct VirtioConsoleStats {
    uint64_t bytes_out = 0, bytes_in = 0;  // to the backend; into the guest's buffers
};

class VirtioConsole final : public VirtioDevice, public CharSink {
  public:
    // Connects itself as `backend`'s sink (and detaches on destruction): the
    // backend must outlive the console. `backend` may be null (output dropped).
    explicit VirtioConsole(CharBackend* backend, size_t input_buffer_bytes = 64 * 1024);
    ~VirtioConsole() override;

    // CharSink: bytes typed at the host side, for the guest to read. Returns how
    // many were taken: 0 when the buffer is full because the guest is not reading.
    size_t receive(const uint8_t* data, size_t len) override;
    size_t queued_input();
    // The console size the guest sees (VIRTIO_CONSOLE_F_SIZE); a change is a
    // configuration change notification.
    void set_size(uint16_t cols, uint16_t rows);
    VirtioConsoleStats stats();

    const char* name() const override { return "virtio-console"; }
    uint32_t device_id() const override;
    uint64_t device_features() const override;
    unsigned num_queues() const override { return 2; }
    uint32_t config_size() const override;
    void read_config(uint32_t offset, uint8_t* dst, unsigned len) override;
    bool write_config(uint32_t offset, const uint8_t* src, unsigned len) override;
    void reset() override {}
    void driver_ok() override { deliver_input(); }
    void process_queue(unsigned index) override;
    void after_unlock() override;

  private:
    void deliver_input();
    bool transmit(const DescChain& chain, uint32_t& written);

    CharBackend* backend_;
    size_t input_limit_;
    std::vector<uint8_t> input_;             // waiting for receive buffers
    bool input_refused_ = false;             // receive() took less than offered
    std::atomic<bool> tell_backend_{false};  // room again: call input_space() unlocked
    uint16_t cols_ = 80, rows_ = 25;
    VirtioConsoleStats stats_;
};

}  // namespace xvm::dev
