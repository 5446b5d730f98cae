#include "dev/virtio_blk.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "core/log.h"
#include "dev/virtio.h"

namespace xvm::dev {

namespace {

// Feature bits (5.2.3).
constexpr uint64_t kFeatureSizeMax = 1ull << 1;
constexpr uint64_t kFeatureSegMax = 1ull << 2;
constexpr uint64_t kFeatureRo = 1ull << 5;
constexpr uint64_t kFeatureFlush = 1ull << 9;
constexpr uint64_t kFeatureDiscard = 1ull << 13;
constexpr uint64_t kFeatureWriteZeroes = 1ull << 14;

// Request types and status values (5.2.6).
constexpr uint32_t kTypeIn = 0;
constexpr uint32_t kTypeOut = 1;
constexpr uint32_t kTypeFlush = 4;
constexpr uint32_t kTypeGetId = 8;
constexpr uint32_t kTypeDiscard = 11;
constexpr uint32_t kTypeWriteZeroes = 13;
constexpr uint8_t kStatusOk = 0;
constexpr uint8_t kStatusIoErr = 1;
constexpr uint8_t kStatusUnsupp = 2;

constexpr uint32_t kSectorSize = 512;
constexpr uint32_t kIdBytes = 20;
constexpr uint32_t kWriteZeroesUnmap = 1;

// Limits we advertise. A single segment of at most 1 MiB and at most
// queue size - 2 of them (header and status take one each) keep any request
// far below the 4 GiB a used-ring length can describe.
constexpr uint32_t kSizeMax = 1u << 20;
constexpr uint32_t kMaxDiscardSectors = 1u << 22;      // 2 GiB: punching holes is cheap
constexpr uint32_t kMaxWriteZeroesSectors = 1u << 16;  // 32 MiB: may be written as zeroes
constexpr uint32_t kMaxZeroSegments = 1;

// struct virtio_blk_req header and struct virtio_blk_discard_write_zeroes.
struct ReqHeader {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
static_assert(sizeof(ReqHeader) == 16);
struct ZeroRange {
    uint64_t sector;
    uint32_t num_sectors;
    uint32_t flags;
};
static_assert(sizeof(ZeroRange) == 16);

// struct virtio_blk_config up to write_zeroes_may_unmap (5.2.4), little-endian.
struct __attribute__((packed)) BlkConfig {
    uint64_t capacity;
    uint32_t size_max;
    uint32_t seg_max;
    uint16_t cylinders;
    uint8_t heads;
    uint8_t sectors;
    uint32_t blk_size;
    uint8_t physical_block_exp;
    uint8_t alignment_offset;
    uint16_t min_io_size;
    uint32_t opt_io_size;
    uint8_t writeback;
    uint8_t unused0;
    uint16_t num_queues;
    uint32_t max_discard_sectors;
    uint32_t max_discard_seg;
    uint32_t discard_sector_alignment;
    uint32_t max_write_zeroes_sectors;
    uint32_t max_write_zeroes_seg;
    uint8_t write_zeroes_may_unmap;
    uint8_t unused1[3];
};
static_assert(offsetof(BlkConfig, seg_max) == 12);
static_assert(offsetof(BlkConfig, writeback) == 32);
static_assert(offsetof(BlkConfig, max_discard_sectors) == 36);
static_assert(offsetof(BlkConfig, write_zeroes_may_unmap) == 56);
static_assert(sizeof(BlkConfig) == 60);

Error image_error(const std::string& path, const std::string& why) {
    return make_error("disk image " + path + ": " + why);
}

}  // namespace

Result<std::unique_ptr<VirtioBlk>> VirtioBlk::open(const std::string& path, bool readonly,
                                                   VirtioBlkOptions options) {
    const uint16_t qs = options.queue_size;
    if (qs < 4 || (qs & (qs - 1)))
        return image_error(path, "queue size must be a power of two of at least 4");
    const int fd = ::open(path.c_str(), (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        if (!readonly && (e == EACCES || e == EPERM || e == EROFS))
            return image_error(path, std::string("cannot open for writing (") + std::strerror(e) +
                                         "); attach it read-only");
        return image_error(path, std::strerror(e));
    }
    auto fail = [&](const std::string& why) -> Error {
        close(fd);
        return image_error(path, why);
    };
    struct stat st;
    if (fstat(fd, &st) != 0) return fail(std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return fail("is a directory");
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return fail("is neither a regular file nor a block device");
    // Root may open a mode-0444 file read-write; such a file still says "do not write me".
    if (!readonly && S_ISREG(st.st_mode) && !(st.st_mode & 0222))
        return fail("the file is read-only; attach it read-only");
    const off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0) return fail(std::strerror(errno));
    if (size < kSectorSize) return fail("smaller than one 512-byte sector");
    if (flock(fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0)
        return fail(errno == EWOULDBLOCK ? "in use by another process (locked)"
                                         : std::strerror(errno));
    auto cache = std::make_unique<BlockCache>(fd, static_cast<uint64_t>(size), options.cache_bytes,
                                              readonly);
    return std::unique_ptr<VirtioBlk>(new VirtioBlk(path, std::move(cache), std::move(options)));
}

VirtioBlk::VirtioBlk(std::string path, std::unique_ptr<BlockCache> cache, VirtioBlkOptions options)
    : path_(std::move(path)),
      cache_(std::move(cache)),
      options_(std::move(options)),
      capacity_(cache_->size() / kSectorSize) {}

VirtioBlk::~VirtioBlk() {
    if (auto r = flush(); !r) std::fprintf(stderr, "xvm: %s\n", r.error().message.c_str());
}

Result<void> VirtioBlk::flush() {
    std::lock_guard lock(mutex());
    if (!cache_->flush())
        return image_error(
            path_, std::string("cannot write back: ") + std::strerror(cache_->last_errno()));
    return {};
}

VirtioBlkStats VirtioBlk::stats() {
    std::lock_guard lock(mutex());
    VirtioBlkStats s = stats_;
    s.cache = cache_->stats();
    return s;
}

uint32_t VirtioBlk::device_id() const {
    return virtio::kDeviceBlock;
}

uint64_t VirtioBlk::device_features() const {
    uint64_t f = kFeatureSizeMax | kFeatureSegMax | kFeatureFlush;
    if (readonly()) return f | kFeatureRo;
    return f | kFeatureDiscard | kFeatureWriteZeroes;
}

bool VirtioBlk::negotiated(uint64_t feature) const {
    return transport_ && (transport_->driver_features() & feature);
}

uint32_t VirtioBlk::config_size() const {
    return sizeof(BlkConfig);
}

void VirtioBlk::read_config(uint32_t offset, uint8_t* dst, unsigned len) {
    BlkConfig c{};
    c.capacity = capacity_;
    c.size_max = kSizeMax;
    c.seg_max = options_.queue_size - 2;
    c.blk_size = kSectorSize;
    c.num_queues = 1;
    if (!readonly()) {
        c.max_discard_sectors = kMaxDiscardSectors;
        c.max_discard_seg = kMaxZeroSegments;
        c.discard_sector_alignment = BlockCache::kBlockSize / kSectorSize;
        c.max_write_zeroes_sectors = kMaxWriteZeroesSectors;
        c.max_write_zeroes_seg = kMaxZeroSegments;
        c.write_zeroes_may_unmap = 1;
    }
    std::memcpy(dst, reinterpret_cast<const uint8_t*>(&c) + offset, len);
}

// Nothing is writable without VIRTIO_BLK_F_CONFIG_WCE, which we do not offer;
// writes are dropped rather than faulted, as the field is RW in general.
bool VirtioBlk::write_config(uint32_t offset, const uint8_t*, unsigned len) {
    XVM_LOG(kGuestErrors, "virtio-blk: {}-byte config write at {:#x} ignored\n", len, offset);
    return true;
}

void VirtioBlk::process_queue(unsigned index) {
    drain_queue(index,
                [this](const DescChain& c, uint32_t& written) { return handle(c, written); });
}

bool VirtioBlk::in_capacity(uint64_t sector, uint64_t bytes) const {
    return sector <= capacity_ && bytes / kSectorSize <= capacity_ - sector;
}

bool VirtioBlk::handle(const DescChain& c, uint32_t& written) {
    const mem::Bus& bus = transport_->bus();
    ReqHeader h;
    if (c.readable_bytes < sizeof h || c.writable_bytes < 1) {
        // Without a header or a status byte there is no way to answer.
        transport_->device_error("virtio-blk: request without a header or a status byte");
        return false;
    }
    c.read(bus, 0, &h, sizeof h);
    uint32_t data_written = 0;
    uint8_t status;
    switch (h.type) {
        case kTypeIn:
            ++stats_.reads;
            status = read_sectors(c, h.sector, data_written);
            break;
        case kTypeOut:
            ++stats_.writes;
            status = write_sectors(c, h.sector);
            break;
        case kTypeFlush:
            ++stats_.flushes;
            status = flush_cache();
            break;
        case kTypeGetId:
            ++stats_.other;
            status = get_id(c, data_written);
            break;
        case kTypeDiscard:
        case kTypeWriteZeroes:
            ++stats_.other;
            status = zero_ranges(c, h.type == kTypeDiscard);
            break;
        default:
            ++stats_.other;
            status = kStatusUnsupp;
            break;
    }
    if (status != kStatusOk) ++stats_.errors;
    c.write(bus, c.writable_bytes - 1, &status, 1);
    written = data_written + 1;
    return true;
}

// IN: header readable; sectors and then the status byte writable.
uint8_t VirtioBlk::read_sectors(const DescChain& c, uint64_t sector, uint32_t& data_written) {
    const uint64_t len = c.writable_bytes - 1;
    if (c.readable_bytes != sizeof(ReqHeader) || len % kSectorSize || !in_capacity(sector, len))
        return kStatusIoErr;
    const mem::Bus& bus = transport_->bus();
    uint64_t disk = sector * kSectorSize, left = len;
    for (const auto& s : c.segments) {
        if (!s.writable) continue;
        if (!left) break;
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(s.len, left));
        uint8_t* p = bus.dma_ptr(s.addr, n);  // checked when popped; checked again
        if (!p || !cache_->read(disk, p, n)) return kStatusIoErr;
        disk += n, left -= n;
    }
    stats_.bytes_read += len;
    data_written = static_cast<uint32_t>(len);
    return kStatusOk;
}

// OUT: header and sectors readable; only the status byte writable.
uint8_t VirtioBlk::write_sectors(const DescChain& c, uint64_t sector) {
    if (readonly()) return kStatusIoErr;  // 5.2.6.2: and never touch the data
    const uint64_t len = c.readable_bytes - sizeof(ReqHeader);
    if (c.writable_bytes != 1 || len % kSectorSize || !in_capacity(sector, len))
        return kStatusIoErr;
    const mem::Bus& bus = transport_->bus();
    uint64_t skip = sizeof(ReqHeader), disk = sector * kSectorSize;
    for (const auto& s : c.segments) {
        if (s.writable) break;
        if (skip >= s.len) {
            skip -= s.len;
            continue;
        }
        const uint32_t n = static_cast<uint32_t>(s.len - skip);
        const uint8_t* p = bus.ram_ptr(s.addr + skip, n);
        if (!p || !cache_->write(disk, p, n)) return kStatusIoErr;
        disk += n, skip = 0;
    }
    stats_.bytes_written += len;
    // FLUSH offered but not negotiated: completed writes must be stable (5.2.6.2).
    if (!negotiated(kFeatureFlush) && !cache_->flush()) return kStatusIoErr;
    return kStatusOk;
}

uint8_t VirtioBlk::flush_cache() {
    return cache_->flush() ? kStatusOk : kStatusIoErr;
}

// GET_ID: a NUL-padded string of up to 20 bytes (5.2.6).
uint8_t VirtioBlk::get_id(const DescChain& c, uint32_t& data_written) {
    if (c.readable_bytes != sizeof(ReqHeader)) return kStatusIoErr;
    char id[kIdBytes] = {};
    std::memcpy(id, options_.serial.data(), std::min<size_t>(options_.serial.size(), kIdBytes));
    const size_t n = std::min<uint64_t>(c.writable_bytes - 1, kIdBytes);
    data_written = static_cast<uint32_t>(c.write(transport_->bus(), 0, id, n));
    return kStatusOk;
}

// DISCARD and WRITE_ZEROES: a list of ranges (5.2.6).
uint8_t VirtioBlk::zero_ranges(const DescChain& c, bool discard) {
    if (readonly()) return kStatusIoErr;
    if (!negotiated(discard ? kFeatureDiscard : kFeatureWriteZeroes)) return kStatusUnsupp;
    const uint64_t bytes = c.readable_bytes - sizeof(ReqHeader);
    const uint64_t count = bytes / sizeof(ZeroRange);
    if (c.writable_bytes != 1 || bytes % sizeof(ZeroRange) || count == 0 ||
        count > kMaxZeroSegments)
        return kStatusIoErr;
    const uint32_t max_sectors = discard ? kMaxDiscardSectors : kMaxWriteZeroesSectors;
    for (uint64_t i = 0; i < count; ++i) {
        ZeroRange r;
        c.read(transport_->bus(), sizeof(ReqHeader) + i * sizeof r, &r, sizeof r);
        // Unknown flags, and unmap on a discard, are UNSUPP (5.2.6.2).
        if ((r.flags & ~kWriteZeroesUnmap) || (discard && r.flags)) return kStatusUnsupp;
        const uint64_t len = uint64_t{r.num_sectors} * kSectorSize;
        if (r.num_sectors > max_sectors || !in_capacity(r.sector, len)) return kStatusIoErr;
        if (!cache_->zero(r.sector * kSectorSize, len, discard || (r.flags & kWriteZeroesUnmap)))
            return kStatusIoErr;
    }
    if (!negotiated(kFeatureFlush) && !cache_->flush()) return kStatusIoErr;
    return kStatusOk;
}

}  // namespace xvm::dev
