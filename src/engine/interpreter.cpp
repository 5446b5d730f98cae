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

namespace xvm::engine {

using riscv::Op;
namespace fp = riscv::fp;
namespace sem = riscv::sem;

namespace {

// Ops after which a block ends: control transfers and anything that must return
// to the run loop.
bool ends_block(Op op) {
    switch (op) {
        case Op::jal:
        case Op::jalr:
        case Op::beq:
        case Op::bne:
        case Op::blt:
        case Op::bge:
        case Op::bltu:
        case Op::bgeu:
        case Op::ecall:
        case Op::ebreak:
        case Op::fence_i:
        case Op::illegal: return true;
        default: return false;
    }
}

// Whether the op's destination is an integer register (then rd 0 becomes the sink).
bool writes_xreg(Op op) {
    const char* ops = riscv::info(op).operands;
    return ops[0] == 'r' && ops[1] == 'd';
}

}  // namespace

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
        Insn& i = tmp[n++];
        i.handler = labels_[static_cast<unsigned>(d.op)];
        i.rd = (d.rd == 0 && writes_xreg(d.op)) ? riscv::kRegSink : d.rd;
        i.rs1 = d.rs1;
        i.rs2 = d.rs2;
        i.rs3 = d.rs3;
        i.rm = d.rm;
        i.len = d.len;
        i.imm = d.imm;
        i.pc = at;
        i.retired = 0;
        at += d.len;
        if (ends_block(d.op)) {
            ended = true;
            break;
        }
        // Stay within one guest page so unmapping code never leaves a block half valid.
        if ((at & mem::AddressSpace::kPageMask) == 0 && n > 0) break;
    }
    if (n == 0) return nullptr;
    // n instructions, maybe a synthetic end, and one slot holding the links.
    Block* b = cache_.allocate(n + 2);
    b->pc = pc;
    b->end_pc = at;
    b->count = n;
    b->has_end = !ended;
    for (uint32_t k = 0; k < n; ++k) tmp[k].retired = static_cast<uint16_t>(k + 1);
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
    if (has_code_ && has_code_(has_code_ctx_, pc)) b->insns[0].handler = labels_[kHandlerJitEntry];
    cache_.insert(b);
    ++stats_.blocks_built;
    stats_.insns_decoded += n;
    XVM_LOG(kInAsm, "block {:#x}: {} instructions\n", pc, n);
    return b;
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
    if (sigsetjmp(rec.env, 0) != 0) {
        // A guest load/store faulted: the handler recorded which instruction.
        unblock_fault_signals();
        cpu_.pc = fault_insn_->pc;
        return Stop{rec.write ? StopReason::StoreFault : StopReason::LoadFault, rec.guest_addr};
    }
    rec.armed = true;
    Stop s = execute();
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

#define DISPATCH() goto*(i->handler)
    auto exit_requested = [&cpu] {
        return std::atomic_ref<uint8_t>(cpu.exit_request).load(std::memory_order_relaxed) != 0;
    };
#define NEXT()      \
    do {            \
        ++i;        \
        DISPATCH(); \
    } while (0)
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
// Direct transfers (slot 0: taken/jump target, slot 1: fall-through) have a fixed
// target, so a block's link, once set, is always right: no pc compare. Each
// handler has its own copy of this sequence, and so its own indirect jump, which
// the host predicts per site.
#define LINKS(ins) (reinterpret_cast<const BlockLinks*>((ins) + 1))
#define JUMP(target, s)                                                                           \
    do {                                                                                          \
        cpu.instret += i->retired;                                                                \
        const Insn* n_ = LINKS(i)->next[s];                                                       \
        /* Only backward transfers can close a loop, so only they look at */                      \
        /* the exit request: a forward chain always reaches one. */                               \
        if (!n_ ||                                                                                \
            ((s) == 0 && i->imm <= 0 &&                                                           \
             (exit_requested() || (hot_threshold_ && ++const_cast<BlockLinks*>(LINKS(i))->heat >= \
                                                         hot_threshold_)))) [[unlikely]] {        \
            next_pc = (target);                                                                   \
            slot = (s);                                                                           \
            goto block_end_slow;                                                                  \
        }                                                                                         \
        i = n_;                                                                                   \
        DISPATCH();                                                                               \
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
#define STOP(reason, addr_, bits_)                         \
    do {                                                   \
        cpu.instret += i->retired - 1;                     \
        return Stop{StopReason::reason, (addr_), (bits_)}; \
    } while (0)
#define RM_OR_ILLEGAL(var)                       \
    unsigned var = i->rm == 7 ? cpu.frm : i->rm; \
    if (var > 4) {                               \
        cpu.pc = i->pc;                          \
        STOP(Illegal, 0, bits_at(i->pc));        \
    }
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

    // ---- RV64I ----
op_lui:
    RD = IMM;
    NEXT();
op_auipc:
    RD = i->pc + IMM;
    NEXT();
op_jal:
    RD = i->pc + i->len;
    JUMP(i->pc + IMM, 0);
op_jalr : {
    const uint64_t t = (RS1 + IMM) & ~1ull;  // read rs1 before writing rd (rd may equal rs1)
    RD = i->pc + i->len;
    JUMP_INDIRECT(t);
}
op_beq:
    BRANCH(RS1 == RS2);
op_bne:
    BRANCH(RS1 != RS2);
op_blt:
    BRANCH(static_cast<int64_t>(RS1) < static_cast<int64_t>(RS2));
op_bge:
    BRANCH(static_cast<int64_t>(RS1) >= static_cast<int64_t>(RS2));
op_bltu:
    BRANCH(RS1 < RS2);
op_bgeu:
    BRANCH(RS1 >= RS2);
op_lb:
    RD = static_cast<uint64_t>(static_cast<int64_t>(LOAD(int8_t, RS1 + IMM)));
    NEXT();
op_lh:
    RD = static_cast<uint64_t>(static_cast<int64_t>(LOAD(int16_t, RS1 + IMM)));
    NEXT();
op_lw:
    RD = static_cast<uint64_t>(static_cast<int64_t>(LOAD(int32_t, RS1 + IMM)));
    NEXT();
op_ld:
    RD = LOAD(uint64_t, RS1 + IMM);
    NEXT();
op_lbu:
    RD = LOAD(uint8_t, RS1 + IMM);
    NEXT();
op_lhu:
    RD = LOAD(uint16_t, RS1 + IMM);
    NEXT();
op_lwu:
    RD = LOAD(uint32_t, RS1 + IMM);
    NEXT();
op_sb:
    STORE(uint8_t, RS1 + IMM, RS2);
    NEXT();
op_sh:
    STORE(uint16_t, RS1 + IMM, RS2);
    NEXT();
op_sw:
    STORE(uint32_t, RS1 + IMM, RS2);
    NEXT();
op_sd:
    STORE(uint64_t, RS1 + IMM, RS2);
    NEXT();
op_addi:
    RD = RS1 + IMM;
    NEXT();
op_slti:
    RD = static_cast<int64_t>(RS1) < i->imm;
    NEXT();
op_sltiu:
    RD = RS1 < IMM;
    NEXT();
op_xori:
    RD = RS1 ^ IMM;
    NEXT();
op_ori:
    RD = RS1 | IMM;
    NEXT();
op_andi:
    RD = RS1 & IMM;
    NEXT();
op_slli:
    RD = RS1 << i->imm;
    NEXT();
op_srli:
    RD = RS1 >> i->imm;
    NEXT();
op_srai:
    RD = static_cast<uint64_t>(static_cast<int64_t>(RS1) >> i->imm);
    NEXT();
op_add:
    RD = RS1 + RS2;
    NEXT();
op_sub:
    RD = RS1 - RS2;
    NEXT();
op_sll:
    RD = RS1 << (RS2 & 63);
    NEXT();
op_slt:
    RD = static_cast<int64_t>(RS1) < static_cast<int64_t>(RS2);
    NEXT();
op_sltu:
    RD = RS1 < RS2;
    NEXT();
op_xor_:
    RD = RS1 ^ RS2;
    NEXT();
op_srl:
    RD = RS1 >> (RS2 & 63);
    NEXT();
op_sra:
    RD = static_cast<uint64_t>(static_cast<int64_t>(RS1) >> (RS2 & 63));
    NEXT();
op_or_:
    RD = RS1 | RS2;
    NEXT();
op_and_:
    RD = RS1 & RS2;
    NEXT();
op_addiw:
    RD = SX(RS1 + IMM);
    NEXT();
op_slliw:
    RD = SX(static_cast<uint32_t>(RS1) << i->imm);
    NEXT();
op_srliw:
    RD = SX(static_cast<uint32_t>(RS1) >> i->imm);
    NEXT();
op_sraiw:
    RD = SX(static_cast<uint32_t>(static_cast<int32_t>(RS1) >> i->imm));
    NEXT();
op_addw:
    RD = SX(RS1 + RS2);
    NEXT();
op_subw:
    RD = SX(RS1 - RS2);
    NEXT();
op_sllw:
    RD = SX(static_cast<uint32_t>(RS1) << (RS2 & 31));
    NEXT();
op_srlw:
    RD = SX(static_cast<uint32_t>(RS1) >> (RS2 & 31));
    NEXT();
op_sraw:
    RD = SX(static_cast<uint32_t>(static_cast<int32_t>(RS1) >> (RS2 & 31)));
    NEXT();
op_fence:
    std::atomic_thread_fence(std::memory_order_seq_cst);
    NEXT();
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

    // ---- Zicsr ----
    // csrrs/csrrc with rs1 = x0 (and the immediate forms with 0) do not write, so
    // they are legal on read-only CSRs (Zicsr chapter, "CSR Instructions").
#define CSR_OP(write_value, writes)                                \
    do {                                                           \
        uint64_t old;                                              \
        const uint32_t csr = static_cast<uint32_t>(i->imm);        \
        if (!riscv::csr_read(cpu, csr, old)) goto csr_illegal;     \
        if (writes) {                                              \
            if (riscv::csr_read_only(csr)) goto csr_illegal;       \
            const uint64_t nv = (write_value);                     \
            if (!riscv::csr_write(cpu, csr, nv)) goto csr_illegal; \
        }                                                          \
        RD = old;                                                  \
        NEXT();                                                    \
    } while (0)
op_csrrw : {
    const uint64_t s = RS1;
    CSR_OP(s, true);
}
op_csrrs : {
    const uint64_t s = RS1;
    CSR_OP(old | s, i->rs1 != 0);
}
op_csrrc : {
    const uint64_t s = RS1;
    CSR_OP(old & ~s, i->rs1 != 0);
}
op_csrrwi:
    CSR_OP(uint64_t{i->rs1}, true);
op_csrrsi:
    CSR_OP(old | i->rs1, i->rs1 != 0);
op_csrrci:
    CSR_OP(old & ~uint64_t{i->rs1}, i->rs1 != 0);
csr_illegal:
    cpu.pc = i->pc;
    STOP(Illegal, 0, bits_at(i->pc));

    // ---- M ----
op_mul:
    RD = RS1 * RS2;
    NEXT();
op_mulh:
    RD = sem::mulh(RS1, RS2);
    NEXT();
op_mulhsu:
    RD = sem::mulhsu(RS1, RS2);
    NEXT();
op_mulhu:
    RD = sem::mulhu(RS1, RS2);
    NEXT();
op_div:
    RD = sem::div(RS1, RS2);
    NEXT();
op_divu:
    RD = sem::divu(RS1, RS2);
    NEXT();
op_rem:
    RD = sem::rem(RS1, RS2);
    NEXT();
op_remu:
    RD = sem::remu(RS1, RS2);
    NEXT();
op_mulw:
    RD = SX(RS1 * RS2);
    NEXT();
op_divw:
    RD = sem::divw(RS1, RS2);
    NEXT();
op_divuw:
    RD = sem::divuw(RS1, RS2);
    NEXT();
op_remw:
    RD = sem::remw(RS1, RS2);
    NEXT();
op_remuw:
    RD = sem::remuw(RS1, RS2);
    NEXT();

    // ---- A ----
    // Host atomics on the guest's memory (sequentially consistent: stronger than
    // any aq/rl combination requires). Misaligned atomics raise an exception.
#define AMO_ADDR(T)                           \
    const uint64_t a_ = RS1;                  \
    if (a_ & (sizeof(T) - 1)) {               \
        cpu.pc = i->pc;                       \
        STOP(Misaligned, a_, bits_at(i->pc)); \
    }                                         \
    fault_insn_ = i;                          \
    T* p_ = reinterpret_cast<T*>(HOST(a_));
#define AMO_FETCH(T, builtin)                                                                      \
    do {                                                                                           \
        AMO_ADDR(T)                                                                                \
        const T old_ = builtin(p_, static_cast<T>(RS2), __ATOMIC_SEQ_CST);                         \
        RD =                                                                                       \
            static_cast<uint64_t>(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(old_))); \
        NEXT();                                                                                    \
    } while (0)
#define AMO_CAS(T, ST, pick)                                                                       \
    do {                                                                                           \
        AMO_ADDR(T)                                                                                \
        const T v_ = static_cast<T>(RS2);                                                          \
        T old_ = __atomic_load_n(p_, __ATOMIC_RELAXED);                                            \
        while (!__atomic_compare_exchange_n(p_, &old_,                                             \
                                            pick(static_cast<ST>(old_), static_cast<ST>(v_)),      \
                                            true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {           \
        }                                                                                          \
        RD =                                                                                       \
            static_cast<uint64_t>(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(old_))); \
        NEXT();                                                                                    \
    } while (0)
#define PICK_MIN(a, b) static_cast<decltype(a)>((a) < (b) ? (a) : (b))
#define PICK_MAX(a, b) static_cast<decltype(a)>((a) > (b) ? (a) : (b))
#define LR(T)                                                                                     \
    do {                                                                                          \
        AMO_ADDR(T)                                                                               \
        const T v_ = __atomic_load_n(p_, __ATOMIC_SEQ_CST);                                       \
        cpu.resv_addr = a_;                                                                       \
        cpu.resv_value = v_;                                                                      \
        RD = static_cast<uint64_t>(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(v_))); \
        NEXT();                                                                                   \
    } while (0)
#define SC(T)                                                                             \
    do {                                                                                  \
        AMO_ADDR(T)                                                                       \
        bool ok_ = false;                                                                 \
        if (cpu.resv_addr == a_) {                                                        \
            T expected_ = static_cast<T>(cpu.resv_value);                                 \
            ok_ = __atomic_compare_exchange_n(p_, &expected_, static_cast<T>(RS2), false, \
                                              __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);        \
        }                                                                                 \
        cpu.resv_addr = ~0ull;                                                            \
        RD = ok_ ? 0 : 1;                                                                 \
        NEXT();                                                                           \
    } while (0)
op_lr_w:
    LR(uint32_t);
op_sc_w:
    SC(uint32_t);
op_amoswap_w:
    AMO_FETCH(uint32_t, __atomic_exchange_n);
op_amoadd_w:
    AMO_FETCH(uint32_t, __atomic_fetch_add);
op_amoxor_w:
    AMO_FETCH(uint32_t, __atomic_fetch_xor);
op_amoand_w:
    AMO_FETCH(uint32_t, __atomic_fetch_and);
op_amoor_w:
    AMO_FETCH(uint32_t, __atomic_fetch_or);
op_amomin_w:
    AMO_CAS(uint32_t, int32_t, PICK_MIN);
op_amomax_w:
    AMO_CAS(uint32_t, int32_t, PICK_MAX);
op_amominu_w:
    AMO_CAS(uint32_t, uint32_t, PICK_MIN);
op_amomaxu_w:
    AMO_CAS(uint32_t, uint32_t, PICK_MAX);
op_lr_d:
    LR(uint64_t);
op_sc_d:
    SC(uint64_t);
op_amoswap_d:
    AMO_FETCH(uint64_t, __atomic_exchange_n);
op_amoadd_d:
    AMO_FETCH(uint64_t, __atomic_fetch_add);
op_amoxor_d:
    AMO_FETCH(uint64_t, __atomic_fetch_xor);
op_amoand_d:
    AMO_FETCH(uint64_t, __atomic_fetch_and);
op_amoor_d:
    AMO_FETCH(uint64_t, __atomic_fetch_or);
op_amomin_d:
    AMO_CAS(uint64_t, int64_t, PICK_MIN);
op_amomax_d:
    AMO_CAS(uint64_t, int64_t, PICK_MAX);
op_amominu_d:
    AMO_CAS(uint64_t, uint64_t, PICK_MIN);
op_amomaxu_d:
    AMO_CAS(uint64_t, uint64_t, PICK_MAX);

    // ---- F and D ----
#define FP_BIN(T, fn, rd_expr) \
    do {                       \
        RM_OR_ILLEGAL(rm_)     \
        rd_expr;               \
        NEXT();                \
    } while (0)
#define FD32(v) f[i->rd] = fp::box(v)
#define FD64(v) f[i->rd] = (v)
#define FS64(r) f[r]
op_flw:
    f[i->rd] = fp::box(LOAD(uint32_t, RS1 + IMM));
    NEXT();
op_fsw:
    STORE(uint32_t, RS1 + IMM, f[i->rs2]);
    NEXT();
op_fld:
    f[i->rd] = LOAD(uint64_t, RS1 + IMM);
    NEXT();
op_fsd:
    STORE(uint64_t, RS1 + IMM, f[i->rs2]);
    NEXT();
op_fmadd_s:
    FP_BIN(uint32_t, _,
           FD32(fp::fmadd<uint32_t>(FS(i->rs1), FS(i->rs2), FS(i->rs3), rm_, cpu.fflags)));
op_fmsub_s:
    FP_BIN(uint32_t, _,
           FD32(fp::fmsub<uint32_t>(FS(i->rs1), FS(i->rs2), FS(i->rs3), rm_, cpu.fflags)));
op_fnmsub_s:
    FP_BIN(uint32_t, _,
           FD32(fp::fnmsub<uint32_t>(FS(i->rs1), FS(i->rs2), FS(i->rs3), rm_, cpu.fflags)));
op_fnmadd_s:
    FP_BIN(uint32_t, _,
           FD32(fp::fnmadd<uint32_t>(FS(i->rs1), FS(i->rs2), FS(i->rs3), rm_, cpu.fflags)));
op_fadd_s:
    FP_BIN(uint32_t, _, FD32(fp::add<uint32_t>(FS(i->rs1), FS(i->rs2), rm_, cpu.fflags)));
op_fsub_s:
    FP_BIN(uint32_t, _, FD32(fp::sub<uint32_t>(FS(i->rs1), FS(i->rs2), rm_, cpu.fflags)));
op_fmul_s:
    FP_BIN(uint32_t, _, FD32(fp::mul<uint32_t>(FS(i->rs1), FS(i->rs2), rm_, cpu.fflags)));
op_fdiv_s:
    FP_BIN(uint32_t, _, FD32(fp::div<uint32_t>(FS(i->rs1), FS(i->rs2), rm_, cpu.fflags)));
op_fsqrt_s:
    FP_BIN(uint32_t, _, FD32(fp::sqrt<uint32_t>(FS(i->rs1), rm_, cpu.fflags)));
op_fsgnj_s:
    FD32((FS(i->rs1) & 0x7fffffffu) | (FS(i->rs2) & 0x80000000u));
    NEXT();
op_fsgnjn_s:
    FD32((FS(i->rs1) & 0x7fffffffu) | (~FS(i->rs2) & 0x80000000u));
    NEXT();
op_fsgnjx_s:
    FD32(FS(i->rs1) ^ (FS(i->rs2) & 0x80000000u));
    NEXT();
op_fmin_s:
    FD32(fp::min<uint32_t>(FS(i->rs1), FS(i->rs2), cpu.fflags));
    NEXT();
op_fmax_s:
    FD32(fp::max<uint32_t>(FS(i->rs1), FS(i->rs2), cpu.fflags));
    NEXT();
op_fcvt_w_s:
    FP_BIN(uint32_t, _, RD = fp::to_int<uint32_t>(FS(i->rs1), fp::IntKind::W, rm_, cpu.fflags));
op_fcvt_wu_s:
    FP_BIN(uint32_t, _, RD = fp::to_int<uint32_t>(FS(i->rs1), fp::IntKind::WU, rm_, cpu.fflags));
op_fcvt_l_s:
    FP_BIN(uint32_t, _, RD = fp::to_int<uint32_t>(FS(i->rs1), fp::IntKind::L, rm_, cpu.fflags));
op_fcvt_lu_s:
    FP_BIN(uint32_t, _, RD = fp::to_int<uint32_t>(FS(i->rs1), fp::IntKind::LU, rm_, cpu.fflags));
op_fmv_x_w:
    RD = SX(static_cast<uint32_t>(f[i->rs1]));
    NEXT();
op_fclass_s:
    RD = fp::fclass<uint32_t>(FS(i->rs1));
    NEXT();
op_feq_s:
    RD = fp::feq<uint32_t>(FS(i->rs1), FS(i->rs2), cpu.fflags);
    NEXT();
op_flt_s:
    RD = fp::flt<uint32_t>(FS(i->rs1), FS(i->rs2), cpu.fflags);
    NEXT();
op_fle_s:
    RD = fp::fle<uint32_t>(FS(i->rs1), FS(i->rs2), cpu.fflags);
    NEXT();
op_fcvt_s_w:
    FP_BIN(uint32_t, _, FD32(fp::from_int<uint32_t>(RS1, fp::IntKind::W, rm_, cpu.fflags)));
op_fcvt_s_wu:
    FP_BIN(uint32_t, _, FD32(fp::from_int<uint32_t>(RS1, fp::IntKind::WU, rm_, cpu.fflags)));
op_fcvt_s_l:
    FP_BIN(uint32_t, _, FD32(fp::from_int<uint32_t>(RS1, fp::IntKind::L, rm_, cpu.fflags)));
op_fcvt_s_lu:
    FP_BIN(uint32_t, _, FD32(fp::from_int<uint32_t>(RS1, fp::IntKind::LU, rm_, cpu.fflags)));
op_fmv_w_x:
    FD32(static_cast<uint32_t>(RS1));
    NEXT();

op_fmadd_d:
    FP_BIN(uint64_t, _,
           FD64(fp::fmadd<uint64_t>(FS64(i->rs1), FS64(i->rs2), FS64(i->rs3), rm_, cpu.fflags)));
op_fmsub_d:
    FP_BIN(uint64_t, _,
           FD64(fp::fmsub<uint64_t>(FS64(i->rs1), FS64(i->rs2), FS64(i->rs3), rm_, cpu.fflags)));
op_fnmsub_d:
    FP_BIN(uint64_t, _,
           FD64(fp::fnmsub<uint64_t>(FS64(i->rs1), FS64(i->rs2), FS64(i->rs3), rm_, cpu.fflags)));
op_fnmadd_d:
    FP_BIN(uint64_t, _,
           FD64(fp::fnmadd<uint64_t>(FS64(i->rs1), FS64(i->rs2), FS64(i->rs3), rm_, cpu.fflags)));
op_fadd_d:
    FP_BIN(uint64_t, _, FD64(fp::add<uint64_t>(FS64(i->rs1), FS64(i->rs2), rm_, cpu.fflags)));
op_fsub_d:
    FP_BIN(uint64_t, _, FD64(fp::sub<uint64_t>(FS64(i->rs1), FS64(i->rs2), rm_, cpu.fflags)));
op_fmul_d:
    FP_BIN(uint64_t, _, FD64(fp::mul<uint64_t>(FS64(i->rs1), FS64(i->rs2), rm_, cpu.fflags)));
op_fdiv_d:
    FP_BIN(uint64_t, _, FD64(fp::div<uint64_t>(FS64(i->rs1), FS64(i->rs2), rm_, cpu.fflags)));
op_fsqrt_d:
    FP_BIN(uint64_t, _, FD64(fp::sqrt<uint64_t>(FS64(i->rs1), rm_, cpu.fflags)));
op_fsgnj_d:
    FD64((f[i->rs1] & ~(1ull << 63)) | (f[i->rs2] & (1ull << 63)));
    NEXT();
op_fsgnjn_d:
    FD64((f[i->rs1] & ~(1ull << 63)) | (~f[i->rs2] & (1ull << 63)));
    NEXT();
op_fsgnjx_d:
    FD64(f[i->rs1] ^ (f[i->rs2] & (1ull << 63)));
    NEXT();
op_fmin_d:
    FD64(fp::min<uint64_t>(f[i->rs1], f[i->rs2], cpu.fflags));
    NEXT();
op_fmax_d:
    FD64(fp::max<uint64_t>(f[i->rs1], f[i->rs2], cpu.fflags));
    NEXT();
op_fcvt_s_d:
    FP_BIN(uint64_t, _, FD32(fp::d_to_s(f[i->rs1], rm_, cpu.fflags)));
op_fcvt_d_s:
    FP_BIN(uint64_t, _, FD64(fp::s_to_d(FS(i->rs1), cpu.fflags)));
op_feq_d:
    RD = fp::feq<uint64_t>(f[i->rs1], f[i->rs2], cpu.fflags);
    NEXT();
op_flt_d:
    RD = fp::flt<uint64_t>(f[i->rs1], f[i->rs2], cpu.fflags);
    NEXT();
op_fle_d:
    RD = fp::fle<uint64_t>(f[i->rs1], f[i->rs2], cpu.fflags);
    NEXT();
op_fclass_d:
    RD = fp::fclass<uint64_t>(f[i->rs1]);
    NEXT();
op_fcvt_w_d:
    FP_BIN(uint64_t, _, RD = fp::to_int<uint64_t>(f[i->rs1], fp::IntKind::W, rm_, cpu.fflags));
op_fcvt_wu_d:
    FP_BIN(uint64_t, _, RD = fp::to_int<uint64_t>(f[i->rs1], fp::IntKind::WU, rm_, cpu.fflags));
op_fcvt_l_d:
    FP_BIN(uint64_t, _, RD = fp::to_int<uint64_t>(f[i->rs1], fp::IntKind::L, rm_, cpu.fflags));
op_fcvt_lu_d:
    FP_BIN(uint64_t, _, RD = fp::to_int<uint64_t>(f[i->rs1], fp::IntKind::LU, rm_, cpu.fflags));
op_fcvt_d_w:
    FP_BIN(uint64_t, _, FD64(fp::from_int<uint64_t>(RS1, fp::IntKind::W, rm_, cpu.fflags)));
op_fcvt_d_wu:
    FP_BIN(uint64_t, _, FD64(fp::from_int<uint64_t>(RS1, fp::IntKind::WU, rm_, cpu.fflags)));
op_fcvt_d_l:
    FP_BIN(uint64_t, _, FD64(fp::from_int<uint64_t>(RS1, fp::IntKind::L, rm_, cpu.fflags)));
op_fcvt_d_lu:
    FP_BIN(uint64_t, _, FD64(fp::from_int<uint64_t>(RS1, fp::IntKind::LU, rm_, cpu.fflags)));
op_fmv_x_d:
    RD = f[i->rs1];
    NEXT();
op_fmv_d_x:
    FD64(RS1);
    NEXT();

    // ---- Zba ----
op_sh1add:
    RD = (RS1 << 1) + RS2;
    NEXT();
op_sh2add:
    RD = (RS1 << 2) + RS2;
    NEXT();
op_sh3add:
    RD = (RS1 << 3) + RS2;
    NEXT();
op_add_uw:
    RD = (RS1 & 0xffffffffull) + RS2;
    NEXT();
op_sh1add_uw:
    RD = ((RS1 & 0xffffffffull) << 1) + RS2;
    NEXT();
op_sh2add_uw:
    RD = ((RS1 & 0xffffffffull) << 2) + RS2;
    NEXT();
op_sh3add_uw:
    RD = ((RS1 & 0xffffffffull) << 3) + RS2;
    NEXT();
op_slli_uw:
    RD = (RS1 & 0xffffffffull) << i->imm;
    NEXT();

    // ---- Zbb ----
op_andn:
    RD = RS1 & ~RS2;
    NEXT();
op_orn:
    RD = RS1 | ~RS2;
    NEXT();
op_xnor:
    RD = ~(RS1 ^ RS2);
    NEXT();
op_clz:
    RD = static_cast<uint64_t>(std::countl_zero(RS1));
    NEXT();
op_ctz:
    RD = static_cast<uint64_t>(std::countr_zero(RS1));
    NEXT();
op_cpop:
    RD = static_cast<uint64_t>(std::popcount(RS1));
    NEXT();
op_sext_b:
    RD = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(RS1)));
    NEXT();
op_sext_h:
    RD = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(RS1)));
    NEXT();
op_clzw:
    RD = static_cast<uint64_t>(std::countl_zero(static_cast<uint32_t>(RS1)));
    NEXT();
op_ctzw:
    RD = static_cast<uint64_t>(std::countr_zero(static_cast<uint32_t>(RS1)));
    NEXT();
op_cpopw:
    RD = static_cast<uint64_t>(std::popcount(static_cast<uint32_t>(RS1)));
    NEXT();
op_zext_h:
    RD = RS1 & 0xffff;
    NEXT();
op_max:
    RD = static_cast<int64_t>(RS1) > static_cast<int64_t>(RS2) ? RS1 : RS2;
    NEXT();
op_maxu:
    RD = RS1 > RS2 ? RS1 : RS2;
    NEXT();
op_min:
    RD = static_cast<int64_t>(RS1) < static_cast<int64_t>(RS2) ? RS1 : RS2;
    NEXT();
op_minu:
    RD = RS1 < RS2 ? RS1 : RS2;
    NEXT();
op_rol:
    RD = sem::rol(RS1, RS2);
    NEXT();
op_ror:
    RD = sem::ror(RS1, RS2);
    NEXT();
op_rolw:
    RD = sem::rolw(RS1, RS2);
    NEXT();
op_rorw:
    RD = sem::rorw(RS1, RS2);
    NEXT();
op_rori:
    RD = sem::ror(RS1, IMM);
    NEXT();
op_roriw:
    RD = sem::rorw(RS1, IMM);
    NEXT();
op_orc_b:
    RD = sem::orc_b(RS1);
    NEXT();
op_rev8:
    RD = __builtin_bswap64(RS1);
    NEXT();

    // ---- Zbs ----
op_bclr:
    RD = RS1 & ~(1ull << (RS2 & 63));
    NEXT();
op_bext:
    RD = (RS1 >> (RS2 & 63)) & 1;
    NEXT();
op_binv:
    RD = RS1 ^ (1ull << (RS2 & 63));
    NEXT();
op_bset:
    RD = RS1 | (1ull << (RS2 & 63));
    NEXT();
op_bclri:
    RD = RS1 & ~(1ull << i->imm);
    NEXT();
op_bexti:
    RD = (RS1 >> i->imm) & 1;
    NEXT();
op_binvi:
    RD = RS1 ^ (1ull << i->imm);
    NEXT();
op_bseti:
    RD = RS1 | (1ull << i->imm);
    NEXT();
}

}  // namespace xvm::engine
