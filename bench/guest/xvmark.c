// xvmark: the guest workloads of xvm's benchmarks. One riscv64 program (also built
// natively for the native-speed ratio) with kernels that stress what CoreMark and
// ordinary programs stress: pointer chasing, integer arithmetic, unpredictable
// branches, table lookups, libc calls (qsort, snprintf, str*/mem*), and double and
// single precision arithmetic.
//
//   xvmark                 all kernels, default iterations, a readable report
//   xvmark KERNEL [N]      one kernel, N iterations (default: its own count)
//   xvmark --list          kernel names, default iterations, what each does
//
// Checksums are deterministic and must be the same under xvm, qemu-riscv64 and on
// the host: iteration i of a kernel depends only on i, no kernel depends on
// addresses, `char` signedness, qsort's algorithm (comparators are total orders),
// or libm (sin/cos come from our own series; sqrt is correctly rounded in IEEE 754).
// Both builds use -ffp-contract=off so no a*b+c is fused on one side only.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---- helpers ---------------------------------------------------------------

static uint32_t mix(uint32_t h, uint32_t v) {
    h ^= v;
    h *= 0x9e3779b1u;
    return h ^ (h >> 15);
}

static uint32_t mix64(uint32_t h, uint64_t v) {
    return mix(mix(h, (uint32_t)v), (uint32_t)(v >> 32));
}

static uint32_t mix_double(uint32_t h, double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return mix64(h, bits);
}

static uint32_t mix_float(uint32_t h, float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return mix(h, bits);
}

// xorshift32: small, fast and the same everywhere.
typedef struct {
    uint32_t s;
} rng_t;

static rng_t rng_seed(uint32_t seed) {
    rng_t r = {seed * 2654435761u + 0x6d2b79f5u};
    if (r.s == 0) r.s = 1;
    return r;
}

static uint32_t rng_next(rng_t* r) {
    uint32_t x = r->s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return r->s = x;
}

// ---- list: linked-list building, merge sort, reversal, removal, search ----

enum { kListNodes = 1024, kListQueries = 48 };

struct node {
    struct node* next;
    int32_t value;
    uint32_t tag;
};

static struct node list_pool[kListNodes];
static uint32_t list_perm[kListNodes];

static int node_before(const struct node* a, const struct node* b) {
    return a->value < b->value || (a->value == b->value && a->tag <= b->tag);
}

static struct node* list_merge(struct node* a, struct node* b) {
    struct node head = {0};
    struct node* t = &head;
    while (a && b) {
        if (node_before(a, b)) {
            t->next = a;
            a = a->next;
        } else {
            t->next = b;
            b = b->next;
        }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static struct node* list_sort(struct node* h) {
    if (!h || !h->next) return h;
    struct node* slow = h;
    struct node* fast = h->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node* second = slow->next;
    slow->next = NULL;
    return list_merge(list_sort(h), list_sort(second));
}

static uint32_t kernel_list(uint32_t iter) {
    rng_t r = rng_seed(iter);
    // Link the pool in a random order so the walk is pointer chasing, not a stride.
    for (uint32_t i = 0; i < kListNodes; ++i) list_perm[i] = i;
    for (uint32_t i = kListNodes - 1; i > 0; --i) {
        uint32_t j = rng_next(&r) % (i + 1);
        uint32_t t = list_perm[i];
        list_perm[i] = list_perm[j];
        list_perm[j] = t;
    }
    struct node* head = NULL;
    for (uint32_t i = 0; i < kListNodes; ++i) {
        struct node* n = &list_pool[list_perm[i]];
        n->value = (int32_t)(rng_next(&r) % 20000) - 10000;
        n->tag = i;
        n->next = head;
        head = n;
    }
    head = list_sort(head);

    // Reverse, then drop every node whose value is a multiple of 7.
    struct node* rev = NULL;
    while (head) {
        struct node* n = head->next;
        head->next = rev;
        rev = head;
        head = n;
    }
    struct node** link = &rev;
    while (*link) {
        if ((*link)->value % 7 == 0) *link = (*link)->next;
        else link = &(*link)->next;
    }

    uint32_t h = 0;
    for (int q = 0; q < kListQueries; ++q) {
        const int32_t want = (int32_t)(rng_next(&r) % 20000) - 10000;
        uint32_t pos = 0;
        const struct node* n = rev;
        while (n && n->value > want) {
            n = n->next;
            ++pos;
        }
        h = mix(h, pos);
    }
    for (const struct node* n = rev; n; n = n->next) h = mix(h, (uint32_t)n->value ^ (n->tag << 16));
    return h;
}

// ---- matrix: integer matrix multiply -----------------------------------------

enum { kMat = 48 };
static int32_t mat_a[kMat][kMat], mat_b[kMat][kMat], mat_c[kMat][kMat];

static uint32_t kernel_matrix(uint32_t iter) {
    rng_t r = rng_seed(iter);
    for (int i = 0; i < kMat; ++i) {
        for (int j = 0; j < kMat; ++j) {
            mat_a[i][j] = (int32_t)(rng_next(&r) & 0xffff) - 0x8000;
            mat_b[i][j] = (int32_t)(rng_next(&r) & 0x3ff) - 0x200;
        }
    }
    for (int i = 0; i < kMat; ++i) {
        for (int j = 0; j < kMat; ++j) {
            uint32_t sum = 0;  // wraps: unsigned, so no undefined behaviour
            for (int k = 0; k < kMat; ++k) sum += (uint32_t)mat_a[i][k] * (uint32_t)mat_b[k][j];
            mat_c[i][j] = (int32_t)sum;
        }
    }
    uint32_t h = 0;
    for (int i = 0; i < kMat; ++i)
        for (int j = 0; j < kMat; ++j) h = mix(h, (uint32_t)mat_c[i][j]);
    return h;
}

// ---- state: a tokenizer state machine over a byte stream ---------------------

enum { kStreamLen = 16384 };
static uint8_t stream[kStreamLen];
static int stream_ready;

static void stream_init(void) {
    static const char* const words[] = {"alpha", "x", "beta_2", "_tmp", "gamma", "if", "while", "z9"};
    rng_t r = rng_seed(12345);
    size_t n = 0;
    char tok[32];
    while (n < kStreamLen) {
        const uint32_t k = rng_next(&r);
        int len;
        switch (k % 9) {
            case 0: len = snprintf(tok, sizeof tok, "%u", k >> 12); break;
            case 1: len = snprintf(tok, sizeof tok, "0x%x", k >> 8); break;
            case 2: len = snprintf(tok, sizeof tok, "%u.%u", (k >> 20) & 0xff, (k >> 4) & 0xfff); break;
            case 3: len = snprintf(tok, sizeof tok, "%u.%ue-%u", (k >> 24) & 0xf, (k >> 8) & 0xff, k & 31); break;
            case 4: len = snprintf(tok, sizeof tok, "%s", words[(k >> 8) & 7]); break;
            case 5: len = snprintf(tok, sizeof tok, "\"s%u\"", k & 0xff); break;
            case 6: len = snprintf(tok, sizeof tok, "%c", "+-*/=;(),"[(k >> 8) % 9]); break;
            case 7: len = snprintf(tok, sizeof tok, "1.2.%u", k & 7); break;  // malformed
            default: len = snprintf(tok, sizeof tok, "%s", (k & 0x100) ? "\n" : "\t"); break;
        }
        for (int i = 0; i < len && n < kStreamLen; ++i) stream[n++] = (uint8_t)tok[i];
        if (n < kStreamLen && (k & 0x3000)) stream[n++] = ' ';
    }
    stream_ready = 1;
}

enum state { S_START, S_INT, S_ZERO, S_HEX, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_DIG, S_IDENT, S_STRING, S_BAD };
enum token { T_INT, T_HEX, T_FLOAT, T_IDENT, T_STRING, T_PUNCT, T_BAD, T_COUNT };

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static int is_alpha(uint8_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_hex(uint8_t c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_space(uint8_t c) { return c == ' ' || c == '\n' || c == '\t'; }

static uint32_t kernel_state(uint32_t iter) {
    if (!stream_ready) stream_init();
    uint32_t counts[T_COUNT] = {0};
    uint32_t transitions = 0, lines = 0;
    uint64_t value = 0, int_sum = 0;
    enum state s = S_START;
    // Start at an iteration-dependent offset, wrap around once: each pass sees the
    // same bytes in a different phase.
    const uint32_t start = (iter * 7919u) % kStreamLen;
    for (uint32_t n = 0; n <= kStreamLen; ++n) {
        const uint8_t c = n == kStreamLen ? ' ' : stream[(start + n) % kStreamLen];
        const enum state before = s;
        // Ending a token: classify it and start over at this byte.
        int end = 0;
        switch (s) {
            case S_START:
                if (is_space(c)) {
                    lines += c == '\n';
                } else if (c == '0') {
                    s = S_ZERO;
                    value = 0;
                } else if (is_digit(c)) {
                    s = S_INT;
                    value = c - '0';
                } else if (is_alpha(c)) {
                    s = S_IDENT;
                } else if (c == '"') {
                    s = S_STRING;
                } else {
                    ++counts[T_PUNCT];
                }
                break;
            case S_ZERO:
                if (c == 'x' || c == 'X') s = S_HEX;
                else if (is_digit(c)) s = S_INT, value = c - '0';
                else if (c == '.') s = S_FRAC;
                else end = T_INT + 1;
                break;
            case S_INT:
                if (is_digit(c)) value = value * 10 + (c - '0');
                else if (c == '.') s = S_FRAC;
                else if (c == 'e' || c == 'E') s = S_EXP;
                else if (is_alpha(c)) s = S_BAD;
                else end = T_INT + 1;
                break;
            case S_HEX:
                if (is_hex(c)) value = value * 16 + (is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
                else if (is_alpha(c) || c == '.') s = S_BAD;
                else end = T_HEX + 1;
                break;
            case S_FRAC:
                if (is_digit(c)) break;
                if (c == 'e' || c == 'E') s = S_EXP;
                else if (c == '.' || is_alpha(c)) s = S_BAD;
                else end = T_FLOAT + 1;
                break;
            case S_EXP:
                if (c == '+' || c == '-') s = S_EXP_SIGN;
                else if (is_digit(c)) s = S_EXP_DIG;
                else s = S_BAD;
                break;
            case S_EXP_SIGN: s = is_digit(c) ? S_EXP_DIG : S_BAD; break;
            case S_EXP_DIG:
                if (is_digit(c)) break;
                if (is_alpha(c) || c == '.') s = S_BAD;
                else end = T_FLOAT + 1;
                break;
            case S_IDENT:
                if (!is_alpha(c) && !is_digit(c)) end = T_IDENT + 1;
                break;
            case S_STRING:
                if (c == '"') {
                    ++counts[T_STRING];
                    s = S_START;
                } else if (c == '\n') {
                    s = S_BAD;
                }
                break;
            case S_BAD:
                if (is_space(c)) end = T_BAD + 1;
                break;
        }
        if (end) {
            ++counts[end - 1];
            if (end - 1 == T_INT || end - 1 == T_HEX) int_sum += value;
            // Reprocess this byte from the start state (one level: it is a separator
            // or the start of the next token).
            s = S_START;
            if (is_space(c)) lines += c == '\n';
            else if (is_digit(c)) s = c == '0' ? S_ZERO : S_INT, value = c - '0';
            else if (is_alpha(c)) s = S_IDENT;
            else if (c == '"') s = S_STRING;
            else ++counts[T_PUNCT];
        }
        transitions += s != before;
    }
    uint32_t h = mix(mix(transitions, lines), (uint32_t)int_sum ^ (uint32_t)(int_sum >> 32));
    for (int t = 0; t < T_COUNT; ++t) h = mix(h, counts[t]);
    return h;
}

// ---- crc32: table-driven CRC-32 (IEEE 802.3, reflected 0xEDB88320) -----------

enum { kCrcLen = 16384 };
static uint8_t crc_buf[kCrcLen];
static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
        crc_table[i] = c;
    }
    rng_t r = rng_seed(777);
    for (uint32_t i = 0; i < kCrcLen; ++i) crc_buf[i] = (uint8_t)(rng_next(&r) >> 24);
    crc_ready = 1;
}

static uint32_t crc32_bytes(const uint8_t* p, size_t n) {
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; ++i) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

static uint32_t kernel_crc32(uint32_t iter) {
    if (!crc_ready) crc_init();
    crc_buf[(iter * 131u) % kCrcLen] ^= (uint8_t)(iter | 1);
    return crc32_bytes(crc_buf, kCrcLen);
}

// ---- sha256: FIPS 180-4 SHA-256 over a buffer --------------------------------

enum { kShaLen = 8192 };
static uint8_t sha_buf[kShaLen];
static int sha_ready;

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t st[8], const uint8_t* p) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; ++i) {
        const uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; ++i) {
        const uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        const uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    st[0] += a, st[1] += b, st[2] += c, st[3] += d, st[4] += e, st[5] += f, st[6] += g, st[7] += h;
}

static void sha256(const uint8_t* msg, size_t len, uint8_t out[32]) {
    uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t n = 0;
    for (; n + 64 <= len; n += 64) sha256_block(st, msg + n);
    uint8_t tail[128] = {0};
    const size_t rest = len - n;
    memcpy(tail, msg + n, rest);
    tail[rest] = 0x80;
    const size_t blocks = rest + 9 <= 64 ? 1 : 2;
    const uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; ++i) tail[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (size_t b = 0; b < blocks; ++b) sha256_block(st, tail + 64 * b);
    for (int i = 0; i < 8; ++i) {
        out[4 * i] = (uint8_t)(st[i] >> 24);
        out[4 * i + 1] = (uint8_t)(st[i] >> 16);
        out[4 * i + 2] = (uint8_t)(st[i] >> 8);
        out[4 * i + 3] = (uint8_t)st[i];
    }
}

static uint32_t kernel_sha256(uint32_t iter) {
    if (!sha_ready) {
        rng_t r = rng_seed(4242);
        for (uint32_t i = 0; i < kShaLen; ++i) sha_buf[i] = (uint8_t)rng_next(&r);
        sha_ready = 1;
    }
    sha_buf[(iter * 61u) % kShaLen] += (uint8_t)iter;
    uint8_t digest[32];
    // Odd length: the padding takes the two-block path now and then.
    sha256(sha_buf, kShaLen - (iter % 61), digest);
    uint32_t h = 0;
    for (int i = 0; i < 32; i += 4) {
        uint32_t w;
        memcpy(&w, digest + i, 4);
        h = mix(h, w);
    }
    return h;
}

// ---- qsort: libc qsort of structs with a multi-key comparator ----------------

enum { kRecords = 1500 };

struct record {
    uint32_t key;
    uint16_t group;
    char name[10];
    double weight;
    uint32_t idx;
};

static struct record records[kRecords];

static int record_cmp(const void* pa, const void* pb) {
    const struct record* a = pa;
    const struct record* b = pb;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    if (a->weight != b->weight) return a->weight > b->weight ? -1 : 1;
    const int c = strcmp(a->name, b->name);
    if (c) return c;
    // Unique last key: a total order, so every correct sort gives the same result.
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static uint32_t kernel_qsort(uint32_t iter) {
    rng_t r = rng_seed(iter);
    for (uint32_t i = 0; i < kRecords; ++i) {
        struct record* e = &records[i];
        const uint32_t k = rng_next(&r);
        e->key = k;
        e->group = (uint16_t)(k % 13);
        e->weight = (double)(rng_next(&r) % 512) / 8.0;  // exact, and many ties
        const uint32_t n = rng_next(&r);
        for (int c = 0; c < 4; ++c) e->name[c] = (char)('a' + (n >> (5 * c)) % 6);
        e->name[4] = 0;
        e->idx = i;
    }
    qsort(records, kRecords, sizeof records[0], record_cmp);
    uint32_t h = 0;
    for (uint32_t i = 0; i < kRecords; ++i) h = mix(h, records[i].idx);
    return h;
}

// ---- strings: snprintf / strlen / memcpy / strstr / strcmp -------------------

enum { kStrLines = 160, kStrBuf = 16384 };
static char str_buf[kStrBuf];
static char str_copy[kStrBuf];

static uint32_t kernel_strings(uint32_t iter) {
    static const char* const names[] = {"inode", "dentry", "page", "vma", "task", "socket", "pipe", "futex"};
    rng_t r = rng_seed(iter);
    size_t len = 0;
    str_buf[0] = 0;
    char line[96];
    for (int i = 0; i < kStrLines; ++i) {
        const uint32_t k = rng_next(&r);
        const int n = snprintf(line, sizeof line, "%s[%d]=%08x:%5u:%.3f;", names[k & 7], i, k,
                               k >> 18, (double)(k >> 8) / 7.0);
        if (len + (size_t)n + 1 >= kStrBuf) break;
        memcpy(str_buf + len, line, (size_t)n + 1);
        len += strlen(str_buf + len);
    }
    // Copy the lines out in a shuffled order of 64-byte chunks, then count matches.
    size_t out = 0;
    for (size_t off = (iter * 64u) % len, done = 0; done < len; done += 64) {
        const size_t chunk = len - done < 64 ? len - done : 64;
        const size_t first = off + chunk <= len ? chunk : len - off;
        memcpy(str_copy + out, str_buf + off, first);
        memcpy(str_copy + out + first, str_buf, chunk - first);
        out += chunk;
        off = (off + chunk) % len;
    }
    str_copy[out] = 0;
    uint32_t hits = 0;
    for (const char* p = str_copy; (p = strstr(p, "page[")) != NULL; ++p) ++hits;
    int order = 0;
    for (const char* p = str_buf; *p;) {
        const char* q = strchr(p, ';');
        if (!q) break;
        order += strncmp(p, str_copy + (q - str_buf) % out, (size_t)(q - p)) < 0;
        p = q + 1;
    }
    uint32_t h = mix(mix((uint32_t)len, hits), (uint32_t)order);
    for (size_t i = 0; i + 4 <= out; i += 4) {
        uint32_t w;
        memcpy(&w, str_copy + i, 4);
        h = mix(h, w);
    }
    return h;
}

// ---- nbody: double precision gravitational n-body ----------------------------

enum { kBodies = 32, kSteps = 6 };

struct body {
    double x, y, z, vx, vy, vz, m;
};

static struct body bodies[kBodies];

static double nbody_energy(void) {
    double e = 0;
    for (int i = 0; i < kBodies; ++i) {
        const struct body* a = &bodies[i];
        e += 0.5 * a->m * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < kBodies; ++j) {
            const struct body* b = &bodies[j];
            const double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->m * b->m / __builtin_sqrt(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

static uint32_t kernel_nbody(uint32_t iter) {
    rng_t r = rng_seed(iter);
    for (int i = 0; i < kBodies; ++i) {
        struct body* b = &bodies[i];
        b->x = (double)(rng_next(&r) % 2001) / 100.0 - 10.0;
        b->y = (double)(rng_next(&r) % 2001) / 100.0 - 10.0;
        b->z = (double)(rng_next(&r) % 2001) / 100.0 - 10.0;
        b->vx = (double)(rng_next(&r) % 201) / 1000.0 - 0.1;
        b->vy = (double)(rng_next(&r) % 201) / 1000.0 - 0.1;
        b->vz = (double)(rng_next(&r) % 201) / 1000.0 - 0.1;
        b->m = 0.5 + (double)(rng_next(&r) % 100) / 50.0;
    }
    const double e0 = nbody_energy();
    const double dt = 0.01;
    for (int s = 0; s < kSteps; ++s) {
        for (int i = 0; i < kBodies; ++i) {
            struct body* a = &bodies[i];
            for (int j = i + 1; j < kBodies; ++j) {
                struct body* b = &bodies[j];
                const double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
                const double d2 = dx * dx + dy * dy + dz * dz + 0.01;
                const double mag = dt / (d2 * __builtin_sqrt(d2));
                a->vx -= dx * b->m * mag;
                a->vy -= dy * b->m * mag;
                a->vz -= dz * b->m * mag;
                b->vx += dx * a->m * mag;
                b->vy += dy * a->m * mag;
                b->vz += dz * a->m * mag;
            }
        }
        for (int i = 0; i < kBodies; ++i) {
            struct body* b = &bodies[i];
            b->x += dt * b->vx;
            b->y += dt * b->vy;
            b->z += dt * b->vz;
        }
    }
    uint32_t h = mix_double(0, e0);
    h = mix_double(h, nbody_energy());
    for (int i = 0; i < kBodies; ++i) h = mix_double(h, bodies[i].x + bodies[i].y + bodies[i].z);
    return h;
}

// ---- stencil: 2D five-point Jacobi sweeps in double --------------------------

enum { kGrid = 64, kSweeps = 6 };
static double grid_a[kGrid][kGrid], grid_b[kGrid][kGrid];

static uint32_t kernel_stencil(uint32_t iter) {
    rng_t r = rng_seed(iter);
    for (int i = 0; i < kGrid; ++i)
        for (int j = 0; j < kGrid; ++j) grid_a[i][j] = (double)(rng_next(&r) % 1000) * 0.125;
    for (int s = 0; s < kSweeps; ++s) {
        for (int i = 1; i < kGrid - 1; ++i) {
            for (int j = 1; j < kGrid - 1; ++j) {
                grid_b[i][j] = 0.5 * grid_a[i][j] +
                               0.125 * (grid_a[i - 1][j] + grid_a[i + 1][j] + grid_a[i][j - 1] + grid_a[i][j + 1]);
            }
        }
        for (int i = 1; i < kGrid - 1; ++i)
            for (int j = 1; j < kGrid - 1; ++j) grid_a[i][j] = grid_b[i][j];
    }
    double sum = 0, peak = 0;
    for (int i = 0; i < kGrid; ++i) {
        for (int j = 0; j < kGrid; ++j) {
            sum += grid_a[i][j];
            if (grid_a[i][j] > peak) peak = grid_a[i][j];
        }
    }
    return mix_double(mix_double(0, sum), peak);
}

// ---- fft: single precision complex FFT with double precision twiddles --------

enum { kFftLog = 9, kFft = 1 << kFftLog };
static float fft_re[kFft], fft_im[kFft], fft_wr[kFft / 2], fft_wi[kFft / 2];
static float fft_in[kFft];
static int fft_ready;

// sin and cos of x in [-pi/4, pi/4] by Taylor series: only +, -, *, so the result
// is the same on every IEEE 754 machine (libm's may differ in the last bit).
static void sincos_series(double x, double* s, double* c) {
    const double x2 = x * x;
    double term_s = x, term_c = 1, sum_s = x, sum_c = 1;
    for (int k = 1; k < 12; ++k) {
        term_s = -term_s * x2 / (double)((2 * k) * (2 * k + 1));
        term_c = -term_c * x2 / (double)((2 * k - 1) * (2 * k));
        sum_s += term_s;
        sum_c += term_c;
    }
    *s = sum_s;
    *c = sum_c;
}

// e^{i theta} for theta = 2 pi k / N, k in [0, N/2): reduced to [0, pi/4] by symmetry.
static void twiddle(int k, double* s, double* c) {
    const double pi = 3.14159265358979323846;
    const int oct = kFft / 8;
    double st, ct;
    if (k <= oct) {
        sincos_series(2 * pi * k / kFft, s, c);
    } else if (k <= 2 * oct) {  // pi/2 - t
        sincos_series(2 * pi * (2 * oct - k) / kFft, &st, &ct);
        *s = ct, *c = st;
    } else if (k <= 3 * oct) {  // pi/2 + t
        sincos_series(2 * pi * (k - 2 * oct) / kFft, &st, &ct);
        *s = ct, *c = -st;
    } else {  // pi - t
        sincos_series(2 * pi * (4 * oct - k) / kFft, &st, &ct);
        *s = st, *c = -ct;
    }
}

static void fft_init(void) {
    for (int k = 0; k < kFft / 2; ++k) {
        double s, c;
        twiddle(k, &s, &c);
        fft_wr[k] = (float)c;
        fft_wi[k] = (float)-s;  // forward transform: e^{-i theta}
    }
    fft_ready = 1;
}

static void fft_run(float* re, float* im, int inverse) {
    for (int i = 1, j = 0; i < kFft; ++i) {
        int bit = kFft >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            float t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (int len = 2; len <= kFft; len <<= 1) {
        const int step = kFft / len;
        for (int i = 0; i < kFft; i += len) {
            for (int k = 0; k < len / 2; ++k) {
                const float wr = fft_wr[k * step];
                const float wi = inverse ? -fft_wi[k * step] : fft_wi[k * step];
                const int a = i + k, b = i + k + len / 2;
                const float xr = re[b] * wr - im[b] * wi;
                const float xi = re[b] * wi + im[b] * wr;
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
        }
    }
}

static uint32_t kernel_fft(uint32_t iter) {
    if (!fft_ready) fft_init();
    rng_t r = rng_seed(iter);
    for (int i = 0; i < kFft; ++i) {
        fft_in[i] = (float)((int32_t)(rng_next(&r) % 2001) - 1000) / 256.0f;
        fft_re[i] = fft_in[i];
        fft_im[i] = 0;
    }
    fft_run(fft_re, fft_im, 0);
    double power = 0;
    uint32_t h = 0;
    for (int i = 0; i < kFft; ++i) power += (double)fft_re[i] * fft_re[i] + (double)fft_im[i] * fft_im[i];
    h = mix_float(mix_float(h, fft_re[1]), fft_im[kFft / 3]);
    fft_run(fft_re, fft_im, 1);
    double err = 0;
    const float scale = 1.0f / kFft;
    for (int i = 0; i < kFft; ++i) {
        const double d = (double)(fft_re[i] * scale) - fft_in[i];
        err += d * d;
    }
    return mix_double(mix_double(h, power), err);
}

// ---- driver ----------------------------------------------------------------

struct kernel {
    const char* name;
    uint32_t (*run)(uint32_t iter);
    uint32_t iters;  // default: about 0.5 s under qemu-riscv64
    const char* what;
};

static const struct kernel kernels[] = {
    {"list", kernel_list, 3000, "linked list: shuffle-link, merge sort, reverse, remove, search"},
    {"matrix", kernel_matrix, 2800, "48x48 int32 matrix multiply"},
    {"state", kernel_state, 8000, "tokenizer state machine over a 16 KiB byte stream"},
    {"crc32", kernel_crc32, 10000, "table-driven CRC-32 of 16 KiB"},
    {"sha256", kernel_sha256, 5000, "SHA-256 of 8 KiB"},
    {"qsort", kernel_qsort, 700, "libc qsort of 1500 structs, multi-key comparator"},
    {"strings", kernel_strings, 800, "snprintf, strlen, memcpy, strstr, strncmp"},
    {"nbody", kernel_nbody, 1200, "double precision n-body, 32 bodies, 6 steps"},
    {"stencil", kernel_stencil, 700, "double precision 5-point Jacobi, 64x64, 6 sweeps"},
    {"fft", kernel_fft, 900, "512-point single precision FFT and inverse, double twiddles"},
};
enum { kKernels = sizeof kernels / sizeof kernels[0] };

static double now_ms(void) {
    struct timespec ts;
    // An emulator without clock_gettime gives 0: the report still prints checksums.
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct result {
    uint32_t checksum;
    double ms;
};

static struct result run_kernel(const struct kernel* k, uint32_t iters) {
    const double t0 = now_ms();
    uint32_t h = 0x811c9dc5u;
    for (uint32_t i = 0; i < iters; ++i) h = mix(h, k->run(i));
    const double t1 = now_ms();
    struct result r = {h, t1 - t0};
    return r;
}

static void print_header(void) {
    printf("%-9s %8s  %-10s %10s %12s\n", "kernel", "iters", "checksum", "ms", "iter/s");
}

static void print_row(const struct kernel* k, uint32_t iters, struct result r) {
    if (r.ms > 0)
        printf("%-9s %8u  0x%08x %10.1f %12.1f\n", k->name, iters, r.checksum, r.ms, iters / (r.ms / 1e3));
    else
        printf("%-9s %8u  0x%08x %10s %12s\n", k->name, iters, r.checksum, "n/a", "n/a");
}

static int usage(void) {
    fprintf(stderr, "usage: xvmark [--list | --quick | KERNEL [ITERATIONS]]\n");
    return 2;
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < kKernels; ++i)
            printf("%-9s %6u  %s\n", kernels[i].name, kernels[i].iters, kernels[i].what);
        return 0;
    }
    // --quick: every kernel at a tenth of its iterations (a few seconds in all).
    const int quick = argc == 2 && strcmp(argv[1], "--quick") == 0;
    if (argc > 3) return usage();
    if (argc >= 2 && !quick) {
        const struct kernel* k = NULL;
        for (int i = 0; i < kKernels; ++i)
            if (strcmp(argv[1], kernels[i].name) == 0) k = &kernels[i];
        if (!k) {
            fprintf(stderr, "xvmark: unknown kernel '%s' (try --list)\n", argv[1]);
            return 2;
        }
        uint32_t iters = k->iters;
        if (argc == 3) {
            char* end;
            const unsigned long n = strtoul(argv[2], &end, 10);
            if (*end || n == 0 || n > 100000000ul) return usage();
            iters = (uint32_t)n;
        }
        print_header();
        print_row(k, iters, run_kernel(k, iters));
        return 0;
    }

    const uint32_t divisor = quick ? 10 : 1;
    printf("xvmark: %d kernels, deterministic checksums%s\n\n", kKernels,
           quick ? " (quick: a tenth of the iterations)" : "");
    print_header();
    double log_sum = 0;
    int timed = 0;
    for (int i = 0; i < kKernels; ++i) {
        const uint32_t iters = kernels[i].iters / divisor;
        const struct result r = run_kernel(&kernels[i], iters);
        print_row(&kernels[i], iters, r);
        fflush(stdout);
        if (r.ms > 0) {
            log_sum += log(iters / (r.ms / 1e3));
            ++timed;
        }
    }
    // The score: geometric mean of iterations per second (higher is faster). It is
    // only comparable between runs of the same xvmark build.
    if (timed == kKernels) printf("\nscore (geometric mean of iter/s): %.1f\n", exp(log_sum / timed));
    else printf("\nscore: n/a (no clock)\n");
    return 0;
}
