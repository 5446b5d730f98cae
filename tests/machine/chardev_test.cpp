// The board's character-device backends, opened from their options: a pipe's
// two FIFOs carry input to the device and output back; null has no backend.
#include "machine/chardev.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "machine_test_util.h"

namespace xvm::machine {
namespace {

class Collector final : public dev::CharSink {
  public:
    size_t receive(const uint8_t* data, size_t len) override {
        std::lock_guard lock(mu_);
        got_.append(reinterpret_cast<const char*>(data), len);
        return len;
    }
    std::string got() {
        std::lock_guard lock(mu_);
        return got_;
    }

  private:
    std::mutex mu_;
    std::string got_;
};

template <class Pred>
bool eventually(Pred pred) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

void write_str(dev::CharBackend* b, const std::string& s) {
    b->write(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(CharDev, NullHasNoBackend) {
    auto c = CharDev::open({CharDevOption::Kind::kNull, "", false}, nullptr, 0, 1);
    ASSERT_TRUE(c);
    EXPECT_EQ((*c)->backend(), nullptr);
    EXPECT_TRUE((*c)->start());
    (*c)->stop();
}

TEST(CharDev, FileGetsTheOutput) {
    test::TempDir dir;
    ASSERT_TRUE(dir.ok());
    auto c = CharDev::open({CharDevOption::Kind::kFile, dir.file("out"), false}, nullptr, 0, 1);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE((*c)->start());
    write_str((*c)->backend(), "to the file\n");
    c->reset();
    const auto bytes = test::read_bytes(dir.file("out"));
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "to the file\n");
}

TEST(CharDev, PipeUsesPathInAndPathOut) {
    test::TempDir dir;
    ASSERT_TRUE(dir.ok());
    const std::string base = dir.file("p");
    ASSERT_EQ(mkfifo((base + ".in").c_str(), 0600), 0);
    ASSERT_EQ(mkfifo((base + ".out").c_str(), 0600), 0);
    auto c = CharDev::open({CharDevOption::Kind::kPipe, base, false}, nullptr, 0, 1);
    ASSERT_TRUE(c) << c.error().message;
    Collector sink;
    (*c)->backend()->set_sink(&sink);
    ASSERT_TRUE((*c)->start());

    const int in = open((base + ".in").c_str(), O_WRONLY | O_CLOEXEC);
    const int out = open((base + ".out").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(in, 0);
    ASSERT_GE(out, 0);
    ASSERT_EQ(write(in, "typed\n", 6), 6);
    EXPECT_TRUE(eventually([&] { return sink.got() == "typed\n"; })) << sink.got();
    write_str((*c)->backend(), "printed\n");
    char buf[16] = {};
    pollfd p{out, POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 5000), 1);
    EXPECT_EQ(read(out, buf, sizeof buf), 8);
    EXPECT_STREQ(buf, "printed\n");
    (*c)->stop();
    (*c)->backend()->set_sink(nullptr);
    close(in);
    close(out);
}

TEST(CharDev, PipeFallsBackToOnePathBothWaysAndNamesAMissingOne) {
    test::TempDir dir;
    ASSERT_TRUE(dir.ok());
    const std::string fifo = dir.file("both");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    auto c = CharDev::open({CharDevOption::Kind::kPipe, fifo, false}, nullptr, 0, 1);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_NE((*c)->backend(), nullptr);

    auto missing =
        CharDev::open({CharDevOption::Kind::kPipe, dir.file("none"), false}, nullptr, 0, 1);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, dir.file("none") + ": No such file or directory (nor " +
                                           dir.file("none") + ".in and .out)");
}

}  // namespace
}  // namespace xvm::machine
