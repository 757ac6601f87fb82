#pragma once
#include <stdexcept>
#include <string>

// Thrown by the host build of panic() and fatal_boot_error().
struct HostPanic : std::runtime_error {
    explicit HostPanic(const std::string& what) : std::runtime_error(what) {}
};
