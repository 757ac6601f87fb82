// Captures what host-built common code logs to the hypervisor console, for tests that
// check the messages. One sink serves every test (the console cannot remove sinks).
#pragma once
#include <string>

#include "common/console.h"

namespace test {

inline std::string& captured_log() {
    static std::string log;
    return log;
}

// Empties the capture; the first call also installs the sink.
inline void start_log_capture() {
    static const bool installed = [] {
        console::add_sink([](const char* text, size_t len) { captured_log().append(text, len); });
        return true;
    }();
    (void)installed;
    captured_log().clear();
}

inline size_t log_count(const std::string& needle) {
    size_t n = 0;
    for (size_t at = captured_log().find(needle); at != std::string::npos;
         at = captured_log().find(needle, at + 1))
        n++;
    return n;
}

inline bool log_contains(const std::string& needle) {
    return log_count(needle) > 0;
}

} // namespace test
