#include "jit/helpers.h"

#include "isa/riscv/fp.h"
#include "isa/riscv/semantics.h"

namespace xvm::jit {

namespace {

namespace fp = riscv::fp;
using riscv::Cpu;

inline unsigned rmode(const Cpu* c, uint64_t rm) {
    return rm == 7 ? c->frm : static_cast<unsigned>(rm);
}
inline uint32_t s(uint64_t v) {
    return fp::unbox(v);
}

#define H(name) uint64_t h_##name(Cpu* c, uint64_t a, uint64_t b, uint64_t d, uint64_t rm)
#define UNUSED (void)a, (void)b, (void)d, (void)rm, (void)c

// single
H(fadd_s) {
    (void)d;
    return fp::box(fp::add<uint32_t>(s(a), s(b), rmode(c, rm), c->fflags));
}
H(fsub_s) {
    (void)d;
    return fp::box(fp::sub<uint32_t>(s(a), s(b), rmode(c, rm), c->fflags));
}
H(fmul_s) {
    (void)d;
    return fp::box(fp::mul<uint32_t>(s(a), s(b), rmode(c, rm), c->fflags));
}
H(fdiv_s) {
    (void)d;
    return fp::box(fp::div<uint32_t>(s(a), s(b), rmode(c, rm), c->fflags));
}
H(fsqrt_s) {
    (void)b, (void)d;
    return fp::box(fp::sqrt<uint32_t>(s(a), rmode(c, rm), c->fflags));
}
H(fmin_s) {
    (void)d, (void)rm;
    return fp::box(fp::min<uint32_t>(s(a), s(b), c->fflags));
}
H(fmax_s) {
    (void)d, (void)rm;
    return fp::box(fp::max<uint32_t>(s(a), s(b), c->fflags));
}
H(fmadd_s) {
    return fp::box(fp::fmadd<uint32_t>(s(a), s(b), s(d), rmode(c, rm), c->fflags));
}
H(fmsub_s) {
    return fp::box(fp::fmsub<uint32_t>(s(a), s(b), s(d), rmode(c, rm), c->fflags));
}
H(fnmsub_s) {
    return fp::box(fp::fnmsub<uint32_t>(s(a), s(b), s(d), rmode(c, rm), c->fflags));
}
H(fnmadd_s) {
    return fp::box(fp::fnmadd<uint32_t>(s(a), s(b), s(d), rmode(c, rm), c->fflags));
}
H(feq_s) {
    (void)d, (void)rm;
    return fp::feq<uint32_t>(s(a), s(b), c->fflags);
}
H(flt_s) {
    (void)d, (void)rm;
    return fp::flt<uint32_t>(s(a), s(b), c->fflags);
}
H(fle_s) {
    (void)d, (void)rm;
    return fp::fle<uint32_t>(s(a), s(b), c->fflags);
}
H(fclass_s) {
    UNUSED;
    return fp::fclass<uint32_t>(s(a));
}
H(fcvt_w_s) {
    (void)b, (void)d;
    return fp::to_int<uint32_t>(s(a), fp::IntKind::W, rmode(c, rm), c->fflags);
}
H(fcvt_wu_s) {
    (void)b, (void)d;
    return fp::to_int<uint32_t>(s(a), fp::IntKind::WU, rmode(c, rm), c->fflags);
}
H(fcvt_l_s) {
    (void)b, (void)d;
    return fp::to_int<uint32_t>(s(a), fp::IntKind::L, rmode(c, rm), c->fflags);
}
H(fcvt_lu_s) {
    (void)b, (void)d;
    return fp::to_int<uint32_t>(s(a), fp::IntKind::LU, rmode(c, rm), c->fflags);
}
H(fcvt_s_w) {
    (void)b, (void)d;
    return fp::box(fp::from_int<uint32_t>(a, fp::IntKind::W, rmode(c, rm), c->fflags));
}
H(fcvt_s_wu) {
    (void)b, (void)d;
    return fp::box(fp::from_int<uint32_t>(a, fp::IntKind::WU, rmode(c, rm), c->fflags));
}
H(fcvt_s_l) {
    (void)b, (void)d;
    return fp::box(fp::from_int<uint32_t>(a, fp::IntKind::L, rmode(c, rm), c->fflags));
}
H(fcvt_s_lu) {
    (void)b, (void)d;
    return fp::box(fp::from_int<uint32_t>(a, fp::IntKind::LU, rmode(c, rm), c->fflags));
}
// double
H(fadd_d) {
    (void)d;
    return fp::add<uint64_t>(a, b, rmode(c, rm), c->fflags);
}
H(fsub_d) {
    (void)d;
    return fp::sub<uint64_t>(a, b, rmode(c, rm), c->fflags);
}
H(fmul_d) {
    (void)d;
    return fp::mul<uint64_t>(a, b, rmode(c, rm), c->fflags);
}
H(fdiv_d) {
    (void)d;
    return fp::div<uint64_t>(a, b, rmode(c, rm), c->fflags);
}
H(fsqrt_d) {
    (void)b, (void)d;
    return fp::sqrt<uint64_t>(a, rmode(c, rm), c->fflags);
}
H(fmin_d) {
    (void)d, (void)rm;
    return fp::min<uint64_t>(a, b, c->fflags);
}
H(fmax_d) {
    (void)d, (void)rm;
    return fp::max<uint64_t>(a, b, c->fflags);
}
H(fmadd_d) {
    return fp::fmadd<uint64_t>(a, b, d, rmode(c, rm), c->fflags);
}
H(fmsub_d) {
    return fp::fmsub<uint64_t>(a, b, d, rmode(c, rm), c->fflags);
}
H(fnmsub_d) {
    return fp::fnmsub<uint64_t>(a, b, d, rmode(c, rm), c->fflags);
}
H(fnmadd_d) {
    return fp::fnmadd<uint64_t>(a, b, d, rmode(c, rm), c->fflags);
}
H(feq_d) {
    (void)d, (void)rm;
    return fp::feq<uint64_t>(a, b, c->fflags);
}
H(flt_d) {
    (void)d, (void)rm;
    return fp::flt<uint64_t>(a, b, c->fflags);
}
H(fle_d) {
    (void)d, (void)rm;
    return fp::fle<uint64_t>(a, b, c->fflags);
}
H(fclass_d) {
    UNUSED;
    return fp::fclass<uint64_t>(a);
}
H(fcvt_w_d) {
    (void)b, (void)d;
    return fp::to_int<uint64_t>(a, fp::IntKind::W, rmode(c, rm), c->fflags);
}
H(fcvt_wu_d) {
    (void)b, (void)d;
    return fp::to_int<uint64_t>(a, fp::IntKind::WU, rmode(c, rm), c->fflags);
}
H(fcvt_l_d) {
    (void)b, (void)d;
    return fp::to_int<uint64_t>(a, fp::IntKind::L, rmode(c, rm), c->fflags);
}
H(fcvt_lu_d) {
    (void)b, (void)d;
    return fp::to_int<uint64_t>(a, fp::IntKind::LU, rmode(c, rm), c->fflags);
}
H(fcvt_d_w) {
    (void)b, (void)d;
    return fp::from_int<uint64_t>(a, fp::IntKind::W, rmode(c, rm), c->fflags);
}
H(fcvt_d_wu) {
    (void)b, (void)d;
    return fp::from_int<uint64_t>(a, fp::IntKind::WU, rmode(c, rm), c->fflags);
}
H(fcvt_d_l) {
    (void)b, (void)d;
    return fp::from_int<uint64_t>(a, fp::IntKind::L, rmode(c, rm), c->fflags);
}
H(fcvt_d_lu) {
    (void)b, (void)d;
    return fp::from_int<uint64_t>(a, fp::IntKind::LU, rmode(c, rm), c->fflags);
}
H(fcvt_s_d) {
    (void)b, (void)d;
    return fp::box(fp::d_to_s(a, rmode(c, rm), c->fflags));
}
H(fcvt_d_s) {
    (void)b, (void)d, (void)rm;
    return fp::s_to_d(s(a), c->fflags);
}
H(orc_b) {
    UNUSED;
    return riscv::sem::orc_b(a);
}

constexpr HelperFn kFns[] = {
#define XVM_HELPER(name, takes_rm) &h_##name,
#include "jit/helpers.inc"
};
constexpr const char* kNames[] = {
#define XVM_HELPER(name, takes_rm) #name,
#include "jit/helpers.inc"
};

}  // namespace

HelperFn helper_fn(Helper h) {
    return kFns[static_cast<unsigned>(h)];
}
const char* helper_name(Helper h) {
    return kNames[static_cast<unsigned>(h)];
}

}  // namespace xvm::jit
