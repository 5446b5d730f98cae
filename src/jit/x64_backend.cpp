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

// Where a value lives: a constant, a host register, a spill slot, or its home,
// the Cpu field of a guest register that holds it (a value read from a guest
// register, or written to one, can leave its host register without a store).
struct Loc {
    enum Kind : uint8_t { None, Const, Reg, Slot, Home } kind = None;
    int16_t reg = -1;  // Reg: index into kAlloc
    int16_t at = -1;   // Slot: spill slot; Home: guest register
    int64_t imm = 0;   // Const
};

constexpr unsigned kArgBase = kSpillSlots;
constexpr unsigned kSaveBase = kSpillSlots + kArgSlots;
static_assert(kNumAlloc <= kSaveSlots);

bool fits_i32(int64_t v) {
    return v >= INT32_MIN && v <= INT32_MAX;
}

class Emitter : public CodeGenerator {
  public:
    Emitter(const ir::Block& b, JitBlock& jb, const BackendContext& ctx, size_t max, uint8_t* at)
        : CodeGenerator(max, at),
          b_(b),
          jb_(jb),
          ctx_(ctx),
          nregs_(ctx.alloc_regs && ctx.alloc_regs < kNumAlloc ? static_cast<int>(ctx.alloc_regs)
                                                              : kNumAlloc) {}

    bool run();

  private:
    void load(const Reg64& dst, Value v);
    void put(Value v, const Reg64& src);
    Address slot(unsigned s) { return qword[rsp + 8 * s]; }
    // The memory of a value in a slot or at home.
    RegExp mem(const Loc& l) const {
        return l.kind == Loc::Slot ? rsp + 8 * l.at : rbx + reg_offset(l.at);
    }
    static bool in_memory(const Loc& l) { return l.kind == Loc::Slot || l.kind == Loc::Home; }
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
    void mask_address(Value a);
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
    const int nregs_;  // at most this many registers hold values
    std::vector<Loc> loc_;
    std::vector<int32_t> last_use_;
    // Each value's use positions, in order: use_pos_[use_begin_[v] .. use_begin_[v+1]).
    std::vector<int32_t> use_pos_;
    std::vector<uint32_t> use_begin_;
    // The first use of v after position `at` (the block's end counts as n).
    // `at` only grows while a block is emitted, so each value keeps a cursor.
    int32_t next_use(Value v, int32_t at) {
        uint32_t& j = use_cursor_[v];
        while (j < use_begin_[v + 1] && use_pos_[j] <= at) ++j;
        return j < use_begin_[v + 1] ? use_pos_[j] : INT32_MAX;
    }
    std::vector<uint32_t> use_cursor_;
    std::vector<int32_t> next_call_;  // the first Call at or after each position (n: none)
    std::vector<uint16_t> uses_;
    int owner_[kNumAlloc];
    // Spill slots: those given back, then never used ones from next_slot_; too
    // few for the block fails its compilation.
    std::vector<int16_t> free_slots_;
    int next_slot_ = 0;
    bool out_of_slots_ = false;
    int16_t take_slot() {
        if (!free_slots_.empty()) {
            const int16_t s = free_slots_.back();
            free_slots_.pop_back();
            return s;
        }
        if (next_slot_ < static_cast<int>(kSpillSlots)) return static_cast<int16_t>(next_slot_++);
        out_of_slots_ = true;
        return 0;
    }
    // What the Cpu's field of each guest register holds as the code runs so far
    // (kNoValue: a value from before the block or not known), and for each value
    // a guest register holding it, or -1.
    Value guest_val_[64];
    std::vector<int16_t> home_of_;
    void spill(Value v, int r);
    void set_reg(Value k);
    void move_out(Value u, Value keep);
    // A register holding no value (but not `keep`'s, which an argument dying at
    // the current instruction left marked free).
    int free_reg(Value keep = ir::kNoValue) const {
        const int skip = keep != ir::kNoValue && loc_[keep].kind == Loc::Reg ? loc_[keep].reg : -1;
        for (int r = 0; r < pool_; ++r)
            if (owner_[r] < 0 && r != skip) return r;
        return -1;
    }
    // A value known to be in rax at the start of the next instruction: the last
    // one put() from rax into a stack slot (blocks are straight-line code, and
    // put() is the last thing an instruction emits).
    Value rax_holds_ = ir::kNoValue;
    Value rax_result_ = ir::kNoValue;
    Label exit_stub_[3];

    // A block that jumps back to itself runs as a loop with its most used guest
    // registers pinned in host registers: loaded on entry, stored at every way
    // out (exits, side exits, exit requests, and in system mode the slow paths'
    // faults and stops and a failed GuardFp); a host fault inside (user mode)
    // finds them in the block's `pinned` list. pin_[r] is the kAlloc index of
    // guest register r's host register, or -1.
    bool loop_ = false;
    int16_t pin_[64];
    std::vector<Value> pin_readers_[64];  // GetReg values of a pinned register, held there
    int pool_ = 0;  // values go to kAlloc[0, pool_); pinned registers sit above it
    Label loop_head_;
    void choose_pins();
    void load_pins();
    void store_pins();
    void set_pinned(Value k);
    // Jumps back to the loop head when the condition holds (or, `inverted`, fails).
    void branch_to_head(bool inverted);

    // Soft-TLB accesses: the inline hit path jumps to `slow` on a miss; the
    // out-of-line code after the block's exits calls the slow-path function and
    // comes back to `back`.
    struct SlowPath {
        Value k;
        Label slow, back;
        int32_t saved[kNumAlloc];  // value held by each caller-saved register live across it, or -1
        Reg64 addr;                // the guest address, kept by the hit path
        int16_t value_reg = -1;    // store: kAlloc index of the value, -1 = rcx or value_imm
        bool value_is_imm = false;
        int64_t value_imm = 0;
        int16_t dest_reg = -1;  // load: kAlloc index of the result, -1 = rax
    };
    std::vector<std::unique_ptr<SlowPath>> slow_paths_;
    std::vector<std::pair<Value, std::unique_ptr<Label>>> guard_fails_;
    void guard_fp(Value k);

    // Inline F/D ops: the SSE fast path here, the exact helper out of line.
    struct FpSlow {
        Value k;
        Label slow, back;
        int32_t saved[kNumAlloc];
        Loc args[3];
        unsigned nargs;
    };
    std::vector<std::unique_ptr<FpSlow>> fp_slow_;
    FpSlow& fp_slow(Value k);
    void fp_inline(Value k);
    void fp_fma(Value k);
    void fp_result(Opcode op, bool single, const Label& slow);
    void load_xmm(const Xmm& x, Value v);
    void fp_convert(Value k);
    void emit_fp_slow(FpSlow& s);
    void load_loc(const Reg64& dst, const Loc& l);
    void call_helper(const ir::Inst& in, const Loc* args, unsigned nargs);
    std::unique_ptr<SlowPath> tlb_slow_path(Value k);
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
        if (saved[r] >= 0) mov(slot(kSaveBase + r), kAlloc[r]);
}

void Emitter::restore_regs(const int32_t (&saved)[kNumAlloc]) {
    for (int r = 0; r < kNumAlloc; ++r)
        if (saved[r] >= 0) mov(kAlloc[r], slot(kSaveBase + r));
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

// The slow path of memory op k, with the caller-saved registers to keep and
// the guest address: left where it is when it has a register, else in rax.
std::unique_ptr<Emitter::SlowPath> Emitter::tlb_slow_path(Value k) {
    auto sp = std::make_unique<SlowPath>();
    sp->k = k;
    live_caller_saved(k, sp->saved);
    const Value addr = b_.insts[k].args[0];
    const Loc& a = loc_[addr];
    sp->addr = a.kind == Loc::Reg ? kAlloc[a.reg] : rax;
    if (a.kind != Loc::Reg) load(rax, addr);
    return sp;
}

// Hit: the value in dest(k).
void Emitter::tlb_load(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned size = access_size(in.op);
    auto sp = tlb_slow_path(k);
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
    auto sp = tlb_slow_path(k);
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

void Emitter::load_loc(const Reg64& dst, const Loc& l) {
    switch (l.kind) {
        case Loc::Const: mov(dst, l.imm); break;
        case Loc::Reg: mov(dst, kAlloc[l.reg]); break;
        case Loc::Slot:
        case Loc::Home: mov(dst, qword[mem(l)]); break;
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
    FpSlow* sp = &fp_slow(k);

    if (rm == 7) {
        cmp(dword[rbx + static_cast<int>(offsetof(riscv::Cpu, frm))], 0);
        jne(sp->slow, T_NEAR);
    }
    if (single || in.op == Opcode::FSqrt) {
        load(rax, in.args[0]);
        if (nargs > 1) load(rcx, in.args[1]);
    }
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
    } else if (in.op == Opcode::FSqrt) {
        movq(xmm0, rax);
    } else {
        load_xmm(xmm0, in.args[0]);
        load_xmm(xmm1, in.args[1]);
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
        fp_result(in.op, single, sp->slow);
    }
    L(sp->back);
    put(k, rax);
}

// A double's bits into an SSE register, straight from where the value lives.
void Emitter::load_xmm(const Xmm& x, Value v) {
    const Loc& l = loc_[v];
    if (l.kind == Loc::Reg) {
        movq(x, kAlloc[l.reg]);
    } else if (in_memory(l) && rax_holds_ != v) {
        movq(x, qword[mem(l)]);
    } else {
        load(rax, v);
        movq(x, rax);
    }
}

// A slow path for F/D op k: its helper, with the arguments where they are now.
Emitter::FpSlow& Emitter::fp_slow(Value k) {
    const ir::Inst& in = b_.insts[k];
    auto sp = std::make_unique<FpSlow>();
    sp->k = k;
    sp->nargs = ir::info(in.op).nargs;
    for (unsigned a = 0; a < sp->nargs; ++a) {
        sp->args[a] = loc_[in.args[a]];
    }
    live_caller_saved(k, sp->saved);
    fp_slow_.push_back(std::move(sp));
    return *fp_slow_.back();
}

constexpr uint64_t kBoxed = 0xffffffff00000000ull;  // a NaN-boxed single's upper half

// The result of an inline F/D op (kind `op`) in xmm0 goes to rax (NaN-boxed for
// a single) when it cannot have raised more than NX and NX is accrued already;
// else to `slow`. Its exponent field tells: sums never underflow, so only
// all-ones (inf, NaN) is out; products, quotients and fused results must also
// stay clear of the lowest binade (fp.h, plain_result); a square root of a
// positive finite number raises at most NX.
void Emitter::fp_result(Opcode op, bool single, const Label& slow) {
    const int man = single ? 23 : 52;
    const unsigned exp_max = single ? 0xff : 0x7ff;
    if (single)
        movd(eax, xmm0);
    else
        movq(rax, xmm0);
    if (op != Opcode::FSqrt) {
        mov(rcx, rax);
        shr(rcx, man);
        and_(ecx, exp_max);
        if (op == Opcode::FAdd || op == Opcode::FSub) {
            cmp(ecx, exp_max);
            je(slow, T_NEAR);
        } else {
            sub(ecx, 2);
            cmp(ecx, exp_max - 2);
            jae(slow, T_NEAR);
        }
    }
    test(byte[rbx + static_cast<int>(offsetof(riscv::Cpu, fflags))], 1);
    jz(slow, T_NEAR);
    if (single) {
        mov(rdx, kBoxed);
        or_(rax, rdx);
    }
}

// Fused multiply-add, one rounding (FMA3), with mul's fast-path conditions: the
// result's exponent clear of both ends of the range (no overflow, underflow,
// invalid or NaN) and NX accrued already.
void Emitter::fp_fma(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned rm = (in.imm >> 16) & 0xff;
    const bool single = (in.imm >> 24) & 1;
    const auto h = static_cast<Helper>(in.imm & 0xffff);
    FpSlow& sp = fp_slow(k);
    if (!ctx_.has_fma) {
        jmp(sp.slow, T_NEAR);
        L(sp.back);
        put(k, rax);
        return;
    }
    if (rm == 7) {
        cmp(dword[rbx + static_cast<int>(offsetof(riscv::Cpu, frm))], 0);
        jne(sp.slow, T_NEAR);
    }
    const Xmm regs[3] = {xmm0, xmm1, xmm2};
    if (single) mov(rdx, kBoxed);
    for (unsigned a = 0; a < 3; ++a) {
        if (!single) {
            load_xmm(regs[a], in.args[a]);
            continue;
        }
        load(rax, in.args[a]);
        cmp(rax, rdx);
        jb(sp.slow, T_NEAR);
        movd(regs[a], eax);
    }
    // xmm0 = +-(xmm0 * xmm1) +- xmm2
    const bool fmadd = h == Helper::fmadd_s || h == Helper::fmadd_d;
    const bool fmsub = h == Helper::fmsub_s || h == Helper::fmsub_d;
    const bool fnmsub = h == Helper::fnmsub_s || h == Helper::fnmsub_d;
    if (fmadd)
        single ? vfmadd213ss(xmm0, xmm1, xmm2) : vfmadd213sd(xmm0, xmm1, xmm2);
    else if (fmsub)
        single ? vfmsub213ss(xmm0, xmm1, xmm2) : vfmsub213sd(xmm0, xmm1, xmm2);
    else if (fnmsub)  // -(a*b) + c
        single ? vfnmadd213ss(xmm0, xmm1, xmm2) : vfnmadd213sd(xmm0, xmm1, xmm2);
    else  // fnmadd: -(a*b) - c
        single ? vfnmsub213ss(xmm0, xmm1, xmm2) : vfnmsub213sd(xmm0, xmm1, xmm2);
    fp_result(in.op, single, sp.slow);
    L(sp.back);
    put(k, rax);
}

// Conversions. Integer to float: the host conversion when it is exact (checked by
// converting back), which raises nothing in any rounding mode. Float to signed
// integer: cvtt (RTZ) or cvt (RNE) unless the host answers "indefinite" (NaN,
// out of range, or the most negative value itself), exact or NX accrued. Single
// to double: exact unless NaN. Double to single: exact, or inexact with NX
// accrued in RNE and neither overflow nor a tiny result.
void Emitter::fp_convert(Value k) {
    const ir::Inst& in = b_.insts[k];
    const unsigned rm = (in.imm >> 16) & 0xff;
    const auto h = static_cast<Helper>(in.imm & 0xffff);
    FpSlow& sp = fp_slow(k);
    const Address fflags = byte[rbx + static_cast<int>(offsetof(riscv::Cpu, fflags))];
    const bool to_int = h == Helper::fcvt_w_s || h == Helper::fcvt_l_s || h == Helper::fcvt_w_d ||
                        h == Helper::fcvt_l_d;
    if ((to_int || h == Helper::fcvt_s_d) && rm == 7) {
        cmp(dword[rbx + static_cast<int>(offsetof(riscv::Cpu, frm))], 0);
        jne(sp.slow, T_NEAR);
    }
    load(rax, in.args[0]);
    switch (h) {
        case Helper::fcvt_d_w:
            cvtsi2sd(xmm0, eax);  // every int32 is a double
            movq(rax, xmm0);
            break;
        case Helper::fcvt_d_wu:
            mov(eax, eax);
            cvtsi2sd(xmm0, rax);
            movq(rax, xmm0);
            break;
        case Helper::fcvt_d_l:
            cvtsi2sd(xmm0, rax);
            cvttsd2si(rcx, xmm0);
            cmp(rcx, rax);
            jne(sp.slow, T_NEAR);
            movq(rax, xmm0);
            break;
        case Helper::fcvt_s_w:
        case Helper::fcvt_s_l:
            if (h == Helper::fcvt_s_w) movsxd(rax, eax);
            cvtsi2ss(xmm0, rax);
            cvttss2si(rcx, xmm0);
            cmp(rcx, rax);
            jne(sp.slow, T_NEAR);
            movd(eax, xmm0);
            mov(rdx, kBoxed);
            or_(rax, rdx);
            break;
        case Helper::fcvt_d_s:
            mov(rdx, kBoxed);
            cmp(rax, rdx);
            jb(sp.slow, T_NEAR);
            mov(ecx, eax);
            and_(ecx, 0x7f800000);
            cmp(ecx, 0x7f800000);  // inf or NaN: the helper
            je(sp.slow, T_NEAR);
            movd(xmm0, eax);
            cvtss2sd(xmm0, xmm0);
            movq(rax, xmm0);
            break;
        case Helper::fcvt_s_d: {
            Label exact;
            movq(xmm0, rax);
            cvtsd2ss(xmm1, xmm0);
            cvtss2sd(xmm2, xmm1);
            ucomisd(xmm2, xmm0);
            jp(sp.slow, T_NEAR);  // NaN
            je(exact);
            movd(eax, xmm1);
            mov(ecx, eax);
            shr(ecx, 23);
            and_(ecx, 0xff);
            sub(ecx, 1);
            cmp(ecx, 0xfe - 1);  // exponent field 1..0xfe: neither tiny nor overflowed
            jae(sp.slow, T_NEAR);
            test(fflags, 1);
            jz(sp.slow, T_NEAR);
            L(exact);
            movd(eax, xmm1);
            mov(rdx, kBoxed);
            or_(rax, rdx);
            break;
        }
        default: {  // to_int
            const bool single = h == Helper::fcvt_w_s || h == Helper::fcvt_l_s;
            const bool word = h == Helper::fcvt_w_s || h == Helper::fcvt_w_d;
            const bool trunc = rm == 1;
            Label exact;
            if (single) {
                mov(rdx, kBoxed);
                cmp(rax, rdx);
                jb(sp.slow, T_NEAR);
                movd(xmm0, eax);
            } else {
                movq(xmm0, rax);
            }
            const Reg r = word ? Reg(ecx) : Reg(rcx);
            if (single)
                trunc ? cvttss2si(r, xmm0) : cvtss2si(r, xmm0);
            else
                trunc ? cvttsd2si(r, xmm0) : cvtsd2si(r, xmm0);
            if (word) {
                cmp(ecx, 0x80000000);
            } else {
                mov(rdx, INT64_MIN);
                cmp(rcx, rdx);
            }
            je(sp.slow, T_NEAR);  // "indefinite": NaN, out of range (or INT_MIN: exact anyway)
            if (word) movsxd(rcx, ecx);
            // Exact when it converts back to the same value.
            if (single) {
                cvtsi2ss(xmm1, rcx);
                ucomiss(xmm1, xmm0);
            } else {
                cvtsi2sd(xmm1, rcx);
                ucomisd(xmm1, xmm0);
            }
            je(exact);
            test(fflags, 1);
            jz(sp.slow, T_NEAR);
            L(exact);
            mov(rax, rcx);
            break;
        }
    }
    L(sp.back);
    put(k, rax);
}

void Emitter::emit_fp_slow(FpSlow& s) {
    const ir::Inst& in = b_.insts[s.k];
    L(s.slow);
    save_regs(s.saved);
    // Arguments where they were at the op (their registers may hold the same
    // values still; a caller-saved one was just saved, not clobbered).
    call_helper(in, s.args, s.nargs);
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
        store_pins();
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
        store_pins();
        leave_at(k, ctx_.resume_exit, false);
    }
    for (auto& sp : slow_paths_) {
        const ir::Inst& in = b_.insts[sp->k];
        const bool is_load = ir::is_load(in.op);
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
        store_pins();
        leave_at(sp->k, ctx_.fault_exit, false);
        if (!is_load) {
            L(stop);
            store_pins();
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
        case Loc::Slot:
        case Loc::Home: mov(dst, qword[mem(l)]); break;
        case Loc::None: xor_(dst.cvt32(), dst.cvt32()); break;  // unreachable for well-formed IR
    }
}

void Emitter::put(Value v, const Reg64& src) {
    const Loc& l = loc_[v];
    if (l.kind == Loc::Reg) {
        if (kAlloc[l.reg].getIdx() != src.getIdx()) mov(kAlloc[l.reg], src);
    } else if (l.kind == Loc::Slot) {
        mov(qword[mem(l)], src);
        if (src.getIdx() == rax.getIdx()) rax_result_ = v;
    }
}

// Moves value v out of host register r: to its home when a guest register's
// field still holds it (no code), else to a spill slot.
void Emitter::spill(Value v, int r) {
    if (home_of_[v] >= 0) {
        loc_[v] = {Loc::Home, -1, home_of_[v], 0};
    } else {
        loc_[v] = {Loc::Slot, -1, take_slot(), 0};
        mov(qword[mem(loc_[v])], kAlloc[r]);
    }
    owner_[r] = -1;
}

void Emitter::allocate_result(Value k) {
    if (last_use_[k] <= static_cast<int32_t>(k)) {
        loc_[k].kind = Loc::None;
        return;
    }
    const ir::Inst& in = b_.insts[k];
    // A guest register's value stays at home: a use reads the Cpu field (often
    // as a memory operand), and one that is not the last takes a register then.
    if (in.op == Opcode::GetReg && pin_[in.imm] >= 0) {
        loc_[k] = {Loc::Reg, pin_[in.imm], -1, 0};
        pin_readers_[in.imm].push_back(k);
        return;
    }
    if (in.op == Opcode::GetReg && guest_val_[in.imm] == ir::kNoValue) {
        loc_[k] = {Loc::Home, -1, static_cast<int16_t>(in.imm), 0};
        return;
    }
    // A loop's new value of a pinned guest register, written there before any
    // point that can fault or leave, goes straight into the pinned register
    // once its old value is dead (no copy at the SetReg).
    if (loop_) {
        for (Value j = k + 1; j < b_.insts.size(); ++j) {
            const ir::Inst& u = b_.insts[j];
            if (u.op == Opcode::SetReg && u.args[0] == k && pin_[u.imm] >= 0) {
                bool free = true;
                for (const Value r : pin_readers_[u.imm])
                    free &= last_use_[r] <= static_cast<int32_t>(k);
                if (!free) break;
                loc_[k] = {Loc::Reg, pin_[u.imm], -1, 0};
                pin_readers_[u.imm].assign(1, k);
                return;
            }
            if (ir::has_effect(u.op) && u.op != Opcode::SetReg) break;
        }
    }
    // Values that live across a helper call prefer callee-saved registers.
    const bool crosses_call = next_call_[k + 1] < last_use_[k];
    int pick = -1;
    // Reusing the register of a first argument that dies here makes two-address
    // x86 forms (op dst, src) free of copies.
    if (ir::info(in.op).nargs > 0) {
        const Loc& a = loc_[in.args[0]];
        if (a.kind == Loc::Reg && a.reg < pool_ && owner_[a.reg] < 0 &&
            (!crosses_call || !kCallerSaved[a.reg]))
            pick = a.reg;
    }
    for (int r = 0; r < pool_ && pick < 0; ++r) {
        if (owner_[r] >= 0) continue;
        if (!crosses_call || !kCallerSaved[r]) {
            pick = r;
            break;
        }
    }
    for (int r = 0; r < pool_ && pick < 0; ++r)
        if (owner_[r] < 0) pick = r;
    if (pick < 0) {
        // No register free: evict the occupant whose next use is furthest away
        // (Belady), if that is later than this value's first use, preferring
        // one that is at home already (no store); an argument of this very
        // instruction is never the one (it would be reloaded at once).
        const auto at = static_cast<int32_t>(k);
        const int32_t mine = next_use(k, at);
        int victim = -1, cheap = -1;
        int32_t victim_next = -1, cheap_next = -1;
        for (int r = 0; r < pool_; ++r) {
            if (crosses_call && kCallerSaved[r]) continue;
            const auto v = static_cast<Value>(owner_[r]);
            const int32_t nu = next_use(v, at);
            if (nu > victim_next) victim = r, victim_next = nu;
            if (home_of_[v] >= 0 && nu > cheap_next) cheap = r, cheap_next = nu;
        }
        if (cheap >= 0 && cheap_next > mine) victim = cheap, victim_next = cheap_next;
        if (victim >= 0 && victim_next > mine) {
            spill(static_cast<Value>(owner_[victim]), victim);
            pick = victim;
        }
    }
    if (pick >= 0) {
        loc_[k] = {Loc::Reg, static_cast<int16_t>(pick), -1, 0};
        owner_[pick] = static_cast<int>(k);
    } else {
        loc_[k] = {Loc::Slot, -1, take_slot(), 0};
    }
}

// Pins the guest registers the loop reads most, those it also writes first (they
// carry from one iteration to the next), in the callee-saved registers (and r11
// when nothing in the block calls out), keeping at least five for other values.
void Emitter::choose_pins() {
    std::fill(std::begin(pin_), std::end(pin_), int16_t{-1});
    for (auto& r : pin_readers_) r.clear();
    pool_ = nregs_;
    const ir::Terminal& t = b_.term;
    using K = ir::Terminal::Kind;
    loop_ = ctx_.loop_pins > 0 &&
            ((t.kind == K::Jump && t.taken == b_.pc) ||
             (t.kind == K::Branch && (t.taken == b_.pc || t.fallthrough == b_.pc)));
    if (!loop_) return;
    bool calls = false;
    int reads[64] = {}, writes[64] = {};
    for (Value k = 0; k < b_.insts.size(); ++k) {
        const ir::Inst& in = b_.insts[k];
        // (System mode: a memory access may call its slow path.)
        calls |= ir::is_call(in.op) || ir::is_fp(in.op) ||
                 (ctx_.memory == MemoryMode::SoftTlb && ir::is_memory(in.op));
        if (in.op == Opcode::GetReg) reads[in.imm] += 1 + uses_[k];
        if (in.op == Opcode::SetReg) ++writes[in.imm];
    }
    // kAlloc indices: rbp, r14, r15 are callee-saved; r11 is not.
    int hosts[4] = {8, 7, 6, 5};
    const int max_pins = std::min<int>(
        {calls ? 3 : 4, static_cast<int>(ctx_.loop_pins), kNumAlloc - std::min(nregs_, 5)});
    int pins = 0;
    for (int round = 0; round < 2 && pins < max_pins; ++round) {
        for (;;) {
            int best = -1;
            for (int r = 1; r < 64; ++r) {
                if (pin_[r] >= 0 || reads[r] == 0 || (round == 0) != (writes[r] > 0)) continue;
                if (best < 0 || reads[r] > reads[best]) best = r;
            }
            if (best < 0 || pins == max_pins) break;
            pin_[best] = static_cast<int16_t>(hosts[pins++]);
            jb_.pinned.push_back(
                {static_cast<uint8_t>(best), static_cast<uint8_t>(kAlloc[pin_[best]].getIdx())});
        }
    }
    pool_ = std::min(nregs_, kNumAlloc - pins);
    if (pins == 0) loop_ = false;
}

void Emitter::load_pins() {
    for (int r = 0; r < 64; ++r)
        if (pin_[r] >= 0) mov(kAlloc[pin_[r]], qword[rbx + reg_offset(r)]);
}

void Emitter::store_pins() {
    for (int r = 0; r < 64; ++r)
        if (pin_[r] >= 0) mov(qword[rbx + reg_offset(r)], kAlloc[pin_[r]]);
}

// Moves value u from where it is (a pinned register or a field about to be
// overwritten) to a free register (not `keep`'s) or, failing that, a slot.
void Emitter::move_out(Value u, Value keep) {
    Loc& l = loc_[u];
    if (const int fr = free_reg(keep); fr >= 0) {
        load(kAlloc[fr], u);
        l = {Loc::Reg, static_cast<int16_t>(fr), -1, 0};
        owner_[fr] = static_cast<int>(u);
        return;
    }
    const Loc to{Loc::Slot, -1, take_slot(), 0};
    if (l.kind == Loc::Reg) {
        mov(qword[mem(to)], kAlloc[l.reg]);
    } else {
        mov(rcx, qword[mem(l)]);
        mov(qword[mem(to)], rcx);
    }
    l = to;
}

// SetReg k of a pinned register: the value moves into the register (no store).
// Values still held there (the register's earlier value, read before) move out.
void Emitter::set_pinned(Value k) {
    const ir::Inst& in = b_.insts[k];
    const Value v = in.args[0];
    const int16_t h = pin_[in.imm];
    const Loc& lv = loc_[v];
    if (lv.kind == Loc::Reg && lv.reg == h) return;  // it holds v already (its reader)
    for (const Value u : pin_readers_[in.imm]) {
        Loc& l = loc_[u];
        if (l.kind != Loc::Reg || l.reg != h || last_use_[u] <= static_cast<int32_t>(k)) continue;
        move_out(u, v);
    }
    pin_readers_[in.imm].clear();
    load(kAlloc[h], v);
}

void Emitter::branch_to_head(bool inverted) {
    const ir::Terminal& t = b_.term;
    if (!fused_compare(t.value)) {
        const Loc& l = loc_[t.value];
        if (l.kind == Loc::Reg) {
            test(kAlloc[l.reg], kAlloc[l.reg]);
        } else {
            load(rax, t.value);
            test(rax, rax);
        }
        if (inverted)
            jz(loop_head_, T_NEAR);
        else
            jnz(loop_head_, T_NEAR);
        return;
    }
    const ir::Inst& c = b_.insts[t.value];
    emit_cmp(c.args[0], c.args[1]);
    switch (c.op) {
        case Opcode::CmpEq: inverted ? jne(loop_head_, T_NEAR) : je(loop_head_, T_NEAR); break;
        case Opcode::CmpNe: inverted ? je(loop_head_, T_NEAR) : jne(loop_head_, T_NEAR); break;
        case Opcode::CmpLt: inverted ? jge(loop_head_, T_NEAR) : jl(loop_head_, T_NEAR); break;
        case Opcode::CmpLtU: inverted ? jae(loop_head_, T_NEAR) : jb(loop_head_, T_NEAR); break;
        case Opcode::CmpGe: inverted ? jl(loop_head_, T_NEAR) : jge(loop_head_, T_NEAR); break;
        default: inverted ? jb(loop_head_, T_NEAR) : jae(loop_head_, T_NEAR); break;
    }
}

// SetReg k: the guest register's field is about to hold another value. A value
// living only there moves out first (to another field holding it, a free
// register or a slot); then the store, and the field becomes the value's home.
void Emitter::set_reg(Value k) {
    const ir::Inst& in = b_.insts[k];
    const Value v = in.args[0];
    const auto r = static_cast<int>(in.imm);
    const Value old = guest_val_[r];
    if (old == v) return;  // the field holds it already
    if (old != ir::kNoValue) {
        if (home_of_[old] == r) {
            home_of_[old] = -1;
            for (int g = 0; g < 64; ++g)
                if (g != r && guest_val_[g] == old) home_of_[old] = static_cast<int16_t>(g);
        }
        Loc& l = loc_[old];
        if (l.kind == Loc::Home && l.at == r && last_use_[old] > static_cast<int32_t>(k)) {
            if (home_of_[old] >= 0)
                l.at = home_of_[old];
            else
                move_out(old, v);
        }
    }
    const Address field = qword[rbx + reg_offset(r)];
    const Loc& l = loc_[v];
    if (l.kind == Loc::Reg) {
        mov(field, kAlloc[l.reg]);
    } else if (l.kind == Loc::Const && fits_i32(l.imm)) {
        mov(field, static_cast<uint64_t>(l.imm));  // sign-extended imm32
    } else {
        load(rax, v);
        mov(field, rax);
    }
    guest_val_[r] = v;
    if (l.kind != Loc::Const) home_of_[v] = static_cast<int16_t>(r);
    // A spilled value lives in the field from now on.
    if (l.kind == Loc::Slot) {
        free_slots_.push_back(l.at);
        loc_[v] = {Loc::Home, -1, static_cast<int16_t>(r), 0};
    }
}

void Emitter::alu(Value k, void (Emitter::*op_rr)(const Operand&, const Operand&),
                  void (Emitter::*op_ri)(const Operand&, uint32_t)) {
    const ir::Inst& in = b_.insts[k];
    const Reg64 d = dest(k);
    const Loc& b = loc_[in.args[1]];
    const bool commutes = ir::commutative(in.op);
    if (in.op == Opcode::Xor && b.kind == Loc::Const && b.imm == -1) {
        load(d, in.args[0]);
        not_(d);
    } else if (b.kind == Loc::Const && fits_i32(b.imm) && op_ri) {
        load(d, in.args[0]);
        (this->*op_ri)(d, static_cast<uint32_t>(b.imm));
    } else if (b.kind == Loc::Reg && !in_reg(in.args[1], d)) {
        load(d, in.args[0]);
        (this->*op_rr)(d, kAlloc[b.reg]);
    } else if (b.kind == Loc::Reg && commutes && in_memory(loc_[in.args[0]])) {
        (this->*op_rr)(d, qword[mem(loc_[in.args[0]])]);  // d holds the second argument
    } else if (b.kind == Loc::Reg && commutes && loc_[in.args[0]].kind == Loc::Reg) {
        (this->*op_rr)(d, kAlloc[loc_[in.args[0]].reg]);
    } else if (in_memory(b)) {
        load(d, in.args[0]);
        (this->*op_rr)(d, qword[mem(b)]);
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
    const Loc& b = loc_[bv];
    if (in_memory(loc_[a]) && (b.kind == Loc::Reg || (b.kind == Loc::Const && fits_i32(b.imm)))) {
        if (b.kind == Loc::Reg)
            cmp(qword[mem(loc_[a])], kAlloc[b.reg]);
        else
            cmp(qword[mem(loc_[a])], static_cast<uint32_t>(b.imm));
        return;
    }
    Reg64 lhs = rax;
    if (loc_[a].kind == Loc::Reg)
        lhs = kAlloc[loc_[a].reg];
    else
        load(rax, a);
    if (b.kind == Loc::Const && fits_i32(b.imm)) {
        cmp(lhs, static_cast<uint32_t>(b.imm));
    } else if (b.kind == Loc::Reg) {
        cmp(lhs, kAlloc[b.reg]);
    } else if (in_memory(b)) {
        cmp(lhs, qword[mem(b)]);
    } else {
        load(rcx, bv);
        cmp(lhs, rcx);
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
void Emitter::call_helper(const ir::Inst& in, const Loc* args, unsigned nargs) {
    // Stage arguments in scratch slots first: sources may sit in argument registers.
    for (unsigned a = 0; a < nargs; ++a) {
        load_loc(rax, args[a]);
        mov(slot(kArgBase + a), rax);
    }
    const Reg64 arg_regs[3] = {rsi, rdx, rcx};
    for (unsigned a = 0; a < nargs; ++a) mov(arg_regs[a], slot(kArgBase + a));
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
    call_helper(in, args, nargs);
    restore_regs(saved);
    rax_holds_ = ir::kNoValue;
    put(k, rax);
}

// User mode: the host offset of guest address a, in rax.
void Emitter::mask_address(Value a) {
    const Loc& l = loc_[a];
    if (!ctx_.has_bmi2) {
        load(rax, a);
        and_(rax, r13);
    } else if (rax_holds_ == a || l.kind == Loc::Const || l.kind == Loc::None) {
        load(rax, a);
        bzhi(rax, rax, r13);
    } else if (l.kind == Loc::Reg) {
        bzhi(rax, kAlloc[l.reg], r13);
    } else {
        bzhi(rax, qword[mem(l)], r13);
    }
}

void Emitter::emit_inst(Value k) {
    const ir::Inst& in = b_.insts[k];
    switch (in.op) {
        case Opcode::Nop:
        case Opcode::Const:
        case Opcode::Count: return;
        case Opcode::GetReg: {
            const Loc& l = loc_[k];
            if (pin_[in.imm] >= 0) return;  // in its host register already
            if (l.kind == Loc::Home) {
                guest_val_[in.imm] = k;
                home_of_[k] = static_cast<int16_t>(in.imm);
            } else if (l.kind != Loc::None) {  // the field holds a value set in this block
                mov(rax, qword[rbx + reg_offset(in.imm)]);
                put(k, rax);
            }
            return;
        }
        case Opcode::SetReg:
            if (pin_[in.imm] >= 0)
                set_pinned(k);
            else
                set_reg(k);
            return;
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
            } else if (in_memory(b)) {
                load(d, in.args[0]);
                imul(d, qword[mem(b)]);
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
            if (in_memory(a)) {
                const RegExp m = mem(a);
                switch (in.op) {
                    case Opcode::Sext8: movsx(d, byte[m]); break;
                    case Opcode::Sext16: movsx(d, word[m]); break;
                    case Opcode::Sext32: movsxd(d, dword[m]); break;
                    case Opcode::Zext8: movzx(d.cvt32(), byte[m]); break;
                    case Opcode::Zext16: movzx(d.cvt32(), word[m]); break;
                    default: mov(d.cvt32(), dword[m]); break;
                }
                put(k, d);
                return;
            }
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
            mask_address(in.args[0]);
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
            Reg64 v = rcx;
            if (loc_[in.args[1]].kind == Loc::Reg)
                v = kAlloc[loc_[in.args[1]].reg];
            else if (rax_holds_ != in.args[1])
                load(rcx, in.args[1]);
            else
                mov(rcx, rax);
            mask_address(in.args[0]);
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
        case Opcode::FMulAdd: fp_fma(k); return;
        case Opcode::FCvt: fp_convert(k); return;
    }
}

void Emitter::terminal() {
    const ir::Terminal& t = b_.term;
    using K = ir::Terminal::Kind;
    if (loop_) {
        // Back to the head while the loop goes on; on the way out, the pinned
        // registers go home before the (patchable) jump to the next block.
        int out = -1;
        if (t.kind == K::Jump) {
            jmp(loop_head_, T_NEAR);
        } else {
            jb_.exits[0].target_pc = t.taken;
            jb_.exits[1].target_pc = t.fallthrough;
            out = t.taken == b_.pc ? 1 : 0;
            branch_to_head(out == 0);
            store_pins();
            jmp(exit_stub_[out], T_NEAR);
            jb_.exits[out].patch = const_cast<uint8_t*>(getCurr()) - 4;
        }
        for (int e = 0; e < 3; ++e) {
            L(exit_stub_[e]);
            if (e == 2) store_pins();
            if (e == out || e == 2) leave_for(jb_.exits[e], e == out);
        }
        emit_side_exits();
        emit_slow_paths();
        return;
    }
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
    loc_.assign(n, Loc{});
    home_of_.assign(n, -1);
    for (Value& g : guest_val_) g = ir::kNoValue;
    free_slots_.clear();
    next_slot_ = 0;
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
    next_call_.assign(n + 1, static_cast<int32_t>(n));
    for (Value k = n; k-- > 0;) {
        const Opcode op = b_.insts[k].op;
        next_call_[k] = ir::is_call(op) ? static_cast<int32_t>(k) : next_call_[k + 1];
    }
    use_cursor_.assign(use_begin_.begin(), use_begin_.end() - 1);
    each_use([&](Value v, int32_t at) { use_pos_[use_cursor_[v]++] = at; });
    use_cursor_.assign(use_begin_.begin(), use_begin_.end() - 1);
    for (int& o : owner_) o = -1;
    choose_pins();

    // Entry: leave if the engine asked us to, then count the block's instructions.
    // A loop loads its pinned registers first and checks at every iteration.
    jb_.exits[2].target_pc = b_.pc;
    if (loop_) {
        load_pins();
        L(loop_head_);
    }
    cmp(byte[rbx + static_cast<int>(offsetof(riscv::Cpu, exit_request))], 0);
    jne(exit_stub_[2], T_NEAR);
    jb_.body_offset = loop_ ? 0 : static_cast<uint32_t>(getSize());
    add(qword[rbx + static_cast<int>(offsetof(riscv::Cpu, instret))], b_.guest_insns);

    for (Value k = 0; k < n; ++k) {
        const ir::Inst& in = b_.insts[k];
        if (in.op == Opcode::Nop) continue;
        if (in.op == Opcode::Const) {
            loc_[k] = {Loc::Const, -1, -1, in.imm};
            continue;
        }
        if (fused_compare(k)) continue;  // no value of its own: emitted as cmp + jcc
        // A value at home that is used again after this takes a free register.
        for (unsigned a = 0; a < ir::info(in.op).nargs; ++a) {
            const Value v = in.args[a];
            if (loc_[v].kind != Loc::Home || next_use(v, static_cast<int32_t>(k)) == INT32_MAX)
                continue;
            const int fr = free_reg();
            if (fr < 0) break;
            mov(kAlloc[fr], qword[mem(loc_[v])]);
            loc_[v] = {Loc::Reg, static_cast<int16_t>(fr), -1, 0};
            owner_[fr] = static_cast<int>(v);
        }
        // Registers of arguments used for the last time here can hold the result.
        for (unsigned a = 0; a < ir::info(in.op).nargs; ++a) {
            const Loc& l = loc_[in.args[a]];
            if (l.kind == Loc::Reg && last_use_[in.args[a]] == static_cast<int32_t>(k))
                owner_[l.reg] = -1;
        }
        if (ir::info(in.op).result == ir::Type::I64) allocate_result(k);
        rax_result_ = ir::kNoValue;
        emit_inst(k);
        rax_holds_ = rax_result_;
        // Slots of arguments used for the last time are free again.
        for (unsigned a = 0; a < ir::info(in.op).nargs; ++a) {
            Loc& l = loc_[in.args[a]];
            if (l.kind == Loc::Slot && last_use_[in.args[a]] == static_cast<int32_t>(k)) {
                free_slots_.push_back(l.at);
                l.kind = Loc::None;
            }
        }
    }
    terminal();
    return !out_of_slots_;
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
