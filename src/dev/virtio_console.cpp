#include "dev/virtio_console.h"

#include <algorithm>
#include <cstring>

#include "dev/virtio.h"

namespace xvm::dev {

namespace {

// Feature bits (5.3.3).
constexpr uint64_t kFeatureSize = 1ull << 0;
constexpr uint64_t kFeatureEmergWrite = 1ull << 2;

constexpr unsigned kReceiveq = 0;
constexpr unsigned kTransmitq = 1;

// struct virtio_console_config (5.3.4).
struct ConsoleConfig {
    uint16_t cols;
    uint16_t rows;
    uint32_t max_nr_ports;
    uint32_t emerg_wr;
};
static_assert(sizeof(ConsoleConfig) == 12);
constexpr uint32_t kEmergWrOffset = 8;

}  // namespace

VirtioConsole::VirtioConsole(CharBackend* backend, size_t input_buffer_bytes)
    : backend_(backend), input_limit_(input_buffer_bytes) {
    if (backend_) backend_->set_sink(this);
}

VirtioConsole::~VirtioConsole() {
    if (backend_) backend_->set_sink(nullptr);
}

uint32_t VirtioConsole::device_id() const {
    return virtio::kDeviceConsole;
}

uint64_t VirtioConsole::device_features() const {
    return kFeatureSize | kFeatureEmergWrite;
}

uint32_t VirtioConsole::config_size() const {
    return sizeof(ConsoleConfig);
}

void VirtioConsole::read_config(uint32_t offset, uint8_t* dst, unsigned len) {
    const ConsoleConfig c{cols_, rows_, 1, 0};
    std::memcpy(dst, reinterpret_cast<const uint8_t*>(&c) + offset, len);
}

// Only emerg_wr is writable; its low byte is output, even on an unconfigured
// device (5.3.5.1). Writes elsewhere are dropped.
bool VirtioConsole::write_config(uint32_t offset, const uint8_t* src, unsigned len) {
    (void)len;
    if (offset == kEmergWrOffset) {
        ++stats_.bytes_out;
        if (backend_) backend_->write(src, 1);
    }
    return true;
}

void VirtioConsole::set_size(uint16_t cols, uint16_t rows) {
    std::lock_guard lock(mutex());
    if (cols == cols_ && rows == rows_) return;
    cols_ = cols, rows_ = rows;
    if (transport_) transport_->config_changed();
}

VirtioConsoleStats VirtioConsole::stats() {
    std::lock_guard lock(mutex());
    return stats_;
}

size_t VirtioConsole::receive(const uint8_t* data, size_t len) {
    std::lock_guard lock(mutex());
    size_t taken = 0;
    // Fill the buffer, hand what the guest has room for over, and repeat while
    // that makes progress.
    while (taken < len) {
        const size_t room = input_limit_ - std::min(input_limit_, input_.size());
        if (room == 0) break;
        const size_t n = std::min(len - taken, room);
        input_.insert(input_.end(), data + taken, data + taken + n);
        taken += n;
        const size_t before = input_.size();
        deliver_input();
        if (input_.size() == before) break;
    }
    if (taken < len) input_refused_ = true;
    return taken;
}

size_t VirtioConsole::queued_input() {
    std::lock_guard lock(mutex());
    return input_.size();
}

void VirtioConsole::process_queue(unsigned index) {
    if (index == kReceiveq) {
        deliver_input();  // the driver offered receive buffers
    } else if (index == kTransmitq) {
        drain_queue(index,
                    [this](const DescChain& c, uint32_t& written) { return transmit(c, written); });
    }
}

// Readable buffers of a transmit chain are output; writable ones have no meaning
// there (the driver MUST NOT offer them, 5.3.6.1) and are left alone.
bool VirtioConsole::transmit(const DescChain& c, uint32_t& written) {
    const mem::Bus& bus = transport_->bus();
    for (const auto& s : c.segments) {
        if (s.writable) break;
        const uint8_t* p = bus.ram_ptr(s.addr, s.len);
        if (!p) break;
        if (backend_) backend_->write(p, s.len);
        stats_.bytes_out += s.len;
    }
    written = 0;
    return true;
}

// Moves waiting input into receive buffers, one chain at a time, leaving the
// rest of the ring for later input.
void VirtioConsole::deliver_input() {
    if (input_.empty() || !transport_ || !transport_->running()) return;
    VirtQueue& q = transport_->queue(kReceiveq);
    if (!q.ready()) return;
    bool pushed = false;
    while (!input_.empty()) {
        const VirtQueue::Pop r = q.pop_chain(chain_);
        if (r == VirtQueue::Pop::kEmpty) break;
        if (r == VirtQueue::Pop::kError) {
            transport_->device_error(q.error());
            return;
        }
        const size_t n = chain_.write(transport_->bus(), 0, input_.data(),
                                      std::min<uint64_t>(input_.size(), chain_.writable_bytes));
        input_.erase(input_.begin(), input_.begin() + static_cast<ptrdiff_t>(n));
        stats_.bytes_in += n;
        if (!q.push_used(chain_.head, static_cast<uint32_t>(n))) {
            transport_->device_error(q.error());
            return;
        }
        pushed = true;
    }
    if (pushed) transport_->used_buffers(kReceiveq);
    if (pushed && input_refused_) {
        input_refused_ = false;
        tell_backend_ = true;
    }
}

// The backend offers the rest of its input through receive(), which takes the
// lock: so it is told outside it.
void VirtioConsole::after_unlock() {
    if (tell_backend_.exchange(false) && backend_) backend_->input_space();
}

}  // namespace xvm::dev
