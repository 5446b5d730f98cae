// A bounds-checked reader of ELF64 files: every offset and size from the file is
// validated before use, so a corrupt file gives a clear error, never a crash.
#pragma once

#include <elf.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace xvm {

struct ElfSection {
    std::string name;
    uint32_t type;
    uint64_t flags;
    uint64_t addr;
    uint64_t offset;
    uint64_t size;
};

struct ElfSymbol {
    std::string name;
    uint64_t value;
    uint64_t size;
    uint8_t type;  // STT_*
    uint16_t shndx;
};

class ElfFile {
  public:
    // Reads and validates `path`. `machine` is the required e_machine (EM_RISCV).
    static Result<ElfFile> open(const std::string& path, uint16_t machine);
    // Same, from bytes already in memory (tests, fuzzing).
    static Result<ElfFile> parse(std::vector<uint8_t> bytes, const std::string& name,
                                 uint16_t machine);

    const Elf64_Ehdr& header() const { return ehdr_; }
    const std::vector<Elf64_Phdr>& segments() const { return phdrs_; }
    const std::vector<ElfSection>& sections() const { return sections_; }
    // Symbols of .symtab (or .dynsym when stripped), in file order.
    const std::vector<ElfSymbol>& symbols() const { return symbols_; }
    std::span<const uint8_t> bytes() const { return bytes_; }
    // File bytes [offset, offset+size); empty if out of range.
    std::span<const uint8_t> slice(uint64_t offset, uint64_t size) const;
    // The PT_INTERP path, or empty.
    std::string interpreter() const;
    const std::string& name() const { return name_; }

  private:
    std::string name_;
    std::vector<uint8_t> bytes_;
    Elf64_Ehdr ehdr_{};
    std::vector<Elf64_Phdr> phdrs_;
    std::vector<ElfSection> sections_;
    std::vector<ElfSymbol> symbols_;
};

}  // namespace xvm
