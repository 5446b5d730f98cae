// Interrupt wiring of system mode: a device raises a level on a numbered line of
// an interrupt controller (PLIC sources); controllers raise mip bits on harts.
// Implementations are thread-safe: device back ends may run on their own threads.
#pragma once

namespace xvm::dev {

class InterruptSink {
  public:
    virtual ~InterruptSink() = default;
    virtual void set_level(unsigned line, bool level) = 0;
};

// One line of a sink, handed to a device so it needs to know only its own line.
struct IrqLine {
    InterruptSink* sink = nullptr;
    unsigned line = 0;
    void set(bool level) const {
        if (sink) sink->set_level(line, level);
    }
};

}  // namespace xvm::dev
