#include "lib/string.h"

#include <stdint.h>

// The compiler may emit calls to these itself; they must never call back into themselves.
// `used`: with link-time optimisation the compiler's own calls are only seen after these
// would have been dropped.
extern "C" {

// Quadwords first, then the tail: a string instruction costs per repetition under
// emulation (QEMU's TCG runs each as its own block), so eight bytes per step is far cheaper.
__attribute__((used)) void* memcpy(void* dst, const void* src, size_t n) {
    void* ret = dst;
    size_t quads = n / 8, tail = n % 8;
    asm volatile("rep movsq\n\t"
                 "mov %3, %%rcx\n\t"
                 "rep movsb"
                 : "+D"(dst), "+S"(src), "+c"(quads)
                 : "r"(tail)
                 : "memory");
    return ret;
}

__attribute__((used)) void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<uint8_t*>(dst);
    auto* s = static_cast<const uint8_t*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

__attribute__((used)) void* memset(void* dst, int c, size_t n) {
    void* ret = dst;
    uint64_t pattern = uint8_t(c) * 0x0101010101010101ull;
    size_t quads = n / 8, tail = n % 8;
    asm volatile("rep stosq\n\t"
                 "mov %2, %%rcx\n\t"
                 "rep stosb"
                 : "+D"(dst), "+c"(quads)
                 : "r"(tail), "a"(pattern)
                 : "memory");
    return ret;
}

__attribute__((used)) int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b)
        a++, b++;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
        if (!*a)
            return 0;
    }
    return 0;
}

const char* strchr(const char* s, int c) {
    for (;; s++) {
        if (*s == static_cast<char>(c))
            return s;
        if (!*s)
            return nullptr;
    }
}
}
