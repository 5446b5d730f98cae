// One emulated Linux process in user mode: its address space, hart state,
// engine, memory map, program break and signal state, and the loop that runs
// guest code and services what stops it (system calls, faults, signals).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/engine.h"
#include "isa/riscv/cpu.h"
#include "mem/address_space.h"
#include "user/loader.h"
#include "user/memory_map.h"
#include "user/signals.h"

namespace xvm::user {

struct ProcessOptions {
    LoadRequest load;
    bool strace = false;
    engine::EngineOptions engine;
};

class Process {
public:
    static Result<std::unique_ptr<Process>> create(const ProcessOptions& opts);

    // Runs until the guest exits; returns the exit status a shell would see
    // (128 + signal number when a signal ended it).
    int run();

    // Ends the process (exit_group, or a fatal signal).
    void exit(int status) {
        exited_ = true;
        exit_status_ = status;
    }
    bool exited() const { return exited_; }

    riscv::Cpu& cpu() { return cpu_; }
    mem::AddressSpace& space() { return *space_; }
    MemoryMap& memory_map() { return map_; }
    engine::Engine& engine() { return *engine_; }
    Signals& signals() { return signals_; }
    const ProcessOptions& options() const { return opts_; }
    const LoadedImage& image() const { return image_; }
    // The guest program's absolute path (/proc/self/exe).
    const std::string& exe_path() const { return exe_path_; }

    // Program break (brk): [brk_start, brk_cur) is mapped read-write.
    uint64_t brk_start = 0;
    uint64_t brk_cur = 0;
    uint64_t brk_mapped_end = 0;

private:
    Process() = default;
    void handle_syscall();
    void handle_stop(const engine::Stop& s);

    ProcessOptions opts_;
    std::unique_ptr<mem::AddressSpace> space_;
    riscv::Cpu cpu_;
    std::unique_ptr<engine::Engine> engine_;
    MemoryMap map_;
    LoadedImage image_;
    std::string exe_path_;
    Signals signals_{*this};
    bool exited_ = false;
    int exit_status_ = 0;
};

}  // namespace xvm::user
