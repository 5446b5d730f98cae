// `xvm run`'s -chardev, -serial and virtio console options: what reaches the
// board, and one clear error for each mistake, both through ConsoleOptions and
// through the whole command (run_system, with -dumpdtb so nothing boots).
#include "app/console_options.h"

#include <gtest/gtest.h>
#include <libfdt.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/run_cmd.h"

namespace xvm::app {
namespace {

using Kind = machine::CharDevOption::Kind;

// Applies options as `xvm run` would (pairs of option and value) and resolves them.
Result<void> parse(std::initializer_list<std::pair<const char*, const char*>> args,
                   machine::VirtOptions& vo, std::vector<std::string>* warnings = nullptr) {
    ConsoleOptions c;
    for (const auto& [opt, value] : args) {
        const std::string o = opt;
        Result<void> r = o == "-chardev"  ? c.add_chardev(value)
                         : o == "-serial" ? c.add_serial(value)
                                          : c.add_device(value);
        if (!r) return r;
    }
    std::vector<std::string> w;
    auto r = c.resolve(vo, w);
    if (warnings) *warnings = w;
    return r;
}

std::string error_of(std::initializer_list<std::pair<const char*, const char*>> args) {
    machine::VirtOptions vo;
    auto r = parse(args, vo);
    return r ? std::string("<no error>") : r.error().message;
}

TEST(ConsoleOptions, DefaultIsTheUartOnStdioAndNoConsole) {
    machine::VirtOptions vo;
    ASSERT_TRUE(parse({}, vo));
    EXPECT_EQ(vo.serial.kind, Kind::kStdio);
    EXPECT_TRUE(vo.consoles.empty());
}

TEST(ConsoleOptions, VirtconsoleOnAFileChardev) {
    machine::VirtOptions vo;
    // -chardev may come after the device that names it, as in QEMU.
    ASSERT_TRUE(parse({{"-device", "virtio-serial-device"},
                       {"-device", "virtconsole,chardev=c0,id=con0,nr=0"},
                       {"-chardev", "file,id=c0,path=/tmp/out.txt,append=on"}},
                      vo));
    EXPECT_EQ(vo.serial.kind, Kind::kStdio);
    ASSERT_EQ(vo.consoles.size(), 1u);
    EXPECT_EQ(vo.consoles[0].kind, Kind::kFile);
    EXPECT_EQ(vo.consoles[0].path, "/tmp/out.txt");
    EXPECT_TRUE(vo.consoles[0].append);
}

TEST(ConsoleOptions, StdioConsoleWithTheUartElsewhere) {
    for (const char* serial : {"none", "null", "file:/tmp/uart.log", "pipe:/tmp/p"}) {
        machine::VirtOptions vo;
        ASSERT_TRUE(parse({{"-serial", serial},
                           {"-chardev", "stdio,id=con,signal=off"},
                           {"-device", "virtio-serial"},
                           {"-device", "virtconsole,chardev=con"}},
                          vo))
            << serial;
        ASSERT_EQ(vo.consoles.size(), 1u);
        EXPECT_EQ(vo.consoles[0].kind, Kind::kStdio);
        EXPECT_NE(vo.serial.kind, Kind::kStdio) << serial;
    }
    machine::VirtOptions vo;
    ASSERT_TRUE(parse({{"-serial", "file:/tmp/uart.log"}}, vo));
    EXPECT_EQ(vo.serial.kind, Kind::kFile);
    EXPECT_EQ(vo.serial.path, "/tmp/uart.log");
}

TEST(ConsoleOptions, SerialThroughAChardev) {
    machine::VirtOptions vo;
    ASSERT_TRUE(parse({{"-chardev", "pipe,id=p,path=/tmp/fifo"}, {"-serial", "chardev:p"}}, vo));
    EXPECT_EQ(vo.serial.kind, Kind::kPipe);
    EXPECT_EQ(vo.serial.path, "/tmp/fifo");
}

TEST(ConsoleOptions, OnePortPerDeviceAndEachConsoleTakesTheFirstFreeOne) {
    machine::VirtOptions vo;
    ASSERT_TRUE(parse({{"-chardev", "null,id=a"},
                       {"-chardev", "file,id=b,path=/tmp/b"},
                       {"-device", "virtio-serial-device"},
                       {"-device", "virtio-serial-device"},
                       {"-device", "virtio-serial-device"},
                       {"-device", "virtconsole,chardev=b"},
                       {"-device", "virtconsole,chardev=a"}},
                      vo));
    ASSERT_EQ(vo.consoles.size(), 3u);
    EXPECT_EQ(vo.consoles[0].kind, Kind::kFile);
    EXPECT_EQ(vo.consoles[1].kind, Kind::kNull);
    EXPECT_EQ(vo.consoles[2].kind, Kind::kNull);  // no virtconsole: a port that drops output
    EXPECT_NE(error_of({{"-chardev", "null,id=a"},
                        {"-chardev", "null,id=b"},
                        {"-device", "virtio-serial-device"},
                        {"-device", "virtconsole,chardev=a"},
                        {"-device", "virtconsole,chardev=b"}})
                  .find("each virtio-serial-device has one port"),
              std::string::npos);
}

TEST(ConsoleOptions, Errors) {
    struct Case {
        std::initializer_list<std::pair<const char*, const char*>> args;
        const char* message;
    };
    const Case cases[] = {
        {{{"-chardev", "null,id=c"}, {"-device", "virtconsole,chardev=c"}},
         "-device virtconsole needs a -device virtio-serial-device before it"},
        {{{"-device", "virtio-serial-device"},
          {"-device", "virtconsole,chardev=c"},
          {"-chardev", "null,id=c"},
          {"-device", "virtio-serial-device"},
          {"-device", "virtconsole,chardev=c"}},
         "chardev 'c' is used by both -device virtconsole and -device virtconsole"},
        {{{"-device", "virtio-serial-device"}, {"-device", "virtconsole,chardev=c9"}},
         "-device virtconsole names chardev 'c9', which no -chardev defines"},
        {{{"-serial", "chardev:x"}}, "-serial names chardev 'x', which no -chardev defines"},
        {{{"-chardev", "null,id=c"}, {"-chardev", "file,id=c,path=f"}}, "duplicate chardev id 'c'"},
        {{{"-chardev", "socket,id=s,path=/tmp/s,server=on"}},
         "unsupported chardev backend 'socket' (stdio, file, pipe, null)"},
        {{{"-chardev", "file,id=f"}}, "-chardev file needs path=FILE"},
        {{{"-chardev", "pipe,id=p"}}, "-chardev pipe needs path=PATH"},
        {{{"-chardev", "stdio"}}, "-chardev stdio needs id=ID"},
        {{{"-chardev", "null,id=n,path=x"}}, "unknown -chardev null option 'path'"},
        {{{"-chardev", "file,id=f,path=x,append=maybe"}},
         "bad -chardev append value 'maybe' (on or off)"},
        {{{"-chardev", "stdio,id=s,mux=on"}},
         "-chardev mux=on is not supported (one device per chardev; see xvm run --help)"},
        {{{"-chardev", "stdio,id=s"},
          {"-device", "virtio-serial-device"},
          {"-device", "virtconsole,chardev=s"}},
         "stdio is used by both the serial port and virtconsole (chardev s); xvm has no mux: "
         "give the serial port -serial none (or file:FILE) or the console another chardev"},
        {{{"-chardev", "null,id=n"}, {"-serial", "chardev:n"}, {"-serial", "stdio"}},
         "only one -serial: the virt board has one UART"},
        {{{"-serial", "tcp::4444"}},
         "unsupported -serial 'tcp::4444' (stdio, mon:stdio, null, none, file:FILE, pipe:PATH, "
         "chardev:ID)"},
        {{{"-serial", "file:"}},
         "unsupported -serial 'file:' (stdio, mon:stdio, null, none, file:FILE, pipe:PATH, "
         "chardev:ID)"},
        {{{"-device", "virtserialport,chardev=c"}},
         "unsupported device 'virtserialport': xvm's virtio-serial-device has a single console "
         "port (use virtconsole)"},
        {{{"-device", "virtio-serial-device"}, {"-device", "virtconsole,nr=1"}},
         "-device virtconsole,nr=1: only port 0 exists (no MULTIPORT)"},
        {{{"-device", "virtio-serial-device,max_ports=4"}},
         "unknown -device virtio-serial-device option 'max_ports'"},
        {{{"-device", "virtio-serial-device"}, {"-device", "virtconsole,bus=x"}},
         "unknown -device virtconsole option 'bus'"},
    };
    for (const Case& c : cases) EXPECT_EQ(error_of(c.args), c.message);
}

TEST(ConsoleOptions, UnusedChardevIsAWarning) {
    machine::VirtOptions vo;
    std::vector<std::string> w;
    ASSERT_TRUE(parse({{"-chardev", "file,id=log,path=/tmp/x"}}, vo, &w));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0], "chardev log (file) is not attached to any device");
}

// The whole command: exit status, the one line on stderr, and the board.
class RunCommand : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xvm-app-XXXXXX").string();
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    int run(std::vector<std::string> args, std::string& err) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        ::testing::internal::CaptureStderr();
        const int status = run_system(static_cast<int>(argv.size()), argv.data());
        err = ::testing::internal::GetCapturedStderr();
        return status;
    }
    // The virtio-mmio nodes of a dumped tree: unit address and PLIC source.
    std::vector<std::string> virtio_nodes(const std::string& dtb) {
        std::ifstream f(dtb, std::ios::binary);
        const std::vector<char> blob((std::istreambuf_iterator<char>(f)), {});
        std::vector<std::string> nodes;
        if (blob.empty() || fdt_check_header(blob.data()) != 0) return {"<bad tree>"};
        const int soc = fdt_path_offset(blob.data(), "/soc");
        int node;
        fdt_for_each_subnode(node, blob.data(), soc) {
            const std::string name = fdt_get_name(blob.data(), node, nullptr);
            if (name.rfind("virtio_mmio@", 0) != 0) continue;
            int len = 0;
            auto* irq =
                static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "interrupts", &len));
            const char* compatible =
                static_cast<const char*>(fdt_getprop(blob.data(), node, "compatible", &len));
            nodes.push_back(name + " irq " + (irq ? std::to_string(fdt32_to_cpu(*irq)) : "?") +
                            " " + (compatible ? compatible : "?"));
        }
        return nodes;
    }
    std::string dir_;
};

TEST_F(RunCommand, ConsoleOnAFileGetsAVirtioSlot) {
    const std::string out = dir_ + "/console.txt", dtb = dir_ + "/virt.dtb";
    std::string err;
    ASSERT_EQ(run({"-M", "virt", "-serial", "none", "-device", "virtio-rng-device", "-chardev",
                   "file,id=c0,path=" + out, "-device", "virtio-serial-device", "-device",
                   "virtconsole,chardev=c0", "-dumpdtb", dtb},
                  err),
              0)
        << err;
    EXPECT_EQ(err, "");
    EXPECT_TRUE(std::filesystem::exists(out));  // opened (created) like QEMU's file chardev
    // Described exactly as the rng: one virtio,mmio node per device, the rng in
    // slot 0 and the console in slot 1 (QEMU's tree lists slots from the top).
    EXPECT_EQ(virtio_nodes(dtb),
              (std::vector<std::string>{"virtio_mmio@10002000 irq 2 virtio,mmio",
                                        "virtio_mmio@10001000 irq 1 virtio,mmio"}));
}

TEST_F(RunCommand, ErrorsAreOneLineAndStatusOne) {
    std::string err;
    EXPECT_EQ(run({"-device", "virtconsole,chardev=c0", "-chardev", "null,id=c0"}, err), 1);
    EXPECT_EQ(err, "xvm run: -device virtconsole needs a -device virtio-serial-device before it\n");
    EXPECT_EQ(run({"-chardev", "socket,id=s,port=4444"}, err), 1);
    EXPECT_EQ(err, "xvm run: unsupported chardev backend 'socket' (stdio, file, pipe, null)\n");
    EXPECT_EQ(run({"-chardev", "stdio,id=s", "-device", "virtio-serial-device", "-device",
                   "virtconsole,chardev=s", "-dumpdtb", dir_ + "/x.dtb"},
                  err),
              1);
    EXPECT_EQ(err.rfind("xvm run: stdio is used by both the serial port and virtconsole", 0), 0u)
        << err;
    EXPECT_EQ(run({"-device", "virtio-console-device"}, err), 1);
    EXPECT_EQ(err,
              "xvm run: unsupported device 'virtio-console-device' (virtio-blk-device, "
              "virtio-rng-device, virtio-serial-device, virtconsole)\n");
    // A file that cannot be created is the board's error, named.
    EXPECT_EQ(run({"-serial", "none", "-chardev", "file,id=c,path=" + dir_ + "/no/such/dir/f",
                   "-device", "virtio-serial-device", "-device", "virtconsole,chardev=c",
                   "-dumpdtb", dir_ + "/x.dtb"},
                  err),
              1);
    EXPECT_EQ(err, "xvm: " + dir_ + "/no/such/dir/f: No such file or directory\n");
}

TEST_F(RunCommand, HelpListsTheConsoleOptions) {
    std::string err;
    ::testing::internal::CaptureStdout();
    std::vector<std::string> args{"--help"};
    char* argv[] = {args[0].data()};
    EXPECT_EQ(run_system(1, argv), 0);
    const std::string help = ::testing::internal::GetCapturedStdout();
    for (const char* s : {"-chardev stdio|file|pipe|null", "-device virtio-serial-device",
                          "-device virtconsole,chardev=ID", "-serial stdio|null|none"})
        EXPECT_NE(help.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace xvm::app
