// A test-side virtio driver that does what Linux's virtio_mmio and virtio_ring
// do: reset, feature negotiation, queue setup in guest RAM, descriptor chains,
// notify, and reading the used ring — through the bus, like a CPU. Hostile
// tests use its raw helpers to write whatever they like into the rings.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dev/irq.h"
#include "dev/virtio.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_mmio.h"
#include "mem/bus.h"
#include "mem/guest_ram.h"

namespace xvm::dev::virtio_test {

constexpr uint64_t kRamBase = 0x8000'0000;
constexpr uint64_t kRamSize = 16ull << 20;
constexpr uint64_t kMmioBase = 0x1000'1000;
constexpr unsigned kIrqLine = 1;

// MMIO register offsets, as a driver knows them (4.2.2).
enum Reg : uint64_t {
    kMagicValue = 0x000,
    kVersion = 0x004,
    kDeviceId = 0x008,
    kVendorId = 0x00c,
    kDeviceFeatures = 0x010,
    kDeviceFeaturesSel = 0x014,
    kDriverFeatures = 0x020,
    kDriverFeaturesSel = 0x024,
    kQueueSel = 0x030,
    kQueueNumMax = 0x034,
    kQueueNum = 0x038,
    kQueueReady = 0x044,
    kQueueNotify = 0x050,
    kInterruptStatus = 0x060,
    kInterruptAck = 0x064,
    kStatus = 0x070,
    kQueueDescLow = 0x080,
    kQueueDescHigh = 0x084,
    kQueueDriverLow = 0x090,
    kQueueDriverHigh = 0x094,
    kQueueDeviceLow = 0x0a0,
    kQueueDeviceHigh = 0x0a4,
    kShmSel = 0x0ac,
    kShmLenLow = 0x0b0,
    kShmBaseHigh = 0x0bc,
    kConfigGeneration = 0x0fc,
    kConfig = 0x100,
};

constexpr uint16_t kDescNext = 1, kDescWrite = 2, kDescIndirect = 4;

class LevelSink final : public InterruptSink {
  public:
    void set_level(unsigned line, bool level) override {
        std::lock_guard lock(mu_);
        levels_[line] = level;
    }
    bool level(unsigned line = kIrqLine) {
        std::lock_guard lock(mu_);
        return levels_[line];
    }

  private:
    std::mutex mu_;
    std::map<unsigned, bool> levels_;
};

// RAM on a bus with one virtio-mmio slot, the way the board wires it.
struct Machine {
    std::unique_ptr<mem::GuestRam> ram;
    mem::Bus bus;
    LevelSink irq;
    std::unique_ptr<VirtioMmio> mmio;

    explicit Machine(VirtioDevice& dev, uint64_t ram_size = kRamSize) {
        auto r = mem::GuestRam::create(kRamBase, ram_size);
        EXPECT_TRUE(r.ok());
        ram = std::move(*r);
        bus.set_ram(ram.get());
        mmio = std::make_unique<VirtioMmio>(dev, bus, IrqLine{&irq, kIrqLine});
        EXPECT_TRUE(bus.add_device(kMmioBase, VirtioMmio::kSize, mmio.get()).ok());
    }
};

struct Buf {
    uint64_t addr;
    uint32_t len;
    bool writable;
};

class Driver {
  public:
    struct Queue {
        uint16_t size = 0;
        uint64_t desc = 0, avail = 0, used = 0;
        uint16_t avail_idx = 0;  // driver's shadow of avail->idx
        uint16_t last_used = 0;  // next used entry to consume
        uint16_t next_desc = 0;  // descriptors are handed out round-robin
    };

    explicit Driver(Machine& m) : m_(m), bus_(m.bus) {}

    // --- registers, through the bus like a CPU ---
    uint32_t rd(uint64_t off) {
        uint64_t v = 0;
        EXPECT_TRUE(bus_.read(kMmioBase + off, 4, v)) << "read at " << off;
        return static_cast<uint32_t>(v);
    }
    void wr(uint64_t off, uint32_t v) {
        EXPECT_TRUE(bus_.write(kMmioBase + off, 4, v)) << "write at " << off;
    }
    bool try_read(uint64_t off, unsigned size, uint64_t& v) {
        return bus_.read(kMmioBase + off, size, v);
    }
    bool try_write(uint64_t off, unsigned size, uint64_t v) {
        return bus_.write(kMmioBase + off, size, v);
    }
    uint32_t status() { return rd(kStatus); }
    bool needs_reset() { return status() & virtio::kStatusNeedsReset; }

    // --- RAM ---
    uint8_t* host(uint64_t pa) { return m_.ram->host(pa); }
    template <class T>
    T load(uint64_t pa) {
        T v;
        std::memcpy(&v, host(pa), sizeof v);
        return v;
    }
    template <class T>
    void store(uint64_t pa, T v) {
        std::memcpy(host(pa), &v, sizeof v);
    }
    // A bump allocator over RAM above the first 64 KiB (left for guard checks).
    uint64_t alloc(uint64_t len, uint64_t align = 16) {
        next_ = (next_ + align - 1) & ~(align - 1);
        const uint64_t at = next_;
        next_ += len;
        EXPECT_LE(next_, kRamBase + m_.ram->size());
        std::memset(host(at), 0, len);
        return at;
    }

    // --- initialisation (3.1.1) ---
    uint64_t device_features() {
        wr(kDeviceFeaturesSel, 1);
        const uint64_t hi = rd(kDeviceFeatures);
        wr(kDeviceFeaturesSel, 0);
        return hi << 32 | rd(kDeviceFeatures);
    }
    // Reset, ACKNOWLEDGE, DRIVER, features (those of `wanted` the device
    // offers), FEATURES_OK. Returns whether the device kept FEATURES_OK.
    bool negotiate(uint64_t wanted) {
        EXPECT_EQ(rd(kMagicValue), 0x74726976u);
        EXPECT_EQ(rd(kVersion), 2u);
        wr(kStatus, 0);
        EXPECT_EQ(rd(kStatus), 0u);
        wr(kStatus, virtio::kStatusAcknowledge);
        wr(kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver);
        features_ = wanted & device_features();
        write_driver_features(features_);
        wr(kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusFeaturesOk);
        queues_.clear();
        return rd(kStatus) & virtio::kStatusFeaturesOk;
    }
    void write_driver_features(uint64_t f) {
        wr(kDriverFeaturesSel, 0);
        wr(kDriverFeatures, static_cast<uint32_t>(f));
        wr(kDriverFeaturesSel, 1);
        wr(kDriverFeatures, static_cast<uint32_t>(f >> 32));
    }
    uint64_t features() const { return features_; }

    // Allocates zeroed rings (or uses the given addresses) and enables the queue.
    Queue& setup_queue(unsigned q, uint16_t size) {
        Queue qu;
        qu.size = size;
        qu.desc = alloc(16ull * size, 16);
        qu.avail = alloc(6 + 2ull * size, 2);
        qu.used = alloc(6 + 8ull * size, 4);
        return setup_queue_at(q, qu);
    }
    // `check`: expect a queue the device can take (random tests pass garbage).
    Queue& setup_queue_at(unsigned q, Queue qu, bool check = true) {
        wr(kQueueSel, q);
        if (check) {
            EXPECT_EQ(rd(kQueueReady), 0u);
            EXPECT_GE(rd(kQueueNumMax), qu.size);
        }
        wr(kQueueNum, qu.size);
        wr(kQueueDescLow, static_cast<uint32_t>(qu.desc));
        wr(kQueueDescHigh, static_cast<uint32_t>(qu.desc >> 32));
        wr(kQueueDriverLow, static_cast<uint32_t>(qu.avail));
        wr(kQueueDriverHigh, static_cast<uint32_t>(qu.avail >> 32));
        wr(kQueueDeviceLow, static_cast<uint32_t>(qu.used));
        wr(kQueueDeviceHigh, static_cast<uint32_t>(qu.used >> 32));
        wr(kQueueReady, 1);
        return queues_[q] = qu;
    }
    void driver_ok() { wr(kStatus, rd(kStatus) | virtio::kStatusDriverOk); }
    Queue& queue(unsigned q) { return queues_.at(q); }

    // --- descriptors and rings ---
    void write_desc(unsigned q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next) {
        write_desc_at(queue(q).desc + 16ull * i, addr, len, flags, next);
    }
    void write_desc_at(uint64_t at, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
        store<uint64_t>(at, addr);
        store<uint32_t>(at + 8, len);
        store<uint16_t>(at + 12, flags);
        store<uint16_t>(at + 14, next);
    }
    // Puts `head` in the next available slot and publishes it.
    void publish(unsigned q, uint16_t head) {
        Queue& qu = queue(q);
        store<uint16_t>(qu.avail + 4 + 2ull * (qu.avail_idx % qu.size), head);
        ++qu.avail_idx;
        store<uint16_t>(qu.avail + 2, qu.avail_idx);
    }
    void set_avail_idx(unsigned q, uint16_t idx) {
        queue(q).avail_idx = idx;
        store<uint16_t>(queue(q).avail + 2, idx);
    }
    void set_avail_flags(unsigned q, uint16_t flags) { store<uint16_t>(queue(q).avail, flags); }
    void set_used_event(unsigned q, uint16_t v) {
        store<uint16_t>(queue(q).avail + 4 + 2ull * queue(q).size, v);
    }
    uint16_t avail_event(unsigned q) {
        return load<uint16_t>(queue(q).used + 4 + 8ull * queue(q).size);
    }
    uint16_t used_idx(unsigned q) { return load<uint16_t>(queue(q).used + 2); }

    // A chain in consecutive free descriptors; returns its head (not yet published).
    uint16_t make_chain(unsigned q, const std::vector<Buf>& bufs) {
        Queue& qu = queue(q);
        const uint16_t head = qu.next_desc;
        for (size_t i = 0; i < bufs.size(); ++i) {
            const uint16_t d = (head + i) % qu.size;
            const bool more = i + 1 < bufs.size();
            write_desc(q, d, bufs[i].addr, bufs[i].len,
                       (bufs[i].writable ? kDescWrite : 0) | (more ? kDescNext : 0),
                       more ? (d + 1) % qu.size : 0);
        }
        qu.next_desc = (head + bufs.size()) % qu.size;
        return head;
    }
    // One descriptor pointing at an indirect table holding the chain.
    uint16_t make_indirect(unsigned q, const std::vector<Buf>& bufs) {
        const uint64_t table = alloc(16 * bufs.size(), 16);
        for (size_t i = 0; i < bufs.size(); ++i) {
            const bool more = i + 1 < bufs.size();
            write_desc_at(table + 16 * i, bufs[i].addr, bufs[i].len,
                          (bufs[i].writable ? kDescWrite : 0) | (more ? kDescNext : 0),
                          more ? static_cast<uint16_t>(i + 1) : 0);
        }
        Queue& qu = queue(q);
        const uint16_t head = qu.next_desc;
        write_desc(q, head, table, static_cast<uint32_t>(16 * bufs.size()), kDescIndirect, 0);
        qu.next_desc = (head + 1) % qu.size;
        return head;
    }
    uint16_t add(unsigned q, const std::vector<Buf>& bufs, bool indirect = false) {
        const uint16_t head = indirect ? make_indirect(q, bufs) : make_chain(q, bufs);
        publish(q, head);
        return head;
    }
    void kick(unsigned q) { wr(kQueueNotify, q); }

    struct Used {
        uint32_t id, len;
    };
    // The next used element, if the device returned one.
    bool pop_used(unsigned q, Used& u) {
        Queue& qu = queue(q);
        if (used_idx(q) == qu.last_used) return false;
        const uint64_t e = qu.used + 4 + 8ull * (qu.last_used % qu.size);
        u = {load<uint32_t>(e), load<uint32_t>(e + 4)};
        ++qu.last_used;
        return true;
    }
    uint32_t ack_interrupts() {
        const uint32_t s = rd(kInterruptStatus);
        wr(kInterruptAck, s);
        return s;
    }

  private:
    Machine& m_;
    mem::Bus& bus_;
    uint64_t next_ = kRamBase + 0x10000;
    uint64_t features_ = 0;
    std::map<unsigned, Queue> queues_;
};

// --- host files ---

inline uint64_t fnv1a(const std::string& bytes) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    return h;
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// A temporary image file with a recognisable pattern: byte i is a function of
// the sector and the offset, so misplaced data shows.
class TempImage {
  public:
    explicit TempImage(uint64_t size, bool pattern = true) {
        const char* dir = getenv("TMPDIR");
        path_ = std::string(dir && *dir ? dir : "/tmp") + "/xvm-virtio-XXXXXX";
        const int fd = mkstemp(path_.data());
        EXPECT_GE(fd, 0);
        std::string content(size, '\0');
        if (pattern)
            for (uint64_t i = 0; i < size; ++i) content[i] = static_cast<char>(expected(i));
        EXPECT_EQ(write(fd, content.data(), size), static_cast<ssize_t>(size));
        close(fd);
    }
    ~TempImage() {
        chmod(path_.c_str(), 0600);
        unlink(path_.c_str());
    }
    static uint8_t expected(uint64_t i) { return static_cast<uint8_t>((i / 512) * 7 + i * 13 + 1); }
    const std::string& path() const { return path_; }
    std::string content() const { return read_file(path_); }
    uint64_t hash() const { return fnv1a(content()); }

  private:
    std::string path_;
};

// --- virtio-blk as Linux drives it ---

constexpr uint32_t kBlkIn = 0, kBlkOut = 1, kBlkFlush = 4, kBlkGetId = 8, kBlkDiscard = 11,
                   kBlkWriteZeroes = 13;
constexpr uint8_t kBlkOk = 0, kBlkIoErr = 1, kBlkUnsupp = 2;
constexpr uint64_t kBlkFSizeMax = 1ull << 1, kBlkFSegMax = 1ull << 2, kBlkFRo = 1ull << 5,
                   kBlkFFlush = 1ull << 9, kBlkFDiscard = 1ull << 13, kBlkFWriteZeroes = 1ull << 14;
constexpr uint64_t kAllFeatures = ~0ull;

// A virtio-blk on an image, a machine and a driver that negotiated `features`
// and set up the request queue.
struct BlkRig {
    std::unique_ptr<VirtioBlk> blk;
    std::unique_ptr<Machine> m;
    std::unique_ptr<Driver> d;
    uint64_t hdr = 0, status = 0, data = 0;  // request buffers in RAM

    static constexpr uint64_t kDataBytes = 1 << 20;

    BlkRig(const std::string& path, bool readonly, uint64_t features = kAllFeatures,
           VirtioBlkOptions options = {}, uint16_t queue_size = 128) {
        auto r = VirtioBlk::open(path, readonly, std::move(options));
        EXPECT_TRUE(r.ok()) << r.error().message;
        if (!r.ok()) return;
        blk = std::move(*r);
        m = std::make_unique<Machine>(*blk);
        d = std::make_unique<Driver>(*m);
        EXPECT_TRUE(d->negotiate(features));
        d->setup_queue(0, queue_size);
        d->driver_ok();
        hdr = d->alloc(16);
        status = d->alloc(16);
        data = d->alloc(kDataBytes, 4096);
    }
    ~BlkRig() {
        d.reset();
        m.reset();  // the transport goes before its device
        blk.reset();
    }

    struct Reply {
        bool done = false;
        uint8_t status = 0xff;
        uint32_t used_len = 0;
    };
    void header(uint32_t type, uint64_t sector) {
        d->store<uint32_t>(hdr, type);
        d->store<uint32_t>(hdr + 4, 0);
        d->store<uint64_t>(hdr + 8, sector);
    }
    // Submits the chain, kicks, and collects the reply (status byte at `status`).
    Reply submit(const std::vector<Buf>& bufs, bool indirect = false) {
        d->store<uint8_t>(status, 0xff);
        const uint16_t head = d->add(0, bufs, indirect);
        d->kick(0);
        Reply r;
        Driver::Used u;
        if (d->pop_used(0, u)) {
            EXPECT_EQ(u.id, head);
            r.done = true;
            r.used_len = u.len;
            r.status = d->load<uint8_t>(status);
        }
        return r;
    }
    // Linux's layout: header | data | status, data `len` bytes at `data`.
    Reply request(uint32_t type, uint64_t sector, uint32_t len) {
        header(type, sector);
        const bool in = type == kBlkIn || type == kBlkGetId;
        std::vector<Buf> bufs = {{hdr, 16, false}};
        if (len) bufs.push_back({data, len, in});
        bufs.push_back({status, 1, true});
        return submit(bufs);
    }
    Reply read(uint64_t sector, uint32_t len) { return request(kBlkIn, sector, len); }
    Reply write(uint64_t sector, const std::string& bytes) {
        std::memcpy(d->host(data), bytes.data(), bytes.size());
        return request(kBlkOut, sector, static_cast<uint32_t>(bytes.size()));
    }
    Reply flush() { return request(kBlkFlush, 0, 0); }
    std::string data_bytes(uint32_t len) {
        return std::string(reinterpret_cast<const char*>(d->host(data)), len);
    }
};

inline std::string image_bytes(uint64_t offset, uint64_t len) {
    std::string s(len, '\0');
    for (uint64_t i = 0; i < len; ++i) s[i] = static_cast<char>(TempImage::expected(offset + i));
    return s;
}

}  // namespace xvm::dev::virtio_test
