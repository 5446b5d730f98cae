// User-level CSRs (Zicsr on fcsr, Zicntr counters). System mode adds the
// privileged ones behind the same two functions.
#pragma once

#include <cstdint>

#include "isa/riscv/cpu.h"

namespace xvm::riscv {

// Both return false when the access is illegal: an unknown CSR, or a write to a
// read-only one (CSR number bits [11:10] == 3, privileged spec "CSR Address Mapping").
bool csr_read(const Cpu& cpu, uint32_t csr, uint64_t& out);
bool csr_write(Cpu& cpu, uint32_t csr, uint64_t value);

inline bool csr_read_only(uint32_t csr) {
    return ((csr >> 10) & 3) == 3;
}

}  // namespace xvm::riscv
