// System-mode dispatcher: the shared handlers of interp_ops.inc with memory
// through the soft TLB (a hit is a compare and an add; a miss or MMIO access
// goes to the MMU's slow path, which may raise a guest exception), plus the
// privileged instructions. Traps and interrupts are taken in run(), between blocks.
#include "engine/sys_interpreter.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <type_traits>
#include <utility>

#include "core/log.h"
#include "isa/riscv/fp.h"
#include "isa/riscv/semantics.h"
#include "jit/lift_riscv.h"

namespace xvm::engine {

using riscv::Op;
namespace fp = riscv::fp;
namespace sem = riscv::sem;

namespace {

// Whether a direct transfer from code at `from` may go straight to block `to`
// from now on (interpreted link or patched jump). Only within one virtual page:
// entering a page from elsewhere goes through the fetch cache or lookup(),
// which check the mapping; a block across the page end always does.
bool may_chain(uint64_t from, const Block* to) {
    return ((from ^ to->pc) >> 12) == 0 && !to->pa2;
}

// System mode also ends blocks at privileged and CSR instructions: they may
// change privilege, translation or interrupt state the rest of a block assumes.
bool ends_block(Op op) {
    switch (op) {
        case Op::mret:
        case Op::sret:
        case Op::wfi:
        case Op::sfence_vma:
        case Op::csrrw:
        case Op::csrrs:
        case Op::csrrc:
        case Op::csrrwi:
        case Op::csrrsi:
        case Op::csrrci: return true;
        default: return ends_block_always(op);
    }
}

}  // namespace

SysInterpreter::SysInterpreter(riscv::Cpu& cpu, riscv::PrivState& ps, riscv::Mmu& mmu,
                               const mem::Bus& bus, uint64_t (*time)(void*), void* time_ctx)
    : cpu_(cpu), ps_(ps), mmu_(mmu), bus_(bus), time_(time), time_ctx_(time_ctx) {
    if (const mem::GuestRam* ram = bus.ram()) {
        watch_.assign(ram->size() >> 12, 0);
        page_gen_.assign(ram->size() >> 12, 0);
        ram_base_ = ram->base();
        mmu_.set_watch(watch_.data(), ram->base(), watch_.size());
    }
    if (!fp::host_fpu_ok()) fp::reset_host_fpu();
    fetch_cache_ = std::make_unique<jit::FetchCacheEntry[]>(jit::kFetchCacheSize);
    mmu_.set_fetch_key(&cpu_.fetch_epoch);
}

Block* SysInterpreter::find_block(uint64_t pc, riscv::Fault& f) {
    const jit::FetchCacheEntry& e = fetch_cache_[jit::fetch_cache_index(pc)];
    if (e.va == pc && e.epoch == cpu_.fetch_epoch) {
        ++stats_.fetch_hits;
        return static_cast<Block*>(e.block);
    }
    ++stats_.fetch_misses;
    Block* b = lookup(pc, f);
    if (b) remember(b);
    return b;
}

void SysInterpreter::remember(Block* b) {
    jit::FetchCacheEntry& e = fetch_cache_[jit::fetch_cache_index(b->pc)];
    e = {b->pc, cpu_.fetch_epoch, b->jit ? b->jit->code : nullptr, b};
}

Result<void> SysInterpreter::set_engine(const EngineOptions& opts) {
    jit_.reset();
    hot_threshold_ = 0;
    compile_all_ = false;
    if (opts.kind == EngineKind::Interp) return {};
    auto j = jit::Jit::create_system(cpu_,
                                     {this, &SysInterpreter::slow_load, &SysInterpreter::slow_store,
                                      fetch_cache_.get(), ps_.mstatus_location()},
                                     opts.jit);
    if (!j) return j.error();
    jit_ = std::move(*j);
    compile_all_ = opts.kind == EngineKind::Jit;
    max_block_insns_ = opts.jit.max_block_insns;
    hot_threshold_ = compile_all_ ? 1 : std::max(opts.jit_threshold, 1u);
    flush_code();  // blocks built so far have no compiled code
    return {};
}

void SysInterpreter::watch_page(uint64_t pa) {
    const mem::GuestRam* ram = bus_.ram();
    if (!ram || !ram->contains(pa, 1)) return;
    watch_[(pa - ram->base()) >> 12] |= 2;
    mmu_.flush_all();
}

void SysInterpreter::mark_code(uint64_t pa) {
    const mem::GuestRam* ram = bus_.ram();
    if (!ram || !ram->contains(pa, 1)) return;
    uint8_t& w = watch_[(pa - ram->base()) >> 12];
    if (w & 1) return;
    w |= 1;
    mmu_.flush_all();  // cached write permissions to this page must now take the slow path
}

void SysInterpreter::flush_code() {
    cache_.flush();
    if (jit_) jit_->flush();
    ++code_epoch_;
    new_fetch_epoch();
    for (auto& w : watch_) w &= ~1;
    mmu_.flush_all();
    ++stats_.code_flushes;
}

void SysInterpreter::dma_written(void* ctx, uint64_t pa, uint64_t len) {
    auto& self = *static_cast<SysInterpreter*>(ctx);
    const mem::GuestRam* ram = self.bus_.ram();
    if (!ram || !len) return;
    for (uint64_t p = pa & ~uint64_t{0xfff}; p < pa + len; p += 0x1000) {
        if (!ram->contains(p, 1)) continue;
        std::atomic_ref<uint8_t> w(self.watch_[(p - ram->base()) >> 12]);
        if (!(w.load(std::memory_order_relaxed) & 1)) continue;
        w.fetch_and(static_cast<uint8_t>(~1u), std::memory_order_relaxed);
        std::atomic_ref<uint32_t>(self.page_gen(p)).fetch_add(1, std::memory_order_relaxed);
        std::atomic_ref<uint64_t>(self.cpu_.fetch_epoch)
            .fetch_add(riscv::Mmu::kFetchGeneration, std::memory_order_relaxed);
    }
}

bool SysInterpreter::code_written(uint64_t pa) {
    const mem::GuestRam* ram = bus_.ram();
    if (!ram || !ram->contains(pa, 1)) return false;
    uint8_t& w = watch_[(pa - ram->base()) >> 12];
    const bool machine_watch = w & 2;
    if (w & 1) {
        // Blocks of this page go stale; the page is watched again once re-decoded.
        ++page_gen(pa);
        new_fetch_epoch();
        w &= ~1;
        ++stats_.code_flushes;
    }
    return machine_watch;
}

Block* SysInterpreter::lookup(uint64_t pc, riscv::Fault& f) {
    uint16_t first;
    uint64_t pa;
    if (!mmu_.fetch(pc, first, f, &pa)) return nullptr;
    Block* b = cache_.find(pc);
    if (b && b->pa == pa && b->page_gen == page_gen(pa)) {
        if (!b->pa2) return b;
        uint16_t second;
        uint64_t pa2;
        if (mmu_.fetch(pc + 2, second, f, &pa2) && b->pa2 == pa2 && b->page_gen2 == page_gen(pa2))
            return b;
    }
    return build_block(pc, pa, f);
}

uint32_t SysInterpreter::bits_at(uint64_t pc) {
    riscv::Fault f;
    uint16_t lo = 0, hi = 0;
    if (!mmu_.fetch(pc, lo, f)) return 0;
    if (riscv::insn_length(lo) == 4 && mmu_.fetch(pc + 2, hi, f)) return lo | uint32_t{hi} << 16;
    return lo;
}

Block* SysInterpreter::build_block(uint64_t pc, uint64_t block_pa, riscv::Fault& fault) {
    constexpr uint32_t kMax = 64;
    Insn tmp[kMax + 1];
    uint32_t n = 0;
    uint64_t at = pc;
    bool ended = false;
    uint64_t straddle_pa = 0;
    while (n < kMax) {
        riscv::Fault f;
        uint16_t low;
        uint64_t pa;
        if (!mmu_.fetch(at, low, f, &pa)) {
            if (n == 0) {
                fault = f;
                return nullptr;
            }
            break;
        }
        mark_code(pa);
        uint32_t bits = low;
        if (riscv::insn_length(low) == 4) {
            // An instruction across the page end is a block of its own, which
            // depends on both pages.
            const bool straddles = ((at + 2) & 0xfff) == 0;
            if (straddles && n > 0) break;
            uint16_t high;
            uint64_t pa2;
            if (!mmu_.fetch(at + 2, high, f, &pa2)) {
                if (n == 0) {
                    fault = f;
                    return nullptr;
                }
                break;
            }
            mark_code(pa2);
            bits |= uint32_t{high} << 16;
            if (straddles) straddle_pa = pa2;
        }
        const riscv::Decoded d = riscv::decode(bits);
        tmp[n] =
            make_insn(d, at, labels_[static_cast<unsigned>(d.op)], static_cast<uint16_t>(n + 1));
        ++n;
        at += d.len;
        if (ends_block(d.op)) {
            ended = true;
            break;
        }
        if ((at & 0xfff) == 0 || straddle_pa) break;  // one page per block
    }
    // A full cache (blocks of dead address spaces pile up) starts over, with the
    // compiled code. Only here and in run() is code flushed, so callers holding
    // blocks check code_epoch_ around lookup().
    if (cache_.blocks() > 200000 || (jit_ && !jit_->has_room())) flush_code();
    Block* b = cache_.build(pc, at, tmp, n, ended, labels_[kHandlerEnd]);
    b->pa = block_pa;
    b->page_gen = page_gen(block_pa);
    if (straddle_pa) {
        b->pa2 = straddle_pa & ~uint64_t{0xfff};
        b->page_gen2 = page_gen(straddle_pa);
    }
    cache_.insert(b);
    ++stats_.blocks_built;
    if (compile_all_) compile(b);
    return b;
}

void SysInterpreter::compile(Block* b) {
    const mem::GuestRam* ram = bus_.ram();
    if (!jit_ || b->jit || b->jit_failed) return;
    if (!ram || !ram->contains(b->pa, 2)) {
        b->jit_failed = true;  // code outside RAM (a ROM) stays interpreted
        return;
    }
    if (!jit_->has_room()) return;
    // The block's page, read where the block was decoded from (no MMU access).
    // The block's page and, for an instruction across its end, the next one,
    // read where the block was decoded from (no MMU access).
    if (b->pa2 && !ram->contains(b->pa2, 2)) {
        b->jit_failed = true;
        return;
    }
    struct Pages {
        uint64_t va;
        const uint8_t* host;
        const uint8_t* next;
    } pages{b->pc & ~uint64_t{0xfff}, ram->host(b->pa & ~uint64_t{0xfff}),
            b->pa2 ? ram->host(b->pa2) : nullptr};
    auto read = [](const void* ctx, uint64_t at, uint16_t& parcel) {
        const auto& p = *static_cast<const Pages*>(ctx);
        const uint64_t page = at & ~uint64_t{0xfff};
        const uint8_t* host = page == p.va ? p.host : page == p.va + 0x1000 ? p.next : nullptr;
        if (!host) return false;
        std::memcpy(&parcel, host + (at & 0xfff), sizeof parcel);
        return true;
    };
    ir::Block irb = jit::lift_riscv(read, &pages, b->pc,
                                    {.max_insns = max_block_insns_, .fp = true, .fp_guard = true});
    jit::JitBlock* code = irb.guest_insns ? jit_->compile_block(irb) : nullptr;
    if (!code) {
        b->jit_failed = true;
        return;
    }
    b->jit = code;
    b->insns[0].handler = labels_[kHandlerJitEntry];
    jit::FetchCacheEntry& e = fetch_cache_[jit::fetch_cache_index(b->pc)];
    if (e.block == b) e.code = code->code;
}

jit::SlowLoadResult SysInterpreter::slow_load(void* ctx, uint64_t va, uint64_t kind) {
    auto& self = *static_cast<SysInterpreter*>(ctx);
    const unsigned size = kind & 0xff;
    uint64_t v;
    if (!self.mmu_.load(va, size, v, self.fault_)) return {0, 1};
    if ((kind & 0x100) && size < 8) {
        const unsigned shift = 64 - 8 * size;
        v = static_cast<uint64_t>(static_cast<int64_t>(v << shift) >> shift);
    }
    return {v, 0};
}

uint64_t SysInterpreter::slow_store(void* ctx, uint64_t va, uint64_t value, uint64_t size) {
    auto& self = *static_cast<SysInterpreter*>(ctx);
    if (!self.mmu_.store(va, static_cast<unsigned>(size), value, self.fault_))
        return jit::kSlowFault;
    uint64_t pa;
    if (!self.mmu_.take_watch_hit(pa)) return 0;
    // Written code or a machine mailbox: the block stops after this store, as
    // the interpreter's does (watch_hit).
    self.stop_after_store_ = self.code_written(pa) ? Stop::Watch : Stop::Continue;
    return jit::kSlowStop;
}

SysInterpreter::Result SysInterpreter::run_compiled(Block* b, Block*& next) {
    const void* const tlb = mmu_.data_tlb().data();
    while (true) {
        ++stats_.jit_entries;
        const jit::ExitRecord* r = jit_->enter(b->jit, tlb);
        if (r == jit_->fault_exit()) return {Stop::Trap, fault_.cause, fault_.tval};
        if (r == jit_->stop_exit()) return {stop_after_store_};
        if (r == jit_->resume_exit()) {
            // The interpreter runs the F/D instruction (and raises its exception):
            // its block from the instruction, not through compiled code again.
            riscv::Fault f;
            next = find_block(cpu_.pc, f);
            if (!next) return {Stop::Trap, f.cause, f.tval};
            interpret_next_ = true;
            return {Stop::Continue};
        }
        if (r == &r->from->exits[2]) {  // the entry check saw an exit request
            cpu_.pc = r->target_pc;
            return {Stop::Exit};
        }
        if (!r->indirect) cpu_.pc = r->target_pc;
        const uint64_t epoch = code_epoch_;
        riscv::Fault f;
        Block* n = find_block(cpu_.pc, f);
        if (!n) return {Stop::Trap, f.cause, f.tval};
        if (!n->jit && !n->jit_failed && ++n->exec_count >= hot_threshold_) compile(n);
        if (!n->jit) {
            next = n;
            return {Stop::Continue};
        }
        if (!r->indirect && code_epoch_ == epoch && may_chain(r->from->pc, n)) {
            jit_->link(r, n->jit);
            ++stats_.jit_links;
        }
        b = n;
    }
}

void SysInterpreter::print_stats(std::FILE* out) const {
    if (!jit_) {
        std::fprintf(out, "  engine: interpreter; fetch cache hits %llu, misses %llu\n",
                     static_cast<unsigned long long>(stats_.fetch_hits),
                     static_cast<unsigned long long>(stats_.fetch_misses));
        return;
    }
    const jit::JitStats& js = jit_->stats();
    std::fprintf(
        out,
        "  engine: %s; compiled blocks %llu (%llu guest instructions, %llu KiB code, "
        "%.1f ms compiling), refused %llu\n"
        "  compiled-code entries %llu, links %llu, code cache flushes %llu\n"
        "  fetch cache hits %llu, misses %llu (engine lookups); %llu hits in compiled code\n",
        compile_all_ ? "jit" : "tiered", static_cast<unsigned long long>(js.blocks_compiled),
        static_cast<unsigned long long>(js.guest_insns_compiled),
        static_cast<unsigned long long>(js.code_bytes >> 10), js.compile_ns / 1e6,
        static_cast<unsigned long long>(js.not_compilable),
        static_cast<unsigned long long>(stats_.jit_entries),
        static_cast<unsigned long long>(stats_.jit_links),
        static_cast<unsigned long long>(js.cache_flushes),
        static_cast<unsigned long long>(stats_.fetch_hits),
        static_cast<unsigned long long>(stats_.fetch_misses),
        static_cast<unsigned long long>(js.probe_hits));
}

void SysInterpreter::apply_effects() {
    const uint32_t e = ps_.take_effects();
    if (e & riscv::PrivState::kTlbFlush) mmu_.flush_all();
    if (e & riscv::PrivState::kAddressSpace) mmu_.switch_address_space();
    if (e & riscv::PrivState::kCodeFlush) flush_code();
}

// Only Sstc's timer makes interrupts depend on the time, and run() looks at
// interrupts after every CSR write and trap: Linux sets and clears sstatus.SUM
// around each user copy (twice per page a read from /dev/zero clears), and a
// clock read costs ~60 ns in a VM, as much as the rest of that round trip. So a
// read serves the checks of the next few thousand instructions (microseconds;
// a compiled loop without CSR writes sees the timer only at the next 1 ms tick
// anyway); each entry into run() (after a tick, a device or a WFI sleep) reads
// afresh.
uint64_t SysInterpreter::irq_time() {
    constexpr uint64_t kReuseInsns = 4096;
    constexpr unsigned kReuseChecks = 64;
    if (!ps_.interrupts_need_time()) return 0;
    if (irq_time_uses_ >= kReuseChecks || cpu_.instret - irq_time_instret_ >= kReuseInsns) {
        irq_time_ = time();
        irq_time_instret_ = cpu_.instret;
        irq_time_uses_ = 0;
    }
    ++irq_time_uses_;
    return irq_time_;
}

HartStop SysInterpreter::run() {
    irq_time_uses_ = ~0u;
    mmu_.refresh_fetch_key();  // the privilege may have been set from outside
    while (true) {
        if (const uint64_t irq = ps_.pending_interrupt(irq_time())) {
            cpu_.pc = ps_.take_trap(cpu_, irq, 0);
            mmu_.refresh_fetch_key();
            ++stats_.interrupts;
            apply_effects();
        }
        const Result r = execute();
        apply_effects();
        switch (r.stop) {
            case Stop::Trap:
                XVM_LOG(kGuestErrors, "trap cause {:#x} tval {:#x} at pc {:#x}\n", r.cause, r.tval,
                        cpu_.pc);
                cpu_.pc = ps_.take_trap(cpu_, r.cause, r.tval);
                mmu_.refresh_fetch_key();
                ++stats_.traps;
                apply_effects();
                break;
            case Stop::Continue: break;
            case Stop::Watch: return HartStop::Watch;
            case Stop::Wfi:
                if (!ps_.wfi_wakeup(time())) return HartStop::Wfi;
                irq_time_uses_ = ~0u;
                break;
            case Stop::Exit:
                std::atomic_ref<uint8_t>(cpu_.exit_request).store(0, std::memory_order_relaxed);
                return HartStop::Exit;
        }
    }
}

SysInterpreter::Result SysInterpreter::execute() {
    static const void* const kLabels[kHandlerCount] = {
#define XVM_INSN(id, ...) &&op_##id,
#include "isa/riscv/insns.inc"
        &&op_illegal,
        &&op_end,
        &&op_jit_entry,
    };
    labels_ = kLabels;
    riscv::Cpu& cpu = cpu_;
    uint64_t* const x = cpu.x;
    uint64_t* const f = cpu.f;
    // Reloaded after CSR writes: sstatus.SUM and mstatus.MPRV select another TLB.
    const mem::TlbEntry* dtlb = mmu_.data_tlb().data();
    riscv::Fault& fault = fault_;

    const Insn* i;
    {
        Block* first = find_block(cpu.pc, fault);
        if (!first) return {Stop::Trap, fault.cause, fault.tval};
        // Counted like any other entry: code reached only here (after a CSR
        // write, a trap or an interrupt: Linux's user-copy bodies, its trap
        // entry) would stay interpreted otherwise.
        if (hot_threshold_ && !first->jit && !first->jit_failed &&
            ++first->exec_count >= hot_threshold_)
            compile(first);
        i = first->insns;
    }
    uint64_t next_pc = 0;
    unsigned slot = 0;
    uint64_t watch_pa = 0;
    // Per-vCPU plain counter; the slow path counts misses.
    uint64_t& tlb_hits = mmu_.data_tlb().stats().hits;

    // The clock only for the CSRs that show it.
    auto csr_time = [this](uint32_t csr) {
        return riscv::PrivState::csr_reads_time(csr) ? time() : 0;
    };
    auto exit_requested = [&cpu] {
        return std::atomic_ref<uint8_t>(cpu.exit_request).load(std::memory_order_relaxed) != 0;
    };
#define RD x[i->rd]
#define RS1 x[i->rs1]
#define RS2 x[i->rs2]
#define IMM static_cast<uint64_t>(i->imm)
#define LOAD(T, addr)                                                                    \
    ({                                                                                   \
        const uint64_t la_ = (addr);                                                     \
        const mem::TlbEntry& e_ = dtlb[mem::Tlb::index(la_)];                            \
        T v_;                                                                            \
        if (e_.tag_read == mem::Tlb::key(la_, sizeof(T))) [[likely]] {                   \
            ++tlb_hits;                                                                  \
            std::memcpy(&v_, reinterpret_cast<const void*>(la_ + e_.addend), sizeof v_); \
        } else {                                                                         \
            uint64_t w_;                                                                 \
            if (!mmu_.load(la_, sizeof(T), w_, fault)) goto mem_fault;                   \
            v_ = static_cast<T>(w_);                                                     \
        }                                                                                \
        v_;                                                                              \
    })
#define STORE(T, addr, val)                                                          \
    do {                                                                             \
        const uint64_t sa_ = (addr);                                                 \
        const T sv_ = static_cast<T>(val);                                           \
        const mem::TlbEntry& e_ = dtlb[mem::Tlb::index(sa_)];                        \
        if (e_.tag_write == mem::Tlb::key(sa_, sizeof(T))) [[likely]] {              \
            ++tlb_hits;                                                              \
            std::memcpy(reinterpret_cast<void*>(sa_ + e_.addend), &sv_, sizeof sv_); \
        } else {                                                                     \
            if (!mmu_.store(sa_, sizeof(T), sv_, fault)) goto mem_fault;             \
            if (mmu_.take_watch_hit(watch_pa)) goto watch_hit;                       \
        }                                                                            \
    } while (0)
// System mode builds no superblocks: nothing to count.
#define BRANCH_PROFILE(outcome) (void)0
#include "engine/interp_dispatch.inc"
#define TRAP(cause_, tval_)                           \
    do {                                              \
        cpu.pc = i->pc;                               \
        cpu.instret += i->retired - 1;                \
        return Result{Stop::Trap, (cause_), (tval_)}; \
    } while (0)
#define RAISE_ILLEGAL() TRAP(riscv::kExcIllegal, bits_at(i->pc))
// Leaves the block after the current instruction (state the block relied on changed).
#define FINISH(stop_)               \
    do {                            \
        cpu.pc = i->pc + i->len;    \
        cpu.instret += i->retired;  \
        return Result{Stop::stop_}; \
    } while (0)
#define RM_OR_ILLEGAL(var)                       \
    unsigned var = i->rm == 7 ? cpu.frm : i->rm; \
    if (var > 4) RAISE_ILLEGAL();
#define FP_CHECK()                              \
    do {                                        \
        if (!ps_.fp_enabled()) RAISE_ILLEGAL(); \
        ps_.set_fp_dirty();                     \
    } while (0)
#define SX(v) sem::sext32(v)
#define FS(r) fp::unbox(f[r])
// Zicsr with privilege rules. A CSR instruction ends its block; a write whose
// effects the engine must apply (translation, interrupts, code) leaves to
// run(), anything else goes on to the next block here, with the data TLB that
// sstatus.SUM or mstatus.MPRV may have changed (Linux flips SUM around every
// user copy).
#define CSR_OP(write_value, writes)                                       \
    do {                                                                  \
        uint64_t old;                                                     \
        const uint32_t csr = static_cast<uint32_t>(i->imm);               \
        if (!ps_.csr_read(cpu, csr, csr_time(csr), old)) RAISE_ILLEGAL(); \
        if (writes) {                                                     \
            const uint64_t nv = (write_value);                            \
            if (!ps_.csr_write(cpu, csr, nv)) RAISE_ILLEGAL();            \
            RD = old;                                                     \
            if (ps_.has_effects()) FINISH(Continue);                      \
            dtlb = mmu_.data_tlb().data();                                \
            JUMP(i->pc + i->len, 1);                                      \
        }                                                                 \
        RD = old;                                                         \
        JUMP(i->pc + i->len, 1);                                          \
    } while (0)
// An AMO on a page of decoded code makes that code stale (the block goes on:
// an AMO rewriting the instructions after it is not worth a stop).
#define AMO_ADDR(T)                                                            \
    const uint64_t a_ = RS1;                                                   \
    T* p_ = reinterpret_cast<T*>(mmu_.atomic_ptr(a_, sizeof(T), fault, true)); \
    if (!p_) goto mem_fault;                                                   \
    if (mmu_.take_watch_hit(watch_pa)) [[unlikely]]                            \
        code_written(watch_pa);
#define LR_ADDR(T)                                                              \
    const uint64_t a_ = RS1;                                                    \
    T* p_ = reinterpret_cast<T*>(mmu_.atomic_ptr(a_, sizeof(T), fault, false)); \
    if (!p_) goto mem_fault;

    DISPATCH();

block_end_indirect:
    slot = 2;
block_end_slow:
    if (exit_requested()) [[unlikely]] {
        cpu.pc = next_pc;
        return Result{Stop::Exit};
    }
    {
        // A hot backward edge: compile its target (read before lookup(), which
        // may flush every block, the one `i` is in included).
        bool hot = false;
        if (slot == 0 && hot_threshold_ && LINKS(i)->heat >= hot_threshold_) {
            const_cast<BlockLinks*>(LINKS(i))->heat = 0;
            hot = true;
        }
        const uint64_t epoch = code_epoch_;
        Block* n = find_block(next_pc, fault);
        if (!n) {
            cpu.pc = next_pc;
            return Result{Stop::Trap, fault.cause, fault.tval};
        }
        if (hot_threshold_ && !n->jit && !n->jit_failed &&
            (hot || ++n->exec_count >= hot_threshold_))
            compile(n);
        if (slot < 2 && code_epoch_ == epoch && may_chain(i->pc, n))
            const_cast<BlockLinks*>(LINKS(i))->next[slot] = n->insns;
        i = n->insns;
        DISPATCH();
    }

op_jit_entry : {
    Block* next = nullptr;
    const Result r = run_compiled(Block::of_first(i), next);
    if (!next) return r;
    i = next->insns;
    if (std::exchange(interpret_next_, false)) goto*(next->first_handler);
    DISPATCH();
}

mem_fault:
    TRAP(fault.cause, fault.tval);

watch_hit:
    // A store reached a watched page: decoded code (its blocks go stale) and/or a
    // machine mailbox such as HTIF's tohost (the machine looks at it).
    if (code_written(watch_pa)) FINISH(Watch);
    FINISH(Continue);

op_end:
    JUMP(i->pc, 1);

op_illegal:
    RAISE_ILLEGAL();

    // ---- system instructions ----
op_ecall:
    TRAP(riscv::kExcEcallU + static_cast<uint64_t>(ps_.priv), 0);
op_ebreak:
    // mtval may be the pc or zero (privileged spec, "Machine Trap Value"); QEMU
    // writes zero, and so does xvm, so guests see the same thing on both.
    TRAP(riscv::kExcBreakpoint, 0);
op_mret : {
    uint64_t pc;
    if (!ps_.mret(cpu, pc)) RAISE_ILLEGAL();
    mmu_.refresh_fetch_key();
    cpu.instret += i->retired;
    cpu.pc = pc;
    return Result{Stop::Continue};
}
op_sret : {
    uint64_t pc;
    if (!ps_.sret(cpu, pc)) RAISE_ILLEGAL();
    mmu_.refresh_fetch_key();
    cpu.instret += i->retired;
    cpu.pc = pc;
    return Result{Stop::Continue};
}
op_wfi:
    if (!ps_.wfi_allowed()) RAISE_ILLEGAL();
    FINISH(Wfi);
op_sfence_vma:
    if (!ps_.sfence_allowed()) RAISE_ILLEGAL();
    // Translations only: decoded blocks are checked against their physical page
    // whenever a page is entered. rs1 names one page (ASIDs are not tracked: a
    // flush is never too wide to be correct).
    if (i->rs1 != 0)
        mmu_.flush_page(x[i->rs1]);
    else
        mmu_.flush_all();
    FINISH(Continue);
op_fence_i:
    // Nothing to flush: every write to a page holding decoded code, by the
    // hart (watched pages) or by a device (dma_written), makes that code stale
    // at once, which is what fence.i asks for and more.
    FINISH(Continue);

#include "engine/interp_ops.inc"
}

}  // namespace xvm::engine
