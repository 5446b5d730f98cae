#include <gtest/gtest.h>

#include "sv39_fixture.h"

namespace xvm::riscv {
namespace {

using namespace test;

struct MmuTest : Sv39Fixture {};

TEST_F(MmuTest, BareModeIsIdentity) {
    uint64_t pa;
    Fault f;
    ps.priv = Priv::S;
    ASSERT_TRUE(mmu->translate(0x80001234, Access::Read, Priv::S, pa, f));
    EXPECT_EQ(pa, 0x80001234u);
}

TEST_F(MmuTest, Sv39FourKilobytePageWithAccessedAndDirty) {
    const uint64_t root = alloc_table();
    map(root, 0x1000, kRam + 0x200000, R | W);
    ASSERT_TRUE(ps.csr_write(cpu, 0x180, sv39(root)));
    ps.priv = Priv::S;
    uint64_t pa;
    Fault f;
    ASSERT_TRUE(mmu->translate(0x1abc, Access::Read, Priv::S, pa, f));
    EXPECT_EQ(pa, kRam + 0x200abc);
    // A is set by the read, D only by a write.
    uint64_t leaf_addr = 0;
    {
        uint64_t t = root;
        for (int l = 2; l > 0; --l)
            t = (pte_at(t + ((0x1000 >> (12 + 9 * l)) & 0x1ff) * 8) >> 10) << 12;
        leaf_addr = t + 1 * 8;
    }
    EXPECT_TRUE(pte_at(leaf_addr) & A);
    EXPECT_FALSE(pte_at(leaf_addr) & D);
    uint64_t v = 0x1122334455667788;
    ASSERT_TRUE(mmu->store(0x1ab8, 8, v, f));
    EXPECT_TRUE(pte_at(leaf_addr) & D);
    uint64_t back = 0;
    ASSERT_TRUE(mmu->load(0x1ab8, 8, back, f));
    EXPECT_EQ(back, v);
    EXPECT_EQ(mmu->data_tlb().entry(0x1ab8).tag_read, 0x1000u);  // filled
}

TEST_F(MmuTest, PermissionFaultsCarryCauseAndAddress) {
    const uint64_t root = alloc_table();
    map(root, 0x1000, kRam + 0x200000, R);          // read-only, supervisor
    map(root, 0x2000, kRam + 0x201000, R | W | U);  // user page
    map(root, 0x3000, kRam + 0x202000, X);          // execute-only
    ASSERT_TRUE(ps.csr_write(cpu, 0x180, sv39(root)));
    ps.priv = Priv::S;
    uint64_t v;
    Fault f;
    EXPECT_FALSE(mmu->store(0x1000, 4, 1, f));
    EXPECT_EQ(f.cause, kExcStorePage);
    EXPECT_EQ(f.tval, 0x1000u);
    EXPECT_FALSE(mmu->load(0x2000, 4, v, f));  // S touching a U page without SUM
    EXPECT_EQ(f.cause, kExcLoadPage);
    ASSERT_TRUE(ps.csr_write(cpu, 0x100, mstatus::SUM));
    mmu->flush_all();
    EXPECT_TRUE(mmu->load(0x2000, 4, v, f));
    EXPECT_FALSE(mmu->load(0x3000, 4, v, f));  // execute-only
    ASSERT_TRUE(ps.csr_write(cpu, 0x100, mstatus::SUM | mstatus::MXR));
    mmu->flush_all();
    EXPECT_TRUE(mmu->load(0x3000, 4, v, f));  // MXR makes it readable
    ps.priv = Priv::U;
    mmu->flush_all();
    EXPECT_FALSE(mmu->load(0x1000, 4, v, f));  // U touching an S page
    uint16_t insn;
    EXPECT_FALSE(mmu->fetch(0x2000, insn, f));  // not executable
    EXPECT_EQ(f.cause, kExcInsnPage);
}

TEST_F(MmuTest, SuperpagesTranslateAndMisalignedOnesFault) {
    const uint64_t root = alloc_table();
    map(root, 0x40000000, kRam, R | W | X, 2);       // 1 GiB
    map(root, 0x200000, kRam + 0x400000, R | W, 1);  // 2 MiB
    map(root, 0x600000, kRam + 0x401000, R | W, 1);  // misaligned 2 MiB
    ASSERT_TRUE(ps.csr_write(cpu, 0x180, sv39(root)));
    ps.priv = Priv::S;
    uint64_t pa;
    Fault f;
    ASSERT_TRUE(mmu->translate(0x40123456, Access::Read, Priv::S, pa, f));
    EXPECT_EQ(pa, kRam + 0x123456);
    ASSERT_TRUE(mmu->translate(0x3fff00, Access::Write, Priv::S, pa, f));
    EXPECT_EQ(pa, kRam + 0x400000 + 0x1fff00);
    EXPECT_FALSE(mmu->translate(0x600000, Access::Read, Priv::S, pa, f));
    EXPECT_EQ(f.cause, kExcLoadPage);
}

TEST_F(MmuTest, NonCanonicalAddressesFault) {
    const uint64_t root = alloc_table();
    ASSERT_TRUE(ps.csr_write(cpu, 0x180, sv39(root)));
    uint64_t pa;
    Fault f;
    EXPECT_FALSE(mmu->translate(1ull << 40, Access::Fetch, Priv::S, pa, f));
    EXPECT_EQ(f.cause, kExcInsnPage);
}

TEST_F(MmuTest, MprvUsesThePreviousPrivilegeForData) {
    const uint64_t root = alloc_table();
    map(root, 0x1000, kRam + 0x200000, R | W | U);
    ASSERT_TRUE(ps.csr_write(cpu, 0x180, sv39(root)));
    ASSERT_TRUE(ps.csr_write(cpu, 0x300, mstatus::MPRV));  // MPP = U
    uint64_t v;
    Fault f;
    EXPECT_TRUE(mmu->load(0x1000, 8, v, f));            // translated as U
    EXPECT_FALSE(mmu->load(kRam + 0x200000, 8, v, f));  // not mapped in U's view
}

TEST_F(MmuTest, PmpDeniesSupervisorWithoutAMatchingEntry) {
    ASSERT_TRUE(ps.csr_write(cpu, 0x3a0, 0));  // all entries off
    uint64_t v;
    Fault f;
    ps.priv = Priv::S;
    mmu->flush_all();
    EXPECT_FALSE(mmu->load(kRam, 8, v, f));
    EXPECT_EQ(f.cause, kExcLoadAccess);
    ps.priv = Priv::M;
    EXPECT_TRUE(mmu->load(kRam, 8, v, f));  // M mode: no match means allowed
}

TEST_F(MmuTest, UnmappedPhysicalAddressIsAnAccessFault) {
    uint64_t v;
    Fault f;
    EXPECT_FALSE(mmu->load(0x1000, 8, v, f));  // nothing at physical 0x1000
    EXPECT_EQ(f.cause, kExcLoadAccess);
    EXPECT_FALSE(mmu->store(0x1000, 8, 0, f));
    EXPECT_EQ(f.cause, kExcStoreAccess);
}

}  // namespace
}  // namespace xvm::riscv
