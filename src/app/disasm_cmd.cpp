// The listing mirrors objdump -d (columns, labels, PLT names, "..." for zero runs,
// " <symbol+offset>" suffixes) so the two can be diffed. Symbol choice is simpler
// than objdump's: no version suffixes, and only symbols of the address's section.
#include "app/disasm_cmd.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
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
        if (nul == p.end() ||
            std::string_view(reinterpret_cast<const char*>(p.data()), nul - p.begin()) != "riscv")
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

// Symbols for labels and " <symbol+offset>" suffixes: the file's symbols plus
// objdump's synthetic "name@plt" ones for the PLT entries.
class Symbols {
  public:
    explicit Symbols(const ElfFile& elf) : elf_(elf) {
        for (const ElfSymbol& s : elf.symbols()) {
            if (s.name.empty() || s.shndx == SHN_UNDEF || s.shndx >= elf.sections().size())
                continue;
            const bool func = s.type == STT_FUNC || s.type == STT_GNU_IFUNC;
            if (!func && s.type != STT_OBJECT && s.type != STT_NOTYPE) continue;
            if (s.name.starts_with("$") || s.name.starts_with(".L")) continue;  // mapping, local
            syms_.push_back({s.value, s.name, s.shndx, func});
        }
        add_plt_entries();
        // Several names for one address: objdump shows one; prefer functions.
        std::stable_sort(syms_.begin(), syms_.end(), [](const Sym& a, const Sym& b) {
            return a.value != b.value ? a.value < b.value : a.func > b.func;
        });
    }

    // The name of the symbol that starts at `addr` in section `shndx`, or nullptr.
    const std::string* at(uint64_t addr, size_t shndx) const {
        for (auto it = first_at_or_after(addr); it != syms_.end() && it->value == addr; ++it) {
            if (it->shndx == shndx) return &it->name;
        }
        return nullptr;
    }

    // " <name+0xoff>" for an address, or empty when no section holds it. Like objdump,
    // falls back to the section's first symbol ("<sym-0x20>"), then the section name.
    std::string describe(uint64_t addr) const {
        const size_t sec = section_of(addr);
        if (sec == 0) return {};
        const Sym* before = nullptr;
        const Sym* after = nullptr;
        for (const Sym& s : syms_) {  // within one section symbols are few enough
            if (s.shndx != sec) continue;
            if (s.value <= addr) before = &s;
            if (s.value > addr && !after) after = &s;
        }
        if (before) return suffix(before->name, static_cast<int64_t>(addr - before->value));
        if (after) return suffix(after->name, -static_cast<int64_t>(after->value - addr));
        const ElfSection& s = elf_.sections()[sec];
        return suffix(s.name, static_cast<int64_t>(addr - s.addr));
    }

    // Start of the first symbol after `addr` in section `shndx`, or `limit`.
    uint64_t next_start(uint64_t addr, size_t shndx, uint64_t limit) const {
        for (auto it = first_at_or_after(addr + 1); it != syms_.end() && it->value < limit; ++it) {
            if (it->shndx == shndx) return it->value;
        }
        return limit;
    }

    std::optional<uint64_t> global_pointer() const {
        for (const Sym& s : syms_) {
            if (s.name == "__global_pointer$") return s.value;
        }
        return std::nullopt;
    }

  private:
    struct Sym {
        uint64_t value;
        std::string name;
        size_t shndx;
        bool func;
    };

    std::vector<Sym>::const_iterator first_at_or_after(uint64_t addr) const {
        return std::lower_bound(syms_.begin(), syms_.end(), addr,
                                [](const Sym& s, uint64_t a) { return s.value < a; });
    }

    // RISC-V psABI "Procedure Linkage Table": a 32-byte header, then one 16-byte entry
    // per .rela.plt relocation, in order (bfd elfnn-riscv.c, riscv_elf_plt_sym_val).
    void add_plt_entries() {
        const std::vector<ElfSection>& secs = elf_.sections();
        auto find = [&](std::string_view name) {
            for (size_t i = 0; i < secs.size(); ++i) {
                if (secs[i].name == name) return i;
            }
            return size_t{0};
        };
        const size_t plt = find(".plt"), rela = find(".rela.plt"), dynsym = find(".dynsym"),
                     dynstr = find(".dynstr");
        if (!plt || !rela || !dynsym || !dynstr) return;
        const std::span<const uint8_t> rel = elf_.slice(secs[rela].offset, secs[rela].size);
        const std::span<const uint8_t> sym = elf_.slice(secs[dynsym].offset, secs[dynsym].size);
        const std::span<const uint8_t> str = elf_.slice(secs[dynstr].offset, secs[dynstr].size);
        for (size_t i = 0; (i + 1) * sizeof(Elf64_Rela) <= rel.size(); ++i) {
            Elf64_Rela r;
            std::memcpy(&r, rel.data() + i * sizeof r, sizeof r);
            const uint64_t index = ELF64_R_SYM(r.r_info);
            if ((index + 1) * sizeof(Elf64_Sym) > sym.size()) continue;
            Elf64_Sym s;
            std::memcpy(&s, sym.data() + index * sizeof s, sizeof s);
            if (s.st_name >= str.size()) continue;
            const char* name = reinterpret_cast<const char*>(str.data()) + s.st_name;
            const std::string_view n(name, strnlen(name, str.size() - s.st_name));
            syms_.push_back({secs[plt].addr + 32 + 16 * i, std::string(n) + "@plt", plt, true});
        }
    }

    static std::string suffix(const std::string& name, int64_t off) {
        if (off == 0) return fmt::format(" <{}>", name);
        return off > 0 ? fmt::format(" <{}+0x{:x}>", name, off)
                       : fmt::format(" <{}-0x{:x}>", name, -off);
    }

    // Index of the allocated section holding `addr`, or 0.
    size_t section_of(uint64_t addr) const {
        const std::vector<ElfSection>& secs = elf_.sections();
        for (size_t i = 1; i < secs.size(); ++i) {
            if ((secs[i].flags & SHF_ALLOC) && addr >= secs[i].addr &&
                addr - secs[i].addr < secs[i].size)
                return i;
        }
        return 0;
    }

    const ElfFile& elf_;
    std::vector<Sym> syms_;
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
            if (const std::string* name = syms.at(pc, index)) {
                fmt::print(out, "\n{:016x} <{}>:\n", pc, *name);
                labelled = true;
            } else if (!labelled) {
                fmt::print(out, "\n{:016x}{}:\n", pc, syms.describe(pc));
                labelled = true;
            }
            if (const uint64_t zeros = skipped_zeros(bytes, pc - sec.addr,
                                                     syms.next_start(pc, index, hi) - sec.addr)) {
                fmt::print(out, "\t...\n");
                pc += zeros;
                continue;
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

    // objdump prints "..." for a run of zero bytes in [off, end) of at least 8 (in
    // whole words unless the run reaches `end`) or of 1-2 bytes that reach `end`
    // (binutils objdump.c, disassemble_bytes: skip_zeroes, skip_zeroes_at_end).
    static uint64_t skipped_zeros(std::span<const uint8_t> bytes, uint64_t off, uint64_t end) {
        uint64_t z = off;
        while (z < end && bytes[z] == 0) ++z;
        const uint64_t run = z - off;
        if (run >= 8) return z == end ? run : run & ~uint64_t{3};
        return z == end && run < 3 ? run : 0;
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
            const std::string bits =
                len == 4 ? fmt::format("{:08x}", word) : fmt::format("{:04x}", word & 0xffff);
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
        fmt::print(
            opts.err, "xvm disasm: {}: {}\n", path,
            opts.section.empty() ? "no executable sections" : "no section named " + opts.section);
        return 1;
    }
    fmt::print(opts.out, "\n{}:     file format elf64-littleriscv\n\n", path);
    Lister lister(*elf, opts);
    for (size_t i : chosen) lister.section(i);
    return 0;
}

}  // namespace xvm
