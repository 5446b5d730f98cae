#include "core/log.h"

#include <cstring>
#include <string>

namespace xvm::log {

uint32_t g_enabled = 0;
FILE* g_out = stderr;

namespace {
struct Named {
    const char* name;
    uint32_t bit;
};
constexpr Named kNames[] = {
    {"in_asm", kInAsm},
    {"exec", kExec},
    {"strace", kStrace},
    {"unimp", kUnimp},
    {"guest_errors", kGuestErrors},
    {"page", kPage},
};
}  // namespace

bool parse_categories(const char* list, uint32_t& out, std::string* bad) {
    std::string s(list);
    size_t pos = 0;
    while (pos <= s.size()) {
        size_t comma = s.find(',', pos);
        if (comma == std::string::npos) comma = s.size();
        std::string item = s.substr(pos, comma - pos);
        pos = comma + 1;
        if (item.empty()) continue;
        bool found = false;
        if (item == "all") {
            for (const auto& n : kNames) out |= n.bit;
            found = true;
        }
        for (const auto& n : kNames) {
            if (item == n.name) {
                out |= n.bit;
                found = true;
            }
        }
        if (!found) {
            if (bad) *bad = item;
            return false;
        }
    }
    return true;
}

const char* category_help() {
    return "in_asm        decoded guest code\n"
           "exec          each executed block\n"
           "strace        system calls (same as -strace)\n"
           "unimp         unimplemented features the guest used\n"
           "guest_errors  faults and bad system-call arguments\n"
           "page          guest memory mappings\n"
           "all           everything above\n";
}

}  // namespace xvm::log
