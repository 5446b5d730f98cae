// NS16550A UART (QEMU virt: 0x1000_0000, 0x100 bytes, PLIC source 10), byte
// registers with reg-shift 0 and reg-io-width 1: the width Linux's 8250 driver
// and OpenSBI's uart8250 use, so wider accesses are refused. Output is
// immediate (THR and the transmitter are always empty); input comes from a
// CharBackend into a 16-byte receive FIFO (1 byte with FIFOs off).
#pragma once

#include <cstdint>
#include <mutex>

#include "dev/char_backend.h"
#include "dev/irq.h"
#include "mem/mmio.h"

namespace xvm::dev {

class Uart16550 final : public mem::MmioDevice, public CharSink {
  public:
    static constexpr uint64_t kSize = 0x100;

    // Connects itself as `backend`'s sink (and detaches on destruction): the
    // backend must outlive the UART. `irq` is its PLIC source.
    Uart16550(CharBackend* backend, IrqLine irq);
    ~Uart16550() override;
    Uart16550(const Uart16550&) = delete;
    Uart16550& operator=(const Uart16550&) = delete;

    const char* name() const override { return "uart16550"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    size_t receive(const uint8_t* data, size_t len) override;

  private:
    static constexpr unsigned kFifoSize = 16;

    unsigned rx_capacity() const { return (fcr_ & 1) ? kFifoSize : 1; }
    void push_rx(uint8_t byte);
    uint8_t pop_rx();
    void clear_rx();
    uint8_t modem_lines() const;  // MSR bits 7:4
    void set_mcr(uint8_t mcr);
    uint8_t interrupt_id() const;  // IIR bits 3:0
    void update_irq();
    void room_freed();
    uint8_t read_reg(unsigned reg);
    void write_reg(unsigned reg, uint8_t v);

    CharBackend* backend_;
    IrqLine irq_;
    mutable std::mutex mu_;  // registers; the vCPU and the backend's thread both come here

    uint8_t rx_[kFifoSize] = {};
    unsigned rx_head_ = 0, rx_count_ = 0;
    bool rx_starved_ = false;    // a receive was cut short: tell the backend when room frees up
    bool notify_space_ = false;  // ... which happens after the lock is dropped
    uint8_t ier_ = 0, fcr_ = 0, lcr_ = 0, mcr_ = 0, lsr_errors_ = 0, msr_delta_ = 0, scr_ = 0;
    uint16_t divisor_ = 0;
    bool thr_ipending_ = false;  // THR-empty interrupt armed (cleared by an IIR read)
    bool irq_level_ = false;
};

}  // namespace xvm::dev
