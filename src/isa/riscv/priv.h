// Privileged architecture state of one hart (privileged spec 1.12): privilege
// mode, machine/supervisor CSRs, trap entry and return, interrupt selection.
// Device-driven interrupt bits arrive asynchronously through `set_irq_line`.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "isa/riscv/cpu.h"

namespace xvm::riscv {

enum class Priv : uint8_t { U = 0, S = 1, M = 3 };

// mstatus / sstatus fields (privileged spec, "Machine Status Registers").
namespace mstatus {
inline constexpr uint64_t SIE = 1ull << 1, MIE = 1ull << 3, SPIE = 1ull << 5, UBE = 1ull << 6,
                          MPIE = 1ull << 7, SPP = 1ull << 8, VS = 3ull << 9, MPP = 3ull << 11,
                          FS = 3ull << 13, XS = 3ull << 15, MPRV = 1ull << 17, SUM = 1ull << 18,
                          MXR = 1ull << 19, TVM = 1ull << 20, TW = 1ull << 21, TSR = 1ull << 22,
                          UXL = 3ull << 32, SXL = 3ull << 34, SBE = 1ull << 36, MBE = 1ull << 37,
                          SD = 1ull << 63;
inline constexpr uint64_t kFsDirty = 3ull << 13;
// The bits sstatus shows of mstatus.
inline constexpr uint64_t kSstatusMask =
    SIE | SPIE | UBE | SPP | VS | FS | XS | SUM | MXR | UXL | SD;
}  // namespace mstatus

// Interrupt numbers = mip/mie bit positions ("Machine Interrupt Registers").
enum Irq : unsigned {
    kIrqSSoft = 1,
    kIrqMSoft = 3,
    kIrqSTimer = 5,
    kIrqMTimer = 7,
    kIrqSExt = 9,
    kIrqMExt = 11,
};

// Synchronous exception causes ("Machine Cause Register", table of codes).
enum Exc : uint64_t {
    kExcInsnMisaligned = 0,
    kExcInsnAccess = 1,
    kExcIllegal = 2,
    kExcBreakpoint = 3,
    kExcLoadMisaligned = 4,
    kExcLoadAccess = 5,
    kExcStoreMisaligned = 6,
    kExcStoreAccess = 7,
    kExcEcallU = 8,
    kExcEcallS = 9,
    kExcEcallM = 11,
    kExcInsnPage = 12,
    kExcLoadPage = 13,
    kExcStorePage = 15,
};
inline constexpr uint64_t kInterruptBit = 1ull << 63;

struct PmpEntry {
    uint8_t cfg = 0;
    uint64_t addr = 0;  // pmpaddr: physical address >> 2
};

class PrivState {
  public:
    static constexpr unsigned kPmpEntries = 16;

    explicit PrivState(uint64_t hartid = 0) : mhartid_(hartid) { reset(); }
    void reset();

    Priv priv = Priv::M;

    // CSR access with every privilege rule of Zicsr and the privileged spec.
    // Returns false when the access is illegal (raise an illegal-instruction trap).
    // `time` is the current value of the time counter (CLINT mtime).
    bool csr_read(Cpu& cpu, uint32_t csr, uint64_t time, uint64_t& out) const;
    // Whether csr_read of `csr` looks at `time` (reading the clock costs more
    // than most CSR accesses: callers pass 0 for the others).
    static bool csr_reads_time(uint32_t csr);
    bool csr_write(Cpu& cpu, uint32_t csr, uint64_t value);
    // What changed on the last csr_write that the engine must act on.
    // kAddressSpace: satp changed; the MMU selects that address space's TLBs.
    enum Effect : uint32_t {
        kNone = 0,
        kTlbFlush = 1,
        kInterruptsChanged = 2,
        kCodeFlush = 4,
        kAddressSpace = 8,
    };
    uint32_t take_effects() { return std::exchange(effects_, 0u); }
    bool has_effects() const { return effects_ != 0; }

    // Trap entry: saves pc/cause/tval, switches privilege per delegation, and
    // returns the new pc (vectored mode applies to interrupts).
    uint64_t take_trap(Cpu& cpu, uint64_t cause, uint64_t tval);
    // mret / sret: returns the pc to continue at, or false if illegal here.
    bool mret(Cpu& cpu, uint64_t& pc);
    bool sret(Cpu& cpu, uint64_t& pc);
    // WFI is illegal in U mode, and in S mode with mstatus.TW.
    bool wfi_allowed() const;
    bool sfence_allowed() const {
        return priv == Priv::M || (priv == Priv::S && !(mstatus_ & mstatus::TVM));
    }

    // The interrupt to take now (cause with kInterruptBit), or 0.
    uint64_t pending_interrupt(uint64_t time) const;
    // Whether pending_interrupt's answer can depend on `time` (Sstc on and its
    // timer interrupt enabled in mie).
    bool interrupts_need_time() const { return (menvcfg_ >> 63) && ((mie_ >> kIrqSTimer) & 1); }
    // Any interrupt pending and enabled in mie, whatever the global enables
    // (what WFI waits for).
    bool wfi_wakeup(uint64_t time) const { return (mip(time) & mie_) != 0; }

    // Device lines (CLINT, PLIC): thread-safe.
    void set_irq_line(unsigned bit, bool level) {
        if (level)
            hw_mip_.fetch_or(1ull << bit, std::memory_order_acq_rel);
        else
            hw_mip_.fetch_and(~(1ull << bit), std::memory_order_acq_rel);
    }
    uint64_t mip(uint64_t time) const;

    // Data accesses use MPP's privilege when MPRV is set (and not in M... per spec).
    Priv data_priv() const {
        if ((mstatus_ & mstatus::MPRV) && priv == Priv::M)
            return static_cast<Priv>((mstatus_ >> 11) & 3);
        return priv;
    }
    uint64_t mstatus() const { return mstatus_; }
    uint64_t satp() const { return satp_; }
    bool fp_enabled() const { return (mstatus_ & mstatus::FS) != 0; }
    void set_fp_dirty() { mstatus_ |= mstatus::kFsDirty | mstatus::SD; }
    // For compiled code, which checks FS and sets it dirty itself (GuardFp).
    uint64_t* mstatus_location() { return &mstatus_; }
    uint64_t hartid() const { return mhartid_; }
    const PmpEntry* pmp() const { return pmp_; }
    // Changes with every pmpcfg/pmpaddr write (the MMU caches PMP decisions).
    uint64_t pmp_generation() const { return pmp_generation_; }
    uint64_t menvcfg() const { return menvcfg_; }

  private:
    bool counter_enabled(uint32_t csr) const;
    void write_mstatus(uint64_t v);
    void write_satp(uint64_t v);

    uint64_t mhartid_;
    uint64_t mstatus_ = 0;
    uint64_t misa_ = 0;
    uint64_t medeleg_ = 0, mideleg_ = 0;
    uint64_t mie_ = 0;
    uint64_t sw_mip_ = 0;              // software-writable bits (SSIP, STIP, SEIP)
    std::atomic<uint64_t> hw_mip_{0};  // device lines (MSIP, MTIP, MEIP, SEIP)
    uint64_t mtvec_ = 0, stvec_ = 0;
    uint64_t mepc_ = 0, sepc_ = 0;
    uint64_t mcause_ = 0, scause_ = 0;
    uint64_t mtval_ = 0, stval_ = 0;
    uint64_t mscratch_ = 0, sscratch_ = 0;
    uint64_t satp_ = 0;
    uint64_t menvcfg_ = 0, senvcfg_ = 0;
    uint32_t mcounteren_ = 0, scounteren_ = 0, mcountinhibit_ = 0;
    uint64_t stimecmp_ = ~0ull;
    PmpEntry pmp_[kPmpEntries];
    uint64_t pmp_generation_ = 1;
    uint32_t effects_ = 0;
};

}  // namespace xvm::riscv
