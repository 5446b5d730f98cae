#include "core/elf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace xvm {

namespace {

bool in_range(uint64_t size, uint64_t offset, uint64_t len) {
    return offset <= size && len <= size - offset;
}

std::string cstr_at(std::span<const uint8_t> strtab, uint64_t off) {
    if (off >= strtab.size()) return {};
    const char* p = reinterpret_cast<const char*>(strtab.data()) + off;
    return std::string(p, strnlen(p, strtab.size() - off));
}

std::string machine_name(uint16_t m) {
    switch (m) {
        case EM_RISCV: return "RISC-V";
        case EM_X86_64: return "x86-64";
        case EM_386: return "i386";
        case EM_AARCH64: return "AArch64";
        case EM_ARM: return "ARM";
        case EM_PPC64: return "PowerPC64";
        case EM_S390: return "s390";
        case EM_MIPS: return "MIPS";
        case EM_LOONGARCH: return "LoongArch";
        default: return "e_machine " + std::to_string(m);
    }
}

}  // namespace

Result<ElfFile> ElfFile::open(const std::string& path, uint16_t machine) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(path + ": " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(path + ": not a regular file");
    }
    std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            ::close(fd);
            return make_error(path +
                              ": read failed: " + (n < 0 ? std::strerror(errno) : "file shrank"));
        }
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    return parse(std::move(bytes), path, machine);
}

Result<ElfFile> ElfFile::parse(std::vector<uint8_t> bytes, const std::string& name,
                               uint16_t machine) {
    ElfFile f;
    f.name_ = name;
    f.bytes_ = std::move(bytes);
    const uint64_t size = f.bytes_.size();
    auto fail = [&](const std::string& why) { return make_error(name + ": " + why); };

    if (size < 4 || std::memcmp(f.bytes_.data(), ELFMAG, SELFMAG) != 0)
        return fail("not an ELF file");
    if (size < sizeof(Elf64_Ehdr)) return fail("truncated ELF header");
    if (f.bytes_[EI_CLASS] != ELFCLASS64) return fail("not a 64-bit ELF file");
    if (f.bytes_[EI_DATA] != ELFDATA2LSB) return fail("not a little-endian ELF file");
    std::memcpy(&f.ehdr_, f.bytes_.data(), sizeof f.ehdr_);
    if (f.ehdr_.e_machine != machine)
        return fail("wrong architecture: " + machine_name(f.ehdr_.e_machine) + ", expected " +
                    machine_name(machine));

    if (f.ehdr_.e_phnum) {
        if (f.ehdr_.e_phentsize != sizeof(Elf64_Phdr)) return fail("bad program header size");
        if (!in_range(size, f.ehdr_.e_phoff, uint64_t{f.ehdr_.e_phnum} * sizeof(Elf64_Phdr)))
            return fail("program headers lie outside the file");
        f.phdrs_.resize(f.ehdr_.e_phnum);
        std::memcpy(f.phdrs_.data(), f.bytes_.data() + f.ehdr_.e_phoff,
                    f.phdrs_.size() * sizeof(Elf64_Phdr));
        for (const auto& ph : f.phdrs_) {
            if (ph.p_type == PT_LOAD || ph.p_type == PT_INTERP) {
                if (!in_range(size, ph.p_offset, ph.p_filesz))
                    return fail("segment data lies outside the file (truncated?)");
                if (ph.p_filesz > ph.p_memsz) return fail("segment file size exceeds memory size");
            }
        }
    }

    // Sections are optional for running but needed by the disassembler; a bad
    // section table is an error only if present.
    if (f.ehdr_.e_shnum) {
        if (f.ehdr_.e_shentsize != sizeof(Elf64_Shdr)) return fail("bad section header size");
        if (!in_range(size, f.ehdr_.e_shoff, uint64_t{f.ehdr_.e_shnum} * sizeof(Elf64_Shdr)))
            return fail("section headers lie outside the file");
        std::vector<Elf64_Shdr> sh(f.ehdr_.e_shnum);
        std::memcpy(sh.data(), f.bytes_.data() + f.ehdr_.e_shoff, sh.size() * sizeof(Elf64_Shdr));
        std::span<const uint8_t> shstr;
        if (f.ehdr_.e_shstrndx < sh.size()) {
            const auto& s = sh[f.ehdr_.e_shstrndx];
            shstr = f.slice(s.sh_offset, s.sh_size);
        }
        for (const auto& s : sh) {
            f.sections_.push_back({cstr_at(shstr, s.sh_name), s.sh_type, s.sh_flags, s.sh_addr,
                                   s.sh_offset, s.sh_type == SHT_NOBITS ? 0 : s.sh_size});
            if (s.sh_type != SHT_NOBITS && !in_range(size, s.sh_offset, s.sh_size))
                return fail("section '" + f.sections_.back().name + "' lies outside the file");
        }
        auto load_symbols = [&](uint32_t type) {
            for (const auto& s : sh) {
                if (s.sh_type != type || s.sh_entsize != sizeof(Elf64_Sym)) continue;
                if (s.sh_link >= sh.size()) continue;
                auto strtab = f.slice(sh[s.sh_link].sh_offset, sh[s.sh_link].sh_size);
                auto data = f.slice(s.sh_offset, s.sh_size);
                for (size_t off = 0; off + sizeof(Elf64_Sym) <= data.size();
                     off += sizeof(Elf64_Sym)) {
                    Elf64_Sym sym;
                    std::memcpy(&sym, data.data() + off, sizeof sym);
                    f.symbols_.push_back({cstr_at(strtab, sym.st_name), sym.st_value, sym.st_size,
                                          static_cast<uint8_t>(ELF64_ST_TYPE(sym.st_info)),
                                          sym.st_shndx});
                }
            }
        };
        load_symbols(SHT_SYMTAB);
        if (f.symbols_.empty()) load_symbols(SHT_DYNSYM);
    }
    return f;
}

std::span<const uint8_t> ElfFile::slice(uint64_t offset, uint64_t size) const {
    if (!in_range(bytes_.size(), offset, size)) return {};
    return std::span<const uint8_t>(bytes_).subspan(offset, size);
}

std::string ElfFile::interpreter() const {
    for (const auto& ph : phdrs_) {
        if (ph.p_type != PT_INTERP) continue;
        auto s = slice(ph.p_offset, ph.p_filesz);
        const char* p = reinterpret_cast<const char*>(s.data());
        return std::string(p, strnlen(p, s.size()));
    }
    return {};
}

}  // namespace xvm
