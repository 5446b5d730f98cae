// Disassembler. Mnemonics and operand shapes come from insns.inc; the places where
// objdump prints something else are rows of kAliases below, tried in order for the
// instruction's Op, first match wins (objdump itself scans its opcode table in
// order and prints the first row that matches, aliases included).
//
// objdump 2.40 quirks reproduced here, all found by comparing with its output:
//  - I-type arithmetic prints under the R-type name: "add a0,a0,1" for addi,
//    "addw", "and", "or", "xor", "sll", "srl", "sra", "sllw", "srlw", "sraw",
//    "ror", "rorw", "bclr", "bext", "binv", "bset"; slti/sltiu keep their names.
//  - Shift amounts are hex ("sll a0,a0,0x3"); CSR immediates are decimal.
//  - csrrwi/csrrsi/csrrci print as csrrw/csrrs/csrrc with an immediate operand,
//    and as csrw/csrs/csrc with rd = zero.
//  - fcvt.d.s, fcvt.d.w and fcvt.d.wu print without a rounding mode and only
//    with rm = 000 (any other rm is a ".4byte" to objdump, an instruction to xvm).
//  - Compressed hints keep their c. name: "c.nop 1", "c.li zero,5", "c.mv zero,a0",
//    "c.slli64 a0"; c.addi with a zero immediate prints "add a0,a0,0", not "mv".
//  - pause is "fence w,unknown": Zihintpause is not in rv64gc, so objdump does not
//    use the name unless the file's arch attribute lists it.
//  - fence needs rd = rs1 = 0 and fm = 0 for objdump (xvm ignores those fields as
//    the spec asks), so such encodings print as fence here and ".4byte" there.
#include "isa/riscv/disasm.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "isa/riscv/cpu.h"

namespace xvm::riscv {
namespace {

// ---- CSR names, as objdump's DECLARE_CSR table gives them for each spec ----

// Bit per privileged spec version a name exists in.
enum SpecMask : uint8_t { k110 = 1, k111 = 2, k12 = 4, kAll = 7, kTo111 = 3, kFrom111 = 6 };

struct CsrRange {
    uint16_t num;
    const char* name;
    uint8_t specs;
    uint8_t count = 1;  // > 1: a numbered series name<first>..name<first+count-1>
    uint8_t first = 0;
    const char* suffix = "";
};

// Privileged spec 1.12 "CSR Listing" plus the extensions binutils 2.40 knows (H,
// AIA, Sstc, Smstateen, V, debug), and the N-extension CSRs dropped in 1.12.
// clang-format off
constexpr CsrRange kCsrs[] = {
    {0x000, "ustatus", kTo111}, {0x001, "fflags", kAll}, {0x002, "frm", kAll},
    {0x003, "fcsr", kAll}, {0x004, "uie", kTo111}, {0x005, "utvec", kTo111},
    {0x008, "vstart", kAll}, {0x009, "vxsat", kAll}, {0x00a, "vxrm", kAll}, {0x00f, "vcsr", kAll},
    {0x015, "seed", kAll}, {0x040, "uscratch", kTo111}, {0x041, "uepc", kTo111},
    {0x042, "ucause", kTo111}, {0x043, "utval", kTo111}, {0x044, "uip", kTo111},
    {0x100, "sstatus", kAll}, {0x102, "sedeleg", kTo111}, {0x103, "sideleg", kTo111},
    {0x104, "sie", kAll}, {0x105, "stvec", kAll}, {0x106, "scounteren", kAll},
    {0x10a, "senvcfg", k12}, {0x10c, "sstateen0", kAll}, {0x10d, "sstateen1", kAll},
    {0x10e, "sstateen2", kAll}, {0x10f, "sstateen3", kAll}, {0x114, "sieh", kAll},
    {0x140, "sscratch", kAll}, {0x141, "sepc", kAll}, {0x142, "scause", kAll},
    {0x143, "stval", kAll}, {0x144, "sip", kAll}, {0x14d, "stimecmp", kAll},
    {0x150, "siselect", kAll}, {0x151, "sireg", kAll}, {0x154, "siph", kAll},
    {0x15c, "stopei", kAll}, {0x15d, "stimecmph", kAll}, {0x180, "satp", kAll},
    {0x200, "vsstatus", kAll}, {0x204, "vsie", kAll}, {0x205, "vstvec", kAll},
    {0x214, "vsieh", kAll}, {0x240, "vsscratch", kAll}, {0x241, "vsepc", kAll},
    {0x242, "vscause", kAll}, {0x243, "vstval", kAll}, {0x244, "vsip", kAll},
    {0x24d, "vstimecmp", kAll}, {0x250, "vsiselect", kAll}, {0x251, "vsireg", kAll},
    {0x254, "vsiph", kAll}, {0x25c, "vstopei", kAll}, {0x25d, "vstimecmph", kAll},
    {0x280, "vsatp", kAll}, {0x300, "mstatus", kAll}, {0x301, "misa", kAll},
    {0x302, "medeleg", kAll}, {0x303, "mideleg", kAll}, {0x304, "mie", kAll},
    {0x305, "mtvec", kAll}, {0x306, "mcounteren", kAll}, {0x308, "mvien", kAll},
    {0x309, "mvip", kAll}, {0x30a, "menvcfg", k12}, {0x30c, "mstateen0", kAll},
    {0x30d, "mstateen1", kAll}, {0x30e, "mstateen2", kAll}, {0x30f, "mstateen3", kAll},
    {0x310, "mstatush", k12}, {0x313, "midelegh", kAll}, {0x314, "mieh", kAll},
    {0x318, "mvienh", kAll}, {0x319, "mviph", kAll}, {0x31a, "menvcfgh", k12},
    {0x31c, "mstateen0h", kAll}, {0x31d, "mstateen1h", kAll}, {0x31e, "mstateen2h", kAll},
    {0x31f, "mstateen3h", kAll}, {0x320, "mcountinhibit", kFrom111},
    {0x323, "mhpmevent", kAll, 29, 3},
    {0x340, "mscratch", kAll}, {0x341, "mepc", kAll}, {0x342, "mcause", kAll},
    {0x343, "mtval", kAll}, {0x344, "mip", kAll}, {0x34a, "mtinst", k12}, {0x34b, "mtval2", k12},
    {0x350, "miselect", kAll}, {0x351, "mireg", kAll}, {0x354, "miph", kAll},
    {0x35c, "mtopei", kAll},
    {0x3a0, "pmpcfg", kAll, 4, 0},
    {0x3a4, "pmpcfg", k12, 12, 4},
    {0x3b0, "pmpaddr", kAll, 16, 0},
    {0x3c0, "pmpaddr", k12, 48, 16},
    {0x5a8, "scontext", kAll}, {0x600, "hstatus", kAll}, {0x602, "hedeleg", kAll},
    {0x603, "hideleg", kAll}, {0x604, "hie", kAll}, {0x605, "htimedelta", kAll},
    {0x606, "hcounteren", kAll}, {0x607, "hgeie", kAll}, {0x608, "hvien", kAll},
    {0x609, "hvictl", kAll}, {0x60a, "henvcfg", kAll}, {0x60c, "hstateen0", kAll},
    {0x60d, "hstateen1", kAll}, {0x60e, "hstateen2", kAll}, {0x60f, "hstateen3", kAll},
    {0x613, "hidelegh", kAll}, {0x615, "htimedeltah", kAll}, {0x618, "hvienh", kAll},
    {0x61a, "henvcfgh", kAll}, {0x61c, "hstateen0h", kAll}, {0x61d, "hstateen1h", kAll},
    {0x61e, "hstateen2h", kAll}, {0x61f, "hstateen3h", kAll}, {0x643, "htval", kAll},
    {0x644, "hip", kAll}, {0x645, "hvip", kAll}, {0x646, "hviprio1", kAll},
    {0x647, "hviprio2", kAll}, {0x64a, "htinst", kAll}, {0x655, "hviph", kAll},
    {0x656, "hviprio1h", kAll}, {0x657, "hviprio2h", kAll}, {0x680, "hgatp", kAll},
    {0x6a8, "hcontext", kAll},
    {0x723, "mhpmevent", kAll, 29, 3, "h"},
    {0x747, "mseccfg", k12}, {0x757, "mseccfgh", k12}, {0x7a0, "tselect", kAll},
    {0x7a1, "tdata1", kAll}, {0x7a2, "tdata2", kAll}, {0x7a3, "tdata3", kAll},
    {0x7a4, "tinfo", kAll}, {0x7a5, "tcontrol", kAll}, {0x7a8, "mcontext", kAll},
    {0x7aa, "mscontext", kAll}, {0x7b0, "dcsr", kAll}, {0x7b1, "dpc", kAll},
    {0x7b2, "dscratch0", kAll}, {0x7b3, "dscratch1", kAll}, {0xb00, "mcycle", kAll},
    {0xb02, "minstret", kAll},
    {0xb03, "mhpmcounter", kAll, 29, 3},
    {0xb80, "mcycleh", kAll}, {0xb82, "minstreth", kAll},
    {0xb83, "mhpmcounter", kAll, 29, 3, "h"},
    {0xc00, "cycle", kAll}, {0xc01, "time", kAll}, {0xc02, "instret", kAll},
    {0xc03, "hpmcounter", kAll, 29, 3},
    {0xc20, "vl", kAll}, {0xc21, "vtype", kAll}, {0xc22, "vlenb", kAll}, {0xc80, "cycleh", kAll},
    {0xc81, "timeh", kAll}, {0xc82, "instreth", kAll},
    {0xc83, "hpmcounter", kAll, 29, 3, "h"},
    {0xda0, "scountovf", kAll}, {0xdb0, "stopi", kAll}, {0xe12, "hgeip", kAll},
    {0xeb0, "vstopi", kAll}, {0xf11, "mvendorid", kAll}, {0xf12, "marchid", kAll},
    {0xf13, "mimpid", kAll}, {0xf14, "mhartid", kAll}, {0xf15, "mconfigptr", k12},
    {0xfb0, "mtopi", kAll},
};
// clang-format on

struct CsrTable {
    std::array<std::string, 4096> name;
    std::array<uint8_t, 4096> specs{};

    CsrTable() {
        for (const CsrRange& r : kCsrs) {
            for (unsigned i = 0; i < r.count; ++i) {
                name[r.num + i] = r.count == 1
                                      ? std::string(r.name)
                                      : fmt::format("{}{}{}", r.name, r.first + i, r.suffix);
                specs[r.num + i] = r.specs;
            }
        }
    }
};

const CsrTable& csr_table() {
    static const CsrTable t;
    return t;
}

// ---- Operand printing ----

enum class Tok : uint8_t {
    Rd,
    Rs1,
    Rs2,
    Fd,
    Fs1,
    Fs2,
    Fs3,
    Imm,
    Uimm20,
    Shamt,
    OffRs1,
    AddrRs1,
    Target,
    Csr,
    Zimm,
    Rm,
    Pred,
    Succ
};

struct TokName {
    std::string_view text;
    Tok tok;
};

// The operand notation of insns.inc (see its header).
constexpr TokName kTokNames[] = {
    {"rd", Tok::Rd},         {"rs1", Tok::Rs1},         {"rs2", Tok::Rs2},
    {"fd", Tok::Fd},         {"fs1", Tok::Fs1},         {"fs2", Tok::Fs2},
    {"fs3", Tok::Fs3},       {"imm", Tok::Imm},         {"uimm20", Tok::Uimm20},
    {"shamt", Tok::Shamt},   {"off(rs1)", Tok::OffRs1}, {"(rs1)", Tok::AddrRs1},
    {"target", Tok::Target}, {"csr", Tok::Csr},         {"zimm", Tok::Zimm},
    {"rm", Tok::Rm},         {"pred", Tok::Pred},       {"succ", Tok::Succ},
};

// A mnemonic with its operands, parsed once.
struct Form {
    const char* mnemonic;
    std::vector<Tok> toks;
};

// The tables are constants: a typo in one is a bug to report at start-up, in every
// build type, not a silently missing operand.
[[noreturn]] void bad_table(std::string_view what, std::string_view text) {
    fmt::print(stderr, "xvm disassembler: {} \"{}\"\n", what, text);
    std::abort();
}

Form parse_form(const char* mnemonic, std::string_view ops) {
    Form f{mnemonic, {}};
    while (!ops.empty()) {
        const size_t comma = ops.find(',');
        const std::string_view t = ops.substr(0, comma);
        bool found = false;
        for (const TokName& n : kTokNames) {
            if (n.text == t) {
                f.toks.push_back(n.tok);
                found = true;
            }
        }
        if (!found) bad_table("unknown operand in insns.inc or kAliases:", t);
        ops = comma == std::string_view::npos ? std::string_view{} : ops.substr(comma + 1);
    }
    return f;
}

// objdump's riscv_rm and riscv_pred_succ tables (binutils opcodes/riscv-opc.c).
constexpr const char* kRoundingMode[8] = {"rne", "rtz",     "rdn",     "rup",
                                          "rmm", "unknown", "unknown", "dyn"};
constexpr const char* kFenceSet[16] = {"unknown", "w",  "r",  "rw",  "o",  "ow",  "or",  "orw",
                                       "i",       "iw", "ir", "irw", "io", "iow", "ior", "iorw"};
constexpr uint8_t kRmDyn = 7;

// Decoded register fields are 0-31; kRegSink (a write to x0 redirected) is x0 too.
constexpr unsigned reg(uint8_t r) {
    return r == kRegSink ? 0 : r & 31;
}

void print_operands(fmt::memory_buffer& out, const Form& f, const Decoded& d, uint64_t pc,
                    PrivSpec priv) {
    bool first = true;
    for (Tok t : f.toks) {
        if (t == Tok::Rm && d.rm == kRmDyn) continue;  // objdump omits the default mode
        out.push_back(first ? '\t' : ',');
        first = false;
        auto it = std::back_inserter(out);
        switch (t) {
            case Tok::Rd: fmt::format_to(it, "{}", kXRegName[reg(d.rd)]); break;
            case Tok::Rs1: fmt::format_to(it, "{}", kXRegName[reg(d.rs1)]); break;
            case Tok::Rs2: fmt::format_to(it, "{}", kXRegName[reg(d.rs2)]); break;
            case Tok::Fd: fmt::format_to(it, "{}", kFRegName[d.rd & 31]); break;
            case Tok::Fs1: fmt::format_to(it, "{}", kFRegName[d.rs1 & 31]); break;
            case Tok::Fs2: fmt::format_to(it, "{}", kFRegName[d.rs2 & 31]); break;
            case Tok::Fs3: fmt::format_to(it, "{}", kFRegName[d.rs3 & 31]); break;
            case Tok::Imm: fmt::format_to(it, "{}", d.imm); break;
            case Tok::Uimm20:
                fmt::format_to(it, "0x{:x}", (static_cast<uint64_t>(d.imm) >> 12) & 0xfffff);
                break;
            case Tok::Shamt: fmt::format_to(it, "0x{:x}", d.imm); break;
            case Tok::OffRs1: fmt::format_to(it, "{}({})", d.imm, kXRegName[reg(d.rs1)]); break;
            case Tok::AddrRs1: fmt::format_to(it, "({})", kXRegName[reg(d.rs1)]); break;
            case Tok::Target: fmt::format_to(it, "{:x}", pc + static_cast<uint64_t>(d.imm)); break;
            case Tok::Csr: {
                const std::string_view name = csr_name(static_cast<unsigned>(d.imm), priv);
                if (name.empty())
                    fmt::format_to(it, "0x{:x}", d.imm);
                else
                    fmt::format_to(it, "{}", name);
                break;
            }
            case Tok::Zimm: fmt::format_to(it, "{}", d.rs1); break;
            case Tok::Rm: fmt::format_to(it, "{}", kRoundingMode[d.rm & 7]); break;
            case Tok::Pred: fmt::format_to(it, "{}", kFenceSet[(d.imm >> 4) & 15]); break;
            case Tok::Succ: fmt::format_to(it, "{}", kFenceSet[d.imm & 15]); break;
        }
    }
}

// ---- Aliases ----

// `when` is a space-separated list of conditions, all of which must hold:
//   field=value, field!=value, field=field   fields: rd rs1 rs2 imm rm
//   c.name                                   decoded from that compressed row
struct Alias {
    Op op;
    const char* when;
    const char* mnemonic;
    const char* operands;
};

constexpr Alias kAliases[] = {
    // Compressed forms objdump prints differently from their 32-bit expansions:
    // hints (rd = zero, zero shift) keep their c. names.
    {Op::addi, "c.addi rd=0 imm=0", "nop", ""},
    {Op::addi, "c.addi rd=0", "c.nop", "imm"},
    {Op::addi, "c.addi", "add", "rd,rs1,imm"},
    {Op::addi, "c.li rd=0", "c.li", "rd,imm"},
    {Op::lui, "c.lui rd=0", "c.lui", "rd,uimm20"},
    {Op::add, "c.mv rd=0", "c.mv", "rd,rs2"},
    {Op::add, "c.mv", "mv", "rd,rs2"},
    {Op::add, "c.add rd=0", "c.add", "rd,rs2"},
    {Op::slli, "c.slli imm=0", "c.slli64", "rd"},
    {Op::slli, "c.slli rd=0", "c.slli", "rd,shamt"},
    {Op::srli, "c.srli imm=0", "c.srli64", "rd"},
    {Op::srai, "c.srai imm=0", "c.srai64", "rd"},

    // RV64I pseudo-instructions ("RISC-V Assembly Programmer's Handbook").
    {Op::sfence_vma, "rs1=0 rs2=0", "sfence.vma", ""},
    {Op::sfence_vma, "rs2=0", "sfence.vma", "rs1"},
    {Op::addi, "rd=0 rs1=0 imm=0", "nop", ""},
    {Op::addi, "rs1=0", "li", "rd,imm"},
    {Op::addi, "imm=0", "mv", "rd,rs1"},
    {Op::addi, "", "add", "rd,rs1,imm"},
    {Op::addiw, "imm=0", "sext.w", "rd,rs1"},
    {Op::addiw, "", "addw", "rd,rs1,imm"},
    {Op::andi, "imm=255", "zext.b", "rd,rs1"},
    {Op::andi, "", "and", "rd,rs1,imm"},
    {Op::ori, "", "or", "rd,rs1,imm"},
    {Op::xori, "imm=-1", "not", "rd,rs1"},
    {Op::xori, "", "xor", "rd,rs1,imm"},
    {Op::sltiu, "imm=1", "seqz", "rd,rs1"},
    {Op::slli, "", "sll", "rd,rs1,shamt"},
    {Op::srli, "", "srl", "rd,rs1,shamt"},
    {Op::srai, "", "sra", "rd,rs1,shamt"},
    {Op::slliw, "", "sllw", "rd,rs1,shamt"},
    {Op::srliw, "", "srlw", "rd,rs1,shamt"},
    {Op::sraiw, "", "sraw", "rd,rs1,shamt"},
    {Op::sub, "rs1=0", "neg", "rd,rs2"},
    {Op::subw, "rs1=0", "negw", "rd,rs2"},
    {Op::slt, "rs2=0", "sltz", "rd,rs1"},
    {Op::slt, "rs1=0", "sgtz", "rd,rs2"},
    {Op::sltu, "rs1=0", "snez", "rd,rs2"},
    {Op::beq, "rs2=0", "beqz", "rs1,target"},
    {Op::bne, "rs2=0", "bnez", "rs1,target"},
    {Op::bge, "rs1=0", "blez", "rs2,target"},
    {Op::bge, "rs2=0", "bgez", "rs1,target"},
    {Op::blt, "rs2=0", "bltz", "rs1,target"},
    {Op::blt, "rs1=0", "bgtz", "rs2,target"},
    {Op::jal, "rd=0", "j", "target"},
    {Op::jal, "rd=1", "jal", "target"},
    {Op::jalr, "rd=0 rs1=1 imm=0", "ret", ""},
    {Op::jalr, "rd=0 imm=0", "jr", "rs1"},
    {Op::jalr, "rd=0", "jr", "off(rs1)"},
    {Op::jalr, "rd=1 imm=0", "jalr", "rs1"},
    {Op::jalr, "rd=1", "jalr", "off(rs1)"},
    {Op::jalr, "imm=0", "jalr", "rd,rs1"},
    // imm = fm:pred:succ (unprivileged spec, "Memory Ordering Instructions").
    {Op::fence, "imm=0x0ff", "fence", ""},
    {Op::fence, "imm=0x833", "fence.tso", ""},

    // Zicsr: the counters, then the F/D CSRs, then the generic forms.
    {Op::csrrw, "rd=0 rs1=0 imm=0xc00", "unimp", ""},
    {Op::csrrs, "rs1=0 imm=0xc00", "rdcycle", "rd"},
    {Op::csrrs, "rs1=0 imm=0xc02", "rdinstret", "rd"},
    {Op::csrrs, "rs1=0 imm=0xc01", "rdtime", "rd"},
    {Op::csrrs, "rs1=0 imm=3", "frcsr", "rd"},
    {Op::csrrw, "rd=0 imm=3", "fscsr", "rs1"},
    {Op::csrrw, "imm=3", "fscsr", "rd,rs1"},
    {Op::csrrs, "rs1=0 imm=2", "frrm", "rd"},
    {Op::csrrw, "rd=0 imm=2", "fsrm", "rs1"},
    {Op::csrrw, "imm=2", "fsrm", "rd,rs1"},
    {Op::csrrwi, "imm=2", "fsrmi", "rd,zimm"},
    {Op::csrrs, "rs1=0 imm=1", "frflags", "rd"},
    {Op::csrrw, "rd=0 imm=1", "fsflags", "rs1"},
    {Op::csrrw, "imm=1", "fsflags", "rd,rs1"},
    {Op::csrrwi, "imm=1", "fsflagsi", "rd,zimm"},
    {Op::csrrs, "rs1=0", "csrr", "rd,csr"},
    {Op::csrrw, "rd=0", "csrw", "csr,rs1"},
    {Op::csrrs, "rd=0", "csrs", "csr,rs1"},
    {Op::csrrc, "rd=0", "csrc", "csr,rs1"},
    {Op::csrrwi, "rd=0", "csrw", "csr,zimm"},
    {Op::csrrsi, "rd=0", "csrs", "csr,zimm"},
    {Op::csrrci, "rd=0", "csrc", "csr,zimm"},
    {Op::csrrwi, "", "csrrw", "rd,csr,zimm"},
    {Op::csrrsi, "", "csrrs", "rd,csr,zimm"},
    {Op::csrrci, "", "csrrc", "rd,csr,zimm"},

    // F and D.
    {Op::fsgnj_s, "rs1=rs2", "fmv.s", "fd,fs1"},
    {Op::fsgnjn_s, "rs1=rs2", "fneg.s", "fd,fs1"},
    {Op::fsgnjx_s, "rs1=rs2", "fabs.s", "fd,fs1"},
    {Op::fsgnj_d, "rs1=rs2", "fmv.d", "fd,fs1"},
    {Op::fsgnjn_d, "rs1=rs2", "fneg.d", "fd,fs1"},
    {Op::fsgnjx_d, "rs1=rs2", "fabs.d", "fd,fs1"},
    {Op::fcvt_d_s, "rm=0", "fcvt.d.s", "fd,fs1"},
    {Op::fcvt_d_w, "rm=0", "fcvt.d.w", "fd,rs1"},
    {Op::fcvt_d_wu, "rm=0", "fcvt.d.wu", "fd,rs1"},

    // Zba, Zbb, Zbs.
    {Op::add_uw, "rs2=0", "zext.w", "rd,rs1"},
    {Op::rori, "", "ror", "rd,rs1,shamt"},
    {Op::roriw, "", "rorw", "rd,rs1,shamt"},
    {Op::bclri, "", "bclr", "rd,rs1,shamt"},
    {Op::bexti, "", "bext", "rd,rs1,shamt"},
    {Op::binvi, "", "binv", "rd,rs1,shamt"},
    {Op::bseti, "", "bset", "rd,rs1,shamt"},
};

enum class Field : uint8_t { rd, rs1, rs2, imm, rm };

struct Cond {
    Field field;
    bool equal;
    bool against_field;  // compare with `other` instead of `value`
    Field other;
    int64_t value;
};

struct CompiledAlias {
    std::vector<Cond> conds;
    std::string compressed;  // required compressed row ("c.addi"), or empty: any encoding
    Form form;
};

bool parse_field(std::string_view s, Field& f) {
    constexpr std::pair<std::string_view, Field> kFields[] = {{"rd", Field::rd},
                                                              {"rs1", Field::rs1},
                                                              {"rs2", Field::rs2},
                                                              {"imm", Field::imm},
                                                              {"rm", Field::rm}};
    for (const auto& [name, field] : kFields) {
        if (s == name) {
            f = field;
            return true;
        }
    }
    return false;
}

CompiledAlias compile(const Alias& a) {
    CompiledAlias c{{}, {}, parse_form(a.mnemonic, a.operands)};
    std::string_view when = a.when;
    while (!when.empty()) {
        const size_t sp = when.find(' ');
        const std::string_view term = when.substr(0, sp);
        when = sp == std::string_view::npos ? std::string_view{} : when.substr(sp + 1);
        if (term.starts_with("c.")) {
            c.compressed = term;
            continue;
        }
        const size_t eq = term.find('=');
        if (eq == std::string_view::npos || eq == 0) bad_table("bad condition in kAliases:", term);
        Cond cond{};
        cond.equal = term[eq - 1] != '!';
        if (!parse_field(term.substr(0, cond.equal ? eq : eq - 1), cond.field))
            bad_table("unknown field in kAliases:", term);
        const std::string rhs(term.substr(eq + 1));
        cond.against_field = parse_field(rhs, cond.other);
        if (!cond.against_field) {
            char* end = nullptr;
            cond.value = std::strtoll(rhs.c_str(), &end, 0);
            if (rhs.empty() || *end) bad_table("bad value in kAliases:", term);
        }
        c.conds.push_back(cond);
    }
    return c;
}

int64_t field_value(const Decoded& d, Field f) {
    switch (f) {
        case Field::rd: return reg(d.rd);
        case Field::rs1: return reg(d.rs1);
        case Field::rs2: return reg(d.rs2);
        case Field::imm: return d.imm;
        case Field::rm: return d.rm;
    }
    return 0;
}

bool matches(const CompiledAlias& a, const Decoded& d) {
    if (!a.compressed.empty()) {
        const char* row = compressed_mnemonic(d);
        if (!row || a.compressed != row) return false;
    }
    for (const Cond& c : a.conds) {
        const int64_t lhs = field_value(d, c.field);
        const int64_t rhs = c.against_field ? field_value(d, c.other) : c.value;
        if ((lhs == rhs) != c.equal) return false;
    }
    return true;
}

struct Printer {
    std::vector<Form> base;                           // indexed by Op
    std::vector<std::vector<CompiledAlias>> aliases;  // indexed by Op, in table order

    Printer() : aliases(kOpCount) {
        for (unsigned i = 0; i < kOpCount; ++i) {
            base.push_back(parse_form(kInsnInfo[i].mnemonic, kInsnInfo[i].operands));
        }
        for (const Alias& a : kAliases) aliases[static_cast<unsigned>(a.op)].push_back(compile(a));
    }

    const Form& form(const Decoded& d) const {
        for (const CompiledAlias& a : aliases[static_cast<unsigned>(d.op)]) {
            if (matches(a, d)) return a.form;
        }
        return base[static_cast<unsigned>(d.op)];
    }
};

const Printer& printer() {
    static const Printer p;
    return p;
}

// lr/sc/amo ordering bits (A chapter, "Specifying Ordering of Atomic Instructions").
constexpr const char* kAqRlSuffix[4] = {"", ".rl", ".aq", ".aqrl"};

}  // namespace

std::string_view csr_name(unsigned csr, PrivSpec priv) {
    if (csr >= 4096) return {};
    const CsrTable& t = csr_table();
    const uint8_t want = priv == PrivSpec::v1_10 ? k110 : priv == PrivSpec::v1_11 ? k111 : k12;
    return (t.specs[csr] & want) ? std::string_view(t.name[csr]) : std::string_view{};
}

std::string disassemble(const Decoded& d, uint64_t pc, PrivSpec priv) {
    fmt::memory_buffer out;
    if (d.op == Op::illegal) {
        // objdump: all-zero halfword is "unimp", anything else it cannot decode is
        // data of the instruction's length.
        if (d.len == 2 && d.raw == 0) return "unimp";
        fmt::format_to(std::back_inserter(out), ".{}byte\t0x{:x}", d.len, d.raw);
        return fmt::to_string(out);
    }
    const Form& f = printer().form(d);
    fmt::format_to(std::back_inserter(out), "{}", f.mnemonic);
    const Format fmt_kind = info(d.op).format;
    if (fmt_kind == Format::Amo || fmt_kind == Format::Lr) {
        fmt::format_to(std::back_inserter(out), "{}", kAqRlSuffix[d.rm & 3]);
    }
    print_operands(out, f, d, pc, priv);
    return fmt::to_string(out);
}

// ---- objdump's address comments (binutils opcodes/riscv-dis.c, maybe_print_address) ----

AddressComments::AddressComments(std::optional<uint64_t> gp) : gp_(gp) {
    hi_.fill(kUnknown);
}

std::optional<uint64_t> AddressComments::use(unsigned base, int64_t offset, bool wide) {
    uint64_t addr;
    if (hi_[base] != kUnknown) {
        addr = (base != 0 ? hi_[base] : 0) + static_cast<uint64_t>(offset);
        hi_[base] = kUnknown;
    } else if (base == 3 && gp_) {
        addr = *gp_ + static_cast<uint64_t>(offset);
    } else if (base == 4 || base == 0) {  // tp-relative (TLS) and absolute addresses
        addr = static_cast<uint64_t>(offset);
    } else {
        return std::nullopt;
    }
    if (wide) addr = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(addr)));
    return addr;
}

std::optional<uint64_t> AddressComments::next(const Decoded& d, uint64_t pc) {
    const bool wide = d.len == 4;
    const char* crow = compressed_mnemonic(d);
    switch (d.op) {
        case Op::lui: hi_[reg(d.rd)] = static_cast<uint64_t>(d.imm); return std::nullopt;
        case Op::auipc: hi_[reg(d.rd)] = pc + static_cast<uint64_t>(d.imm); return std::nullopt;
        case Op::lb:
        case Op::lh:
        case Op::lw:
        case Op::ld:
        case Op::lbu:
        case Op::lhu:
        case Op::lwu:
        case Op::flw:
        case Op::fld:
        case Op::sb:
        case Op::sh:
        case Op::sw:
        case Op::sd:
        case Op::fsw:
        case Op::fsd:
            // Compressed loads and stores print their offsets without a lookup.
            if (!wide) return std::nullopt;
            return use(reg(d.rs1), d.imm, false);
        case Op::addi:
            if (wide && d.rs1 != 0 && d.imm != 0) return use(reg(d.rs1), d.imm, false);
            if (crow && std::strcmp(crow, "c.addi") == 0 && d.rd != 0)
                return use(reg(d.rd), d.imm, false);
            return std::nullopt;
        case Op::addiw:
            if (d.rs1 != 0 && d.imm != 0) return use(reg(d.rs1), d.imm, true);
            return std::nullopt;
        case Op::jalr: {
            if (!wide || (d.rd == 0 && d.rs1 == 1 && d.imm == 0)) return std::nullopt;
            // objdump looks the base up once per operand letter of the form it prints:
            // once for "jalr rd,rs1", three times for "jalr rd,off(rs1)".
            std::optional<uint64_t> addr;
            for (int i = d.imm == 0 ? 1 : 3; i > 0; --i) {
                if (auto a = use(reg(d.rs1), d.imm, false)) addr = a;
            }
            return addr;
        }
        default: return std::nullopt;
    }
}

}  // namespace xvm::riscv
