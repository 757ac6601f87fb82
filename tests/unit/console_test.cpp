#include <gtest/gtest.h>

#include <string>

#include "common/console.h"

namespace {

std::string captured;
void capture(const char* text, size_t len) { captured.append(text, len); }

TEST(Console, PrefixesEveryLineAndReplaysEarlyOutput) {
    // Logged before any sink exists: kept and replayed to the first sink.
    log_info("early %d", 1);
    console::add_sink(capture);
    EXPECT_EQ(captured, "(xenon) early 1\n");
    captured.clear();

    log_warn("two\nlines");
    EXPECT_EQ(captured, "(xenon) two\n(xenon) lines\n");
    captured.clear();

    console::set_level(LogLevel::warning);
    log_info("dropped");
    log_error("kept");
    EXPECT_EQ(captured, "(xenon) kept\n");
    console::set_level(LogLevel::info);
    captured.clear();

    // Raw writes carry no prefix; a log line after a partial raw line starts afresh.
    console::write("partial", 7);
    log_info("next");
    EXPECT_EQ(captured, "partial\n(xenon) next\n");
    captured.clear();
}

} // namespace
