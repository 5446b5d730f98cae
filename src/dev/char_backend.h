// Where a serial device's bytes go and come from: the host terminal, a pipe, or
// a buffer in tests. Input is pushed with back-pressure, as QEMU's chardevs do:
// the device takes only what its FIFO holds, the backend keeps the rest and
// offers it again when the device says it has room. So input typed or piped
// before the guest's driver is up waits instead of being dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace xvm::dev {

// The device side of the link (a UART).
class CharSink {
  public:
    virtual ~CharSink() = default;
    // Input bytes in order; returns how many were taken (0 when full). May run on
    // a backend thread.
    virtual size_t receive(const uint8_t* data, size_t len) = 0;
};

class CharBackend {
  public:
    virtual ~CharBackend() = default;
    // Guest output. Called with the device's lock held: must not call back into
    // the sink.
    virtual void write(const uint8_t* data, size_t len) = 0;
    // The sink has room again. Called without any device lock held.
    virtual void input_space() = 0;

    // Connects the device (nullptr detaches). Once it returns, no call into the
    // previous sink is in flight.
    void set_sink(CharSink* sink);
    // Input received but not yet taken by the sink.
    size_t queued_input() const;

  protected:
    // Appends bytes behind earlier input, then offers the queue to the sink.
    void push_input(const uint8_t* data, size_t len);
    // Offers queued input to the sink until it is empty or the sink is full.
    void offer_input();

  private:
    mutable std::mutex mu_;  // guards sink_ and queue_; held while the sink runs
    CharSink* sink_ = nullptr;
    std::string queue_;
};

// A backend for tests: captures output, and input is injected by hand.
class BufferBackend final : public CharBackend {
  public:
    void write(const uint8_t* data, size_t len) override;
    void input_space() override { offer_input(); }

    void inject(std::string_view bytes) {
        push_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    std::string output() const;
    std::string take_output();

  private:
    mutable std::mutex out_mu_;
    std::string out_;
};

}  // namespace xvm::dev
