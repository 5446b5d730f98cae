#include "jit/code_cache.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace xvm::jit {

uint64_t JitBlock::fault_pc(uintptr_t host_pc, uint32_t* unretired) const {
    const auto off = static_cast<uint32_t>(host_pc - reinterpret_cast<uintptr_t>(code));
    // The faulting instruction starts before the recorded "just past" offset.
    auto it = std::upper_bound(fault_sites.begin(), fault_sites.end(), off,
                               [](uint32_t o, const FaultSite& s) { return o < s.offset; });
    if (it == fault_sites.end()) {
        if (unretired) *unretired = 0;
        return pc;
    }
    if (unretired) *unretired = guest_insns - it->insn;
    return it->pc;
}

Result<std::unique_ptr<CodeCache>> CodeCache::create(size_t bytes) {
    // Linux/x86-64 does not enforce W^X, so one read-write-execute mapping keeps
    // patching (block linking) a plain store.
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return make_error(std::string("cannot map the code cache: ") + std::strerror(errno));
    return std::unique_ptr<CodeCache>(new CodeCache(static_cast<uint8_t*>(p), bytes));
}

CodeCache::~CodeCache() {
    munmap(mem_, size_);
}

JitBlock* CodeCache::add(std::unique_ptr<JitBlock> b) {
    JitBlock* raw = b.get();
    by_host_[reinterpret_cast<uintptr_t>(raw->code)] = raw;
    owned_.push_back(std::move(b));
    return raw;
}

const JitBlock* CodeCache::find_host(uintptr_t host_pc) const {
    auto it = by_host_.upper_bound(host_pc);
    if (it == by_host_.begin()) return nullptr;
    --it;
    const JitBlock* b = it->second;
    if (host_pc >= reinterpret_cast<uintptr_t>(b->code) + b->size) return nullptr;
    return b;
}

void CodeCache::flush() {
    by_pc_.clear();
    by_host_.clear();
    owned_.clear();
    used_ = floor_;
}

}  // namespace xvm::jit
