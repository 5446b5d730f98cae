// Differential harness for the JIT tests: one guest image (code, data, initial
// Cpu) run to its first stop under any engine configuration, each run in a fresh
// AddressSpace and Cpu, and a field-by-field comparison of what the runs left.
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "isa/riscv/disasm.h"

namespace xvm::test {

// Guest layout shared by the JIT tests.
inline constexpr uint64_t kCode = 0x10000;  // read+execute
inline constexpr uint64_t kCodeBytes = 0x2000;
inline constexpr uint64_t kData = 0x20000;  // read+write, compared after each run
inline constexpr uint64_t kDataBytes = 0x2000;
inline constexpr uint64_t kUnmapped = kData + kDataBytes;  // nothing mapped here
inline constexpr uint64_t kReadOnly = 0x30000;             // one read-only page

struct Image {
    std::vector<uint8_t> code;  // placed at code_at
    uint64_t code_at = kCode;
    std::vector<uint8_t> data = std::vector<uint8_t>(kDataBytes);
    riscv::Cpu cpu;                    // initial state; cpu.pc is the entry
    uint64_t code_bytes = kCodeBytes;  // size of the code mapping from kCode
    uint8_t code_prot = mem::kProtRead | mem::kProtExec;
};

struct Config {
    std::string name;
    engine::EngineKind kind = engine::EngineKind::Interp;
    ir::PassOptions passes;
    uint32_t threshold = 100;
    size_t cache_bytes = 1u << 20;
    unsigned max_block_insns = 64;
    unsigned alloc_regs = 0;  // 0: all the backend's registers
    unsigned loop_pins = 4;   // guest registers a self-loop keeps in host registers
};

inline Config interp_config() {
    return {"interp", engine::EngineKind::Interp, {}, 100, 1u << 20, 64};
}
inline Config jit_config() {
    return {"jit", engine::EngineKind::Jit, {}, 100, 1u << 20, 64};
}
inline Config jit_nopass_config() {
    ir::PassOptions off;
    off.fold = off.forward_regs = off.dead_stores = off.dce = false;
    return {"jit-nopasses", engine::EngineKind::Jit, off, 100, 1u << 20, 64};
}

struct Outcome {
    engine::Stop stop{engine::StopReason::Exit};
    riscv::Cpu cpu;
    std::vector<uint8_t> data;
    jit::JitStats jit;
    uint64_t jit_entries = 0;
    uint64_t runs = 0;
    std::string error;  // set when the harness itself failed
};

// Stops a run that takes longer than `limit` (a guest that never ends, or a
// compiled loop that misses its exit check) with request_exit(), so a bad case
// fails instead of hanging the suite. One thread for the whole process.
class Watchdog {
  public:
    static Watchdog& get() {
        static Watchdog w;
        return w;
    }
    void arm(engine::Engine* e) {
        std::lock_guard<std::mutex> l(m_);
        current_ = e;
        start_ = std::chrono::steady_clock::now();
        fired_ = false;
    }
    // Disarms; true if the run was stopped by the watchdog.
    bool disarm() {
        std::lock_guard<std::mutex> l(m_);
        current_ = nullptr;
        return fired_;
    }

  private:
    static constexpr auto kLimit = std::chrono::seconds(10);
    Watchdog() {
        std::thread([this] {
            for (;;) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                std::lock_guard<std::mutex> l(m_);
                if (current_ && std::chrono::steady_clock::now() - start_ > kLimit) {
                    current_->request_exit();
                    fired_ = true;
                }
            }
        }).detach();
    }
    std::mutex m_;
    engine::Engine* current_ = nullptr;
    std::chrono::steady_clock::time_point start_;
    bool fired_ = false;
};

// Runs `img` until a stop that is not a fence.i (at most `max_stops` stops). The
// engine is handed back through `keep` when the caller wants to look at it.
inline Outcome run_image(const Image& img, const Config& c, unsigned max_stops = 8,
                         std::unique_ptr<engine::Engine>* keep = nullptr,
                         std::unique_ptr<mem::AddressSpace>* keep_space = nullptr,
                         std::unique_ptr<riscv::Cpu>* keep_cpu = nullptr) {
    Outcome o;
    auto s = mem::AddressSpace::create();
    if (!s) {
        o.error = s.error().message;
        return o;
    }
    std::unique_ptr<mem::AddressSpace> space = std::move(*s);
    const uint8_t rw = mem::kProtRead | mem::kProtWrite;
    if (!space->map(kCode, img.code_bytes, rw).ok() || !space->map(kData, kDataBytes, rw).ok() ||
        !space->map(kReadOnly, 0x1000, mem::kProtRead).ok()) {
        o.error = "map failed";
        return o;
    }
    if (img.code_at < kCode || img.code_at + img.code.size() > kCode + img.code_bytes) {
        o.error = "code does not fit its mapping";
        return o;
    }
    std::memcpy(space->host(img.code_at), img.code.data(), img.code.size());
    std::memcpy(space->host(kData), img.data.data(), kDataBytes);
    if (!space->protect(kCode, img.code_bytes, img.code_prot).ok()) {
        o.error = "protect failed";
        return o;
    }
    auto cpu = std::make_unique<riscv::Cpu>(img.cpu);
    engine::EngineOptions eo;
    eo.kind = c.kind;
    eo.jit_threshold = c.threshold;
    eo.jit.cache_bytes = c.cache_bytes;
    eo.jit.max_block_insns = c.max_block_insns;
    eo.jit.passes = c.passes;
    eo.jit.alloc_regs = c.alloc_regs;
    eo.jit.loop_pins = c.loop_pins;
    auto e = engine::Engine::create(*cpu, *space, eo);
    if (!e) {
        o.error = e.error().message;
        return o;
    }
    std::unique_ptr<engine::Engine> eng = std::move(*e);
    Watchdog::get().arm(eng.get());
    for (unsigned k = 0; k < max_stops; ++k) {
        o.stop = eng->run();
        ++o.runs;
        if (o.stop.reason != engine::StopReason::FenceI) break;
    }
    if (Watchdog::get().disarm()) o.error = "timed out (the guest did not stop within 10 s)";
    o.cpu = *cpu;
    o.data.assign(space->host(kData), space->host(kData) + kDataBytes);
    if (eng->jit()) o.jit = eng->jit()->stats();
    o.jit_entries = eng->jit_entries();
    if (keep) {
        *keep = std::move(eng);
        if (keep_space) *keep_space = std::move(space);
        if (keep_cpu) *keep_cpu = std::move(cpu);
    }
    return o;
}

inline const char* reason_name(engine::StopReason r) {
    using R = engine::StopReason;
    switch (r) {
        case R::Ecall: return "Ecall";
        case R::Ebreak: return "Ebreak";
        case R::Illegal: return "Illegal";
        case R::FetchFault: return "FetchFault";
        case R::LoadFault: return "LoadFault";
        case R::StoreFault: return "StoreFault";
        case R::Misaligned: return "Misaligned";
        case R::FenceI: return "FenceI";
        case R::Exit: return "Exit";
        case R::EnterJit: return "EnterJit";
        case R::Hot: return "Hot";
    }
    return "?";
}

// What differs between a reference outcome and another one; empty when equal.
// Compared: the stop (reason, address, bits), pc, x1-x31, f0-f31, fflags, frm,
// the data pages, and instret unless the run ended in a memory fault (both
// engines count it per block; see JitFault.InstretAtAFault).
inline std::string compare(const Outcome& ref, const Outcome& o) {
    std::string d;
    if (!ref.error.empty() || !o.error.empty()) return "harness error: " + ref.error + o.error;
    if (ref.stop.reason != o.stop.reason || ref.stop.addr != o.stop.addr ||
        ref.stop.bits != o.stop.bits)
        d += fmt::format("  stop: {} addr={:#x} bits={:#x}  vs  {} addr={:#x} bits={:#x}\n",
                         reason_name(ref.stop.reason), ref.stop.addr, ref.stop.bits,
                         reason_name(o.stop.reason), o.stop.addr, o.stop.bits);
    if (ref.cpu.pc != o.cpu.pc) d += fmt::format("  pc: {:#x} vs {:#x}\n", ref.cpu.pc, o.cpu.pc);
    for (unsigned r = 1; r < 32; ++r)
        if (ref.cpu.x[r] != o.cpu.x[r])
            d += fmt::format("  x{} ({}): {:#x} vs {:#x}\n", r, riscv::kXRegName[r], ref.cpu.x[r],
                             o.cpu.x[r]);
    for (unsigned r = 0; r < 32; ++r)
        if (ref.cpu.f[r] != o.cpu.f[r])
            d += fmt::format("  f{} ({}): {:#x} vs {:#x}\n", r, riscv::kFRegName[r], ref.cpu.f[r],
                             o.cpu.f[r]);
    if (ref.cpu.fflags != o.cpu.fflags)
        d += fmt::format("  fflags: {:#x} vs {:#x}\n", ref.cpu.fflags, o.cpu.fflags);
    if (ref.cpu.frm != o.cpu.frm) d += fmt::format("  frm: {} vs {}\n", ref.cpu.frm, o.cpu.frm);
    // Exact in every engine, faults included (the instructions before the
    // faulting one retired, it and the rest of its block did not).
    if (ref.cpu.instret != o.cpu.instret)
        d += fmt::format("  instret: {} vs {}\n", ref.cpu.instret, o.cpu.instret);
    for (size_t k = 0; k < ref.data.size() && k < o.data.size(); ++k)
        if (ref.data[k] != o.data[k]) {
            d += fmt::format("  data[{:#x}]: {:#04x} vs {:#04x} (first difference)\n", kData + k,
                             ref.data[k], o.data[k]);
            break;
        }
    return d;
}

// An objdump-style listing of guest code.
inline std::string listing(const std::vector<uint8_t>& code, uint64_t at) {
    std::string s;
    for (size_t k = 0; k + 1 < code.size();) {
        uint32_t bits = code[k] | code[k + 1] << 8;
        unsigned len = riscv::insn_length(static_cast<uint16_t>(bits));
        if (len == 4 && k + 3 < code.size())
            bits |= uint32_t{code[k + 2]} << 16 | uint32_t{code[k + 3]} << 24;
        const riscv::Decoded d = riscv::decode(bits);
        s += fmt::format("    {:#x}: {:0{}x}  {}\n", at + k, bits, len * 2,
                         riscv::disassemble(d, at + k));
        k += len;
    }
    return s;
}

}  // namespace xvm::test
