// Shared by the board tests: a scratch directory, files in it, and running host
// tools (dtc, qemu-system-riscv64) with their output captured.
#pragma once

#include <cstring>

#include <libfdt.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace xvm::machine::test {

class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xvm-machine-XXXXXX").string();
        if (mkdtemp(tmpl.data())) path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    bool ok() const { return !path_.empty(); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
        const std::string p = file(name);
        std::ofstream f(p, std::ios::binary);
        f.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
        return p;
    }

  private:
    std::string path_;
};

inline std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// Runs `cmd` through the shell; its stdout, and its exit status in `status`.
inline std::string run(const std::string& cmd, int& status) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) {
        status = -1;
        return out;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int st = pclose(p);
    status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

// The absolute path of a host program, or empty.
inline std::string find_program(const std::string& name) {
    int status = 0;
    std::string out = run("command -v " + name + " 2>/dev/null", status);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return status == 0 ? out : std::string();
}

inline uint32_t prop_u32(const void* fdt, int node, const char* name) {
    int len = 0;
    auto* p = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, name, &len));
    return p && len == 4 ? fdt32_to_cpu(*p) : 0xdeadbeef;
}

inline uint64_t prop_u64(const void* fdt, int node, const char* name) {
    int len = 0;
    const void* p = fdt_getprop(fdt, node, name, &len);
    if (!p || len != 8) return 0xdeadbeefdeadbeefull;
    // Properties are only 4-byte aligned in a blob: copy, don't dereference.
    fdt64_t raw;
    std::memcpy(&raw, p, sizeof raw);
    return fdt64_to_cpu(raw);
}

inline std::vector<uint32_t> prop_cells(const void* fdt, int node, const char* name) {
    int len = 0;
    auto* p = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, name, &len));
    std::vector<uint32_t> v;
    for (int i = 0; p && i < len / 4; ++i) v.push_back(fdt32_to_cpu(p[i]));
    return v;
}

// A string or string list property with its NULs, or "<missing>".
inline std::string prop_str(const void* fdt, int node, const char* name) {
    int len = 0;
    auto* p = static_cast<const char*>(fdt_getprop(fdt, node, name, &len));
    if (!p || len <= 0) return "<missing>";
    return std::string(p, static_cast<size_t>(len - 1));
}

}  // namespace xvm::machine::test
