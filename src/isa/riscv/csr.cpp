#include "isa/riscv/csr.h"

#include <time.h>

namespace xvm::riscv {

namespace {
// The time CSR counts at 10 MHz, the timebase of QEMU's virt board and of the
// device tree xvm generates.
uint64_t time_10mhz() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 10'000'000ull +
           static_cast<uint64_t>(ts.tv_nsec) / 100;
}
}  // namespace

bool csr_read(const Cpu& cpu, uint32_t csr, uint64_t& out) {
    switch (csr) {
        case kCsrFflags: out = cpu.fflags; return true;
        case kCsrFrm: out = cpu.frm; return true;
        case kCsrFcsr: out = cpu.frm << 5 | cpu.fflags; return true;
        case kCsrCycle: out = cpu.instret; return true;
        case kCsrInstret: out = cpu.instret; return true;
        case kCsrTime: out = time_10mhz(); return true;
        default: return false;
    }
}

bool csr_write(Cpu& cpu, uint32_t csr, uint64_t value) {
    switch (csr) {
        case kCsrFflags: cpu.fflags = value & 0x1f; return true;
        case kCsrFrm: cpu.frm = value & 7; return true;
        case kCsrFcsr:
            cpu.fflags = value & 0x1f;
            cpu.frm = (value >> 5) & 7;
            return true;
        default: return false;
    }
}

}  // namespace xvm::riscv
