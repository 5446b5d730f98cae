// Boot images of the `virt` board: firmware, kernel, initrd and device tree
// placed in guest RAM the way QEMU's hw/riscv/boot.c does, and the registers
// hart 0 starts with.
//
// Placement (RAM from B to E = B + size; addresses for B = 0x8000_0000):
//   firmware  at B (a raw binary such as fw_dynamic.bin), or at the physical
//             addresses of its segments (an ELF firmware).
//   kernel    a Linux Image at B + its header's text_offset (0x20_0000 for an
//             RV64 S-mode kernel: the 2 MiB below belong to the firmware);
//             an ELF at its physical segment addresses, or, when those are all
//             offsets below B (vmlinux: LMA = VMA - KERNEL_LINK_ADDR), at
//             B + 2 MiB + offset.
//   FDT       at the highest 2 MiB-aligned address that leaves room for the
//             tree plus 64 KiB below E (OpenSBI grows the tree in place);
//             QEMU's riscv_compute_fdt_addr gives the same address for RV64.
//             128 MiB: 0x87e0_0000; 1 GiB: 0xbfe0_0000.
//   fw_dynamic_info (with firmware only) one page below the FDT.
//   initrd    ends at that page (or at the FDT without firmware), start
//             aligned down to 4 KiB: as high as possible, so a kernel that
//             grows (bss, decompression) keeps away from it. It must not reach
//             down into the kernel's image_size.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "machine/fdt.h"
#include "mem/guest_ram.h"

namespace xvm::machine {

// Debian's opensbi package.
inline constexpr const char* kDefaultBios =
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";

struct BootImages {
    std::string bios;  // path, "none", or "" / "default": kDefaultBios
    std::string kernel, initrd;
    std::string
        dtb_override;  // -dtb FILE: used instead of the generated tree (its /chosen updated)
};

struct BootPlan {
    uint64_t entry;       // hart 0 starts here, in M mode
    uint64_t a0, a1, a2;  // hart id, device-tree address, fw_dynamic_info address (OpenSBI) or 0
    uint64_t kernel_start = 0, kernel_end = 0, initrd_start = 0, initrd_end = 0, fdt_addr = 0;
};

// OpenSBI's struct fw_dynamic_info, version 2 (include/sbi/fw_dynamic.h):
// six XLEN-sized fields, little-endian.
struct FwDynamicInfo {
    static constexpr uint64_t kMagic = 0x4942534f;  // "OSBI"
    static constexpr uint64_t kVersion = 2;
    static constexpr uint64_t kNextModeS = 1;
    uint64_t magic = kMagic;
    uint64_t version = kVersion;
    uint64_t next_addr = 0;  // the kernel's entry; 0 without a kernel, as QEMU
    uint64_t next_mode = kNextModeS;
    uint64_t options = 0;
    uint64_t boot_hart = 0;  // hart 0 does the cold boot, as QEMU asks
};
static_assert(sizeof(FwDynamicInfo) == 48);

// Loads firmware, kernel and initrd into RAM, completes `layout` (its RAM range
// from `ram`, the initrd range), builds the device tree (or loads -dtb), places
// it, writes fw_dynamic_info, and says where hart 0 starts. With bios "none"
// the kernel itself runs in M mode: entry = its entry point, a2 = 0. Every
// error is one line naming the file and the reason.
Result<BootPlan> prepare_boot(mem::GuestRam& ram, BoardLayout& layout, const BootImages& images);

}  // namespace xvm::machine
