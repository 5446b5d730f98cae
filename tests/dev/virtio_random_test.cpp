// Thousands of random queue states with fixed seeds, against every device: the
// host keeps running, the device never writes outside the rings and buffers it
// was given (guard regions and driver-owned areas stay intact), a read-only
// image never changes, and after a reset the device still works.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "dev/virtio_console.h"
#include "dev/virtio_rng.h"
#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

constexpr uint64_t kGuardBytes = 0x10000;
constexpr uint64_t kBufBytes = 256 * 1024;
constexpr uint64_t kSlack = 4096;  // after the buffers: a mangled length may reach into it
constexpr uint16_t kMaxQueue = 256;

struct Layout {
    uint64_t desc, avail, used;  // areas for the largest queue
    uint64_t buf;                // random buffers and indirect tables live here
    uint64_t guard2;             // after the buffers
};

class RandomQueues {
  public:
    RandomQueues(Machine& m, Driver& d, unsigned queues, uint32_t seed)
        : m_(m), d_(d), queues_(queues), rng_(seed) {
        std::memset(d_.host(kRamBase), 0xa5, kGuardBytes);
        lay_.desc = d_.alloc(16 * kMaxQueue, 16);
        lay_.avail = d_.alloc(6 + 2 * kMaxQueue, 2);
        lay_.used = d_.alloc(6 + 8 * kMaxQueue, 4);
        lay_.buf = d_.alloc(kBufBytes + kSlack, 16);
        lay_.guard2 = d_.alloc(kGuardBytes, 16);
        std::memset(d_.host(lay_.guard2), 0x5a, kGuardBytes);
    }

    uint64_t r(uint64_t n) { return n ? rng_() % n : 0; }
    bool chance(unsigned percent) { return r(100) < percent; }

    uint64_t random_addr(uint32_t& len) {
        switch (r(20)) {
            case 0: len = static_cast<uint32_t>(r(64)); return ~0ull - r(64);       // wraps
            case 1: len = static_cast<uint32_t>(1 + r(4096)); return r(kRamBase);   // below RAM
            case 2: len = static_cast<uint32_t>(r(1u << 31) + 1); return lay_.buf;  // huge
            case 3: len = static_cast<uint32_t>(1 + r(512)); return kRamBase + kRamSize - r(256);
            case 4: len = 0; return rng_();  // empty
            default: {
                len = static_cast<uint32_t>(chance(50) ? 1 + r(16) : 1 + r(8192));
                const uint64_t off = r(kBufBytes - len);
                return lay_.buf + off;
            }
        }
    }

    void random_desc(uint64_t at, uint32_t table_len) {
        uint32_t len;
        const uint64_t addr = random_addr(len);
        uint16_t flags = 0;
        if (chance(60)) flags |= kDescNext;
        if (chance(40)) flags |= kDescWrite;
        if (chance(5)) flags |= kDescIndirect;
        if (chance(2)) flags |= static_cast<uint16_t>(rng_());
        const uint16_t next =
            chance(95) ? static_cast<uint16_t>(r(table_len)) : static_cast<uint16_t>(rng_());
        d_.write_desc_at(at, addr, len, flags, next);
    }

    // Request headers in the first slots of the buffer area, so the devices get
    // past their header checks often.
    static constexpr int kHeaders = 32;
    uint64_t header_slot(uint64_t i) const { return lay_.buf + 16 * i; }
    void random_payloads() {
        for (int i = 0; i < kHeaders; ++i) {
            const uint64_t at = header_slot(i);
            const uint32_t types[] = {kBlkIn,
                                      kBlkOut,
                                      kBlkFlush,
                                      kBlkGetId,
                                      kBlkDiscard,
                                      kBlkWriteZeroes,
                                      static_cast<uint32_t>(rng_())};
            d_.store<uint32_t>(at, types[r(7)]);
            d_.store<uint32_t>(at + 4, 0);
            d_.store<uint64_t>(at + 8, chance(80) ? r(1024) : rng_());
        }
    }

    // Chains laid out as a driver would: a header, some data, a status byte;
    // then, sometimes, one field of one descriptor mangled.
    void plausible_chains(const Driver::Queue& qu) {
        std::vector<uint16_t> heads;
        for (uint32_t i = 0; i < qu.size;) {
            const uint32_t n = std::min<uint32_t>(chance(90) ? 2 + r(3) : 1, qu.size - i);
            const bool data_writable = chance(50);
            for (uint32_t j = 0; j < n; ++j) {
                const bool last = j + 1 == n;
                uint64_t addr;
                uint32_t len;
                bool writable;
                if (j == 0 && n > 1) {
                    addr = header_slot(r(kHeaders)), len = 16, writable = false;
                } else if (last) {
                    addr = lay_.buf + 4096 + r(kBufBytes - 8192), len = chance(90) ? 1 : 1 + r(64);
                    writable = true;
                } else {
                    len = static_cast<uint32_t>(chance(80) ? 512 * (1 + r(8)) : 1 + r(4096));
                    addr = lay_.buf + 4096 + r(kBufBytes - 4096 - len);
                    writable = data_writable;
                }
                d_.write_desc_at(qu.desc + 16 * (i + j), addr, len,
                                 (writable ? kDescWrite : 0) | (last ? 0 : kDescNext),
                                 static_cast<uint16_t>(last ? 0 : i + j + 1));
            }
            heads.push_back(static_cast<uint16_t>(i));
            i += n;
        }
        for (uint32_t i = 0; i < qu.size; ++i)
            d_.store<uint16_t>(qu.avail + 4 + 2 * i, heads[r(heads.size())]);
        if (chance(30)) {
            // One mangled field. A mangled address leaves RAM altogether; one
            // that moved inside RAM could legitimately aim at the watched areas.
            const uint64_t at = qu.desc + 16 * r(qu.size);
            switch (r(4)) {
                case 0: d_.store<uint64_t>(at, rng_() | (1ull << 40)); break;
                case 1:
                    d_.store<uint8_t>(at + 8, static_cast<uint8_t>(rng_()));
                    break;  // len, a little
                case 2: d_.store<uint16_t>(at + 12, static_cast<uint16_t>(rng_())); break;  // flags
                case 3: d_.store<uint16_t>(at + 14, static_cast<uint16_t>(rng_())); break;  // next
            }
        }
    }

    // Random indirect tables in the buffer area, pointed at by some descriptors.
    void random_indirect_tables() {
        for (int i = 0; i < 4; ++i) {
            const uint32_t n = static_cast<uint32_t>(1 + r(32));
            const uint64_t at = lay_.buf + r((kBufBytes - 16 * n) / 16) * 16;
            for (uint32_t j = 0; j < n; ++j) random_desc(at + 16 * j, n);
            if (chance(50)) {
                const uint64_t slot = lay_.desc + 16 * r(16);
                d_.write_desc_at(slot, at, chance(90) ? 16 * n : static_cast<uint32_t>(rng_()),
                                 kDescIndirect, 0);
            }
        }
    }

    // Registers that cannot move a ring onto memory the checks watch (a driver
    // may point its rings anywhere; the guard checks assume it does not).
    void random_register_write() {
        static const uint64_t regs[] = {kQueueSel,     kQueueNum, kQueueReady,     kQueueNotify,
                                        kInterruptAck, kStatus,   kDriverFeatures, kConfig};
        (void)d_.try_write(regs[r(std::size(regs))], 4, chance(50) ? r(4) : rng_());
    }

    // One random state: negotiate, set up queues (mostly valid), scribble rings,
    // notify a few times. Returns whether the device ended in NEEDS_RESET.
    bool iteration() {
        uint64_t want = virtio::kFeatureVersion1;
        if (chance(50)) want |= virtio::kFeatureEventIdx;
        if (chance(70)) want |= virtio::kFeatureIndirectDesc;
        if (chance(50)) want |= kBlkFFlush | kBlkFDiscard | kBlkFWriteZeroes;
        if (!d_.negotiate(want)) return false;
        // A driver hands over zeroed rings (2.7.13.1).
        std::memset(d_.host(lay_.desc), 0, lay_.buf - lay_.desc);
        uint16_t size = static_cast<uint16_t>(chance(90) ? 4u << r(7) : 1u << r(9));
        for (unsigned q = 0; q < queues_; ++q) {
            Driver::Queue qu;
            qu.size = size;
            // Each queue gets its own slice of the areas.
            qu.desc = lay_.desc + q * 16 * (kMaxQueue / queues_);
            qu.avail = lay_.avail + q * 2 * (kMaxQueue / queues_);
            qu.used = lay_.used + q * 8 * (kMaxQueue / queues_);
            if (size > kMaxQueue / queues_) size = kMaxQueue / queues_, qu.size = size;
            if (chance(3)) qu.size = static_cast<uint16_t>(rng_());
            if (chance(3)) qu.desc += 1 + r(15);
            if (chance(2)) qu.used = rng_();
            d_.setup_queue_at(q, qu, false);
        }
        if (chance(95)) d_.driver_ok();
        if (d_.needs_reset()) return true;

        random_payloads();
        for (unsigned q = 0; q < queues_; ++q) {
            const Driver::Queue& qu = d_.queue(q);
            if (chance(60)) {
                plausible_chains(qu);
            } else {
                for (uint32_t i = 0; i < qu.size; ++i) random_desc(qu.desc + 16 * i, qu.size);
                for (uint32_t i = 0; i < qu.size; ++i)
                    d_.store<uint16_t>(qu.avail + 4 + 2 * i,
                                       static_cast<uint16_t>(chance(95) ? r(qu.size) : rng_()));
            }
            d_.store<uint16_t>(qu.avail, static_cast<uint16_t>(r(2)));  // flags
            d_.set_used_event(q, static_cast<uint16_t>(r(qu.size + 1)));
        }
        if (chance(30)) random_indirect_tables();

        const int rounds = 1 + static_cast<int>(r(4));
        for (int round = 0; round < rounds; ++round) {
            const unsigned q = static_cast<unsigned>(r(queues_));
            const Driver::Queue& qu = d_.queue(q);
            // Snapshot the driver-owned areas: the device must never write them.
            const std::string desc_before(reinterpret_cast<char*>(d_.host(qu.desc)), 16 * qu.size);
            const uint16_t step =
                chance(90) ? static_cast<uint16_t>(r(qu.size + 1)) : static_cast<uint16_t>(rng_());
            d_.set_avail_idx(q, static_cast<uint16_t>(qu.avail_idx + step));
            const std::string avail_before(reinterpret_cast<char*>(d_.host(qu.avail)),
                                           4 + 2 * qu.size);
            if (chance(10)) random_register_write();
            const uint16_t used_before = d_.used_idx(q);
            d_.kick(chance(95) ? q : static_cast<unsigned>(rng_()));
            completed_ += static_cast<uint16_t>(d_.used_idx(q) - used_before);
            ++kicks_;
            EXPECT_EQ(std::string(reinterpret_cast<char*>(d_.host(qu.desc)), 16 * qu.size),
                      desc_before);
            EXPECT_EQ(std::string(reinterpret_cast<char*>(d_.host(qu.avail)), 4 + 2 * qu.size),
                      avail_before);
            d_.ack_interrupts();
        }
        check_guards();
        return d_.needs_reset();
    }

    void check_guards() {
        const uint8_t* g1 = d_.host(kRamBase);
        const uint8_t* g2 = d_.host(lay_.guard2);
        for (uint64_t i = 0; i < kGuardBytes; ++i) {
            ASSERT_EQ(g1[i], 0xa5) << "stray write below the rings at +" << i;
            ASSERT_EQ(g2[i], 0x5a) << "stray write past the buffers at +" << i;
        }
    }

    uint64_t completed() const { return completed_; }
    uint64_t kicks() const { return kicks_; }

  private:
    Machine& m_;
    Driver& d_;
    unsigned queues_;
    uint64_t completed_ = 0, kicks_ = 0;
    std::mt19937_64 rng_;
    Layout lay_;
};

// Runs `iterations` random states on a device; returns how many ended in NEEDS_RESET.
int run_random(VirtioDevice& dev, unsigned queues, uint32_t seed, int iterations) {
    Machine m(dev);
    Driver d(m);
    RandomQueues rq(m, d, queues, seed);
    int resets = 0;
    for (int i = 0; i < iterations; ++i) {
        resets += rq.iteration();
        if (::testing::Test::HasFatalFailure()) return resets;
    }
    // Still a working device afterwards.
    EXPECT_TRUE(d.negotiate(kAllFeatures));
    printf("seed %u: %d states, %d needed reset, %llu kicks, %llu chains completed\n", seed,
           iterations, resets, (unsigned long long)rq.kicks(), (unsigned long long)rq.completed());
    return resets;
}

TEST(VirtioRandom, ReadOnlyDiskImageNeverChanges) {
    TempImage img(512 * 1024);
    const uint64_t before = img.hash();
    for (uint32_t seed = 1; seed <= 4; ++seed) {
        auto blk = VirtioBlk::open(img.path(), true);
        ASSERT_TRUE(blk.ok());
        const int resets = run_random(**blk, 1, seed, 500);
        EXPECT_GT(resets, 0);  // the random states do break the rules, often
    }
    EXPECT_EQ(img.hash(), before);
}

TEST(VirtioRandom, ReadWriteDiskSurvivesAndKeepsItsSize) {
    TempImage img(512 * 1024);
    for (uint32_t seed = 11; seed <= 14; ++seed) {
        auto blk = VirtioBlk::open(img.path(), false);
        ASSERT_TRUE(blk.ok());
        run_random(**blk, 1, seed, 500);
        EXPECT_TRUE((*blk)->flush().ok());
    }
    EXPECT_EQ(img.content().size(), 512u * 1024);
}

TEST(VirtioRandom, RngAndConsoleSurvive) {
    VirtioRng rng;
    run_random(rng, 1, 21, 1000);
    BufferBackend backend;
    VirtioConsole con(&backend);
    backend.inject("input");
    run_random(con, 2, 22, 1000);
}

// After random abuse, a blk device still serves a proper request.
TEST(VirtioRandom, DeviceWorksAfterAbuse) {
    TempImage img(512 * 1024);
    BlkRig rig(img.path(), false);
    {
        RandomQueues rq(*rig.m, *rig.d, 1, 99);
        for (int i = 0; i < 300; ++i) rq.iteration();
    }
    ASSERT_TRUE(rig.d->negotiate(kAllFeatures));
    rig.d->setup_queue(0, 16);
    rig.d->driver_ok();
    rig.hdr = rig.d->alloc(16);
    rig.status = rig.d->alloc(16);
    const std::string bytes(1024, 'Q');
    ASSERT_EQ(rig.write(8, bytes).status, kBlkOk);
    auto r = rig.read(8, 1024);
    ASSERT_EQ(r.status, kBlkOk);
    EXPECT_EQ(rig.data_bytes(1024), bytes);
}

}  // namespace
}  // namespace xvm::dev::virtio_test
