#include "dev/block_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace xvm::dev {

BlockCache::BlockCache(int fd, uint64_t file_size, size_t capacity_bytes, bool readonly)
    : fd_(fd), file_size_(file_size), readonly_(readonly) {
    const size_t n = std::max<size_t>(16, capacity_bytes / kBlockSize);
    data_.resize(n * kBlockSize);
    slots_.resize(n);
    free_.reserve(n);
    for (size_t i = n; i-- > 0;) free_.push_back(static_cast<uint32_t>(i));
    index_.reserve(n);
}

BlockCache::~BlockCache() {
    flush();  // the owner flushes first to report errors; this is the last resort
    close(fd_);
}

bool BlockCache::fail() {
    last_errno_ = errno ? errno : EIO;
    return false;
}

uint32_t BlockCache::valid_bytes(uint64_t block) const {
    return static_cast<uint32_t>(std::min<uint64_t>(kBlockSize, file_size_ - block * kBlockSize));
}

void BlockCache::unlink(uint32_t s) {
    Slot& e = slots_[s];
    (e.prev == kNone ? head_ : slots_[e.prev].next) = e.next;
    (e.next == kNone ? tail_ : slots_[e.next].prev) = e.prev;
    e.prev = e.next = kNone;
}

void BlockCache::push_front(uint32_t s) {
    Slot& e = slots_[s];
    e.prev = kNone;
    e.next = head_;
    (head_ == kNone ? tail_ : slots_[head_].prev) = s;
    head_ = s;
}

// Forgets a block without writing it back.
void BlockCache::drop(uint32_t s) {
    index_.erase(slots_[s].block);
    unlink(s);
    slots_[s].dirty = false;
    free_.push_back(s);
}

uint32_t BlockCache::take_free_slot() {
    if (!free_.empty()) {
        const uint32_t s = free_.back();
        free_.pop_back();
        return s;
    }
    const uint32_t s = tail_;
    if (slots_[s].dirty && !write_back(s)) return kNone;
    index_.erase(slots_[s].block);
    unlink(s);
    ++stats_.evictions;
    return s;
}

uint32_t BlockCache::get(uint64_t block, bool overwrite) {
    if (auto it = index_.find(block); it != index_.end()) {
        ++stats_.hits;
        unlink(it->second);
        push_front(it->second);
        return it->second;
    }
    ++stats_.misses;
    const uint32_t s = take_free_slot();
    if (s == kNone) return kNone;
    const uint32_t valid = valid_bytes(block);
    uint8_t* d = data(s);
    if (!overwrite && !pread_all(block * kBlockSize, d, valid)) {
        free_.push_back(s);
        return kNone;
    }
    std::memset(d + valid, 0, kBlockSize - valid);
    slots_[s].block = block;
    slots_[s].dirty = false;
    index_.emplace(block, s);
    push_front(s);
    return s;
}

bool BlockCache::read(uint64_t offset, uint8_t* dst, size_t len) {
    if (!in_range(offset, len)) {
        errno = EINVAL;
        return fail();
    }
    while (len) {
        const uint64_t block = offset / kBlockSize;
        const uint32_t in = offset % kBlockSize;
        const size_t n = std::min<uint64_t>(len, valid_bytes(block) - in);
        const uint32_t s = get(block, false);
        if (s == kNone) return false;
        std::memcpy(dst, data(s) + in, n);
        dst += n, offset += n, len -= n;
    }
    return true;
}

bool BlockCache::write(uint64_t offset, const uint8_t* src, size_t len) {
    if (readonly_ || !in_range(offset, len)) {
        errno = readonly_ ? EROFS : EINVAL;
        return fail();
    }
    while (len) {
        const uint64_t block = offset / kBlockSize;
        const uint32_t in = offset % kBlockSize;
        const uint32_t valid = valid_bytes(block);
        const size_t n = std::min<uint64_t>(len, valid - in);
        const uint32_t s = get(block, in == 0 && n == valid);
        if (s == kNone) return false;
        std::memcpy(data(s) + in, src, n);
        slots_[s].dirty = true;
        src += n, offset += n, len -= n;
    }
    return true;
}

bool BlockCache::zero(uint64_t offset, uint64_t len, bool deallocate) {
    if (readonly_ || !in_range(offset, len)) {
        errno = readonly_ ? EROFS : EINVAL;
        return fail();
    }
    const uint64_t end = offset + len;
    // Whole 4 KiB blocks go straight to the file; partial ones (including a
    // short last block of the file) through the cache.
    const uint64_t first = (offset + kBlockSize - 1) / kBlockSize;
    const uint64_t last = end / kBlockSize;  // exclusive
    auto zero_partial = [&](uint64_t from, uint64_t to) {
        while (from < to) {
            const uint64_t block = from / kBlockSize;
            const uint32_t in = from % kBlockSize;
            const uint64_t n = std::min<uint64_t>(to - from, kBlockSize - in);
            const uint32_t s = get(block, false);
            if (s == kNone) return false;
            std::memset(data(s) + in, 0, n);
            slots_[s].dirty = true;
            from += n;
        }
        return true;
    };
    if (first >= last) return zero_partial(offset, end);
    if (!zero_partial(offset, first * kBlockSize) || !zero_partial(last * kBlockSize, end))
        return false;

    // Cached copies of the whole blocks are stale once the file holds zeroes.
    if (last - first < index_.size()) {
        for (uint64_t b = first; b < last; ++b)
            if (auto it = index_.find(b); it != index_.end()) drop(it->second);
    } else {
        for (uint32_t s = head_; s != kNone;) {
            const uint32_t next = slots_[s].next;
            if (slots_[s].block >= first && slots_[s].block < last) drop(s);
            s = next;
        }
    }
    const off_t at = static_cast<off_t>(first * kBlockSize);
    const off_t n = static_cast<off_t>((last - first) * kBlockSize);
    const int mode =
        FALLOC_FL_KEEP_SIZE | (deallocate ? FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE);
    unsynced_ = true;
    if (fallocate(fd_, mode, at, n) == 0) return true;
    // Not every file system (or block device) can; plain zeroes always do.
    return write_zeroes_to_file(first * kBlockSize, (last - first) * kBlockSize);
}

bool BlockCache::write_zeroes_to_file(uint64_t offset, uint64_t len) {
    static const std::vector<uint8_t> zeroes(256 * 1024);
    while (len) {
        const size_t n = std::min<uint64_t>(len, zeroes.size());
        if (!pwrite_all(offset, zeroes.data(), n)) return false;
        offset += n, len -= n;
    }
    return true;
}

bool BlockCache::write_back(uint32_t s) {
    const uint64_t block = slots_[s].block;
    if (!pwrite_all(block * kBlockSize, data(s), valid_bytes(block))) return false;
    slots_[s].dirty = false;
    ++stats_.writebacks;
    return true;
}

bool BlockCache::flush() {
    if (readonly_) return true;
    std::vector<uint32_t> dirty;
    for (uint32_t s = head_; s != kNone; s = slots_[s].next)
        if (slots_[s].dirty) dirty.push_back(s);
    std::sort(dirty.begin(), dirty.end(),
              [&](uint32_t a, uint32_t b) { return slots_[a].block < slots_[b].block; });
    for (uint32_t s : dirty)
        if (!write_back(s)) return false;
    if (!unsynced_) return true;
    if (fdatasync(fd_) != 0) return fail();
    ++stats_.syncs;
    unsynced_ = false;
    return true;
}

bool BlockCache::pread_all(uint64_t offset, uint8_t* dst, size_t len) {
    while (len) {
        const ssize_t r = pread(fd_, dst, len, static_cast<off_t>(offset));
        if (r < 0) {
            if (errno == EINTR) continue;
            return fail();
        }
        if (r == 0) {  // the file shrank under us: what is gone reads as zeroes
            std::memset(dst, 0, len);
            return true;
        }
        dst += r, offset += r, len -= r;
    }
    return true;
}

bool BlockCache::pwrite_all(uint64_t offset, const uint8_t* src, size_t len) {
    if (readonly_) {  // never reached: read-only caches hold no dirty data
        errno = EROFS;
        return fail();
    }
    unsynced_ = true;
    while (len) {
        const ssize_t r = pwrite(fd_, src, len, static_cast<off_t>(offset));
        if (r < 0) {
            if (errno == EINTR) continue;
            return fail();
        }
        if (r == 0) {
            errno = EIO;
            return fail();
        }
        src += r, offset += r, len -= r;
    }
    return true;
}

}  // namespace xvm::dev
