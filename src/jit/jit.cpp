#include "jit/jit.h"

#include <xbyak/xbyak.h>
#include <xbyak/xbyak_util.h>

#include <chrono>
#include <cstring>

#include "core/log.h"
#include "jit/lift_riscv.h"

namespace xvm::jit {

Result<std::unique_ptr<Jit>> Jit::create(riscv::Cpu& cpu, mem::AddressSpace& space,
                                         const JitOptions& opts) {
    std::unique_ptr<Jit> j(new Jit(cpu, &space, opts));
    if (auto r = j->init(); !r) return r.error();
    return j;
}

Result<std::unique_ptr<Jit>> Jit::create_system(riscv::Cpu& cpu, const SoftTlbHooks& hooks,
                                                const JitOptions& opts) {
    std::unique_ptr<Jit> j(new Jit(cpu, nullptr, opts));
    j->ctx_.memory = MemoryMode::SoftTlb;
    j->ctx_.slow_ctx = hooks.ctx;
    j->ctx_.slow_load = hooks.load;
    j->ctx_.slow_store = hooks.store;
    j->ctx_.fetch_cache = hooks.fetch_cache;
    j->ctx_.mstatus = hooks.mstatus;
    if (auto r = j->init(); !r) return r.error();
    return j;
}

Result<void> Jit::init() {
    auto cache = CodeCache::create(opts_.cache_bytes);
    if (!cache) return cache.error();
    cache_ = std::move(*cache);
    jump_cache_ = std::make_unique<JumpCacheEntry[]>(kJumpCacheSize);
    for (unsigned k = 0; k < kJumpCacheSize; ++k) jump_cache_[k] = {~0ull, nullptr};
    Xbyak::util::Cpu host;
    ctx_.has_popcnt = host.has(Xbyak::util::Cpu::tPOPCNT);
    ctx_.has_lzcnt = host.has(Xbyak::util::Cpu::tLZCNT);
    ctx_.has_bmi1 = host.has(Xbyak::util::Cpu::tBMI1);
    ctx_.has_bmi2 = host.has(Xbyak::util::Cpu::tBMI2);
    ctx_.jump_cache = jump_cache_.get();
    ctx_.fault_exit = &fault_exit_;
    ctx_.stop_exit = &stop_exit_;
    ctx_.resume_exit = &resume_exit_;
    ctx_.probe_hits = &stats_.probe_hits;
    emit_trampoline();
    return {};
}

// enter(cpu, code, membase, mask): saves the host's callee-saved registers, sets up
// the conventions of x64_backend.h and jumps to the code; the epilogue undoes it
// and returns the ExitRecord the code left in rax.
void Jit::emit_trampoline() {
    using namespace Xbyak::util;
    Xbyak::CodeGenerator g(4096, cache_->cursor());
    const uint8_t* start = g.getCode();
    g.push(rbx);
    g.push(rbp);
    g.push(r12);
    g.push(r13);
    g.push(r14);
    g.push(r15);
    g.sub(rsp, kFrameBytes);
    g.mov(rbx, rdi);
    g.mov(r12, rdx);
    g.mov(r13, rcx);
    g.jmp(rsi);
    g.align(16);
    const uint8_t* epilogue = g.getCurr();
    g.add(rsp, kFrameBytes);
    g.pop(r15);
    g.pop(r14);
    g.pop(r13);
    g.pop(r12);
    g.pop(rbp);
    g.pop(rbx);
    g.ret();
    enter_ = reinterpret_cast<EnterFn>(const_cast<uint8_t*>(start));
    ctx_.epilogue = const_cast<uint8_t*>(epilogue);
    cache_->commit(g.getSize());
    cache_->set_floor(cache_->used());
}

JitBlock* Jit::compile(uint64_t pc) {
    if (JitBlock* b = cache_->find(pc)) return b;
    if (failed_.count(pc)) return nullptr;
    LiftOptions lo;
    lo.max_insns = opts_.max_block_insns;
    lo.branch_bias = bias_;
    lo.bias_ctx = bias_ctx_;
    ir::Block irb = lift_riscv(*space_, pc, lo);
    JitBlock* b = irb.guest_insns ? compile_block(irb) : nullptr;
    if (!b) {
        failed_.insert(pc);
        if (!irb.guest_insns) ++stats_.not_compilable;
        return nullptr;
    }
    cache_->index(b);
    fill_jump_cache(pc, b);
    return b;
}

JitBlock* Jit::compile_block(ir::Block& irb) {
    const auto t0 = std::chrono::steady_clock::now();
    ir::run_passes(irb, opts_.passes);
    if (opts_.dump_ir) fmt::print(log::g_out, "{}", ir::print(irb));
    bool full = false;
    auto jb = compile_x64(irb, *cache_, ctx_, &full);
    if (!jb && full) {
        flush();
        ++stats_.reclaims;
        jb = compile_x64(irb, *cache_, ctx_, &full);
    }
    if (!jb) {
        ++stats_.not_compilable;
        return nullptr;
    }
    ++stats_.blocks_compiled;
    stats_.guest_insns_compiled += irb.guest_insns;
    stats_.code_bytes += jb->size;
    JitBlock* b = cache_->add(std::move(jb));
    stats_.compile_ns += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
    return b;
}

void Jit::link(const ExitRecord* r, const JitBlock* target) {
    if (!r->patch) return;
    // A forward jump skips the target's exit-request check: only backward
    // jumps (and indirect ones) can close a loop, as in the interpreter.
    const uint8_t* dest = target->code + (target->pc > r->from->pc ? target->body_offset : 0);
    const auto rel = static_cast<int32_t>(dest - (r->patch + 4));
    std::memcpy(r->patch, &rel, sizeof rel);
    ++stats_.links;
}

void Jit::fill_jump_cache(uint64_t pc, const JitBlock* b) {
    JumpCacheEntry& e = jump_cache_[(pc >> 1) & (kJumpCacheSize - 1)];
    e.pc = pc;
    e.code = b->code;
}

void Jit::flush() {
    cache_->flush();
    failed_.clear();
    for (unsigned k = 0; k < kJumpCacheSize; ++k) jump_cache_[k] = {~0ull, nullptr};
    ++stats_.cache_flushes;
}

uint64_t Jit::fault_pc(uintptr_t host_pc) {
    const JitBlock* b = cache_->find_host(host_pc);
    if (!b) return cpu_.pc;
    uint32_t unretired = 0;
    const uint64_t pc = b->fault_pc(host_pc, &unretired);
    cpu_.instret -= unretired;
    return pc;
}

}  // namespace xvm::jit
