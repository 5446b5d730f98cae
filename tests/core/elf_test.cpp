#include "core/elf.h"

#include <gtest/gtest.h>

#include <cstring>

namespace xvm {
namespace {

std::vector<uint8_t> minimal_elf() {
    std::vector<uint8_t> b(sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 16, 0);
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_phoff = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_offset = sizeof eh + sizeof ph;
    ph.p_filesz = 16;
    ph.p_memsz = 32;
    std::memcpy(b.data(), &eh, sizeof eh);
    std::memcpy(b.data() + sizeof eh, &ph, sizeof ph);
    return b;
}

TEST(ElfFile, ParsesAValidFile) {
    auto f = ElfFile::parse(minimal_elf(), "t", EM_RISCV);
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->segments().size(), 1u);
    EXPECT_TRUE(f->interpreter().empty());
}

TEST(ElfFile, NamesTheReasonForBadFiles) {
    auto bad = [](std::vector<uint8_t> b) {
        auto f = ElfFile::parse(std::move(b), "prog", EM_RISCV);
        EXPECT_FALSE(f.ok());
        return f.ok() ? std::string() : f.error().message;
    };
    EXPECT_EQ(bad({}), "prog: not an ELF file");
    EXPECT_EQ(bad({0x7f, 'E', 'L', 'F'}), "prog: truncated ELF header");
    auto b = minimal_elf();
    b[EI_CLASS] = ELFCLASS32;
    EXPECT_EQ(bad(b), "prog: not a 64-bit ELF file");
    b = minimal_elf();
    b[offsetof(Elf64_Ehdr, e_machine)] = EM_X86_64;
    EXPECT_EQ(bad(b), "prog: wrong architecture: x86-64, expected RISC-V");
    b = minimal_elf();
    b.resize(b.size() - 8);  // segment data cut off
    EXPECT_NE(bad(b).find("outside the file"), std::string::npos);
    b = minimal_elf();
    b[offsetof(Elf64_Ehdr, e_phoff)] = 0xff;  // headers beyond the end
    EXPECT_NE(bad(b).find("outside the file"), std::string::npos);
}

TEST(ElfFile, SurvivesEveryTruncation) {
    const auto full = minimal_elf();
    for (size_t n = 0; n < full.size(); ++n) {
        std::vector<uint8_t> b(full.begin(), full.begin() + static_cast<long>(n));
        auto f = ElfFile::parse(std::move(b), "t", EM_RISCV);
        EXPECT_FALSE(f.ok()) << n;
    }
}

TEST(ElfFile, MissingFileIsAnError) {
    auto f = ElfFile::open("/nonexistent/xvm-test", EM_RISCV);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().message, "/nonexistent/xvm-test: No such file or directory");
}

}  // namespace
}  // namespace xvm
