// The RISC-V soft MMU of system mode: Sv39/Sv48/Sv57 page walks with A/D bits
// updated atomically, MPRV/SUM/MXR, superpage checks, PMP, and the per-privilege
// soft TLBs whose hits never get here (privileged spec, "Supervisor-Level ISA",
// "Physical Memory Protection").
#pragma once

#include <cstdint>
#include <cstring>

#include "isa/riscv/priv.h"
#include "mem/bus.h"
#include "mem/tlb.h"

namespace xvm::riscv {

enum class Access : uint8_t { Read, Write, Fetch };

struct Fault {
    uint64_t cause = 0;
    uint64_t tval = 0;
};

struct MmuStats {
    uint64_t walks = 0;
    uint64_t mmio_accesses = 0;
};

class Mmu {
public:
    Mmu(PrivState& ps, const mem::Bus& bus) : ps_(ps), bus_(bus) {}

    // The TLB for data accesses (the effective privilege, MPRV aware) and for fetch.
    mem::Tlb& data_tlb() { return tlbs_[slot(ps_.data_priv())]; }
    mem::Tlb& fetch_tlb() { return tlbs_[slot(ps_.priv)]; }

    // Slow paths, on a TLB miss: translate, check, fill the TLB, access. False
    // means a guest exception, described in `f`.
    bool load(uint64_t va, unsigned size, uint64_t& out, Fault& f);
    bool store(uint64_t va, unsigned size, uint64_t value, Fault& f);
    bool fetch(uint64_t va, uint16_t& out, Fault& f);
    // A host pointer for an atomic access (AMO, LR/SC) of `size` bytes: must be
    // aligned RAM with read and write permission.
    uint8_t* atomic_ptr(uint64_t va, unsigned size, Fault& f);

    // Translation only (A/D bits are still updated as an access would).
    bool translate(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f);
    // PMP: may `priv` access [pa, pa+size) this way?
    bool pmp_allows(uint64_t pa, unsigned size, Access a, Priv p) const;

    void flush_all() {
        for (auto& t : tlbs_) t.flush();
    }
    void flush_page(uint64_t va) {
        for (auto& t : tlbs_) t.flush_page(va);
    }
    const mem::Tlb& tlb(unsigned k) const { return tlbs_[k]; }
    const MmuStats& stats() const { return stats_; }

private:
    static unsigned slot(Priv p) { return p == Priv::M ? 2 : static_cast<unsigned>(p); }
    // Translates and fills the TLB entry when the page is plain RAM the PMP allows.
    bool fill(uint64_t va, Access a, uint64_t& pa, Fault& f);
    // `leaf`, when given, receives the leaf PTE as it is after the walk (A/D set).
    bool walk(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f, uint64_t* leaf = nullptr);
    bool satp_mode_bare() const { return (ps_.satp() >> 60) == 0; }
    // Index of the first PMP entry matching [pa, pa+size), or -1.
    int pmp_match(uint64_t pa, unsigned size) const;

    PrivState& ps_;
    const mem::Bus& bus_;
    mem::Tlb tlbs_[3];  // U, S, M
    MmuStats stats_;
};

}  // namespace xvm::riscv
