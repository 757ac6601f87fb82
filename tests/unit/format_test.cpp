#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "lib/format.h"

namespace {

// Every case is checked against the C library's snprintf, which defines the behaviour.
template <typename... Args> void expect_like_libc(const char* fmt, Args... args) {
    char ours[128];
    char theirs[128];
    size_t n = lib::format(ours, sizeof(ours), fmt, args...);
    int m = snprintf(theirs, sizeof(theirs), fmt, args...);
    EXPECT_STREQ(ours, theirs) << "format: " << fmt;
    EXPECT_EQ(n, static_cast<size_t>(m)) << "format: " << fmt;
}

TEST(Format, IntegersMatchLibc) {
    expect_like_libc("%d %i %u", -42, 17, 4000000000u);
    expect_like_libc("%x %X %o", 0xbeefu, 0xbeefu, 8u);
    expect_like_libc("%08x|%-8x|%8x", 0x1234u, 0x1234u, 0x1234u);
    expect_like_libc("%#x %#o %#x", 255u, 8u, 0u);
    expect_like_libc("%+d % d %05d %-5d|", 5, 5, -42, -42);
    expect_like_libc("%lu %ld %llx %zu", 123456789012ul, -5l, 0xffffffffffffffffull, size_t{9});
    expect_like_libc("%hhu %hd", 300, 70000);
    expect_like_libc("%.3d %.0d|", 7, 0);
    expect_like_libc("%ld", static_cast<long>(INT64_MIN));
}

TEST(Format, StringsAndChars) {
    expect_like_libc("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
    expect_like_libc("%c%c%3c", 'x', 'y', 'z');
    expect_like_libc("100%%");
    expect_like_libc("%*d|%-*d", 6, 42, 6, 42);
}

TEST(Format, PointerIsHexWithPrefix) {
    char buf[64];
    lib::format(buf, sizeof(buf), "%p", reinterpret_cast<void*>(0xffff82d040200000ull));
    EXPECT_STREQ(buf, "0xffff82d040200000");
}

TEST(Format, TruncatesButCountsEverything) {
    char buf[8];
    size_t n = lib::format(buf, sizeof(buf), "%s", "hello world");
    EXPECT_EQ(n, 11u);
    EXPECT_STREQ(buf, "hello w");
    // A zero-sized buffer is never written.
    char untouched = 'q';
    EXPECT_EQ(lib::format(&untouched, 0, "abc"), 3u);
    EXPECT_EQ(untouched, 'q');
}

TEST(Format, NullStringIsShownNotFollowed) {
    char buf[16];
    lib::format(buf, sizeof(buf), "%s", static_cast<const char*>(nullptr));
    EXPECT_STREQ(buf, "(null)");
}

} // namespace
