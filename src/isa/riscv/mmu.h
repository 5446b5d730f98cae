// The RISC-V soft MMU of system mode: Sv39/Sv48/Sv57 page walks with A/D bits
// updated atomically, MPRV/SUM/MXR, superpage checks, PMP, and the per-privilege
// soft TLBs whose hits never get here (privileged spec, "Supervisor-Level ISA",
// "Physical Memory Protection").
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>

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
    // `pa`, when given, receives the physical address of the fetched halfword.
    bool fetch(uint64_t va, uint16_t& out, Fault& f, uint64_t* pa = nullptr);
    // A host pointer for an atomic access of `size` bytes: aligned RAM with read
    // and write permission for an AMO or SC (`store`), read permission for LR,
    // which is a load (load faults, no D bit).
    uint8_t* atomic_ptr(uint64_t va, unsigned size, Fault& f, bool store);

    // Translation only (A/D bits are still updated as an access would).
    bool translate(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f);
    // PMP: may `priv` access [pa, pa+size) this way?
    bool pmp_allows(uint64_t pa, unsigned size, Access a, Priv p) const;

    // Watched pages: stores to them always take the slow path and are reported
    // (code the engine decoded, an HTIF mailbox). One byte per page of RAM.
    void set_watch(uint8_t* bytes, uint64_t ram_base, uint64_t pages) {
        watch_ = bytes;
        watch_base_ = ram_base;
        watch_pages_ = pages;
    }
    bool watched(uint64_t pa) const {
        const uint64_t page = (pa - watch_base_) >> 12;
        return watch_ && pa >= watch_base_ && page < watch_pages_ && watch_[page];
    }
    // True once after a store hit a watched page; `pa` receives the address.
    bool take_watch_hit(uint64_t& pa) {
        pa = watch_hit_pa_;
        return std::exchange(watch_hit_, false);
    }

    void flush_all() {
        for (auto& t : tlbs_) t.flush();
        if (flush_counter_) ++*flush_counter_;
    }
    // sfence.vma with an address: every cached piece of the mapping holding it
    // (the TLBs cache superpages as 4 KiB pieces and know which).
    void flush_page(uint64_t va) {
        for (auto& t : tlbs_) t.flush_page(va);
        if (flush_counter_) ++*flush_counter_;
    }
    // A counter bumped by every flush (the engine's Cpu::fetch_epoch).
    void set_flush_counter(uint64_t* c) { flush_counter_ = c; }
    const mem::Tlb& tlb(unsigned k) const { return tlbs_[k]; }
    const MmuStats& stats() const { return stats_; }

  private:
    // One TLB per way of seeing memory: U, S, M, and S with SUM (Linux toggles SUM
    // around every user copy; separate TLBs make that free).
    unsigned slot(Priv p) const {
        if (p == Priv::M) return 2;
        if (p == Priv::U) return 0;
        return (ps_.mstatus() & mstatus::SUM) ? 3 : 1;
    }
    // Translates and fills the TLB entry when the page is plain RAM the PMP allows.
    bool fill(uint64_t va, Access a, uint64_t& pa, Fault& f);
    // `leaf`, when given, receives the leaf PTE as it is after the walk (A/D set).
    bool walk(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f, uint64_t* leaf = nullptr,
              int* leaf_level = nullptr);
    bool satp_mode_bare() const { return (ps_.satp() >> 60) == 0; }
    // Index of the first PMP entry matching [pa, pa+size), or -1.
    int pmp_match(uint64_t pa, unsigned size) const;

    PrivState& ps_;
    const mem::Bus& bus_;
    mem::Tlb tlbs_[4];  // U, S, M, S+SUM
    MmuStats stats_;
    uint8_t* watch_ = nullptr;
    uint64_t watch_base_ = 0, watch_pages_ = 0;
    bool watch_hit_ = false;
    uint64_t watch_hit_pa_ = 0;
    uint64_t* flush_counter_ = nullptr;
};

}  // namespace xvm::riscv
