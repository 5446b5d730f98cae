#include "machine/virt.h"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "core/log.h"
#include "machine/fdt.h"

namespace xvm::machine {

namespace {

// QEMU virt's memory map (hw/riscv/virt.c).
constexpr uint64_t kTestBase = 0x100000;
constexpr uint64_t kRtcBase = 0x101000;
constexpr uint64_t kClintBase = 0x2000000;
constexpr uint64_t kPlicBase = 0xc000000;
constexpr uint64_t kUartBase = 0x10000000;
constexpr unsigned kUartIrq = 10, kRtcIrq = 11;
constexpr uint64_t kVirtioBase = 0x10001000, kVirtioSize = 0x1000;
constexpr unsigned kVirtioSlots = 8;
// How often a running hart is nudged to look at timers (a hart in WFI sleeps
// exactly until its next deadline instead).
constexpr auto kTick = std::chrono::milliseconds(1);

}  // namespace

void VirtMachine::HartLines::set_level(unsigned line, bool level) {
    m_.ps_.set_irq_line(line, level);
    m_.kick();
}

void VirtMachine::kick() {
    std::atomic_ref<uint8_t>(cpu_.exit_request).store(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> g(wake_mu_);
    wake_cv_.notify_all();
}

void VirtMachine::request_stop(int status) {
    int expected = -1;
    stop_status_.compare_exchange_strong(expected, status);
    kick();
}

uint64_t VirtMachine::time_fn(void* self) {
    return static_cast<VirtMachine*>(self)->clint_->time();
}

Result<std::unique_ptr<VirtMachine>> VirtMachine::create(const VirtOptions& opts) {
    std::unique_ptr<VirtMachine> m(new VirtMachine());
    m->opts_ = opts;
    auto ram = mem::GuestRam::create(kRamBase, opts.ram_size);
    if (!ram) return ram.error();
    m->ram_ = std::move(*ram);
    m->bus_.set_ram(m->ram_.get());

    VirtMachine* self = m.get();
    m->lines_ = std::make_unique<HartLines>(*self);
    m->clint_ = std::make_unique<dev::Clint>(1);
    m->clint_->connect(0, m->lines_.get());
    m->plic_ = std::make_unique<dev::Plic>(1);
    m->plic_->connect(0, m->lines_.get());
    // Character devices: one terminal at most (it owns raw mode and Ctrl-A X).
    auto open_chardev = [&](const CharDevOption& o) {
        return CharDev::open(
            o, [self] { self->request_stop(0); }, opts.stdin_fd, opts.stdout_fd);
    };
    using Kind = CharDevOption::Kind;
    unsigned stdio_users = opts.serial.kind == Kind::kStdio;
    for (const CharDevOption& o : opts.consoles) stdio_users += o.kind == Kind::kStdio;
    if (stdio_users > 1) return make_error("stdio is used by more than one character device");
    auto serial = open_chardev(opts.serial);
    if (!serial) return serial.error();
    m->serial_ = std::move(*serial);
    m->uart_ = std::make_unique<dev::Uart16550>(m->serial_->backend(),
                                                dev::IrqLine{m->plic_.get(), kUartIrq});
    m->syscon_ = std::make_unique<dev::Syscon>([self](dev::Syscon::Action a, int code) {
        // Reboot is reported as a clean stop; the guest asked for it.
        self->request_stop(a == dev::Syscon::Action::kFail ? (code ? code : 1) : 0);
    });
    m->rtc_ = std::make_unique<dev::GoldfishRtc>(dev::IrqLine{m->plic_.get(), kRtcIrq});
    struct Slot {
        uint64_t base, size;
        mem::MmioDevice* dev;
    };
    for (const Slot& s : {Slot{kTestBase, dev::Syscon::kSize, m->syscon_.get()},
                          Slot{kRtcBase, dev::GoldfishRtc::kSize, m->rtc_.get()},
                          Slot{kClintBase, dev::Clint::kSize, m->clint_.get()},
                          Slot{kPlicBase, dev::Plic::kSize, m->plic_.get()},
                          Slot{kUartBase, dev::Uart16550::kSize, m->uart_.get()}}) {
        if (auto r = m->bus_.add_device(s.base, s.size, s.dev); !r) return r.error();
    }

    BoardLayout layout;
    layout.ram_base = kRamBase;
    layout.ram_size = opts.ram_size;
    layout.harts = 1;
    layout.bootargs = opts.append;
    // virtio-mmio slots in order: disks, rng, consoles. Only slots with a device are
    // described (QEMU lists all eight, the empty ones answering device id 0;
    // leaving them out is equivalent for Linux).
    std::vector<dev::VirtioDevice*> vdevs;
    for (const DriveOption& d : opts.disks) {
        auto blk = dev::VirtioBlk::open(d.file, d.readonly, {.serial = d.id});
        if (!blk) return blk.error();
        vdevs.push_back(blk->get());
        m->disks_.push_back(std::move(*blk));
    }
    if (opts.rng) {
        m->rng_ = std::make_unique<dev::VirtioRng>();
        vdevs.push_back(m->rng_.get());
    }
    for (const CharDevOption& o : opts.consoles) {
        auto c = open_chardev(o);
        if (!c) return c.error();
        m->consoles_.push_back(std::make_unique<dev::VirtioConsole>((*c)->backend()));
        m->console_chardevs_.push_back(std::move(*c));
        vdevs.push_back(m->consoles_.back().get());
    }
    if (vdevs.size() > kVirtioSlots)
        return make_error("too many virtio devices (the virt board has " +
                          std::to_string(kVirtioSlots) + " slots)");
    for (unsigned k = 0; k < vdevs.size(); ++k) {
        const uint64_t base = kVirtioBase + k * kVirtioSize;
        m->virtio_.push_back(std::make_unique<dev::VirtioMmio>(
            *vdevs[k], m->bus_, dev::IrqLine{m->plic_.get(), 1 + k}));
        if (auto r = m->bus_.add_device(base, dev::VirtioMmio::kSize, m->virtio_.back().get()); !r)
            return r.error();
        layout.virtio.push_back({base, kVirtioSize, 1 + k});
    }
    if (!opts.dumpdtb.empty()) {
        auto blob = build_fdt(layout);
        if (!blob) return blob.error();
        std::ofstream f(opts.dumpdtb, std::ios::binary);
        f.write(reinterpret_cast<const char*>(blob->data()),
                static_cast<std::streamsize>(blob->size()));
        if (!f) return make_error(opts.dumpdtb + ": cannot write the device tree");
        return m;
    }
    auto plan = prepare_boot(*m->ram_, layout, opts.images);
    if (!plan) return plan.error();
    m->cpu_.pc = plan->entry;
    m->cpu_.x[10] = plan->a0;
    m->cpu_.x[11] = plan->a1;
    m->cpu_.x[12] = plan->a2;

    m->mmu_ = std::make_unique<riscv::Mmu>(m->ps_, m->bus_);
    m->hart_ = std::make_unique<engine::SysInterpreter>(m->cpu_, m->ps_, *m->mmu_, m->bus_,
                                                        &VirtMachine::time_fn, self);
    if (auto r = m->hart_->set_engine(opts.engine); !r) return r.error();
    m->bus_.set_dma_observer(&engine::SysInterpreter::dma_written, m->hart_.get());
    return m;
}

VirtMachine::~VirtMachine() {
    ticker_stop_ = true;
    {
        std::lock_guard<std::mutex> g(wake_mu_);
        wake_cv_.notify_all();
    }
    if (ticker_.joinable()) ticker_.join();
    stop_chardevs();
}

void VirtMachine::stop_chardevs() {
    if (serial_) serial_->stop();
    for (auto& c : console_chardevs_) c->stop();
}

uint64_t VirtMachine::ns_until_next_timer() const {
    return clint_->ns_until_timer(0);
}

void VirtMachine::ticker_loop() {
    std::unique_lock<std::mutex> lk(wake_mu_);
    while (!ticker_stop_) {
        wake_cv_.wait_for(lk, kTick);
        if (ticker_stop_) break;
        clint_->update(0);
        std::atomic_ref<uint8_t>(cpu_.exit_request).store(1, std::memory_order_relaxed);
    }
}

int VirtMachine::run() {
    if (!opts_.dumpdtb.empty()) return 0;
    std::vector<CharDev*> chardevs{serial_.get()};
    for (auto& c : console_chardevs_) chardevs.push_back(c.get());
    for (CharDev* c : chardevs) {
        if (auto r = c->start(); !r) {
            std::fprintf(stderr, "xvm: console: %s\n", r.error().message.c_str());
            stop_chardevs();
            return 1;
        }
    }
    ticker_ = std::thread([this] { ticker_loop(); });
    while (stop_status_.load() < 0) {
        const engine::HartStop s = hart_->run();
        clint_->update(0);
        if (s != engine::HartStop::Wfi) continue;
        // WFI: sleep until an interrupt is pending (a device kicks us) or the next
        // timer deadline (CLINT mtimecmp, or Sstc's stimecmp via the ticker).
        std::unique_lock<std::mutex> lk(wake_mu_);
        while (stop_status_.load() < 0 && !ps_.wfi_wakeup(clint_->time())) {
            ++wfi_sleeps_;
            const uint64_t ns = std::min<uint64_t>(ns_until_next_timer(), 1'000'000);
            wake_cv_.wait_for(lk, std::chrono::nanoseconds(ns));
            lk.unlock();
            clint_->update(0);
            lk.lock();
        }
    }
    // Input threads end and the terminal is restored; output went straight to
    // its fd, so there is nothing to flush.
    stop_chardevs();
    // A clean shutdown leaves every byte the guest wrote in the image files.
    int status = stop_status_.load();
    for (auto& d : disks_) {
        if (auto r = d->flush(); !r) {
            std::fprintf(stderr, "xvm: %s\n", r.error().message.c_str());
            if (status == 0) status = 1;
        }
    }
    return status;
}

void VirtMachine::print_stats(FILE* out, double secs) const {
    const auto& hs = hart_->stats();
    const uint64_t n = cpu_.instret;
    uint64_t hits = 0, misses = 0, flushes = 0;
    for (unsigned k = 0; k < 4; ++k) {
        hits += mmu_->tlb(k).stats().hits;
        misses += mmu_->tlb(k).stats().misses;
        flushes += mmu_->tlb(k).stats().flushes;
    }
    std::fprintf(out,
                 "xvm stats:\n"
                 "  guest instructions  %llu in %.3f s (%.1f MIPS)\n"
                 "  traps %llu, interrupts %llu, WFI sleeps %llu\n"
                 "  blocks decoded %llu, code flushes %llu\n"
                 "  data TLB hits %llu, misses %llu (hit rate %.2f%% of interpreted accesses: "
                 "compiled code does not count its hits), flushes %llu\n"
                 "  page walks %llu, MMIO accesses %llu\n",
                 static_cast<unsigned long long>(n), secs, secs > 0 ? n / secs / 1e6 : 0.0,
                 static_cast<unsigned long long>(hs.traps),
                 static_cast<unsigned long long>(hs.interrupts),
                 static_cast<unsigned long long>(wfi_sleeps_),
                 static_cast<unsigned long long>(hs.blocks_built),
                 static_cast<unsigned long long>(hs.code_flushes),
                 static_cast<unsigned long long>(hits), static_cast<unsigned long long>(misses),
                 hits + misses ? 100.0 * hits / (hits + misses) : 0.0,
                 static_cast<unsigned long long>(flushes),
                 static_cast<unsigned long long>(mmu_->stats().walks),
                 static_cast<unsigned long long>(mmu_->stats().mmio_accesses));
    hart_->print_stats(out);
    for (size_t k = 0; k < disks_.size(); ++k) {
        const dev::VirtioBlkStats st = disks_[k]->stats();
        const uint64_t lookups = st.cache.hits + st.cache.misses;
        std::fprintf(out,
                     "  disk %zu: %llu reads (%llu bytes), %llu writes (%llu bytes), %llu flushes, "
                     "%llu errors; block cache hit rate %.1f%% (%llu hits, %llu misses, %llu "
                     "writebacks, %llu syncs)\n",
                     k, static_cast<unsigned long long>(st.reads),
                     static_cast<unsigned long long>(st.bytes_read),
                     static_cast<unsigned long long>(st.writes),
                     static_cast<unsigned long long>(st.bytes_written),
                     static_cast<unsigned long long>(st.flushes),
                     static_cast<unsigned long long>(st.errors),
                     lookups ? 100.0 * st.cache.hits / lookups : 0.0,
                     static_cast<unsigned long long>(st.cache.hits),
                     static_cast<unsigned long long>(st.cache.misses),
                     static_cast<unsigned long long>(st.cache.writebacks),
                     static_cast<unsigned long long>(st.cache.syncs));
    }
    for (size_t k = 0; k < consoles_.size(); ++k) {
        const dev::VirtioConsoleStats st = consoles_[k]->stats();
        std::fprintf(out, "  console %zu: %llu bytes out, %llu bytes in\n", k,
                     static_cast<unsigned long long>(st.bytes_out),
                     static_cast<unsigned long long>(st.bytes_in));
    }
}

}  // namespace xvm::machine
