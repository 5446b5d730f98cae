// A hart's MMU over 64 MiB of RAM at kRam, with PMP opened to everything, and
// helpers that build Sv39 page tables in that RAM (tables from kRam + 64 KiB).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "isa/riscv/mmu.h"

namespace xvm::riscv::test {

inline constexpr uint64_t kRam = 0x80000000;
inline constexpr uint32_t kSatp = 0x180, kPmpcfg0 = 0x3a0, kPmpaddr0 = 0x3b0;
enum : uint64_t { V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128 };

struct Sv39Fixture : ::testing::Test {
    std::unique_ptr<mem::GuestRam> ram;
    mem::Bus bus;
    Cpu cpu;
    PrivState ps{0};
    std::unique_ptr<Mmu> mmu;
    uint64_t next_table = kRam + 0x10000;

    void SetUp() override {
        auto r = mem::GuestRam::create(kRam, 64 << 20);
        ASSERT_TRUE(r.ok());
        ram = std::move(*r);
        bus.set_ram(ram.get());
        mmu = std::make_unique<Mmu>(ps, bus);
        // PMP: one NAPOT entry over everything, RWX, so S and U may access memory.
        ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0, ~0ull >> 10));
        ASSERT_TRUE(ps.csr_write(cpu, kPmpcfg0, 0x1f));
        ps.take_effects();
    }
    uint64_t pte_at(uint64_t pa) {
        uint64_t v = 0;
        ram->read_value(pa, v);
        return v;
    }
    void set_pte(uint64_t pa, uint64_t v) { ram->write(pa, &v, 8); }
    uint64_t alloc_table() {
        const uint64_t t = next_table;
        next_table += 4096;
        return t;
    }
    // Maps va -> pa at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) in an Sv39 table;
    // returns the leaf PTE's address.
    uint64_t map(uint64_t root, uint64_t va, uint64_t pa, uint64_t flags, int level = 0) {
        uint64_t table = root;
        for (int l = 2; l > level; --l) {
            const uint64_t slot = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
            uint64_t pte = pte_at(slot);
            if (!(pte & V)) {
                pte = (alloc_table() >> 12) << 10 | V;
                set_pte(slot, pte);
            }
            table = (pte >> 10) << 12;
        }
        const uint64_t leaf = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
        set_pte(leaf, (pa >> 12) << 10 | flags | V);
        return leaf;
    }
    static uint64_t sv39(uint64_t root, uint64_t asid = 0) {
        return 8ull << 60 | asid << 44 | root >> 12;
    }
};

}  // namespace xvm::riscv::test
