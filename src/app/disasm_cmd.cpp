// The listing mirrors objdump -d: same address and bytes columns, symbol labels and
// " <symbol+offset>" suffixes, so the two can be diffed. Symbol choice is simpler
// than objdump's (no synthetic @plt names, no version suffixes).
#include "app/disasm_cmd.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string_view>
#include <vector>

#include "core/elf.h"
#include "isa/riscv/disasm.h"

namespace xvm {
namespace {

using riscv::PrivSpec;

// RISC-V ELF psABI, "Attributes": SHT_RISCV_ATTRIBUTES, Tag_RISCV_priv_spec (8) and
// Tag_RISCV_priv_spec_minor (10). Integer tags are even, string tags odd.
constexpr uint32_t kShtRiscvAttributes = 0x70000003;

bool read_uleb(std::span<const uint8_t>& p, uint64_t& v) {
    v = 0;
    for (unsigned shift = 0; !p.empty() && shift < 64; shift += 7) {
        const uint8_t b = p[0];
        p = p.subspan(1);
        v |= uint64_t{b & 0x7fu} << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

uint32_t read_u32(std::span<const uint8_t> p) {
    return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

PrivSpec elf_priv_spec(const ElfFile& elf) {
    uint64_t major = 0, minor = 0;
    for (const ElfSection& s : elf.sections()) {
        if (s.type != kShtRiscvAttributes) continue;
        std::span<const uint8_t> p = elf.slice(s.offset, s.size);
        if (p.size() < 5 || p[0] != 'A') break;
        p = p.subspan(1);
        const uint32_t len = read_u32(p);  // vendor subsection: length, "riscv", then tags
        if (len < 4 || len > p.size()) break;
        p = p.subspan(0, len).subspan(4);
        const auto nul = std::find(p.begin(), p.end(), 0);
        if (nul == p.end() || std::string_view(reinterpret_cast<const char*>(p.data()),
                                                nul - p.begin()) != "riscv")
            break;
        p = p.subspan(nul - p.begin() + 1);
        if (p.size() < 5 || p[0] != 1) break;  // Tag_File
        p = p.subspan(5);
        uint64_t tag = 0, value = 0;
        while (!p.empty() && read_uleb(p, tag)) {
            if (tag % 2) {  // string value
                const auto end = std::find(p.begin(), p.end(), 0);
                p = end == p.end() ? std::span<const uint8_t>{} : p.subspan(end - p.begin() + 1);
                continue;
            }
            if (!read_uleb(p, value)) break;
            if (tag == 8) major = value;
            if (tag == 10) minor = value;
        }
    }
    if (major == 1 && minor <= 10) return PrivSpec::v1_10;  // 1.9.1 files get 1.10 names
    if (major == 1 && minor == 11) return PrivSpec::v1_11;
    return PrivSpec::v1_12;
}

namespace {

// Symbols for labels and " <symbol+offset>" suffixes.
class Symbols {
public:
    explicit Symbols(const ElfFile& elf) : elf_(elf) {
        for (const ElfSymbol& s : elf.symbols()) {
            if (s.name.empty() || s.shndx == SHN_UNDEF || s.shndx >= SHN_LORESERVE) continue;
            if (s.type != STT_FUNC && s.type != STT_OBJECT && s.type != STT_NOTYPE) continue;
            if (s.name.starts_with("$") || s.name.starts_with(".L")) continue;  // mapping, local
            syms_.push_back(&s);
        }
        // Several names for one address: objdump shows one; prefer functions.
        std::stable_sort(syms_.begin(), syms_.end(), [](const ElfSymbol* a, const ElfSymbol* b) {
            if (a->value != b->value) return a->value < b->value;
            return (a->type == STT_FUNC) > (b->type == STT_FUNC);
        });
    }

    // The symbol that starts at `addr` in section `shndx`, or nullptr.
    const ElfSymbol* at(uint64_t addr, size_t shndx) const {
        auto it = std::lower_bound(syms_.begin(), syms_.end(), addr,
                                   [](const ElfSymbol* s, uint64_t a) { return s->value < a; });
        for (; it != syms_.end() && (*it)->value == addr; ++it) {
            if ((*it)->shndx == shndx) return *it;
        }
        return nullptr;
    }

    // "<name+0xoff>" for an address, or empty when nothing contains it.
    std::string describe(uint64_t addr) const {
        const ElfSection* sec = section_of(addr);
        auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                                   [](uint64_t a, const ElfSymbol* s) { return a < s->value; });
        while (it != syms_.begin()) {
            const ElfSymbol* s = *--it;
            if (sec && &elf_.sections()[s->shndx] != sec) continue;
            return suffix(s->name, addr - s->value);
        }
        return sec ? suffix(sec->name, addr - sec->addr) : std::string{};
    }

    std::optional<uint64_t> global_pointer() const {
        for (const ElfSymbol* s : syms_) {
            if (s->name == "__global_pointer$") return s->value;
        }
        return std::nullopt;
    }

private:
    static std::string suffix(const std::string& name, uint64_t off) {
        return off ? fmt::format(" <{}+0x{:x}>", name, off) : fmt::format(" <{}>", name);
    }

    const ElfSection* section_of(uint64_t addr) const {
        for (const ElfSection& s : elf_.sections()) {
            if ((s.flags & SHF_ALLOC) && addr >= s.addr && addr - s.addr < s.size) return &s;
        }
        return nullptr;
    }

    const ElfFile& elf_;
    std::vector<const ElfSymbol*> syms_;
};

// objdump drops the leading zeros the section's end address has, less one, in
// steps of four (binutils objdump.c, disassemble_section: skip_addr_chars).
int address_width(uint64_t end) {
    const int digits = 16 - __builtin_clzll(end | 1) / 4;
    return (digits + 4) / 4 * 4;
}

struct Lister {
    const ElfFile& elf;
    const DisasmOptions& opts;
    const Symbols syms;
    const PrivSpec priv;
    riscv::AddressComments comments;

    Lister(const ElfFile& e, const DisasmOptions& o)
        : elf(e), opts(o), syms(e), priv(elf_priv_spec(e)), comments(syms.global_pointer()) {}

    void section(size_t index) {
        const ElfSection& sec = elf.sections()[index];
        const std::span<const uint8_t> bytes = elf.slice(sec.offset, sec.size);
        const uint64_t lo = std::max(sec.addr, opts.start.value_or(0));
        const uint64_t hi = std::min(sec.addr + bytes.size(), opts.stop.value_or(~0ull));
        if (lo >= hi) return;
        std::FILE* out = opts.out;
        fmt::print(out, "\nDisassembly of section {}:\n", sec.name);
        const int width = address_width(sec.addr + bytes.size());
        bool labelled = false;
        for (uint64_t pc = lo; pc < hi;) {
            const size_t off = pc - sec.addr;
            if (const ElfSymbol* s = syms.at(pc, index)) {
                fmt::print(out, "\n{:016x} <{}>:\n", pc, s->name);
                labelled = true;
            } else if (!labelled) {
                fmt::print(out, "\n{:016x}{}:\n", pc, syms.describe(pc));
                labelled = true;
            }
            const uint16_t low = static_cast<uint16_t>(
                bytes[off] | (off + 1 < bytes.size() ? bytes[off + 1] << 8 : 0));
            const unsigned len = riscv::insn_length(low);
            if (off + len > bytes.size()) {  // a trailing fragment
                fmt::print(out, "{:>{}x}:\t{:02x}\t.byte\t0x{:x}\n", pc, width, bytes[off],
                           bytes[off]);
                ++pc;
                continue;
            }
            uint32_t word = low;
            if (len == 4) word |= uint32_t{bytes[off + 2]} << 16 | uint32_t{bytes[off + 3]} << 24;
            line(pc, width, word, len);
            pc += len;
        }
    }

    void line(uint64_t pc, int width, uint32_t word, unsigned len) {
        const riscv::Decoded d = riscv::decode(word);
        std::string text = riscv::disassemble(d, pc, priv);
        const riscv::InsnInfo& in = riscv::info(d.op);
        const bool has_target =
            d.op != riscv::Op::illegal && std::string_view(in.operands).ends_with("target");
        if (has_target) text += syms.describe(pc + static_cast<uint64_t>(d.imm));
        if (auto addr = comments.next(d, pc)) {
            text += fmt::format(" # {:x}{}", *addr, syms.describe(*addr));
        }
        if (opts.raw) {
            const std::string bits = len == 4 ? fmt::format("{:08x}", word)
                                              : fmt::format("{:04x}", word & 0xffff);
            fmt::print(opts.out, "{:>{}x}:\t{:<{}}\t{}\n", pc, width, bits, len == 4 ? 18 : 20,
                       text);
        } else {
            fmt::print(opts.out, "{:>{}x}:\t{}\n", pc, width, text);
        }
    }
};

}  // namespace

int run_disasm(const std::string& path, const DisasmOptions& opts) {
    Result<ElfFile> elf = ElfFile::open(path, EM_RISCV);
    if (!elf) {
        fmt::print(opts.err, "xvm disasm: {}\n", elf.error().message);
        return 1;
    }
    const std::vector<ElfSection>& secs = elf->sections();
    std::vector<size_t> chosen;
    for (size_t i = 0; i < secs.size(); ++i) {
        const bool code = secs[i].type == SHT_PROGBITS && (secs[i].flags & SHF_EXECINSTR);
        if (opts.section.empty() ? code : secs[i].name == opts.section) chosen.push_back(i);
    }
    if (chosen.empty()) {
        fmt::print(opts.err, "xvm disasm: {}: {}\n", path,
                   opts.section.empty() ? "no executable sections"
                                        : "no section named " + opts.section);
        return 1;
    }
    fmt::print(opts.out, "\n{}:     file format elf64-littleriscv\n\n", path);
    Lister lister(*elf, opts);
    for (size_t i : chosen) lister.section(i);
    return 0;
}

}  // namespace xvm
