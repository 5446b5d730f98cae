// Loads a riscv64 Linux executable (static, static-PIE or dynamic) into a fresh
// address space and builds the initial stack the kernel would: argc, argv, envp,
// auxv (Linux fs/binfmt_elf.c create_elf_tables; psABI "Process Initialization").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "mem/address_space.h"
#include "user/memory_map.h"

namespace xvm::user {

struct LoadRequest {
    std::string path;               // the program, as given by the user
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> envp;
    std::string sysroot;            // where PT_INTERP paths are resolved first
};

struct LoadedImage {
    uint64_t entry = 0;       // where execution starts (the interpreter's entry if any)
    uint64_t sp = 0;          // initial stack pointer (points at argc)
    uint64_t brk = 0;         // initial program break
    uint64_t load_bias = 0;   // of the main executable
    uint64_t interp_base = 0; // 0 without an interpreter
    std::string interp_path;  // host path of the interpreter actually loaded
};

Result<LoadedImage> load_program(const LoadRequest& req, mem::AddressSpace& space,
                                 MemoryMap& map);

// AT_HWCAP for the ISA xvm implements: one bit per single-letter extension.
uint64_t riscv_hwcap();

}  // namespace xvm::user
