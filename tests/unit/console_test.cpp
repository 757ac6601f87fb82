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

// XEN_SYSCTL_readconsole's view of the ring: what read_ring copies out.
std::string ring_text;
bool ring_copy(void* ctx, uint32_t at, const char* data, uint32_t len) {
    if (ctx)
        return false; // a faulting buffer
    if (ring_text.size() < at + len)
        ring_text.resize(at + len);
    ring_text.replace(at, len, data, len);
    return true;
}

std::string read_ring(console::Console& c, console::RingRead& r) {
    ring_text.clear();
    EXPECT_EQ(c.read_ring(r, ring_copy, nullptr), 0);
    return ring_text;
}

TEST(ConsoleRing, RecordsEverythingEmittedExceptUnrecordedWrites) {
    static console::Console c;
    log_to(c, LogLevel::info, "before any sink");
    c.add_sink(capture);
    c.write("raw\n", 4);
    c.write_unrecorded("dom0 text\n", 10);
    console::RingRead r{false, false, 0, 1000};
    EXPECT_EQ(read_ring(c, r), "(xenon) before any sink\nraw\n");
    EXPECT_EQ(r.count, 28u);
    EXPECT_EQ(r.index, 28u);
}

TEST(ConsoleRing, IncrementalClearAndSmallBuffers) {
    static console::Console c;
    c.write("0123456789", 10);
    // A short buffer gets the oldest bytes; index says where the read stopped.
    console::RingRead r{false, false, 0, 4};
    EXPECT_EQ(read_ring(c, r), "0123");
    EXPECT_EQ(r.index, 4u);
    // Incremental from there: the rest.
    r = {false, true, 4, 100};
    EXPECT_EQ(read_ring(c, r), "456789");
    EXPECT_EQ(r.index, 10u);
    // An index outside the contents (here: at the start itself, or past the end) reads all.
    r = {false, true, 0, 100};
    EXPECT_EQ(read_ring(c, r), "0123456789");
    r = {false, true, 11, 100};
    EXPECT_EQ(read_ring(c, r), "0123456789");
    // Clear: the ring starts where the read stopped, so a partial read keeps the rest.
    r = {true, false, 0, 3};
    EXPECT_EQ(read_ring(c, r), "012");
    r = {false, false, 0, 100};
    EXPECT_EQ(read_ring(c, r), "3456789");
    r = {true, false, 0, 100};
    read_ring(c, r);
    r = {false, false, 0, 100};
    EXPECT_EQ(read_ring(c, r), "");
    EXPECT_EQ(r.count, 0u);
    EXPECT_EQ(r.index, 10u);
    // A fault reports -1 and clears nothing.
    c.write("ab", 2);
    r = {true, false, 0, 100};
    EXPECT_EQ(c.read_ring(r, ring_copy, &r), -1);
    r = {false, false, 0, 100};
    EXPECT_EQ(read_ring(c, r), "ab");
}

TEST(ConsoleRing, KeepsTheNewestRingSizeBytes) {
    static console::Console c;
    std::string all;
    for (uint32_t i = 0; all.size() < console::kRingSize + 100; i++)
        all += "line " + std::to_string(i) + "\n";
    c.write(all.data(), all.size());
    console::RingRead r{false, false, 0, 2 * console::kRingSize};
    std::string got = read_ring(c, r);
    EXPECT_EQ(got.size(), console::kRingSize);
    EXPECT_EQ(got, all.substr(all.size() - console::kRingSize));
    EXPECT_EQ(r.index, static_cast<uint32_t>(all.size()));
}

} // namespace
