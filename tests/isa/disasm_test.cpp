// Disassembler tests: representative encodings, then agreement with GNU objdump on
// Debian's riscv64 libc and libstdc++ and on random encodings of every table row.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "isa/riscv/disasm.h"
#include "isa/riscv/insn.h"

#include "app/disasm_cmd.h"

namespace xvm::riscv {
namespace {

constexpr const char* kObjdump = "riscv64-linux-gnu-objdump";
constexpr const char* kAs = "riscv64-linux-gnu-as";
constexpr const char* kBinutilsPackage = "binutils-riscv64-linux-gnu";

struct Case {
    uint32_t word;
    uint64_t pc;
    const char* text;
};

// Expected texts are objdump 2.40's for the same bytes (assembled with -march=
// rv64gc_zba_zbb_zbs), without its " <symbol>" suffixes and " # address" comments.
TEST(Disasm, MatchesObjdumpOnRepresentativeEncodings) {
    const Case cases[] = {
        {0x00150513, 0x0, "add\ta0,a0,1"},
        {0xffb00513, 0x4, "li\ta0,-5"},
        {0x00058513, 0x8, "mv\ta0,a1"},
        {0x00000013, 0xc, "nop"},
        {0x0005851b, 0x10, "sext.w\ta0,a1"},
        {0x0075851b, 0x14, "addw\ta0,a1,7"},
        {0x0ff5f513, 0x18, "zext.b\ta0,a1"},
        {0xfff5c513, 0x1c, "not\ta0,a1"},
        {0x0015b513, 0x20, "seqz\ta0,a1"},
        {0x0035a513, 0x24, "slti\ta0,a1,3"},
        {0x00359513, 0x28, "sll\ta0,a1,0x3"},
        {0x43f5d513, 0x2c, "sra\ta0,a1,0x3f"},
        {0x41f5d51b, 0x30, "sraw\ta0,a1,0x1f"},
        {0x40b00533, 0x34, "neg\ta0,a1"},
        {0x40b0053b, 0x38, "negw\ta0,a1"},
        {0x0005a533, 0x3c, "sltz\ta0,a1"},
        {0x00b02533, 0x40, "sgtz\ta0,a1"},
        {0x00b03533, 0x44, "snez\ta0,a1"},
        {0xfffff537, 0x48, "lui\ta0,0xfffff"},
        {0x00010297, 0x4c, "auipc\tt0,0x10"},
        {0xff82b303, 0x50, "ld\tt1,-8(t0)"},
        {0x00113423, 0x54, "sd\tra,8(sp)"},
        {0x00022503, 0x58, "lw\ta0,0(tp)"},
        {0x00050463, 0x5c, "beqz\ta0,64"},
        {0xfeb51ee3, 0x60, "bne\ta0,a1,5c"},
        {0x00b05863, 0x64, "blez\ta1,74"},
        {0x0005d863, 0x68, "bgez\ta1,78"},
        {0x0005c863, 0x6c, "bltz\ta1,7c"},
        {0x00b04863, 0x70, "bgtz\ta1,80"},
        {0x00b560e3, 0x74, "bltu\ta0,a1,874"},
        {0x0000106f, 0x78, "j\t1078"},
        {0x800ff0ef, 0x7c, "jal\tfffffffffffff07c"},
        {0x004002ef, 0x80, "jal\tt0,84"},
        {0x00008067, 0x84, "ret"},
        {0x00078067, 0x88, "jr\ta5"},
        {0x000780e7, 0x8c, "jalr\ta5"},
        {0x000e0367, 0x90, "jalr\tt1,t3"},
        {0x010780e7, 0x94, "jalr\t16(a5)"},
        {0x0ff0000f, 0x98, "fence"},
        {0x0330000f, 0x9c, "fence\trw,rw"},
        {0x8330000f, 0xa0, "fence.tso"},
        {0x0000100f, 0xa4, "fence.i"},
        {0x00000073, 0xa8, "ecall"},
        {0x00100073, 0xac, "ebreak"},
        {0xc0002573, 0xb0, "rdcycle\ta0"},
        {0xc0102573, 0xb4, "rdtime\ta0"},
        {0xc0202573, 0xb8, "rdinstret\ta0"},
        {0x00102573, 0xbc, "frflags\ta0"},
        {0x00202573, 0xc0, "frrm\ta0"},
        {0x00302573, 0xc4, "frcsr\ta0"},
        {0x00151073, 0xc8, "fsflags\ta0"},
        {0x002515f3, 0xcc, "fsrm\ta1,a0"},
        {0x0021d073, 0xd0, "fsrmi\tzero,3"},
        {0x00186073, 0xd4, "csrs\tfflags,16"},
        {0x30002573, 0xd8, "csrr\ta0,mstatus"},
        {0x7c059073, 0xdc, "csrw\t0x7c0,a1"},
        {0x7c05b573, 0xe0, "csrrc\ta0,0x7c0,a1"},
        {0x1002d573, 0xe4, "csrrw\ta0,sstatus,5"},
        {0xc0001073, 0xe8, "unimp"},
        {0x1405a52f, 0xec, "lr.w.aq\ta0,(a1)"},
        {0x1ad5a62f, 0xf0, "sc.w.rl\ta2,a3,(a1)"},
        {0x0eb6352f, 0xf4, "amoswap.d.aqrl\ta0,a1,(a2)"},
        {0x00b6252f, 0xf8, "amoadd.w\ta0,a1,(a2)"},
        {0x02c5f553, 0xfc, "fadd.d\tfa0,fa1,fa2"},
        {0x02c59553, 0x100, "fadd.d\tfa0,fa1,fa2,rtz"},
        {0x68c58543, 0x104, "fmadd.s\tfa0,fa1,fa2,fa3,rne"},
        {0xc2051553, 0x108, "fcvt.w.d\ta0,fa0,rtz"},
        {0xd2050553, 0x10c, "fcvt.d.w\tfa0,a0"},
        {0x42058553, 0x110, "fcvt.d.s\tfa0,fa1"},
        {0x22b58553, 0x114, "fmv.d\tfa0,fa1"},
        {0x20b59553, 0x118, "fneg.s\tfa0,fa1"},
        {0x22b5a553, 0x11c, "fabs.d\tfa0,fa1"},
        {0x22c58553, 0x120, "fsgnj.d\tfa0,fa1,fa2"},
        {0xe2050553, 0x124, "fmv.x.d\ta0,fa0"},
        {0x01013507, 0x128, "fld\tfa0,16(sp)"},
        {0xfeb52e27, 0x12c, "fsw\tfa1,-4(a0)"},
        {0x02c58533, 0x130, "mul\ta0,a1,a2"},
        {0x02c5f53b, 0x134, "remuw\ta0,a1,a2"},
        {0x20c5a533, 0x138, "sh1add\ta0,a1,a2"},
        {0x0805853b, 0x13c, "zext.w\ta0,a1"},
        {0x08c5853b, 0x140, "add.uw\ta0,a1,a2"},
        {0x0825951b, 0x144, "slli.uw\ta0,a1,0x2"},
        {0x6075d513, 0x148, "ror\ta0,a1,0x7"},
        {0x6075d51b, 0x14c, "rorw\ta0,a1,0x7"},
        {0x6b85d513, 0x150, "rev8\ta0,a1"},
        {0x2875d513, 0x154, "orc.b\ta0,a1"},
        {0x0805c53b, 0x158, "zext.h\ta0,a1"},
        {0x60459513, 0x15c, "sext.b\ta0,a1"},
        {0x6025951b, 0x160, "cpopw\ta0,a1"},
        {0x0ac5c533, 0x164, "min\ta0,a1,a2"},
        {0x2bf59513, 0x168, "bset\ta0,a1,0x3f"},
        {0x4815d513, 0x16c, "bext\ta0,a1,0x1"},
        {0x0505, 0x170, "add\ta0,a0,1"},
        {0x0001, 0x172, "nop"},
        {0x0808, 0x174, "add\ta0,sp,16"},
        {0x713d, 0x176, "add\tsp,sp,-32"},
        {0x557d, 0x178, "li\ta0,-1"},
        {0x7505, 0x17a, "lui\ta0,0xfffe1"},
        {0x852e, 0x17c, "mv\ta0,a1"},
        {0x952e, 0x17e, "add\ta0,a0,a1"},
        {0x0532, 0x180, "sll\ta0,a0,0xc"},
        {0x810d, 0x182, "srl\ta0,a0,0x3"},
        {0x9979, 0x184, "and\ta0,a0,-2"},
        {0x8d0d, 0x186, "sub\ta0,a0,a1"},
        {0x2501, 0x188, "sext.w\ta0,a0"},
        {0x3575, 0x18a, "addw\ta0,a0,-3"},
        {0xa021, 0x18c, "j\t194"},
        {0xdd7d, 0x18e, "beqz\ta0,18c"},
        {0x8082, 0x190, "ret"},
        {0x8782, 0x192, "jr\ta5"},
        {0x9782, 0x194, "jalr\ta5"},
        {0x60a2, 0x196, "ld\tra,8(sp)"},
        {0xe406, 0x198, "sd\tra,8(sp)"},
        {0x2508, 0x19a, "fld\tfa0,8(a0)"},
        {0x41c8, 0x19c, "lw\ta0,4(a1)"},
        {0x9002, 0x19e, "ebreak"},
        {0x0005, 0x1a2, "c.nop\t1"},
        {0x4005, 0x1a4, "c.li\tzero,1"},
        {0x8006, 0x1a6, "c.mv\tzero,ra"},
        {0x0002, 0x1a8, "c.slli64\tzero"},
        {0x8001, 0x1aa, "c.srli64\ts0"},
    };
    for (const Case& c : cases) {
        const Decoded d = decode(c.word);
        EXPECT_NE(d.op, Op::illegal) << std::hex << c.word;
        EXPECT_EQ(disassemble(d, c.pc), c.text) << std::hex << c.word;
    }
}

TEST(Disasm, UnknownEncodingsPrintAsData) {
    EXPECT_EQ(disassemble(decode(0x0000), 0), "unimp");
    EXPECT_EQ(disassemble(decode(0x6001), 0), ".2byte\t0x6001");  // c.lui with imm 0
    EXPECT_EQ(disassemble(decode(0x0000007f), 0), ".4byte\t0x7f");
    EXPECT_EQ(disassemble(decode(0x02c5e553), 0), ".4byte\t0x2c5e553");  // reserved rm 6
}

TEST(Disasm, CsrNamesFollowThePrivilegedSpec) {
    EXPECT_EQ(csr_name(0x300), "mstatus");
    EXPECT_EQ(csr_name(0xb05), "mhpmcounter5");
    EXPECT_EQ(csr_name(0xb85), "mhpmcounter5h");
    EXPECT_EQ(csr_name(0xc9f), "hpmcounter31h");
    EXPECT_EQ(csr_name(0x3ef), "pmpaddr63");
    EXPECT_EQ(csr_name(0x3ef, PrivSpec::v1_11), "");
    EXPECT_EQ(csr_name(0x000), "");
    EXPECT_EQ(csr_name(0x000, PrivSpec::v1_11), "ustatus");
    EXPECT_EQ(csr_name(0x320, PrivSpec::v1_10), "");
    EXPECT_EQ(csr_name(0x7c0), "");
    EXPECT_EQ(disassemble(decode(0x00002573), 0, PrivSpec::v1_11), "csrr\ta0,ustatus");
    EXPECT_EQ(disassemble(decode(0x00002573), 0), "csrr\ta0,0x0");
}

TEST(Disasm, AddressCommentsFollowObjdump) {
    AddressComments c;
    EXPECT_EQ(c.next(decode(0x00010297), 0x4c), std::nullopt);     // auipc t0,0x10
    EXPECT_EQ(c.next(decode(0xff82b303), 0x50), 0x10044u);         // ld t1,-8(t0)
    EXPECT_EQ(c.next(decode(0xff82b303), 0x54), std::nullopt);     // t0's value was used up
    EXPECT_EQ(c.next(decode(0x00022503), 0x58), 0u);               // lw a0,0(tp)
    EXPECT_EQ(c.next(decode(0x7505), 0x60), std::nullopt);         // c.lui a0,0xfffe1
    EXPECT_EQ(c.next(decode(0x3575), 0x62), 0xfffffffffffe0ffdu);  // c.addiw a0,-3: 32-bit
    EXPECT_EQ(c.next(decode(0x00008067), 0x64), std::nullopt);     // ret
    AddressComments with_gp(0x1000);
    EXPECT_EQ(with_gp.next(decode(0x8101b503), 0), 0x810u);  // ld a0,-2032(gp)
}

// ---- Agreement with objdump ----

std::string shell_quote(const std::string& s) {
    return "'" + s + "'";
}

bool have_tool(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

struct ObjdumpLine {
    uint64_t addr;
    uint32_t word;
    unsigned len;
    std::string_view text;
};

// "   267a8:\td603be03          \tld\tt3,-672(t2) # 126500 <sym+0x10>"
bool parse_line(std::string_view s, ObjdumpLine& out) {
    size_t i = s.find_first_not_of(' ');
    const size_t colon = s.find(":\t");
    if (i == std::string_view::npos || colon == std::string_view::npos || colon <= i) return false;
    char* end = nullptr;
    const std::string addr(s.substr(i, colon - i));
    out.addr = std::strtoull(addr.c_str(), &end, 16);
    if (*end) return false;
    i = colon + 2;
    const size_t hex_end = s.find(' ', i);
    if (hex_end == std::string_view::npos) return false;
    const std::string hex(s.substr(i, hex_end - i));
    if (hex.size() != 4 && hex.size() != 8) return false;
    out.word = static_cast<uint32_t>(std::strtoul(hex.c_str(), &end, 16));
    if (*end) return false;
    out.len = static_cast<unsigned>(hex.size() / 2);
    const size_t tab = s.find('\t', hex_end);
    if (tab == std::string_view::npos) return false;
    out.text = s.substr(tab + 1);
    return true;
}

// Drops objdump's trailing " <symbol+offset>" and collapses whitespace.
std::string normalise(std::string_view s) {
    if (!s.empty() && s.back() == '>') {
        const size_t lt = s.rfind(" <");
        if (lt != std::string_view::npos) s = s.substr(0, lt);
    }
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

bool is_data_directive(std::string_view t) {
    for (std::string_view p : {".insn", ".2byte", ".4byte", ".8byte", ".word", ".short", ".byte"}) {
        if (t.starts_with(p)) return true;
    }
    return false;
}

// The mnemonic without lr/sc/amo ordering suffixes.
std::string mnemonic_of(std::string_view t) {
    t = t.substr(0, t.find(' '));
    for (std::string_view suffix : {".aqrl", ".aq", ".rl"}) {
        if (t.ends_with(suffix)) return std::string(t.substr(0, t.size() - suffix.size()));
    }
    return std::string(t);
}

// Disagreements a caller accepts, with the reason (nullptr: not accepted).
using Excuse = const char* (*)(const Decoded& d, const std::string& theirs);

std::set<std::string> table_mnemonics() {
    std::set<std::string> names;
    for (unsigned i = 0; i < kOpCount - 1; ++i) names.insert(kInsnInfo[i].mnemonic);
    return names;
}

struct Agreement {
    size_t total = 0, agree = 0, data = 0;
    std::map<std::string, size_t> unsupported;  // objdump decodes, xvm does not (by mnemonic)
    std::map<std::string, size_t> excused;
    std::set<std::string> xvm_mnemonics = table_mnemonics();  // and every one xvm printed
    std::vector<std::string> mismatches;
    size_t mismatch_count = 0;

    void mismatch(const ObjdumpLine& l, const std::string& theirs, const std::string& mine) {
        ++mismatch_count;
        if (mismatches.size() < 20) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%llx: %0*x  ", static_cast<unsigned long long>(l.addr),
                          l.len * 2, l.word);
            mismatches.push_back(buf + ("objdump \"" + theirs + "\"  xvm \"" + mine + "\""));
        }
    }

    void report(const std::string& what) {
        // An objdump mnemonic xvm also prints is a supported instruction xvm failed to
        // decode, not an unsupported extension.
        for (const auto& [mn, n] : unsupported) {
            if (xvm_mnemonics.count(mn)) {
                mismatch_count += n;
                mismatches.push_back("objdump decodes " + std::to_string(n) + " \"" + mn +
                                     "\" that xvm calls illegal");
            }
        }
        const size_t compared = total - data;
        std::printf(
            "%s: %zu instructions, %zu agree (%.4f%% of %zu decodable), %zu data/.insn "
            "(xvm illegal too), %zu mismatches\n",
            what.c_str(), total, agree, compared ? 100.0 * agree / compared : 100.0, compared, data,
            mismatch_count);
        for (const auto& [mn, n] : unsupported)
            std::printf("  not in xvm: %s x%zu\n", mn.c_str(), n);
        for (const auto& [why, n] : excused) std::printf("  excused: %s x%zu\n", why.c_str(), n);
        std::string first;
        for (const std::string& m : mismatches) first += "  " + m + "\n";
        EXPECT_EQ(mismatch_count, 0u) << what << ", first mismatches:\n" << first;
    }
};

void compare_with_objdump(const std::string& file, PrivSpec priv, std::optional<uint64_t> gp,
                          Excuse excuse, Agreement& a) {
    const std::string cmd = std::string(kObjdump) + " -d " + shell_quote(file) + " 2>&1";
    std::FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr) << cmd;
    AddressComments comments(gp);
    char* buf = nullptr;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&buf, &cap, p)) > 0) {
        ObjdumpLine l;
        if (!parse_line(std::string_view(buf, static_cast<size_t>(n - (buf[n - 1] == '\n'))), l))
            continue;
        ++a.total;
        const Decoded d = decode(l.word);
        std::string mine = disassemble(d, l.addr, priv);
        if (auto addr = comments.next(d, l.addr)) {
            char c[32];
            std::snprintf(c, sizeof c, " # %llx", static_cast<unsigned long long>(*addr));
            mine += c;
        }
        mine = normalise(mine);
        const std::string theirs = normalise(l.text);
        if (d.op != Op::illegal) a.xvm_mnemonics.insert(mnemonic_of(mine));
        const bool objdump_data = is_data_directive(theirs);
        if (objdump_data && d.op == Op::illegal) {
            ++a.data;
        } else if (d.len != l.len) {
            a.mismatch(l, theirs, "length " + std::to_string(d.len));
        } else if (mine == theirs) {
            ++a.agree;
        } else if (const char* why = excuse ? excuse(d, theirs) : nullptr) {
            ++a.excused[why];
        } else if (d.op == Op::illegal) {
            ++a.unsupported[mnemonic_of(theirs)];
        } else {
            a.mismatch(l, theirs, mine);
        }
    }
    free(buf);
    EXPECT_EQ(pclose(p), 0) << cmd;
}

void check_library(const char* path, const char* package) {
    ASSERT_TRUE(have_tool(kObjdump)) << kObjdump << " not found: install " << kBinutilsPackage;
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " not found: install " << package;
    Result<ElfFile> elf = ElfFile::open(path, EM_RISCV);
    ASSERT_TRUE(elf.ok()) << elf.error().message;
    std::optional<uint64_t> gp;
    for (const ElfSymbol& s : elf->symbols()) {
        if (s.name == "__global_pointer$") gp = s.value;
    }
    Agreement a;
    compare_with_objdump(path, elf_priv_spec(*elf), gp, nullptr, a);
    EXPECT_GT(a.total, 10000u);
    a.report(path);
}

TEST(DisasmCommand, ReadsThePrivilegedSpecAttribute) {
    Result<ElfFile> elf = ElfFile::open("/usr/riscv64-linux-gnu/lib/libc.so.6", EM_RISCV);
    ASSERT_TRUE(elf.ok()) << elf.error().message << ": install libc6-riscv64-cross";
    EXPECT_EQ(elf_priv_spec(*elf), PrivSpec::v1_11);
}

TEST(DisasmObjdumpAgreement, DebianLibc) {
    check_library("/usr/riscv64-linux-gnu/lib/libc.so.6", "libc6-riscv64-cross");
}

TEST(DisasmObjdumpAgreement, DebianLibstdcxx) {
    check_library("/usr/riscv64-linux-gnu/lib/libstdc++.so.6", "libstdc++6-riscv64-cross");
}

// Where xvm and objdump 2.40 legitimately part ways on random encodings.
const char* random_excuse(const Decoded& d, const std::string& theirs) {
    if (d.op == Op::illegal && theirs.ends_with(",unknown"))
        return "reserved rounding mode (F chapter): illegal in xvm, \"unknown\" in objdump";
    if (d.op == Op::illegal && d.len == 2 && theirs == "add sp,sp,0")
        return "c.addi16sp with nzimm = 0 is reserved (C chapter)";
    if (is_data_directive(theirs) && (d.op == Op::fence || d.op == Op::fence_i))
        return "fence fields the spec tells implementations to ignore";
    if (is_data_directive(theirs) &&
        (d.op == Op::fcvt_d_s || d.op == Op::fcvt_d_w || d.op == Op::fcvt_d_wu))
        return "exact fcvt.d.* with rm != 0, which objdump 2.40 rejects";
    return nullptr;
}

TEST(DisasmObjdumpAgreement, RandomEncodingsOfEveryRow) {
    ASSERT_TRUE(have_tool(kObjdump) && have_tool(kAs))
        << kObjdump << " or " << kAs << " not found: install " << kBinutilsPackage;
    std::vector<uint32_t> words;
    std::mt19937 rng(20240601);
    for (unsigned i = 0; i < kOpCount - 1; ++i) {
        const InsnInfo& in = kInsnInfo[i];
        for (int k = 0; k < 150; ++k) {
            uint32_t w = in.match | (static_cast<uint32_t>(rng()) & ~in.mask);
            switch (k % 8) {  // zero registers and special immediates drive the aliases
                case 0: w &= ~(31u << 15); break;
                case 1: w &= ~(31u << 20) | in.mask; break;
                case 2: w &= ~(31u << 7); break;
                case 3:
                    if (!(in.mask >> 20)) {
                        constexpr uint32_t kImm[] = {0, 1, 2, 3, 0xc00, 0xc01, 0xc02, 0xfff, 255};
                        w = (w & 0xfffffu) | kImm[rng() % std::size(kImm)] << 20;
                    }
                    break;
                case 4:
                    if (!(in.mask & 0x7000u)) w |= 7u << 12;
                    break;
                case 5:
                    w = (w & ~(31u << 20)) | ((w >> 15 & 31) << 20) | (in.match & in.mask);
                    break;
                case 6:  // the F CSRs and the counters, with rd = zero
                    if (in.format == Format::Csr) {
                        const uint32_t csr = k % 16 == 6 ? 0xc00u + rng() % 3 : 1u + rng() % 3;
                        w = (w & 0x000ff07fu) | csr << 20;
                    }
                    break;
                default: break;
            }
            words.push_back(w);
        }
    }
    // Encodings random fields rarely hit: fence sets, fence.tso, pause.
    for (uint32_t w : {0x0ff0000fu, 0x8330000fu, 0x0100000fu, 0x0000000fu, 0x0f00000fu, 0x00f0000fu,
                       0x0330000fu, 0x0000100fu, 0xc0001073u, 0xc0002073u}) {
        words.push_back(w);
    }
    for (uint32_t c = 0; c < 0x10000; ++c) {
        if ((c & 3) != 3) words.push_back(c);
    }
    for (int k = 0; k < 10000; ++k) {
        const uint32_t w = static_cast<uint32_t>(rng()) | 3;
        if ((w & 0x1f) != 0x1f) words.push_back(w);
    }

    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("xvm-disasm-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    struct RemoveDir {
        std::filesystem::path path;
        ~RemoveDir() { std::filesystem::remove_all(path); }
    } cleanup{dir};
    const std::string src = (dir / "words.s").string(), obj = (dir / "words.o").string();
    {
        std::FILE* f = std::fopen(src.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs(".text\n", f);
        for (uint32_t w : words) std::fprintf(f, ".insn 0x%x\n", w);
        std::fclose(f);
    }
    const std::string as_cmd = std::string(kAs) + " -march=rv64gc_zba_zbb_zbs -o " +
                               shell_quote(obj) + " " + shell_quote(src);
    ASSERT_EQ(std::system(as_cmd.c_str()), 0) << as_cmd;
    Result<ElfFile> elf = ElfFile::open(obj, EM_RISCV);
    ASSERT_TRUE(elf.ok()) << elf.error().message;
    EXPECT_EQ(elf_priv_spec(*elf), PrivSpec::v1_12);  // no attribute: the newest
    Agreement a;
    compare_with_objdump(obj, PrivSpec::v1_12, std::nullopt, random_excuse, a);
    EXPECT_EQ(a.total, words.size());
    a.report("random encodings");
}

// ---- xvm disasm ----

std::string capture(const std::string& path, DisasmOptions opts, int& rc, std::string& err) {
    char *out_buf = nullptr, *err_buf = nullptr;
    size_t out_len = 0, err_len = 0;
    opts.out = open_memstream(&out_buf, &out_len);
    opts.err = open_memstream(&err_buf, &err_len);
    rc = run_disasm(path, opts);
    std::fclose(opts.out);
    std::fclose(opts.err);
    std::string out(out_buf, out_len);
    err.assign(err_buf, err_len);
    free(out_buf);
    free(err_buf);
    return out;
}

TEST(DisasmCommand, ErrorsNameTheFileAndTheReason) {
    int rc = 0;
    std::string err;
    capture("/nonexistent/file", {}, rc, err);
    EXPECT_EQ(rc, 1);
    EXPECT_EQ(err, "xvm disasm: /nonexistent/file: No such file or directory\n");

    const std::string text =
        (std::filesystem::temp_directory_path() / ("xvm-disasm-text-" + std::to_string(getpid())))
            .string();
    std::FILE* f = std::fopen(text.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("hello, world\n", f);
    std::fclose(f);
    capture(text, {}, rc, err);
    std::filesystem::remove(text);
    EXPECT_EQ(rc, 1);
    EXPECT_EQ(err, "xvm disasm: " + text + ": not an ELF file\n");

    capture("/bin/true", {}, rc, err);  // a host (x86-64) ELF
    EXPECT_EQ(rc, 1);
    EXPECT_TRUE(err.starts_with("xvm disasm: /bin/true: wrong architecture")) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);

    DisasmOptions opts;
    opts.section = ".nope";
    capture("/usr/riscv64-linux-gnu/lib/libc.so.6", opts, rc, err);
    EXPECT_EQ(rc, 1);
    EXPECT_EQ(err, "xvm disasm: /usr/riscv64-linux-gnu/lib/libc.so.6: no section named .nope\n");
}

// Lines of a listing with objdump's " <symbol>" suffixes dropped (objdump adds
// version names and picks symbols across sections; xvm does neither).
std::vector<std::string> without_symbols(const std::string& listing) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < listing.size()) {
        size_t nl = listing.find('\n', pos);
        if (nl == std::string::npos) nl = listing.size();
        std::string line = listing.substr(pos, nl - pos);
        pos = nl + 1;
        const bool label = line.ends_with(">:");
        if (line.ends_with(">") || label)
            line = line.substr(0, line.rfind(" <")) + (label ? ":" : "");
        lines.push_back(line);
    }
    return lines;
}

// The listing matches objdump line for line, over the PLT (synthetic name@plt
// labels), a run of zeros objdump abbreviates to "...", and the start of .text.
TEST(DisasmCommand, ListingMatchesObjdump) {
    const char* lib = "/usr/riscv64-linux-gnu/lib/libc.so.6";
    ASSERT_TRUE(have_tool(kObjdump)) << kObjdump << " not found: install " << kBinutilsPackage;
    ASSERT_TRUE(std::filesystem::exists(lib)) << lib << " not found: install libc6-riscv64-cross";
    for (const bool raw : {true, false}) {
        DisasmOptions opts;
        opts.start = 0x26700;
        opts.stop = 0x27100;
        opts.raw = raw;
        int rc = 0;
        std::string err;
        const std::string mine = capture(lib, opts, rc, err);
        ASSERT_EQ(rc, 0) << err;

        const std::string cmd = std::string(kObjdump) + (raw ? "" : " --no-show-raw-insn") +
                                " -d --start-address=0x26700 --stop-address=0x27100 " + lib;
        std::FILE* p = popen(cmd.c_str(), "r");
        ASSERT_NE(p, nullptr);
        std::string theirs;
        char buf[4096];
        while (std::fgets(buf, sizeof buf, p)) theirs += buf;
        ASSERT_EQ(pclose(p), 0) << cmd;

        const std::vector<std::string> a = without_symbols(mine), b = without_symbols(theirs);
        ASSERT_GT(b.size(), 700u);
        for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
            ASSERT_EQ(a[i], b[i]) << "line " << i << (raw ? "" : " (no raw bits)");
        ASSERT_EQ(a.size(), b.size());
    }
}

}  // namespace
}  // namespace xvm::riscv
