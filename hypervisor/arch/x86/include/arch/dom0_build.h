// The PV domain builder for the initial domain.
#pragma once

struct BootModule;
struct Domain;

namespace arch {

// Builds dom0 from a Xen PV kernel ELF and an optional initrd; a kernel xenon cannot run
// is a fatal boot error with a clear reason.
Domain* build_dom0(const BootModule& kernel, const BootModule* initrd);

} // namespace arch
