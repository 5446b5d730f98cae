#include "machine/fdt.h"

#include <fmt/core.h>
#include <libfdt.h>
#include <sys/random.h>

#include <initializer_list>
#include <random>
#include <string_view>

namespace xvm::machine {

namespace {

// QEMU virt's fixed map (hw/riscv/virt.c, virt_memmap) and its device constants.
constexpr uint64_t kTestBase = 0x100000, kTestSize = 0x1000;
constexpr uint64_t kRtcBase = 0x101000, kRtcSize = 0x1000;
constexpr uint64_t kClintBase = 0x2000000, kClintSize = 0x10000;
constexpr uint64_t kPlicBase = 0xc000000, kPlicSize = 0x600000;
constexpr uint64_t kUartBase = 0x10000000, kUartSize = 0x100;
constexpr uint32_t kUartIrq = 10, kRtcIrq = 11;
constexpr uint32_t kUartClockHz = 0x384000;  // 3.6864 MHz
// sifive,test0 command values (SiFive test finisher: FINISHER_PASS, FINISHER_RESET).
constexpr uint32_t kPoweroffValue = 0x5555, kRebootValue = 0x7777;
// Local interrupt numbers on a hart's riscv,cpu-intc: the mip bits of the
// privileged spec, section 3.1.9 (MSIP 3, MTIP 7, SEIP 9, MEIP 11).
constexpr uint32_t kIrqMSoft = 3, kIrqMTimer = 7, kIrqSExt = 9, kIrqMExt = 11;
constexpr size_t kRngSeedBytes = 32;

// Sequential writes into a growing buffer; the first libfdt error sticks, and
// NOSPACE makes the caller start again with twice the room.
class Writer {
  public:
    explicit Writer(size_t size) : buf_(size) {
        check(fdt_create(buf_.data(), static_cast<int>(size)));
    }

    void begin(const std::string& name) { check(fdt_begin_node(buf_.data(), name.c_str())); }
    void end() { check(fdt_end_node(buf_.data())); }
    void prop(const char* name) { check(fdt_property(buf_.data(), name, nullptr, 0)); }
    void prop(const char* name, const std::string& s) {
        check(fdt_property(buf_.data(), name, s.c_str(), static_cast<int>(s.size() + 1)));
    }
    // A string list ("a\0b\0"): each entry NUL-terminated.
    void prop(const char* name, std::initializer_list<std::string_view> list) {
        std::string v;
        for (auto s : list) (v += s) += '\0';
        check(fdt_property(buf_.data(), name, v.data(), static_cast<int>(v.size())));
    }
    void cell(const char* name, uint32_t v) { check(fdt_property_cell(buf_.data(), name, v)); }
    void cells(const char* name, const std::vector<uint32_t>& v) {
        std::vector<fdt32_t> be;
        for (uint32_t c : v) be.push_back(cpu_to_fdt32(c));
        check(fdt_property(buf_.data(), name, be.data(), static_cast<int>(be.size() * 4)));
    }
    void u64(const char* name, uint64_t v) { check(fdt_property_u64(buf_.data(), name, v)); }
    void bytes(const char* name, const void* data, size_t len) {
        check(fdt_property(buf_.data(), name, data, static_cast<int>(len)));
    }
    // reg = <base size> with #address-cells = #size-cells = 2.
    void reg(uint64_t base, uint64_t size) {
        cells("reg", {hi(base), lo(base), hi(size), lo(size)});
    }

    void finish_reservemap() { check(fdt_finish_reservemap(buf_.data())); }
    void finish() { check(fdt_finish(buf_.data())); }
    int error() const { return err_; }
    std::vector<uint8_t> take() {
        buf_.resize(fdt_totalsize(buf_.data()));
        return std::move(buf_);
    }

    static uint32_t hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
    static uint32_t lo(uint64_t v) { return static_cast<uint32_t>(v); }

  private:
    void check(int r) {
        if (r < 0 && err_ == 0) err_ = r;
    }
    std::vector<uint8_t> buf_;
    int err_ = 0;
};

void random_bytes(uint8_t* out, size_t len) {
    size_t got = 0;
    while (got < len) {
        const ssize_t n = getrandom(out + got, len - got, 0);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    if (got < len) {  // no getrandom (old kernel, seccomp): still a seed, just weaker
        std::random_device rd;
        for (; got < len; ++got) out[got] = static_cast<uint8_t>(rd());
    }
}

std::string hex(uint64_t v) {
    return fmt::format("{:x}", v);
}

// Phandles in QEMU's order: it creates the harts from the last to the first,
// each cpu before its interrupt controller, then the PLIC, then the test device.
struct Phandles {
    unsigned harts;
    uint32_t cpu(unsigned h) const { return 2 * (harts - 1 - h) + 1; }
    uint32_t intc(unsigned h) const { return cpu(h) + 1; }
    uint32_t plic() const { return 2 * harts + 1; }
    uint32_t test() const { return 2 * harts + 2; }
};

void write_tree(Writer& w, const BoardLayout& b) {
    const Phandles ph{b.harts};
    w.finish_reservemap();
    w.begin("");
    w.cell("#address-cells", 2);
    w.cell("#size-cells", 2);
    w.prop("compatible", "riscv-virtio");
    w.prop("model", "riscv-virtio,qemu");

    w.begin("chosen");
    if (!b.bootargs.empty()) w.prop("bootargs", b.bootargs);
    if (b.initrd_start || b.initrd_end) {
        w.u64("linux,initrd-start", b.initrd_start);
        w.u64("linux,initrd-end", b.initrd_end);
    }
    uint8_t seed[kRngSeedBytes];
    random_bytes(seed, sizeof seed);
    w.bytes("rng-seed", seed, sizeof seed);
    w.prop("stdout-path", "/soc/serial@" + hex(kUartBase));
    w.end();

    // Syscon poweroff and reboot sit at the root in QEMU's tree, pointing into
    // the test device (Linux drivers/power/reset/syscon-{poweroff,reboot}.c).
    w.begin("poweroff");
    w.cell("value", kPoweroffValue);
    w.cell("offset", 0);
    w.cell("regmap", ph.test());
    w.prop("compatible", "syscon-poweroff");
    w.end();
    w.begin("reboot");
    w.cell("value", kRebootValue);
    w.cell("offset", 0);
    w.cell("regmap", ph.test());
    w.prop("compatible", "syscon-reboot");
    w.end();

    w.begin("memory@" + hex(b.ram_base));
    w.prop("device_type", "memory");
    w.reg(b.ram_base, b.ram_size);
    w.end();

    w.begin("cpus");
    w.cell("#address-cells", 1);
    w.cell("#size-cells", 0);
    w.cell("timebase-frequency", static_cast<uint32_t>(b.timebase_hz));
    for (unsigned h = 0; h < b.harts; ++h) {
        w.begin("cpu@" + hex(h));
        w.cell("phandle", ph.cpu(h));
        w.prop("device_type", "cpu");
        w.cell("reg", h);
        w.prop("status", "okay");
        w.prop("compatible", "riscv");
        w.prop("riscv,isa", b.isa);
        w.prop("mmu-type", b.mmu_type);
        w.begin("interrupt-controller");
        w.cell("#interrupt-cells", 1);
        w.prop("interrupt-controller");
        w.prop("compatible", "riscv,cpu-intc");
        w.cell("phandle", ph.intc(h));
        w.end();
        w.end();
    }
    w.begin("cpu-map");
    w.begin("cluster0");
    for (unsigned h = 0; h < b.harts; ++h) {
        w.begin("core" + std::to_string(h));
        w.cell("cpu", ph.cpu(h));
        w.end();
    }
    w.end();
    w.end();
    w.end();  // cpus

    w.begin("soc");
    w.cell("#address-cells", 2);
    w.cell("#size-cells", 2);
    w.prop("compatible", "simple-bus");
    w.prop("ranges");

    w.begin("rtc@" + hex(kRtcBase));
    w.cell("interrupts", kRtcIrq);
    w.cell("interrupt-parent", ph.plic());
    w.reg(kRtcBase, kRtcSize);
    w.prop("compatible", "google,goldfish-rtc");
    w.end();

    w.begin("serial@" + hex(kUartBase));
    w.cell("interrupts", kUartIrq);
    w.cell("interrupt-parent", ph.plic());
    w.cell("clock-frequency", kUartClockHz);
    w.reg(kUartBase, kUartSize);
    w.prop("compatible", "ns16550a");
    w.end();

    w.begin("test@" + hex(kTestBase));
    w.cell("phandle", ph.test());
    w.reg(kTestBase, kTestSize);
    w.prop("compatible", {"sifive,test1", "sifive,test0", "syscon"});
    w.end();

    // QEMU lists the slots from the last to the first; Linux numbers the
    // virtio devices in tree order, so this order decides which one is vda.
    for (auto it = b.virtio.rbegin(); it != b.virtio.rend(); ++it) {
        w.begin("virtio_mmio@" + hex(it->base));
        w.cell("interrupts", it->irq);
        w.cell("interrupt-parent", ph.plic());
        w.reg(it->base, it->size);
        w.prop("compatible", "virtio,mmio");
        w.end();
    }

    // PLIC contexts: M then S for each hart (context 2h, 2h+1).
    std::vector<uint32_t> plic_irqs, clint_irqs;
    for (unsigned h = 0; h < b.harts; ++h) {
        plic_irqs.insert(plic_irqs.end(), {ph.intc(h), kIrqMExt, ph.intc(h), kIrqSExt});
        clint_irqs.insert(clint_irqs.end(), {ph.intc(h), kIrqMSoft, ph.intc(h), kIrqMTimer});
    }
    w.begin("plic@" + hex(kPlicBase));
    w.cell("phandle", ph.plic());
    w.cell("riscv,ndev", b.plic_ndev);
    w.reg(kPlicBase, kPlicSize);
    w.cells("interrupts-extended", plic_irqs);
    w.prop("interrupt-controller");
    w.prop("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
    w.cell("#address-cells", 0);
    w.cell("#interrupt-cells", 1);
    w.end();

    w.begin("clint@" + hex(kClintBase));
    w.cells("interrupts-extended", clint_irqs);
    w.reg(kClintBase, kClintSize);
    w.prop("compatible", {"sifive,clint0", "riscv,clint0"});
    w.end();

    w.end();  // soc
    w.end();  // root
    w.finish();
}

Result<void> check_layout(const BoardLayout& b) {
    if (b.harts == 0) return make_error("device tree: a board needs at least one hart");
    if (b.ram_size == 0 || b.ram_base + b.ram_size < b.ram_base)
        return make_error(
            fmt::format("device tree: bad RAM range {:#x} + {:#x}", b.ram_base, b.ram_size));
    if (b.timebase_hz == 0 || b.timebase_hz > UINT32_MAX)
        return make_error(
            fmt::format("device tree: timebase {} Hz does not fit a cell", b.timebase_hz));
    if (b.initrd_end < b.initrd_start)
        return make_error(fmt::format("device tree: initrd ends ({:#x}) before it starts ({:#x})",
                                      b.initrd_end, b.initrd_start));
    for (const auto& v : b.virtio)
        if (v.irq == 0 || v.irq > b.plic_ndev)
            return make_error(
                fmt::format("device tree: virtio slot {:#x} has irq {}, outside PLIC sources 1..{}",
                            v.base, v.irq, b.plic_ndev));
    return {};
}

}  // namespace

Result<std::vector<uint8_t>> build_fdt(const BoardLayout& b) {
    if (auto ok = check_layout(b); !ok) return ok.error();
    for (size_t size = 16 << 10; size <= (64u << 20); size *= 2) {
        Writer w(size);
        write_tree(w, b);
        if (w.error() == -FDT_ERR_NOSPACE) continue;
        if (w.error() < 0)
            return make_error(std::string("device tree: ") + fdt_strerror(w.error()));
        return w.take();
    }
    return make_error("device tree: larger than 64 MiB");
}

Result<std::vector<uint8_t>> patch_chosen(const std::vector<uint8_t>& blob, const BoardLayout& b,
                                          const std::string& name) {
    auto fail = [&](const std::string& why) { return make_error(name + ": " + why); };
    if (blob.size() < sizeof(fdt_header)) return fail("too short for a device tree blob");
    if (int r = fdt_check_header(blob.data()); r < 0)
        return fail(std::string("not a valid device tree blob (") + fdt_strerror(r) + ")");
    if (fdt_totalsize(blob.data()) > blob.size())
        return fail(fmt::format("truncated device tree blob ({} of {} bytes)", blob.size(),
                                fdt_totalsize(blob.data())));
    // Room for the new properties and their names; fdt_pack trims it again.
    std::vector<uint8_t> out(fdt_totalsize(blob.data()) + b.bootargs.size() + 1024);
    auto lib = [&](int r) {
        return fail(std::string("cannot update /chosen: ") + fdt_strerror(r));
    };
    if (int r = fdt_open_into(blob.data(), out.data(), static_cast<int>(out.size())); r < 0)
        return lib(r);
    int chosen = fdt_path_offset(out.data(), "/chosen");
    if (chosen == -FDT_ERR_NOTFOUND) chosen = fdt_add_subnode(out.data(), 0, "chosen");
    if (chosen < 0) return lib(chosen);
    if (!b.bootargs.empty())
        if (int r = fdt_setprop_string(out.data(), chosen, "bootargs", b.bootargs.c_str()); r < 0)
            return lib(r);
    if (b.initrd_start || b.initrd_end) {
        if (int r = fdt_setprop_u64(out.data(), chosen, "linux,initrd-start", b.initrd_start);
            r < 0)
            return lib(r);
        if (int r = fdt_setprop_u64(out.data(), chosen, "linux,initrd-end", b.initrd_end); r < 0)
            return lib(r);
    }
    if (int r = fdt_pack(out.data()); r < 0) return lib(r);
    out.resize(fdt_totalsize(out.data()));
    return out;
}

}  // namespace xvm::machine
