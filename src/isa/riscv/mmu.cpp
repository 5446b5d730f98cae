#include "isa/riscv/mmu.h"

#include <algorithm>
#include <atomic>

namespace xvm::riscv {

namespace {

// PTE bits (privileged spec, "Sv32" page-table entry format, common to Sv39+).
enum : uint64_t { V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128 };
constexpr uint64_t kPpnMask = ((1ull << 44) - 1) << 10;
constexpr uint64_t kReservedBits = ~((1ull << 54) - 1);  // N, PBMT, reserved: no Svnapot/Svpbmt

uint64_t page_fault(Access a) {
    return a == Access::Fetch ? kExcInsnPage : a == Access::Write ? kExcStorePage : kExcLoadPage;
}
uint64_t access_fault(Access a) {
    return a == Access::Fetch   ? kExcInsnAccess
           : a == Access::Write ? kExcStoreAccess
                                : kExcLoadAccess;
}

}  // namespace

Mmu::Mmu(PrivState& ps, const mem::Bus& bus) : ps_(ps), bus_(bus) {
    // Counted per slot of tlb(k): U, S, M, S+SUM (fetches with their privilege's data).
    const unsigned slot[kTlbsPerSpace] = {0, 1, 3, 0, 1};
    for (auto& s : spaces_)
        for (unsigned k = 0; k < kTlbsPerSpace; ++k) s.tlbs[k].share_stats(&slot_stats_[slot[k]]);
    for (auto& t : m_tlb_) t.share_stats(&slot_stats_[2]);
    space_->satp = ps_.satp();
    space_->valid = true;
}

void Mmu::flush_all() {
    // The current address space now, the others when next selected.
    for (auto& s : spaces_) s.valid = false;
    space_->flush();
    space_->satp = ps_.satp();
    space_->valid = true;
    for (auto& t : m_tlb_) t.flush();
    new_fetch_generation();
}

void Mmu::flush_page(uint64_t va) {
    for (auto& s : spaces_)
        if (s.valid)
            for (auto& t : s.tlbs) t.flush_page(va);
    // M mode translates nothing: its TLB depends on the PMP only.
    new_fetch_generation();
}

void Mmu::flush_asid(uint64_t asid) {
    // satp.ASID, bits 59:44 (privileged spec, "satp"); higher rs2 bits are ignored.
    asid &= 0xffff;
    for (auto& s : spaces_) {
        if (!s.valid || ((s.satp >> 44) & 0xffff) != asid) continue;
        if (&s == space_)
            s.flush();
        else
            s.valid = false;
    }
    new_fetch_generation();
}

void Mmu::new_fetch_generation() {
    if (fetch_key_)
        std::atomic_ref<uint64_t>(*fetch_key_)
            .fetch_add(kFetchGeneration, std::memory_order_relaxed);
}

void Mmu::refresh_fetch_key() {
    static_assert(kAddressSpaces <= 8 && kFetchGeneration == 32);
    if (!fetch_key_) return;
    // Only this hart writes the low bits; devices add generations concurrently.
    std::atomic_ref<uint64_t> key(*fetch_key_);
    const uint64_t low =
        static_cast<uint64_t>(space_ - spaces_) << 2 | static_cast<uint64_t>(ps_.priv);
    const uint64_t old = key.load(std::memory_order_relaxed) & (kFetchGeneration - 1);
    if (low != old) key.fetch_add(low - old, std::memory_order_relaxed);
}

void Mmu::switch_address_space() {
    // Fetches translate differently from now on: another key (a recycled set's
    // entries describe its previous address space: a new generation too).
    const uint64_t satp = ps_.satp();
    if (space_->satp == satp) return;
    AddressSpace* pick = nullptr;
    for (auto& s : spaces_) {
        if (s.valid && s.satp == satp) {
            pick = &s;
            break;
        }
    }
    if (!pick) {  // recycle an empty set, else the least recently used
        pick = &spaces_[0];
        for (auto& s : spaces_) {
            if (!s.valid) {
                pick = &s;
                break;
            }
            if (s.last_used < pick->last_used) pick = &s;
        }
        pick->flush();
        pick->satp = satp;
        pick->valid = true;
        new_fetch_generation();
    }
    pick->last_used = ++use_clock_;
    space_ = pick;
    refresh_fetch_key();
}

int Mmu::pmp_scan(uint64_t pa, unsigned size) const {
    // Entries in priority order (privileged spec, "Priority and Matching
    // Logic"). [vlo, vhi) shrinks to the addresses whose decision is the one
    // found: inside the match, clear of every higher-priority entry.
    const PmpEntry* e = ps_.pmp();
    uint64_t prev_top = 0, vlo = 0, vhi = ~0ull;
    int match = -1;
    for (unsigned k = 0; k < PrivState::kPmpEntries; ++k) {
        const unsigned mode = (e[k].cfg >> 3) & 3;
        uint64_t lo = 0, hi = 0;  // [lo, hi)
        if (mode == 1) {          // TOR
            lo = prev_top;
            hi = e[k].addr << 2;
        } else if (mode == 2) {  // NA4
            lo = e[k].addr << 2;
            hi = lo + 4;
        } else if (mode == 3) {  // NAPOT
            const uint64_t ones = __builtin_ctzll(~e[k].addr);
            const uint64_t bytes = ones >= 54 ? ~0ull : (8ull << ones);
            lo = (e[k].addr << 2) & ~(bytes - 1);
            hi = bytes == ~0ull ? ~0ull : lo + bytes;
        }
        prev_top = e[k].addr << 2;
        if (mode == 0) continue;  // OFF
        // Any byte overlapping counts as a match; a partial match fails the access.
        if (pa < hi && pa + size > lo) {
            if (pa < lo || pa + size > hi) return -2;  // not cached: rare
            match = static_cast<int>(k);
            vlo = std::max(vlo, lo);
            vhi = std::min(vhi, hi);
            break;
        }
        if (pa >= hi)
            vlo = std::max(vlo, hi);
        else
            vhi = std::min(vhi, lo);  // pa + size <= lo
    }
    pmp_last_ = {vlo, vhi, match, ps_.pmp_generation()};
    return match;
}

bool Mmu::walk(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f, uint64_t* leaf,
               int* leaf_level) {
    const uint64_t satp = ps_.satp();
    const uint64_t mode = satp >> 60;
    if (p == Priv::M || mode == 0) {
        pa = va;
        if (leaf) *leaf = V | R | W | X | A | D | (p == Priv::U ? uint64_t{U} : 0);
        return true;
    }
    ++stats_.walks;
    const unsigned levels = mode == 8 ? 3 : mode == 9 ? 4 : 5;
    const unsigned va_bits = 12 + 9 * levels;
    // The address must be the sign extension of its low va_bits.
    if (static_cast<uint64_t>(static_cast<int64_t>(va << (64 - va_bits)) >> (64 - va_bits)) != va) {
        f = {page_fault(a), va};
        return false;
    }
    const uint64_t st = ps_.mstatus();
    const bool sum = st & mstatus::SUM, mxr = st & mstatus::MXR;
    uint64_t table = (satp & ((1ull << 44) - 1)) << 12;
    for (int level = static_cast<int>(levels) - 1; level >= 0; --level) {
        const uint64_t vpn = (va >> (12 + 9 * level)) & 0x1ff;
        const uint64_t pte_addr = table + vpn * 8;
        uint8_t* host = bus_.ram_ptr(pte_addr, 8);
        if (!host || !pmp_allows(pte_addr, 8, Access::Read, Priv::S)) {
            f = {access_fault(a), va};
            return false;
        }
        std::atomic_ref<uint64_t> slot(*reinterpret_cast<uint64_t*>(host));
        uint64_t pte = slot.load(std::memory_order_acquire);
        if (!(pte & V) || (!(pte & R) && (pte & W)) || (pte & kReservedBits)) {
            f = {page_fault(a), va};
            return false;
        }
        if (!(pte & (R | X))) {  // pointer to the next level
            table = ((pte & kPpnMask) >> 10) << 12;
            continue;
        }
        // Leaf: permissions.
        bool ok;
        switch (a) {
            case Access::Fetch: ok = pte & X; break;
            case Access::Write: ok = pte & W; break;
            default: ok = (pte & R) || (mxr && (pte & X)); break;
        }
        if (p == Priv::U && !(pte & U)) ok = false;
        if (p == Priv::S && (pte & U) && (a == Access::Fetch || !sum)) ok = false;
        // Superpages must be aligned: the low PPN fields are zero.
        const uint64_t ppn = (pte & kPpnMask) >> 10;
        if (level > 0 && (ppn & ((1ull << (9 * level)) - 1))) ok = false;
        if (!ok) {
            f = {page_fault(a), va};
            return false;
        }
        // A and D, set atomically against other harts and the guest's own updates.
        const uint64_t need = A | (a == Access::Write ? uint64_t{D} : 0);
        while ((pte & need) != need) {
            if (slot.compare_exchange_weak(pte, pte | need, std::memory_order_acq_rel)) break;
            if (!(pte & V)) {
                f = {page_fault(a), va};
                return false;
            }
        }
        const uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
        pa = (ppn << 12 & ~offset_mask) | (va & offset_mask);
        if (leaf) *leaf = pte | need;
        if (leaf_level) *leaf_level = level;
        return true;
    }
    f = {page_fault(a), va};
    return false;
}

bool Mmu::translate(uint64_t va, Access a, Priv p, uint64_t& pa, Fault& f) {
    return walk(va, a, p, pa, f, nullptr);
}

bool Mmu::fill(uint64_t va, Access a, uint64_t& pa, Fault& f) {
    const Priv p = a == Access::Fetch ? ps_.priv : ps_.data_priv();
    mem::Tlb& tlb = tlb_for(p, a == Access::Fetch);
    ++tlb.stats().misses;
    const uint64_t page_va = va & ~mem::Tlb::kPageMask;
    // Cached after all: in the entry (an access the inline check cannot take,
    // misaligned say) or among the victims. No walk.
    auto tag = [a](const mem::TlbEntry& e) {
        return a == Access::Read ? e.tag_read : a == Access::Write ? e.tag_write : e.tag_fetch;
    };
    const mem::TlbEntry* cached = &tlb.entry(va);
    if (tag(*cached) != page_va) cached = tlb.recall(va);
    if (cached && tag(*cached) == page_va) {
        ++stats_.recalls;
        pa = ram_pa(va + cached->addend);
        return true;
    }
    uint64_t pte = 0;
    int level = 0;
    if (!walk(va, a, p, pa, f, &pte, &level)) return false;
    const uint64_t page_pa = pa & ~mem::Tlb::kPageMask;
    uint8_t* host = bus_.ram_ptr(page_pa, 4096);
    // Cache only plain RAM whose PMP decision is the same for the whole page.
    const int pmp = host ? pmp_match(page_pa, 4096) : -2;
    if (pmp == -2) return true;
    const uint8_t pmp_ok = pmp_perms(pmp, p);
    // Loads and stores share a TLB: both tags are filled, so one walk serves both.
    const uint64_t st = ps_.mstatus();
    const bool user_page = pte & U;
    const bool priv_ok = p == Priv::M || satp_mode_bare() ||
                         (p == Priv::U ? user_page : (!user_page || (st & mstatus::SUM)));
    const bool fetch = a == Access::Fetch;
    const bool fetch_ok =
        fetch && (p == Priv::M || satp_mode_bare() || (p == Priv::U ? user_page : !user_page)) &&
        (pte & X) && (pmp_ok & 4);
    const bool read_ok =
        !fetch && priv_ok && ((pte & R) || ((st & mstatus::MXR) && (pte & X))) && (pmp_ok & 1);
    const bool write_ok = !fetch && priv_ok && (pte & W) && (pte & D) && (pmp_ok & 2);
    mem::TlbEntry& e = tlb.fill(va, mem::Tlb::kPageShift + 9 * level);
    e.addend = reinterpret_cast<uintptr_t>(host) - page_va;
    e.tag_read = read_ok ? page_va : mem::Tlb::kInvalid;
    e.tag_write = write_ok ? (watched(page_pa) ? page_va | mem::Tlb::kSlowPath : page_va)
                           : mem::Tlb::kInvalid;
    e.tag_fetch = fetch_ok ? page_va : mem::Tlb::kInvalid;
    return true;
}

bool Mmu::load(uint64_t va, unsigned size, uint64_t& out, Fault& f) {
    // A misaligned access that crosses a page is split into bytes (each can fault).
    if ((va & mem::Tlb::kPageMask) + size > 4096) {
        out = 0;
        for (unsigned k = 0; k < size; ++k) {
            uint64_t b;
            if (!load(va + k, 1, b, f)) return false;
            out |= b << (8 * k);
        }
        return true;
    }
    uint64_t pa;
    if (!fill(va, Access::Read, pa, f)) return false;
    // Cached now: RAM the PMP allows, as the inline path would access it.
    const mem::TlbEntry& e = data_tlb().entry(va);
    if (e.tag_read == (va & ~mem::Tlb::kPageMask)) {
        out = 0;
        std::memcpy(&out, reinterpret_cast<const void*>(va + e.addend), size);
        return true;
    }
    const Priv p = ps_.data_priv();
    if (!pmp_allows(pa, size, Access::Read, p)) {
        f = {kExcLoadAccess, va};
        return false;
    }
    if (!bus_.ram_ptr(pa, size)) ++stats_.mmio_accesses;
    if (!bus_.read(pa, size, out)) {
        f = {kExcLoadAccess, va};
        return false;
    }
    return true;
}

bool Mmu::store(uint64_t va, unsigned size, uint64_t value, Fault& f) {
    if ((va & mem::Tlb::kPageMask) + size > 4096) {
        // Check both pages first so a fault leaves memory untouched.
        uint64_t pa;
        if (!walk(va, Access::Write, ps_.data_priv(), pa, f)) return false;
        if (!walk(va + size - 1, Access::Write, ps_.data_priv(), pa, f)) return false;
        for (unsigned k = 0; k < size; ++k)
            if (!store(va + k, 1, value >> (8 * k), f)) return false;
        return true;
    }
    uint64_t pa;
    if (!fill(va, Access::Write, pa, f)) return false;
    // Cached now, and not watched (a watched page's tag holds kSlowPath).
    const mem::TlbEntry& e = data_tlb().entry(va);
    if (e.tag_write == (va & ~mem::Tlb::kPageMask)) {
        std::memcpy(reinterpret_cast<void*>(va + e.addend), &value, size);
        return true;
    }
    if (!pmp_allows(pa, size, Access::Write, ps_.data_priv())) {
        f = {kExcStoreAccess, va};
        return false;
    }
    if (!bus_.ram_ptr(pa, size)) ++stats_.mmio_accesses;
    if (!bus_.write(pa, size, value)) {
        f = {kExcStoreAccess, va};
        return false;
    }
    if (watched(pa)) {
        watch_hit_ = true;
        watch_hit_pa_ = pa;
    }
    return true;
}

bool Mmu::fetch(uint64_t va, uint16_t& out, Fault& f, uint64_t* pa_out) {
    mem::Tlb& t = fetch_tlb();
    mem::TlbEntry& e = t.entry(va);
    if (e.tag_fetch == mem::Tlb::key(va, 2)) {
        const uintptr_t host = va + e.addend;
        std::memcpy(&out, reinterpret_cast<void*>(host), 2);
        if (pa_out) *pa_out = ram_pa(host);
        return true;
    }
    uint64_t pa;
    if (!fill(va, Access::Fetch, pa, f)) return false;
    if (!pmp_allows(pa, 2, Access::Fetch, ps_.priv)) {
        f = {kExcInsnAccess, va};
        return false;
    }
    // Code only runs from RAM.
    const uint8_t* host = bus_.ram_ptr(pa, 2);
    if (!host) {
        f = {kExcInsnAccess, va};
        return false;
    }
    std::memcpy(&out, host, 2);
    if (pa_out) *pa_out = pa;
    return true;
}

uint8_t* Mmu::atomic_ptr(uint64_t va, unsigned size, Fault& f, bool store) {
    if (va & (size - 1)) {
        f = {store ? kExcStoreMisaligned : kExcLoadMisaligned, va};
        return nullptr;
    }
    // A cached write permission implies read (W without R is reserved) and RAM.
    const mem::TlbEntry& e = data_tlb().entry(va);
    const uint64_t page = va & ~mem::Tlb::kPageMask;
    if ((store ? e.tag_write : e.tag_read) == page)
        return reinterpret_cast<uint8_t*>(va + e.addend);
    uint64_t pa;
    const Access a = store ? Access::Write : Access::Read;
    if (!fill(va, a, pa, f)) return nullptr;
    if ((store ? e.tag_write : e.tag_read) == page)
        return reinterpret_cast<uint8_t*>(va + e.addend);
    // Not cacheable (PMP boundary inside the page, a watched page for a store):
    // check this access alone.
    const Priv p = ps_.data_priv();
    uint8_t* host = bus_.ram_ptr(pa, size);
    if (!host || !pmp_allows(pa, size, Access::Read, p) ||
        (store && !pmp_allows(pa, size, Access::Write, p))) {
        f = {store ? kExcStoreAccess : kExcLoadAccess, va};
        return nullptr;
    }
    if (store && watched(pa)) {
        watch_hit_ = true;
        watch_hit_pa_ = pa;
    }
    return host;
}

}  // namespace xvm::riscv
