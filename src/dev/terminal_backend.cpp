#include "dev/terminal_backend.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace xvm::dev {

namespace {

// The terminal xvm put in raw mode, and how it was before. One console at a time.
int g_tty_fd = -1;
termios g_saved_tty;
std::atomic<bool> g_tty_raw{false};

constexpr uint8_t kEscape = 0x01;  // Ctrl-A, as QEMU's -nographic
constexpr char kHelp[] =
    "\nC-a h    print this help\n"
    "C-a x    exit xvm\n"
    "C-a C-a  send C-a\n";

void on_fatal_signal(int sig) {
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);  // delivered with the default action once this handler returns
}

// atexit, at_quick_exit, and every fatal signal nobody else handles.
void install_restore_hooks() {
    static std::once_flag once;
    std::call_once(once, [] {
        std::atexit(restore_terminal);
        std::at_quick_exit(restore_terminal);
        for (int sig :
             {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE}) {
            struct sigaction old {};
            if (sigaction(sig, nullptr, &old) != 0) continue;
            if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
            struct sigaction sa {};
            sa.sa_handler = on_fatal_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(sig, &sa, nullptr);
        }
    });
}

// Raw input like QEMU's stdio chardev: bytes as typed, no echo, no signals; output
// processing stays on so a lone "\n" still starts a new line.
termios raw_mode(termios t) {
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    return t;
}

}  // namespace

void restore_terminal() {
    if (g_tty_raw.exchange(false)) tcsetattr(g_tty_fd, TCSANOW, &g_saved_tty);
}

TerminalBackend::TerminalBackend(std::function<void()> on_quit, int in_fd, int out_fd)
    : on_quit_(std::move(on_quit)), in_fd_(in_fd), out_fd_(out_fd), is_tty_(isatty(in_fd) == 1) {}

TerminalBackend::~TerminalBackend() {
    stop();
    if (reader_.joinable()) {
        if (reader_.get_id() == std::this_thread::get_id())
            reader_.detach();  // destroyed from on_quit: against the contract, but no deadlock
        else
            reader_.join();
    }
    if (wake_fd_ >= 0) close(wake_fd_);
}

Result<void> TerminalBackend::start() {
    if (reader_.joinable() || wake_fd_ >= 0) return make_error("terminal: already started");
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) return make_error(std::string("terminal: eventfd: ") + strerror(errno));
    if (is_tty_ && !g_tty_raw.load()) {
        termios t;
        if (tcgetattr(in_fd_, &t) != 0)
            return make_error(std::string("terminal: tcgetattr: ") + strerror(errno));
        install_restore_hooks();
        g_saved_tty = t;
        g_tty_fd = in_fd_;
        const termios raw = raw_mode(t);
        if (tcsetattr(in_fd_, TCSANOW, &raw) != 0)
            return make_error(std::string("terminal: tcsetattr: ") + strerror(errno));
        g_tty_raw = true;
    }
    reader_ = std::thread([this] { reader_loop(); });
    return {};
}

void TerminalBackend::stop() {
    if (!stopping_.exchange(true)) wake();
    if (is_tty_ && g_tty_fd == in_fd_) restore_terminal();
    // Joining happens in the destructor: stop() may be called from on_quit, on
    // the reader thread itself.
    if (reader_.joinable() && reader_.get_id() != std::this_thread::get_id()) reader_.join();
}

void TerminalBackend::wake() {
    if (wake_fd_ < 0) return;
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n =
        ::write(wake_fd_, &one, sizeof one);  // full counter: already awake
}

void TerminalBackend::input_space() {
    wake();
}

void TerminalBackend::write_all(const char* data, size_t len) {
    while (len > 0) {
        const ssize_t n = ::write(out_fd_, data, len);
        if (n > 0) {
            data += n;
            len -= static_cast<size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            pollfd p{out_fd_, POLLOUT, 0};
            poll(&p, 1, -1);
        } else {
            return;  // output gone (closed pipe, full disk): the guest cannot tell
        }
    }
}

void TerminalBackend::write(const uint8_t* data, size_t len) {
    std::lock_guard lock(out_mu_);
    write_all(reinterpret_cast<const char*>(data), len);
}

void TerminalBackend::filter_escapes(const uint8_t* in, size_t len, std::string& out) {
    for (size_t i = 0; i < len && !quit_; ++i) {
        const uint8_t c = in[i];
        if (!escape_pending_) {
            if (c == kEscape)
                escape_pending_ = true;
            else
                out.push_back(static_cast<char>(c));
            continue;
        }
        escape_pending_ = false;
        if (c == kEscape) {
            out.push_back(static_cast<char>(c));
        } else if (c == 'x' || c == 'X') {
            quit_ = true;
        } else if (c == 'h' || c == 'H' || c == '?') {
            std::lock_guard lock(out_mu_);
            write_all(kHelp, sizeof kHelp - 1);
        }
    }
}

void TerminalBackend::reader_loop() {
    bool input_open = true;
    uint8_t buf[1024];
    std::string bytes;
    while (!stopping_.load()) {
        const bool want_input = input_open && !quit_ && queued_input() < kMaxQueued;
        pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {in_fd_, POLLIN, 0}};
        if (poll(fds, want_input ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
            if (stopping_.load()) break;
            offer_input();
        }
        if (!want_input || fds[1].revents == 0) continue;
        const ssize_t n = ::read(in_fd_, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {  // EOF, or an input that cannot be read: input just ends
            input_open = false;
            continue;
        }
        bytes.clear();
        if (is_tty_)
            filter_escapes(buf, static_cast<size_t>(n), bytes);
        else
            bytes.assign(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
        if (!bytes.empty())
            push_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        if (quit_ && on_quit_) {
            on_quit_();
            on_quit_ = nullptr;  // once
        }
    }
}

}  // namespace xvm::dev
