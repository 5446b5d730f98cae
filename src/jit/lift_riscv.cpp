#include "jit/lift_riscv.h"

#include "isa/riscv/insn.h"
#include "jit/helpers.h"

namespace xvm::jit {

namespace {

using ir::Opcode;
using ir::Value;
using riscv::Op;

constexpr unsigned kF = 32;  // IR register number of f0

class Lifter {
  public:
    Lifter(ir::Block& b, const LiftOptions& opts) : b_(b), ir_(b), opts_(opts) {}

    // Lifts one instruction; false if the IR does not cover it (nothing emitted).
    // Sets `ends` when the instruction ends the block (the terminal is set).
    bool lift(const riscv::Decoded& d, uint64_t pc, bool& ends);

  private:
    Value x(unsigned r) { return ir_.get_reg(r); }
    Value f(unsigned r) {
        return ir_.emit(Opcode::GetReg, ir::kNoValue, ir::kNoValue, ir::kNoValue, kF + r);
    }
    void set_x(unsigned r, Value v) { ir_.set_reg(r, v); }
    void set_f(unsigned r, Value v) {
        ir_.emit(Opcode::SetReg, v, ir::kNoValue, ir::kNoValue, kF + r);
    }
    Value c(int64_t v) { return ir_.constant(v); }
    Value op(Opcode o, Value a, Value b = ir::kNoValue, Value d = ir::kNoValue) {
        return ir_.emit(o, a, b, d);
    }
    Value sx(Value v) { return op(Opcode::Sext32, v); }
    Value zx(Value v) { return op(Opcode::Zext32, v); }
    Value mem(Opcode o, Value a, Value v, uint64_t pc, unsigned len) {
        const Value k = ir_.emit(o, a, v, ir::kNoValue, static_cast<int64_t>(pc));
        b_.insts[k].insn = static_cast<uint16_t>(b_.guest_insns);
        b_.insts[k].insn_len = static_cast<uint8_t>(len);
        return k;
    }
    Value call(Helper h, unsigned rm, Value a, Value b = ir::kNoValue, Value d = ir::kNoValue) {
        const int64_t imm = static_cast<int64_t>(h) | static_cast<int64_t>(rm) << 16;
        Opcode o = d != ir::kNoValue   ? Opcode::Call3
                   : b != ir::kNoValue ? Opcode::Call2
                                       : Opcode::Call1;
        return ir_.emit(o, a, b, d, imm);
    }
    Value box(Value v) {
        return op(Opcode::Or, zx(v), c(static_cast<int64_t>(0xffffffff00000000ull)));
    }
    // A single read from an FP register: canonical NaN unless properly NaN-boxed.
    Value unbox(Value r) {
        Value boxed = op(Opcode::CmpEq, op(Opcode::Shr, r, c(32)), c(0xffffffff));
        return op(Opcode::Select, boxed, zx(r), c(0x7fc00000));
    }
    void branch(Opcode cmp, const riscv::Decoded& d, uint64_t pc) {
        Value cond = op(cmp, x(d.rs1), x(d.rs2));
        b_.term = {ir::Terminal::Kind::Branch, cond, pc + d.imm, pc + d.len};
    }

    ir::Block& b_;
    ir::Builder ir_;
    const LiftOptions& opts_;
    bool fp_guarded_ = false;
};

bool Lifter::lift(const riscv::Decoded& d, uint64_t pc, bool& ends) {
    ends = false;
    const auto imm = d.imm;
    auto rr = [&](Opcode o) { set_x(d.rd, op(o, x(d.rs1), x(d.rs2))); };
    auto ri = [&](Opcode o) { set_x(d.rd, op(o, x(d.rs1), c(imm))); };
    auto rrw = [&](Opcode o) { set_x(d.rd, sx(op(o, x(d.rs1), x(d.rs2)))); };
    auto load = [&](Opcode o) {
        set_x(d.rd, mem(o, op(Opcode::Add, x(d.rs1), c(imm)), ir::kNoValue, pc, d.len));
    };
    auto store = [&](Opcode o) { mem(o, op(Opcode::Add, x(d.rs1), c(imm)), x(d.rs2), pc, d.len); };
    // An inline op when it has one and the rounding mode may be RNE (static
    // RNE, or dynamic: checked at run time); otherwise the helper call.
    auto fp_op = [&](Opcode o, Helper h, unsigned rm, bool single, Value a, Value b) {
        const int64_t imm = static_cast<int64_t>(h) | static_cast<int64_t>(rm) << 16 |
                            static_cast<int64_t>(single) << 24;
        return ir_.emit(o, a, b, ir::kNoValue, imm);
    };
    auto inline_rm = [&] { return opts_.inline_fp && (d.rm == 0 || d.rm == 7); };
    auto f2 = [&](Helper h, bool single) {
        Opcode o = Opcode::Nop;
        if (h == Helper::fadd_s || h == Helper::fadd_d) o = Opcode::FAdd;
        if (h == Helper::fsub_s || h == Helper::fsub_d) o = Opcode::FSub;
        if (h == Helper::fmul_s || h == Helper::fmul_d) o = Opcode::FMul;
        if (h == Helper::fdiv_s || h == Helper::fdiv_d) o = Opcode::FDiv;
        set_f(d.rd, o != Opcode::Nop && inline_rm() ? fp_op(o, h, d.rm, single, f(d.rs1), f(d.rs2))
                                                    : call(h, d.rm, f(d.rs1), f(d.rs2)));
    };
    auto f1 = [&](Helper h) {
        if ((h == Helper::fsqrt_s || h == Helper::fsqrt_d) && inline_rm())
            set_f(d.rd,
                  fp_op(Opcode::FSqrt, h, d.rm, h == Helper::fsqrt_s, f(d.rs1), ir::kNoValue));
        else
            set_f(d.rd, call(h, d.rm, f(d.rs1)));
    };
    auto f3 = [&](Helper h) {
        const bool single = h == Helper::fmadd_s || h == Helper::fmsub_s || h == Helper::fnmsub_s ||
                            h == Helper::fnmadd_s;
        if (inline_rm()) {
            const int64_t imm = static_cast<int64_t>(h) | static_cast<int64_t>(d.rm) << 16 |
                                static_cast<int64_t>(single) << 24;
            set_f(d.rd, ir_.emit(Opcode::FMulAdd, f(d.rs1), f(d.rs2), f(d.rs3), imm));
        } else {
            set_f(d.rd, call(h, d.rm, f(d.rs1), f(d.rs2), f(d.rs3)));
        }
    };
    // Conversions with a fast path (x64_backend.cpp, fp_convert): integer to
    // float in any rounding mode (only exact results stay inline), float to
    // signed integer in RTZ or RNE, single <-> double.
    auto fcvt = [&](Helper h, Value a) {
        const bool to_int = h == Helper::fcvt_w_s || h == Helper::fcvt_l_s ||
                            h == Helper::fcvt_w_d || h == Helper::fcvt_l_d;
        const bool from_int = h == Helper::fcvt_s_w || h == Helper::fcvt_s_l ||
                              h == Helper::fcvt_d_w || h == Helper::fcvt_d_wu ||
                              h == Helper::fcvt_d_l;
        const bool inline_ok =
            opts_.inline_fp && (from_int || h == Helper::fcvt_d_s ||
                                (h == Helper::fcvt_s_d && (d.rm == 0 || d.rm == 7)) ||
                                (to_int && (d.rm == 0 || d.rm == 1 || d.rm == 7)));
        if (!inline_ok) return call(h, d.rm, a);
        const int64_t imm = static_cast<int64_t>(h) | static_cast<int64_t>(d.rm) << 16;
        return ir_.emit(Opcode::FCvt, a, ir::kNoValue, ir::kNoValue, imm);
    };
    auto fx = [&](Helper h) {  // compares (no rounding mode)
        Opcode o = Opcode::Nop;
        if (h == Helper::feq_s || h == Helper::feq_d) o = Opcode::FEq;
        if (h == Helper::flt_s || h == Helper::flt_d) o = Opcode::FLt;
        if (h == Helper::fle_s || h == Helper::fle_d) o = Opcode::FLe;
        const bool single = h == Helper::feq_s || h == Helper::flt_s || h == Helper::fle_s;
        set_x(d.rd, o != Opcode::Nop && opts_.inline_fp ? fp_op(o, h, 0, single, f(d.rs1), f(d.rs2))
                                                        : call(h, d.rm, f(d.rs1), f(d.rs2)));
    };
    auto f_to_x = [&](Helper h) { set_x(d.rd, fcvt(h, f(d.rs1))); };
    auto x_to_f = [&](Helper h) { set_f(d.rd, fcvt(h, x(d.rs1))); };
    auto rotw = [&](Opcode o, Value amount) {
        Value lo = zx(x(d.rs1));
        Value dup = op(Opcode::Or, lo, op(Opcode::Shl, lo, c(32)));
        set_x(d.rd, sx(op(o, dup, op(Opcode::And, amount, c(31)))));
    };

    const riscv::Ext ext = riscv::info(d.op).ext;
    if (ext == riscv::Ext::F || ext == riscv::Ext::D) {
        if (!opts_.fp) return false;
        if (opts_.fp_guard && !fp_guarded_) {
            const Value g = ir_.emit(Opcode::GuardFp, ir::kNoValue, ir::kNoValue, ir::kNoValue,
                                     static_cast<int64_t>(pc));
            b_.insts[g].insn = static_cast<uint16_t>(b_.guest_insns);
            b_.insts[g].insn_len = static_cast<uint8_t>(d.len);
            fp_guarded_ = true;
        }
    }
    switch (d.op) {
        // ---- RV64I ----
        // One hart per address space and x86's ordering (only a store followed by
        // a load may be reordered, which one hart cannot observe): nothing to emit.
        // Threads or SMP must turn "fence w,r" into an mfence.
        case Op::fence: return true;
        case Op::lui: set_x(d.rd, c(imm)); return true;
        case Op::auipc: set_x(d.rd, c(static_cast<int64_t>(pc) + imm)); return true;
        case Op::jal:
            set_x(d.rd, c(static_cast<int64_t>(pc + d.len)));
            b_.term = {ir::Terminal::Kind::Jump, ir::kNoValue, pc + imm, 0};
            ends = true;
            return true;
        case Op::jalr: {
            Value t = op(Opcode::And, op(Opcode::Add, x(d.rs1), c(imm)), c(~int64_t{1}));
            set_x(d.rd, c(static_cast<int64_t>(pc + d.len)));
            b_.term = {ir::Terminal::Kind::Indirect, t, 0, 0};
            ends = true;
            return true;
        }
        case Op::beq:
            branch(Opcode::CmpEq, d, pc);
            ends = true;
            return true;
        case Op::bne:
            branch(Opcode::CmpNe, d, pc);
            ends = true;
            return true;
        case Op::blt:
            branch(Opcode::CmpLt, d, pc);
            ends = true;
            return true;
        case Op::bge:
            branch(Opcode::CmpGe, d, pc);
            ends = true;
            return true;
        case Op::bltu:
            branch(Opcode::CmpLtU, d, pc);
            ends = true;
            return true;
        case Op::bgeu:
            branch(Opcode::CmpGeU, d, pc);
            ends = true;
            return true;
        case Op::lb: load(Opcode::Load8S); return true;
        case Op::lh: load(Opcode::Load16S); return true;
        case Op::lw: load(Opcode::Load32S); return true;
        case Op::ld: load(Opcode::Load64); return true;
        case Op::lbu: load(Opcode::Load8U); return true;
        case Op::lhu: load(Opcode::Load16U); return true;
        case Op::lwu: load(Opcode::Load32U); return true;
        case Op::sb: store(Opcode::Store8); return true;
        case Op::sh: store(Opcode::Store16); return true;
        case Op::sw: store(Opcode::Store32); return true;
        case Op::sd: store(Opcode::Store64); return true;
        case Op::addi: ri(Opcode::Add); return true;
        case Op::slti: ri(Opcode::CmpLt); return true;
        case Op::sltiu: ri(Opcode::CmpLtU); return true;
        case Op::xori: ri(Opcode::Xor); return true;
        case Op::ori: ri(Opcode::Or); return true;
        case Op::andi: ri(Opcode::And); return true;
        case Op::slli: ri(Opcode::Shl); return true;
        case Op::srli: ri(Opcode::Shr); return true;
        case Op::srai: ri(Opcode::Sar); return true;
        case Op::add: rr(Opcode::Add); return true;
        case Op::sub: rr(Opcode::Sub); return true;
        case Op::sll: rr(Opcode::Shl); return true;
        case Op::slt: rr(Opcode::CmpLt); return true;
        case Op::sltu: rr(Opcode::CmpLtU); return true;
        case Op::xor_: rr(Opcode::Xor); return true;
        case Op::srl: rr(Opcode::Shr); return true;
        case Op::sra: rr(Opcode::Sar); return true;
        case Op::or_: rr(Opcode::Or); return true;
        case Op::and_: rr(Opcode::And); return true;
        case Op::addiw: set_x(d.rd, sx(op(Opcode::Add, x(d.rs1), c(imm)))); return true;
        case Op::slliw: set_x(d.rd, sx(op(Opcode::Shl, x(d.rs1), c(imm)))); return true;
        case Op::srliw: set_x(d.rd, sx(op(Opcode::Shr, zx(x(d.rs1)), c(imm)))); return true;
        case Op::sraiw: set_x(d.rd, sx(op(Opcode::Sar, sx(x(d.rs1)), c(imm)))); return true;
        case Op::addw: rrw(Opcode::Add); return true;
        case Op::subw: rrw(Opcode::Sub); return true;
        case Op::sllw:
            set_x(d.rd, sx(op(Opcode::Shl, x(d.rs1), op(Opcode::And, x(d.rs2), c(31)))));
            return true;
        case Op::srlw:
            set_x(d.rd, sx(op(Opcode::Shr, zx(x(d.rs1)), op(Opcode::And, x(d.rs2), c(31)))));
            return true;
        case Op::sraw:
            set_x(d.rd, sx(op(Opcode::Sar, sx(x(d.rs1)), op(Opcode::And, x(d.rs2), c(31)))));
            return true;

        // ---- M ----
        case Op::mul: rr(Opcode::Mul); return true;
        case Op::mulh: rr(Opcode::MulH); return true;
        case Op::mulhsu: rr(Opcode::MulHSU); return true;
        case Op::mulhu: rr(Opcode::MulHU); return true;
        case Op::div: rr(Opcode::Div); return true;
        case Op::divu: rr(Opcode::DivU); return true;
        case Op::rem: rr(Opcode::Rem); return true;
        case Op::remu: rr(Opcode::RemU); return true;
        case Op::mulw: rrw(Opcode::Mul); return true;
        case Op::divw: set_x(d.rd, sx(op(Opcode::Div, sx(x(d.rs1)), sx(x(d.rs2))))); return true;
        case Op::divuw: set_x(d.rd, sx(op(Opcode::DivU, zx(x(d.rs1)), zx(x(d.rs2))))); return true;
        case Op::remw: set_x(d.rd, sx(op(Opcode::Rem, sx(x(d.rs1)), sx(x(d.rs2))))); return true;
        case Op::remuw: set_x(d.rd, sx(op(Opcode::RemU, zx(x(d.rs1)), zx(x(d.rs2))))); return true;

        // ---- Zba ----
        case Op::sh1add:
            set_x(d.rd, op(Opcode::Add, op(Opcode::Shl, x(d.rs1), c(1)), x(d.rs2)));
            return true;
        case Op::sh2add:
            set_x(d.rd, op(Opcode::Add, op(Opcode::Shl, x(d.rs1), c(2)), x(d.rs2)));
            return true;
        case Op::sh3add:
            set_x(d.rd, op(Opcode::Add, op(Opcode::Shl, x(d.rs1), c(3)), x(d.rs2)));
            return true;
        case Op::add_uw: set_x(d.rd, op(Opcode::Add, zx(x(d.rs1)), x(d.rs2))); return true;
        case Op::sh1add_uw:
            set_x(d.rd, op(Opcode::Add, op(Opcode::Shl, zx(x(d.rs1)), c(1)), x(d.rs2)));
            return true;
        case Op::sh2add_uw:
            set_x(d.rd, op(Opcode::Add, op(Opcode::Shl, zx(x(d.rs1)), c(2)), x(d.rs2)));
            return true;
        case Op::sh3add_uw:
            set_x(d.rd, op(Opcode::Add, op(Opcode::Shl, zx(x(d.rs1)), c(3)), x(d.rs2)));
            return true;
        case Op::slli_uw: set_x(d.rd, op(Opcode::Shl, zx(x(d.rs1)), c(imm))); return true;

        // ---- Zbb ----
        case Op::andn:
            set_x(d.rd, op(Opcode::And, x(d.rs1), op(Opcode::Not, x(d.rs2))));
            return true;
        case Op::orn: set_x(d.rd, op(Opcode::Or, x(d.rs1), op(Opcode::Not, x(d.rs2)))); return true;
        case Op::xnor:
            set_x(d.rd, op(Opcode::Not, op(Opcode::Xor, x(d.rs1), x(d.rs2))));
            return true;
        case Op::clz: set_x(d.rd, op(Opcode::Clz, x(d.rs1))); return true;
        case Op::ctz: set_x(d.rd, op(Opcode::Ctz, x(d.rs1))); return true;
        case Op::cpop: set_x(d.rd, op(Opcode::Popcnt, x(d.rs1))); return true;
        case Op::sext_b: set_x(d.rd, op(Opcode::Sext8, x(d.rs1))); return true;
        case Op::sext_h: set_x(d.rd, op(Opcode::Sext16, x(d.rs1))); return true;
        case Op::clzw:
            set_x(d.rd, op(Opcode::Sub, op(Opcode::Clz, zx(x(d.rs1))), c(32)));
            return true;
        case Op::ctzw:
            set_x(d.rd, op(Opcode::Ctz, op(Opcode::Or, x(d.rs1), c(int64_t{1} << 32))));
            return true;
        case Op::cpopw: set_x(d.rd, op(Opcode::Popcnt, zx(x(d.rs1)))); return true;
        case Op::zext_h: set_x(d.rd, op(Opcode::Zext16, x(d.rs1))); return true;
        case Op::max: {
            Value a = x(d.rs1), b = x(d.rs2);
            set_x(d.rd, op(Opcode::Select, op(Opcode::CmpLt, a, b), b, a));
            return true;
        }
        case Op::maxu: {
            Value a = x(d.rs1), b = x(d.rs2);
            set_x(d.rd, op(Opcode::Select, op(Opcode::CmpLtU, a, b), b, a));
            return true;
        }
        case Op::min: {
            Value a = x(d.rs1), b = x(d.rs2);
            set_x(d.rd, op(Opcode::Select, op(Opcode::CmpLt, a, b), a, b));
            return true;
        }
        case Op::minu: {
            Value a = x(d.rs1), b = x(d.rs2);
            set_x(d.rd, op(Opcode::Select, op(Opcode::CmpLtU, a, b), a, b));
            return true;
        }
        case Op::rol: rr(Opcode::Rotl); return true;
        case Op::ror: rr(Opcode::Rotr); return true;
        case Op::rolw: rotw(Opcode::Rotl, x(d.rs2)); return true;
        case Op::rorw: rotw(Opcode::Rotr, x(d.rs2)); return true;
        case Op::rori: ri(Opcode::Rotr); return true;
        case Op::roriw: rotw(Opcode::Rotr, c(imm)); return true;
        case Op::orc_b: set_x(d.rd, call(Helper::orc_b, 0, x(d.rs1))); return true;
        case Op::rev8: set_x(d.rd, op(Opcode::Bswap, x(d.rs1))); return true;

        // ---- Zbs ----
        case Op::bclr:
            set_x(d.rd,
                  op(Opcode::And, x(d.rs1), op(Opcode::Not, op(Opcode::Shl, c(1), x(d.rs2)))));
            return true;
        case Op::bext:
            set_x(d.rd, op(Opcode::And, op(Opcode::Shr, x(d.rs1), x(d.rs2)), c(1)));
            return true;
        case Op::binv:
            set_x(d.rd, op(Opcode::Xor, x(d.rs1), op(Opcode::Shl, c(1), x(d.rs2))));
            return true;
        case Op::bset:
            set_x(d.rd, op(Opcode::Or, x(d.rs1), op(Opcode::Shl, c(1), x(d.rs2))));
            return true;
        case Op::bclri:
            set_x(d.rd, op(Opcode::And, x(d.rs1), c(~(int64_t{1} << imm))));
            return true;
        case Op::bexti:
            set_x(d.rd, op(Opcode::And, op(Opcode::Shr, x(d.rs1), c(imm)), c(1)));
            return true;
        case Op::binvi: set_x(d.rd, op(Opcode::Xor, x(d.rs1), c(int64_t{1} << imm))); return true;
        case Op::bseti: set_x(d.rd, op(Opcode::Or, x(d.rs1), c(int64_t{1} << imm))); return true;

        // ---- F/D: memory and bit moves inline, arithmetic through helpers ----
        case Op::flw:
            set_f(d.rd, box(mem(Opcode::Load32U, op(Opcode::Add, x(d.rs1), c(imm)), ir::kNoValue,
                                pc, d.len)));
            return true;
        case Op::fld:
            set_f(d.rd,
                  mem(Opcode::Load64, op(Opcode::Add, x(d.rs1), c(imm)), ir::kNoValue, pc, d.len));
            return true;
        case Op::fsw:
            mem(Opcode::Store32, op(Opcode::Add, x(d.rs1), c(imm)), f(d.rs2), pc, d.len);
            return true;
        case Op::fsd:
            mem(Opcode::Store64, op(Opcode::Add, x(d.rs1), c(imm)), f(d.rs2), pc, d.len);
            return true;
        case Op::fmv_x_w: set_x(d.rd, sx(f(d.rs1))); return true;
        case Op::fmv_w_x: set_f(d.rd, box(x(d.rs1))); return true;
        case Op::fmv_x_d: set_x(d.rd, f(d.rs1)); return true;
        case Op::fmv_d_x: set_f(d.rd, x(d.rs1)); return true;
        case Op::fsgnj_d:
        case Op::fsgnjn_d:
        case Op::fsgnjx_d: {
            const Value sign = c(INT64_MIN);
            Value a = f(d.rs1), b = f(d.rs2);
            Value r;
            if (d.op == Op::fsgnjx_d)
                r = op(Opcode::Xor, a, op(Opcode::And, b, sign));
            else
                r = op(Opcode::Or, op(Opcode::And, a, c(INT64_MAX)),
                       op(Opcode::And, d.op == Op::fsgnj_d ? b : op(Opcode::Not, b), sign));
            set_f(d.rd, r);
            return true;
        }
        case Op::fsgnj_s:
        case Op::fsgnjn_s:
        case Op::fsgnjx_s: {
            const Value sign = c(0x80000000);
            Value a = unbox(f(d.rs1)), b = unbox(f(d.rs2));
            Value r;
            if (d.op == Op::fsgnjx_s)
                r = op(Opcode::Xor, a, op(Opcode::And, b, sign));
            else
                r = op(Opcode::Or, op(Opcode::And, a, c(0x7fffffff)),
                       op(Opcode::And, d.op == Op::fsgnj_s ? b : op(Opcode::Not, b), sign));
            set_f(d.rd, box(r));
            return true;
        }
        case Op::fadd_s: f2(Helper::fadd_s, true); return true;
        case Op::fsub_s: f2(Helper::fsub_s, true); return true;
        case Op::fmul_s: f2(Helper::fmul_s, true); return true;
        case Op::fdiv_s: f2(Helper::fdiv_s, true); return true;
        case Op::fsqrt_s: f1(Helper::fsqrt_s); return true;
        case Op::fmin_s: f2(Helper::fmin_s, true); return true;
        case Op::fmax_s: f2(Helper::fmax_s, true); return true;
        case Op::fmadd_s: f3(Helper::fmadd_s); return true;
        case Op::fmsub_s: f3(Helper::fmsub_s); return true;
        case Op::fnmsub_s: f3(Helper::fnmsub_s); return true;
        case Op::fnmadd_s: f3(Helper::fnmadd_s); return true;
        case Op::feq_s: fx(Helper::feq_s); return true;
        case Op::flt_s: fx(Helper::flt_s); return true;
        case Op::fle_s: fx(Helper::fle_s); return true;
        case Op::fclass_s: f_to_x(Helper::fclass_s); return true;
        case Op::fcvt_w_s: f_to_x(Helper::fcvt_w_s); return true;
        case Op::fcvt_wu_s: f_to_x(Helper::fcvt_wu_s); return true;
        case Op::fcvt_l_s: f_to_x(Helper::fcvt_l_s); return true;
        case Op::fcvt_lu_s: f_to_x(Helper::fcvt_lu_s); return true;
        case Op::fcvt_s_w: x_to_f(Helper::fcvt_s_w); return true;
        case Op::fcvt_s_wu: x_to_f(Helper::fcvt_s_wu); return true;
        case Op::fcvt_s_l: x_to_f(Helper::fcvt_s_l); return true;
        case Op::fcvt_s_lu: x_to_f(Helper::fcvt_s_lu); return true;
        case Op::fadd_d: f2(Helper::fadd_d, false); return true;
        case Op::fsub_d: f2(Helper::fsub_d, false); return true;
        case Op::fmul_d: f2(Helper::fmul_d, false); return true;
        case Op::fdiv_d: f2(Helper::fdiv_d, false); return true;
        case Op::fsqrt_d: f1(Helper::fsqrt_d); return true;
        case Op::fmin_d: f2(Helper::fmin_d, false); return true;
        case Op::fmax_d: f2(Helper::fmax_d, false); return true;
        case Op::fmadd_d: f3(Helper::fmadd_d); return true;
        case Op::fmsub_d: f3(Helper::fmsub_d); return true;
        case Op::fnmsub_d: f3(Helper::fnmsub_d); return true;
        case Op::fnmadd_d: f3(Helper::fnmadd_d); return true;
        case Op::feq_d: fx(Helper::feq_d); return true;
        case Op::flt_d: fx(Helper::flt_d); return true;
        case Op::fle_d: fx(Helper::fle_d); return true;
        case Op::fclass_d: f_to_x(Helper::fclass_d); return true;
        case Op::fcvt_w_d: f_to_x(Helper::fcvt_w_d); return true;
        case Op::fcvt_wu_d: f_to_x(Helper::fcvt_wu_d); return true;
        case Op::fcvt_l_d: f_to_x(Helper::fcvt_l_d); return true;
        case Op::fcvt_lu_d: f_to_x(Helper::fcvt_lu_d); return true;
        case Op::fcvt_d_w: x_to_f(Helper::fcvt_d_w); return true;
        case Op::fcvt_d_wu: x_to_f(Helper::fcvt_d_wu); return true;
        case Op::fcvt_d_l: x_to_f(Helper::fcvt_d_l); return true;
        case Op::fcvt_d_lu: x_to_f(Helper::fcvt_d_lu); return true;
        case Op::fcvt_s_d: set_f(d.rd, fcvt(Helper::fcvt_s_d, f(d.rs1))); return true;
        case Op::fcvt_d_s: set_f(d.rd, fcvt(Helper::fcvt_d_s, f(d.rs1))); return true;

        // The interpreter runs these: system instructions, CSRs (including frm,
        // which the JIT's FP helpers rely on being valid), fences, atomics.
        case Op::mret:
        case Op::sret:
        case Op::wfi:
        case Op::sfence_vma:
        case Op::fence_i:
        case Op::ecall:
        case Op::ebreak:
        case Op::csrrw:
        case Op::csrrs:
        case Op::csrrc:
        case Op::csrrwi:
        case Op::csrrsi:
        case Op::csrrci:
        case Op::lr_w:
        case Op::sc_w:
        case Op::amoswap_w:
        case Op::amoadd_w:
        case Op::amoxor_w:
        case Op::amoand_w:
        case Op::amoor_w:
        case Op::amomin_w:
        case Op::amomax_w:
        case Op::amominu_w:
        case Op::amomaxu_w:
        case Op::lr_d:
        case Op::sc_d:
        case Op::amoswap_d:
        case Op::amoadd_d:
        case Op::amoxor_d:
        case Op::amoand_d:
        case Op::amoor_d:
        case Op::amomin_d:
        case Op::amomax_d:
        case Op::amominu_d:
        case Op::amomaxu_d:
        case Op::illegal:
        case Op::count: return false;
    }
    return false;
}

// Whether the straight-line code at `from` (same page, a few instructions) ends
// in a branch or jump back to `head`: then a branch to `from` stays in a loop
// whose head is `head`.
bool closes_loop(CodeReader read, const void* ctx, uint64_t from, uint64_t head) {
    uint64_t at = from;
    for (int n = 0; n < 24 && ((at ^ head) >> 12) == 0; ++n) {
        uint16_t low, high;
        if (!read(ctx, at, low)) return false;
        uint32_t bits = low;
        if (riscv::insn_length(low) == 4) {
            if (!read(ctx, at + 2, high)) return false;
            bits |= uint32_t{high} << 16;
        }
        const riscv::Decoded d = riscv::decode(bits);
        switch (d.op) {
            case Op::beq:
            case Op::bne:
            case Op::blt:
            case Op::bge:
            case Op::bltu:
            case Op::bgeu:
            case Op::jal: return at + static_cast<uint64_t>(d.imm) == head;
            case Op::jalr:
            case Op::ecall:
            case Op::ebreak:
            case Op::mret:
            case Op::sret:
            case Op::wfi:
            case Op::illegal: return false;
            default: break;
        }
        at += d.len;
    }
    return false;
}

}  // namespace

ir::Block lift_riscv(CodeReader read, const void* ctx, uint64_t pc, const LiftOptions& opts) {
    ir::Block b;
    b.pc = pc;
    Lifter l(b, opts);
    uint64_t at = pc;
    uint64_t bb_start = pc;  // the basic block being lifted (superblocks hold several)
    while (b.guest_insns < opts.max_insns) {
        uint16_t low, high;
        if (!read(ctx, at, low)) break;
        uint32_t bits = low;
        bool straddles = false;
        if (riscv::insn_length(low) == 4) {
            // An instruction across the page end is a block of its own (it ties
            // the block to two pages).
            straddles = ((at + 2) & 0xfff) == 0;
            if ((straddles && b.guest_insns > 0) || !read(ctx, at + 2, high)) break;
            bits |= uint32_t{high} << 16;
        }
        const riscv::Decoded d = riscv::decode(bits);
        bool ends = false;
        if (!l.lift(d, at, ends)) break;
        ++b.guest_insns;
        at += d.len;
        if (ends) {
            // Superblock: go on along a strongly biased forward branch within the
            // page; the other way becomes a side exit.
            const ir::Terminal t = b.term;
            int bias = t.kind == ir::Terminal::Kind::Branch && opts.branch_bias
                           ? opts.branch_bias(opts.bias_ctx, bb_start)
                           : 0;
            // No profile says which way (code compiled because compiled code
            // jumped to it, never interpreted): stay in a loop that comes back to
            // this block's start (the code after a loop's exit test, say), so the
            // loop becomes one block that jumps to itself.
            if (bias == kBiasUnknown) {
                const uint64_t branch_at = at - d.len;
                if (t.fallthrough > branch_at && closes_loop(read, ctx, t.fallthrough, pc))
                    bias = -1;
                else if (t.taken > branch_at && closes_loop(read, ctx, t.taken, pc))
                    bias = 1;
                else
                    bias = 0;
            }
            const uint64_t likely = bias > 0 ? t.taken : t.fallthrough;
            const uint64_t branch_pc = at - d.len;
            if (bias == 0 || likely <= branch_pc || ((likely ^ pc) >> 12) != 0 ||
                b.guest_insns >= opts.max_insns)
                return b;
            ir::Builder ir(b);
            const ir::Value x = ir.emit(bias > 0 ? ir::Opcode::ExitIfNot : ir::Opcode::ExitIf,
                                        t.value, ir::kNoValue, ir::kNoValue,
                                        static_cast<int64_t>(bias > 0 ? t.fallthrough : t.taken));
            b.insts[x].insn = static_cast<uint16_t>(b.guest_insns - 1);
            b.insts[x].insn_len = static_cast<uint8_t>(d.len);
            b.term = {};
            at = bb_start = likely;
            continue;
        }
        // Stay within one guest page, like the interpreter's blocks.
        if ((at & 0xfff) == 0 || straddles) break;
    }
    // Fell off the end: continue at `at` (compiled or interpreted).
    b.term = {b.guest_insns && at != pc ? ir::Terminal::Kind::Jump : ir::Terminal::Kind::Exit,
              ir::kNoValue, at, 0};
    if (b.guest_insns == 0) b.term = {ir::Terminal::Kind::Exit, ir::kNoValue, pc, 0};
    return b;
}

ir::Block lift_riscv(const mem::AddressSpace& space, uint64_t pc, const LiftOptions& opts) {
    auto read = [](const void* ctx, uint64_t at, uint16_t& parcel) {
        const auto& s = *static_cast<const mem::AddressSpace*>(ctx);
        if (!s.accessible(at, 2, mem::kProtExec)) return false;
        parcel = s.load<uint16_t>(at);
        return true;
    };
    return lift_riscv(read, &space, pc, opts);
}

}  // namespace xvm::jit
