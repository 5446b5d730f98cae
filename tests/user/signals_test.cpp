// Signal state and delivery against a real guest address space: frame layout,
// sigreturn, masks, flags, the alternate stack and the restart rules.
#include "user/signals.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "test_process.h"
#include "user/syscall_handlers.h"

namespace xvm::user {
namespace {

constexpr uint64_t kHandler = test::kCodeBase + 0x100;

class SignalsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        p_ = test::make_process();
        ASSERT_TRUE(p_);
        p_->signals().start();
        cpu().pc = test::kCodeBase + 0x78;
    }
    riscv::Cpu& cpu() { return p_->cpu(); }
    Signals& sig() { return p_->signals(); }
    void handle(int s, uint64_t flags = 0, uint64_t mask = 0) {
        GuestSigaction act{kHandler, flags, mask};
        ASSERT_EQ(sig().set_action(s, &act, nullptr), 0);
    }
    GuestSigframe frame_at(uint64_t addr) {
        GuestSigframe f;
        EXPECT_TRUE(p_->space().read(addr, &f, sizeof f));
        return f;
    }
    std::unique_ptr<Process> p_;
};

TEST_F(SignalsTest, DeliveryBuildsTheRiscvFrameAndSigreturnRestores) {
    handle(SIGUSR1, SA_SIGINFO, sig_bit(SIGUSR2));
    const uint64_t sp = cpu().x[2];
    for (int k = 1; k < 32; ++k)
        if (k != 2) cpu().x[k] = 0x1111ull * k;
    for (int k = 0; k < 32; ++k) cpu().f[k] = 0x4000000000000000ull + k;
    cpu().frm = 3;
    cpu().fflags = 0x11;
    const uint64_t pc = cpu().pc;
    sig().set_blocked(sig_bit(SIGHUP));

    GuestSiginfo info;
    info.signo = SIGUSR1;
    info.code = -6;
    info.u.kill.pid = 77;
    sig().queue(info);
    sig().deliver_pending();

    const uint64_t frame = cpu().x[2];
    EXPECT_EQ(frame % 16, 0u);
    EXPECT_LE(frame + sizeof(GuestSigframe), sp);
    EXPECT_GT(frame + sizeof(GuestSigframe) + 16, sp);
    EXPECT_EQ(cpu().pc, kHandler);
    EXPECT_EQ(cpu().x[10], uint64_t{SIGUSR1});
    EXPECT_EQ(cpu().x[11], frame);
    EXPECT_EQ(cpu().x[12], frame + 128);
    // ra: the trampoline, li a7,139; ecall, mapped read+exec.
    const uint64_t ra = cpu().x[1];
    uint32_t code[2];
    ASSERT_TRUE(p_->space().read(ra, code, sizeof code));
    EXPECT_EQ(code[0], 0x08b00893u);
    EXPECT_EQ(code[1], 0x00000073u);
    EXPECT_EQ(p_->space().prot_at(ra), mem::kProtRead | mem::kProtExec);
    EXPECT_TRUE(p_->memory_map().overlaps(ra, ra + 1));
    // Blocked in the handler: old mask, sa_mask and the signal itself.
    EXPECT_EQ(sig().blocked(), sig_bit(SIGHUP) | sig_bit(SIGUSR1) | sig_bit(SIGUSR2));

    GuestSigframe f = frame_at(frame);
    EXPECT_EQ(f.info.signo, SIGUSR1);
    EXPECT_EQ(f.info.code, -6);
    EXPECT_EQ(f.info.u.kill.pid, 77);
    EXPECT_EQ(f.uc.sigmask, sig_bit(SIGHUP));
    EXPECT_EQ(f.uc.stack.flags, 2);  // SS_DISABLE
    EXPECT_EQ(f.uc.mcontext.regs[0], pc);
    EXPECT_EQ(f.uc.mcontext.regs[2], sp);
    EXPECT_EQ(f.uc.mcontext.regs[31], 0x1111ull * 31);
    EXPECT_EQ(f.uc.mcontext.fregs[5], 0x4000000000000005ull);
    EXPECT_EQ(f.uc.mcontext.fcsr, (3u << 5) | 0x11u);

    // The handler clobbers registers and edits the saved context; sigreturn
    // (a7 = 139 from the trampoline, sp back at the frame) restores the edit.
    for (int k = 1; k < 32; ++k) cpu().x[k] = 0;
    cpu().x[2] = frame;
    cpu().frm = 0;
    cpu().fflags = 0;
    const uint64_t new_pc = pc + 8;
    ASSERT_TRUE(p_->space().write(frame + 128 + 176, &new_pc, 8));
    sig().sigreturn();
    EXPECT_EQ(cpu().pc, new_pc);
    EXPECT_EQ(cpu().x[2], sp);
    EXPECT_EQ(cpu().x[10], 0x1111ull * 10);
    EXPECT_EQ(cpu().f[31], 0x400000000000001full);
    EXPECT_EQ(cpu().frm, 3u);
    EXPECT_EQ(cpu().fflags, 0x11u);
    EXPECT_EQ(sig().blocked(), sig_bit(SIGHUP));
}

TEST_F(SignalsTest, BlockedSignalWaitsUntilUnblocked) {
    handle(SIGUSR2);
    sig().set_blocked(sig_bit(SIGUSR2));
    GuestSiginfo info;
    info.signo = SIGUSR2;
    sig().queue(info);
    const uint64_t pc = cpu().pc;
    sig().deliver_pending();
    EXPECT_EQ(cpu().pc, pc);
    EXPECT_EQ(sig().pending(), sig_bit(SIGUSR2));
    sig().set_blocked(0);
    sig().deliver_pending();
    EXPECT_EQ(cpu().pc, kHandler);
    EXPECT_EQ(sig().pending(), 0u);
}

TEST_F(SignalsTest, NodeferAndResethand) {
    handle(SIGUSR1, SA_NODEFER | SA_RESETHAND);
    GuestSiginfo info;
    info.signo = SIGUSR1;
    sig().queue(info);
    sig().deliver_pending();
    EXPECT_EQ(cpu().pc, kHandler);
    EXPECT_EQ(sig().blocked() & sig_bit(SIGUSR1), 0u);
    EXPECT_EQ(sig().action(SIGUSR1).handler, 0u);  // back to SIG_DFL
}

TEST_F(SignalsTest, IgnoredSignalsAreDiscarded) {
    GuestSigaction ign{1, 0, 0};
    ASSERT_EQ(sig().set_action(SIGUSR1, &ign, nullptr), 0);
    GuestSiginfo info;
    info.signo = SIGUSR1;
    sig().queue(info);
    EXPECT_EQ(sig().pending(), 0u);
    // Blocked ones are kept (the disposition may change), then dropped when the
    // disposition becomes "ignore".
    handle(SIGUSR2);
    sig().set_blocked(sig_bit(SIGUSR2));
    info.signo = SIGUSR2;
    sig().queue(info);
    EXPECT_EQ(sig().pending(), sig_bit(SIGUSR2));
    ASSERT_EQ(sig().set_action(SIGUSR2, &ign, nullptr), 0);
    EXPECT_EQ(sig().pending(), 0u);
    // Default-ignored signals never interrupt anything.
    info.signo = SIGCHLD;
    sig().queue(info);
    EXPECT_FALSE(sig().wakeup_pending());
}

TEST_F(SignalsTest, ActionArgumentChecks) {
    GuestSigaction act{kHandler, 0, 0}, old;
    EXPECT_EQ(sig().set_action(SIGKILL, &act, nullptr), -EINVAL);
    EXPECT_EQ(sig().set_action(SIGSTOP, &act, nullptr), -EINVAL);
    EXPECT_EQ(sig().set_action(SIGKILL, nullptr, &old), 0);
    EXPECT_EQ(sig().set_action(0, &act, nullptr), -EINVAL);
    EXPECT_EQ(sig().set_action(65, &act, nullptr), -EINVAL);
    // Unknown flag bits (SA_UNSUPPORTED, 0x400) read back as clear.
    act.flags = SA_SIGINFO | 0x400;
    act.mask = sig_bit(SIGKILL) | sig_bit(SIGINT);
    ASSERT_EQ(sig().set_action(SIGINT, &act, nullptr), 0);
    ASSERT_EQ(sig().set_action(SIGINT, nullptr, &old), 0);
    EXPECT_EQ(old.flags, uint64_t{SA_SIGINFO});
    EXPECT_EQ(old.mask, sig_bit(SIGINT));
    sig().set_blocked(~0ull);
    EXPECT_EQ(sig().blocked(), ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP)));
}

TEST_F(SignalsTest, AlternateStack) {
    const uint64_t base = test::scratch(*p_);
    GuestStack small{base, 0, 0, 1024}, bad{base, 5, 0, 65536}, ok{base, 0, 0, 65536};
    EXPECT_EQ(sig().alt_stack(&small, nullptr), -ENOMEM);
    EXPECT_EQ(sig().alt_stack(&bad, nullptr), -EINVAL);
    EXPECT_EQ(sig().alt_stack(&ok, nullptr), 0);
    GuestStack cur;
    EXPECT_EQ(sig().alt_stack(nullptr, &cur), 0);
    EXPECT_EQ(cur.sp, base);
    EXPECT_EQ(cur.size, 65536u);
    EXPECT_EQ(cur.flags, 0);

    handle(SIGSEGV, SA_ONSTACK | SA_SIGINFO);
    sig().force(SIGSEGV, 1, 0x1234);
    const uint64_t frame = cpu().x[2];
    EXPECT_GE(frame, base);
    EXPECT_LT(frame, base + 65536);
    GuestSigframe f = frame_at(frame);
    EXPECT_EQ(f.info.u.addr, 0x1234u);
    EXPECT_EQ(f.info.code, 1);
    // On the stack now: SS_ONSTACK, and changing it is refused.
    EXPECT_EQ(sig().alt_stack(nullptr, &cur), 0);
    EXPECT_EQ(cur.flags, 1);
    EXPECT_EQ(sig().alt_stack(&ok, nullptr), -EPERM);
}

TEST_F(SignalsTest, TemporaryMaskIsWhatTheFrameRecords) {
    handle(SIGUSR1);
    sig().set_blocked(sig_bit(SIGUSR1));
    GuestSiginfo info;
    info.signo = SIGUSR1;
    sig().queue(info);
    sig().begin_temporary_mask(0);  // as sigsuspend(&empty)
    EXPECT_TRUE(sig().wakeup_pending());
    sig().end_temporary_mask(true);
    sig().deliver_pending();
    EXPECT_EQ(cpu().pc, kHandler);
    EXPECT_EQ(frame_at(cpu().x[2]).uc.sigmask, sig_bit(SIGUSR1));
    // Not interrupted: the old mask comes back at once.
    sig().set_blocked(sig_bit(SIGUSR2));
    sig().begin_temporary_mask(0);
    sig().end_temporary_mask(false);
    EXPECT_EQ(sig().blocked(), sig_bit(SIGUSR2));
}

TEST_F(SignalsTest, RestartFollowsSaRestartAndTheCallKind) {
    constexpr uint64_t kRead = 63, kPpoll = 73, kGetpid = 172;
    GuestSiginfo info;
    info.signo = SIGUSR1;
    EXPECT_FALSE(sig().restart(kRead));  // nothing pending: a real EINTR
    handle(SIGUSR1, SA_RESTART);
    sig().queue(info);
    EXPECT_TRUE(sig().restart(kRead));
    EXPECT_FALSE(sig().restart(kPpoll));  // never restarted after a handler
    EXPECT_FALSE(sig().restart(kGetpid));
    handle(SIGUSR1, 0);
    EXPECT_FALSE(sig().restart(kRead));
    // Pending but blocked: no handler runs, the call resumes.
    sig().set_blocked(sig_bit(SIGUSR1));
    EXPECT_TRUE(sig().restart(kRead));
    EXPECT_TRUE(sig().restart(kPpoll));
    EXPECT_FALSE(sig().deliver_first(kRead));
    // Deliverable before a blocking call starts: it is not started.
    sig().set_blocked(0);
    EXPECT_TRUE(sig().deliver_first(kRead));
    EXPECT_FALSE(sig().deliver_first(kPpoll));  // waits for signals itself
    EXPECT_FALSE(sig().deliver_first(kGetpid));
}

TEST_F(SignalsTest, KillToSelfQueuesWithSenderInfo) {
    handle(SIGUSR1, SA_SIGINFO);
    const uint64_t a[6] = {static_cast<uint64_t>(getpid()), SIGUSR1};
    EXPECT_EQ(sys_kill(*p_, a), 0);
    EXPECT_EQ(sig().pending(), sig_bit(SIGUSR1));
    sig().deliver_pending();
    GuestSigframe f = frame_at(cpu().x[2]);
    EXPECT_EQ(f.info.code, 0);  // SI_USER
    EXPECT_EQ(f.info.u.kill.pid, getpid());
    const uint64_t bad[6] = {static_cast<uint64_t>(getpid()), 65};
    EXPECT_EQ(sys_kill(*p_, bad), -EINVAL);
}

TEST_F(SignalsTest, SigactionAndSigprocmaskThroughGuestMemory) {
    const uint64_t act = test::scratch(*p_), old = act + 64, set = act + 128;
    const GuestSigaction in{kHandler, SA_RESTART, sig_bit(SIGTERM)};
    ASSERT_TRUE(p_->space().write(act, &in, sizeof in));
    const uint64_t args[6] = {SIGINT, act, old, 8};
    EXPECT_EQ(sys_rt_sigaction(*p_, args), 0);
    EXPECT_EQ(sig().action(SIGINT).handler, kHandler);
    const uint64_t again[6] = {SIGINT, 0, old, 8};
    EXPECT_EQ(sys_rt_sigaction(*p_, again), 0);
    GuestSigaction out;
    ASSERT_TRUE(p_->space().read(old, &out, sizeof out));
    EXPECT_EQ(out.handler, kHandler);
    EXPECT_EQ(out.flags, uint64_t{SA_RESTART});
    const uint64_t bad_size[6] = {SIGINT, act, 0, 16};
    EXPECT_EQ(sys_rt_sigaction(*p_, bad_size), -EINVAL);
    const uint64_t bad_ptr[6] = {SIGINT, 8, 0, 8};
    EXPECT_EQ(sys_rt_sigaction(*p_, bad_ptr), -EFAULT);

    const uint64_t mask = sig_bit(SIGUSR1) | sig_bit(SIGKILL);
    ASSERT_TRUE(p_->space().write(set, &mask, 8));
    const uint64_t block[6] = {SIG_BLOCK, set, 0, 8};
    EXPECT_EQ(sys_rt_sigprocmask(*p_, block), 0);
    EXPECT_EQ(sig().blocked(), sig_bit(SIGUSR1));
    const uint64_t how_bad[6] = {7, set, 0, 8};
    EXPECT_EQ(sys_rt_sigprocmask(*p_, how_bad), -EINVAL);
    const uint64_t unblock[6] = {SIG_UNBLOCK, set, old, 8};
    EXPECT_EQ(sys_rt_sigprocmask(*p_, unblock), 0);
    EXPECT_EQ(sig().blocked(), 0u);
    uint64_t prev;
    ASSERT_TRUE(p_->space().read(old, &prev, 8));
    EXPECT_EQ(prev, sig_bit(SIGUSR1));
}

TEST_F(SignalsTest, UnhandledFaultEndsTheProcessWithSignalStatus) {
    EXPECT_EXIT(sig().force(SIGSEGV, 1, 0x10), ::testing::KilledBySignal(SIGSEGV),
                "uncaught target signal 11");
    // A handler that is blocked does not help either (force_sig_info()).
    handle(SIGILL);
    sig().set_blocked(sig_bit(SIGILL));
    EXPECT_EXIT(sig().force(SIGILL, 1, 0), ::testing::KilledBySignal(SIGILL), "");
    // Default-terminating signals end it without a core message.
    EXPECT_EXIT(
        {
            GuestSiginfo info;
            info.signo = SIGTERM;
            sig().queue(info);
            sig().deliver_pending();
        },
        ::testing::KilledBySignal(SIGTERM), "");
}

TEST_F(SignalsTest, HostSignalIsForwardedToTheGuest) {
    handle(SIGUSR2, SA_SIGINFO);
    ASSERT_EQ(kill(getpid(), SIGUSR2), 0);  // caught by the host handler, queued
    EXPECT_TRUE(host_signals_pending());
    EXPECT_EQ(sig().pending(), sig_bit(SIGUSR2));
    sig().deliver_pending();
    EXPECT_EQ(cpu().pc, kHandler);
    EXPECT_EQ(frame_at(cpu().x[2]).info.u.kill.pid, getpid());
}

}  // namespace
}  // namespace xvm::user
