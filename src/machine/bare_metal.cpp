#include "machine/bare_metal.h"

#include <elf.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include "core/elf.h"
#include "core/log.h"

namespace xvm::machine {

namespace {

uint64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

uint64_t BareMetal::time_now(void* self) {
    // 10 MHz, the timebase of the virt board.
    return (monotonic_ns() - static_cast<BareMetal*>(self)->start_ns_) / 100;
}

Result<std::unique_ptr<BareMetal>> BareMetal::create(const BareMetalOptions& opts) {
    std::unique_ptr<BareMetal> m(new BareMetal());
    auto ram = mem::GuestRam::create(opts.ram_base, opts.ram_size);
    if (!ram) return ram.error();
    m->ram_ = std::move(*ram);
    m->bus_.set_ram(m->ram_.get());

    auto elf = ElfFile::open(opts.kernel, EM_RISCV);
    if (!elf) return elf.error();
    bool loaded = false;
    for (const auto& ph : elf->segments()) {
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (!m->ram_->contains(ph.p_paddr, ph.p_memsz))
            return make_error(
                opts.kernel + ": segment at physical " + fmt::format("{:#x}", ph.p_paddr) + " (" +
                std::to_string(ph.p_memsz) + " bytes) is outside RAM " +
                fmt::format("{:#x}-{:#x}", opts.ram_base, opts.ram_base + opts.ram_size));
        auto data = elf->slice(ph.p_offset, ph.p_filesz);
        m->ram_->write(ph.p_paddr, data.data(), data.size());
        loaded = true;
    }
    if (!loaded) return make_error(opts.kernel + ": no loadable segments");
    for (const auto& s : elf->symbols()) {
        if (s.name == "tohost") m->tohost_ = s.value;
        if (s.name == "fromhost") m->fromhost_ = s.value;
    }
    if (m->tohost_ && !m->ram_->contains(m->tohost_, 8))
        return make_error(opts.kernel + ": tohost lies outside RAM");

    m->start_ns_ = monotonic_ns();
    m->mmu_ = std::make_unique<riscv::Mmu>(m->ps_, m->bus_);
    m->hart_ = std::make_unique<engine::SysInterpreter>(m->cpu_, m->ps_, *m->mmu_, m->bus_,
                                                        &BareMetal::time_now, m.get());
    if (auto r = m->hart_->set_engine(opts.engine); !r) return r.error();
    m->bus_.set_dma_observer(&engine::SysInterpreter::dma_written, m->hart_.get());
    if (m->tohost_) m->hart_->watch_page(m->tohost_);
    m->cpu_.pc = elf->header().e_entry;
    m->cpu_.x[10] = 0;  // a0: hart id
    return m;
}

bool BareMetal::service_htif(int& exit_code) {
    if (!tohost_) return false;
    uint64_t cmd = 0;
    ram_->read_value(tohost_, cmd);
    if (!cmd) return false;
    const uint64_t zero = 0;
    ram_->write(tohost_, &zero, 8);
    const unsigned device = static_cast<unsigned>(cmd >> 56);
    const unsigned command = static_cast<unsigned>((cmd >> 48) & 0xff);
    const uint64_t payload = cmd & ((1ull << 48) - 1);
    if (device == 0 && command == 0) {
        if (payload & 1) {
            exit_code = static_cast<int>(payload >> 1);
            return true;
        }
        // A proxied system call: magic_mem[0..3] = {number, a0, a1, a2}; only write.
        uint64_t call[4] = {};
        if (ram_->read(payload, call, sizeof call) && call[0] == 64 &&
            (call[1] == 1 || call[1] == 2)) {
            std::string text(static_cast<size_t>(std::min<uint64_t>(call[3], 1 << 20)), '\0');
            if (ram_->read(call[2], text.data(), text.size()))
                (void)!write(static_cast<int>(call[1]), text.data(), text.size());
            call[0] = call[3];
            ram_->write(payload, call, 8);
        }
    } else if (device == 1 && command == 1) {
        const char c = static_cast<char>(payload & 0xff);
        (void)!write(1, &c, 1);
    }
    if (fromhost_) {
        const uint64_t ack = (cmd >> 48) << 48 | 1;
        ram_->write(fromhost_, &ack, 8);
    }
    return false;
}

BareMetal::~BareMetal() {
    ticker_stop_ = true;
    if (ticker_.joinable()) ticker_.join();
}

Result<int> BareMetal::run() {
    if (!ticker_.joinable()) {
        ticker_ = std::thread([this] {
            while (!ticker_stop_.load(std::memory_order_relaxed)) {
                usleep(1000);
                std::atomic_ref<uint8_t>(cpu_.exit_request).store(1, std::memory_order_relaxed);
            }
        });
    }
    while (true) {
        const engine::HartStop s = hart_->run();
        int code = 0;
        if (service_htif(code)) return code;
        // No devices here: only time (Sstc) can wake a waiting hart, so sleep a
        // little and look again.
        if (s == engine::HartStop::Wfi && !ps_.wfi_wakeup(time_now(this))) usleep(100);
    }
}

}  // namespace xvm::machine
