// Threaded-dispatch interpreter over pre-decoded blocks.
//
// Why it looks like this:
// - One function with computed goto: every handler ends in its own indirect jump,
//   which predicts far better than one shared switch (and GCC has no guaranteed
//   tail calls for the tail-call style).
// - Registers live in cpu.x[]; x0 writes go to a sink slot (see cpu.h), so no
//   handler tests rd == 0.
// - Loads and stores use the user address space directly: base + (addr & mask).
//   A host fault jumps back to run() (host_fault.h) with cpu.pc already set, since
//   every memory handler stores its pc first.
// - Interrupt/exit requests and instret are looked at only between blocks
//   (style.md, pattern 7).
#include "engine/interpreter.h"

#include <atomic>
#include <bit>
#include <cstring>
#include <type_traits>

#include "core/log.h"
#include "engine/host_fault.h"
#include "isa/riscv/csr.h"
#include "isa/riscv/fp.h"
#include "isa/riscv/semantics.h"
#include "jit/lift_riscv.h"

namespace xvm::engine {

using riscv::Op;
namespace fp = riscv::fp;
namespace sem = riscv::sem;

namespace {}  // namespace

Interpreter::Interpreter(riscv::Cpu& cpu, mem::AddressSpace& space) : cpu_(cpu), space_(space) {
    install_fault_handler();
    // The FP fast paths assume the host's default rounding and no flush-to-zero.
    if (!fp::host_fpu_ok()) fp::reset_host_fpu();
}

Block* Interpreter::build_block(uint64_t pc) {
    Insn tmp[kMaxBlockInsns + 1];
    uint32_t n = 0;
    uint64_t at = pc;
    bool ended = false;
    while (n < kMaxBlockInsns) {
        if (!space_.accessible(at, 2, mem::kProtExec)) break;
        uint16_t low = space_.load<uint16_t>(at);
        uint32_t bits = low;
        if (riscv::insn_length(low) == 4) {
            if (!space_.accessible(at + 2, 2, mem::kProtExec)) break;
            bits |= uint32_t{space_.load<uint16_t>(at + 2)} << 16;
        }
        const riscv::Decoded d = riscv::decode(bits);
        tmp[n] =
            make_insn(d, at, labels_[static_cast<unsigned>(d.op)], static_cast<uint16_t>(n + 1));
        ++n;
        at += d.len;
        if (ends_block_always(d.op)) {
            ended = true;
            break;
        }
        // Stay within one guest page so unmapping code never leaves a block half valid.
        if ((at & mem::AddressSpace::kPageMask) == 0 && n > 0) break;
    }
    if (n == 0) return nullptr;
    space_.guard_code(pc, at - pc);
    Block* b = cache_.build(pc, at, tmp, n, ended, labels_[kHandlerEnd]);
    if (has_code_ && has_code_(has_code_ctx_, pc)) b->insns[0].handler = labels_[kHandlerJitEntry];
    cache_.insert(b);
    ++stats_.blocks_built;
    stats_.insns_decoded += n;
    XVM_LOG(kInAsm, "block {:#x}: {} instructions\n", pc, n);
    return b;
}

int Interpreter::branch_bias(uint64_t pc) {
    Block* b = cache_.find(pc);
    if (!b) return jit::kBiasUnknown;
    if (b->has_end) return 0;
    const BlockLinks& l = b->links();
    const uint64_t n = uint64_t{l.taken} + l.fallen;
    if (n < 16) return jit::kBiasUnknown;
    if (l.taken * 16ull >= n * 15) return 1;
    if (l.fallen * 16ull >= n * 15) return -1;
    return 0;
}

void Interpreter::mark_compiled(uint64_t pc) {
    if (!labels_) return;
    if (Block* b = cache_.find(pc)) b->insns[0].handler = labels_[kHandlerJitEntry];
}

uint32_t Interpreter::bits_at(uint64_t pc) const {
    if (!space_.accessible(pc, 2, mem::kProtExec)) return 0;
    uint32_t bits = space_.load<uint16_t>(pc);
    if (riscv::insn_length(static_cast<uint16_t>(bits)) == 4 &&
        space_.accessible(pc + 2, 2, mem::kProtExec))
        bits |= uint32_t{space_.load<uint16_t>(pc + 2)} << 16;
    return bits;
}

Stop Interpreter::run() {
    FaultRecovery& rec = thread_fault_recovery();
    rec.space = &space_;
    rec.exit_request = &cpu_.exit_request;
    if (sigsetjmp(rec.env, 0) != 0) {
        // A guest load/store faulted: the handler recorded which instruction.
        unblock_fault_signals();
        cpu_.pc = fault_insn_->pc;
        return Stop{rec.write ? StopReason::StoreFault : StopReason::LoadFault, rec.guest_addr};
    }
    rec.armed = true;
    Stop s;
    do {
        // Between blocks no decoded code runs: the safe point to drop it.
        if (space_.take_code_writes()) {
            cache_.flush();
            space_.clear_code_guards();
        }
        s = execute();
    } while (s.reason == StopReason::Exit && !take_exit_asked());
    rec.armed = false;
    return s;
}

Stop Interpreter::execute(bool ignore_jit_entry) {
    static const void* const kLabels[kHandlerCount] = {
#define XVM_INSN(id, ...) &&op_##id,
#include "isa/riscv/insns.inc"
        &&op_illegal,
        &&op_end,
        &&op_jit_entry,
    };

    labels_ = kLabels;
    riscv::Cpu& cpu = cpu_;
    uint64_t* const x = cpu.x;
    uint64_t* const f = cpu.f;
    uint8_t* const mbase = space_.base();
    const uint64_t kMask = space_.mask();

    const Insn* i;
    const void* first_handler;
    {
        Block* first = lookup(cpu.pc);
        if (!first) return Stop{StopReason::FetchFault, cpu.pc};
        i = first->insns;
        first_handler = ignore_jit_entry ? first->first_handler : i->handler;
    }
    uint64_t next_pc = 0;
    unsigned slot = 0;

    auto exit_requested = [&cpu] {
        return std::atomic_ref<uint8_t>(cpu.exit_request).load(std::memory_order_relaxed) != 0;
    };
#define RD x[i->rd]
#define RS1 x[i->rs1]
#define RS2 x[i->rs2]
#define IMM static_cast<uint64_t>(i->imm)
#define HOST(addr) (mbase + ((addr)&kMask))
#define LOAD(T, addr)                            \
    ({                                           \
        fault_insn_ = i;                         \
        T v_;                                    \
        std::memcpy(&v_, HOST(addr), sizeof v_); \
        v_;                                      \
    })
#define STORE(T, addr, val)                      \
    do {                                         \
        fault_insn_ = i;                         \
        T v_ = static_cast<T>(val);              \
        std::memcpy(HOST(addr), &v_, sizeof v_); \
    } while (0)
// Branch outcomes feed the JIT's superblocks (Interpreter::branch_bias).
#define BRANCH_PROFILE(outcome) ++const_cast<BlockLinks*>(LINKS(i))->outcome
#include "engine/interp_dispatch.inc"
#define STOP(reason, addr_, bits_)                         \
    do {                                                   \
        cpu.instret += i->retired - 1;                     \
        return Stop{StopReason::reason, (addr_), (bits_)}; \
    } while (0)
#define RM_OR_ILLEGAL(var)                       \
    unsigned var = i->rm == 7 ? cpu.frm : i->rm; \
    if (var > 4) RAISE_ILLEGAL();
#define SX(v) sem::sext32(v)
#define FS(r) fp::unbox(f[r])

    goto*(first_handler);

block_end_indirect : {
    Block* n = cache_.find(next_pc);
    if (n && !exit_requested()) [[likely]] {
        if (hot_threshold_ && ++n->exec_count >= hot_threshold_) [[unlikely]] {
            n->exec_count = 0;
            cpu.pc = next_pc;
            return Stop{StopReason::Hot};
        }
        i = n->insns;
        DISPATCH();
    }
    slot = 2;
}
block_end_slow:
    if (exit_requested()) [[unlikely]] {
        std::atomic_ref<uint8_t>(cpu.exit_request).store(0, std::memory_order_relaxed);
        cpu.pc = next_pc;
        return Stop{StopReason::Exit};
    }
    if (slot == 0 && hot_threshold_ && LINKS(i)->heat >= hot_threshold_) {
        const_cast<BlockLinks*>(LINKS(i))->heat = 0;
        cpu.pc = next_pc;
        return Stop{StopReason::Hot};
    }
    {
        ++stats_.block_lookups;
        Block* n = lookup(next_pc);
        if (!n) {
            cpu.pc = next_pc;
            return Stop{StopReason::FetchFault, next_pc};
        }
        // `i` is still the terminal instruction of the block we leave.
        if (slot < 2) const_cast<BlockLinks*>(LINKS(i))->next[slot] = n->insns;
        i = n->insns;
        DISPATCH();
    }

op_end:
    JUMP(i->pc, 1);

op_jit_entry:
    cpu.pc = i->pc;
    return Stop{StopReason::EnterJit};

op_illegal:
    cpu.pc = i->pc;
    STOP(Illegal, 0, bits_at(i->pc));

    // ---- mode-specific: system instructions, CSRs and atomics in user mode ----
op_ecall:
    cpu.pc = i->pc;
    STOP(Ecall, 0, bits_at(i->pc));
op_ebreak:
    cpu.pc = i->pc;
    STOP(Ebreak, 0, bits_at(i->pc));
    // Privileged instructions: the user-mode interpreter has no privilege above U,
    // where they are illegal (privileged spec, "Instruction Listings").
op_mret:
op_sret:
op_wfi:
op_sfence_vma:
    cpu.pc = i->pc;
    STOP(Illegal, 0, bits_at(i->pc));

op_fence_i:
    cpu.instret += i->retired;
    cpu.pc = i->pc + i->len;
    cache_.flush();
    return Stop{StopReason::FenceI};

#define RAISE_ILLEGAL()                   \
    do {                                  \
        cpu.pc = i->pc;                   \
        STOP(Illegal, 0, bits_at(i->pc)); \
    } while (0)
#define FP_CHECK() \
    do {           \
    } while (0)
#define CSR_OP(write_value, writes)                               \
    do {                                                          \
        uint64_t old;                                             \
        const uint32_t csr = static_cast<uint32_t>(i->imm);       \
        if (!riscv::csr_read(cpu, csr, old)) RAISE_ILLEGAL();     \
        if (writes) {                                             \
            if (riscv::csr_read_only(csr)) RAISE_ILLEGAL();       \
            const uint64_t nv = (write_value);                    \
            if (!riscv::csr_write(cpu, csr, nv)) RAISE_ILLEGAL(); \
        }                                                         \
        RD = old;                                                 \
        NEXT();                                                   \
    } while (0)
#define AMO_ADDR(T)                           \
    const uint64_t a_ = RS1;                  \
    if (a_ & (sizeof(T) - 1)) {               \
        cpu.pc = i->pc;                       \
        STOP(Misaligned, a_, bits_at(i->pc)); \
    }                                         \
    fault_insn_ = i;                          \
    T* p_ = reinterpret_cast<T*>(HOST(a_));

#define LR_ADDR(T) AMO_ADDR(T)
#include "engine/interp_ops.inc"
}

}  // namespace xvm::engine
