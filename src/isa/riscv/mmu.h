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
    uint64_t recalls = 0;  // slow paths served by a cached entry or a TLB victim, no walk
};

class Mmu {
  public:
    // Address spaces whose translations stay cached across satp writes (one set
    // of TLBs each, tagged with the satp value, least recently used recycled).
    static constexpr unsigned kAddressSpaces = 8;  // fetch keys give them 3 bits

    Mmu(PrivState& ps, const mem::Bus& bus);

    // The TLB for data accesses (the effective privilege, MPRV aware) and for
    // fetch, in the current address space. Valid until the next flush or
    // address-space switch.
    mem::Tlb& data_tlb() { return tlb_for(ps_.data_priv(), false); }
    mem::Tlb& fetch_tlb() { return tlb_for(ps_.priv, true); }

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
    bool pmp_allows(uint64_t pa, unsigned size, Access a, Priv p) const {
        const uint8_t need = a == Access::Read ? 1 : a == Access::Write ? 2 : 4;
        return (pmp_perms(pmp_match(pa, size), p) & need) != 0;
    }

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

    // Every cached translation, in every address space (sfence.vma x0, x0; PMP
    // and MXR changes; a page that became code).
    void flush_all();
    // sfence.vma with an address, any ASID: that page, in every address space.
    void flush_page(uint64_t va);
    // sfence.vma x0, asid: the address spaces with that ASID (global mappings
    // go too, which the spec allows).
    void flush_asid(uint64_t asid);
    // After a satp write: the TLB set tagged with the new satp, or a recycled
    // one. Translations cached under an ASID are kept until an sfence.vma that
    // covers them (privileged spec, "Supervisor Address Translation and
    // Protection Register"), which the flushes above honour.
    void switch_address_space();
    // The key under which the engine caches virtual pc -> code (Cpu::fetch_epoch):
    // a generation from bit 5 up, bumped by every flush (and by the engine when
    // code is written, by devices on DMA: kFetchGeneration at a time), then the
    // address-space set (bits 2-4) and the privilege (bits 0-1), which translate
    // fetches. A cached pc holds while the key it was cached under is current:
    // traps, returns and switches between live address spaces change the low
    // bits only, so coming back finds the entries good again.
    static constexpr uint64_t kFetchGeneration = 32;
    void set_fetch_key(uint64_t* k) {
        fetch_key_ = k;
        refresh_fetch_key();
    }
    // After a privilege change (or anything that may have changed it unseen).
    void refresh_fetch_key();
    void new_fetch_generation();
    // The current TLB of slot k (U, S, M, S+SUM); its stats() cover every address space.
    const mem::Tlb& tlb(unsigned k) const {
        return k == 2 ? m_tlb_[0] : space_->tlbs[k == 3 ? 2 : k];
    }
    const MmuStats& stats() const { return stats_; }

  private:
    // One data TLB per way of seeing memory: U, S, and S with SUM (Linux
    // toggles SUM around every user copy; separate TLBs make that free), and
    // fetch TLBs of their own: in one direct-mapped TLB a code page and a data
    // page with the same index evict each other on every pass of a loop (most
    // of Linux's remaining misses). M mode does not translate, so its TLBs are
    // shared by every address space.
    enum : unsigned { kDataU, kDataS, kDataSum, kFetchU, kFetchS, kTlbsPerSpace };
    struct AddressSpace {
        uint64_t satp = 0;
        uint64_t last_used = 0;
        bool valid = false;  // holds translations for `satp` (else flush before use)
        mem::Tlb tlbs[kTlbsPerSpace];
        void flush() {
            for (auto& t : tlbs) t.flush();
        }
    };
    mem::Tlb& tlb_for(Priv p, bool fetch) {
        if (p == Priv::M) return m_tlb_[fetch];
        // The engine switches on every satp write (PrivState::kAddressSpace);
        // tests and benchmarks that write satp directly switch here.
        if (space_->satp != ps_.satp()) [[unlikely]]
            switch_address_space();
        if (fetch) return space_->tlbs[p == Priv::U ? kFetchU : kFetchS];
        if (p == Priv::U) return space_->tlbs[kDataU];
        return space_->tlbs[(ps_.mstatus() & mstatus::SUM) ? kDataSum : kDataS];
    }

    // Translates and fills the TLB entry when the page is plain RAM the PMP allows.
    bool fill(uint64_t va, Access a, uint64_t& pa, Fault& f);
    // `leaf`, when given, receives the leaf PTE as it is after the walk (A/D set).
    bool walk(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f, uint64_t* leaf = nullptr,
              int* leaf_level = nullptr);
    bool satp_mode_bare() const { return (ps_.satp() >> 60) == 0; }
    // The physical address of a host pointer from a TLB entry (always RAM).
    uint64_t ram_pa(uintptr_t host) const {
        const mem::GuestRam* ram = bus_.ram();
        return ram->base() + (host - reinterpret_cast<uintptr_t>(ram->host(ram->base())));
    }
    // Index of the first PMP entry matching [pa, pa+size), -1 for none, -2 for
    // a partial match (an access fault).
    int pmp_match(uint64_t pa, unsigned size) const {
        const PmpRange& c = pmp_last_;
        if (pa >= c.lo && pa + size <= c.hi && c.generation == ps_.pmp_generation()) return c.match;
        return pmp_scan(pa, size);
    }
    int pmp_scan(uint64_t pa, unsigned size) const;
    // The accesses (pmpcfg R=1, W=2, X=4) a match allows privilege p.
    uint8_t pmp_perms(int match, Priv p) const {
        if (match == -2) return 0;
        // No match: M mode may access; S and U may not, since entries exist.
        if (match == -1) return p == Priv::M ? 7 : 0;
        const uint8_t cfg = ps_.pmp()[match].cfg;
        if (p == Priv::M && !(cfg & 0x80)) return 7;
        return cfg & 7;
    }

    PrivState& ps_;
    const mem::Bus& bus_;
    mem::TlbStats slot_stats_[4];  // U, S, M, S+SUM
    AddressSpace spaces_[kAddressSpaces];
    AddressSpace* space_ = &spaces_[0];  // the one for ps_.satp()
    uint64_t use_clock_ = 0;
    mem::Tlb m_tlb_[2];  // data, fetch
    // The last PMP decision and the addresses [lo, hi) it holds for: a miss
    // checks the PMP up to eight times (walk levels, fill, access), almost
    // always inside one region.
    struct PmpRange {
        uint64_t lo = 1, hi = 0;  // empty
        int match = -1;
        uint64_t generation = 0;
    };
    mutable PmpRange pmp_last_;
    MmuStats stats_;
    uint8_t* watch_ = nullptr;
    uint64_t watch_base_ = 0, watch_pages_ = 0;
    bool watch_hit_ = false;
    uint64_t watch_hit_pa_ = 0;
    uint64_t* fetch_key_ = nullptr;
};

}  // namespace xvm::riscv
