// System-mode dispatcher: the shared handlers of interp_ops.inc with memory
// through the soft TLB (a hit is a compare and an add; a miss or MMIO access
// goes to the MMU's slow path, which may raise a guest exception), plus the
// privileged instructions. Traps and interrupts are taken in run(), between blocks.
#include "engine/sys_interpreter.h"

#include <atomic>
#include <bit>
#include <cstring>
#include <type_traits>

#include "core/log.h"
#include "isa/riscv/fp.h"
#include "isa/riscv/semantics.h"

namespace xvm::engine {

using riscv::Op;
namespace fp = riscv::fp;
namespace sem = riscv::sem;

namespace {

// System mode also ends blocks at privileged and CSR instructions: they may
// change privilege, translation or interrupt state the rest of a block assumes.
bool ends_block(Op op) {
    switch (op) {
        case Op::mret: case Op::sret: case Op::wfi: case Op::sfence_vma:
        case Op::csrrw: case Op::csrrs: case Op::csrrc: case Op::csrrwi: case Op::csrrsi:
        case Op::csrrci:
            return true;
        default: return ends_block_always(op);
    }
}

}  // namespace

SysInterpreter::SysInterpreter(riscv::Cpu& cpu, riscv::PrivState& ps, riscv::Mmu& mmu,
                               const mem::Bus& bus, uint64_t (*time)(void*), void* time_ctx)
    : cpu_(cpu), ps_(ps), mmu_(mmu), bus_(bus), time_(time), time_ctx_(time_ctx) {
    if (const mem::GuestRam* ram = bus.ram()) {
        watch_.assign(ram->size() >> 12, 0);
        page_gen_.assign(ram->size() >> 12, 0);
        ram_base_ = ram->base();
        mmu_.set_watch(watch_.data(), ram->base(), watch_.size());
    }
    if (!fp::host_fpu_ok()) fp::reset_host_fpu();
}

void SysInterpreter::watch_page(uint64_t pa) {
    const mem::GuestRam* ram = bus_.ram();
    if (!ram || !ram->contains(pa, 1)) return;
    watch_[(pa - ram->base()) >> 12] |= 2;
    mmu_.flush_all();
}

void SysInterpreter::mark_code(uint64_t pa) {
    const mem::GuestRam* ram = bus_.ram();
    if (!ram || !ram->contains(pa, 1)) return;
    uint8_t& w = watch_[(pa - ram->base()) >> 12];
    if (w & 1) return;
    w |= 1;
    mmu_.flush_all();  // cached write permissions to this page must now take the slow path
}

void SysInterpreter::flush_code() {
    cache_.flush();
    for (auto& w : watch_) w &= ~1;
    mmu_.flush_all();
    ++stats_.code_flushes;
}

bool SysInterpreter::code_written(uint64_t pa) {
    const mem::GuestRam* ram = bus_.ram();
    if (!ram || !ram->contains(pa, 1)) return false;
    uint8_t& w = watch_[(pa - ram->base()) >> 12];
    const bool machine_watch = w & 2;
    if (w & 1) {
        // Blocks of this page go stale; the page is watched again once re-decoded.
        ++page_gen(pa);
        w &= ~1;
        ++stats_.code_flushes;
    }
    return machine_watch;
}

Block* SysInterpreter::lookup(uint64_t pc, riscv::Fault& f) {
    uint16_t first;
    uint64_t pa;
    if (!mmu_.fetch(pc, first, f, &pa)) return nullptr;
    Block* b = cache_.find(pc);
    if (b && b->pa == pa && b->page_gen == page_gen(pa)) return b;
    return build_block(pc, pa, f);
}

uint32_t SysInterpreter::bits_at(uint64_t pc) {
    riscv::Fault f;
    uint16_t lo = 0, hi = 0;
    if (!mmu_.fetch(pc, lo, f)) return 0;
    if (riscv::insn_length(lo) == 4 && mmu_.fetch(pc + 2, hi, f)) return lo | uint32_t{hi} << 16;
    return lo;
}

Block* SysInterpreter::build_block(uint64_t pc, uint64_t block_pa, riscv::Fault& fault) {
    constexpr uint32_t kMax = 64;
    Insn tmp[kMax + 1];
    uint32_t n = 0;
    uint64_t at = pc;
    bool ended = false;
    while (n < kMax) {
        riscv::Fault f;
        uint16_t low;
        uint64_t pa;
        if (!mmu_.fetch(at, low, f, &pa)) {
            if (n == 0) {
                fault = f;
                return nullptr;
            }
            break;
        }
        mark_code(pa);
        uint32_t bits = low;
        if (riscv::insn_length(low) == 4) {
            uint16_t high;
            uint64_t pa2;
            if (!mmu_.fetch(at + 2, high, f, &pa2)) {
                if (n == 0) {
                    fault = f;
                    return nullptr;
                }
                break;
            }
            mark_code(pa2);
            bits |= uint32_t{high} << 16;
        }
        const riscv::Decoded d = riscv::decode(bits);
        tmp[n] = make_insn(d, at, labels_[static_cast<unsigned>(d.op)], static_cast<uint16_t>(n + 1));
        ++n;
        at += d.len;
        if (ends_block(d.op)) {
            ended = true;
            break;
        }
        if ((at & 0xfff) == 0) break;  // one page per block
    }
    // A full cache (blocks of dead address spaces pile up) starts over.
    if (cache_.blocks() > 200000) flush_code();
    BlockCache& cache = cache_;
    Block* b = cache.allocate(n + 2);
    b->pc = pc;
    b->end_pc = at;
    b->count = n;
    b->has_end = !ended;
    std::memcpy(b->insns, tmp, sizeof(Insn) * n);
    if (!ended) {
        Insn& e = b->insns[n];
        std::memset(&e, 0, sizeof e);
        e.handler = labels_[kHandlerEnd];
        e.pc = at;
        e.retired = static_cast<uint16_t>(n);
    }
    b->links() = BlockLinks{};
    b->first_handler = b->insns[0].handler;
    b->pa = block_pa;
    b->page_gen = page_gen(block_pa);
    cache.insert(b);
    ++stats_.blocks_built;
    return b;
}

void SysInterpreter::apply_effects() {
    const uint32_t e = ps_.take_effects();
    if (e & riscv::PrivState::kTlbFlush) mmu_.flush_all();
    if (e & riscv::PrivState::kCodeFlush) flush_code();
}

HartStop SysInterpreter::run() {
    while (true) {
        if (const uint64_t irq = ps_.pending_interrupt(time())) {
            cpu_.pc = ps_.take_trap(cpu_, irq, 0);
            ++stats_.interrupts;
            apply_effects();
        }
        const Result r = execute();
        apply_effects();
        switch (r.stop) {
            case Stop::Trap:
                XVM_LOG(kGuestErrors, "trap cause {:#x} tval {:#x} at pc {:#x}\n", r.cause, r.tval, cpu_.pc);
                cpu_.pc = ps_.take_trap(cpu_, r.cause, r.tval);
                ++stats_.traps;
                apply_effects();
                break;
            case Stop::Continue: break;
            case Stop::FlushCode: flush_code(); break;
            case Stop::Watch: return HartStop::Watch;
            case Stop::Wfi:
                if (!ps_.wfi_wakeup(time())) return HartStop::Wfi;
                break;
            case Stop::Exit:
                std::atomic_ref<uint8_t>(cpu_.exit_request).store(0, std::memory_order_relaxed);
                return HartStop::Exit;
        }
    }
}

SysInterpreter::Result SysInterpreter::execute() {
    static const void* const kLabels[kHandlerCount] = {
#define XVM_INSN(id, ...) &&op_##id,
#include "isa/riscv/insns.inc"
        &&op_illegal,
        &&op_end,
        &&op_illegal,  // kHandlerJitEntry: no compiled code in system mode yet
    };
    labels_ = kLabels;
    riscv::Cpu& cpu = cpu_;
    uint64_t* const x = cpu.x;
    uint64_t* const f = cpu.f;
    const mem::TlbEntry* const dtlb = mmu_.data_tlb().data();
    riscv::Fault& fault = fault_;

    const Insn* i;
    {
        Block* first = lookup(cpu.pc, fault);
        if (!first) return {Stop::Trap, fault.cause, fault.tval};
        i = first->insns;
    }
    uint64_t next_pc = 0;
    unsigned slot = 0;
    uint64_t watch_pa = 0;
    // Per-vCPU plain counter; the slow path counts misses.
    uint64_t& tlb_hits = mmu_.data_tlb().stats().hits;

    auto exit_requested = [&cpu] {
        return std::atomic_ref<uint8_t>(cpu.exit_request).load(std::memory_order_relaxed) != 0;
    };
#define DISPATCH() goto*(i->handler)
#define NEXT()      \
    do {            \
        ++i;        \
        DISPATCH(); \
    } while (0)
#define RD x[i->rd]
#define RS1 x[i->rs1]
#define RS2 x[i->rs2]
#define IMM static_cast<uint64_t>(i->imm)
#define LOAD(T, addr)                                                                  \
    ({                                                                                 \
        const uint64_t la_ = (addr);                                                   \
        const mem::TlbEntry& e_ = dtlb[mem::Tlb::index(la_)];                          \
        T v_;                                                                          \
        if (e_.tag_read == mem::Tlb::key(la_, sizeof(T))) [[likely]] {                 \
            ++tlb_hits;                                                                \
            std::memcpy(&v_, reinterpret_cast<const void*>(la_ + e_.addend), sizeof v_); \
        } else {                                                                       \
            uint64_t w_;                                                               \
            if (!mmu_.load(la_, sizeof(T), w_, fault)) goto mem_fault;                 \
            v_ = static_cast<T>(w_);                                                   \
        }                                                                              \
        v_;                                                                            \
    })
#define STORE(T, addr, val)                                                           \
    do {                                                                              \
        const uint64_t sa_ = (addr);                                                  \
        const T sv_ = static_cast<T>(val);                                            \
        const mem::TlbEntry& e_ = dtlb[mem::Tlb::index(sa_)];                         \
        if (e_.tag_write == mem::Tlb::key(sa_, sizeof(T))) [[likely]] {               \
            ++tlb_hits;                                                               \
            std::memcpy(reinterpret_cast<void*>(sa_ + e_.addend), &sv_, sizeof sv_);  \
        } else {                                                                      \
            if (!mmu_.store(sa_, sizeof(T), sv_, fault)) goto mem_fault;              \
            if (mmu_.take_watch_hit(watch_pa)) goto watch_hit;                        \
        }                                                                             \
    } while (0)
#define LINKS(ins) (reinterpret_cast<const BlockLinks*>((ins) + 1))
#define JUMP(target, s)                                                          \
    do {                                                                         \
        cpu.instret += i->retired;                                               \
        const Insn* n_ = LINKS(i)->next[s];                                      \
        if (!n_ || ((s) == 0 && i->imm <= 0 && exit_requested())) [[unlikely]] { \
            next_pc = (target);                                                  \
            slot = (s);                                                          \
            goto block_end_slow;                                                 \
        }                                                                        \
        i = n_;                                                                  \
        DISPATCH();                                                              \
    } while (0)
#define JUMP_INDIRECT(target)      \
    do {                           \
        next_pc = (target);        \
        cpu.instret += i->retired; \
        goto block_end_indirect;   \
    } while (0)
#define BRANCH(cond)                    \
    do {                                \
        if (cond) JUMP(i->pc + IMM, 0); \
        JUMP(i->pc + i->len, 1);        \
    } while (0)
#define TRAP(cause_, tval_)                                  \
    do {                                                     \
        cpu.pc = i->pc;                                      \
        cpu.instret += i->retired - 1;                       \
        return Result{Stop::Trap, (cause_), (tval_)};        \
    } while (0)
#define RAISE_ILLEGAL() TRAP(riscv::kExcIllegal, bits_at(i->pc))
// Leaves the block after the current instruction (state the block relied on changed).
#define FINISH(stop_)                    \
    do {                                 \
        cpu.pc = i->pc + i->len;         \
        cpu.instret += i->retired;       \
        return Result{Stop::stop_};      \
    } while (0)
#define RM_OR_ILLEGAL(var)                       \
    unsigned var = i->rm == 7 ? cpu.frm : i->rm; \
    if (var > 4) RAISE_ILLEGAL();
#define FP_CHECK()                              \
    do {                                        \
        if (!ps_.fp_enabled()) RAISE_ILLEGAL(); \
        ps_.set_fp_dirty();                     \
    } while (0)
#define SX(v) sem::sext32(v)
#define FS(r) fp::unbox(f[r])
// Zicsr with privilege rules; any write may change what later code relies on
// (privilege, translation, interrupt enables), so the block ends after it.
#define CSR_OP(write_value, writes)                                           \
    do {                                                                      \
        uint64_t old;                                                         \
        const uint32_t csr = static_cast<uint32_t>(i->imm);                   \
        if (!ps_.csr_read(cpu, csr, time(), old)) RAISE_ILLEGAL();            \
        if (writes) {                                                         \
            const uint64_t nv = (write_value);                                \
            if (!ps_.csr_write(cpu, csr, nv)) RAISE_ILLEGAL();                \
            RD = old;                                                         \
            FINISH(Continue);                                                 \
        }                                                                     \
        RD = old;                                                             \
        FINISH(Continue);                                                     \
    } while (0)
#define AMO_ADDR(T)                                                              \
    const uint64_t a_ = RS1;                                                     \
    T* p_ = reinterpret_cast<T*>(mmu_.atomic_ptr(a_, sizeof(T), fault, true));   \
    if (!p_) goto mem_fault;
#define LR_ADDR(T)                                                               \
    const uint64_t a_ = RS1;                                                     \
    T* p_ = reinterpret_cast<T*>(mmu_.atomic_ptr(a_, sizeof(T), fault, false));  \
    if (!p_) goto mem_fault;

    DISPATCH();

block_end_indirect:
    slot = 2;
block_end_slow:
    if (exit_requested()) [[unlikely]] {
        cpu.pc = next_pc;
        return Result{Stop::Exit};
    }
    {
        Block* n = lookup(next_pc, fault);
        if (!n) {
            cpu.pc = next_pc;
            return Result{Stop::Trap, fault.cause, fault.tval};
        }
        // Only transfers within the same virtual page are chained: entering a page
        // from elsewhere always goes through lookup(), which checks the mapping.
        if (slot < 2 && ((next_pc ^ i->pc) >> 12) == 0)
            const_cast<BlockLinks*>(LINKS(i))->next[slot] = n->insns;
        i = n->insns;
        DISPATCH();
    }

mem_fault:
    TRAP(fault.cause, fault.tval);

watch_hit:
    // A store reached a watched page: decoded code (its blocks go stale) and/or a
    // machine mailbox such as HTIF's tohost (the machine looks at it).
    if (code_written(watch_pa)) FINISH(Watch);
    FINISH(Continue);

op_end:
    JUMP(i->pc, 1);

op_illegal:
    RAISE_ILLEGAL();

    // ---- system instructions ----
op_ecall:
    TRAP(riscv::kExcEcallU + static_cast<uint64_t>(ps_.priv), 0);
op_ebreak:
    // mtval may be the pc or zero (privileged spec, "Machine Trap Value"); QEMU
    // writes zero, and so does xvm, so guests see the same thing on both.
    TRAP(riscv::kExcBreakpoint, 0);
op_mret : {
    uint64_t pc;
    if (!ps_.mret(cpu, pc)) RAISE_ILLEGAL();
    cpu.instret += i->retired;
    cpu.pc = pc;
    return Result{Stop::Continue};
}
op_sret : {
    uint64_t pc;
    if (!ps_.sret(cpu, pc)) RAISE_ILLEGAL();
    cpu.instret += i->retired;
    cpu.pc = pc;
    return Result{Stop::Continue};
}
op_wfi:
    if (!ps_.wfi_allowed()) RAISE_ILLEGAL();
    FINISH(Wfi);
op_sfence_vma:
    if (!ps_.sfence_allowed()) RAISE_ILLEGAL();
    // Translations only: decoded blocks are checked against their physical page
    // whenever a page is entered. rs1 names one page (ASIDs are not tracked: a
    // flush is never too wide to be correct).
    if (i->rs1 != 0) mmu_.flush_page(x[i->rs1]);
    else mmu_.flush_all();
    FINISH(Continue);
op_fence_i:
    FINISH(FlushCode);

#include "engine/interp_ops.inc"
}

}  // namespace xvm::engine
