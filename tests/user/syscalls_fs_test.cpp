// File-system handlers against guest memory: sysroot translation, the
// /proc/self entries, stat conversion, directory reads and bad pointers.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include "test_process.h"
#include "user/guest_abi.h"
#include "user/syscall_handlers.h"

namespace xvm::user {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kAtFdcwd = static_cast<uint64_t>(AT_FDCWD);

class FsSyscalls : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/xvm-fs-test-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        fs::create_directories(root_ + "/lib");
        std::FILE* f = std::fopen((root_ + "/lib/marker.txt").c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs("from sysroot", f);
        std::fclose(f);
        p_ = test::make_process(root_);
        ASSERT_TRUE(p_);
        mem_ = test::scratch(*p_);
    }
    void TearDown() override { fs::remove_all(root_); }
    uint64_t str(const std::string& s, uint64_t off = 0) {
        return test::put_string(*p_, mem_ + off, s);
    }
    std::string root_;
    std::unique_ptr<Process> p_;
    uint64_t mem_ = 0;
};

TEST_F(FsSyscalls, OpenatLooksInTheSysrootFirst) {
    const uint64_t open_args[6] = {kAtFdcwd, str("/lib/marker.txt"), O_RDONLY, 0};
    const int64_t fd = sys_openat(*p_, open_args);
    ASSERT_GE(fd, 0);
    const uint64_t buf = mem_ + 0x800;
    const uint64_t read_args[6] = {static_cast<uint64_t>(fd), buf, 64};
    ASSERT_EQ(sys_read(*p_, read_args), 12);
    char text[13] = {};
    ASSERT_TRUE(p_->space().read(buf, text, 12));
    EXPECT_STREQ(text, "from sysroot");
    const uint64_t close_args[6] = {static_cast<uint64_t>(fd)};
    EXPECT_EQ(sys_close(*p_, close_args), 0);
    // Not in the sysroot: the host path.
    const uint64_t tmp_args[6] = {kAtFdcwd, str("/tmp"), O_RDONLY | O_DIRECTORY, 0};
    const int64_t dfd = sys_openat(*p_, tmp_args);
    ASSERT_GE(dfd, 0);
    close(static_cast<int>(dfd));
    const uint64_t missing[6] = {kAtFdcwd, str("/lib/no-such-file"), O_RDONLY, 0};
    EXPECT_EQ(sys_openat(*p_, missing), -ENOENT);
}

TEST_F(FsSyscalls, NewfstatatConvertsToTheRiscvStat) {
    const uint64_t st = mem_ + 0x800;
    const uint64_t args[6] = {kAtFdcwd, str("/lib/marker.txt"), st, 0};
    ASSERT_EQ(sys_newfstatat(*p_, args), 0);
    GuestStat g;
    ASSERT_TRUE(p_->space().read(st, &g, sizeof g));
    struct stat host;
    ASSERT_EQ(stat((root_ + "/lib/marker.txt").c_str(), &host), 0);
    EXPECT_EQ(g.size, 12);
    EXPECT_EQ(g.ino, host.st_ino);
    EXPECT_EQ(g.mode, host.st_mode);
    EXPECT_EQ(g.nlink, 1u);
    const uint64_t bad_buf[6] = {kAtFdcwd, str("/lib/marker.txt"), 16, 0};
    EXPECT_EQ(sys_newfstatat(*p_, bad_buf), -EFAULT);
    const uint64_t bad_path[6] = {kAtFdcwd, 16, st, 0};
    EXPECT_EQ(sys_newfstatat(*p_, bad_path), -EFAULT);
    const uint64_t long_path[6] = {kAtFdcwd, str("/" + std::string(5000, 'a')), st, 0};
    EXPECT_EQ(sys_newfstatat(*p_, long_path), -ENAMETOOLONG);
}

TEST_F(FsSyscalls, ProcSelfExeNamesTheGuestProgram) {
    const uint64_t buf = mem_ + 0x800;
    const uint64_t args[6] = {kAtFdcwd, str("/proc/self/exe"), buf, 4096};
    const int64_t n = sys_readlinkat(*p_, args);
    ASSERT_GT(n, 0);
    std::string target(static_cast<size_t>(n), '\0');
    ASSERT_TRUE(p_->space().read(buf, target.data(), target.size()));
    EXPECT_EQ(target, p_->exe_path());
    EXPECT_EQ(target.rfind("/tmp/xvm-user-test-", 0), 0u);
    const uint64_t short_buf[6] = {kAtFdcwd, str("/proc/self/exe"), buf, 4};
    EXPECT_EQ(sys_readlinkat(*p_, short_buf), 4);
    const uint64_t zero[6] = {kAtFdcwd, str("/proc/self/exe"), buf, 0};
    EXPECT_EQ(sys_readlinkat(*p_, zero), -EINVAL);
}

TEST_F(FsSyscalls, ProcSelfCmdlineIsTheGuestArgv) {
    const uint64_t args[6] = {kAtFdcwd, str("/proc/self/cmdline"), O_RDONLY, 0};
    const int64_t fd = sys_openat(*p_, args);
    ASSERT_GE(fd, 0);
    char buf[256];
    const ssize_t n = read(static_cast<int>(fd), buf, sizeof buf);
    close(static_cast<int>(fd));
    const std::string expect = p_->options().load.argv[0] + '\0' + "arg1" + '\0';
    EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), expect);
}

TEST_F(FsSyscalls, Getdents64ListsTheDirectory) {
    std::FILE* f = std::fopen((root_ + "/lib/second").c_str(), "w");
    std::fclose(f);
    const int dfd = open((root_ + "/lib").c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(dfd, 0);
    const uint64_t buf = mem_ + 0x1000;
    const uint64_t args[6] = {static_cast<uint64_t>(dfd), buf, 4096};
    const int64_t n = sys_getdents64(*p_, args);
    ASSERT_GT(n, 0);
    std::set<std::string> names;
    for (int64_t off = 0; off < n;) {
        uint16_t reclen;
        ASSERT_TRUE(p_->space().read(buf + off + 16, &reclen, 2));
        std::string name;
        ASSERT_TRUE(p_->space().read_string(buf + off + 19, name));
        names.insert(name);
        off += reclen;
    }
    EXPECT_EQ(names, (std::set<std::string>{".", "..", "marker.txt", "second"}));
    const uint64_t bad[6] = {static_cast<uint64_t>(dfd), 16, 4096};
    EXPECT_EQ(sys_getdents64(*p_, bad), -EFAULT);
    close(dfd);
}

TEST_F(FsSyscalls, GetcwdCountsTheNul) {
    const uint64_t buf = mem_ + 0x800;
    const uint64_t args[6] = {buf, 4096};
    const int64_t n = sys_getcwd(*p_, args);
    const std::string cwd = fs::current_path().string();
    EXPECT_EQ(n, static_cast<int64_t>(cwd.size() + 1));
    std::string got;
    ASSERT_TRUE(p_->space().read_string(buf, got));
    EXPECT_EQ(got, cwd);
    const uint64_t tiny[6] = {buf, 1};
    EXPECT_EQ(sys_getcwd(*p_, tiny), -ERANGE);
}

TEST_F(FsSyscalls, IoctlUnknownIsEnottyAndWinsizeNeedsATerminal) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const uint64_t unknown[6] = {static_cast<uint64_t>(fds[0]), 0x12345678, 0};
    EXPECT_EQ(sys_ioctl(*p_, unknown), -ENOTTY);
    const uint64_t winsz[6] = {static_cast<uint64_t>(fds[0]), 0x5413, mem_};
    EXPECT_EQ(sys_ioctl(*p_, winsz), -ENOTTY);
    ASSERT_EQ(write(fds[1], "abc", 3), 3);
    const uint64_t fionread[6] = {static_cast<uint64_t>(fds[0]), 0x541b, mem_};
    EXPECT_EQ(sys_ioctl(*p_, fionread), 0);
    int avail = 0;
    ASSERT_TRUE(p_->space().read(mem_, &avail, 4));
    EXPECT_EQ(avail, 3);
    const uint64_t fionread_bad[6] = {static_cast<uint64_t>(fds[0]), 0x541b, 16};
    EXPECT_EQ(sys_ioctl(*p_, fionread_bad), -EFAULT);
    close(fds[0]);
    close(fds[1]);
}

}  // namespace
}  // namespace xvm::user
