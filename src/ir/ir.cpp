#include "ir/ir.h"

#include <fmt/core.h>

namespace xvm::ir {

namespace {

#define XVM_IR_COUNT_ARGS(...) (sizeof((Type[]){__VA_ARGS__}) / sizeof(Type))
constexpr Type I64 = Type::I64;
constexpr Type Void = Type::Void;

template <size_t N>
constexpr OpInfo make(const char* name, Type result, const Type (&)[N]) {
    return {name, result, static_cast<uint8_t>(N - 1)};
}

const OpInfo kInfo[] = {
#define XVM_IR_OP(name, result, ...) make(#name, result, (const Type[]){Void, ##__VA_ARGS__}),
#include "ir/opcodes.inc"
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(Opcode::Count));

}  // namespace

const OpInfo& info(Opcode op) {
    return kInfo[static_cast<unsigned>(op)];
}

Value Builder::emit(Opcode op, Value a, Value b, Value c, int64_t imm) {
    Inst in;
    in.op = op;
    in.args[0] = a;
    in.args[1] = b;
    in.args[2] = c;
    in.imm = imm;
    b_.insts.push_back(in);
    return static_cast<Value>(b_.insts.size() - 1);
}

bool commutative(Opcode op) {
    switch (op) {
        case Opcode::Add:
        case Opcode::And:
        case Opcode::Or:
        case Opcode::Xor:
        case Opcode::Mul:
        case Opcode::MulH:
        case Opcode::MulHU:
        case Opcode::CmpEq:
        case Opcode::CmpNe: return true;
        default: return false;
    }
}

// Loads stay although they only produce a value: they can fault. Calls and
// the inline FP ops update fflags.
bool has_effect(Opcode op) {
    return is_memory(op) || is_call(op) || is_fp(op) || op == Opcode::SetReg ||
           op == Opcode::GuardFp || op == Opcode::ExitIf || op == Opcode::ExitIfNot;
}

std::string print(const Block& b) {
    std::string out = fmt::format("block {:#x} ({} guest instructions)\n", b.pc, b.guest_insns);
    for (size_t k = 0; k < b.insts.size(); ++k) {
        const Inst& in = b.insts[k];
        if (in.op == Opcode::Nop) continue;
        const OpInfo& oi = info(in.op);
        std::string line = oi.result == Type::Void ? "      " : fmt::format("  v{:<3} = ", k);
        line += oi.name;
        for (unsigned a = 0; a < oi.nargs; ++a)
            line += fmt::format("{}v{}", a ? ", " : " ", in.args[a]);
        switch (in.op) {
            case Opcode::Const: line += fmt::format(" {:#x}", in.imm); break;
            case Opcode::GetReg:
            case Opcode::SetReg:
                line += fmt::format(
                    " {}{}", oi.nargs ? ", " : " ",
                    in.imm < 32 ? fmt::format("x{}", in.imm) : fmt::format("f{}", in.imm - 32));
                break;
            case Opcode::Call0:
            case Opcode::Call1:
            case Opcode::Call2:
            case Opcode::Call3: line += fmt::format(" [helper {}]", in.imm); break;
            case Opcode::GuardFp: line += fmt::format("  ; pc {:#x}", in.imm); break;
            case Opcode::ExitIf:
            case Opcode::ExitIfNot: line += fmt::format(" -> {:#x}", in.imm); break;
            default:
                if (is_memory(in.op))
                    line += fmt::format("  ; pc {:#x}", in.imm);
                else if (is_fp(in.op))
                    line += fmt::format(" [{} rm {}]", (in.imm >> 24) & 1 ? "s" : "d",
                                        (in.imm >> 16) & 0xff);
                break;
        }
        out += line + "\n";
    }
    switch (b.term.kind) {
        case Terminal::Kind::Jump: out += fmt::format("  jump {:#x}\n", b.term.taken); break;
        case Terminal::Kind::Branch:
            out += fmt::format("  branch v{} ? {:#x} : {:#x}\n", b.term.value, b.term.taken,
                               b.term.fallthrough);
            break;
        case Terminal::Kind::Indirect:
            out += fmt::format("  jump indirect v{}\n", b.term.value);
            break;
        case Terminal::Kind::Exit:
            out += fmt::format("  exit to engine at {:#x}\n", b.term.taken);
            break;
    }
    return out;
}

std::string verify(const Block& b) {
    const auto n = static_cast<Value>(b.insts.size());
    auto check_use = [&](Value user, Value v) -> std::string {
        if (v >= n) return fmt::format("v{} uses v{}, which does not exist", user, v);
        if (v >= user) return fmt::format("v{} uses v{} before its definition", user, v);
        const Opcode op = b.insts[v].op;
        if (info(op).result != Type::I64)
            return fmt::format("v{} uses v{} ({}), which has no value", user, v, info(op).name);
        return {};
    };
    for (Value k = 0; k < n; ++k) {
        const Inst& in = b.insts[k];
        if (in.op >= Opcode::Count) return fmt::format("v{} has a bad opcode", k);
        const OpInfo& oi = info(in.op);
        for (unsigned a = 0; a < 3; ++a) {
            if (a < oi.nargs) {
                if (auto e = check_use(k, in.args[a]); !e.empty()) return e;
            } else if (in.args[a] != kNoValue && in.op != Opcode::Nop) {
                return fmt::format("v{} ({}) has an extra argument", k, oi.name);
            }
        }
        if ((in.op == Opcode::GetReg || in.op == Opcode::SetReg) && (in.imm <= 0 || in.imm > 63))
            return fmt::format("v{} names guest register {}", k, in.imm);
    }
    const Terminal& t = b.term;
    if (t.kind == Terminal::Kind::Branch || t.kind == Terminal::Kind::Indirect) {
        if (auto e = check_use(n, t.value); !e.empty()) return "terminal: " + e;
    }
    return {};
}

}  // namespace xvm::ir
