#include "mem/address_space.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

namespace xvm::mem {
namespace {

TEST(AddressSpace, MappedMemoryIsZeroedAndReadWrite) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x10000, 0x2000, kProtRead | kProtWrite).ok());
    EXPECT_EQ(as.load<uint64_t>(0x10008), 0u);
    as.store<uint32_t>(0x10ffe, 0xdeadbeef);  // straddles a page boundary
    EXPECT_EQ(as.load<uint32_t>(0x10ffe), 0xdeadbeefu);
    uint32_t v = 0;
    EXPECT_TRUE(as.read_value(0x10ffe, v));
    EXPECT_EQ(v, 0xdeadbeefu);
}

TEST(AddressSpace, CheckedAccessesRefuseWhatTheGuestCannotTouch) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x10000, 0x1000, kProtRead).ok());
    std::vector<uint8_t> buf(256);
    EXPECT_TRUE(as.read(0x10000, buf.data(), buf.size()));
    EXPECT_FALSE(as.write(0x10000, buf.data(), buf.size()));           // read-only
    EXPECT_FALSE(as.read(0x10f80, buf.data(), buf.size()));            // runs off the mapping
    EXPECT_FALSE(as.read(0x0, buf.data(), buf.size()));                // unmapped
    EXPECT_FALSE(as.read(~0ull - 16, buf.data(), buf.size()));         // wraps around
    EXPECT_FALSE(as.read(as.user_top() - 8, buf.data(), buf.size()));  // past the top
    EXPECT_TRUE(as.read(0x10000, buf.data(), 0));
}

TEST(AddressSpace, UnmapMakesPagesInaccessibleAgain) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x10000, 0x3000, kProtRead | kProtWrite).ok());
    ASSERT_TRUE(as.unmap(0x11000, 0x1000).ok());
    EXPECT_TRUE(as.accessible(0x10000, 0x1000, kProtRead));
    EXPECT_FALSE(as.accessible(0x11000, 1, kProtRead));
    EXPECT_TRUE(as.accessible(0x12000, 0x1000, kProtWrite));
    EXPECT_EQ(as.prot_at(0x11000), kProtNone);
}

TEST(AddressSpace, RejectsUnalignedOrOutOfRangeMappings) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    EXPECT_FALSE(as.map(0x10001, 0x1000, kProtRead).ok());
    EXPECT_FALSE(as.map(0x10000, 0, kProtRead).ok());
    EXPECT_FALSE(as.map(as.user_top(), 0x1000, kProtRead).ok());
    EXPECT_FALSE(as.map(as.user_top() - 0x1000, 0x2000, kProtRead).ok());
}

TEST(AddressSpace, ReadStringStopsAtNulAndAcrossPages) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x10000, 0x2000, kProtRead | kProtWrite).ok());
    const char text[] = "hello";
    ASSERT_TRUE(as.write(0x10ffd, text, sizeof text));
    std::string out;
    EXPECT_TRUE(as.read_string(0x10ffd, out));
    EXPECT_EQ(out, "hello");
    // Unterminated up to the end of the mapping: refused.
    std::vector<char> fill(0x1000, 'x');
    ASSERT_TRUE(as.write(0x11000, fill.data(), fill.size()));
    EXPECT_FALSE(as.read_string(0x11000, out, 1 << 20));
}

TEST(AddressSpace, SmallerReservationsWork) {
    auto s = AddressSpace::create(AddressSpace::kMinBits);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->size(), 1ull << AddressSpace::kMinBits);
    EXPECT_TRUE((*s)->map(0x10000, 0x1000, kProtRead).ok());
}

// Whether the host kernel may write the page at g (a read() into it).
bool host_writable(AddressSpace& as, uint64_t g) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    const char c = 'x';
    const bool ok = write(fds[1], &c, 1) == 1 && read(fds[0], as.host(g), 1) == 1;
    close(fds[0]);
    close(fds[1]);
    return ok;
}

TEST(AddressSpace, CodeGuardsWriteProtectOnlyGuestWritablePages) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x10000, 0x1000, kProtRead | kProtExec).ok());
    ASSERT_TRUE(as.map(0x11000, 0x2000, kProtRead | kProtWrite | kProtExec).ok());
    as.guard_code(0x10ff0, 0x20);  // the read-only page and the first writable one
    EXPECT_EQ(as.code_pages_guarded(), 1u);
    EXPECT_FALSE(host_writable(as, 0x11000));
    EXPECT_TRUE(host_writable(as, 0x12000));
    // The guest's view does not change.
    EXPECT_EQ(as.prot_at(0x11000), kProtRead | kProtWrite | kProtExec);
    EXPECT_FALSE(as.take_code_writes());
    as.guard_code(0x11000, 4);  // already guarded: nothing to do
    EXPECT_EQ(as.code_pages_guarded(), 1u);
}

TEST(AddressSpace, CheckedWritesLiftTheGuardAndRecordTheWrite) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x11000, 0x2000, kProtRead | kProtWrite | kProtExec).ok());
    as.guard_code(0x11000, 4);
    const uint32_t v = 0x12345678;
    EXPECT_TRUE(as.write(0x11100, &v, sizeof v));
    EXPECT_EQ(as.load<uint32_t>(0x11100), v);
    EXPECT_TRUE(as.take_code_writes());
    EXPECT_FALSE(as.take_code_writes());
    EXPECT_EQ(as.code_page_writes(), 1u);
    EXPECT_TRUE(host_writable(as, 0x11000));
    // A system call's check before handing the buffer to the kernel.
    as.guard_code(0x12000, 4);
    EXPECT_TRUE(as.accessible(0x11ff0, 0x20, kProtWrite));
    EXPECT_TRUE(host_writable(as, 0x12000));
    EXPECT_TRUE(as.take_code_writes());
    // Reads leave the guard alone.
    as.guard_code(0x12000, 4);
    EXPECT_TRUE(as.accessible(0x12000, 4, kProtRead));
    EXPECT_FALSE(as.take_code_writes());
    EXPECT_FALSE(host_writable(as, 0x12000));
}

TEST(AddressSpace, ClearingGuardsRecordsNoWriteButRemappingDoes) {
    auto s = AddressSpace::create();
    ASSERT_TRUE(s.ok());
    auto& as = **s;
    ASSERT_TRUE(as.map(0x11000, 0x2000, kProtRead | kProtWrite | kProtExec).ok());
    as.guard_code(0x11000, 0x2000);
    as.clear_code_guards();
    EXPECT_FALSE(as.take_code_writes());
    EXPECT_TRUE(host_writable(as, 0x11000));
    EXPECT_TRUE(host_writable(as, 0x12000));
    as.guard_code(0x12000, 4);
    ASSERT_TRUE(as.protect(0x12000, 0x1000, kProtRead | kProtExec).ok());
    EXPECT_TRUE(as.take_code_writes());
    EXPECT_EQ(as.prot_at(0x12000), kProtRead | kProtExec);
    ASSERT_TRUE(as.protect(0x12000, 0x1000, kProtRead | kProtWrite).ok());
    EXPECT_TRUE(host_writable(as, 0x12000));
}

}  // namespace
}  // namespace xvm::mem
