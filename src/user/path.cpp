#include "user/path.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <filesystem>

namespace xvm::user {

std::string sysroot_path(std::string_view sysroot, const std::string& path) {
    if (sysroot.empty() || path.size() < 2 || path[0] != '/') return path;
    std::string full(sysroot);
    if (full.back() == '/') full.pop_back();
    full += path;
    if (faccessat(AT_FDCWD, full.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) == 0) return full;
    return path;
}

bool is_proc_self(std::string_view path, std::string_view entry) {
    constexpr std::string_view kProc = "/proc/";
    if (!path.starts_with(kProc)) return false;
    path.remove_prefix(kProc.size());
    const size_t slash = path.find('/');
    if (slash == std::string_view::npos || path.substr(slash + 1) != entry) return false;
    const std::string_view who = path.substr(0, slash);
    if (who == "self" || who == "thread-self") return true;
    long pid = 0;
    auto [end, ec] = std::from_chars(who.data(), who.data() + who.size(), pid);
    return ec == std::errc() && end == who.data() + who.size() && pid == getpid();
}

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    if (ec) return path;
    return abs.lexically_normal().string();
}

}  // namespace xvm::user
