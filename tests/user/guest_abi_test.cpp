// The riscv64 structure layouts, checked byte by byte at the offsets the
// sysroot's kernel headers give (see guest_abi.h), and the stat conversion.
#include "user/guest_abi.h"

#include <gtest/gtest.h>

#include <cstring>

namespace xvm::user {
namespace {

template <class T>
T at(const void* base, size_t off) {
    T v;
    std::memcpy(&v, static_cast<const uint8_t*>(base) + off, sizeof v);
    return v;
}

TEST(GuestAbi, StatConversionPutsEachFieldAtItsRiscv64Offset) {
    struct stat s {};
    s.st_dev = 0x801;
    s.st_ino = 0x123456789abcull;
    s.st_mode = 0100644;
    s.st_nlink = 3;
    s.st_uid = 1000;
    s.st_gid = 1001;
    s.st_rdev = 0x504;
    s.st_size = 0x1122334455ll;
    s.st_blksize = 4096;
    s.st_blocks = 88;
    s.st_atim = {111, 1};
    s.st_mtim = {222, 2};
    s.st_ctim = {333, 3};
    const GuestStat g = to_guest_stat(s);
    // asm-generic/stat.h offsets, as printed by a riscv64 program.
    EXPECT_EQ(at<uint64_t>(&g, 0), 0x801u);
    EXPECT_EQ(at<uint64_t>(&g, 8), 0x123456789abcull);
    EXPECT_EQ(at<uint32_t>(&g, 16), 0100644u);
    EXPECT_EQ(at<uint32_t>(&g, 20), 3u);
    EXPECT_EQ(at<uint32_t>(&g, 24), 1000u);
    EXPECT_EQ(at<uint32_t>(&g, 28), 1001u);
    EXPECT_EQ(at<uint64_t>(&g, 32), 0x504u);
    EXPECT_EQ(at<uint64_t>(&g, 40), 0u);  // __pad1
    EXPECT_EQ(at<int64_t>(&g, 48), 0x1122334455ll);
    EXPECT_EQ(at<int32_t>(&g, 56), 4096);
    EXPECT_EQ(at<int64_t>(&g, 64), 88);
    EXPECT_EQ(at<int64_t>(&g, 72), 111);
    EXPECT_EQ(at<uint64_t>(&g, 80), 1u);
    EXPECT_EQ(at<int64_t>(&g, 88), 222);
    EXPECT_EQ(at<uint64_t>(&g, 96), 2u);
    EXPECT_EQ(at<int64_t>(&g, 104), 333);
    EXPECT_EQ(at<uint64_t>(&g, 112), 3u);
    EXPECT_EQ(at<uint64_t>(&g, 120), 0u);  // __unused4/5
}

TEST(GuestAbi, StatOfARealFileMatchesTheHostView) {
    struct stat s;
    ASSERT_EQ(stat("/", &s), 0);
    const GuestStat g = to_guest_stat(s);
    EXPECT_EQ(g.ino, s.st_ino);
    EXPECT_EQ(g.mode, s.st_mode);
    EXPECT_EQ(g.size, s.st_size);
    EXPECT_EQ(static_cast<uint64_t>(g.mtime_nsec), static_cast<uint64_t>(s.st_mtim.tv_nsec));
}

TEST(GuestAbi, SigactionHasNoRestorer) {
    GuestSigaction a{0x1000, 0x4, 0x30};
    EXPECT_EQ(sizeof a, 24u);
    EXPECT_EQ(at<uint64_t>(&a, 0), 0x1000u);
    EXPECT_EQ(at<uint64_t>(&a, 8), 0x4u);
    EXPECT_EQ(at<uint64_t>(&a, 16), 0x30u);
}

TEST(GuestAbi, SiginfoUnionStartsAtSixteen) {
    GuestSiginfo i;
    i.signo = 11;
    i.code = 2;
    i.u.addr = 0xdead;
    EXPECT_EQ(at<int32_t>(&i, 0), 11);
    EXPECT_EQ(at<int32_t>(&i, 8), 2);
    EXPECT_EQ(at<uint64_t>(&i, 16), 0xdeadu);
    i.u.kill.pid = 42;
    i.u.kill.uid = 7;
    EXPECT_EQ(at<int32_t>(&i, 16), 42);   // si_pid
    EXPECT_EQ(at<uint32_t>(&i, 20), 7u);  // si_uid
}

TEST(GuestAbi, SignalFrameOffsets) {
    // arch/riscv rt_sigframe: siginfo (128) then ucontext; glibc's ucontext_t
    // reads uc_sigmask at 40 and uc_mcontext (__gregs) at 176, __fpregs at 432.
    EXPECT_EQ(offsetof(GuestSigframe, uc), 128u);
    EXPECT_EQ(offsetof(GuestUcontext, sigmask), 40u);
    EXPECT_EQ(offsetof(GuestUcontext, mcontext), 176u);
    EXPECT_EQ(offsetof(GuestUcontext, mcontext) + offsetof(GuestSigcontext, fregs), 432u);
    EXPECT_EQ(sizeof(GuestUcontext), 960u);
    EXPECT_EQ(sizeof(GuestSigframe) % 16, 0u);
}

TEST(GuestAbi, EpollEventIsPaddedOnRiscv64) {
    GuestEpollEvent e{1, 0, 0x1122334455667788ull};
    EXPECT_EQ(sizeof e, 16u);
    EXPECT_EQ(at<uint64_t>(&e, 8), 0x1122334455667788ull);
}

}  // namespace
}  // namespace xvm::user
