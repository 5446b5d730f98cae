#include "user/loader.h"

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "core/elf.h"

namespace xvm::user {

namespace {

constexpr uint64_t kPage = mem::AddressSpace::kPageSize;
constexpr uint64_t page_down(uint64_t v) { return v & ~(kPage - 1); }
constexpr uint64_t page_up(uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }


uint8_t prot_of(uint32_t flags) {
    uint8_t p = 0;
    if (flags & PF_R) p |= mem::kProtRead;
    if (flags & PF_W) p |= mem::kProtWrite;
    if (flags & PF_X) p |= mem::kProtExec;
    return p;
}

struct Span {
    uint64_t lo = ~0ull, hi = 0;
};

Result<Span> load_span(const ElfFile& elf, uint64_t user_top) {
    Span s;
    for (const auto& ph : elf.segments()) {
        if (ph.p_type != PT_LOAD) continue;
        if (ph.p_memsz > user_top || ph.p_vaddr > user_top - ph.p_memsz)
            return make_error(elf.name() + ": segment does not fit in the guest address space");
        s.lo = std::min(s.lo, page_down(ph.p_vaddr));
        s.hi = std::max(s.hi, page_up(ph.p_vaddr + ph.p_memsz));
    }
    if (s.hi == 0) return make_error(elf.name() + ": no loadable segments");
    return s;
}

// Maps every PT_LOAD of `elf` at `bias`, copying file bytes and zeroing the rest.
Result<void> map_segments(const ElfFile& elf, uint64_t bias, mem::AddressSpace& space,
                          MemoryMap& map) {
    for (const auto& ph : elf.segments()) {
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        const uint64_t va = bias + ph.p_vaddr;
        const uint64_t start = page_down(va);
        const uint64_t end = page_up(va + ph.p_memsz);
        // Segments may share a page at their boundary: map only what is new, writable
        // while we copy.
        for (uint64_t p = start; p < end; p += kPage) {
            if (!map.overlaps(p, p + kPage)) {
                auto r = space.map(p, kPage, mem::kProtRead | mem::kProtWrite);
                if (!r) return make_error(elf.name() + ": " + r.error().message);
                map.add(p, p + kPage);
            } else {
                auto r = space.protect(p, kPage, mem::kProtRead | mem::kProtWrite);
                if (!r) return make_error(elf.name() + ": " + r.error().message);
            }
        }
        auto data = elf.slice(ph.p_offset, ph.p_filesz);
        if (data.size() != ph.p_filesz) return make_error(elf.name() + ": truncated segment");
        std::memcpy(space.host(va), data.data(), data.size());
    }
    // Final protections, after all copies (a later segment may share a page).
    for (const auto& ph : elf.segments()) {
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        const uint64_t va = bias + ph.p_vaddr;
        const uint64_t start = page_down(va), end = page_up(va + ph.p_memsz);
        uint8_t prot = prot_of(ph.p_flags);
        // A page shared with a neighbouring segment keeps the union of rights.
        for (uint64_t p = start; p < end; p += kPage) {
            uint8_t want = prot;
            for (const auto& other : elf.segments()) {
                if (&other == &ph || other.p_type != PT_LOAD || other.p_memsz == 0) continue;
                const uint64_t os = page_down(bias + other.p_vaddr);
                const uint64_t oe = page_up(bias + other.p_vaddr + other.p_memsz);
                if (p >= os && p < oe) want |= prot_of(other.p_flags);
            }
            auto r = space.protect(p, kPage, want);
            if (!r) return make_error(elf.name() + ": " + r.error().message);
        }
    }
    return {};
}

class StackWriter {
public:
    StackWriter(mem::AddressSpace& space, uint64_t top) : space_(space), sp_(top) {}
    uint64_t push_bytes(const void* p, size_t n) {
        sp_ -= n;
        std::memcpy(space_.host(sp_), p, n);
        return sp_;
    }
    uint64_t push_string(const std::string& s) { return push_bytes(s.c_str(), s.size() + 1); }
    void align(uint64_t a) { sp_ &= ~(a - 1); }
    uint64_t sp() const { return sp_; }
    void set_sp(uint64_t sp) { sp_ = sp; }

private:
    mem::AddressSpace& space_;
    uint64_t sp_;
};

}  // namespace

uint64_t riscv_hwcap() {
    uint64_t h = 0;
    for (char c : std::string("IMAFDC")) h |= 1ull << (c - 'A');
    return h;
}

Result<LoadedImage> load_program(const LoadRequest& req, mem::AddressSpace& space,
                                 MemoryMap& map) {
    auto main_elf = ElfFile::open(req.path, EM_RISCV);
    if (!main_elf) return main_elf.error();
    const ElfFile& elf = *main_elf;
    const auto& eh = elf.header();
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return make_error(req.path + ": not an executable (e_type " + std::to_string(eh.e_type) + ")");
    if (eh.e_phnum == 0) return make_error(req.path + ": no program headers");

    auto span = load_span(elf, space.user_top());
    if (!span) return span.error();
    LoadedImage img;
    // PIE executables go where Linux puts them (ELF_ET_DYN_BASE); ld.so goes
    // below the mmap top like any mmap.
    img.load_bias = eh.e_type == ET_DYN ? map.pie_base() - span->lo : 0;
    if (span->hi + img.load_bias > map.mmap_top())
        return make_error(req.path + ": image does not fit in the guest address space");
    if (auto r = map_segments(elf, img.load_bias, space, map); !r) return r.error();
    img.brk = span->hi + img.load_bias;

    uint64_t phdr_addr = 0;
    for (const auto& ph : elf.segments()) {
        if (ph.p_type == PT_PHDR) phdr_addr = ph.p_vaddr + img.load_bias;
    }
    if (!phdr_addr) {
        // No PT_PHDR: the headers are where the first segment maps file offset e_phoff.
        for (const auto& ph : elf.segments()) {
            if (ph.p_type == PT_LOAD && eh.e_phoff >= ph.p_offset &&
                eh.e_phoff < ph.p_offset + ph.p_filesz) {
                phdr_addr = ph.p_vaddr + (eh.e_phoff - ph.p_offset) + img.load_bias;
                break;
            }
        }
    }
    img.entry = eh.e_entry + img.load_bias;

    const std::string interp = elf.interpreter();
    if (!interp.empty()) {
        std::string host_path = req.sysroot.empty() ? interp : req.sysroot + interp;
        if (access(host_path.c_str(), R_OK) != 0 && access(interp.c_str(), R_OK) == 0 &&
            req.sysroot.empty())
            host_path = interp;
        auto ielf = ElfFile::open(host_path, EM_RISCV);
        if (!ielf)
            return make_error(req.path + ": cannot load its interpreter " + interp + " (" +
                              ielf.error().message + "); is the riscv64 sysroot installed? (-L DIR)");
        auto ispan = load_span(*ielf, space.user_top());
        if (!ispan) return ispan.error();
        auto at = map.find_free(ispan->hi - ispan->lo);
        if (!at) return make_error(host_path + ": no room for the interpreter");
        img.interp_base = *at - ispan->lo;
        if (auto r = map_segments(*ielf, img.interp_base, space, map); !r) return r.error();
        img.interp_path = host_path;
        img.entry = ielf->header().e_entry + img.interp_base;
    }

    // The stack: a fixed 8 MiB below kStackTop.
    const uint64_t stack_lo = map.stack_top() - MemoryMap::kStackSize;
    if (auto r = space.map(stack_lo, MemoryMap::kStackSize, mem::kProtRead | mem::kProtWrite); !r)
        return make_error("stack: " + r.error().message);
    map.add(stack_lo, map.stack_top());

    StackWriter st(space, map.stack_top());
    const uint64_t execfn = st.push_string(req.path);
    std::vector<uint64_t> envp_addrs, argv_addrs;
    for (auto it = req.envp.rbegin(); it != req.envp.rend(); ++it)
        envp_addrs.insert(envp_addrs.begin(), st.push_string(*it));
    for (auto it = req.argv.rbegin(); it != req.argv.rend(); ++it)
        argv_addrs.insert(argv_addrs.begin(), st.push_string(*it));
    const uint64_t platform = st.push_string("riscv64");
    uint8_t random_bytes[16];
    std::random_device rd;
    for (auto& b : random_bytes) b = static_cast<uint8_t>(rd());
    st.align(16);
    const uint64_t random_addr = st.push_bytes(random_bytes, sizeof random_bytes);

    const std::vector<std::pair<uint64_t, uint64_t>> auxv = {
        {AT_PHDR, phdr_addr},
        {AT_PHENT, sizeof(Elf64_Phdr)},
        {AT_PHNUM, eh.e_phnum},
        {AT_PAGESZ, kPage},
        {AT_BASE, img.interp_base},
        {AT_FLAGS, 0},
        {AT_ENTRY, eh.e_entry + img.load_bias},
        {AT_UID, getuid()},
        {AT_EUID, geteuid()},
        {AT_GID, getgid()},
        {AT_EGID, getegid()},
        {AT_PLATFORM, platform},
        {AT_HWCAP, riscv_hwcap()},
        {AT_CLKTCK, 100},
        {AT_SECURE, 0},
        {AT_RANDOM, random_addr},
        {AT_EXECFN, execfn},
        {AT_NULL, 0},
    };
    // Everything below is 8-byte words; the final sp must be 16-byte aligned.
    const size_t words = 1 + argv_addrs.size() + 1 + envp_addrs.size() + 1 + auxv.size() * 2;
    uint64_t sp = st.sp() - words * 8;
    sp &= ~uint64_t{15};
    st.set_sp(sp);
    std::vector<uint64_t> w;
    w.reserve(words);
    w.push_back(argv_addrs.size());
    w.insert(w.end(), argv_addrs.begin(), argv_addrs.end());
    w.push_back(0);
    w.insert(w.end(), envp_addrs.begin(), envp_addrs.end());
    w.push_back(0);
    for (auto [k, v] : auxv) {
        w.push_back(k);
        w.push_back(v);
    }
    std::memcpy(space.host(sp), w.data(), w.size() * 8);
    img.sp = sp;
    return img;
}

}  // namespace xvm::user
