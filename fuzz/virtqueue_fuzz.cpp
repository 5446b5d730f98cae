// libFuzzer target: a virtio-blk behind the MMIO transport, with guest RAM,
// queue size, features and a few register writes all taken from the input.
// RAM starts at physical address 0 so that small numbers in the input are
// valid descriptor addresses and the fuzzer finds real requests quickly.
//
// Input: [flags][log2 queue size][op count][op count x (register, 4-byte value)][RAM image]
// flags: bit 0 read-only drive, bit 1 EVENT_IDX, bit 2 INDIRECT_DESC, bit 3 FLUSH,
//        bit 4 DISCARD + WRITE_ZEROES.
// Rings: descriptors at 0x0, available ring at 0x1000, used ring at 0x2000.
//
// Checked beyond "no crash, no sanitizer report": a read-only drive never
// changes the image. (Whether the device wrote only where it was asked is
// checked by tests/dev/virtio_random_test.cpp, whose buffers avoid watched
// areas; here any descriptor may aim anywhere in RAM, rings included.)
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "dev/irq.h"
#include "dev/virtio.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_mmio.h"
#include "mem/bus.h"
#include "mem/guest_ram.h"

namespace {

using namespace xvm;

constexpr uint64_t kRamSize = 256 * 1024;
constexpr uint64_t kDesc = 0x0, kAvail = 0x1000, kUsed = 0x2000;
constexpr uint64_t kImageBytes = 64 * 1024;

// MMIO registers the ops may hit (4.2.2); the index is the op's first byte.
constexpr uint64_t kRegs[] = {0x014, 0x020, 0x024, 0x030, 0x038, 0x044, 0x050,
                              0x064, 0x070, 0x080, 0x090, 0x0a0, 0x100, 0x104};

struct NullSink final : dev::InterruptSink {
    void set_level(unsigned, bool) override {}
};

struct Env {
    std::string image;
    std::unique_ptr<mem::GuestRam> ram;
    mem::Bus bus;
    NullSink irq;

    Env() {
        // tmpfs, so the device's fdatasyncs cost nothing.
        image = "/dev/shm/xvm-virtqueue-fuzz-XXXXXX";
        int fd = mkstemp(image.data());
        if (fd < 0) {
            image = "/tmp/xvm-virtqueue-fuzz-XXXXXX";
            fd = mkstemp(image.data());
        }
        if (fd < 0 || ftruncate(fd, kImageBytes) != 0) {
            std::perror("virtqueue_fuzz: temp image");
            std::abort();
        }
        close(fd);
        auto r = mem::GuestRam::create(0, kRamSize);
        if (!r.ok()) std::abort();
        ram = std::move(*r);
        bus.set_ram(ram.get());
    }
    ~Env() { unlink(image.c_str()); }

    std::string image_bytes() const {
        std::ifstream f(image, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(f), {});
    }
};

Env& env() {
    static Env e;
    return e;
}

void w32(dev::VirtioMmio& mmio, uint64_t off, uint32_t v) {
    (void)mmio.write(off, 4, v);
}
uint32_t r32(dev::VirtioMmio& mmio, uint64_t off) {
    uint64_t v = 0;
    (void)mmio.read(off, 4, v);
    return static_cast<uint32_t>(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3) return 0;
    Env& e = env();
    const uint8_t flags = data[0];
    const uint32_t qsize = 1u << (data[1] % 9);
    const size_t nops = data[2] % 16;
    size_t pos = 3;
    if (size < pos + 5 * nops) return 0;
    const uint8_t* ops = data + pos;
    pos += 5 * nops;

    std::memset(e.ram->host(0), 0, kRamSize);
    std::memcpy(e.ram->host(0), data + pos, std::min<size_t>(size - pos, kRamSize));

    const bool readonly = flags & 1;
    const std::string before = readonly ? e.image_bytes() : std::string();
    {
        dev::VirtioBlkOptions o;
        o.cache_bytes = 64 * 1024;
        o.serial = "fuzz";
        auto blk = dev::VirtioBlk::open(e.image, readonly, o);
        if (!blk.ok()) {
            std::fprintf(stderr, "%s\n", blk.error().message.c_str());
            std::abort();
        }
        {
            dev::VirtioMmio mmio(**blk, e.bus, dev::IrqLine{&e.irq, 1});
            uint64_t features = dev::virtio::kFeatureVersion1;
            if (flags & 2) features |= dev::virtio::kFeatureEventIdx;
            if (flags & 4) features |= dev::virtio::kFeatureIndirectDesc;
            if (flags & 8) features |= 1ull << 9;
            if (flags & 16) features |= (1ull << 13) | (1ull << 14);
            w32(mmio, 0x070, 0);
            w32(mmio, 0x070, dev::virtio::kStatusAcknowledge | dev::virtio::kStatusDriver);
            w32(mmio, 0x024, 0);
            w32(mmio, 0x020, static_cast<uint32_t>(features));
            w32(mmio, 0x024, 1);
            w32(mmio, 0x020, static_cast<uint32_t>(features >> 32));
            w32(mmio, 0x070, r32(mmio, 0x070) | dev::virtio::kStatusFeaturesOk);
            w32(mmio, 0x030, 0);
            w32(mmio, 0x038, qsize);
            w32(mmio, 0x080, kDesc);
            w32(mmio, 0x090, kAvail);
            w32(mmio, 0x0a0, kUsed);
            w32(mmio, 0x044, 1);
            w32(mmio, 0x070, r32(mmio, 0x070) | dev::virtio::kStatusDriverOk);  // serves the ring
            w32(mmio, 0x050, 0);
            for (size_t i = 0; i < nops; ++i) {
                uint32_t v;
                std::memcpy(&v, ops + 5 * i + 1, 4);
                w32(mmio, kRegs[ops[5 * i] % std::size(kRegs)], v);
            }
        }
    }
    if (readonly && e.image_bytes() != before) {
        std::fprintf(stderr, "read-only image changed\n");
        __builtin_trap();
    }
    return 0;
}
