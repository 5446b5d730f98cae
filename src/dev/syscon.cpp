#include "dev/syscon.h"

#include "core/log.h"

namespace xvm::dev {

namespace {

// Low 16 bits of the written value: the finisher status (QEMU hw/misc/sifive_test.c);
// the high 16 bits carry the exit code of a failure.
constexpr uint32_t kFail = 0x3333, kPass = 0x5555, kReset = 0x7777;

// 16- and 32-bit accesses at offset 0, as QEMU accepts.
bool supported(uint64_t offset, unsigned size) {
    return offset == 0 && (size == 2 || size == 4);
}

}  // namespace

bool Syscon::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (!supported(offset, size)) return false;
    value = 0;  // write-only: reads as zero
    return true;
}

bool Syscon::write(uint64_t offset, unsigned size, uint64_t value) {
    if (!supported(offset, size)) {
        XVM_LOG(kGuestErrors, "syscon: refused {}-byte write at +{:#x}\n", size, offset);
        return false;
    }
    const uint32_t v = static_cast<uint32_t>(value) & (size == 2 ? 0xffff : 0xffffffff);
    const int code = static_cast<int>(v >> 16);
    switch (v & 0xffff) {
        case kPass:
            if (on_action_) on_action_(Action::kPoweroff, 0);
            return true;
        case kFail:
            if (on_action_) on_action_(Action::kFail, code);
            return true;
        case kReset:
            if (on_action_) on_action_(Action::kReboot, 0);
            return true;
    }
    // Any other value is accepted and does nothing, as on QEMU.
    XVM_LOG(kGuestErrors, "syscon: ignored value {:#x}\n", v);
    return true;
}

}  // namespace xvm::dev
