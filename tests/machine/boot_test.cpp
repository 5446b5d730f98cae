// Boot-image placement with small fake images in a scratch directory, and with
// Debian's OpenSBI fw_dynamic when it is installed.
#include "machine/boot.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <libfdt.h>

#include <cstring>
#include <filesystem>

#include "machine_test_util.h"

namespace xvm::machine {
namespace {

using test::prop_u64;

constexpr uint64_t kBase = 0x80000000;
constexpr uint64_t kMiB = 1 << 20;

// A Linux Image: the 64-byte header (Documentation/riscv/boot-image-header.rst)
// then a recognisable body; `image_size` counts the bss too.
std::vector<uint8_t> fake_image(size_t file_size, uint64_t image_size,
                                uint64_t text_offset = 0x200000) {
    std::vector<uint8_t> b(file_size);
    for (size_t i = 64; i < file_size; ++i) b[i] = static_cast<uint8_t>(i * 7 + 1);
    const uint32_t code0 = 0x0000006f;  // j .
    std::memcpy(&b[0], &code0, 4);
    std::memcpy(&b[8], &text_offset, 8);
    std::memcpy(&b[16], &image_size, 8);
    const uint32_t version = 2;
    std::memcpy(&b[32], &version, 4);
    std::memcpy(&b[48], "RISCV\0\0\0", 8);
    std::memcpy(&b[56], "RSC\x05", 4);
    return b;
}

// A minimal RISC-V ELF with one PT_LOAD segment.
std::vector<uint8_t> fake_elf(uint64_t vaddr, uint64_t paddr, uint64_t entry, size_t filesz,
                              size_t memsz) {
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_X;
    ph.p_offset = 0x1000;
    ph.p_vaddr = vaddr;
    ph.p_paddr = paddr;
    ph.p_filesz = filesz;
    ph.p_memsz = memsz;
    ph.p_align = 0x1000;
    std::vector<uint8_t> b(0x1000 + filesz);
    std::memcpy(b.data(), &eh, sizeof eh);
    std::memcpy(b.data() + sizeof eh, &ph, sizeof ph);
    for (size_t i = 0; i < filesz; ++i) b[0x1000 + i] = static_cast<uint8_t>(0xa0 + i);
    return b;
}

// A raw firmware blob standing in for fw_dynamic.bin.
std::vector<uint8_t> fake_firmware(size_t size = 64 * 1024) {
    std::vector<uint8_t> b(size);
    for (size_t i = 0; i < size; ++i) b[i] = static_cast<uint8_t>(i ^ 0x5a);
    return b;
}

std::unique_ptr<mem::GuestRam> make_ram(uint64_t size) {
    auto r = mem::GuestRam::create(kBase, size);
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::move(*r) : nullptr;
}

bool ram_equals(const mem::GuestRam& ram, uint64_t pa, const std::vector<uint8_t>& want) {
    std::vector<uint8_t> got(want.size());
    return ram.read(pa, got.data(), got.size()) && got == want;
}

bool ram_zero(const mem::GuestRam& ram, uint64_t pa, size_t len) {
    std::vector<uint8_t> got(len);
    if (!ram.read(pa, got.data(), len)) return false;
    for (uint8_t c : got)
        if (c) return false;
    return true;
}

// The device tree as the guest finds it in RAM.
std::vector<uint8_t> ram_fdt(const mem::GuestRam& ram, uint64_t addr) {
    fdt_header h;
    if (!ram.read(addr, &h, sizeof h) || fdt_check_header(&h) != 0) return {};
    std::vector<uint8_t> b(fdt_totalsize(&h));
    if (!ram.read(addr, b.data(), b.size())) return {};
    return b;
}

FwDynamicInfo ram_info(const mem::GuestRam& ram, uint64_t addr) {
    uint64_t raw[6];
    std::memset(raw, 0xee, sizeof raw);
    EXPECT_TRUE(ram.read(addr, raw, sizeof raw));
    FwDynamicInfo info;
    info.magic = raw[0];
    info.version = raw[1];
    info.next_addr = raw[2];
    info.next_mode = raw[3];
    info.options = raw[4];
    info.boot_hart = raw[5];
    return info;
}

// The error of a boot that must fail, or "" (and a test failure) if it succeeded.
std::string boot_error(uint64_t ram_size, const BootImages& images) {
    auto ram = make_ram(ram_size);
    BoardLayout layout;
    auto r = prepare_boot(*ram, layout, images);
    EXPECT_FALSE(r.ok()) << "boot unexpectedly succeeded";
    return r.ok() ? std::string() : r.error().message;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

class Boot : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir.ok()); }
    test::TempDir dir;
};

TEST_F(Boot, ImageWithoutFirmwareRunsInMachineMode) {
    const auto image = fake_image(100 * 1024, 3 * kMiB);
    BootImages images{"none", dir.write("Image", image), "", ""};
    auto ram = make_ram(128 * kMiB);
    // Stale bytes where the bss goes must be cleared.
    std::vector<uint8_t> junk(4096, 0xcc);
    ram->write(kBase + 0x200000 + image.size(), junk.data(), junk.size());
    BoardLayout layout;
    layout.ram_size = 1;  // completed from the RAM
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->entry, 0x80200000u);
    EXPECT_EQ(plan->a0, 0u);
    EXPECT_EQ(plan->a1, 0x87e00000u);
    EXPECT_EQ(plan->a2, 0u);
    EXPECT_EQ(plan->kernel_start, 0x80200000u);
    EXPECT_EQ(plan->kernel_end, 0x80200000u + 3 * kMiB);
    EXPECT_EQ(plan->fdt_addr, 0x87e00000u);
    EXPECT_EQ(plan->initrd_start, 0u);
    EXPECT_EQ(layout.ram_base, kBase);
    EXPECT_EQ(layout.ram_size, 128 * kMiB);
    EXPECT_TRUE(ram_equals(*ram, 0x80200000, image));
    EXPECT_TRUE(ram_zero(*ram, 0x80200000 + image.size(), junk.size()));
    auto fdt = ram_fdt(*ram, plan->fdt_addr);
    ASSERT_FALSE(fdt.empty());
    EXPECT_GE(fdt_path_offset(fdt.data(), "/memory@80000000"), 0);
    EXPECT_LT(fdt_path_offset(fdt.data(), "/chosen"), fdt_path_offset(fdt.data(), "/soc"));
}

TEST_F(Boot, FirmwareKernelInitrdPlacement128M) {
    const auto fw = fake_firmware();
    const auto image = fake_image(512 * 1024, 4 * kMiB);
    std::vector<uint8_t> initrd(3 * kMiB + 123);
    for (size_t i = 0; i < initrd.size(); ++i) initrd[i] = static_cast<uint8_t>(i * 13);
    BootImages images{dir.write("fw.bin", fw), dir.write("Image", image),
                      dir.write("initrd", initrd), ""};
    auto ram = make_ram(128 * kMiB);
    BoardLayout layout;
    layout.bootargs = "console=ttyS0";
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;

    EXPECT_EQ(plan->entry, kBase);
    EXPECT_EQ(plan->a0, 0u);
    EXPECT_EQ(plan->fdt_addr, 0x87e00000u);
    EXPECT_EQ(plan->a1, plan->fdt_addr);
    EXPECT_EQ(plan->a2, 0x87dff000u);  // one page below the tree
    // As high as it goes below that page, its start page-aligned.
    EXPECT_EQ(plan->initrd_start, (0x87dff000u - initrd.size()) & ~0xfffull);
    EXPECT_LE(plan->initrd_end, 0x87dff000u);
    EXPECT_GT(plan->initrd_end + 4096, 0x87dff000u);
    EXPECT_EQ(plan->initrd_end - plan->initrd_start, initrd.size());
    EXPECT_EQ(layout.initrd_start, plan->initrd_start);
    EXPECT_EQ(layout.initrd_end, plan->initrd_end);
    EXPECT_TRUE(ram_equals(*ram, kBase, fw));
    EXPECT_TRUE(ram_equals(*ram, 0x80200000, image));
    EXPECT_TRUE(ram_equals(*ram, plan->initrd_start, initrd));

    const FwDynamicInfo info = ram_info(*ram, plan->a2);
    EXPECT_EQ(info.magic, 0x4942534fu);
    EXPECT_EQ(info.version, 2u);
    EXPECT_EQ(info.next_addr, 0x80200000u);
    EXPECT_EQ(info.next_mode, 1u);
    EXPECT_EQ(info.options, 0u);
    EXPECT_EQ(info.boot_hart, 0u);

    auto fdt = ram_fdt(*ram, plan->fdt_addr);
    ASSERT_FALSE(fdt.empty());
    const int chosen = fdt_path_offset(fdt.data(), "/chosen");
    EXPECT_EQ(prop_u64(fdt.data(), chosen, "linux,initrd-start"), plan->initrd_start);
    EXPECT_EQ(prop_u64(fdt.data(), chosen, "linux,initrd-end"), plan->initrd_end);
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(fdt.data(), chosen, "bootargs", nullptr)),
                 "console=ttyS0");
    // OpenSBI grows the tree in place: room is left up to the end of RAM.
    EXPECT_GE(kBase + 128 * kMiB - (plan->fdt_addr + fdt.size()), 64u * 1024);
}

TEST_F(Boot, Placement1G) {
    BootImages images{dir.write("fw.bin", fake_firmware()),
                      dir.write("Image", fake_image(4096, 20 * kMiB)),
                      dir.write("initrd", std::vector<uint8_t>(5000, 1)), ""};
    auto ram = make_ram(1024 * kMiB);
    BoardLayout layout;
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->fdt_addr, 0xbfe00000u);
    EXPECT_EQ(plan->a2, 0xbfdff000u);
    EXPECT_EQ(plan->initrd_start, 0xbfdfd000u);
    EXPECT_EQ(plan->initrd_end, 0xbfdfd000u + 5000);
    EXPECT_EQ(plan->kernel_end, 0x81600000u);
}

TEST_F(Boot, NoKernelStillBootsTheFirmware) {
    BootImages images{dir.write("fw.bin", fake_firmware()), "", "", ""};
    auto ram = make_ram(64 * kMiB);
    BoardLayout layout;
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->entry, kBase);
    EXPECT_EQ(ram_info(*ram, plan->a2).next_addr, 0u);  // as QEMU without -kernel
    EXPECT_EQ(plan->kernel_end, 0u);
}

TEST_F(Boot, BareMetalElf) {
    const auto elf = fake_elf(0x80000000, 0x80000000, 0x80000010, 256, 8192);
    BootImages images{"none", dir.write("prog.elf", elf), "", ""};
    auto ram = make_ram(16 * kMiB);
    BoardLayout layout;
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->entry, 0x80000010u);
    EXPECT_EQ(plan->kernel_start, kBase);
    EXPECT_EQ(plan->kernel_end, kBase + 8192);
    EXPECT_TRUE(ram_equals(*ram, kBase, std::vector<uint8_t>(elf.begin() + 0x1000, elf.end())));
    EXPECT_EQ(plan->fdt_addr, kBase + 14 * kMiB);
}

TEST_F(Boot, VmlinuxStyleElfLoadsAtTheKernelAddress) {
    // Linux links vmlinux with LMA = VMA - KERNEL_LINK_ADDR: physical 0.
    const auto elf = fake_elf(0xffffffff80000000ull, 0, 0xffffffff80000000ull, 4096, 64 * 1024);
    BootImages images{dir.write("fw.bin", fake_firmware()), dir.write("vmlinux", elf), "", ""};
    auto ram = make_ram(128 * kMiB);
    BoardLayout layout;
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->kernel_start, 0x80200000u);
    EXPECT_EQ(ram_info(*ram, plan->a2).next_addr, 0x80200000u);
    EXPECT_TRUE(
        ram_equals(*ram, 0x80200000, std::vector<uint8_t>(elf.begin() + 0x1000, elf.end())));
}

TEST_F(Boot, ElfFirmware) {
    const auto fw = fake_elf(0x80000000, 0x80000000, 0x80000000, 1024, 1024);
    BootImages images{dir.write("fw.elf", fw), dir.write("Image", fake_image(4096, 4096)), "", ""};
    auto ram = make_ram(32 * kMiB);
    BoardLayout layout;
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->entry, kBase);
    EXPECT_TRUE(ram_equals(*ram, kBase, std::vector<uint8_t>(fw.begin() + 0x1000, fw.end())));
}

TEST_F(Boot, DtbOverrideIsUsedWithItsChosenUpdated) {
    BoardLayout custom;
    custom.harts = 2;
    custom.isa = "rv64imac";
    auto blob = build_fdt(custom);
    ASSERT_TRUE(blob.ok());
    BootImages images{"none", dir.write("Image", fake_image(4096, 4096)),
                      dir.write("initrd", std::vector<uint8_t>(100, 9)),
                      dir.write("board.dtb", *blob)};
    auto ram = make_ram(128 * kMiB);
    BoardLayout layout;
    layout.bootargs = "quiet";
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    auto fdt = ram_fdt(*ram, plan->fdt_addr);
    ASSERT_FALSE(fdt.empty());
    EXPECT_GE(fdt_path_offset(fdt.data(), "/cpus/cpu@1"), 0);
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(
                     fdt.data(), fdt_path_offset(fdt.data(), "/cpus/cpu@0"), "riscv,isa", nullptr)),
                 "rv64imac");
    const int chosen = fdt_path_offset(fdt.data(), "/chosen");
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(fdt.data(), chosen, "bootargs", nullptr)),
                 "quiet");
    EXPECT_EQ(prop_u64(fdt.data(), chosen, "linux,initrd-start"), plan->initrd_start);
    EXPECT_EQ(plan->initrd_start, plan->fdt_addr - 4096);  // no firmware: no info page
}

// ---- errors: one line, naming the file and the reason ----

TEST_F(Boot, MissingFirmwareNamesThePackage) {
    const std::string fw = "/usr/lib/riscv64-linux-gnu/opensbi/generic/no_such_fw.bin";
    const std::string e = boot_error(64 * kMiB, {fw, "", "", ""});
    EXPECT_TRUE(contains(e, fw + ": cannot open firmware")) << e;
    EXPECT_TRUE(contains(e, "opensbi")) << e;
    EXPECT_FALSE(contains(e, "\n")) << e;
}

TEST_F(Boot, MissingKernelAndInitrd) {
    const std::string fw = dir.write("fw.bin", fake_firmware());
    std::string e = boot_error(64 * kMiB, {fw, dir.file("nope"), "", ""});
    EXPECT_TRUE(contains(e, dir.file("nope") + ": cannot open kernel: No such file")) << e;
    e = boot_error(64 * kMiB,
                   {fw, dir.write("Image", fake_image(4096, 4096)), dir.file("gone"), ""});
    EXPECT_TRUE(contains(e, dir.file("gone") + ": cannot open initrd")) << e;
    e = boot_error(64 * kMiB, {fw, dir.file(""), "", ""});
    EXPECT_TRUE(contains(e, "kernel is not a regular file")) << e;
    e = boot_error(64 * kMiB, {"none", "", "", ""});
    EXPECT_TRUE(contains(e, "-bios none needs -kernel")) << e;
}

TEST_F(Boot, KernelLargerThanRam) {
    // An Image whose image_size (with bss) does not fit.
    const std::string big = dir.write("Image", fake_image(4096, 40 * kMiB));
    std::string e = boot_error(32 * kMiB, {"none", big, "", ""});
    EXPECT_TRUE(contains(e, big + ": kernel needs 41943040 bytes")) << e;
    // A file larger than RAM is refused before it is read.
    const std::string huge = dir.write("huge", std::vector<uint8_t>(3 * kMiB));
    e = boot_error(2 * kMiB, {"none", huge, "", ""});
    EXPECT_TRUE(contains(e, huge + ": kernel is larger than RAM")) << e;
}

TEST_F(Boot, CorruptImageHeaders) {
    auto bad_magic = fake_image(4096, 4096);
    std::memset(&bad_magic[48], 0, 16);
    std::string e = boot_error(32 * kMiB, {"none", dir.write("k1", bad_magic), "", ""});
    EXPECT_TRUE(contains(e, dir.file("k1") + ": neither an ELF file nor a RISC-V Linux Image"))
        << e;

    e = boot_error(32 * kMiB, {"none", dir.write("k2", fake_image(8192, 4096)), "", ""});
    EXPECT_TRUE(contains(
        e, dir.file("k2") + ": corrupt RISC-V Linux Image header: image_size 4096 is smaller"))
        << e;

    e = boot_error(32 * kMiB, {"none", dir.write("k3", fake_image(4096, 4096, 0x200123)), "", ""});
    EXPECT_TRUE(contains(e, "text_offset 0x200123 is not page-aligned")) << e;

    e = boot_error(32 * kMiB, {"none", dir.write("k4", std::vector<uint8_t>(10, 1)), "", ""});
    EXPECT_TRUE(
        contains(e, dir.file("k4") + ": neither an ELF file nor a RISC-V Linux Image (10 bytes"))
        << e;

    auto big_endian = fake_image(4096, 4096);
    big_endian[24] = 1;
    e = boot_error(32 * kMiB, {"none", dir.write("k5", big_endian), "", ""});
    EXPECT_TRUE(contains(e, "big-endian")) << e;

    auto wrong_arch = fake_elf(kBase, kBase, kBase, 16, 16);
    wrong_arch[18] = EM_X86_64;  // e_machine
    e = boot_error(32 * kMiB, {"none", dir.write("k6", wrong_arch), "", ""});
    EXPECT_TRUE(contains(e, dir.file("k6") + ": wrong architecture")) << e;

    e = boot_error(
        32 * kMiB,
        {"none", dir.write("k7", fake_elf(0x40000000, 0x40000000 + 64 * kMiB, 0, 16, 16)), "", ""});
    EXPECT_TRUE(contains(e, dir.file("k7") + ": kernel segment at physical 0x44000000")) << e;
}

TEST_F(Boot, InitrdThatDoesNotFit) {
    const std::string fw = dir.write("fw.bin", fake_firmware());
    const std::string kernel = dir.write("Image", fake_image(4096, 8 * kMiB));
    // Larger than RAM.
    std::string e =
        boot_error(16 * kMiB, {fw, kernel, dir.write("i1", std::vector<uint8_t>(17 * kMiB)), ""});
    EXPECT_TRUE(contains(e, dir.file("i1") + ": initrd is larger than RAM")) << e;
    // Fits RAM, but not between the kernel (ends 0x80a00000) and the tree (0x80e00000).
    e = boot_error(16 * kMiB, {fw, kernel, dir.write("i2", std::vector<uint8_t>(5 * kMiB)), ""});
    EXPECT_TRUE(contains(
        e, dir.file("i2") + ": initrd (5242880 bytes) does not fit in RAM between 0x80a00000"))
        << e;
    EXPECT_TRUE(contains(e, "0x80e00000")) << e;
    e = boot_error(16 * kMiB, {fw, kernel, dir.write("i3", {}), ""});
    EXPECT_TRUE(contains(e, dir.file("i3") + ": initrd is empty")) << e;
}

TEST_F(Boot, KernelOverlappingFirmwareOrTree) {
    const std::string fw = dir.write("fw.bin", fake_firmware());
    // text_offset 0: an M-mode kernel cannot share RAM's start with the firmware.
    const std::string mkernel = dir.write("mImage", fake_image(4096, 4096, 0));
    std::string e = boot_error(64 * kMiB, {fw, mkernel, "", ""});
    EXPECT_TRUE(
        contains(e, mkernel + ": kernel at 0x80000000-0x80001000 overlaps the firmware " + fw))
        << e;
    // A firmware larger than the 2 MiB below the kernel.
    const std::string bigfw = dir.write("big.bin", fake_firmware(3 * kMiB));
    e = boot_error(64 * kMiB, {bigfw, dir.write("Image", fake_image(4096, 4096)), "", ""});
    EXPECT_TRUE(contains(e, "overlaps the firmware " + bigfw)) << e;
    // A kernel reaching into the last 2 MiB, where the tree goes.
    e = boot_error(16 * kMiB, {fw, dir.write("Image2", fake_image(4096, 13 * kMiB)), "", ""});
    EXPECT_TRUE(contains(e, "the device tree at 0x80e00000 would overlap the kernel")) << e;
}

TEST_F(Boot, UnreadableDtb) {
    std::string e = boot_error(
        64 * kMiB, {"none", dir.write("Image", fake_image(4096, 4096)), "", dir.file("x.dtb")});
    EXPECT_TRUE(contains(e, dir.file("x.dtb") + ": cannot open device tree")) << e;
    e = boot_error(64 * kMiB, {"none", dir.file("Image"), "",
                               dir.write("bad.dtb", std::vector<uint8_t>(512, 0x11))});
    EXPECT_TRUE(contains(e, dir.file("bad.dtb") + ": not a valid device tree blob")) << e;
}

// ---- Debian's OpenSBI ----

TEST_F(Boot, DebianFwDynamic) {
    if (!std::filesystem::exists(kDefaultBios))
        FAIL() << kDefaultBios << " not installed (Debian package opensbi)";
    const auto fw = test::read_bytes(kDefaultBios);
    ASSERT_FALSE(fw.empty());
    ASSERT_LT(fw.size(), 2 * kMiB);  // it must fit below the kernel
    BootImages images{"", dir.write("Image", fake_image(64 * 1024, 6 * kMiB)),
                      dir.write("initrd", std::vector<uint8_t>(kMiB, 3)), ""};
    auto ram = make_ram(128 * kMiB);
    BoardLayout layout;
    auto plan = prepare_boot(*ram, layout, images);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->entry, kBase);
    EXPECT_TRUE(ram_equals(*ram, kBase, fw));
    const FwDynamicInfo info = ram_info(*ram, plan->a2);
    EXPECT_EQ(info.magic, FwDynamicInfo::kMagic);
    EXPECT_EQ(info.next_addr, 0x80200000u);

    // The ELF build of the same firmware loads at the same place.
    const std::string elf = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf";
    if (std::filesystem::exists(elf)) {
        auto ram2 = make_ram(128 * kMiB);
        BoardLayout layout2;
        auto plan2 = prepare_boot(*ram2, layout2, {elf, images.kernel, images.initrd, ""});
        ASSERT_TRUE(plan2.ok()) << plan2.error().message;
        EXPECT_EQ(plan2->entry, kBase);
        EXPECT_TRUE(ram_equals(*ram2, kBase, std::vector<uint8_t>(fw.begin(), fw.begin() + 4096)));
    }
}

}  // namespace
}  // namespace xvm::machine
