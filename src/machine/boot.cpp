#include "machine/boot.h"

#include <elf.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <libfdt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "core/elf.h"

namespace xvm::machine {

namespace {

constexpr uint64_t kKiB = 1024, kMiB = 1024 * kKiB;
constexpr uint64_t kFirmwareRoom = 2 * kMiB;  // below the kernel on RV64 (QEMU, Linux text_offset)
constexpr uint64_t kFdtAlign = 2 * kMiB;      // QEMU riscv_compute_fdt_addr
constexpr uint64_t kFdtGrowth = 64 * kKiB;    // OpenSBI's fdt fixups grow the tree in place
constexpr uint64_t kPage = 4 * kKiB;

// Linux Documentation/riscv/boot-image-header.rst: a 64-byte header at the
// start of an Image, little-endian.
constexpr size_t kImageHeaderSize = 64;
constexpr size_t kImageTextOffset = 8, kImageSize = 16, kImageFlags = 24;
constexpr size_t kImageMagic = 48, kImageMagic2 = 56;
constexpr std::string_view kMagic{"RISCV\0\0\0", 8};  // deprecated since header 0.2
constexpr std::string_view kMagic2{"RSC\x05", 4};
constexpr uint64_t kImageFlagBigEndian = 1;

struct Range {
    uint64_t start = 0, end = 0;  // [start, end)
    bool empty() const { return start == end; }
    bool overlaps(const Range& o) const {
        return !empty() && !o.empty() && start < o.end && o.start < end;
    }
};

std::string range_str(const Range& r) {
    return fmt::format("{:#x}-{:#x}", r.start, r.end);
}

uint64_t le64(const std::vector<uint8_t>& b, size_t off) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | b[off + i];
    return v;
}

// Reads a whole regular file, refusing one larger than `limit` bytes before
// reading it.
Result<std::vector<uint8_t>> read_file(const std::string& path, const char* what, uint64_t limit,
                                       const char* hint = "") {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return make_error(
            fmt::format("{}: cannot open {}: {}{}", path, what, std::strerror(errno), hint));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (fstat(fd, &st) != 0)
        return make_error(fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno)));
    if (!S_ISREG(st.st_mode))
        return make_error(fmt::format("{}: {} is not a regular file", path, what));
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size > limit)
        return make_error(fmt::format("{}: {} is larger than RAM ({} bytes, RAM is {})", path, what,
                                      size, limit));
    std::vector<uint8_t> bytes(size);
    size_t got = 0;
    while (got < size) {
        const ssize_t n = ::read(fd, bytes.data() + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return make_error(
                fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno)));
        if (n == 0) return make_error(fmt::format("{}: {} shrank while being read", path, what));
        got += static_cast<size_t>(n);
    }
    return bytes;
}

bool is_elf(const std::vector<uint8_t>& b) {
    return b.size() >= SELFMAG && std::memcmp(b.data(), ELFMAG, SELFMAG) == 0;
}

struct Loaded {
    Range range;     // the bytes it occupies in RAM, bss included
    uint64_t entry;  // physical
};

// An ELF's PT_LOAD segments at their physical addresses; `bias` is added to
// each (vmlinux). The entry point is translated from virtual to physical
// through the segment that holds it.
Result<Loaded> load_elf(mem::GuestRam& ram, const ElfFile& elf, const char* what, uint64_t bias) {
    Loaded out{{~0ull, 0}, 0};
    bool entry_found = false;
    const uint64_t e_entry = elf.header().e_entry;
    for (const auto& ph : elf.segments()) {
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        const uint64_t pa = ph.p_paddr + bias;
        if (!ram.contains(pa, ph.p_memsz))
            return make_error(fmt::format(
                "{}: {} segment at physical {:#x} ({} bytes) is outside RAM {:#x}-{:#x}",
                elf.name(), what, pa, ph.p_memsz, ram.base(), ram.base() + ram.size()));
        const auto data = elf.slice(ph.p_offset, ph.p_filesz);
        ram.write(pa, data.data(), data.size());
        // RAM starts zeroed, but the bss of an image loaded over another must be cleared.
        std::memset(ram.host(pa + ph.p_filesz), 0, ph.p_memsz - ph.p_filesz);
        out.range.start = std::min(out.range.start, pa);
        out.range.end = std::max(out.range.end, pa + ph.p_memsz);
        if (!entry_found && e_entry >= ph.p_vaddr && e_entry - ph.p_vaddr < ph.p_memsz) {
            out.entry = pa + (e_entry - ph.p_vaddr);
            entry_found = true;
        }
    }
    if (out.range.end == 0)
        return make_error(fmt::format("{}: {} has no loadable segments", elf.name(), what));
    if (!entry_found) {
        if (!ram.contains(e_entry, 4))
            return make_error(
                fmt::format("{}: entry point {:#x} is in no loadable segment and outside RAM",
                            elf.name(), e_entry));
        out.entry = e_entry;
    }
    return out;
}

// Segment physical addresses that are all offsets below RAM (vmlinux links its
// LMAs at VMA - KERNEL_LINK_ADDR, so they start at 0) get loaded at the kernel
// address instead.
uint64_t kernel_elf_bias(const ElfFile& elf, const mem::GuestRam& ram) {
    uint64_t end = 0;
    for (const auto& ph : elf.segments()) {
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_paddr >= ram.base() || ph.p_paddr + ph.p_memsz < ph.p_paddr) return 0;
        end = std::max(end, ph.p_paddr + ph.p_memsz);
    }
    return end != 0 && end <= ram.size() - std::min(ram.size(), kFirmwareRoom)
               ? ram.base() + kFirmwareRoom
               : 0;
}

Result<Loaded> load_image(mem::GuestRam& ram, const std::vector<uint8_t>& b,
                          const std::string& path) {
    auto corrupt = [&](const std::string& why) {
        return make_error(fmt::format("{}: corrupt RISC-V Linux Image header: {}", path, why));
    };
    if (b.size() < kImageHeaderSize)
        return make_error(
            fmt::format("{}: neither an ELF file nor a RISC-V Linux Image ({} bytes, shorter "
                        "than the 64-byte Image header)",
                        path, b.size()));
    const std::string_view magic(reinterpret_cast<const char*>(b.data() + kImageMagic),
                                 kMagic.size());
    const std::string_view magic2(reinterpret_cast<const char*>(b.data() + kImageMagic2),
                                  kMagic2.size());
    if (magic != kMagic && magic2 != kMagic2)
        return make_error(
            fmt::format("{}: neither an ELF file nor a RISC-V Linux Image (no \"RSC\\x05\" magic "
                        "at offset 56)",
                        path));
    const uint64_t text_offset = le64(b, kImageTextOffset);
    const uint64_t image_size = le64(b, kImageSize);
    const uint64_t flags = le64(b, kImageFlags);
    if (flags & kImageFlagBigEndian) return corrupt("big-endian kernel (flags bit 0)");
    if (image_size == 0) return corrupt("image_size is 0");
    if (image_size < b.size())
        return corrupt(
            fmt::format("image_size {} is smaller than the file ({} bytes)", image_size, b.size()));
    if (text_offset % kPage != 0)
        return corrupt(fmt::format("text_offset {:#x} is not page-aligned", text_offset));
    if (text_offset >= ram.size() || image_size > ram.size() - text_offset)
        return make_error(
            fmt::format("{}: kernel needs {} bytes at RAM + {:#x}, more than RAM's {} bytes", path,
                        image_size, text_offset, ram.size()));
    const uint64_t start = ram.base() + text_offset;
    ram.write(start, b.data(), b.size());
    std::memset(ram.host(start + b.size()), 0, image_size - b.size());
    return Loaded{{start, start + image_size}, start};
}

// Where /chosen's initrd properties are in `blob`, so they can be set in place
// once the initrd is placed (the tree's size must be known first).
Result<void> set_initrd_in_place(std::vector<uint8_t>& blob, uint64_t start, uint64_t end) {
    const int chosen = fdt_path_offset(blob.data(), "/chosen");
    int r = chosen;
    if (r >= 0) r = fdt_setprop_inplace_u64(blob.data(), chosen, "linux,initrd-start", start);
    if (r >= 0) r = fdt_setprop_inplace_u64(blob.data(), chosen, "linux,initrd-end", end);
    if (r < 0)
        return make_error(std::string("device tree: cannot set the initrd range: ") +
                          fdt_strerror(r));
    return {};
}

}  // namespace

Result<BootPlan> prepare_boot(mem::GuestRam& ram, BoardLayout& layout, const BootImages& images) {
    layout.ram_base = ram.base();
    layout.ram_size = ram.size();
    layout.initrd_start = layout.initrd_end = 0;
    const uint64_t ram_end = ram.base() + ram.size();

    // Firmware.
    std::optional<Loaded> fw;
    std::string bios = images.bios;
    if (bios.empty() || bios == "default") bios = kDefaultBios;
    if (bios != "none") {
        const char* hint = bios.starts_with("/usr/lib/riscv64-linux-gnu/opensbi/")
                               ? " (install Debian's opensbi package, or give -bios FILE)"
                               : "";
        auto bytes = read_file(bios, "firmware", ram.size(), hint);
        if (!bytes) return bytes.error();
        if (bytes->empty()) return make_error(bios + ": firmware is empty");
        if (is_elf(*bytes)) {
            auto elf = ElfFile::parse(std::move(*bytes), bios, EM_RISCV);
            if (!elf) return elf.error();
            auto l = load_elf(ram, *elf, "firmware", 0);
            if (!l) return l.error();
            fw = *l;
        } else {
            ram.write(ram.base(), bytes->data(), bytes->size());
            fw = Loaded{{ram.base(), ram.base() + bytes->size()}, ram.base()};
        }
    }

    // Kernel.
    std::optional<Loaded> kernel;
    if (!images.kernel.empty()) {
        auto bytes = read_file(images.kernel, "kernel", ram.size());
        if (!bytes) return bytes.error();
        Result<Loaded> l = Error{};
        if (is_elf(*bytes)) {
            auto elf = ElfFile::parse(std::move(*bytes), images.kernel, EM_RISCV);
            if (!elf) return elf.error();
            l = load_elf(ram, *elf, "kernel", kernel_elf_bias(*elf, ram));
        } else {
            l = load_image(ram, *bytes, images.kernel);
        }
        if (!l) return l.error();
        kernel = *l;
        if (fw && kernel->range.overlaps(fw->range))
            return make_error(fmt::format("{}: kernel at {} overlaps the firmware {} at {}",
                                          images.kernel, range_str(kernel->range), bios,
                                          range_str(fw->range)));
    } else if (!fw) {
        return make_error("nothing to run: -bios none needs -kernel FILE");
    }

    // Device tree, with the initrd properties present (values set below) so that
    // its size, and so its address, is final.
    std::vector<uint8_t> initrd;
    if (!images.initrd.empty()) {
        auto bytes = read_file(images.initrd, "initrd", ram.size());
        if (!bytes) return bytes.error();
        if (bytes->empty()) return make_error(images.initrd + ": initrd is empty");
        initrd = std::move(*bytes);
        layout.initrd_start = ram.base();
        layout.initrd_end = ram.base() + initrd.size();
    }
    std::vector<uint8_t> blob;
    if (!images.dtb_override.empty()) {
        auto bytes = read_file(images.dtb_override, "device tree", ram.size());
        if (!bytes) return bytes.error();
        auto patched = patch_chosen(*bytes, layout, images.dtb_override);
        if (!patched) return patched.error();
        blob = std::move(*patched);
    } else {
        auto built = build_fdt(layout);
        if (!built) return built.error();
        blob = std::move(*built);
    }

    const uint64_t low = std::max(kernel ? kernel->range.end : 0, fw ? fw->range.end : 0);
    const uint64_t fdt_room = blob.size() + kFdtGrowth;
    if (fdt_room > ram.size())
        return make_error(fmt::format("RAM ({} bytes) is too small for the device tree ({} bytes)",
                                      ram.size(), blob.size()));
    const uint64_t fdt_addr = (ram_end - fdt_room) & ~(kFdtAlign - 1);
    const uint64_t info_addr = fw ? fdt_addr - kPage : 0;
    const uint64_t top = fw ? info_addr : fdt_addr;  // the initrd ends here
    if (fdt_addr < ram.base() || top < low) {
        const std::string what = kernel ? "the kernel (" + images.kernel + ") ending at"
                                        : "the firmware (" + bios + ") ending at";
        return make_error(fmt::format(
            "RAM ({} MiB) is too small: the device tree at {:#x} would overlap {} {:#x}",
            ram.size() / kMiB, fdt_addr, what, low));
    }

    BootPlan plan{};
    if (!initrd.empty()) {
        const uint64_t size = initrd.size();
        if (size > top - low)
            return make_error(
                fmt::format("{}: initrd ({} bytes) does not fit in RAM between {:#x} ({}) and the "
                            "device tree at {:#x}",
                            images.initrd, size, low,
                            kernel ? "the kernel's end" : "the firmware's end", fdt_addr));
        const uint64_t start = (top - size) & ~(kPage - 1);
        if (start < low)
            return make_error(fmt::format(
                "{}: initrd ({} bytes) does not fit in RAM between {:#x} and the device "
                "tree at {:#x} once page-aligned",
                images.initrd, size, low, fdt_addr));
        ram.write(start, initrd.data(), initrd.size());
        layout.initrd_start = plan.initrd_start = start;
        layout.initrd_end = plan.initrd_end = start + size;
        if (auto r = set_initrd_in_place(blob, start, start + size); !r) return r.error();
    }
    ram.write(fdt_addr, blob.data(), blob.size());
    plan.fdt_addr = fdt_addr;
    if (kernel) {
        plan.kernel_start = kernel->range.start;
        plan.kernel_end = kernel->range.end;
    }

    plan.a0 = 0;
    plan.a1 = fdt_addr;
    if (fw) {
        FwDynamicInfo info;
        info.next_addr = kernel ? kernel->entry : 0;
        ram.write(info_addr, &info, sizeof info);
        plan.entry = fw->entry;
        plan.a2 = info_addr;
    } else {
        plan.entry = kernel->entry;
        plan.a2 = 0;
    }
    return plan;
}

}  // namespace xvm::machine
