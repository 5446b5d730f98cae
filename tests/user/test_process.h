// A Process for unit tests, built from a hand-written riscv64 ELF (exit(0)) in a
// temporary file: handlers and signal state can be exercised against real guest
// memory without a cross compiler.
#pragma once

#include <elf.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "user/process.h"

namespace xvm::user::test {

inline constexpr uint64_t kCodeBase = 0x10000;

// ELF header, one PT_LOAD (R+X) and three instructions: li a0,0; li a7,93; ecall.
inline std::string write_exit_elf() {
    const uint32_t code[] = {0x00000513, 0x05d00893, 0x00000073};
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    const uint64_t code_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    eh.e_entry = kCodeBase + code_off;
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_X;
    ph.p_vaddr = ph.p_paddr = kCodeBase;
    ph.p_filesz = ph.p_memsz = code_off + sizeof code;
    ph.p_align = 0x1000;
    std::vector<uint8_t> bytes(code_off + sizeof code);
    std::memcpy(bytes.data(), &eh, sizeof eh);
    std::memcpy(bytes.data() + sizeof eh, &ph, sizeof ph);
    std::memcpy(bytes.data() + code_off, code, sizeof code);
    char path[] = "/tmp/xvm-user-test-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) return {};
    const bool ok = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    close(fd);
    return ok ? path : std::string{};
}

inline std::unique_ptr<Process> make_process(const std::string& sysroot = "") {
    const std::string path = write_exit_elf();
    if (path.empty()) return nullptr;
    ProcessOptions opts;
    opts.load.path = path;
    opts.load.argv = {path, "arg1"};
    opts.load.sysroot = sysroot;
    auto p = Process::create(opts);
    unlink(path.c_str());
    if (!p) return nullptr;
    return std::move(*p);
}

// Scratch guest memory on the (mapped) guest stack, well below the initial sp.
inline uint64_t scratch(Process& p, uint64_t offset = 0) {
    return ((p.cpu().x[2] - 0x40000) & ~uint64_t{0xfff}) + offset;
}

inline uint64_t put_string(Process& p, uint64_t at, const std::string& s) {
    p.space().write(at, s.c_str(), s.size() + 1);
    return at;
}

}  // namespace xvm::user::test
