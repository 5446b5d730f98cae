#include "user/process.h"

#include <signal.h>

#include "core/log.h"
#include "user/path.h"
#include "user/syscalls.h"

namespace xvm::user {

Result<std::unique_ptr<Process>> Process::create(const ProcessOptions& opts) {
    std::unique_ptr<Process> p(new Process());
    p->opts_ = opts;
    // Before the guest can chdir: what /proc/self/exe names.
    p->exe_path_ = absolute_path(opts.load.path);
    auto space = mem::AddressSpace::create();
    if (!space) return space.error();
    p->space_ = std::move(*space);
    p->map_ = MemoryMap(p->space_->user_top());
    auto img = load_program(opts.load, *p->space_, p->map_);
    if (!img) return img.error();
    p->image_ = *img;
    p->brk_start = p->brk_cur = img->brk;
    p->brk_mapped_end = (img->brk + mem::AddressSpace::kPageMask) & ~mem::AddressSpace::kPageMask;
    p->cpu_.pc = img->entry;
    p->cpu_.x[2] = img->sp;
    auto eng = engine::Engine::create(p->cpu_, *p->space_, opts.engine);
    if (!eng) return eng.error();
    p->engine_ = std::move(*eng);
    return p;
}

void Process::handle_stop(const engine::Stop& s) {
    using engine::StopReason;
    switch (s.reason) {
        case StopReason::Ecall: {
            const uint64_t nr = cpu_.x[17];
            do_syscall(*this);
            // rt_sigreturn sets pc itself; everything else resumes after the ecall.
            if (nr != 139) cpu_.pc += 4;
            break;
        }
        case StopReason::Ebreak: signals_.force(SIGTRAP, TRAP_BRKPT, cpu_.pc); break;
        case StopReason::Illegal:
            XVM_LOG(kGuestErrors, "illegal instruction {:#010x} at pc {:#x}\n", s.bits, cpu_.pc);
            if (!signals_.action(SIGILL).handler)
                std::fprintf(stderr, "xvm: illegal instruction 0x%08x at pc 0x%llx\n", s.bits,
                             static_cast<unsigned long long>(cpu_.pc));
            signals_.force(SIGILL, ILL_ILLOPC, cpu_.pc);
            break;
        case StopReason::FetchFault:
        case StopReason::LoadFault:
        case StopReason::StoreFault: {
            const bool mapped = memory_map().overlaps(s.addr & ~mem::AddressSpace::kPageMask,
                                                      (s.addr & ~mem::AddressSpace::kPageMask) + 1);
            XVM_LOG(kGuestErrors, "segmentation fault: address {:#x} at pc {:#x}\n", s.addr,
                    cpu_.pc);
            if (!signals_.action(SIGSEGV).handler)
                std::fprintf(stderr, "xvm: segmentation fault: %s address 0x%llx at pc 0x%llx\n",
                             s.reason == StopReason::StoreFault  ? "write to"
                             : s.reason == StopReason::LoadFault ? "read from"
                                                                 : "execute at",
                             static_cast<unsigned long long>(s.addr),
                             static_cast<unsigned long long>(cpu_.pc));
            signals_.force(SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, s.addr);
            break;
        }
        case StopReason::Misaligned: signals_.force(SIGBUS, BUS_ADRALN, s.addr); break;
        case StopReason::FenceI:
        case StopReason::Exit: break;
        // The engine acts on these itself and never returns them.
        case StopReason::EnterJit:
        case StopReason::Hot: break;
    }
}

int Process::run() {
    signals_.start();
    while (!exited_) {
        const engine::Stop s = engine_->run();
        handle_stop(s);
        if (!exited_) signals_.deliver_pending();
    }
    return exit_status_;
}

}  // namespace xvm::user
