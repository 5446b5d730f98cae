#include "mem/address_space.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace xvm::mem
