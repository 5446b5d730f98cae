// Semantic helpers the JIT calls for operations it does not emit inline: they
// wrap the shared semantics (isa/riscv) with one uniform signature.
#pragma once

#include <cstdint>

#include "isa/riscv/cpu.h"

namespace xvm::jit {

// `rm` is the instruction's rounding-mode field (7: use cpu->frm, which the engine
// guarantees valid while compiled code runs).
using HelperFn = uint64_t (*)(riscv::Cpu* cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);

// One row per helper: XVM_HELPER(name). The IR's Call ops carry the index.
enum class Helper : uint16_t {
#define XVM_HELPER(name, rm) name,
#include "jit/helpers.inc"
    Count,
};

HelperFn helper_fn(Helper h);
const char* helper_name(Helper h);

}  // namespace xvm::jit
