// The console's CharBackend: guest output to a host fd (stdout), input from
// another (stdin) on a reader thread.
//
// When the input is a terminal it is put in raw mode (no echo, no line editing,
// no signals: Ctrl-C goes to the guest) and restored on stop, at exit, and on a
// fatal signal. QEMU's escape then works: Ctrl-A X quits (the on_quit callback,
// run on the reader thread), Ctrl-A H prints help, Ctrl-A Ctrl-A sends one
// Ctrl-A; any other key after Ctrl-A is swallowed. When the input is not a
// terminal (a pipe, a file, /dev/null) it is passed through untouched and EOF
// just ends input.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/result.h"
#include "dev/char_backend.h"

namespace xvm::dev {

class TerminalBackend final : public CharBackend {
  public:
    // `on_quit` must not destroy the backend itself (it runs on the reader
    // thread); asking the machine to stop is what it is for.
    explicit TerminalBackend(std::function<void()> on_quit, int in_fd = 0, int out_fd = 1);
    ~TerminalBackend() override;
    TerminalBackend(const TerminalBackend&) = delete;
    TerminalBackend& operator=(const TerminalBackend&) = delete;

    // Raw mode (for a terminal) and the reader thread. Call once.
    Result<void> start();
    // Ends the reader thread and restores the terminal. Idempotent.
    void stop();
    bool is_terminal() const { return is_tty_; }

    void write(const uint8_t* data, size_t len) override;
    void input_space() override;

  private:
    static constexpr size_t kMaxQueued = 4096;  // stop reading the fd past this much unread input

    void reader_loop();
    // Handles the Ctrl-A escape; appends what goes to the guest to `out`.
    void filter_escapes(const uint8_t* in, size_t len, std::string& out);
    void write_all(const char* data, size_t len);
    void wake();

    std::function<void()> on_quit_;
    const int in_fd_, out_fd_;
    const bool is_tty_;
    int wake_fd_ = -1;  // eventfd: input space, or stop
    std::atomic<bool> stopping_{false};
    std::thread reader_;
    std::mutex out_mu_;
    bool escape_pending_ = false;
    bool quit_ = false;
};

// Puts the console terminal back as it was, if xvm changed it. Async-signal-safe:
// a fatal-signal handler installed after the backend started (the engine's
// SIGSEGV handler) should call it before dying.
void restore_terminal();

}  // namespace xvm::dev
