#include "lib/format.h"

#include <stdint.h>

namespace lib {
namespace {

// Appends to the buffer, counting what would not fit.
struct Sink {
    char* buf;
    size_t size;
    size_t len = 0;
    void put(char c) {
        if (len + 1 < size)
            buf[len] = c;
        len++;
    }
    void repeat(char c, int n) {
        while (n-- > 0)
            put(c);
    }
};

struct Spec {
    bool left = false, zero = false, plus = false, space = false, alt = false;
    int width = 0;
    int precision = -1;
};

void emit_number(Sink& out, uint64_t value, bool negative, unsigned base, bool upper,
                 const Spec& spec) {
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (value == 0 && spec.precision != 0)
        digits[n++] = '0';
    while (value) {
        digits[n++] = set[value % base];
        value /= base;
    }
    const char* prefix = "";
    if (negative)
        prefix = "-";
    else if (spec.plus)
        prefix = "+";
    else if (spec.space)
        prefix = " ";
    if (spec.alt && base == 16 && n && !(n == 1 && digits[0] == '0'))
        prefix = upper ? "0X" : "0x";
    if (spec.alt && base == 8 && (n == 0 || digits[n - 1] != '0'))
        prefix = "0";
    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int zeros = spec.precision > n ? spec.precision - n : 0;
    int body = prefix_len + zeros + n;
    int pad = spec.width > body ? spec.width - body : 0;
    if (spec.zero && !spec.left && spec.precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!spec.left)
        out.repeat(' ', pad);
    for (int i = 0; i < prefix_len; i++)
        out.put(prefix[i]);
    out.repeat('0', zeros);
    while (n)
        out.put(digits[--n]);
    if (spec.left)
        out.repeat(' ', pad);
}

void emit_string(Sink& out, const char* s, const Spec& spec) {
    if (!s)
        s = "(null)";
    int len = 0;
    while (s[len] && (spec.precision < 0 || len < spec.precision))
        len++;
    int pad = spec.width > len ? spec.width - len : 0;
    if (!spec.left)
        out.repeat(' ', pad);
    for (int i = 0; i < len; i++)
        out.put(s[i]);
    if (spec.left)
        out.repeat(' ', pad);
}

} // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list args) {
    Sink out{buf, size};
    while (*fmt) {
        if (*fmt != '%') {
            out.put(*fmt++);
            continue;
        }
        fmt++;
        Spec spec;
        for (;; fmt++) {
            if (*fmt == '-')
                spec.left = true;
            else if (*fmt == '0')
                spec.zero = true;
            else if (*fmt == '+')
                spec.plus = true;
            else if (*fmt == ' ')
                spec.space = true;
            else if (*fmt == '#')
                spec.alt = true;
            else
                break;
        }
        if (*fmt == '*') {
            spec.width = va_arg(args, int);
            if (spec.width < 0) {
                spec.left = true;
                spec.width = -spec.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                spec.width = spec.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            spec.precision = 0;
            if (*fmt == '*') {
                spec.precision = va_arg(args, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    spec.precision = spec.precision * 10 + (*fmt++ - '0');
            }
        }
        int longs = 0; // 0 int, 1 long, 2 long long, -1 short, -2 char
        for (;; fmt++) {
            if (*fmt == 'l')
                longs++;
            else if (*fmt == 'h')
                longs--;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
                longs = 2;
            else
                break;
        }
        char conv = *fmt;
        if (!conv)
            break;
        fmt++;
        switch (conv) {
        case 'd':
        case 'i': {
            int64_t v = longs >= 1 ? va_arg(args, long long) : va_arg(args, int);
            if (longs == -1)
                v = static_cast<short>(v);
            else if (longs <= -2)
                v = static_cast<signed char>(v);
            uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
            emit_number(out, magnitude, v < 0, 10, false, spec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = longs >= 1 ? va_arg(args, unsigned long long) : va_arg(args, unsigned);
            if (longs == -1)
                v = static_cast<unsigned short>(v);
            else if (longs <= -2)
                v = static_cast<unsigned char>(v);
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            emit_number(out, v, false, base, conv == 'X', spec);
            break;
        }
        case 'p': {
            spec.alt = true;
            emit_number(out, reinterpret_cast<uintptr_t>(va_arg(args, void*)), false, 16, false,
                        spec);
            break;
        }
        case 'c': {
            char c = static_cast<char>(va_arg(args, int));
            int pad = spec.width > 1 ? spec.width - 1 : 0;
            if (!spec.left)
                out.repeat(' ', pad);
            out.put(c);
            if (spec.left)
                out.repeat(' ', pad);
            break;
        }
        case 's':
            emit_string(out, va_arg(args, const char*), spec);
            break;
        case '%':
            out.put('%');
            break;
        default: // unknown conversion: show it rather than guess
            out.put('%');
            out.put(conv);
            break;
        }
    }
    if (size)
        buf[out.len < size ? out.len : size - 1] = '\0';
    return out.len;
}

size_t format(char* buf, size_t size, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    size_t n = vformat(buf, size, fmt, args);
    va_end(args);
    return n;
}

} // namespace lib
