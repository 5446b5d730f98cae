#include "dev/char_backend.h"

namespace xvm::dev {

void CharBackend::set_sink(CharSink* sink) {
    {
        std::lock_guard lock(mu_);
        sink_ = sink;
    }
    offer_input();
}

size_t CharBackend::queued_input() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

void CharBackend::push_input(const uint8_t* data, size_t len) {
    {
        std::lock_guard lock(mu_);
        queue_.append(reinterpret_cast<const char*>(data), len);
    }
    offer_input();
}

void CharBackend::offer_input() {
    std::lock_guard lock(mu_);
    if (!sink_ || queue_.empty()) return;
    const size_t taken =
        sink_->receive(reinterpret_cast<const uint8_t*>(queue_.data()), queue_.size());
    queue_.erase(0, taken < queue_.size() ? taken : queue_.size());
}

void BufferBackend::write(const uint8_t* data, size_t len) {
    std::lock_guard lock(out_mu_);
    out_.append(reinterpret_cast<const char*>(data), len);
}

std::string BufferBackend::output() const {
    std::lock_guard lock(out_mu_);
    return out_;
}

std::string BufferBackend::take_output() {
    std::lock_guard lock(out_mu_);
    std::string s;
    s.swap(out_);
    return s;
}

}  // namespace xvm::dev
