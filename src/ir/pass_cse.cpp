// Common-subexpression elimination: a pure instruction that repeats an earlier
// one (same op, same arguments, same immediate) uses the earlier value. Lifted
// RISC-V code repeats widenings (Zext32 of the same register for every W-form
// shift) and constants; this removes them before register allocation.
#include <vector>

#include "ir/passes.h"

namespace xvm::ir {

namespace {

// A value computed from its arguments alone (GetReg reads state that SetReg
// changes).
bool pure(Opcode op) {
    return op != Opcode::GetReg && !has_effect(op) && info(op).result == Type::I64;
}

struct Key {
    Opcode op;
    Value a, b, c;
    int64_t imm;
    bool operator==(const Key&) const = default;
};

struct KeyHash {
    size_t operator()(const Key& k) const {
        uint64_t h = static_cast<uint64_t>(k.op) * 0x9e3779b97f4a7c15ull;
        for (uint64_t v :
             {uint64_t{k.a}, uint64_t{k.b}, uint64_t{k.c}, static_cast<uint64_t>(k.imm)})
            h = (h ^ v) * 0x100000001b3ull;
        return static_cast<size_t>(h);
    }
};

}  // namespace

bool eliminate_common_subexpressions(Block& b) {
    const auto n = static_cast<Value>(b.insts.size());
    std::vector<Value> repl(n);
    for (Value k = 0; k < n; ++k) repl[k] = k;
    // Open addressing, at most half full: no allocation per entry.
    size_t cap = 16;
    while (cap < 2 * size_t{n}) cap *= 2;
    std::vector<Value> table(cap, kNoValue);
    std::vector<Key> keys(n);
    bool merged = false;
    auto resolve = [&](Value v) { return v == kNoValue ? v : repl[v]; };
    for (Value k = 0; k < n; ++k) {
        Inst& in = b.insts[k];
        for (unsigned a = 0; a < info(in.op).nargs; ++a) in.args[a] = resolve(in.args[a]);
        if (!pure(in.op)) continue;
        Key key{in.op, in.args[0], in.args[1], in.args[2], in.imm};
        // Commutative operations match either argument order.
        if (commutative(in.op) && key.a > key.b) std::swap(key.a, key.b);
        size_t slot = KeyHash{}(key) & (cap - 1);
        while (table[slot] != kNoValue && !(keys[table[slot]] == key))
            slot = (slot + 1) & (cap - 1);
        if (table[slot] == kNoValue) {
            table[slot] = k;
            keys[k] = key;
        } else {
            repl[k] = table[slot];
            in = Inst{};  // Nop
            merged = true;
        }
    }
    if (b.term.value != kNoValue) b.term.value = resolve(b.term.value);
    return merged;
}

}  // namespace xvm::ir
