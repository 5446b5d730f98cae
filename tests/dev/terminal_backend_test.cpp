#include "dev/terminal_backend.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace xvm::dev {
namespace {

// A sink that takes at most `limit` bytes per call (0 = everything).
class CollectingSink final : public CharSink {
  public:
    explicit CollectingSink(size_t limit = 0) : limit_(limit) {}
    size_t receive(const uint8_t* data, size_t len) override {
        std::lock_guard lock(mu_);
        const size_t n = limit_ && len > limit_ ? limit_ : len;
        got_.append(reinterpret_cast<const char*>(data), n);
        return n;
    }
    std::string got() const {
        std::lock_guard lock(mu_);
        return got_;
    }

  private:
    mutable std::mutex mu_;
    std::string got_;
    size_t limit_;
};

// Polls `pred` for up to five seconds: threads are involved, never a tight deadline.
template <class Pred>
bool eventually(Pred pred) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

std::string read_available(int fd) {
    std::string s;
    char buf[256];
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, 50) > 0) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        s.append(buf, static_cast<size_t>(n));
    }
    return s;
}

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() { EXPECT_EQ(pipe2(fd, O_CLOEXEC), 0); }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) close(f);
    }
    void close_write() {
        close(fd[1]);
        fd[1] = -1;
    }
};

TEST(TerminalBackend, PipedInputPassesThroughUntouchedAndEofEndsIt) {
    Pipe in, out;
    CollectingSink sink;
    TerminalBackend term([] { ADD_FAILURE() << "no escape on a pipe"; }, in.fd[0], out.fd[1]);
    EXPECT_FALSE(term.is_terminal());
    term.set_sink(&sink);
    ASSERT_TRUE(term.start().ok());
    const std::string bytes = std::string("ls\n\x01x\x01\x01", 7) + std::string(1, '\0');
    ASSERT_EQ(write(in.fd[1], bytes.data(), bytes.size()), ssize_t(bytes.size()));
    in.close_write();
    EXPECT_TRUE(eventually([&] { return sink.got() == bytes; }));
    const std::string msg = "guest says hi\n";
    term.write(reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
    EXPECT_EQ(read_available(out.fd[0]), msg);
    term.stop();
    term.set_sink(nullptr);
}

TEST(TerminalBackend, InputWaitsForTheSinkToMakeRoom) {
    Pipe in, out;
    CollectingSink sink(3);
    TerminalBackend term(nullptr, in.fd[0], out.fd[1]);
    term.set_sink(&sink);
    ASSERT_TRUE(term.start().ok());
    const std::string bytes = "0123456789";
    ASSERT_EQ(write(in.fd[1], bytes.data(), bytes.size()), ssize_t(bytes.size()));
    EXPECT_TRUE(eventually([&] { return sink.got().size() >= 3; }));
    // Each input_space() lets the reader thread offer another slice.
    for (int i = 0; i < 10 && sink.got() != bytes; ++i) {
        const size_t have = sink.got().size();
        term.input_space();
        EXPECT_TRUE(eventually([&] { return sink.got().size() > have || sink.got() == bytes; }));
    }
    EXPECT_EQ(sink.got(), bytes);
    term.set_sink(nullptr);
}

TEST(TerminalBackend, NoInputAtAllIsFine) {
    Pipe out;
    TerminalBackend term(nullptr, -1, out.fd[1]);  // an fd that does not exist: input just ends
    ASSERT_TRUE(term.start().ok());
    EXPECT_FALSE(term.start().ok());  // once only
    term.stop();
    term.stop();
}

struct Pty {
    int master = -1, slave = -1;
    Pty() { EXPECT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0); }
    ~Pty() {
        if (master >= 0) close(master);
        if (slave >= 0) close(slave);
    }
    termios attrs() const {
        termios t{};
        tcgetattr(slave, &t);
        return t;
    }
};

TEST(TerminalBackend, ATerminalGoesRawAndComesBack) {
    Pty pty;
    const termios before = pty.attrs();
    ASSERT_TRUE(before.c_lflag & ECHO);
    {
        TerminalBackend term(nullptr, pty.slave, pty.slave);
        EXPECT_TRUE(term.is_terminal());
        ASSERT_TRUE(term.start().ok());
        const termios raw = pty.attrs();
        EXPECT_FALSE(raw.c_lflag & (ECHO | ICANON | ISIG));
        EXPECT_FALSE(raw.c_iflag & ICRNL);
        EXPECT_TRUE(raw.c_oflag & OPOST);
    }  // destroyed: restored
    const termios after = pty.attrs();
    EXPECT_EQ(after.c_lflag, before.c_lflag);
    EXPECT_EQ(after.c_iflag, before.c_iflag);
}

TEST(TerminalBackend, CtrlAEscapes) {
    Pty pty;
    CollectingSink sink;
    std::atomic<int> quits{0};
    TerminalBackend term([&] { ++quits; }, pty.slave, pty.slave);
    term.set_sink(&sink);
    ASSERT_TRUE(term.start().ok());

    // Ctrl-A Ctrl-A is one Ctrl-A; Ctrl-A then an unknown key is swallowed;
    // Ctrl-C is just a byte (no signal in raw mode).
    const std::string keys = std::string(
        "a\x01\x01"
        "b\x01z"
        "c\x03",
        8);
    ASSERT_EQ(write(pty.master, keys.data(), keys.size()), ssize_t(keys.size()));
    const std::string want = std::string(
        "a\x01"
        "bc\x03",
        5);
    EXPECT_TRUE(eventually([&] { return sink.got() == want; })) << sink.got().size();

    ASSERT_EQ(write(pty.master, "\x01h", 2), 2);  // help goes to the terminal
    std::string shown;
    EXPECT_TRUE(eventually([&] {
        shown += read_available(pty.master);
        return shown.find("C-a x") != std::string::npos;
    }));

    ASSERT_EQ(write(pty.master, "\x01xafter", 7), 7);
    EXPECT_TRUE(eventually([&] { return quits.load() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(sink.got(), want);  // nothing after the quit reaches the guest
    EXPECT_EQ(quits.load(), 1);
    term.set_sink(nullptr);
}

}  // namespace
}  // namespace xvm::dev
