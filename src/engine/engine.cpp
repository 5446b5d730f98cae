#include "engine/engine.h"

#include <atomic>

#include "engine/host_fault.h"

namespace xvm::engine {

Result<std::unique_ptr<Engine>> Engine::create(riscv::Cpu& cpu, mem::AddressSpace& space,
                                               const EngineOptions& opts) {
    std::unique_ptr<Engine> e(new Engine(cpu, space, opts));
    e->interp_ = std::make_unique<Interpreter>(cpu, space);
    if (opts.kind != EngineKind::Interp) {
        auto j = jit::Jit::create(cpu, space, opts.jit);
        if (!j) return j.error();
        e->jit_ = std::move(*j);
        e->interp_->set_tiering(opts.kind == EngineKind::Tiered ? opts.jit_threshold : 0,
                                &Engine::has_code, e.get());
        // Tiered: what the interpreter saw of branches shapes superblocks.
        if (opts.kind == EngineKind::Tiered && opts.jit.superblocks)
            e->jit_->set_branch_profile(
                [](const void* ctx, uint64_t pc) {
                    return static_cast<Interpreter*>(const_cast<void*>(ctx))->branch_bias(pc);
                },
                e->interp_.get());
    }
    return e;
}

// Asked by the interpreter for each block it decodes. In jit mode every block is
// compiled on first sight; in tiered mode only what tiering already compiled counts.
bool Engine::has_code(void* self, uint64_t pc) {
    auto* e = static_cast<Engine*>(self);
    if (e->opts_.kind == EngineKind::Jit) return e->jit_->compile(pc) != nullptr;
    return e->jit_->find(pc) != nullptr;
}

void Engine::flush_code() {
    interp_->flush_code();
    if (jit_) jit_->flush();
    space_.clear_code_guards();
}

bool Engine::drop_written_code() {
    if (!space_.take_code_writes()) return false;
    flush_code();
    ++code_write_flushes_;
    return true;
}

// The thread's fault handler must not keep pointing at this engine's memory.
Engine::~Engine() {
    FaultRecovery& rec = thread_fault_recovery();
    if (rec.exit_request == &cpu_.exit_request) {
        rec.space = nullptr;
        rec.exit_request = nullptr;
    }
}

Stop Engine::run() {
    FaultRecovery& rec = thread_fault_recovery();
    rec.space = &space_;
    rec.exit_request = &cpu_.exit_request;
    if (sigsetjmp(rec.env, 0) != 0) {
        unblock_fault_signals();
        cpu_.pc = jit_ && jit_->owns(rec.host_pc) ? jit_->fault_pc(rec.host_pc, rec.gregs)
                                                  : interp_->fault_pc();
        return Stop{rec.write ? StopReason::StoreFault : StopReason::LoadFault, rec.guest_addr};
    }
    rec.armed = true;
    Stop s = loop();
    rec.armed = false;
    return s;
}

bool Engine::run_compiled(jit::JitBlock* b, Stop& stop) {
    while (true) {
        ++jit_entries_;
        const jit::ExitRecord* r = jit_->enter(b);
        if (r == &r->from->exits[2]) {  // the entry check saw an exit request
            cpu_.pc = r->target_pc;
            std::atomic_ref<uint8_t>(cpu_.exit_request).store(0, std::memory_order_relaxed);
            stop = Stop{StopReason::Exit};
            return true;
        }
        const bool indirect = r->indirect;
        if (!indirect)
            cpu_.pc = r->target_pc;
        else
            ++jump_cache_misses_;
        // The code that wrote its own pages has returned: what runs next is new.
        if (drop_written_code()) r = nullptr;
        jit::JitBlock* next = jit_->find(cpu_.pc);
        // Hot code's successors are hot too: in tiered mode compiled code pulls in
        // what it jumps to, instead of bouncing through the interpreter each time.
        if (!next && !jit_->known_uncompilable(cpu_.pc)) {
            // Compiling may reclaim the whole cache, `r` and its block included.
            const uint64_t flushes = jit_->stats().cache_flushes;
            next = jit_->compile(cpu_.pc);
            if (jit_->stats().cache_flushes != flushes) r = nullptr;
        }
        if (!next) return false;
        if (indirect)
            jit_->fill_jump_cache(cpu_.pc, next);
        else if (r)
            jit_->link(r, next);
        b = next;
    }
}

Stop Engine::loop() {
    bool skip_jit_entry = false;
    while (true) {
        // Nothing runs between here and the next entry: the safe point for code
        // the guest (or a system call for it) wrote since.
        drop_written_code();
        // Compiled FP code reads frm for dynamic rounding; only a valid frm lets it run
        // (the interpreter raises the illegal-instruction exception otherwise).
        if (jit_ && cpu_.frm <= 4 && !skip_jit_entry) {
            jit::JitBlock* b = jit_->find(cpu_.pc);
            if (!b && opts_.kind == EngineKind::Jit) b = jit_->compile(cpu_.pc);
            if (b) {
                Stop s;
                if (run_compiled(b, s)) {
                    if (s.reason == StopReason::Exit && !interp_->take_exit_asked()) continue;
                    return s;
                }
                // A flush may have happened while compiling: start over from cpu.pc.
                continue;
            }
        }
        Stop s = interp_->execute(skip_jit_entry);
        skip_jit_entry = false;
        switch (s.reason) {
            case StopReason::EnterJit:
                // The code may have been reclaimed since the block was marked: in
                // jit mode compile it again (tiered mode lets it get hot again).
                if (opts_.kind == EngineKind::Jit && !jit_->find(cpu_.pc)) jit_->compile(cpu_.pc);
                skip_jit_entry = cpu_.frm > 4 || !jit_->find(cpu_.pc);
                continue;
            case StopReason::Hot:
                if (jit_->compile(cpu_.pc)) interp_->mark_compiled(cpu_.pc);
                continue;
            case StopReason::FenceI: flush_code(); return s;
            case StopReason::Exit:
                // Not asked for by request_exit(): a write to translated code stopped
                // the run, and the top of the loop drops that code.
                if (!interp_->take_exit_asked()) continue;
                return s;
            default: return s;
        }
    }
}

}  // namespace xvm::engine
