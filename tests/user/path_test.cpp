#include "user/path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace xvm::user {
namespace {

namespace fs = std::filesystem;

class SysrootPath : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/xvm-sysroot-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        fs::create_directories(root_ + "/lib");
        std::FILE* f = std::fopen((root_ + "/lib/libc.so.6").c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fclose(f);
        // A dangling absolute symlink still counts as present in the sysroot.
        fs::create_symlink("/nonexistent/target", root_ + "/lib/dangling.so");
    }
    void TearDown() override { fs::remove_all(root_); }
    std::string root_;
};

TEST_F(SysrootPath, AbsolutePathFoundInSysrootIsTranslated) {
    EXPECT_EQ(sysroot_path(root_, "/lib/libc.so.6"), root_ + "/lib/libc.so.6");
    EXPECT_EQ(sysroot_path(root_, "/lib"), root_ + "/lib");
    EXPECT_EQ(sysroot_path(root_ + "/", "/lib/libc.so.6"), root_ + "/lib/libc.so.6");
    EXPECT_EQ(sysroot_path(root_, "/lib/dangling.so"), root_ + "/lib/dangling.so");
}

TEST_F(SysrootPath, MissingInSysrootFallsBackToHostPath) {
    EXPECT_EQ(sysroot_path(root_, "/tmp"), "/tmp");
    EXPECT_EQ(sysroot_path(root_, "/lib/libm.so.6"), "/lib/libm.so.6");
    EXPECT_EQ(sysroot_path(root_, "/etc/passwd"), "/etc/passwd");
}

TEST_F(SysrootPath, RelativeRootAndEmptyAreNeverTranslated) {
    EXPECT_EQ(sysroot_path(root_, "lib/libc.so.6"), "lib/libc.so.6");
    EXPECT_EQ(sysroot_path(root_, "/"), "/");
    EXPECT_EQ(sysroot_path(root_, ""), "");
    EXPECT_EQ(sysroot_path("", "/lib/libc.so.6"), "/lib/libc.so.6");
}

TEST(ProcSelf, RecognisesSelfThreadSelfAndOwnPid) {
    EXPECT_TRUE(is_proc_self("/proc/self/exe", "exe"));
    EXPECT_TRUE(is_proc_self("/proc/thread-self/exe", "exe"));
    EXPECT_TRUE(is_proc_self("/proc/" + std::to_string(getpid()) + "/exe", "exe"));
    EXPECT_TRUE(is_proc_self("/proc/self/cmdline", "cmdline"));
    EXPECT_FALSE(is_proc_self("/proc/1/exe", "exe"));
    EXPECT_FALSE(is_proc_self("/proc/self/exe2", "exe"));
    EXPECT_FALSE(is_proc_self("/proc/self/fd/exe", "exe"));
    EXPECT_FALSE(is_proc_self("/proc/12x/exe", "exe"));
    EXPECT_FALSE(is_proc_self("/prod/self/exe", "exe"));
    EXPECT_FALSE(is_proc_self("/proc/self", "exe"));
}

TEST(AbsolutePath, ResolvesAgainstCwdLexically) {
    const std::string cwd = fs::current_path().string();
    EXPECT_EQ(absolute_path("a/./b/../prog"), cwd + "/a/prog");
    EXPECT_EQ(absolute_path("/usr//bin/../lib/x"), "/usr/lib/x");
}

}  // namespace
}  // namespace xvm::user
