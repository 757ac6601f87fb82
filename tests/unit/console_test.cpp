#include <gtest/gtest.h>

#include <cstdarg>
#include <string>

#include "common/console.h"

namespace {

std::string captured;
void capture(const char* text, size_t len) { captured.append(text, len); }

void log_to(console::Console& c, LogLevel level, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    c.vlog(level, fmt, args);
    va_end(args);
}

TEST(Console, PrefixesEveryLineAndReplaysEarlyOutput) {
    static console::Console c; // large: not on the stack
    captured.clear();
    // Logged before any sink exists: kept and replayed to the first sink.
    log_to(c, LogLevel::info, "early %d", 1);
    c.add_sink(capture);
    EXPECT_EQ(captured, "(xenon) early 1\n");
    captured.clear();

    log_to(c, LogLevel::warning, "two\nlines");
    EXPECT_EQ(captured, "(xenon) two\n(xenon) lines\n");
    captured.clear();

    c.set_level(LogLevel::warning);
    log_to(c, LogLevel::info, "dropped");
    log_to(c, LogLevel::error, "kept");
    EXPECT_EQ(captured, "(xenon) kept\n");
    c.set_level(LogLevel::info);
    captured.clear();

    // Raw writes carry no prefix; a log line after a partial raw line starts afresh.
    c.write("partial", 7);
    log_to(c, LogLevel::info, "next");
    EXPECT_EQ(captured, "partial\n(xenon) next\n");
}

} // namespace
