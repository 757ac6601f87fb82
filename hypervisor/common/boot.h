// The architecture-neutral end of boot: once the machine is up, report ready and hand
// over to the initial domain.
#pragma once

struct BootInfo;

[[noreturn]] void boot_complete(const BootInfo& info);
