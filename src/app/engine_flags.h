// The engine options both `xvm user` and `xvm run` take: --engine, --jit-threshold,
// --jit-cache-size, --dump-ir, --perf-map, and the XVM_ENGINE environment default.
#pragma once

#include <string>

#include "engine/options.h"

namespace xvm::app {

enum class FlagParse { NotMine, Ok, Error };

// Parses option `a` if it is an engine option, taking its value from `value()`
// (which exits with a message when there is none). Errors are printed, prefixed
// with `cmd` ("xvm user").
template <typename ValueFn>
FlagParse parse_engine_flag(const std::string& a, ValueFn&& value, engine::EngineOptions& o,
                            const char* cmd);

// Applies XVM_ENGINE when set; false (message printed) when it names no engine.
bool engine_from_env(engine::EngineOptions& o, const char* cmd);

// The options' help lines.
extern const char* const kEngineFlagsHelp;

// Implementation detail of parse_engine_flag: `v` is the option's value.
FlagParse apply_engine_flag(const std::string& a, const char* v, engine::EngineOptions& o,
                            const char* cmd);
bool is_engine_flag(const std::string& a, bool& takes_value);

template <typename ValueFn>
FlagParse parse_engine_flag(const std::string& a, ValueFn&& value, engine::EngineOptions& o,
                            const char* cmd) {
    bool takes_value = false;
    if (!is_engine_flag(a, takes_value)) return FlagParse::NotMine;
    const std::string v = takes_value ? std::string(value()) : std::string();
    return apply_engine_flag(a, v.c_str(), o, cmd);
}

}  // namespace xvm::app
