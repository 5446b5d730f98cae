#include "dev/uart16550.h"

#include <algorithm>
#include <utility>

#include "core/log.h"

namespace xvm::dev {

namespace {

// Register numbers and bits: National Semiconductor PC16550D datasheet, table II.
enum Reg : unsigned {
    kRbrThr = 0,
    kIer = 1,
    kIirFcr = 2,
    kLcr = 3,
    kMcr = 4,
    kLsr = 5,
    kMsr = 6,
    kScr = 7
};

constexpr uint8_t kIerRxData = 0x01, kIerThrEmpty = 0x02, kIerLineStatus = 0x04, kIerModem = 0x08;

// IIR bits 3:0, highest priority first; bits 7:6 are set while the FIFOs are on.
constexpr uint8_t kIidNone = 0x01, kIidLineStatus = 0x06, kIidRxData = 0x04, kIidThrEmpty = 0x02,
                  kIidModem = 0x00, kIirFifosOn = 0xc0;

constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02;
constexpr uint8_t kFcrKept = 0xc9;  // enable, DMA mode, receiver trigger level

constexpr uint8_t kLcrDlab = 0x80;

constexpr uint8_t kMcrDtr = 0x01, kMcrRts = 0x02, kMcrOut1 = 0x04, kMcrOut2 = 0x08, kMcrLoop = 0x10;

constexpr uint8_t kLsrDataReady = 0x01, kLsrOverrun = 0x02, kLsrThrEmpty = 0x20, kLsrTxEmpty = 0x40;
constexpr uint8_t kLsrErrors = 0x1e;  // overrun, parity, framing, break

constexpr uint8_t kMsrCts = 0x10, kMsrDsr = 0x20, kMsrRi = 0x40, kMsrDcd = 0x80;
constexpr uint8_t kMsrTrailingRi = 0x04;

}  // namespace

Uart16550::Uart16550(CharBackend* backend, IrqLine irq) : backend_(backend), irq_(irq) {
    if (backend_) backend_->set_sink(this);
}

Uart16550::~Uart16550() {
    if (backend_) backend_->set_sink(nullptr);
}

void Uart16550::push_rx(uint8_t byte) {
    rx_[(rx_head_ + rx_count_) % kFifoSize] = byte;
    ++rx_count_;
}

uint8_t Uart16550::pop_rx() {
    if (rx_count_ == 0) return 0;
    const uint8_t b = rx_[rx_head_];
    rx_head_ = (rx_head_ + 1) % kFifoSize;
    --rx_count_;
    room_freed();
    return b;
}

void Uart16550::clear_rx() {
    rx_head_ = rx_count_ = 0;
    room_freed();
}

void Uart16550::room_freed() {
    if (rx_starved_) {
        rx_starved_ = false;
        notify_space_ = true;
    }
}

uint8_t Uart16550::modem_lines() const {
    if (!(mcr_ & kMcrLoop)) return kMsrCts | kMsrDsr | kMsrDcd;  // a cable with a listener
    // Loopback (PC16550D, MCR bit 4): the modem outputs drive the modem inputs.
    uint8_t m = 0;
    if (mcr_ & kMcrRts) m |= kMsrCts;
    if (mcr_ & kMcrDtr) m |= kMsrDsr;
    if (mcr_ & kMcrOut1) m |= kMsrRi;
    if (mcr_ & kMcrOut2) m |= kMsrDcd;
    return m;
}

void Uart16550::set_mcr(uint8_t mcr) {
    const uint8_t before = modem_lines();
    const bool was_loop = mcr_ & kMcrLoop;
    mcr_ = mcr & 0x1f;
    const uint8_t after = modem_lines();
    // Delta bits 3:0 mirror input changes 7:4, except RI, which flags its falling edge.
    const uint8_t changed = static_cast<uint8_t>((before ^ after) >> 4);
    msr_delta_ |= changed & ~kMsrTrailingRi;
    if ((before & kMsrRi) && !(after & kMsrRi)) msr_delta_ |= kMsrTrailingRi;
    if (was_loop && !(mcr_ & kMcrLoop)) room_freed();  // the serial input is connected again
}

uint8_t Uart16550::interrupt_id() const {
    if ((ier_ & kIerLineStatus) && lsr_errors_) return kIidLineStatus;
    if ((ier_ & kIerRxData) && rx_count_) return kIidRxData;
    if ((ier_ & kIerThrEmpty) && thr_ipending_) return kIidThrEmpty;
    if ((ier_ & kIerModem) && msr_delta_) return kIidModem;
    return kIidNone;
}

void Uart16550::update_irq() {
    const bool level = interrupt_id() != kIidNone;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

uint8_t Uart16550::read_reg(unsigned reg) {
    const bool dlab = lcr_ & kLcrDlab;
    switch (reg) {
        case kRbrThr: return dlab ? static_cast<uint8_t>(divisor_) : pop_rx();
        case kIer: return dlab ? static_cast<uint8_t>(divisor_ >> 8) : ier_;
        case kIirFcr: {
            const uint8_t id = interrupt_id();
            // Reading IIR while it names THR-empty is what acknowledges that source.
            if (id == kIidThrEmpty) thr_ipending_ = false;
            return id | ((fcr_ & kFcrEnable) ? kIirFifosOn : 0);
        }
        case kLcr: return lcr_;
        case kMcr: return mcr_;
        case kLsr: {
            // Output leaves at once, so the holding register and shifter are empty.
            const uint8_t v =
                (rx_count_ ? kLsrDataReady : 0) | lsr_errors_ | kLsrThrEmpty | kLsrTxEmpty;
            lsr_errors_ = 0;  // error bits clear on read
            return v;
        }
        case kMsr: {
            const uint8_t v = modem_lines() | msr_delta_;
            msr_delta_ = 0;
            return v;
        }
        case kScr: return scr_;
    }
    return 0;  // unreachable: reg < 8
}

void Uart16550::write_reg(unsigned reg, uint8_t v) {
    const bool dlab = lcr_ & kLcrDlab;
    switch (reg) {
        case kRbrThr:
            if (dlab) {
                divisor_ = static_cast<uint16_t>((divisor_ & 0xff00) | v);
            } else if (mcr_ & kMcrLoop) {
                if (rx_count_ < rx_capacity())
                    push_rx(v);
                else
                    lsr_errors_ |= kLsrOverrun;
                thr_ipending_ = true;
            } else {
                if (backend_) backend_->write(&v, 1);
                thr_ipending_ = true;  // sent at once: the THR is empty again
            }
            return;
        case kIer:
            if (dlab) {
                divisor_ = static_cast<uint16_t>((divisor_ & 0x00ff) | (v << 8));
            } else {
                // Enabling THR-empty while the THR is empty raises it at once; Linux's
                // 8250 startup tests exactly this (UART_BUG_THRE).
                if ((v ^ ier_) & kIerThrEmpty) thr_ipending_ = (v & kIerThrEmpty) != 0;
                ier_ = v & 0x0f;
            }
            return;
        case kIirFcr: {
            const bool was_on = fcr_ & kFcrEnable;
            fcr_ = (v & kFcrEnable) ? (v & kFcrKept) : 0;
            // Switching the FIFOs on or off empties them (PC16550D, FCR bit 0).
            if (was_on != bool(fcr_ & kFcrEnable) || (fcr_ && (v & kFcrClearRx))) clear_rx();
            return;
        }
        case kLcr: lcr_ = v; return;
        case kMcr: set_mcr(v); return;
        case kLsr:
        case kMsr: return;  // factory test registers: writes ignored, as QEMU does
        case kScr: scr_ = v; return;
    }
}

bool Uart16550::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 1 || offset >= 8) {
        XVM_LOG(kGuestErrors, "uart16550: refused {}-byte read at +{:#x}\n", size, offset);
        return false;
    }
    bool notify;
    {
        std::lock_guard lock(mu_);
        value = read_reg(static_cast<unsigned>(offset));
        update_irq();
        notify = std::exchange(notify_space_, false);
    }
    if (notify && backend_) backend_->input_space();
    return true;
}

bool Uart16550::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 1 || offset >= 8) {
        XVM_LOG(kGuestErrors, "uart16550: refused {}-byte write at +{:#x}\n", size, offset);
        return false;
    }
    bool notify;
    {
        std::lock_guard lock(mu_);
        write_reg(static_cast<unsigned>(offset), static_cast<uint8_t>(value));
        update_irq();
        notify = std::exchange(notify_space_, false);
    }
    if (notify && backend_) backend_->input_space();
    return true;
}

void Uart16550::reset() {
    bool notify;
    {
        std::lock_guard lock(mu_);
        ier_ = fcr_ = lcr_ = scr_ = lsr_errors_ = 0;
        divisor_ = 0;
        set_mcr(0);
        msr_delta_ = 0;
        thr_ipending_ = false;
        clear_rx();
        update_irq();
        notify = std::exchange(notify_space_, false);
    }
    if (notify && backend_) backend_->input_space();
}

size_t Uart16550::receive(const uint8_t* data, size_t len) {
    std::lock_guard lock(mu_);
    // In loopback the serial input is disconnected: input waits in the backend.
    const size_t room = (mcr_ & kMcrLoop) ? 0 : rx_capacity() - std::min(rx_count_, rx_capacity());
    const size_t n = std::min(len, room);
    for (size_t i = 0; i < n; ++i) push_rx(data[i]);
    if (n < len) rx_starved_ = true;
    update_irq();
    return n;
}

}  // namespace xvm::dev
