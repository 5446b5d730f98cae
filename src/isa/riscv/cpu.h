// Architectural state of one RISC-V hart as the engines see it (user level; the
// privileged state joins it with system mode).
#pragma once

#include <cstdint>

namespace xvm::riscv {

// CSR numbers used at user level (privileged spec, "CSR Listing").
enum Csr : uint16_t {
    kCsrFflags = 0x001,
    kCsrFrm = 0x002,
    kCsrFcsr = 0x003,
    kCsrCycle = 0xc00,
    kCsrTime = 0xc01,
    kCsrInstret = 0xc02,
};

struct Cpu {
    // x[0] always reads zero; the decoder redirects writes of x0 to x[32], a sink,
    // so no instruction needs a branch on rd == 0.
    uint64_t x[33] = {};
    uint64_t f[32] = {};  // NaN-boxed when holding singles
    uint64_t pc = 0;
    uint32_t fflags = 0;  // accrued exceptions, fcsr[4:0]
    uint32_t frm = 0;     // dynamic rounding mode, fcsr[7:5]

    // LR/SC reservation: the address and the value seen by LR. SC succeeds only if
    // memory still holds that value (compare-and-swap), which is how host atomics
    // give the A extension's guarantees without a global lock.
    uint64_t resv_addr = ~0ull;
    uint64_t resv_value = 0;

    uint64_t instret = 0;  // retired instructions, counted at block granularity

    // Set (from any thread or a signal handler, through std::atomic_ref) to make the
    // engine return to its caller at the next block boundary. Here rather than in an
    // engine object so compiled code can test it at a fixed offset.
    uint8_t exit_request = 0;

    // System mode: the key of the engine's cache of virtual pc -> code (see
    // Mmu::set_fetch_key): it changes whenever code reached by a virtual address
    // may have changed (a TLB flush, a write to decoded code) or is seen another
    // way (privilege, address space).
    uint64_t fetch_epoch = 0;
};

inline constexpr unsigned kRegSink = 32;

// ABI names, as the disassembler and logs print them.
inline constexpr const char* kXRegName[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                              "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                              "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                              "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
inline constexpr const char* kFRegName[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

}  // namespace xvm::riscv
