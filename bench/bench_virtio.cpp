// virtio-blk through the device model: a VirtioMmio transport in front of a
// VirtioBlk on a 64 MiB temporary image, driven the way Linux's virtio_blk
// drives it (tests/dev/virtio_test_driver.h: header | data | status chains in
// guest RAM, avail ring, a QueueNotify write through the bus, the used ring,
// then InterruptStatus read and InterruptAck written, as vm_interrupt does).
// Requests are served synchronously inside the notify, so one iteration is one
// complete request.
//
// Cache states (arg `cache`):
//   0 cold:  a 16-block cache (the minimum): every request misses, so reads
//            pread and writes evict a dirty block with a pwrite. The host's
//            page cache is warm (the image was just written): this is the
//            block cache's miss path, not a disk.
//   1 hot:   a 128 MiB cache, warmed over the whole image: every request hits.
//   2 board: the board's default 16 MiB cache, no warm-up: what a guest gets
//            (sequential passes over 64 MiB miss; random requests hit ~25%).
// Counters: bytes_per_second (the data moved), `per_req` (time of one request),
// `hit_pct` (block cache hits over lookups during the run).
//
// BM_BlockCache* time the cache alone (dev/block_cache.h), no virtio.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dev/block_cache.h"
#include "dev/virtio_blk.h"
#include "virtio_test_driver.h"

namespace {

using namespace xvm::dev;
using namespace xvm::dev::virtio_test;

constexpr uint64_t kImageBytes = 64ull << 20;
constexpr uint64_t kBlocks = kImageBytes / 4096;
enum Cache { kCold = 0, kHot = 1, kBoard = 2 };
const char* const kCacheName[] = {"cold", "hot", "board"};

// One image for the whole program (writing 64 MiB of pattern takes a moment);
// removed at exit. Only one VirtioBlk may hold it open at a time (it is locked).
TempImage& image() {
    static TempImage img(kImageBytes);
    return img;
}

size_t cache_bytes(Cache c) {
    switch (c) {
        case kCold: return 16 * 4096;
        case kHot: return 2 * kImageBytes;
        default: return VirtioBlkOptions{}.cache_bytes;
    }
}

void per_op(benchmark::State& state, const char* name, double ops) {
    state.counters[name] =
        benchmark::Counter(ops, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

double hit_pct(const BlockCacheStats& before, const BlockCacheStats& after) {
    const double h = static_cast<double>(after.hits - before.hits);
    const double m = static_cast<double>(after.misses - before.misses);
    return h + m > 0 ? 100.0 * h / (h + m) : 0;
}

// Args: random (0 sequential, 1 random), write (0/1), cache (Cache), bytes per request.
void BM_VirtioBlk(benchmark::State& state) {
    const bool random = state.range(0) != 0, write = state.range(1) != 0;
    const auto cache = static_cast<Cache>(state.range(2));
    const uint32_t len = static_cast<uint32_t>(state.range(3));
    VirtioBlkOptions opt;
    opt.cache_bytes = cache_bytes(cache);
    BlkRig rig(image().path(), false, kAllFeatures, opt, 128);
    if (!rig.blk) {
        state.SkipWithError("cannot open the image");
        return;
    }
    if (len > BlkRig::kDataBytes) {
        state.SkipWithError("request larger than the rig's data buffer");
        return;
    }
    std::memset(rig.d->host(rig.data), 0xa5, len);
    if (cache == kHot) {  // every block in the cache before timing
        for (uint64_t b = 0; b < kBlocks; b += 32) {
            auto r = rig.read(b * 8, 32 * 4096);
            rig.d->ack_interrupts();
            if (!r.done || r.status != kBlkOk) {
                state.SkipWithError("warm-up read failed");
                return;
            }
        }
    }
    const uint64_t slots = kImageBytes / len;
    std::mt19937_64 rng(42);
    uint64_t next = 0;
    const BlockCacheStats before = rig.blk->stats().cache;
    for (auto _ : state) {
        const uint64_t slot = random ? rng() % slots : next++ % slots;
        const uint64_t sector = slot * (len / 512);
        const auto r = rig.request(write ? kBlkOut : kBlkIn, sector, len);
        rig.d->ack_interrupts();
        if (!r.done || r.status != kBlkOk) [[unlikely]] {
            state.SkipWithError("request failed");
            break;
        }
    }
    const BlockCacheStats after = rig.blk->stats().cache;
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * len);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    per_op(state, "per_req", static_cast<double>(state.iterations()));
    state.counters["hit_pct"] = hit_pct(before, after);
    state.SetLabel(std::string(random ? "random " : "sequential ") + (write ? "write " : "read ") +
                   std::to_string(len / 1024) + "KiB cache " + kCacheName[cache]);
}
BENCHMARK(BM_VirtioBlk)
    ->ArgsProduct({{0, 1}, {0, 1}, {kCold, kHot, kBoard}, {4096}})
    ->Args({0, 0, kCold, 128 << 10})  // Linux merges sequential I/O: 128 KiB requests
    ->Args({0, 0, kHot, 128 << 10})
    ->Args({0, 1, kCold, 128 << 10})
    ->Args({0, 1, kHot, 128 << 10})
    ->ArgNames({"random", "write", "cache", "bytes"});

// A 4 KiB write followed by FLUSH (write-back of the dirty block, fdatasync):
// what `dd conv=fsync` or a journal commit costs per flush. Host-disk bound.
void BM_VirtioBlkWriteFlush(benchmark::State& state) {
    BlkRig rig(image().path(), false, kAllFeatures, {}, 128);
    if (!rig.blk) {
        state.SkipWithError("cannot open the image");
        return;
    }
    std::mt19937_64 rng(7);
    for (auto _ : state) {
        auto w = rig.request(kBlkOut, (rng() % kBlocks) * 8, 4096);
        rig.d->ack_interrupts();
        auto f = rig.flush();
        rig.d->ack_interrupts();
        if (!w.done || w.status != kBlkOk || !f.done || f.status != kBlkOk) [[unlikely]] {
            state.SkipWithError("write or flush failed");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 4096);
    per_op(state, "per_req", static_cast<double>(state.iterations()));
}
BENCHMARK(BM_VirtioBlkWriteFlush)->Iterations(200);

// The transport's cost alone: a GET_ID request (20 bytes copied, no cache).
void BM_VirtioBlkGetId(benchmark::State& state) {
    BlkRig rig(image().path(), false, kAllFeatures, {}, 128);
    if (!rig.blk) {
        state.SkipWithError("cannot open the image");
        return;
    }
    for (auto _ : state) {
        auto r = rig.request(kBlkGetId, 0, 20);
        rig.d->ack_interrupts();
        if (!r.done || r.status != kBlkOk) [[unlikely]] {
            state.SkipWithError("GET_ID failed");
            break;
        }
    }
    per_op(state, "per_req", static_cast<double>(state.iterations()));
}
BENCHMARK(BM_VirtioBlkGetId);

// ---- the block cache alone ----

std::unique_ptr<BlockCache> open_cache(size_t capacity) {
    const int fd = ::open(image().path().c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return nullptr;
    return std::make_unique<BlockCache>(fd, kImageBytes, capacity, false);
}

// Hits: 4 KiB (arg bytes=4096) or 512 B reads/writes over 1024 cached blocks.
void BM_BlockCacheHit(benchmark::State& state) {
    const bool write = state.range(0) != 0;
    const size_t len = static_cast<size_t>(state.range(1));
    auto c = open_cache(8 << 20);
    if (!c) {
        state.SkipWithError("cannot open the image");
        return;
    }
    std::vector<uint8_t> buf(4096, 0x3c);
    for (uint64_t b = 0; b < 1024; ++b) c->read(b * 4096, buf.data(), 4096);
    std::mt19937_64 rng(1);
    std::vector<uint64_t> offs(4096);
    for (auto& o : offs)
        o = (rng() % 1024) * 4096 + (len < 4096 ? (rng() % (4096 / len)) * len : 0);
    const BlockCacheStats before = c->stats();
    size_t k = 0;
    for (auto _ : state) {
        const uint64_t off = offs[k++ & 4095];
        const bool ok = write ? c->write(off, buf.data(), len) : c->read(off, buf.data(), len);
        if (!ok) [[unlikely]] {
            state.SkipWithError("cache access failed");
            break;
        }
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * len));
    per_op(state, "per_op", static_cast<double>(state.iterations()));
    state.counters["hit_pct"] = hit_pct(before, c->stats());
    state.SetLabel(std::string(write ? "write " : "read ") + std::to_string(len) + " B");
}
BENCHMARK(BM_BlockCacheHit)->ArgsProduct({{0, 1}, {512, 4096}})->ArgNames({"write", "bytes"});

// Misses: a 16-block cache, random blocks over the 64 MiB image. A read miss
// preads the block; a whole-block write miss skips the read but evicts a
// dirty block (pwrite); a 512 B write miss does both.
void BM_BlockCacheMiss(benchmark::State& state) {
    const bool write = state.range(0) != 0;
    const size_t len = static_cast<size_t>(state.range(1));
    auto c = open_cache(16 * 4096);
    if (!c) {
        state.SkipWithError("cannot open the image");
        return;
    }
    std::vector<uint8_t> buf(4096, 0x3c);
    std::mt19937_64 rng(2);
    const BlockCacheStats before = c->stats();
    for (auto _ : state) {
        const uint64_t off = (rng() % kBlocks) * 4096;
        const bool ok = write ? c->write(off, buf.data(), len) : c->read(off, buf.data(), len);
        if (!ok) [[unlikely]] {
            state.SkipWithError("cache access failed");
            break;
        }
        benchmark::ClobberMemory();
    }
    const BlockCacheStats& after = c->stats();
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * len));
    per_op(state, "per_op", static_cast<double>(state.iterations()));
    state.counters["hit_pct"] = hit_pct(before, after);
    state.counters["writebacks_per_op"] =
        static_cast<double>(after.writebacks - before.writebacks) /
        static_cast<double>(state.iterations());
    state.SetLabel(std::string(write ? "write " : "read ") + std::to_string(len) + " B");
}
BENCHMARK(BM_BlockCacheMiss)->ArgsProduct({{0, 1}, {512, 4096}})->ArgNames({"write", "bytes"});

}  // namespace
