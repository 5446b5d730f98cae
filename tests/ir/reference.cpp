#include "reference.h"

#include <map>
#include <stdexcept>

namespace xvm::ir::test {

namespace {

// Deliberately different formulations from the folding pass: loops and textbook
// identities rather than <bit> and __int128 signed products.
uint64_t mulhu(uint64_t a, uint64_t b) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}
uint64_t mulhsu(uint64_t a, uint64_t b) {
    return mulhu(a, b) - (int64_t(a) < 0 ? b : 0);
}
uint64_t mulh(uint64_t a, uint64_t b) {
    return mulhsu(a, b) - (int64_t(b) < 0 ? a : 0);
}

uint64_t rotl(uint64_t a, uint64_t n) {
    n %= 64;
    return n == 0 ? a : (a << n) | (a >> (64 - n));
}

uint64_t count(uint64_t a, int from, int step, bool ones) {
    uint64_t n = 0;
    for (int i = from; i >= 0 && i < 64; i += step) {
        if (((a >> i) & 1) != ones) break;
        ++n;
    }
    return n;
}

uint64_t popcnt(uint64_t a) {
    uint64_t n = 0;
    for (; a; a &= a - 1) ++n;
    return n;
}

uint64_t bswap(uint64_t a) {
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r = (r << 8) | ((a >> (8 * i)) & 0xff);
    return r;
}

uint64_t hash(uint64_t x) {
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ull;
    return x ^ (x >> 29);
}

uint64_t arith(Opcode op, uint64_t a, uint64_t b, uint64_t c) {
    const int64_t sa = int64_t(a), sb = int64_t(b);
    switch (op) {
        case Opcode::Add: return a + b;
        case Opcode::Sub: return a - b;
        case Opcode::And: return a & b;
        case Opcode::Or: return a | b;
        case Opcode::Xor: return a ^ b;
        case Opcode::Shl: return a << (b % 64);
        case Opcode::Shr: return a >> (b % 64);
        case Opcode::Sar: return uint64_t(sa >> (b % 64));
        case Opcode::Rotl: return rotl(a, b);
        case Opcode::Rotr: return rotl(a, 64 - b % 64);
        case Opcode::Mul: return a * b;
        case Opcode::MulH: return mulh(a, b);
        case Opcode::MulHU: return mulhu(a, b);
        case Opcode::MulHSU: return mulhsu(a, b);
        case Opcode::Div:
            return b == 0 ? ~0ull : (sa == INT64_MIN && sb == -1) ? a : uint64_t(sa / sb);
        case Opcode::DivU: return b == 0 ? ~0ull : a / b;
        case Opcode::Rem: return b == 0 ? a : (sa == INT64_MIN && sb == -1) ? 0 : uint64_t(sa % sb);
        case Opcode::RemU: return b == 0 ? a : a % b;
        case Opcode::Not: return ~a;
        case Opcode::Neg: return 0 - a;
        case Opcode::Clz: return count(a, 63, -1, false);
        case Opcode::Ctz: return count(a, 0, 1, false);
        case Opcode::Popcnt: return popcnt(a);
        case Opcode::Bswap: return bswap(a);
        case Opcode::Sext8: return uint64_t(int64_t(int8_t(a)));
        case Opcode::Sext16: return uint64_t(int64_t(int16_t(a)));
        case Opcode::Sext32: return uint64_t(int64_t(int32_t(a)));
        case Opcode::Zext8: return uint8_t(a);
        case Opcode::Zext16: return uint16_t(a);
        case Opcode::Zext32: return uint32_t(a);
        case Opcode::CmpEq: return a == b;
        case Opcode::CmpNe: return a != b;
        case Opcode::CmpLt: return sa < sb;
        case Opcode::CmpLtU: return a < b;
        case Opcode::CmpGe: return sa >= sb;
        case Opcode::CmpGeU: return a >= b;
        case Opcode::Select: return a ? b : c;
        default: throw std::logic_error(std::string("not arithmetic: ") + info(op).name);
    }
}

uint64_t load(Opcode op, uint64_t raw) {
    switch (op) {
        case Opcode::Load8S: return arith(Opcode::Sext8, raw, 0, 0);
        case Opcode::Load8U: return arith(Opcode::Zext8, raw, 0, 0);
        case Opcode::Load16S: return arith(Opcode::Sext16, raw, 0, 0);
        case Opcode::Load16U: return arith(Opcode::Zext16, raw, 0, 0);
        case Opcode::Load32S: return arith(Opcode::Sext32, raw, 0, 0);
        case Opcode::Load32U: return arith(Opcode::Zext32, raw, 0, 0);
        default: return raw;
    }
}

}  // namespace

Outcome interpret(const Block& b, const uint64_t (&regs)[64]) {
    Outcome o;
    std::copy(std::begin(regs), std::end(regs), o.regs);
    std::vector<uint64_t> v(b.insts.size(), 0);
    std::map<uint64_t, uint64_t> memory;
    for (size_t k = 0; k < b.insts.size(); ++k) {
        const Inst& in = b.insts[k];
        auto arg = [&](int i) { return v.at(in.args[i]); };
        switch (in.op) {
            case Opcode::Nop: break;
            case Opcode::Const: v[k] = uint64_t(in.imm); break;
            case Opcode::GetReg: v[k] = o.regs[in.imm]; break;
            case Opcode::SetReg: o.regs[in.imm] = arg(0); break;
            case Opcode::Load8S:
            case Opcode::Load8U:
            case Opcode::Load16S:
            case Opcode::Load16U:
            case Opcode::Load32S:
            case Opcode::Load32U:
            case Opcode::Load64:
            case Opcode::Store8:
            case Opcode::Store16:
            case Opcode::Store32:
            case Opcode::Store64: {
                if (arg(0) % 8 == 7) {
                    o.faulted = true;
                    o.fault_pc = uint64_t(in.imm);
                    return o;
                }
                if (in.op >= Opcode::Store8) {
                    o.stores.push_back({in.op, arg(0), arg(1)});
                    memory[arg(0)] = arg(1);
                } else {
                    auto it = memory.find(arg(0));
                    v[k] = load(in.op, it != memory.end() ? it->second : hash(arg(0)));
                }
                break;
            }
            case Opcode::GuardFp: break;  // system mode's FS check: never leaves here
            case Opcode::ExitIf:
            case Opcode::ExitIfNot:
                if ((arg(0) != 0) == (in.op == Opcode::ExitIf)) {
                    o.next_pc = uint64_t(in.imm);
                    return o;
                }
                break;
            default: {
                const unsigned n = info(in.op).nargs;
                if (is_call(in.op) || is_fp(in.op)) {
                    uint64_t r = hash(uint64_t(in.imm));
                    for (unsigned a = 0; a < n; ++a) r = hash(r ^ arg(a));
                    o.fflags = hash(o.fflags + r);
                    v[k] = r;
                } else {
                    v[k] = arith(in.op, arg(0), n > 1 ? arg(1) : 0, n > 2 ? arg(2) : 0);
                }
                break;
            }
        }
    }
    const Terminal& t = b.term;
    switch (t.kind) {
        case Terminal::Kind::Jump: o.next_pc = t.taken; break;
        case Terminal::Kind::Branch: o.next_pc = v.at(t.value) ? t.taken : t.fallthrough; break;
        case Terminal::Kind::Indirect: o.next_pc = v.at(t.value); break;
        case Terminal::Kind::Exit:
            o.exits = true;
            o.next_pc = t.taken;
            break;
    }
    return o;
}

}  // namespace xvm::ir::test
