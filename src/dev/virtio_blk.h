// virtio-blk (virtio 1.2, 5.2) over a raw image file, through a BlockCache.
// One request queue. Requests are served synchronously inside the driver's
// queue notification: simple and exactly ordered, at the price of stalling the
// notifying vCPU for the duration of the host I/O (cache hits are memcpys;
// misses and FLUSH's fdatasync are real I/O). An I/O thread can come later
// without changing the guest-visible behaviour.
//
// Durability (5.2.6.2): FLUSH writes the cache back and fdatasyncs. A driver
// that did not negotiate VIRTIO_BLK_F_FLUSH gets write-through (each write is
// synced before it completes), as the spec requires when FLUSH was offered but
// not accepted. Destruction flushes too; the board calls flush() at shutdown
// to report errors. A read-only drive opens the file O_RDONLY and answers every
// write with IOERR.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "dev/block_cache.h"
#include "dev/virtio_device.h"

namespace xvm::dev {

struct VirtioBlkOptions {
    std::string serial;              // the GET_ID string; at most 20 bytes are used
    size_t cache_bytes = 16u << 20;  // block cache size
    uint16_t queue_size = 256;       // QueueNumMax: a power of two
};

struct VirtioBlkStats {
    uint64_t reads = 0, writes = 0, flushes = 0, other = 0;  // requests by type
    uint64_t bytes_read = 0, bytes_written = 0;
    uint64_t errors = 0;  // requests answered IOERR or UNSUPP
    BlockCacheStats cache;
};

class VirtioBlk final : public VirtioDevice {
  public:
    // Opens the image: a missing or unreadable file, a directory, an image
    // smaller than one sector, one locked by another process, or a read-only
    // file (by permission or mode bits) asked for read-write are errors naming
    // the file and the reason.
    static Result<std::unique_ptr<VirtioBlk>> open(const std::string& path, bool readonly,
                                                   VirtioBlkOptions options = {});
    ~VirtioBlk() override;

    // Writes every cached write back and fdatasyncs (a no-op when read-only).
    Result<void> flush();
    VirtioBlkStats stats();
    const std::string& path() const { return path_; }
    bool readonly() const { return cache_->readonly(); }
    uint64_t capacity_sectors() const { return capacity_; }

    const char* name() const override { return "virtio-blk"; }
    uint32_t device_id() const override;
    uint64_t device_features() const override;
    unsigned num_queues() const override { return 1; }
    uint16_t queue_max_size() const override { return options_.queue_size; }
    uint32_t config_size() const override;
    void read_config(uint32_t offset, uint8_t* dst, unsigned len) override;
    bool write_config(uint32_t offset, const uint8_t* src, unsigned len) override;
    void reset() override {}
    void process_queue(unsigned index) override;

  private:
    VirtioBlk(std::string path, std::unique_ptr<BlockCache> cache, VirtioBlkOptions options);
    bool handle(const DescChain& chain, uint32_t& written);
    uint8_t read_sectors(const DescChain& c, uint64_t sector, uint32_t& data_written);
    uint8_t write_sectors(const DescChain& c, uint64_t sector);
    uint8_t get_id(const DescChain& c, uint32_t& data_written);
    uint8_t zero_ranges(const DescChain& c, bool discard);
    uint8_t flush_cache();
    bool in_capacity(uint64_t sector, uint64_t bytes) const;
    bool negotiated(uint64_t feature) const;

    std::string path_;
    std::unique_ptr<BlockCache> cache_;
    VirtioBlkOptions options_;
    uint64_t capacity_;  // in 512-byte sectors
    VirtioBlkStats stats_;
};

}  // namespace xvm::dev
