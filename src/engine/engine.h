// The vCPU execution engine: the interpreter, the JIT, and the policy between
// them (--engine interp | jit | tiered). Callers see one run() that returns a Stop
// when the guest needs them (system calls, faults, exit requests).
#pragma once

#include <cstdint>
#include <memory>

#include "core/result.h"
#include "engine/interpreter.h"
#include "engine/options.h"
#include "jit/jit.h"

namespace xvm::engine {

class Engine {
  public:
    static Result<std::unique_ptr<Engine>> create(riscv::Cpu& cpu, mem::AddressSpace& space,
                                                  const EngineOptions& opts);
    ~Engine();
    Stop run();
    void request_exit() { interp_->request_exit(); }
    // Drops decoded and compiled code (fence.i, unmapped or re-protected code).
    void flush_code();
    // Flushes caused by guest writes to pages holding translated code.
    uint64_t code_write_flushes() const { return code_write_flushes_; }

    const Interpreter& interpreter() const { return *interp_; }
    const jit::Jit* jit() const { return jit_.get(); }
    EngineKind kind() const { return opts_.kind; }
    uint64_t jit_entries() const { return jit_entries_; }
    // Indirect jumps compiled code handed back because the jump cache missed.
    uint64_t jump_cache_misses() const { return jump_cache_misses_; }

  private:
    Engine(riscv::Cpu& cpu, mem::AddressSpace& space, const EngineOptions& opts)
        : cpu_(cpu), space_(space), opts_(opts) {}
    Stop loop();
    // Runs compiled code from b and follows it until it needs the engine; returns
    // false when the guest must continue in the interpreter at cpu.pc.
    bool run_compiled(jit::JitBlock* b, Stop& stop);
    static bool has_code(void* self, uint64_t pc);
    // Drops all code if the guest wrote a page that held some (host_fault.h); only
    // where no decoded or compiled code is running.
    bool drop_written_code();

    riscv::Cpu& cpu_;
    mem::AddressSpace& space_;
    EngineOptions opts_;
    std::unique_ptr<Interpreter> interp_;
    std::unique_ptr<jit::Jit> jit_;
    uint64_t jit_entries_ = 0;
    uint64_t jump_cache_misses_ = 0;
    uint64_t code_write_flushes_ = 0;
};

}  // namespace xvm::engine
