// `xvm disasm FILE`: an objdump -d style listing of a RISC-V ELF file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "core/elf.h"
#include "isa/riscv/disasm.h"

namespace xvm {

struct DisasmOptions {
    std::string section;            // only this section; empty: every executable one
    std::optional<uint64_t> start;  // first address to list
    std::optional<uint64_t> stop;   // list addresses below this one
    bool raw = true;                // show the instruction bits column
    std::FILE* out = stdout;
    std::FILE* err = stderr;
};

// The privileged spec the file's .riscv.attributes name (objdump names CSRs after it),
// or the newest if it names none.
riscv::PrivSpec elf_priv_spec(const ElfFile& elf);

// Prints the listing; on a missing, unreadable, non-ELF or non-RISC-V file prints one
// line naming the file and the reason to `err` and returns 1.
int run_disasm(const std::string& path, const DisasmOptions& opts);

}  // namespace xvm
