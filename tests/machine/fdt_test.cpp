// The generated device tree, read back with libfdt and compared with the tree
// QEMU 7.2's `virt` machine dumps.
#include "machine/fdt.h"

#include <gtest/gtest.h>
#include <libfdt.h>

#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "machine_test_util.h"

namespace xvm::machine {
namespace {

using test::prop_cells;
using test::prop_str;
using test::prop_u32;
using test::prop_u64;

BoardLayout qemu_like(unsigned harts = 1, uint64_t ram = 128 << 20) {
    BoardLayout b;
    b.harts = harts;
    b.ram_size = ram;
    for (unsigned k = 0; k < 8; ++k)
        b.virtio.push_back({0x10001000 + k * 0x1000ull, 0x1000, 1 + k});
    return b;
}

std::vector<uint8_t> build(const BoardLayout& b) {
    auto r = build_fdt(b);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::vector<uint8_t>{};
}

int node(const std::vector<uint8_t>& fdt, const char* path) {
    return fdt_path_offset(fdt.data(), path);
}

TEST(Fdt, HeaderAndRoot) {
    auto fdt = build(qemu_like());
    ASSERT_FALSE(fdt.empty());
    ASSERT_EQ(fdt_check_header(fdt.data()), 0);
    EXPECT_EQ(fdt_totalsize(fdt.data()), fdt.size());
    const int root = node(fdt, "/");
    ASSERT_GE(root, 0);
    EXPECT_EQ(prop_u32(fdt.data(), root, "#address-cells"), 2u);
    EXPECT_EQ(prop_u32(fdt.data(), root, "#size-cells"), 2u);
    EXPECT_EQ(prop_str(fdt.data(), root, "compatible"), "riscv-virtio");
    EXPECT_EQ(prop_str(fdt.data(), root, "model"), "riscv-virtio,qemu");
}

TEST(Fdt, Chosen) {
    BoardLayout b = qemu_like();
    auto plain = build(b);
    int chosen = node(plain, "/chosen");
    ASSERT_GE(chosen, 0);
    EXPECT_EQ(prop_str(plain.data(), chosen, "stdout-path"), "/soc/serial@10000000");
    EXPECT_EQ(fdt_getprop(plain.data(), chosen, "bootargs", nullptr), nullptr);
    EXPECT_EQ(fdt_getprop(plain.data(), chosen, "linux,initrd-start", nullptr), nullptr);
    int len = 0;
    const void* seed1 = fdt_getprop(plain.data(), chosen, "rng-seed", &len);
    ASSERT_NE(seed1, nullptr);
    EXPECT_EQ(len, 32);

    b.bootargs = "console=ttyS0 earlycon";
    b.initrd_start = 0x87c00000;
    b.initrd_end = 0x87d12345;
    auto full = build(b);
    chosen = node(full, "/chosen");
    EXPECT_EQ(prop_str(full.data(), chosen, "bootargs"), "console=ttyS0 earlycon");
    EXPECT_EQ(prop_u64(full.data(), chosen, "linux,initrd-start"), 0x87c00000u);
    EXPECT_EQ(prop_u64(full.data(), chosen, "linux,initrd-end"), 0x87d12345u);
    const void* seed2 = fdt_getprop(full.data(), chosen, "rng-seed", &len);
    ASSERT_NE(seed2, nullptr);
    EXPECT_NE(std::memcmp(seed1, seed2, 32), 0) << "rng-seed must be fresh for each tree";
}

TEST(Fdt, Memory) {
    auto fdt = build(qemu_like(1, 1ull << 30));
    const int mem = node(fdt, "/memory@80000000");
    ASSERT_GE(mem, 0);
    EXPECT_EQ(prop_str(fdt.data(), mem, "device_type"), "memory");
    EXPECT_EQ(prop_cells(fdt.data(), mem, "reg"),
              (std::vector<uint32_t>{0, 0x80000000, 0, 0x40000000}));

    BoardLayout big = qemu_like(1, 6ull << 30);
    auto fdt6 = build(big);
    EXPECT_EQ(prop_cells(fdt6.data(), node(fdt6, "/memory@80000000"), "reg"),
              (std::vector<uint32_t>{0, 0x80000000, 1, 0x80000000}));
}

TEST(Fdt, CpusAndTheirInterruptControllers) {
    BoardLayout b = qemu_like(3);
    auto fdt = build(b);
    const void* f = fdt.data();
    const int cpus = node(fdt, "/cpus");
    ASSERT_GE(cpus, 0);
    EXPECT_EQ(prop_u32(f, cpus, "#address-cells"), 1u);
    EXPECT_EQ(prop_u32(f, cpus, "#size-cells"), 0u);
    EXPECT_EQ(prop_u32(f, cpus, "timebase-frequency"), 10'000'000u);
    std::set<uint32_t> phandles;
    for (unsigned h = 0; h < 3; ++h) {
        const std::string path = "/cpus/cpu@" + std::to_string(h);
        const int cpu = node(fdt, path.c_str());
        ASSERT_GE(cpu, 0) << path;
        EXPECT_EQ(prop_str(f, cpu, "device_type"), "cpu");
        EXPECT_EQ(prop_u32(f, cpu, "reg"), h);
        EXPECT_EQ(prop_str(f, cpu, "status"), "okay");
        EXPECT_EQ(prop_str(f, cpu, "compatible"), "riscv");
        EXPECT_EQ(prop_str(f, cpu, "riscv,isa"), b.isa);
        EXPECT_EQ(prop_str(f, cpu, "mmu-type"), "riscv,sv48");
        const int intc = fdt_subnode_offset(f, cpu, "interrupt-controller");
        ASSERT_GE(intc, 0);
        EXPECT_EQ(prop_str(f, intc, "compatible"), "riscv,cpu-intc");
        EXPECT_EQ(prop_u32(f, intc, "#interrupt-cells"), 1u);
        EXPECT_NE(fdt_getprop(f, intc, "interrupt-controller", nullptr), nullptr);
        phandles.insert(fdt_get_phandle(f, cpu));
        phandles.insert(fdt_get_phandle(f, intc));
        // cpu-map/cluster0/coreN names this cpu.
        const std::string core = "/cpus/cpu-map/cluster0/core" + std::to_string(h);
        const int c = node(fdt, core.c_str());
        ASSERT_GE(c, 0) << core;
        EXPECT_EQ(fdt_node_offset_by_phandle(f, prop_u32(f, c, "cpu")), cpu);
    }
    EXPECT_EQ(phandles.size(), 6u);
    EXPECT_EQ(phandles.count(0), 0u);
    // QEMU's numbering: the last hart's cpu gets phandle 1.
    EXPECT_EQ(fdt_get_phandle(f, node(fdt, "/cpus/cpu@2")), 1u);
    EXPECT_EQ(fdt_get_phandle(f, node(fdt, "/cpus/cpu@0")), 5u);
}

// interrupts-extended: (intc phandle, line) pairs, two per hart.
void expect_per_hart_lines(const std::vector<uint8_t>& fdt, const char* path, unsigned harts,
                           uint32_t first, uint32_t second) {
    const void* f = fdt.data();
    auto cells = prop_cells(f, node(fdt, path), "interrupts-extended");
    ASSERT_EQ(cells.size(), 4u * harts) << path;
    for (unsigned h = 0; h < harts; ++h) {
        const std::string cpu = "/cpus/cpu@" + std::to_string(h);
        const int intc = fdt_subnode_offset(f, node(fdt, cpu.c_str()), "interrupt-controller");
        EXPECT_EQ(fdt_node_offset_by_phandle(f, cells[4 * h]), intc) << path << " hart " << h;
        EXPECT_EQ(cells[4 * h + 1], first) << path;
        EXPECT_EQ(fdt_node_offset_by_phandle(f, cells[4 * h + 2]), intc) << path;
        EXPECT_EQ(cells[4 * h + 3], second) << path;
    }
}

TEST(Fdt, ClintAndPlic) {
    auto fdt = build(qemu_like(2));
    const void* f = fdt.data();
    const int soc = node(fdt, "/soc");
    ASSERT_GE(soc, 0);
    EXPECT_EQ(prop_str(f, soc, "compatible"), "simple-bus");
    int len = -1;
    EXPECT_NE(fdt_getprop(f, soc, "ranges", &len), nullptr);
    EXPECT_EQ(len, 0);

    const int clint = node(fdt, "/soc/clint@2000000");
    ASSERT_GE(clint, 0);
    EXPECT_EQ(prop_str(f, clint, "compatible"), std::string("sifive,clint0\0riscv,clint0", 26));
    EXPECT_EQ(prop_cells(f, clint, "reg"), (std::vector<uint32_t>{0, 0x2000000, 0, 0x10000}));
    expect_per_hart_lines(fdt, "/soc/clint@2000000", 2, 3, 7);

    const int plic = node(fdt, "/soc/plic@c000000");
    ASSERT_GE(plic, 0);
    EXPECT_EQ(prop_str(f, plic, "compatible"), std::string("sifive,plic-1.0.0\0riscv,plic0", 29));
    EXPECT_EQ(prop_cells(f, plic, "reg"), (std::vector<uint32_t>{0, 0xc000000, 0, 0x600000}));
    EXPECT_EQ(prop_u32(f, plic, "riscv,ndev"), 95u);
    EXPECT_EQ(prop_u32(f, plic, "#interrupt-cells"), 1u);
    EXPECT_EQ(prop_u32(f, plic, "#address-cells"), 0u);
    EXPECT_NE(fdt_getprop(f, plic, "interrupt-controller", nullptr), nullptr);
    expect_per_hart_lines(fdt, "/soc/plic@c000000", 2, 11, 9);
}

TEST(Fdt, UartRtcVirtio) {
    auto fdt = build(qemu_like());
    const void* f = fdt.data();
    const int plic = node(fdt, "/soc/plic@c000000");

    const int uart = node(fdt, "/soc/serial@10000000");
    ASSERT_GE(uart, 0);
    EXPECT_EQ(prop_str(f, uart, "compatible"), "ns16550a");
    EXPECT_EQ(prop_u32(f, uart, "interrupts"), 10u);
    EXPECT_EQ(prop_u32(f, uart, "clock-frequency"), 0x384000u);
    EXPECT_EQ(fdt_node_offset_by_phandle(f, prop_u32(f, uart, "interrupt-parent")), plic);
    EXPECT_EQ(prop_cells(f, uart, "reg"), (std::vector<uint32_t>{0, 0x10000000, 0, 0x100}));

    const int rtc = node(fdt, "/soc/rtc@101000");
    ASSERT_GE(rtc, 0);
    EXPECT_EQ(prop_str(f, rtc, "compatible"), "google,goldfish-rtc");
    EXPECT_EQ(prop_u32(f, rtc, "interrupts"), 11u);
    EXPECT_EQ(fdt_node_offset_by_phandle(f, prop_u32(f, rtc, "interrupt-parent")), plic);

    for (unsigned k = 0; k < 8; ++k) {
        const uint32_t base = 0x10001000 + k * 0x1000;
        char path[64];
        std::snprintf(path, sizeof path, "/soc/virtio_mmio@%x", base);
        const int v = node(fdt, path);
        ASSERT_GE(v, 0) << path;
        EXPECT_EQ(prop_str(f, v, "compatible"), "virtio,mmio");
        EXPECT_EQ(prop_u32(f, v, "interrupts"), 1 + k);
        EXPECT_EQ(prop_cells(f, v, "reg"), (std::vector<uint32_t>{0, base, 0, 0x1000}));
        EXPECT_EQ(fdt_node_offset_by_phandle(f, prop_u32(f, v, "interrupt-parent")), plic);
    }
}

TEST(Fdt, TestDevicePoweroffReboot) {
    auto fdt = build(qemu_like());
    const void* f = fdt.data();
    const int test = node(fdt, "/soc/test@100000");
    ASSERT_GE(test, 0);
    EXPECT_EQ(prop_str(f, test, "compatible"),
              std::string("sifive,test1\0sifive,test0\0syscon", 32));
    EXPECT_EQ(prop_cells(f, test, "reg"), (std::vector<uint32_t>{0, 0x100000, 0, 0x1000}));
    struct {
        const char* path;
        const char* compatible;
        uint32_t value;
    } const nodes[] = {{"/poweroff", "syscon-poweroff", 0x5555},
                       {"/reboot", "syscon-reboot", 0x7777}};
    for (const auto& n : nodes) {
        const int o = node(fdt, n.path);
        ASSERT_GE(o, 0) << n.path;
        EXPECT_EQ(prop_str(f, o, "compatible"), n.compatible);
        EXPECT_EQ(prop_u32(f, o, "value"), n.value);
        EXPECT_EQ(prop_u32(f, o, "offset"), 0u);
        EXPECT_EQ(fdt_node_offset_by_phandle(f, prop_u32(f, o, "regmap")), test) << n.path;
    }
}

// Every phandle-valued property names a node that exists.
TEST(Fdt, AllPhandleReferencesResolve) {
    auto fdt = build(qemu_like(4));
    const void* f = fdt.data();
    int refs = 0;
    for (int o = fdt_next_node(f, -1, nullptr); o >= 0; o = fdt_next_node(f, o, nullptr)) {
        for (const char* single : {"interrupt-parent", "regmap", "cpu"}) {
            if (!fdt_getprop(f, o, single, nullptr)) continue;
            EXPECT_GE(fdt_node_offset_by_phandle(f, prop_u32(f, o, single)), 0)
                << fdt_get_name(f, o, nullptr) << " " << single;
            ++refs;
        }
        auto ext = prop_cells(f, o, "interrupts-extended");
        for (size_t i = 0; i + 1 < ext.size(); i += 2, ++refs)
            EXPECT_GE(fdt_node_offset_by_phandle(f, ext[i]), 0) << fdt_get_name(f, o, nullptr);
    }
    EXPECT_EQ(refs,
              8 + 2 + 2 + 4 + 2 * 2 * 4);  // virtio, uart+rtc, poweroff+reboot, cores, intc pairs
}

TEST(Fdt, RejectsImpossibleLayouts) {
    BoardLayout b = qemu_like();
    b.harts = 0;
    auto r = build_fdt(b);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("hart"), std::string::npos) << r.error().message;

    b = qemu_like();
    b.virtio.push_back({0x10009000, 0x1000, 96});
    r = build_fdt(b);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("irq 96"), std::string::npos) << r.error().message;
}

TEST(Fdt, PatchChosenOfAnExistingTree) {
    BoardLayout b = qemu_like(2);
    auto base = build(b);
    BoardLayout with = b;
    with.bootargs = "root=/dev/vda rw";
    with.initrd_start = 0x90000000;
    with.initrd_end = 0x90100000;
    auto r = patch_chosen(base, with, "board.dtb");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const void* f = r->data();
    ASSERT_EQ(fdt_check_header(f), 0);
    const int chosen = fdt_path_offset(f, "/chosen");
    EXPECT_EQ(prop_str(f, chosen, "bootargs"), "root=/dev/vda rw");
    EXPECT_EQ(prop_u64(f, chosen, "linux,initrd-start"), 0x90000000u);
    EXPECT_EQ(prop_u64(f, chosen, "linux,initrd-end"), 0x90100000u);
    EXPECT_GE(fdt_path_offset(f, "/cpus/cpu@1"), 0);  // the rest is untouched

    std::vector<uint8_t> junk(200, 0x42);
    auto bad = patch_chosen(junk, with, "junk.dtb");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.rfind("junk.dtb: not a valid device tree blob", 0), 0u)
        << bad.error().message;
    auto cut = patch_chosen(std::vector<uint8_t>(base.begin(), base.begin() + base.size() / 2),
                            with, "cut.dtb");
    ASSERT_FALSE(cut.ok());
    EXPECT_NE(cut.error().message.find("cut.dtb"), std::string::npos) << cut.error().message;
}

// ---- comparison with QEMU through dtc ----

// path -> property name -> value as dtc prints it.
using Tree = std::map<std::string, std::map<std::string, std::string>>;

Tree parse_dts(const std::string& dts) {
    Tree t;
    std::vector<std::string> stack;
    auto path = [&] {
        if (stack.size() <= 1) return std::string("/");
        std::string p;
        for (size_t i = 1; i < stack.size(); ++i) p += "/" + stack[i];
        return p;
    };
    std::istringstream in(dts);
    std::string line;
    while (std::getline(in, line)) {
        const size_t a = line.find_first_not_of(" \t");
        if (a == std::string::npos) continue;
        line = line.substr(a);
        if (line.starts_with("/dts-v1/") || line.starts_with("/memreserve/")) continue;
        if (line.ends_with(" {")) {
            stack.push_back(line.substr(0, line.size() - 2));
            t[path()];
        } else if (line == "};") {
            if (!stack.empty()) stack.pop_back();
        } else if (line.ends_with(";")) {
            line.pop_back();
            const size_t eq = line.find(" = ");
            if (eq == std::string::npos)
                t[path()][line] = "";
            else
                t[path()][line.substr(0, eq)] = line.substr(eq + 3);
        }
    }
    return t;
}

std::string dtc_dts(const test::TempDir& dir, const std::string& dtb) {
    int status = 0;
    std::string out =
        test::run("dtc -q -I dtb -O dts " + dtb + " 2>" + dir.file("dtc.err"), status);
    EXPECT_EQ(status, 0) << "dtc failed on " << dtb;
    return out;
}

// Nodes of QEMU's virt that xvm does not have: PCIe, pflash, fw-cfg, the
// dynamic sysbus platform bus, and the PMU event map (no mhpmcounters).
const std::set<std::string> kLeftOut = {"/soc/pci@30000000", "/flash@20000000", "/fw-cfg@10100000",
                                        "/platform-bus@4000000", "/pmu"};

void compare_with_qemu(unsigned harts, const char* mem, uint64_t ram_bytes) {
    if (test::find_program("dtc").empty())
        FAIL() << "dtc not found: install Debian's device-tree-compiler package";
    if (test::find_program("qemu-system-riscv64").empty())
        FAIL() << "qemu-system-riscv64 not found: install Debian's qemu-system-misc package";
    test::TempDir dir;
    ASSERT_TRUE(dir.ok());
    const std::string qdtb = dir.file("qemu.dtb");
    int status = 0;
    test::run("qemu-system-riscv64 -M virt,dumpdtb=" + qdtb + " -m " + mem + " -smp " +
                  std::to_string(harts) + " -nographic -monitor none -serial none 2>" +
                  dir.file("qemu.err"),
              status);
    ASSERT_EQ(status, 0) << "qemu-system-riscv64 could not dump its virt tree";
    const Tree qemu = parse_dts(dtc_dts(dir, qdtb));
    ASSERT_FALSE(qemu.empty());

    BoardLayout b = qemu_like(harts, ram_bytes);
    const std::string xdtb = dir.write("xvm.dtb", build(b));
    const Tree xvm = parse_dts(dtc_dts(dir, xdtb));

    std::set<std::string> missing, extra;
    for (const auto& [path, props] : qemu) {
        bool left_out = false;
        for (const auto& l : kLeftOut) left_out |= path == l || path.starts_with(l + "/");
        if (!left_out && !xvm.count(path)) missing.insert(path);
    }
    for (const auto& [path, props] : xvm)
        if (!qemu.count(path)) extra.insert(path);
    EXPECT_TRUE(missing.empty()) << "nodes QEMU has and xvm lacks: "
                                 << ::testing::PrintToString(missing);
    EXPECT_TRUE(extra.empty()) << "nodes xvm has and QEMU lacks: "
                               << ::testing::PrintToString(extra);

    // Same properties with the same values, except the ISA string (QEMU's
    // advertises H, Zihintpause, Zbc), the random seed, and riscv,ndev.
    const std::set<std::string> differ = {"riscv,isa", "rng-seed", "riscv,ndev"};
    for (const auto& [path, props] : xvm) {
        auto q = qemu.find(path);
        if (q == qemu.end()) continue;
        for (const auto& [name, value] : q->second) {
            auto x = props.find(name);
            if (x == props.end()) {
                ADD_FAILURE() << path << ": property " << name << " missing";
                continue;
            }
            if (!differ.count(name)) {
                EXPECT_EQ(x->second, value) << path << " " << name;
            }
        }
        for (const auto& [name, value] : props)
            EXPECT_TRUE(q->second.count(name))
                << path << ": property " << name << " not in QEMU's tree";
    }
    EXPECT_EQ(qemu.at("/soc/plic@c000000").at("riscv,ndev"), "<0x60>");  // QEMU 7.2's off-by-one
    EXPECT_EQ(xvm.at("/soc/plic@c000000").at("riscv,ndev"), "<0x5f>");
}

TEST(FdtVersusQemu, OneHart128M) {
    compare_with_qemu(1, "128M", 128ull << 20);
}
TEST(FdtVersusQemu, TwoHarts1G) {
    compare_with_qemu(2, "1G", 1ull << 30);
}
TEST(FdtVersusQemu, FourHarts6G) {
    compare_with_qemu(4, "6G", 6ull << 30);
}

}  // namespace
}  // namespace xvm::machine
