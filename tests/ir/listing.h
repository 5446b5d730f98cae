// Block listings for before/after assertions: print() without the header line,
// one instruction per line, single spaces, so expectations read like the IR.
#pragma once

#include <sstream>
#include <string>

#include "ir/ir.h"

namespace xvm::ir::test {

inline std::string listing(const Block& b) {
    std::istringstream in(print(b));
    std::string line, out;
    std::getline(in, line);  // "block 0x... (n guest instructions)"
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string w, joined;
        while (words >> w) {
            if (w == "," && !joined.empty())
                joined += ",";
            else
                joined += (joined.empty() ? "" : " ") + w;
        }
        out += joined + "\n";
    }
    return out;
}

// Live (non-Nop) instructions.
inline size_t live(const Block& b) {
    size_t n = 0;
    for (const Inst& in : b.insts) n += in.op != Opcode::Nop;
    return n;
}

}  // namespace xvm::ir::test
