// A write-back cache of 4 KiB blocks between a block device and its image
// file. Reads and writes hit the cache; dirty blocks reach the file when they
// are evicted and at flush(), which also fdatasyncs — the guest's FLUSH, the
// board's shutdown and the destructor all go through it, so a completed guest
// write is never lost once one of those happens (design.md, "Disk images lose
// nothing"). A read-only cache never writes the file.
//
// Not thread-safe: the device calls it under its own lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace xvm::dev {

struct BlockCacheStats {
    uint64_t hits = 0;        // block lookups served from the cache
    uint64_t misses = 0;      // block lookups not in the cache (whole-block writes skip the read)
    uint64_t writebacks = 0;  // dirty blocks written to the file
    uint64_t evictions = 0;   // blocks dropped to make room
    uint64_t syncs = 0;       // fdatasync calls
};

class BlockCache {
  public:
    static constexpr uint32_t kBlockSize = 4096;

    // Adopts `fd` (closed by the destructor). `file_size` bounds every access;
    // `capacity_bytes` is rounded to whole blocks, at least 16.
    BlockCache(int fd, uint64_t file_size, size_t capacity_bytes, bool readonly);
    ~BlockCache();  // flush(), then close
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;

    uint64_t size() const { return file_size_; }
    bool readonly() const { return readonly_; }

    // Byte ranges inside [0, size()). False on a host I/O error (errno kept in
    // last_errno()) or a range outside the file.
    bool read(uint64_t offset, uint8_t* dst, size_t len);
    bool write(uint64_t offset, const uint8_t* src, size_t len);
    // Zeroes a range. With `deallocate`, whole blocks inside it are punched out
    // of the file where the host file system can (reads still return zeroes).
    bool zero(uint64_t offset, uint64_t len, bool deallocate);
    // Writes every dirty block back, then fdatasyncs if anything reached the
    // file since the last sync.
    bool flush();

    const BlockCacheStats& stats() const { return stats_; }
    int last_errno() const { return last_errno_; }

  private:
    static constexpr uint32_t kNone = ~0u;
    struct Slot {
        uint64_t block = 0;
        bool dirty = false;
        uint32_t prev = kNone, next = kNone;  // LRU list, most recent at head_
    };

    bool in_range(uint64_t offset, uint64_t len) const {
        return len <= file_size_ && offset <= file_size_ - len;
    }
    uint32_t valid_bytes(uint64_t block) const;
    uint8_t* data(uint32_t slot) { return &data_[size_t{slot} * kBlockSize]; }
    // The slot holding `block`, loading it from the file unless `overwrite`
    // says the caller will replace all of it. kNone on an I/O error.
    uint32_t get(uint64_t block, bool overwrite);
    uint32_t take_free_slot();
    void unlink(uint32_t slot);
    void push_front(uint32_t slot);
    void drop(uint32_t slot);
    bool write_back(uint32_t slot);
    bool pread_all(uint64_t offset, uint8_t* dst, size_t len);
    bool pwrite_all(uint64_t offset, const uint8_t* src, size_t len);
    bool write_zeroes_to_file(uint64_t offset, uint64_t len);
    bool fail();

    int fd_;
    uint64_t file_size_;
    bool readonly_;
    std::vector<uint8_t> data_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_;
    std::unordered_map<uint64_t, uint32_t> index_;  // block number -> slot
    uint32_t head_ = kNone, tail_ = kNone;
    bool unsynced_ = false;  // the file was written since the last fdatasync
    int last_errno_ = 0;
    BlockCacheStats stats_;
};

}  // namespace xvm::dev
