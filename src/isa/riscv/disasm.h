// RISC-V disassembler that prints what GNU objdump (binutils 2.40) prints: ABI
// register names, objdump's aliases and pseudo-instructions, compressed forms as
// their expansions. The objdump quirks it reproduces are listed in disasm.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "isa/riscv/insn.h"

namespace xvm::riscv {

// Privileged spec version; it decides which CSR numbers have names (objdump takes
// it from the ELF's .riscv.attributes and defaults to the newest, 1.12).
enum class PrivSpec : uint8_t { v1_10, v1_11, v1_12 };

// objdump's mnemonic+operands column for one instruction at `pc`: "mnemonic" or
// "mnemonic\toperands". Branch and jump targets are absolute hex addresses without
// 0x, as objdump prints them before its " <symbol>" suffix. Encodings xvm does not
// know print as ".2byte 0x..." / ".4byte 0x...".
std::string disassemble(const Decoded& d, uint64_t pc, PrivSpec priv = PrivSpec::v1_12);

// Name of a CSR number, or empty if objdump prints it as a number.
std::string_view csr_name(unsigned csr, PrivSpec priv = PrivSpec::v1_12);

// objdump's " # address" comments. objdump remembers the value each lui/auipc put
// in a register and, when a later addi/load/store/jalr uses that register as its
// base (or uses gp, tp or zero), prints the address formed. The state persists
// across a whole linear sweep, like objdump's, so feed every instruction in order.
class AddressComments {
  public:
    // `gp`: value of __global_pointer$, if the file has that symbol.
    explicit AddressComments(std::optional<uint64_t> gp = std::nullopt);
    // The address objdump prints after this instruction, if any.
    std::optional<uint64_t> next(const Decoded& d, uint64_t pc);

  private:
    std::optional<uint64_t> use(unsigned base, int64_t offset, bool wide);

    static constexpr uint64_t kUnknown = ~0ull;
    std::array<uint64_t, 32> hi_;
    std::optional<uint64_t> gp_;
};

}  // namespace xvm::riscv
