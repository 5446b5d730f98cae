// Differential check of the boot placement: RAM prepared by prepare_boot
// (Debian's OpenSBI, the project's Linux guest, its initramfs, xvm's device
// tree) is handed to QEMU's virt machine with -bios none, entering through a
// four-instruction trampoline that sets a0..a2 as the BootPlan says. If OpenSBI
// finds fw_dynamic_info and Linux finds its tree and initrd, the guest prints
// its boot marker and powers off.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "machine/boot.h"
#include "machine_test_util.h"

namespace xvm::machine {
namespace {

std::string guest_dir() {
    const char* env = std::getenv("XVM_GUEST_CACHE");
    return std::string(env && *env ? env : "/var/cache/xvm/guest") + "/latest";
}

// RAM [from, to) into a file for QEMU's generic loader.
std::string dump(const test::TempDir& dir, const mem::GuestRam& ram, const char* name,
                 uint64_t from, uint64_t to) {
    std::vector<uint8_t> b(to - from);
    EXPECT_TRUE(ram.read(from, b.data(), b.size()));
    return dir.write(name, b);
}

void boot_on_qemu(const std::string& kernel_file, uint64_t ram_size, const char* qemu_mem) {
    if (test::find_program("qemu-system-riscv64").empty())
        FAIL() << "qemu-system-riscv64 not found: install Debian's qemu-system-misc package";
    if (!std::filesystem::exists(kDefaultBios))
        FAIL() << kDefaultBios << " missing: install Debian's opensbi package";
    const std::string kernel = guest_dir() + "/" + kernel_file,
                      initrd = guest_dir() + "/initramfs.cpio.gz";
    if (!std::filesystem::exists(kernel) || !std::filesystem::exists(initrd))
        FAIL() << "no Linux guest in " << guest_dir()
               << " (scripts/test builds it first; or run guest/linux/build.sh)";

    test::TempDir dir;
    ASSERT_TRUE(dir.ok());
    auto ram = mem::GuestRam::create(0x80000000, ram_size);
    ASSERT_TRUE(ram.ok());
    BoardLayout layout;
    layout.bootargs = "console=ttyS0 xvm.test=none";
    for (unsigned k = 0; k < 8; ++k)
        layout.virtio.push_back({0x10001000 + k * 0x1000ull, 0x1000, 1 + k});
    auto plan = prepare_boot(**ram, layout, {"", kernel, initrd, ""});
    ASSERT_TRUE(plan.ok()) << plan.error().message;

    // The trampoline sits in the last page, inside the room left above the tree:
    //   auipc a0,0; ld a1,32(a0); ld a2,40(a0); ld t0,48(a0); li a0,0; jr t0
    const uint64_t ram_end = 0x80000000 + ram_size, tramp = ram_end - 4096;
    const uint32_t code[8] = {0x00000517, 0x02053583, 0x02853603, 0x03053283,
                              0x00000513, 0x00028067, 0,          0};
    const uint64_t pool[3] = {plan->a1, plan->a2, plan->entry};
    ASSERT_EQ(plan->a0, 0u);
    (*ram)->write(tramp, code, sizeof code);
    (*ram)->write(tramp + sizeof code, pool, sizeof pool);

    const std::string lo = dump(dir, **ram, "lo.bin", 0x80000000, plan->kernel_end);
    const std::string hi = dump(dir, **ram, "hi.bin", plan->initrd_start, ram_end);
    int status = 0;
    const std::string out = test::run(
        fmt::format(
            "timeout 60 qemu-system-riscv64 -M virt -m {} -bios none -nographic -monitor none "
            "-serial stdio -device loader,file={},addr=0x80000000,force-raw=on "
            "-device loader,file={},addr={:#x},force-raw=on -device loader,addr={:#x},cpu-num=0 "
            "2>&1",
            qemu_mem, lo, hi, plan->initrd_start, tramp),
        status);
    EXPECT_NE(out.find(fmt::format("Domain0 Next Address      : {:#018x}", plan->kernel_start)),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(fmt::format("Domain0 Next Arg1         : {:#018x}", plan->fdt_addr)),
              std::string::npos);
    EXPECT_NE(out.find("Freeing initrd memory"), std::string::npos)
        << "Linux did not find the initrd";
    EXPECT_NE(out.find("XVM-BOOT-OK"), std::string::npos)
        << out.substr(out.size() > 3000 ? out.size() - 3000 : 0);
    EXPECT_NE(out.find("XVM-POWEROFF"), std::string::npos);
    EXPECT_EQ(status, 0) << "QEMU did not power off cleanly";
}

TEST(BootOnQemu, ImageInitrdTree128M) {
    boot_on_qemu("Image", 128ull << 20, "128M");
}
TEST(BootOnQemu, VmlinuxInitrdTree1G) {
    boot_on_qemu("vmlinux", 1ull << 30, "1G");
}

}  // namespace
}  // namespace xvm::machine
