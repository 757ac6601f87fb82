#pragma once

namespace arch {
// Crashes on purpose if the command line asks for it (selftest_crash=...); see the .cpp.
void crash_selftest();
} // namespace arch
