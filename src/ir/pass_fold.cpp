// Constant folding and propagation plus algebraic identities, in one forward sweep:
// arguments are rewritten through `repl_` before an instruction is looked at, so a
// value folded early is already a constant for every later user.
//
// The IR has no insertion, so a fold can only produce an existing value or turn an
// instruction (the user itself, or a Const nobody else uses) into something else.
// `uses_` counts every use including those still to be rewritten through repl_.
#include <algorithm>
#include <bit>
#include <optional>
#include <utility>
#include <vector>

#include "core/bits.h"
#include "ir/passes.h"

namespace xvm::ir {

namespace {

// The backend's semantics on constants (opcodes.inc); nullopt for ops that are not
// pure functions of their arguments.
std::optional<uint64_t> evaluate(Opcode op, uint64_t a, uint64_t b, uint64_t c) {
    const auto sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
    const auto sh = static_cast<int>(b & 63);
    using I128 = __int128;
    using U128 = unsigned __int128;
    switch (op) {
        case Opcode::Add: return a + b;
        case Opcode::Sub: return a - b;
        case Opcode::And: return a & b;
        case Opcode::Or: return a | b;
        case Opcode::Xor: return a ^ b;
        case Opcode::Shl: return a << sh;
        case Opcode::Shr: return a >> sh;
        case Opcode::Sar: return static_cast<uint64_t>(sa >> sh);
        case Opcode::Rotl: return std::rotl(a, sh);
        case Opcode::Rotr: return std::rotr(a, sh);
        case Opcode::Mul: return a * b;
        case Opcode::MulH: return static_cast<uint64_t>(I128{sa} * I128{sb} >> 64);
        case Opcode::MulHU: return static_cast<uint64_t>(U128{a} * U128{b} >> 64);
        case Opcode::MulHSU: return static_cast<uint64_t>(I128{sa} * static_cast<I128>(b) >> 64);
        case Opcode::Div:
            if (b == 0) return ~uint64_t{0};
            if (sa == INT64_MIN && sb == -1) return a;
            return static_cast<uint64_t>(sa / sb);
        case Opcode::DivU: return b == 0 ? ~uint64_t{0} : a / b;
        case Opcode::Rem:
            if (b == 0) return a;
            if (sa == INT64_MIN && sb == -1) return 0;
            return static_cast<uint64_t>(sa % sb);
        case Opcode::RemU: return b == 0 ? a : a % b;
        case Opcode::Not: return ~a;
        case Opcode::Neg: return -a;
        case Opcode::Clz: return std::countl_zero(a);
        case Opcode::Ctz: return std::countr_zero(a);
        case Opcode::Popcnt: return std::popcount(a);
        case Opcode::Bswap: return __builtin_bswap64(a);
        case Opcode::Sext8: return sext(a, 8);
        case Opcode::Sext16: return sext(a, 16);
        case Opcode::Sext32: return sext(a, 32);
        case Opcode::Zext8: return a & 0xff;
        case Opcode::Zext16: return a & 0xffff;
        case Opcode::Zext32: return a & 0xffffffff;
        case Opcode::CmpEq: return a == b;
        case Opcode::CmpNe: return a != b;
        case Opcode::CmpLt: return sa < sb;
        case Opcode::CmpLtU: return a < b;
        case Opcode::CmpGe: return sa >= sb;
        case Opcode::CmpGeU: return a >= b;
        case Opcode::Select: return a != 0 ? b : c;
        case Opcode::Nop:
        case Opcode::Const:
        case Opcode::GetReg:
        case Opcode::SetReg:
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
        case Opcode::Store64:
        case Opcode::Call0:
        case Opcode::Call1:
        case Opcode::Call2:
        case Opcode::Call3:
        case Opcode::FAdd:
        case Opcode::FSub:
        case Opcode::FMul:
        case Opcode::FDiv:
        case Opcode::FSqrt:
        case Opcode::FEq:
        case Opcode::FLt:
        case Opcode::FLe:
        case Opcode::FMulAdd:
        case Opcode::FCvt:
        case Opcode::GuardFp:
        case Opcode::ExitIf:
        case Opcode::ExitIfNot:
        case Opcode::Count: return std::nullopt;
    }
    return std::nullopt;
}

// Computes a value from its arguments alone: may be folded, replaced, dropped.
bool pure(Opcode op) {
    return evaluate(op, 0, 0, 0).has_value();
}

// Width of the extension op, or 0.
unsigned sext_op_width(Opcode op) {
    return op == Opcode::Sext8 ? 8 : op == Opcode::Sext16 ? 16 : op == Opcode::Sext32 ? 32 : 0;
}
unsigned zext_op_width(Opcode op) {
    return op == Opcode::Zext8 ? 8 : op == Opcode::Zext16 ? 16 : op == Opcode::Zext32 ? 32 : 0;
}

class Folder {
  public:
    explicit Folder(Block& b);
    void run();

  private:
    Inst& at(Value v) { return b_.insts[v]; }
    bool is_const(Value v) { return at(v).op == Opcode::Const; }
    bool is_const(Value v, uint64_t c) { return is_const(v) && cval(v) == c; }
    uint64_t cval(Value v) { return static_cast<uint64_t>(at(v).imm); }

    void release_args(Value k);
    void replace(Value k, Value with);  // uses of k now use `with`; k becomes Nop
    void make_const(Value k, uint64_t v);
    void set_arg(Value k, unsigned a, Value v);

    // Bounds looked up through at most `depth` bitwise operations.
    unsigned zext_width(Value v, int depth = 3);  // v < 2^width
    unsigned sext_width(Value v, int depth = 3);  // v == sext(v, width)
    struct Condition {
        Value value;
        bool inverted;
    };
    Condition condition(Value cond);
    void simplify(Value k);
    void simplify_ext(Value k);
    void reassociate_add(Value k);
    void zero_extend_shifts(Value k);
    void fold_terminal();

    Block& b_;
    std::vector<Value> repl_;
    std::vector<uint32_t> uses_;
};

Folder::Folder(Block& b) : b_(b), repl_(b.insts.size()), uses_(b.insts.size(), 0) {
    for (Value k = 0; k < repl_.size(); ++k) repl_[k] = k;
    for (const Inst& in : b.insts)
        for (unsigned a = 0; a < info(in.op).nargs; ++a) ++uses_[in.args[a]];
    if (b.term.kind == Terminal::Kind::Branch || b.term.kind == Terminal::Kind::Indirect)
        ++uses_[b.term.value];
}

void Folder::release_args(Value k) {
    Inst& in = at(k);
    for (unsigned a = 0; a < info(in.op).nargs; ++a) --uses_[in.args[a]];
    in.args[0] = in.args[1] = in.args[2] = kNoValue;
}

void Folder::replace(Value k, Value with) {
    repl_[k] = with;
    uses_[with] += uses_[k];
    uses_[k] = 0;
    release_args(k);
    at(k) = Inst{};
}

void Folder::make_const(Value k, uint64_t v) {
    release_args(k);
    at(k).op = Opcode::Const;
    at(k).imm = static_cast<int64_t>(v);
}

void Folder::set_arg(Value k, unsigned a, Value v) {
    --uses_[at(k).args[a]];
    ++uses_[v];
    at(k).args[a] = v;
}

unsigned Folder::zext_width(Value v, int depth) {
    const Inst& in = at(v);
    switch (in.op) {
        case Opcode::Const: return 64 - static_cast<unsigned>(std::countl_zero(cval(v)));
        case Opcode::Or:
        case Opcode::Xor:
            return depth > 0 ? std::max(zext_width(in.args[0], depth - 1),
                                        zext_width(in.args[1], depth - 1))
                             : 64;
        case Opcode::Zext8:
        case Opcode::Load8U: return 8;
        case Opcode::Zext16:
        case Opcode::Load16U: return 16;
        case Opcode::Zext32:
        case Opcode::Load32U: return 32;
        case Opcode::CmpEq:
        case Opcode::CmpNe:
        case Opcode::CmpLt:
        case Opcode::CmpLtU:
        case Opcode::CmpGe:
        case Opcode::CmpGeU: return 1;
        case Opcode::And:
            if (is_const(in.args[1])) return 64 - std::countl_zero(cval(in.args[1]));
            return depth > 0 ? std::min(zext_width(in.args[0], depth - 1),
                                        zext_width(in.args[1], depth - 1))
                             : 64;
        case Opcode::Shr: {
            if (!is_const(in.args[1])) return 64;
            const auto c = static_cast<unsigned>(cval(in.args[1]) & 63);
            const unsigned w = depth > 0 ? zext_width(in.args[0], depth - 1) : 64;
            return w > c ? w - c : 0;
        }
        case Opcode::Shl: {
            if (!is_const(in.args[1]) || depth == 0) return 64;
            const unsigned w =
                zext_width(in.args[0], depth - 1) + static_cast<unsigned>(cval(in.args[1]) & 63);
            return std::min(w, 64u);
        }
        default: return 64;
    }
}

unsigned Folder::sext_width(Value v, int depth) {
    const Inst& in = at(v);
    switch (in.op) {
        case Opcode::Sext8:
        case Opcode::Load8S: return 8;
        case Opcode::Sext16:
        case Opcode::Load16S: return 16;
        case Opcode::Sext32:
        case Opcode::Load32S: return 32;
        case Opcode::Const: {
            // Significant bits plus the sign.
            const uint64_t c = cval(v);
            return std::min(64u, 65 - static_cast<unsigned>(std::countl_zero(c >> 63 ? ~c : c)));
        }
        case Opcode::Sar:
            // Shifting right keeps the copies of the sign and adds c more.
            if (depth > 0 && is_const(in.args[1])) {
                const auto c = static_cast<unsigned>(cval(in.args[1]) & 63);
                const unsigned w = sext_width(in.args[0], depth - 1);
                return w > c + 1 ? w - c : 1;
            }
            return 64;
        case Opcode::And:
        case Opcode::Or:
        case Opcode::Xor:
            // Both arguments copies of bit w-1 above it: so is the result.
            if (depth > 0) {
                const unsigned s =
                    std::max(sext_width(in.args[0], depth - 1), sext_width(in.args[1], depth - 1));
                const unsigned z = zext_width(v, depth);
                return std::min(s, z < 64 ? z + 1 : 64);
            }
            [[fallthrough]];
        default: {
            const unsigned z = zext_width(v, depth);
            return z < 64 ? z + 1 : 64;
        }
    }
}

// A condition "x != 0" can test x itself, "x == 0" x with the outcomes swapped.
Folder::Condition Folder::condition(Value cond) {
    Condition c{cond, false};
    for (;;) {
        const Inst& in = at(c.value);
        if ((in.op != Opcode::CmpNe && in.op != Opcode::CmpEq) || !is_const(in.args[1], 0))
            return c;
        c = {in.args[0], c.inverted != (in.op == Opcode::CmpEq)};
    }
}

// SextN/ZextN of a value that already fits, or of an extension that keeps the
// low N bits.
void Folder::simplify_ext(Value k) {
    const unsigned s = sext_op_width(at(k).op), z = zext_op_width(at(k).op);
    auto fits = [&](Value x) { return s ? sext_width(x) <= s : zext_width(x) <= z; };
    auto ext_width = [&](Value x) {
        return std::max(sext_op_width(at(x).op), zext_op_width(at(x).op));
    };
    Value x = at(k).args[0];
    if (fits(x)) return replace(k, x);
    while (ext_width(x) >= s + z) x = at(x).args[0];
    if (x == at(k).args[0]) return;
    set_arg(k, 0, x);
    if (fits(x)) replace(k, x);
}

// (x << c) >> c with c = 32, 48 or 56 (zext.w, zext.h, zext.b spelled as
// shifts) => ZextN x, in place of the Shr.
void Folder::zero_extend_shifts(Value k) {
    const Value x = at(k).args[0], y = at(k).args[1];
    const Inst& shl = at(x);
    const uint64_t c = cval(y) & 63;
    if (shl.op != Opcode::Shl || !is_const(shl.args[1]) || (cval(shl.args[1]) & 63) != c ||
        (c != 32 && c != 48 && c != 56))
        return;
    const Value inner = shl.args[0];
    --uses_[y];
    at(k).args[1] = kNoValue;
    at(k).op = c == 32 ? Opcode::Zext32 : c == 48 ? Opcode::Zext16 : Opcode::Zext8;
    set_arg(k, 0, inner);
    simplify_ext(k);
}

// (y + c1) + c2 => y + (c1 + c2), writing the sum into a Const nobody else uses.
void Folder::reassociate_add(Value k) {
    const Value x = at(k).args[0], c2 = at(k).args[1];
    const Inst& inner = at(x);
    if (inner.op != Opcode::Add || !is_const(inner.args[1])) return;
    const Value y = inner.args[0], c1 = inner.args[1];
    const uint64_t sum = cval(c1) + cval(c2);
    if (sum == 0) return replace(k, y);
    if (uses_[c2] == 1) {
        at(c2).imm = static_cast<int64_t>(sum);
        set_arg(k, 0, y);
    } else if (uses_[x] == 1 && uses_[c1] == 1) {
        at(c1).imm = static_cast<int64_t>(sum);  // x only feeds k: it can become the sum
        replace(k, x);
    }
}

void Folder::simplify(Value k) {
    Inst& in = at(k);
    if (info(in.op).nargs == 1) {
        if (sext_op_width(in.op) || zext_op_width(in.op)) simplify_ext(k);
        return;
    }
    if (in.op == Opcode::Select) {
        if (const Condition c = condition(in.args[0]); c.value != in.args[0]) {
            set_arg(k, 0, c.value);
            if (c.inverted) std::swap(in.args[1], in.args[2]);
        }
        const Value c = in.args[0], a = in.args[1], b = in.args[2];
        if (a == b) return replace(k, a);
        if (is_const(a, 1) && is_const(b, 0) && zext_width(c) == 1) return replace(k, c);
        return;
    }
    if (commutative(in.op) && is_const(in.args[0]) && !is_const(in.args[1]))
        std::swap(in.args[0], in.args[1]);
    const Value x = in.args[0], y = in.args[1];
    const bool same = x == y;
    const bool y0 = is_const(y, 0), y1 = is_const(y, 1), ym1 = is_const(y, ~uint64_t{0});
    const bool y_shift0 = is_const(y) && (cval(y) & 63) == 0;
    switch (in.op) {
        case Opcode::Add:
            if (y0) return replace(k, x);
            if (is_const(y)) reassociate_add(k);
            return;
        case Opcode::Sub:
        case Opcode::Xor:
            if (y0) return replace(k, x);
            if (same) return make_const(k, 0);
            return;
        case Opcode::Or:
            if (y0 || same) return replace(k, x);
            if (ym1) return make_const(k, ~uint64_t{0});
            return;
        case Opcode::And:
            if (ym1 || same) return replace(k, x);
            if (y0) return make_const(k, 0);
            // A mask that keeps every bit x can have.
            if (is_const(y) && (cval(y) & (cval(y) + 1)) == 0 &&
                zext_width(x) <= static_cast<unsigned>(std::popcount(cval(y))))
                return replace(k, x);
            return;
        case Opcode::Shl:
        case Opcode::Shr:
        case Opcode::Sar:
        case Opcode::Rotl:
        case Opcode::Rotr:
            if (y_shift0) return replace(k, x);
            if (is_const(x, 0)) return make_const(k, 0);
            if (is_const(x, ~uint64_t{0}) && in.op != Opcode::Shl && in.op != Opcode::Shr)
                return make_const(k, ~uint64_t{0});
            if (in.op == Opcode::Shr && is_const(y)) zero_extend_shifts(k);
            return;
        case Opcode::Mul:
            if (y1) return replace(k, x);
            if (y0) return make_const(k, 0);
            return;
        case Opcode::MulH:
        case Opcode::MulHU:
            if (y0) return make_const(k, 0);
            return;
        case Opcode::MulHSU:
            if (y0 || is_const(x, 0)) return make_const(k, 0);
            return;
        case Opcode::Div:
        case Opcode::DivU:
            if (y1) return replace(k, x);
            return;
        case Opcode::Rem:
        case Opcode::RemU:
            if (y1) return make_const(k, 0);
            return;
        case Opcode::CmpEq:
        case Opcode::CmpGe:
        case Opcode::CmpGeU:
            if (same) return make_const(k, 1);
            if (in.op == Opcode::CmpGeU && y0) return make_const(k, 1);
            if (in.op == Opcode::CmpEq && y1 && zext_width(x) == 1) return replace(k, x);
            return;
        case Opcode::CmpNe:
        case Opcode::CmpLt:
        case Opcode::CmpLtU:
            if (same) return make_const(k, 0);
            if (in.op == Opcode::CmpLtU && y0) return make_const(k, 0);
            if (in.op == Opcode::CmpNe && y0 && zext_width(x) == 1) return replace(k, x);
            return;
        default: return;
    }
}

void Folder::fold_terminal() {
    Terminal& t = b_.term;
    if (t.kind != Terminal::Kind::Branch && t.kind != Terminal::Kind::Indirect) return;
    t.value = repl_[t.value];
    if (t.kind == Terminal::Kind::Branch) {
        const Condition c = condition(t.value);
        t.value = c.value;
        if (c.inverted) std::swap(t.taken, t.fallthrough);
        if (is_const(t.value)) t.taken = cval(t.value) != 0 ? t.taken : t.fallthrough;
        if (is_const(t.value) || t.taken == t.fallthrough)
            t = {Terminal::Kind::Jump, kNoValue, t.taken, 0};
    } else if (t.kind == Terminal::Kind::Indirect && is_const(t.value)) {
        t = {Terminal::Kind::Jump, kNoValue, cval(t.value), 0};
    }
}

void Folder::run() {
    for (Value k = 0; k < b_.insts.size(); ++k) {
        Inst& in = at(k);
        const unsigned n = info(in.op).nargs;
        bool all_const = n != 0;
        for (unsigned a = 0; a < n; ++a) {
            in.args[a] = repl_[in.args[a]];
            all_const = all_const && is_const(in.args[a]);
        }
        if (in.op == Opcode::Select && is_const(in.args[0])) {
            replace(k, cval(in.args[0]) != 0 ? in.args[1] : in.args[2]);
            continue;
        }
        std::optional<uint64_t> v;
        if (all_const && (v = evaluate(in.op, cval(in.args[0]), n > 1 ? cval(in.args[1]) : 0,
                                       n > 2 ? cval(in.args[2]) : 0))) {
            make_const(k, *v);
            continue;
        }
        if (pure(in.op)) simplify(k);
    }
    fold_terminal();
}

}  // namespace

void fold_constants(Block& b) {
    Folder(b).run();
}

}  // namespace xvm::ir
