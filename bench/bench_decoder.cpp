// Decoder throughput on real code: the .text of Debian's riscv64 libc.so.6, decoded
// in program order (mixed), and its compressed and full-width instructions apart.
// Counters: items/s is instructions decoded per second; "illegal_pct" is the share of
// the stream the decoder rejects. libc's .text is all code apart from zero halfwords
// of alignment padding (0x0000 is defined illegal): 124 of them in Debian 12's libc,
// 0.043% of the mixed stream, 0.076% of the compressed one. More than that means an
// instruction xvm does not know yet, or a decoder bug.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/elf.h"
#include "isa/riscv/insn.h"

namespace {

namespace rv = xvm::riscv;

struct Corpus {
    std::vector<uint32_t> mixed;       // program order
    std::vector<uint32_t> compressed;  // the 16-bit ones (upper half zero)
    std::vector<uint32_t> full;        // the 32-bit ones
};

const Corpus& corpus() {
    static const Corpus c = [] {
        const char* path = std::getenv("XVM_BENCH_LIBC");
        if (!path) path = XVM_RISCV_LIBC;
        auto elf = xvm::ElfFile::open(path, EM_RISCV);
        if (!elf) {
            std::fprintf(stderr, "bench_decoder: %s\n", elf.error().message.c_str());
            std::exit(1);
        }
        Corpus out;
        for (const xvm::ElfSection& s : elf->sections()) {
            if (s.name != ".text") continue;
            const auto bytes = elf->slice(s.offset, s.size);
            for (size_t at = 0; at + 2 <= bytes.size();) {
                uint32_t bits = bytes[at] | uint32_t{bytes[at + 1]} << 8;
                if (rv::insn_length(static_cast<uint16_t>(bits)) == 4) {
                    if (at + 4 > bytes.size()) break;
                    bits |= uint32_t{bytes[at + 2]} << 16 | uint32_t{bytes[at + 3]} << 24;
                    out.full.push_back(bits);
                    at += 4;
                } else {
                    out.compressed.push_back(bits);
                    at += 2;
                }
                out.mixed.push_back(bits);
            }
        }
        if (out.mixed.empty()) {
            std::fprintf(stderr, "bench_decoder: no .text in %s\n", path);
            std::exit(1);
        }
        return out;
    }();
    return c;
}

void decode_stream(benchmark::State& state, const std::vector<uint32_t>& words) {
    uint64_t illegal = 0;
    for (auto _ : state) {
        illegal = 0;
        for (uint32_t w : words) {
            const rv::Decoded d = rv::decode(w);
            illegal += d.op == rv::Op::illegal;
            benchmark::DoNotOptimize(d);
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(words.size()));
    state.counters["insns"] = static_cast<double>(words.size());
    state.counters["illegal_pct"] = 100.0 * static_cast<double>(illegal) / static_cast<double>(words.size());
}

void BM_DecodeLibcMixed(benchmark::State& state) { decode_stream(state, corpus().mixed); }
void BM_DecodeLibcCompressed(benchmark::State& state) { decode_stream(state, corpus().compressed); }
void BM_DecodeLibcFull(benchmark::State& state) { decode_stream(state, corpus().full); }

// The cost of the bad case: words that are not instructions (all-ones, reserved
// opcodes) must be rejected as cheaply as real code is decoded.
void BM_DecodeRandomWords(benchmark::State& state) {
    std::vector<uint32_t> words(1 << 16);
    uint32_t x = 2463534242u;
    for (uint32_t& w : words) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        w = x;
    }
    decode_stream(state, words);
}

}  // namespace

BENCHMARK(BM_DecodeLibcMixed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecodeLibcCompressed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecodeLibcFull)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecodeRandomWords)->Unit(benchmark::kMicrosecond);
