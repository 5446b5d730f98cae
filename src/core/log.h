// Logging that costs one predictable branch when disabled: the format string and
// arguments are only evaluated when the category is on.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <cstdio>

namespace xvm::log {

enum Category : uint32_t {
    kInAsm = 1u << 0,   // decoded guest blocks
    kExec = 1u << 1,    // each executed block
    kStrace = 1u << 2,  // system calls
    kUnimp = 1u << 3,   // unimplemented features the guest touched
    kGuestErrors = 1u << 4,
    kPage = 1u << 5,  // guest mappings
};

extern uint32_t g_enabled;
extern FILE* g_out;

inline bool enabled(Category c) {
    return (g_enabled & c) != 0;
}

// Parses a comma-separated list as qemu's -d does ("in_asm,strace"); returns false
// and names the bad item in `bad` when one is unknown.
bool parse_categories(const char* list, uint32_t& out, std::string* bad);
const char* category_help();

}  // namespace xvm::log

#define XVM_LOG(cat, ...)                                      \
    do {                                                       \
        if (::xvm::log::enabled(::xvm::log::cat)) [[unlikely]] \
            ::fmt::print(::xvm::log::g_out, __VA_ARGS__);      \
    } while (0)
