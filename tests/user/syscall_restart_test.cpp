// The system-call path with signals: a signal already waiting is delivered
// before a blocking call starts; one that interrupts a blocking host call gives
// -EINTR or a restart (pc back at the ecall, a0 restored) per SA_RESTART.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include "test_process.h"
#include "user/syscall_handlers.h"
#include "user/syscalls.h"

namespace xvm::user {
namespace {

constexpr uint64_t kHandler = test::kCodeBase + 0x100;
constexpr uint64_t kRead = 63;

class SyscallRestart : public ::testing::Test {
  protected:
    void SetUp() override {
        p_ = test::make_process();
        ASSERT_TRUE(p_);
        p_->signals().start();
        ASSERT_EQ(pipe(fds_), 0);
        ecall_pc_ = test::kCodeBase + 0x80;
    }
    void TearDown() override {
        const itimerval off{};
        setitimer(ITIMER_REAL, &off, nullptr);
        close(fds_[0]);
        close(fds_[1]);
    }
    // Sets up read(fds_[0], scratch, 8) at the ecall and runs it as the
    // process loop would (do_syscall, then pc past the ecall).
    void run_read() {
        riscv::Cpu& c = p_->cpu();
        c.pc = ecall_pc_;
        c.x[17] = kRead;
        c.x[10] = static_cast<uint64_t>(fds_[0]);
        c.x[11] = test::scratch(*p_);
        c.x[12] = 8;
        do_syscall(*p_);
        c.pc += 4;
    }
    void handle(int sig, uint64_t flags) {
        GuestSigaction act{kHandler, flags, 0};
        ASSERT_EQ(p_->signals().set_action(sig, &act, nullptr), 0);
    }
    static void arm_timer_ms(int ms) {
        const itimerval it{{0, 0}, {0, ms * 1000}};
        setitimer(ITIMER_REAL, &it, nullptr);
    }
    std::unique_ptr<Process> p_;
    int fds_[2] = {-1, -1};
    uint64_t ecall_pc_ = 0;
};

TEST_F(SyscallRestart, InterruptedWithoutSaRestartReturnsEintr) {
    handle(SIGALRM, 0);
    arm_timer_ms(30);
    run_read();
    EXPECT_EQ(static_cast<int64_t>(p_->cpu().x[10]), -EINTR);
    EXPECT_EQ(p_->cpu().pc, ecall_pc_ + 4);
    p_->signals().deliver_pending();
    EXPECT_EQ(p_->cpu().pc, kHandler);
}

TEST_F(SyscallRestart, InterruptedWithSaRestartBacksUpToTheEcall) {
    handle(SIGALRM, SA_RESTART);
    arm_timer_ms(30);
    run_read();
    EXPECT_EQ(p_->cpu().pc, ecall_pc_);
    EXPECT_EQ(p_->cpu().x[10], static_cast<uint64_t>(fds_[0]));  // a0 restored
    p_->signals().deliver_pending();
    EXPECT_EQ(p_->cpu().pc, kHandler);
    // The handler's frame returns to the ecall: the read runs again.
    GuestSigframe f;
    ASSERT_TRUE(p_->space().read(p_->cpu().x[2], &f, sizeof f));
    EXPECT_EQ(f.uc.mcontext.regs[0], ecall_pc_);
}

TEST_F(SyscallRestart, PendingSignalIsDeliveredBeforeABlockingCall) {
    handle(SIGUSR1, 0);
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);  // arrives "while the guest ran"
    ASSERT_EQ(write(fds_[1], "x", 1), 1);
    run_read();
    // Not started: no EINTR, no data consumed, pc at the ecall again.
    EXPECT_EQ(p_->cpu().pc, ecall_pc_);
    EXPECT_EQ(p_->cpu().x[10], static_cast<uint64_t>(fds_[0]));
    p_->signals().deliver_pending();
    EXPECT_EQ(p_->cpu().pc, kHandler);
    char c;
    EXPECT_EQ(read(fds_[0], &c, 1), 1);
}

TEST_F(SyscallRestart, BlockedSignalRestartsWithoutAnyHandler) {
    handle(SIGALRM, 0);
    p_->signals().set_blocked(sig_bit(SIGALRM));
    arm_timer_ms(30);
    run_read();
    EXPECT_EQ(p_->cpu().pc, ecall_pc_);
    EXPECT_EQ(p_->signals().pending(), sig_bit(SIGALRM));
    // Restarted: with data there, it completes this time.
    ASSERT_EQ(write(fds_[1], "y", 1), 1);
    run_read();
    EXPECT_EQ(p_->cpu().x[10], 1u);
    EXPECT_EQ(p_->cpu().pc, ecall_pc_ + 4);
}

TEST(Clone, ThreadsAreNotEmulated) {
    auto p = test::make_process();
    ASSERT_TRUE(p);
    const uint64_t thread[6] = {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD,
                                0x1000, 0, 0, 0};
    EXPECT_EQ(sys_clone(*p, thread), -ENOSYS);
    const uint64_t vm_only[6] = {CLONE_VM | SIGCHLD};
    EXPECT_EQ(sys_clone(*p, vm_only), -ENOSYS);
}

}  // namespace
}  // namespace xvm::user
