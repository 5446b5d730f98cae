// What runs guest code, for both modes: --engine interp | jit | tiered, the
// tiering threshold and the JIT's own options.
#pragma once

#include <cstdint>

#include "jit/jit.h"

namespace xvm::engine {

enum class EngineKind { Interp, Jit, Tiered };

struct EngineOptions {
    EngineKind kind = EngineKind::Tiered;
    // Tiered: a block is compiled after this many backward branches into it or
    // indirect entries.
    uint32_t jit_threshold = 100;
    jit::JitOptions jit;
};

}  // namespace xvm::engine
