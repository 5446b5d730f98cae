#include "isa/riscv/priv.h"

#include <utility>

#include "isa/riscv/csr.h"

namespace xvm::riscv {

namespace {

using namespace mstatus;

// CSR numbers (privileged spec, "CSR Listing").
enum : uint32_t {
    kSstatus = 0x100,
    kSie = 0x104,
    kStvec = 0x105,
    kScounteren = 0x106,
    kSenvcfg = 0x10a,
    kSscratch = 0x140,
    kSepc = 0x141,
    kScause = 0x142,
    kStval = 0x143,
    kSip = 0x144,
    kStimecmp = 0x14d,
    kSatp = 0x180,
    kMstatus = 0x300,
    kMisa = 0x301,
    kMedeleg = 0x302,
    kMideleg = 0x303,
    kMie = 0x304,
    kMtvec = 0x305,
    kMcounteren = 0x306,
    kMenvcfg = 0x30a,
    kMcountinhibit = 0x320,
    kMhpmevent3 = 0x323,
    kMhpmevent31 = 0x33f,
    kMscratch = 0x340,
    kMepc = 0x341,
    kMcause = 0x342,
    kMtval = 0x343,
    kMip = 0x344,
    kPmpcfg0 = 0x3a0,
    kPmpcfg15 = 0x3af,
    kPmpaddr0 = 0x3b0,
    kPmpaddr63 = 0x3ef,
    kMcycle = 0xb00,
    kMinstret = 0xb02,
    kMhpmcounter3 = 0xb03,
    kMhpmcounter31 = 0xb1f,
    kCycle = 0xc00,
    kTime = 0xc01,
    kInstret = 0xc02,
    kHpmcounter3 = 0xc03,
    kHpmcounter31 = 0xc1f,
    kMvendorid = 0xf11,
    kMarchid = 0xf12,
    kMimpid = 0xf13,
    kMhartid = 0xf14,
    kMconfigptr = 0xf15,
};

constexpr uint64_t kSIntr = (1u << kIrqSSoft) | (1u << kIrqSTimer) | (1u << kIrqSExt);
constexpr uint64_t kAllIntr = kSIntr | (1u << kIrqMSoft) | (1u << kIrqMTimer) | (1u << kIrqMExt);
// medeleg: every synchronous cause but ecall from M (which cannot be delegated).
constexpr uint64_t kDelegableExc = 0xb3ff;
constexpr uint64_t kXlen64 = 2;

uint64_t misa_value() {
    uint64_t ext = 0;
    for (char c : {'A', 'C', 'D', 'F', 'I', 'M', 'S', 'U'}) ext |= 1ull << (c - 'A');
    return kXlen64 << 62 | ext;
}

uint64_t with_sd(uint64_t s) {
    const bool dirty = ((s & FS) == FS) || ((s & XS) == XS) || ((s & VS) == VS);
    return dirty ? s | SD : s & ~SD;
}

}  // namespace

void PrivState::reset() {
    priv = Priv::M;
    misa_ = misa_value();
    mstatus_ = kXlen64 << 32 | kXlen64 << 34;  // UXL = SXL = 64
    medeleg_ = mideleg_ = mie_ = sw_mip_ = 0;
    hw_mip_.store(0);
    mtvec_ = stvec_ = mepc_ = sepc_ = mcause_ = scause_ = mtval_ = stval_ = 0;
    mscratch_ = sscratch_ = satp_ = menvcfg_ = senvcfg_ = 0;
    mcounteren_ = scounteren_ = mcountinhibit_ = 0;
    stimecmp_ = ~0ull;
    for (auto& p : pmp_) p = {};
    ++pmp_generation_;
    effects_ = 0;
}

uint64_t PrivState::mip(uint64_t time) const {
    uint64_t m = sw_mip_ | hw_mip_.load(std::memory_order_acquire);
    if (menvcfg_ >> 63) {  // Sstc: STIP follows stimecmp
        m &= ~(1ull << kIrqSTimer);
        if (time >= stimecmp_) m |= 1ull << kIrqSTimer;
    }
    return m;
}

bool PrivState::counter_enabled(uint32_t csr) const {
    const unsigned bit = csr & 31;
    if (priv == Priv::M) return true;
    if (!((mcounteren_ >> bit) & 1)) return false;
    if (priv == Priv::U && !((scounteren_ >> bit) & 1)) return false;
    return true;
}

bool PrivState::csr_reads_time(uint32_t csr) {
    return csr == kTime || csr == kSip || csr == kMip;
}

bool PrivState::csr_read(Cpu& cpu, uint32_t csr, uint64_t time, uint64_t& out) const {
    if (static_cast<unsigned>(priv) < ((csr >> 8) & 3)) return false;
    switch (csr) {
        case kCsrFflags:
        case kCsrFrm:
        case kCsrFcsr:
            if (!fp_enabled()) return false;
            return riscv::csr_read(cpu, csr, out);
        case kCycle:
        case kInstret:
            if (!counter_enabled(csr)) return false;
            out = cpu.instret;
            return true;
        case kTime:
            if (!counter_enabled(csr)) return false;
            out = time;
            return true;
        case kSstatus: out = with_sd(mstatus_) & kSstatusMask; return true;
        case kSie: out = mie_ & mideleg_; return true;
        case kStvec: out = stvec_; return true;
        case kScounteren: out = scounteren_; return true;
        case kSenvcfg: out = senvcfg_; return true;
        case kSscratch: out = sscratch_; return true;
        case kSepc: out = sepc_; return true;
        case kScause: out = scause_; return true;
        case kStval: out = stval_; return true;
        case kSip: out = mip(time) & mideleg_; return true;
        case kStimecmp:
            if (priv == Priv::S && (!(menvcfg_ >> 63) || !(mcounteren_ & 2))) return false;
            out = stimecmp_;
            return true;
        case kSatp:
            if (priv == Priv::S && (mstatus_ & TVM)) return false;
            out = satp_;
            return true;
        case kMstatus: out = with_sd(mstatus_); return true;
        case kMisa: out = misa_; return true;
        case kMedeleg: out = medeleg_; return true;
        case kMideleg: out = mideleg_; return true;
        case kMie: out = mie_; return true;
        case kMtvec: out = mtvec_; return true;
        case kMcounteren: out = mcounteren_; return true;
        case kMenvcfg: out = menvcfg_; return true;
        case kMcountinhibit: out = mcountinhibit_; return true;
        case kMscratch: out = mscratch_; return true;
        case kMepc: out = mepc_; return true;
        case kMcause: out = mcause_; return true;
        case kMtval: out = mtval_; return true;
        case kMip: out = mip(time); return true;
        case kMcycle:
        case kMinstret: out = cpu.instret; return true;
        case kMvendorid:
        case kMarchid:
        case kMimpid:
        case kMconfigptr: out = 0; return true;
        case kMhartid: out = mhartid_; return true;
        default: break;
    }
    if (csr >= kPmpcfg0 && csr <= kPmpcfg15) {
        if (csr & 1) return false;  // odd pmpcfg registers do not exist on RV64
        const unsigned first = (csr - kPmpcfg0) * 4;
        out = 0;
        for (unsigned k = 0; k < 8 && first + k < kPmpEntries; ++k)
            out |= uint64_t{pmp_[first + k].cfg} << (8 * k);
        return true;
    }
    if (csr >= kPmpaddr0 && csr <= kPmpaddr63) {
        const unsigned k = csr - kPmpaddr0;
        out = k < kPmpEntries ? pmp_[k].addr : 0;
        return true;
    }
    // Performance counters this hart does not implement read as zero.
    if ((csr >= kMhpmcounter3 && csr <= kMhpmcounter31) ||
        (csr >= kMhpmevent3 && csr <= kMhpmevent31)) {
        out = 0;
        return true;
    }
    if (csr >= kHpmcounter3 && csr <= kHpmcounter31) {
        if (!counter_enabled(csr)) return false;
        out = 0;
        return true;
    }
    return false;
}

void PrivState::write_mstatus(uint64_t v) {
    constexpr uint64_t kWritable =
        SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    uint64_t n = (mstatus_ & ~kWritable) | (v & kWritable);
    // MPP is WARL over {U, S, M}: the reserved value 2 keeps the old one.
    if (((n >> 11) & 3) == 2) n = (n & ~MPP) | (mstatus_ & MPP);
    // The MMU keeps a TLB per privilege (and for S with SUM), so only MXR changes
    // what a cached translation allows.
    if ((n ^ mstatus_) & MXR) effects_ |= kTlbFlush;
    if ((n ^ mstatus_) & (MIE | SIE)) effects_ |= kInterruptsChanged;
    mstatus_ = n;
}

void PrivState::write_satp(uint64_t v) {
    // Bare, Sv39, Sv48 and Sv57; any other mode leaves satp unchanged (WARL; Linux
    // probes Sv57, Sv48, Sv39 in turn and reads back).
    const uint64_t mode = v >> 60;
    if (mode != 0 && mode != 8 && mode != 9 && mode != 10) return;
    satp_ = mode << 60 | (v & (0xffffull << 44)) | (v & ((1ull << 44) - 1));
    // Decoded blocks are checked against their physical page on entry, so a new
    // address space needs only its own TLBs (Mmu::switch_address_space).
    effects_ |= kAddressSpace;
}

bool PrivState::csr_write(Cpu& cpu, uint32_t csr, uint64_t v) {
    if (static_cast<unsigned>(priv) < ((csr >> 8) & 3)) return false;
    if (csr_read_only(csr)) return false;
    switch (csr) {
        case kCsrFflags:
        case kCsrFrm:
        case kCsrFcsr:
            if (!fp_enabled()) return false;
            set_fp_dirty();
            return riscv::csr_write(cpu, csr, v);
        case kSstatus: {
            constexpr uint64_t kW = SIE | SPIE | SPP | FS | SUM | MXR;
            write_mstatus((mstatus_ & ~kW) | (v & kW));
            return true;
        }
        case kSie: {
            const uint64_t mask = mideleg_ & kSIntr;
            mie_ = (mie_ & ~mask) | (v & mask);
            effects_ |= kInterruptsChanged;
            return true;
        }
        case kStvec: stvec_ = v & ~uint64_t{2}; return true;
        case kScounteren: scounteren_ = static_cast<uint32_t>(v & 7); return true;
        case kSenvcfg: senvcfg_ = v & 1; return true;
        case kSscratch: sscratch_ = v; return true;
        case kSepc: sepc_ = v & ~uint64_t{1}; return true;
        case kScause: scause_ = v; return true;
        case kStval: stval_ = v; return true;
        case kSip: {
            const uint64_t mask = mideleg_ & (1ull << kIrqSSoft);
            sw_mip_ = (sw_mip_ & ~mask) | (v & mask);
            effects_ |= kInterruptsChanged;
            return true;
        }
        case kStimecmp:
            if (priv == Priv::S && (!(menvcfg_ >> 63) || !(mcounteren_ & 2))) return false;
            stimecmp_ = v;
            effects_ |= kInterruptsChanged;
            return true;
        case kSatp:
            if (priv == Priv::S && (mstatus_ & TVM)) return false;
            write_satp(v);
            return true;
        case kMstatus: write_mstatus(v); return true;
        case kMisa: return true;  // fixed (WARL)
        case kMedeleg: medeleg_ = v & kDelegableExc; return true;
        case kMideleg:
            mideleg_ = v & kSIntr;
            effects_ |= kInterruptsChanged;
            return true;
        case kMie:
            mie_ = v & kAllIntr;
            effects_ |= kInterruptsChanged;
            return true;
        case kMtvec: mtvec_ = v & ~uint64_t{2}; return true;
        case kMcounteren: mcounteren_ = static_cast<uint32_t>(v & 7); return true;
        case kMenvcfg:
            menvcfg_ = v & (1ull << 63 | 1);
            effects_ |= kInterruptsChanged;
            return true;
        case kMcountinhibit: mcountinhibit_ = static_cast<uint32_t>(v & ~2u); return true;
        case kMscratch: mscratch_ = v; return true;
        case kMepc: mepc_ = v & ~uint64_t{1}; return true;
        case kMcause: mcause_ = v; return true;
        case kMtval: mtval_ = v; return true;
        case kMip: {
            // SSIP, STIP (unless Sstc drives it) and SEIP are writable by software.
            uint64_t mask = (1ull << kIrqSSoft) | (1ull << kIrqSExt);
            if (!(menvcfg_ >> 63)) mask |= 1ull << kIrqSTimer;
            sw_mip_ = (sw_mip_ & ~mask) | (v & mask);
            effects_ |= kInterruptsChanged;
            return true;
        }
        case kMcycle:
        case kMinstret: return true;  // counters free-run from instret
        default: break;
    }
    if (csr >= kPmpcfg0 && csr <= kPmpcfg15) {
        if (csr & 1) return false;
        const unsigned first = (csr - kPmpcfg0) * 4;
        for (unsigned k = 0; k < 8 && first + k < kPmpEntries; ++k) {
            PmpEntry& e = pmp_[first + k];
            if (e.cfg & 0x80) continue;  // locked
            uint8_t c = static_cast<uint8_t>(v >> (8 * k)) & 0x9f;
            if ((c & 3) == 2) c &= ~3;  // W without R is reserved: treat as no access
            e.cfg = c;
        }
        ++pmp_generation_;
        effects_ |= kTlbFlush;
        return true;
    }
    if (csr >= kPmpaddr0 && csr <= kPmpaddr63) {
        const unsigned k = csr - kPmpaddr0;
        if (k >= kPmpEntries) return true;
        const bool next_tor_locked =
            k + 1 < kPmpEntries && (pmp_[k + 1].cfg & 0x80) && ((pmp_[k + 1].cfg >> 3) & 3) == 1;
        if (!(pmp_[k].cfg & 0x80) && !next_tor_locked) pmp_[k].addr = v & ((1ull << 54) - 1);
        ++pmp_generation_;
        effects_ |= kTlbFlush;
        return true;
    }
    if ((csr >= kMhpmcounter3 && csr <= kMhpmcounter31) ||
        (csr >= kMhpmevent3 && csr <= kMhpmevent31))
        return true;  // not implemented: stay zero
    return false;
}

uint64_t PrivState::take_trap(Cpu& cpu, uint64_t cause, uint64_t tval) {
    const bool interrupt = cause & kInterruptBit;
    const uint64_t code = cause & ~kInterruptBit;
    const uint64_t deleg = interrupt ? mideleg_ : medeleg_;
    const uint64_t pc = cpu.pc;
    if (priv != Priv::M && code < 64 && ((deleg >> code) & 1)) {
        scause_ = cause;
        sepc_ = pc;
        stval_ = tval;
        uint64_t s = mstatus_;
        s = (s & ~SPIE) | ((s & SIE) ? SPIE : 0);
        s &= ~SIE;
        s = (s & ~SPP) | (priv == Priv::S ? SPP : 0);
        mstatus_ = s;
        priv = Priv::S;
        const uint64_t base = stvec_ & ~uint64_t{3};
        return (interrupt && (stvec_ & 1)) ? base + 4 * code : base;
    }
    mcause_ = cause;
    mepc_ = pc;
    mtval_ = tval;
    uint64_t s = mstatus_;
    s = (s & ~MPIE) | ((s & MIE) ? MPIE : 0);
    s &= ~MIE;
    s = (s & ~MPP) | (static_cast<uint64_t>(priv) << 11);
    mstatus_ = s;
    priv = Priv::M;
    const uint64_t base = mtvec_ & ~uint64_t{3};
    return (interrupt && (mtvec_ & 1)) ? base + 4 * code : base;
}

bool PrivState::mret(Cpu&, uint64_t& pc) {
    if (priv != Priv::M) return false;
    const auto next = static_cast<Priv>((mstatus_ >> 11) & 3);
    uint64_t s = mstatus_;
    s = (s & ~MIE) | ((s & MPIE) ? MIE : 0);
    s |= MPIE;
    s &= ~MPP;  // least-privileged mode: U
    if (next != Priv::M) s &= ~MPRV;
    mstatus_ = s;
    priv = next;
    pc = mepc_;
    effects_ |= kInterruptsChanged;
    return true;
}

bool PrivState::sret(Cpu&, uint64_t& pc) {
    if (priv == Priv::U || (priv == Priv::S && (mstatus_ & TSR))) return false;
    const Priv next = (mstatus_ & SPP) ? Priv::S : Priv::U;
    uint64_t s = mstatus_;
    s = (s & ~SIE) | ((s & SPIE) ? SIE : 0);
    s |= SPIE;
    s &= ~SPP;
    s &= ~MPRV;  // sret always returns below M
    mstatus_ = s;
    priv = next;
    pc = sepc_;
    effects_ |= kInterruptsChanged;
    return true;
}

bool PrivState::wfi_allowed() const {
    if (priv == Priv::M) return true;
    if (priv == Priv::S) return !(mstatus_ & TW);
    return false;
}

uint64_t PrivState::pending_interrupt(uint64_t time) const {
    const uint64_t pending = mip(time) & mie_;
    if (!pending) return 0;
    // Priority: MEI, MSI, MTI, SEI, SSI, STI ("Machine Interrupt Registers").
    static constexpr unsigned kOrder[] = {kIrqMExt, kIrqMSoft, kIrqMTimer,
                                          kIrqSExt, kIrqSSoft, kIrqSTimer};
    const uint64_t m_level = pending & ~mideleg_;
    const bool m_enabled = priv != Priv::M || (mstatus_ & MIE);
    const uint64_t s_level = pending & mideleg_;
    const bool s_enabled = priv == Priv::U || (priv == Priv::S && (mstatus_ & SIE));
    // Interrupts for M mode go first, then those delegated to S.
    if (m_enabled)
        for (unsigned irq : kOrder)
            if ((m_level >> irq) & 1) return kInterruptBit | irq;
    if (s_enabled)
        for (unsigned irq : kOrder)
            if ((s_level >> irq) & 1) return kInterruptBit | irq;
    return 0;
}

}  // namespace xvm::riscv
