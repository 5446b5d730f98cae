// Table-driven decoder. Rows of insns.inc are bucketed by major opcode and funct3
// so that a decode is one bucket lookup and a short mask/match scan.
#include <algorithm>
#include <array>
#include <bit>
#include <vector>

#include "core/bits.h"
#include "isa/riscv/insn.h"

namespace xvm::riscv {

const InsnInfo kInsnInfo[kOpCount] = {
#define XVM_INSN(id, mn, ops, ext, fmt, ...) {mn, ops, Ext::ext, Format::fmt, __VA_ARGS__},
#include "isa/riscv/insns.inc"
    {"illegal", "", Ext::I, Format::None, 0, 0},
};

namespace {

enum class CFormat : uint8_t {
    CIW,
    CLW,
    CLD,
    CSW,
    CSD,
    CIAddi,
    CIAddiw,
    CILi,
    CIAddi16sp,
    CILui,
    CBShift,
    CBAndi,
    CA,
    CJ,
    CB,
    CISlli,
    CILwsp,
    CILdsp,
    CRJr,
    CRJalr,
    CRMv,
    CRAdd,
    CSSw,
    CSSd,
    CNone,
};

struct CRow {
    const char* mnemonic;
    Op expands_to;
    CFormat format;
    uint16_t match, mask;
};

constexpr CRow kCRows[] = {
#define XVM_CINSN(id, mn, to, fmt, match, mask) {mn, Op::to, CFormat::fmt, match, mask},
#include "isa/riscv/insns_c.inc"
};

struct Tables {
    // 32-bit: bucket = opcode[6:2] * 8 + funct3
    std::array<std::vector<Op>, 256> wide;
    // 16-bit: bucket = quadrant * 8 + funct3
    std::array<std::vector<uint16_t>, 24> narrow;

    Tables() {
        for (unsigned i = 0; i < kOpCount - 1; ++i) {
            const InsnInfo& in = kInsnInfo[i];
            const unsigned major = (in.match >> 2) & 31;
            const bool f3_fixed = (in.mask & 0x7000u) == 0x7000u;
            for (unsigned f3 = 0; f3 < 8; ++f3) {
                if (f3_fixed && ((in.match >> 12) & 7) != f3) continue;
                wide[major * 8 + f3].push_back(static_cast<Op>(i));
            }
        }
        for (auto& v : wide) {
            std::stable_sort(v.begin(), v.end(), [](Op a, Op b) {
                return std::popcount(info(a).mask) > std::popcount(info(b).mask);
            });
        }
        for (uint16_t i = 0; i < std::size(kCRows); ++i) {
            const CRow& r = kCRows[i];
            narrow[(r.match & 3) * 8 + (r.match >> 13)].push_back(i);
        }
        for (auto& v : narrow) {
            std::stable_sort(v.begin(), v.end(), [](uint16_t a, uint16_t b) {
                return std::popcount(kCRows[a].mask) > std::popcount(kCRows[b].mask);
            });
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

void extract_wide(Decoded& d, uint32_t w) {
    d.rd = bits(w, 11, 7);
    d.rs1 = bits(w, 19, 15);
    d.rs2 = bits(w, 24, 20);
    switch (info(d.op).format) {
        case Format::R:
        case Format::R1: break;
        case Format::R4:
            d.rs3 = bits(w, 31, 27);
            d.rm = bits(w, 14, 12);
            break;
        case Format::Rm:
        case Format::Rm1: d.rm = bits(w, 14, 12); break;
        case Format::I: d.imm = sext(bits(w, 31, 20), 12); break;
        case Format::S: d.imm = sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12); break;
        case Format::B:
            d.imm = sext(
                bit(w, 31) << 12 | bit(w, 7) << 11 | bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1,
                13);
            break;
        case Format::U: d.imm = sext(w & 0xfffff000u, 32); break;
        case Format::J:
            d.imm = sext(
                bit(w, 31) << 20 | bits(w, 19, 12) << 12 | bit(w, 20) << 11 | bits(w, 30, 21) << 1,
                21);
            break;
        case Format::Sh6: d.imm = bits(w, 25, 20); break;
        case Format::Sh5: d.imm = bits(w, 24, 20); break;
        case Format::Csr: d.imm = bits(w, 31, 20); break;
        case Format::Amo:
        case Format::Lr: d.rm = bits(w, 26, 25); break;
        case Format::Fence: d.imm = bits(w, 31, 20); break;
        case Format::None: break;
    }
    // Reserved rounding modes 5 and 6 (F chapter, "Floating-Point Control and Status
    // Register") are illegal whatever frm holds.
    const Format f = info(d.op).format;
    if ((f == Format::R4 || f == Format::Rm || f == Format::Rm1) && (d.rm == 5 || d.rm == 6)) {
        d.op = Op::illegal;
    }
}

// Register fields of the 3-bit compressed forms name x8-x15 / f8-f15.
constexpr uint8_t creg(uint32_t v) {
    return static_cast<uint8_t>(8 + v);
}

// Fills d from a compressed row; returns false for reserved encodings.
bool extract_narrow(Decoded& d, const CRow& r, uint32_t c) {
    const uint8_t rd_full = bits(c, 11, 7);
    const uint8_t rs2_full = bits(c, 6, 2);
    const int64_t imm6 = sext(bit(c, 12) << 5 | bits(c, 6, 2), 6);
    switch (r.format) {
        case CFormat::CIW:
            d.rd = creg(bits(c, 4, 2));
            d.rs1 = 2;
            d.imm = bits(c, 10, 7) << 6 | bits(c, 12, 11) << 4 | bit(c, 5) << 3 | bit(c, 6) << 2;
            return d.imm != 0;
        case CFormat::CLW:
        case CFormat::CSW:
            d.rd = creg(bits(c, 4, 2));
            d.rs2 = d.rd;
            d.rs1 = creg(bits(c, 9, 7));
            d.imm = bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;
            if (r.format == CFormat::CSW) d.rd = 0;
            return true;
        case CFormat::CLD:
        case CFormat::CSD:
            d.rd = creg(bits(c, 4, 2));
            d.rs2 = d.rd;
            d.rs1 = creg(bits(c, 9, 7));
            d.imm = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
            if (r.format == CFormat::CSD) d.rd = 0;
            return true;
        case CFormat::CIAddi:
            d.rd = d.rs1 = rd_full;
            d.imm = imm6;
            return true;
        case CFormat::CIAddiw:
            d.rd = d.rs1 = rd_full;
            d.imm = imm6;
            return rd_full != 0;
        case CFormat::CILi:
            d.rd = rd_full;
            d.rs1 = 0;
            d.imm = imm6;
            return true;
        case CFormat::CIAddi16sp:
            d.rd = d.rs1 = 2;
            d.imm = sext(bit(c, 12) << 9 | bits(c, 4, 3) << 7 | bit(c, 5) << 6 | bit(c, 2) << 5 |
                             bit(c, 6) << 4,
                         10);
            return d.imm != 0;
        case CFormat::CILui:
            d.rd = rd_full;
            d.imm = imm6 << 12;
            return d.imm != 0 && rd_full != 2;
        case CFormat::CBShift:
            d.rd = d.rs1 = creg(bits(c, 9, 7));
            d.imm = bit(c, 12) << 5 | bits(c, 6, 2);
            return true;
        case CFormat::CBAndi:
            d.rd = d.rs1 = creg(bits(c, 9, 7));
            d.imm = imm6;
            return true;
        case CFormat::CA:
            d.rd = d.rs1 = creg(bits(c, 9, 7));
            d.rs2 = creg(bits(c, 4, 2));
            return true;
        case CFormat::CJ:
            d.rd = 0;
            d.imm = sext(bit(c, 12) << 11 | bit(c, 8) << 10 | bits(c, 10, 9) << 8 | bit(c, 6) << 7 |
                             bit(c, 7) << 6 | bit(c, 2) << 5 | bit(c, 11) << 4 | bits(c, 5, 3) << 1,
                         12);
            return true;
        case CFormat::CB:
            d.rs1 = creg(bits(c, 9, 7));
            d.rs2 = 0;
            d.imm = sext(bit(c, 12) << 8 | bits(c, 6, 5) << 6 | bit(c, 2) << 5 |
                             bits(c, 11, 10) << 3 | bits(c, 4, 3) << 1,
                         9);
            return true;
        case CFormat::CISlli:
            d.rd = d.rs1 = rd_full;
            d.imm = bit(c, 12) << 5 | bits(c, 6, 2);
            return true;
        case CFormat::CILwsp:
            d.rd = rd_full;
            d.rs1 = 2;
            d.imm = bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
            return rd_full != 0;
        case CFormat::CILdsp:
            d.rd = rd_full;
            d.rs1 = 2;
            d.imm = bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
            return rd_full != 0 || r.expands_to == Op::fld;
        case CFormat::CRJr:
            d.rd = 0;
            d.rs1 = rd_full;
            d.imm = 0;
            return rd_full != 0;
        case CFormat::CRJalr:
            d.rd = 1;
            d.rs1 = rd_full;
            d.imm = 0;
            return rd_full != 0;
        case CFormat::CRMv:
            d.rd = rd_full;
            d.rs1 = 0;
            d.rs2 = rs2_full;
            return true;
        case CFormat::CRAdd:
            d.rd = d.rs1 = rd_full;
            d.rs2 = rs2_full;
            return true;
        case CFormat::CSSw:
            d.rs1 = 2;
            d.rs2 = rs2_full;
            d.imm = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;
            return true;
        case CFormat::CSSd:
            d.rs1 = 2;
            d.rs2 = rs2_full;
            d.imm = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;
            return true;
        case CFormat::CNone: return true;
    }
    return false;
}

}  // namespace

Decoded decode(uint32_t w) {
    const Tables& t = tables();
    Decoded d;
    if ((w & 3) != 3) {
        const uint32_t c = w & 0xffff;
        d.len = 2;
        d.raw = c;
        for (uint16_t i : t.narrow[(c & 3) * 8 + (c >> 13)]) {
            const CRow& r = kCRows[i];
            if ((c & r.mask) != r.match) continue;
            d.op = r.expands_to;
            d.cop = static_cast<uint16_t>(i + 1);
            if (!extract_narrow(d, r, c)) {
                d.op = Op::illegal;
                d.rd = d.rs1 = d.rs2 = 0;
                d.imm = 0;
            }
            return d;
        }
        return d;
    }
    d.raw = w;
    // Instructions longer than 32 bits (low bits 11111) are not supported.
    if ((w & 0x1f) == 0x1f) return d;
    for (Op op : t.wide[((w >> 2) & 31) * 8 + ((w >> 12) & 7)]) {
        const InsnInfo& in = info(op);
        if ((w & in.mask) != in.match) continue;
        d.op = op;
        extract_wide(d, w);
        return d;
    }
    return d;
}

const char* compressed_mnemonic(const Decoded& d) {
    return d.cop ? kCRows[d.cop - 1].mnemonic : nullptr;
}

}  // namespace xvm::riscv
