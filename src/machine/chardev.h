// The host side of the board's character devices (the UART, virtio consoles):
// QEMU's -chardev backends stdio, file, pipe and null, opened and owned here so
// that the devices only see a CharBackend.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "dev/char_backend.h"
#include "dev/terminal_backend.h"

namespace xvm::machine {

struct CharDevOption {
    enum class Kind {
        kNull,   // output dropped, no input
        kStdio,  // the terminal (raw mode, Ctrl-A X quits), or whatever stdin/stdout are
        kFile,   // output to `path`, no input
        kPipe,   // input from `path`.in, output to `path`.out; or both through `path`
    };
    Kind kind = Kind::kNull;
    std::string path;
    bool append = false;  // kFile: append instead of truncating
};

class CharDev {
  public:
    // `on_quit` is the terminal's Ctrl-A X; `stdin_fd`/`stdout_fd` are what
    // kStdio means (tests pass pipes).
    static Result<std::unique_ptr<CharDev>> open(const CharDevOption& opt,
                                                 std::function<void()> on_quit, int stdin_fd,
                                                 int stdout_fd);
    ~CharDev();
    CharDev(const CharDev&) = delete;
    CharDev& operator=(const CharDev&) = delete;

    // What a device connects to; null for kNull (devices drop output then).
    dev::CharBackend* backend() const { return backend_.get(); }
    // Input threads and terminal mode; stop() is idempotent.
    Result<void> start();
    void stop();

  private:
    CharDev() = default;

    std::unique_ptr<dev::CharBackend> backend_;
    dev::TerminalBackend* reader_ = nullptr;  // backend_, when it reads input
    int owned_fds_[2] = {-1, -1};             // a pipe's, closed after the backend is gone
};

}  // namespace xvm::machine
