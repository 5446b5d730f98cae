#include "jit/x64_backend.h"

#include <xbyak/xbyak.h>

#include <algorithm>
#include <cstddef>

#include "isa/riscv/cpu.h"
#include "jit/helpers.h"
#include "mem/tlb.h"

namespace xvm::jit {

namespace {

using namespace Xbyak;
using namespace Xbyak::util;
using ir::Opcode;
using ir::Value;

constexpr int kNumAlloc = 9;
const Reg64 kAlloc[kNumAlloc] = {rsi, rdi, r8, r9, r10, r11, rbp, r14, r15};
constexpr bool kCallerSaved[kNumAlloc] = {true, true, true, true, true, true, false, false, false};

int reg_offset(int64_t r) {
    return r < 32 ? static_cast<int>(offsetof(riscv::Cpu, x) + 8 * r)
                  : static_cast<int>(offsetof(riscv::Cpu, f) + 8 * (r - 32));
}

struct Loc {
    enum Kind : uint8_t { None, Const, Reg, Slot } kind = None;
    int8_t reg = -1;  // index into kAlloc
    int64_t imm = 0;
};

bool fits_i32(int64_t v) {
    return v >= INT32_MIN && v <= INT32_MAX;
}

class Emitter : public CodeGenerator {
  public:
    Emitter(const ir::Block& b, JitBlock& jb, const BackendContext& ctx, size_t max, uint8_t* at)
        : CodeGenerator(max, at), b_(b), jb_(jb), ctx_(ctx) {}

    bool run();

  private:
    void load(const Reg64& dst, Value v);
    void put(Value v, const Reg64& src);
    Address slot(unsigned s) { return qword[rsp + 8 * s]; }
    void emit_inst(Value k);
    void alu(Value k, void (Emitter::*op_rr)(const Operand&, const Operand&),
             void (Emitter::*op_ri)(const Operand&, uint32_t));
    void shift(Value k, void (Emitter::*op_rc)(const Operand&, const Reg8&),
               void (Emitter::*op_ri)(const Operand&, int));
    void compare(Value k, void (Emitter::*setcc)(const Operand&));
    void divide(Value k, bool is_signed, bool want_rem);
    void memory_site(const ir::Inst& in) {
        jb_.fault_sites.push_back(
            {static_cast<uint32_t>(getSize()), in.insn, static_cast<uint64_t>(in.imm)});
    }
    void call(Value k);
    void terminal();
    void allocate_result(Value k);
    // Where op k computes its result: its own register, or rax when it lives in a
    // stack slot (put() then stores it).
    Reg64 dest(Value k) const {
        const Loc& l = loc_[k];
        return l.kind == Loc::Reg ? kAlloc[l.reg] : rax;
    }
    bool in_reg(Value v, const Reg64& r) const {
        const Loc& l = loc_[v];
        return l.kind == Loc::Reg && kAlloc[l.reg].getIdx() == r.getIdx();
    }
    // A comparison used only by the block's branch is emitted there as cmp + jcc.
    bool fused_compare(Value k) const;
    void emit_cmp(Value a, Value b);

    const ir::Block& b_;
    JitBlock& jb_;
    const BackendContext& ctx_;
    std::vector<Loc> loc_;
    std::vector<int32_t> last_use_;
    // Each value's use positions, in order: use_pos_[use_begin_[v] .. use_begin_[v+1]).
    std::vector<int32_t> use_pos_;
    std::vector<uint32_t> use_begin_;
    // The first use of v after position `at` (the block's end counts as n).
    int32_t next_use(Value v, int32_t at) const {
        for (uint32_t j = use_begin_[v]; j < use_begin_[v + 1]; ++j)
            if (use_pos_[j] > at) return use_pos_[j];
        return INT32_MAX;
    }
    std::vector<uint16_t> uses_;
    int owner_[kNumAlloc];
    // A value known to be in rax at the start of the next instruction: the last
    // one put() from rax into a stack slot (blocks are straight-line code, and
    // put() is the last thing an instruction emits).
    Value rax_holds_ = ir::kNoValue;
    Value rax_result_ = ir::kNoValue;
    Label exit_stub_[3];

    // Soft-TLB accesses: the inline hit path jumps to `slow` on a miss; the
    // out-of-line code after the block's exits calls the slow-path function and
    // comes back to `back`.
    struct SlowPath {
        Value k;
        Label slow, back;
        int32_t saved[kNumAlloc];  // value held by each caller-saved register live across it, or -1
        Reg64 addr;                // the guest address, kept by the hit path
        int8_t value_reg = -1;     // store: kAlloc index of the value, -1 = rcx or value_imm
        bool value_is_imm = false;
        int64_t value_imm = 0;
        int8_t dest_reg = -1;  // load: kAlloc index of the result, -1 = rax
    };
    std::vector<std::unique_ptr<SlowPath>> slow_paths_;
    std::vector<std::pair<Value, std::unique_ptr<Label>>> guard_fails_;
    void guard_fp(Value k);

    // Inline F/D ops: the SSE fast path here, the exact helper out of line.
    struct FpSlow {
        Value k;
        Label slow, back;
        int32_t saved[kNumAlloc];
        Loc args[2];
        Value argv[2];
        unsigned nargs;
    };
    std::vector<std::unique_ptr<FpSlow>> fp_slow_;
    void fp_inline(Value k);
    void emit_fp_slow(FpSlow& s);
    void load_loc(const Reg64& dst, const Loc& l, Value v);
    void call_helper(const ir::Inst& in, const Loc* args, const Value* argv, unsigned nargs);
    void tlb_load(Value k);
    void tlb_store(Value k);
    // The inline hit test of a soft-TLB access of `size` bytes at `addr`: jumps
    // to `miss` unless the entry's tag at offset `tag` matches; on a hit, rdx
    // holds the entry's addend (clobbers rdx and r13, keeps addr).
    void tlb_lookup(const Reg64& addr, unsigned size, int tag, Label& miss);
    // The caller-saved registers whose values outlive op k: saved[r] = the value
    // register r holds, or -1. An out-of-line call saves and restores them.
    void live_caller_saved(Value k, int32_t (&saved)[kNumAlloc]) const;
    void save_regs(const int32_t (&saved)[kNumAlloc]);
    void restore_regs(const int32_t (&saved)[kNumAlloc]);
    void emit_slow_paths();
    void probe_fetch_cache();
    // Side exits: a jcc to a stub that drops the unexecuted instructions from
    // instret, then a patchable jump (to the engine until linked).
    struct SideExit {
        Value k;
        Label stub;
    };
    std::vector<std::unique_ptr<SideExit>> side_;
    void side_exit(Value k);
    void emit_side_exits();
    void leave_for(const ExitRecord& x, bool direct);
    // On a jump or fetch cache hit, about to jump: counts it (clobbers rax).
    void count_probe_hit() {
        if (!ctx_.probe_hits) return;
        mov(rax, reinterpret_cast<uint64_t>(ctx_.probe_hits));
        inc(qword[rax]);
    }
    void leave_at(Value k, const ExitRecord* exit, bool after);
};

void Emitter::save_regs(const int32_t (&saved)[kNumAlloc]) {
    for (int r = 0; r < kNumAlloc; ++r)
        if (saved[r] >= 0) mov(slot(static_cast<unsigned>(saved[r])), kAlloc[r]);
}

void Emitter::restore_regs(const int32_t (&saved)[kNumAlloc]) {
    for (int r = 0; r < kNumAlloc; ++r)
        if (saved[r] >= 0) mov(kAlloc[r], slot(static_cast<unsigned>(saved[r])));
}

void Emitter::live_caller_saved(Value k, int32_t (&saved)[kNumAlloc]) const {
    for (int r = 0; r < kNumAlloc; ++r)
        saved[r] = owner_[r] >= 0 && owner_[r] != static_cast<int>(k) && kCallerSaved[r] &&
                           last_use_[owner_[r]] > static_cast<int32_t>(k)
                       ? owner_[r]
                       : -1;
}

namespace tlb {
constexpr int kTagRead = static_cast<int>(offsetof(mem::TlbEntry, tag_read));
constexpr int kTagWrite = static_cast<int>(offsetof(mem::TlbEntry, tag_write));
constexpr int kAddend = static_cast<int>(offsetof(mem::TlbEntry, addend));
// The entry offset of va: ((va >> 12) & (kSize - 1)) * 32, in two instructions.
constexpr uint32_t kIndexMask = (mem::Tlb::kSize - 1) << 5;
constexpr int kIndexShift = 12 - 5;
}  // namespace tlb

unsigned access_size(Opcode op) {
    switch (op) {
        case Opcode::Load8S:
        case Opcode::Load8U:
        case Opcode::Store8: return 1;
        case Opcode::Load16S:
        case Opcode::Load16U:
        case Opcode::Store16: return 2;
        case Opcode::Load32S:
        case Opcode::Load32U:
        case Opcode::Store32: return 4;
        default: return 8;
    }
}

// The entry of va is ((va >> 12) & (kSize - 1)) * 32 = (va >> 7) & kIndexMask;
// the tag must equal va & (~0xfff | (size - 1)), so a misaligned access never
// hits (tlb.h). rorx (BMI2) shifts a copy in one instruction: the bits it
// rotates into the top of the word lie outside the mask.
void Emitter::tlb_lookup(const Reg64& addr, unsigned size, int tag, Label& miss) {
    if (ctx_.has_bmi2) {
        rorx(edx, addr.cvt32(), tlb::kIndexShift);
    } else {
        mov(edx, addr.cvt32());
        shr(edx, tlb::kIndexShift);
    }
    and_(edx, tlb::kIndexMask);
    mov(r13, addr);
    and_(r13, static_cast<uint32_t>(-4096 + static_cast<int>(size - 1)));
    cmp(r13, qword[r12 + rdx + tag]);
    jne(miss, T_NEAR);
    mov(rdx, qword[r12 + rdx + tlb::kAddend]);
}

// The guest address stays where it is when it has a register (rax otherwise);
// hit: the value in dest(k).
void Emitter::tlb_load(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned size = access_size(in.op);
    auto sp = std::make_unique<SlowPath>();
    sp->k = k;
    live_caller_saved(k, sp->saved);
    const Loc& a = loc_[in.args[0]];
    sp->addr = a.kind == Loc::Reg ? kAlloc[a.reg] : rax;
    if (a.kind != Loc::Reg) load(rax, in.args[0]);
    tlb_lookup(sp->addr, size, tlb::kTagRead, sp->slow);
    const Reg64 d = dest(k);
    if (loc_[k].kind == Loc::Reg) sp->dest_reg = loc_[k].reg;
    const RegExp host = sp->addr + rdx;
    switch (in.op) {
        case Opcode::Load8S: movsx(d, byte[host]); break;
        case Opcode::Load8U: movzx(d.cvt32(), byte[host]); break;
        case Opcode::Load16S: movsx(d, word[host]); break;
        case Opcode::Load16U: movzx(d.cvt32(), word[host]); break;
        case Opcode::Load32S: movsxd(d, dword[host]); break;
        case Opcode::Load32U: mov(d.cvt32(), dword[host]); break;
        default: mov(d, qword[host]); break;
    }
    L(sp->back);
    slow_paths_.push_back(std::move(sp));
}

// Address as for loads; the value from its register, as an immediate when it is
// a constant that fits, else through rcx.
void Emitter::tlb_store(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned size = access_size(in.op);
    auto sp = std::make_unique<SlowPath>();
    sp->k = k;
    live_caller_saved(k, sp->saved);
    const Loc& a = loc_[in.args[0]];
    sp->addr = a.kind == Loc::Reg ? kAlloc[a.reg] : rax;
    if (a.kind != Loc::Reg) load(rax, in.args[0]);
    const Loc& v = loc_[in.args[1]];
    Reg64 value = rcx;
    if (v.kind == Loc::Reg) {
        sp->value_reg = v.reg;
        value = kAlloc[v.reg];
    } else if (v.kind == Loc::Const && fits_i32(v.imm)) {
        sp->value_is_imm = true;
        sp->value_imm = v.imm;
    } else {
        load(rcx, in.args[1]);
    }
    tlb_lookup(sp->addr, size, tlb::kTagWrite, sp->slow);
    const RegExp host = sp->addr + rdx;
    if (sp->value_is_imm) {
        const auto imm = static_cast<uint32_t>(sp->value_imm);
        switch (size) {
            case 1: mov(byte[host], imm & 0xff); break;
            case 2: mov(word[host], imm & 0xffff); break;
            case 4: mov(dword[host], imm); break;
            default: mov(qword[host], static_cast<uint64_t>(sp->value_imm)); break;
        }
    } else {
        switch (size) {
            case 1: mov(byte[host], value.cvt8()); break;
            case 2: mov(word[host], value.cvt16()); break;
            case 4: mov(dword[host], value.cvt32()); break;
            default: mov(qword[host], value); break;
        }
    }
    L(sp->back);
    slow_paths_.push_back(std::move(sp));
}

// Leaves compiled code at memory op k with cpu.pc at its instruction (or, with
// `after`, at the next one) and instret counting only what retired.
void Emitter::leave_at(Value k, const ExitRecord* exit, bool after) {
    const ir::Inst& in = b_.insts[k];
    const uint64_t pc = static_cast<uint64_t>(in.imm) + (after ? in.insn_len : 0);
    const uint32_t not_retired = b_.guest_insns - in.insn - (after ? 1 : 0);
    mov(rax, pc);
    mov(qword[rbx + static_cast<int>(offsetof(riscv::Cpu, pc))], rax);
    if (not_retired) sub(qword[rbx + static_cast<int>(offsetof(riscv::Cpu, instret))], not_retired);
    mov(rax, reinterpret_cast<uint64_t>(exit));
    jmp(reinterpret_cast<const void*>(ctx_.epilogue), T_NEAR);
}

// System mode: with the target's virtual pc in rax, jumps to its compiled code
// when the fetch cache knows it in the current epoch; falls through otherwise.
void Emitter::probe_fetch_cache() {
    Label miss;
    mov(ecx, eax);
    shl(ecx, 5 - 1);
    and_(ecx, (kFetchCacheSize - 1) << 5);
    mov(rdx, reinterpret_cast<uint64_t>(ctx_.fetch_cache));
    add(rdx, rcx);
    cmp(qword[rdx + static_cast<int>(offsetof(FetchCacheEntry, va))], rax);
    jne(miss);
    mov(rcx, qword[rbx + static_cast<int>(offsetof(riscv::Cpu, fetch_epoch))]);
    cmp(qword[rdx + static_cast<int>(offsetof(FetchCacheEntry, epoch))], rcx);
    jne(miss);
    mov(rcx, qword[rdx + static_cast<int>(offsetof(FetchCacheEntry, code))]);
    test(rcx, rcx);
    jz(miss);
    count_probe_hit();
    jmp(rcx);
    L(miss);
}

void Emitter::load_loc(const Reg64& dst, const Loc& l, Value v) {
    switch (l.kind) {
        case Loc::Const: mov(dst, l.imm); break;
        case Loc::Reg: mov(dst, kAlloc[l.reg]); break;
        case Loc::Slot: mov(dst, slot(v)); break;
        case Loc::None: xor_(dst.cvt32(), dst.cvt32()); break;
    }
}

// The fast path of fp.h's RNE arithmetic, inline: the host SSE op, kept when
// the result cannot have raised more than NX and NX is already accrued (the
// usual state of FP code); compares when ordered. Everything else (NaN, results
// near the ends of the range, a first inexact result, frm other than RNE, a
// single not properly NaN-boxed) goes to the exact helper.
void Emitter::fp_inline(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned rm = (in.imm >> 16) & 0xff;
    const bool single = (in.imm >> 24) & 1;
    const unsigned nargs = ir::info(in.op).nargs;
    auto sp = std::make_unique<FpSlow>();
    sp->k = k;
    sp->nargs = nargs;
    for (unsigned a = 0; a < nargs; ++a) {
        sp->args[a] = loc_[in.args[a]];
        sp->argv[a] = in.args[a];
    }
    live_caller_saved(k, sp->saved);

    const int fflags = static_cast<int>(offsetof(riscv::Cpu, fflags));
    if (rm == 7) {
        cmp(dword[rbx + static_cast<int>(offsetof(riscv::Cpu, frm))], 0);
        jne(sp->slow, T_NEAR);
    }
    load(rax, in.args[0]);
    if (nargs > 1) load(rcx, in.args[1]);
    if (single) {
        mov(rdx, 0xffffffff00000000ull);  // NaN boxing: the upper half all ones
        cmp(rax, rdx);
        jb(sp->slow, T_NEAR);
        if (nargs > 1) {
            cmp(rcx, rdx);
            jb(sp->slow, T_NEAR);
        }
        movd(xmm0, eax);
        if (nargs > 1) movd(xmm1, ecx);
    } else {
        movq(xmm0, rax);
        if (nargs > 1) movq(xmm1, rcx);
    }
    const bool compare = in.op == Opcode::FEq || in.op == Opcode::FLt || in.op == Opcode::FLe;
    if (compare) {
        // Ordered operands raise nothing (quiet or signaling compare alike).
        if (single)
            ucomiss(xmm0, xmm1);
        else
            ucomisd(xmm0, xmm1);
        jp(sp->slow, T_NEAR);
        if (in.op == Opcode::FEq)
            sete(al);
        else if (in.op == Opcode::FLt)
            setb(al);
        else
            setbe(al);
        movzx(eax, al);
    } else {
        if (in.op == Opcode::FSqrt) {
            // Only 0 < a < +inf: sqrt of a negative, zero, inf or NaN is left to the helper.
            mov(rcx, rax);
            if (single) and_(ecx, ecx);  // the single's bits alone (zero-extends)
            sub(rcx, 1);
            mov(rdx, single ? 0x7f800000ull - 1 : 0x7ff0000000000000ull - 1);
            cmp(rcx, rdx);
            jae(sp->slow, T_NEAR);
        }
        switch (in.op) {
            case Opcode::FAdd: single ? addss(xmm0, xmm1) : addsd(xmm0, xmm1); break;
            case Opcode::FSub: single ? subss(xmm0, xmm1) : subsd(xmm0, xmm1); break;
            case Opcode::FMul: single ? mulss(xmm0, xmm1) : mulsd(xmm0, xmm1); break;
            case Opcode::FDiv: single ? divss(xmm0, xmm1) : divsd(xmm0, xmm1); break;
            default: single ? sqrtss(xmm0, xmm0) : sqrtsd(xmm0, xmm0); break;
        }
        // The result's exponent field: sums never underflow, so only all-ones
        // (inf, NaN) is out; products and quotients must also stay clear of the
        // lowest binade (fp.h, plain_result).
        const int man = single ? 23 : 52;
        const unsigned exp_max = single ? 0xff : 0x7ff;
        if (single)
            movd(eax, xmm0);
        else
            movq(rax, xmm0);
        if (in.op != Opcode::FSqrt) {
            mov(rcx, rax);
            shr(rcx, man);
            and_(ecx, exp_max);
            if (in.op == Opcode::FAdd || in.op == Opcode::FSub) {
                cmp(ecx, exp_max);
                je(sp->slow, T_NEAR);
            } else {
                sub(ecx, 2);
                cmp(ecx, exp_max - 2);
                jae(sp->slow, T_NEAR);
            }
        }
        test(byte[rbx + fflags], 1);  // NX accrued already: nothing more to raise
        jz(sp->slow, T_NEAR);
        if (single) {
            mov(rdx, 0xffffffff00000000ull);
            or_(rax, rdx);
        }
    }
    L(sp->back);
    put(k, rax);
    fp_slow_.push_back(std::move(sp));
}

void Emitter::emit_fp_slow(FpSlow& s) {
    const ir::Inst& in = b_.insts[s.k];
    L(s.slow);
    save_regs(s.saved);
    // Arguments where they were at the op (their registers may hold the same
    // values still; a caller-saved one was just saved, not clobbered).
    call_helper(in, s.args, s.argv, s.nargs);
    restore_regs(s.saved);
    jmp(s.back, T_NEAR);
}

void Emitter::guard_fp(Value k) {
    constexpr uint32_t kFs = 3u << 13;  // mstatus.FS; both bits set = Dirty
    auto fail = std::make_unique<Label>();
    mov(rax, reinterpret_cast<uint64_t>(ctx_.mstatus));
    test(dword[rax], kFs);
    jz(*fail, T_NEAR);
    cmp(dword[rbx + static_cast<int>(offsetof(riscv::Cpu, frm))], 4);
    ja(*fail, T_NEAR);
    or_(dword[rax], kFs);
    bts(qword[rax], 63);  // SD
    guard_fails_.emplace_back(k, std::move(fail));
}

void Emitter::side_exit(Value k) {
    const ir::Inst& in = b_.insts[k];
    const Loc& l = loc_[in.args[0]];
    if (l.kind == Loc::Reg) {
        test(kAlloc[l.reg], kAlloc[l.reg]);
    } else {
        load(rax, in.args[0]);
        test(rax, rax);
    }
    auto s = std::make_unique<SideExit>();
    s->k = k;
    if (in.op == Opcode::ExitIf)
        jnz(s->stub, T_NEAR);
    else
        jz(s->stub, T_NEAR);
    side_.push_back(std::move(s));
}

// Returns exit record x to the engine. A direct jump to another page cannot be
// linked (its mapping must be checked), but the fetch cache (system mode) knows
// whether its target still holds: then compiled code goes straight on.
void Emitter::leave_for(const ExitRecord& x, bool direct) {
    if (direct && ctx_.memory == MemoryMode::SoftTlb && ctx_.fetch_cache &&
        ((x.target_pc ^ b_.pc) >> 12) != 0) {
        mov(rax, x.target_pc);
        probe_fetch_cache();
    }
    mov(rax, reinterpret_cast<uint64_t>(&x));
    jmp(reinterpret_cast<const void*>(ctx_.epilogue), T_NEAR);
}

void Emitter::emit_side_exits() {
    for (size_t j = 0; j < side_.size(); ++j) {
        const ir::Inst& in = b_.insts[side_[j]->k];
        ExitRecord& x = jb_.side_exits[j];
        x.target_pc = static_cast<uint64_t>(in.imm);
        L(side_[j]->stub);
        const uint32_t not_retired = b_.guest_insns - in.insn - 1;
        if (not_retired)
            sub(qword[rbx + static_cast<int>(offsetof(riscv::Cpu, instret))], not_retired);
        Label to_engine;
        jmp(to_engine, T_NEAR);
        x.patch = const_cast<uint8_t*>(getCurr()) - 4;
        L(to_engine);
        leave_for(x, true);
    }
}

void Emitter::emit_slow_paths() {
    for (auto& s : fp_slow_) emit_fp_slow(*s);
    for (auto& [k, fail] : guard_fails_) {
        L(*fail);
        leave_at(k, ctx_.resume_exit, false);
    }
    for (auto& sp : slow_paths_) {
        const ir::Inst& in = b_.insts[sp->k];
        const bool is_load = in.op <= Opcode::Load64;
        const unsigned size = access_size(in.op);
        L(sp->slow);
        save_regs(sp->saved);
        // Arguments (rdi, rsi, rdx, rcx) in an order that reads each register
        // before it is overwritten: the address and value may be in rsi or rdi.
        if (is_load) {
            const bool sign =
                in.op == Opcode::Load8S || in.op == Opcode::Load16S || in.op == Opcode::Load32S;
            if (sp->addr.getIdx() != rsi.getIdx()) mov(rsi, sp->addr);
            mov(edx, size | (sign ? 0x100u : 0u));
            mov(rdi, reinterpret_cast<uint64_t>(ctx_.slow_ctx));
            mov(rax, reinterpret_cast<uint64_t>(ctx_.slow_load));
            CodeGenerator::call(rax);
        } else {
            if (sp->value_is_imm)
                mov(rdx, sp->value_imm);
            else
                mov(rdx, sp->value_reg >= 0 ? kAlloc[sp->value_reg] : rcx);
            if (sp->addr.getIdx() != rsi.getIdx()) mov(rsi, sp->addr);
            mov(ecx, size);
            mov(rdi, reinterpret_cast<uint64_t>(ctx_.slow_ctx));
            mov(rax, reinterpret_cast<uint64_t>(ctx_.slow_store));
            CodeGenerator::call(rax);
        }
        Label fault, stop;
        if (is_load) {
            test(rdx, rdx);
            jnz(fault, T_NEAR);
        } else {
            cmp(rax, kSlowFault);
            je(fault, T_NEAR);
            cmp(rax, kSlowStop);
            je(stop, T_NEAR);
        }
        restore_regs(sp->saved);
        if (is_load && sp->dest_reg >= 0) mov(kAlloc[sp->dest_reg], rax);
        jmp(sp->back, T_NEAR);
        L(fault);
        leave_at(sp->k, ctx_.fault_exit, false);
        if (!is_load) {
            L(stop);
            leave_at(sp->k, ctx_.stop_exit, true);
        }
    }
}

void Emitter::load(const Reg64& dst, Value v) {
    // rax may still hold the previous instruction's spilled result.
    if (dst.getIdx() == rax.getIdx()) {
        const bool hit = rax_holds_ == v;
        rax_holds_ = ir::kNoValue;
        if (hit) return;
    }
    const Loc& l = loc_[v];
    switch (l.kind) {
        case Loc::Const:
            if (l.imm == 0)
                xor_(dst.cvt32(), dst.cvt32());
            else if (l.imm > 0 && l.imm <= UINT32_MAX)
                mov(dst.cvt32(), static_cast<uint32_t>(l.imm));
            else
                mov(dst, l.imm);
            break;
        case Loc::Reg:
            if (kAlloc[l.reg].getIdx() != dst.getIdx()) mov(dst, kAlloc[l.reg]);
            break;
        case Loc::Slot: mov(dst, slot(v)); break;
        case Loc::None: xor_(dst.cvt32(), dst.cvt32()); break;  // unreachable for well-formed IR
    }
}

void Emitter::put(Value v, const Reg64& src) {
    const Loc& l = loc_[v];
    if (l.kind == Loc::Reg) {
        if (kAlloc[l.reg].getIdx() != src.getIdx()) mov(kAlloc[l.reg], src);
    } else if (l.kind == Loc::Slot) {
        mov(slot(v), src);
        if (src.getIdx() == rax.getIdx()) rax_result_ = v;
    }
}

void Emitter::allocate_result(Value k) {
    if (last_use_[k] <= static_cast<int32_t>(k)) {
        loc_[k].kind = Loc::None;
        return;
    }
    // Values that live across a helper call prefer callee-saved registers.
    bool crosses_call = false;
    for (auto j = static_cast<int32_t>(k) + 1; j < last_use_[k] && !crosses_call; ++j) {
        const Opcode op = b_.insts[j].op;
        crosses_call = op >= Opcode::Call0 && op <= Opcode::Call3;
    }
    int pick = -1;
    // Reusing the register of a first argument that dies here makes two-address
    // x86 forms (op dst, src) free of copies.
    const ir::Inst& in = b_.insts[k];
    if (ir::info(in.op).nargs > 0) {
        const Loc& a = loc_[in.args[0]];
        if (a.kind == Loc::Reg && owner_[a.reg] < 0 && (!crosses_call || !kCallerSaved[a.reg]))
            pick = a.reg;
    }
    for (int r = 0; r < kNumAlloc && pick < 0; ++r) {
        if (owner_[r] >= 0) continue;
        if (!crosses_call || !kCallerSaved[r]) {
            pick = r;
            break;
        }
    }
    for (int r = 0; r < kNumAlloc && pick < 0; ++r)
        if (owner_[r] < 0) pick = r;
    if (pick < 0) {
        // No register free: evict the occupant whose next use is furthest away
        // (Belady), if that is later than this value's first use; an argument
        // of this very instruction is never the one (it would be reloaded at once).
        const auto at = static_cast<int32_t>(k);
        int victim = -1;
        int32_t victim_next = -1;
        for (int r = 0; r < kNumAlloc; ++r) {
            if (crosses_call && kCallerSaved[r]) continue;
            const int32_t nu = next_use(static_cast<Value>(owner_[r]), at);
            if (nu > victim_next) victim = r, victim_next = nu;
        }
        if (victim >= 0 && victim_next > next_use(k, at)) {
            const auto evicted = static_cast<Value>(owner_[victim]);
            mov(slot(evicted), kAlloc[victim]);
            loc_[evicted].kind = Loc::Slot;
            pick = victim;
        }
    }
    if (pick >= 0) {
        loc_[k] = {Loc::Reg, static_cast<int8_t>(pick), 0};
        owner_[pick] = static_cast<int>(k);
    } else {
        loc_[k].kind = Loc::Slot;
    }
}

void Emitter::alu(Value k, void (Emitter::*op_rr)(const Operand&, const Operand&),
                  void (Emitter::*op_ri)(const Operand&, uint32_t)) {
    const ir::Inst& in = b_.insts[k];
    const Reg64 d = dest(k);
    const Loc& b = loc_[in.args[1]];
    if (b.kind == Loc::Const && fits_i32(b.imm) && op_ri) {
        load(d, in.args[0]);
        (this->*op_ri)(d, static_cast<uint32_t>(b.imm));
    } else if (b.kind == Loc::Reg && !in_reg(in.args[1], d)) {
        load(d, in.args[0]);
        (this->*op_rr)(d, kAlloc[b.reg]);
    } else {
        load(rcx, in.args[1]);
        load(d, in.args[0]);
        (this->*op_rr)(d, rcx);
    }
    put(k, d);
}

void Emitter::shift(Value k, void (Emitter::*op_rc)(const Operand&, const Reg8&),
                    void (Emitter::*op_ri)(const Operand&, int)) {
    const ir::Inst& in = b_.insts[k];
    const Reg64 d = dest(k);
    const Loc& b = loc_[in.args[1]];
    if (b.kind == Loc::Const) {
        load(d, in.args[0]);
        (this->*op_ri)(d, static_cast<int>(b.imm & 63));
    } else {
        load(rcx, in.args[1]);
        load(d, in.args[0]);
        (this->*op_rc)(d, cl);
    }
    put(k, d);
}

void Emitter::emit_cmp(Value a, Value bv) {
    load(rax, a);
    const Loc& b = loc_[bv];
    if (b.kind == Loc::Const && fits_i32(b.imm)) {
        cmp(rax, static_cast<uint32_t>(b.imm));
    } else if (b.kind == Loc::Reg) {
        cmp(rax, kAlloc[b.reg]);
    } else {
        load(rcx, bv);
        cmp(rax, rcx);
    }
}

bool Emitter::fused_compare(Value k) const {
    const Opcode op = b_.insts[k].op;
    return b_.term.kind == ir::Terminal::Kind::Branch && b_.term.value == k && uses_[k] == 1 &&
           op >= Opcode::CmpEq && op <= Opcode::CmpGeU;
}

void Emitter::compare(Value k, void (Emitter::*setcc)(const Operand&)) {
    if (fused_compare(k)) return;  // emitted with the branch
    const ir::Inst& in = b_.insts[k];
    emit_cmp(in.args[0], in.args[1]);
    (this->*setcc)(al);
    const Reg64 d = dest(k);
    movzx(d.cvt32(), al);
    put(k, d);
}

// RISC-V division semantics ("M" chapter): x/0 = -1 (all ones), x%0 = x,
// INT64_MIN/-1 = INT64_MIN, INT64_MIN%-1 = 0. x86 would trap on the last two.
void Emitter::divide(Value k, bool is_signed, bool want_rem) {
    const ir::Inst& in = b_.insts[k];
    load(rax, in.args[0]);
    load(rcx, in.args[1]);
    Label zero, done, normal;
    test(rcx, rcx);
    jz(zero, T_NEAR);
    if (is_signed) {
        cmp(rcx, -1);
        jne(normal);
        mov(rdx, INT64_MIN);
        cmp(rax, rdx);
        jne(normal);
        if (want_rem) xor_(eax, eax);  // else the quotient is the dividend, already in rax
        jmp(done, T_NEAR);
        L(normal);
        cqo();
        idiv(rcx);
    } else {
        xor_(edx, edx);
        div(rcx);
    }
    if (want_rem) mov(rax, rdx);
    jmp(done, T_NEAR);
    L(zero);
    if (!want_rem) mov(rax, -1);  // remainder by zero: the dividend, already in rax
    L(done);
    put(k, rax);
}

// Calls op `in`'s semantic helper (in.imm: helper id | rm << 16) with the cpu,
// the arguments where `args` says they are, and rm; the result is in rax.
void Emitter::call_helper(const ir::Inst& in, const Loc* args, const Value* argv, unsigned nargs) {
    // Stage arguments in scratch slots first: sources may sit in argument registers.
    for (unsigned a = 0; a < nargs; ++a) {
        load_loc(rax, args[a], argv[a]);
        mov(slot(kMaxValues + a), rax);
    }
    const Reg64 arg_regs[3] = {rsi, rdx, rcx};
    for (unsigned a = 0; a < nargs; ++a) mov(arg_regs[a], slot(kMaxValues + a));
    mov(rdi, rbx);
    mov(r8, static_cast<uint64_t>((in.imm >> 16) & 0xff));
    mov(rax, reinterpret_cast<uint64_t>(helper_fn(static_cast<Helper>(in.imm & 0xffff))));
    CodeGenerator::call(rax);
}

void Emitter::call(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned nargs = ir::info(in.op).nargs;
    // Keep values that outlive the call: save caller-saved registers to their slots.
    int32_t saved[kNumAlloc];
    live_caller_saved(k, saved);
    save_regs(saved);
    Loc args[3];
    for (unsigned a = 0; a < nargs; ++a) args[a] = loc_[in.args[a]];
    call_helper(in, args, in.args, nargs);
    restore_regs(saved);
    rax_holds_ = ir::kNoValue;
    put(k, rax);
}

void Emitter::emit_inst(Value k) {
    const ir::Inst& in = b_.insts[k];
    switch (in.op) {
        case Opcode::Nop:
        case Opcode::Const:
        case Opcode::Count: return;
        case Opcode::GetReg: {
            const Loc& l = loc_[k];
            if (l.kind == Loc::Reg)
                mov(kAlloc[l.reg], qword[rbx + reg_offset(in.imm)]);
            else if (l.kind == Loc::Slot) {
                mov(rax, qword[rbx + reg_offset(in.imm)]);
                mov(slot(k), rax);
            }
            return;
        }
        case Opcode::SetReg: {
            const Loc& v = loc_[in.args[0]];
            if (v.kind == Loc::Reg)
                mov(qword[rbx + reg_offset(in.imm)], kAlloc[v.reg]);
            else if (v.kind == Loc::Const && fits_i32(v.imm))
                mov(qword[rbx + reg_offset(in.imm)],
                    static_cast<uint64_t>(v.imm));  // sign-extended imm32
            else {
                load(rax, in.args[0]);
                mov(qword[rbx + reg_offset(in.imm)], rax);
            }
            return;
        }
        case Opcode::Add: alu(k, &Emitter::add, &Emitter::add); return;
        case Opcode::Sub: alu(k, &Emitter::sub, &Emitter::sub); return;
        case Opcode::And: alu(k, &Emitter::and_, &Emitter::and_); return;
        case Opcode::Or: alu(k, &Emitter::or_, &Emitter::or_); return;
        case Opcode::Xor: alu(k, &Emitter::xor_, &Emitter::xor_); return;
        case Opcode::Mul: {
            const Reg64 d = dest(k);
            const Loc& b = loc_[in.args[1]];
            if (b.kind == Loc::Reg && !in_reg(in.args[1], d)) {
                load(d, in.args[0]);
                imul(d, kAlloc[b.reg]);
            } else {
                load(rcx, in.args[1]);
                load(d, in.args[0]);
                imul(d, rcx);
            }
            put(k, d);
            return;
        }
        case Opcode::Shl: shift(k, &Emitter::shl, &Emitter::shl); return;
        case Opcode::Shr: shift(k, &Emitter::shr, &Emitter::shr); return;
        case Opcode::Sar: shift(k, &Emitter::sar, &Emitter::sar); return;
        case Opcode::Rotl: shift(k, &Emitter::rol, &Emitter::rol); return;
        case Opcode::Rotr: shift(k, &Emitter::ror, &Emitter::ror); return;
        case Opcode::MulH:
        case Opcode::MulHU:
            load(rax, in.args[0]);
            load(rcx, in.args[1]);
            if (in.op == Opcode::MulH)
                imul(rcx);
            else
                mul(rcx);
            put(k, rdx);
            return;
        case Opcode::MulHSU:
            // mulhu(a, b) - (a < 0 ? b : 0)
            load(rax, in.args[0]);
            load(rcx, in.args[1]);
            mul(rcx);
            load(rax, in.args[0]);
            sar(rax, 63);
            and_(rax, rcx);
            sub(rdx, rax);
            put(k, rdx);
            return;
        case Opcode::Div: divide(k, true, false); return;
        case Opcode::DivU: divide(k, false, false); return;
        case Opcode::Rem: divide(k, true, true); return;
        case Opcode::RemU: divide(k, false, true); return;
        case Opcode::Not: {
            const Reg64 d = dest(k);
            load(d, in.args[0]);
            not_(d);
            put(k, d);
            return;
        }
        case Opcode::Neg: {
            const Reg64 d = dest(k);
            load(d, in.args[0]);
            neg(d);
            put(k, d);
            return;
        }
        case Opcode::Clz:
            load(rcx, in.args[0]);
            if (ctx_.has_lzcnt) {
                lzcnt(rax, rcx);
            } else {
                Label zero, done;
                mov(eax, 64);
                test(rcx, rcx);
                jz(done);
                bsr(rax, rcx);
                xor_(eax, 63);
                L(done);
            }
            put(k, rax);
            return;
        case Opcode::Ctz:
            load(rcx, in.args[0]);
            if (ctx_.has_bmi1) {
                tzcnt(rax, rcx);
            } else {
                Label done;
                mov(eax, 64);
                test(rcx, rcx);
                jz(done);
                bsf(rax, rcx);
                L(done);
            }
            put(k, rax);
            return;
        case Opcode::Popcnt:
            load(rcx, in.args[0]);
            popcnt(rax, rcx);
            put(k, rax);
            return;
        case Opcode::Bswap:
            load(rax, in.args[0]);
            bswap(rax);
            put(k, rax);
            return;
        case Opcode::Sext8:
        case Opcode::Sext16:
        case Opcode::Sext32:
        case Opcode::Zext8:
        case Opcode::Zext16:
        case Opcode::Zext32: {
            // Straight from the source register when there is one.
            const Reg64 d = dest(k);
            const Loc& a = loc_[in.args[0]];
            Reg64 src = rax;
            if (a.kind == Loc::Reg)
                src = kAlloc[a.reg];
            else
                load(rax, in.args[0]);
            switch (in.op) {
                case Opcode::Sext8: movsx(d, src.cvt8()); break;
                case Opcode::Sext16: movsx(d, src.cvt16()); break;
                case Opcode::Sext32: movsxd(d, src.cvt32()); break;
                case Opcode::Zext8: movzx(d.cvt32(), src.cvt8()); break;
                case Opcode::Zext16: movzx(d.cvt32(), src.cvt16()); break;
                default: mov(d.cvt32(), src.cvt32()); break;
            }
            put(k, d);
            return;
        }
        case Opcode::CmpEq: compare(k, &Emitter::sete); return;
        case Opcode::CmpNe: compare(k, &Emitter::setne); return;
        case Opcode::CmpLt: compare(k, &Emitter::setl); return;
        case Opcode::CmpLtU: compare(k, &Emitter::setb); return;
        case Opcode::CmpGe: compare(k, &Emitter::setge); return;
        case Opcode::CmpGeU: compare(k, &Emitter::setae); return;
        case Opcode::Select:
            load(rcx, in.args[2]);
            load(rdx, in.args[0]);
            load(rax, in.args[1]);
            test(rdx, rdx);
            cmovz(rax, rcx);
            put(k, rax);
            return;
        case Opcode::Load8S:
        case Opcode::Load8U:
        case Opcode::Load16S:
        case Opcode::Load16U:
        case Opcode::Load32S:
        case Opcode::Load32U:
        case Opcode::Load64: {
            if (ctx_.memory == MemoryMode::SoftTlb) {
                tlb_load(k);
                put(k, dest(k));
                return;
            }
            load(rax, in.args[0]);
            and_(rax, r13);
            const Reg64 d = dest(k);
            switch (in.op) {
                case Opcode::Load8S: movsx(d, byte[r12 + rax]); break;
                case Opcode::Load8U: movzx(d.cvt32(), byte[r12 + rax]); break;
                case Opcode::Load16S: movsx(d, word[r12 + rax]); break;
                case Opcode::Load16U: movzx(d.cvt32(), word[r12 + rax]); break;
                case Opcode::Load32S: movsxd(d, dword[r12 + rax]); break;
                case Opcode::Load32U: mov(d.cvt32(), dword[r12 + rax]); break;
                default: mov(d, qword[r12 + rax]); break;
            }
            memory_site(in);
            put(k, d);
            return;
        }
        case Opcode::Store8:
        case Opcode::Store16:
        case Opcode::Store32:
        case Opcode::Store64: {
            if (ctx_.memory == MemoryMode::SoftTlb) {
                tlb_store(k);
                return;
            }
            load(rax, in.args[0]);
            Reg64 v = rcx;
            if (loc_[in.args[1]].kind == Loc::Reg)
                v = kAlloc[loc_[in.args[1]].reg];
            else
                load(rcx, in.args[1]);
            and_(rax, r13);
            switch (in.op) {
                case Opcode::Store8: mov(byte[r12 + rax], v.cvt8()); break;
                case Opcode::Store16: mov(word[r12 + rax], v.cvt16()); break;
                case Opcode::Store32: mov(dword[r12 + rax], v.cvt32()); break;
                default: mov(qword[r12 + rax], v); break;
            }
        }
            memory_site(in);
            return;
        case Opcode::Call0:
        case Opcode::Call1:
        case Opcode::Call2:
        case Opcode::Call3: call(k); return;
        case Opcode::GuardFp: guard_fp(k); return;
        case Opcode::ExitIf:
        case Opcode::ExitIfNot: side_exit(k); return;
        case Opcode::FAdd:
        case Opcode::FSub:
        case Opcode::FMul:
        case Opcode::FDiv:
        case Opcode::FSqrt:
        case Opcode::FEq:
        case Opcode::FLt:
        case Opcode::FLe: fp_inline(k); return;
    }
}

void Emitter::terminal() {
    const ir::Terminal& t = b_.term;
    using K = ir::Terminal::Kind;
    switch (t.kind) {
        case K::Jump:
            jb_.exits[0].target_pc = t.taken;
            jmp(exit_stub_[0], T_NEAR);
            jb_.exits[0].patch = const_cast<uint8_t*>(getCurr()) - 4;
            break;
        case K::Branch:
            jb_.exits[0].target_pc = t.taken;
            jb_.exits[1].target_pc = t.fallthrough;
            if (fused_compare(t.value)) {
                const ir::Inst& c = b_.insts[t.value];
                emit_cmp(c.args[0], c.args[1]);
                switch (c.op) {
                    case Opcode::CmpEq: je(exit_stub_[0], T_NEAR); break;
                    case Opcode::CmpNe: jne(exit_stub_[0], T_NEAR); break;
                    case Opcode::CmpLt: jl(exit_stub_[0], T_NEAR); break;
                    case Opcode::CmpLtU: jb(exit_stub_[0], T_NEAR); break;
                    case Opcode::CmpGe: jge(exit_stub_[0], T_NEAR); break;
                    default: jae(exit_stub_[0], T_NEAR); break;
                }
            } else {
                load(rax, t.value);
                test(rax, rax);
                jnz(exit_stub_[0], T_NEAR);
            }
            jb_.exits[0].patch = const_cast<uint8_t*>(getCurr()) - 4;
            jmp(exit_stub_[1], T_NEAR);
            jb_.exits[1].patch = const_cast<uint8_t*>(getCurr()) - 4;
            break;
        case K::Indirect: {
            // Per-vCPU jump cache: one probe, else back to the engine. System
            // mode always goes back: a virtual pc alone does not name the code.
            jb_.exits[0].indirect = true;
            load(rax, t.value);
            mov(qword[rbx + static_cast<int>(offsetof(riscv::Cpu, pc))], rax);
            if (ctx_.memory == MemoryMode::SoftTlb) {
                if (ctx_.fetch_cache) probe_fetch_cache();
                jmp(exit_stub_[0], T_NEAR);
                break;
            }
            mov(rcx, rax);
            shr(rcx, 1);
            and_(ecx, kJumpCacheSize - 1);
            shl(ecx, 4);
            mov(rdx, reinterpret_cast<uint64_t>(ctx_.jump_cache));
            cmp(qword[rdx + rcx], rax);
            jne(exit_stub_[0], T_NEAR);
            count_probe_hit();
            jmp(qword[rdx + rcx + 8]);
            break;
        }
        case K::Exit:
            jb_.exits[0].target_pc = t.taken;
            jmp(exit_stub_[0], T_NEAR);
            break;
    }
    for (int e = 0; e < 3; ++e) {
        L(exit_stub_[e]);
        leave_for(jb_.exits[e], e < 2 && !jb_.exits[e].indirect && jb_.exits[e].target_pc);
    }
    emit_side_exits();
    emit_slow_paths();
}

bool Emitter::run() {
    const auto n = static_cast<Value>(b_.insts.size());
    if (n > kMaxValues) return false;
    loc_.assign(n, Loc{});
    last_use_.assign(n, -1);
    uses_.assign(n, 0);
    for (Value k = 0; k < n; ++k) {
        const ir::Inst& in = b_.insts[k];
        if (in.op == Opcode::Nop) continue;
        for (unsigned a = 0; a < ir::info(in.op).nargs; ++a) {
            last_use_[in.args[a]] = static_cast<int32_t>(k);
            ++uses_[in.args[a]];
        }
        if (in.op == Opcode::Popcnt && !ctx_.has_popcnt) return false;
    }
    if (b_.term.value != ir::kNoValue) {
        last_use_[b_.term.value] = static_cast<int32_t>(n);
        ++uses_[b_.term.value];
    }
    // Use positions, for eviction (the terminal's uses at n; a compare fused
    // into the branch reads its arguments there).
    use_begin_.assign(n + 1, 0);
    auto each_use = [&](auto&& f) {
        for (Value k = 0; k < n; ++k) {
            const ir::Inst& in = b_.insts[k];
            if (in.op == Opcode::Nop) continue;
            for (unsigned a = 0; a < ir::info(in.op).nargs; ++a)
                f(in.args[a], static_cast<int32_t>(k));
        }
        if (b_.term.value != ir::kNoValue) {
            f(b_.term.value, static_cast<int32_t>(n));
            if (fused_compare(b_.term.value)) {
                const ir::Inst& c = b_.insts[b_.term.value];
                f(c.args[0], static_cast<int32_t>(n));
                f(c.args[1], static_cast<int32_t>(n));
                last_use_[c.args[0]] = last_use_[c.args[1]] = static_cast<int32_t>(n);
            }
        }
    };
    each_use([&](Value v, int32_t) { ++use_begin_[v + 1]; });
    for (Value v = 0; v < n; ++v) use_begin_[v + 1] += use_begin_[v];
    use_pos_.resize(use_begin_[n]);
    {
        std::vector<uint32_t> fill(use_begin_.begin(), use_begin_.end() - 1);
        each_use([&](Value v, int32_t at) { use_pos_[fill[v]++] = at; });
    }
    for (int& o : owner_) o = -1;

    // Entry: leave if the engine asked us to, then count the block's instructions.
    jb_.exits[2].target_pc = b_.pc;
    cmp(byte[rbx + static_cast<int>(offsetof(riscv::Cpu, exit_request))], 0);
    jne(exit_stub_[2], T_NEAR);
    jb_.body_offset = static_cast<uint32_t>(getSize());
    add(qword[rbx + static_cast<int>(offsetof(riscv::Cpu, instret))], b_.guest_insns);

    for (Value k = 0; k < n; ++k) {
        const ir::Inst& in = b_.insts[k];
        if (in.op == Opcode::Nop) continue;
        if (in.op == Opcode::Const) {
            loc_[k] = {Loc::Const, -1, in.imm};
            continue;
        }
        // Registers of arguments used for the last time here can hold the result.
        for (unsigned a = 0; a < ir::info(in.op).nargs; ++a) {
            const Loc& l = loc_[in.args[a]];
            if (l.kind == Loc::Reg && last_use_[in.args[a]] == static_cast<int32_t>(k))
                owner_[l.reg] = -1;
        }
        if (fused_compare(k)) continue;  // no value of its own: emitted as cmp + jcc
        if (ir::info(in.op).result == ir::Type::I64) allocate_result(k);
        rax_result_ = ir::kNoValue;
        emit_inst(k);
        rax_holds_ = rax_result_;
    }
    terminal();
    return true;
}

}  // namespace

std::unique_ptr<JitBlock> compile_x64(const ir::Block& b, CodeCache& cache,
                                      const BackendContext& ctx, bool* full) {
    *full = false;
    auto jb = std::make_unique<JitBlock>();
    jb->pc = b.pc;
    jb->guest_insns = b.guest_insns;
    for (auto& e : jb->exits) e.from = jb.get();
    size_t sides = 0;
    for (const ir::Inst& in : b.insts)
        sides += in.op == Opcode::ExitIf || in.op == Opcode::ExitIfNot;
    jb->side_exits.resize(sides);
    for (auto& e : jb->side_exits) e.from = jb.get();
    // Whatever room is left, up to the per-block budget: a block that does not
    // fit a nearly full cache makes it "full"; one that overflows the whole
    // budget is left to the interpreter.
    const size_t budget = std::min(cache.free(), kMaxBlockCode);
    if (budget < 256) {
        *full = true;
        return nullptr;
    }
    try {
        Emitter e(b, *jb, ctx, budget, cache.cursor());
        if (!e.run()) return nullptr;
        jb->code = cache.cursor();
        jb->size = e.getSize();
    } catch (const Xbyak::Error&) {
        *full = budget < kMaxBlockCode;
        return nullptr;
    }
    cache.commit(jb->size);
    return jb;
}

}  // namespace xvm::jit
