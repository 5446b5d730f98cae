#include "dev/virtio_rng.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>

#include "dev/virtio.h"

namespace xvm::dev {

namespace {

// A chain may describe up to 4 GiB; the driver asks for far less, and bytes
// beyond this are simply not written (used length says how many were).
constexpr uint64_t kMaxPerRequest = 1u << 20;

// How many bytes of randomness reached p: all of them unless getrandom fails,
// which it does not once the host's pool is ready. The used length tells the
// driver how many it got, so a short fill is honest, never predictable.
size_t host_random(uint8_t* p, size_t len) {
    size_t done = 0;
    while (done < len) {
        const ssize_t r = getrandom(p + done, len - done, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        done += r;
    }
    return done;
}

}  // namespace

uint32_t VirtioRng::device_id() const {
    return virtio::kDeviceEntropy;
}

uint64_t VirtioRng::bytes_provided() {
    std::lock_guard lock(mutex());
    return bytes_;
}

void VirtioRng::process_queue(unsigned index) {
    drain_queue(index, [this](const DescChain& c, uint32_t& written) { return fill(c, written); });
}

// Readable buffers have no meaning here (the driver MUST NOT offer them, 5.4.6.1)
// and are ignored.
bool VirtioRng::fill(const DescChain& c, uint32_t& written) {
    const mem::Bus& bus = transport_->bus();
    uint64_t left = std::min(c.writable_bytes, kMaxPerRequest);
    written = 0;
    for (const auto& s : c.segments) {
        if (!s.writable) continue;
        if (!left) break;
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(s.len, left));
        uint8_t* p = bus.dma_ptr(s.addr, n);
        if (!p) break;
        const size_t got = host_random(p, n);
        written += got, left -= got;
        if (got < n) break;
    }
    bytes_ += written;
    return true;
}

}  // namespace xvm::dev
