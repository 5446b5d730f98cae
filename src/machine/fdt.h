// The device tree of the `virt` board, written with libfdt's sequential-write API.
// It matches QEMU 7.2's `virt` tree (node names, compatibles, property values,
// phandle numbering) minus what xvm does not emulate: PCIe, the pflash banks,
// fw-cfg, the platform bus, and the /pmu event map (xvm's mhpmcounter3..31
// read as zero). The fixed device addresses are QEMU's (hw/riscv/virt.c,
// virt_memmap); RAM, harts, ISA string, command line, initrd and virtio slots
// come from the layout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace xvm::machine {

struct VirtioSlot {
    uint64_t base;
    uint64_t size;
    unsigned irq;  // PLIC source
};

struct BoardLayout {
    uint64_t ram_base = 0x80000000, ram_size = 128 << 20;
    unsigned harts = 1;
    std::string isa = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc";
    std::string mmu_type = "riscv,sv48";
    uint64_t timebase_hz = 10'000'000;
    std::string bootargs;                       // /chosen/bootargs; empty: none
    uint64_t initrd_start = 0, initrd_end = 0;  // 0,0: none
    std::vector<VirtioSlot> virtio;             // QEMU lists all 8 slots 0x10001000.. (irq 1..8)
    // Highest PLIC source id (sources 1..95 exist). QEMU 7.2 writes 96 here, one
    // more than its PLIC has; later QEMU releases write 95.
    uint32_t plic_ndev = 95;
};

// The flattened tree; /chosen/rng-seed gets 32 fresh random bytes on each call.
Result<std::vector<uint8_t>> build_fdt(const BoardLayout& b);

// Updates /chosen of an existing tree (a -dtb file) as QEMU does: bootargs when
// `b.bootargs` is not empty, linux,initrd-start/-end when an initrd is set.
// `name` is the file the tree came from, for error messages.
Result<std::vector<uint8_t>> patch_chosen(const std::vector<uint8_t>& blob, const BoardLayout& b,
                                          const std::string& name);

}  // namespace xvm::machine
