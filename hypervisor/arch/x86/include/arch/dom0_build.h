// The PV domain builder: the initial domain, and unprivileged domains given at boot.
#pragma once
#include <stdint.h>

#include "common/bootinfo.h"

struct Domain;

namespace arch {

struct PvDomainSpec {
    uint16_t domid = 0;
    bool privileged = false;
    BootModule kernel = {};
    const BootModule* initrd = nullptr;
    const char* cmdline = "";
    uint64_t nr_pages = 0;
    unsigned vcpus = 1;
    bool pvh = false; // a PVH domain (build_pvh_domain), not PV
};

// Builds a 64-bit PV domain; a kernel xenon cannot run is a fatal boot error.
Domain* build_pv_domain(const PvDomainSpec& spec);

// Builds a PVH domain from a kernel ELF with a XEN_ELFNOTE_PHYS32_ENTRY note (needs SVM
// with nested paging); a kernel xenon cannot run is a fatal boot error.
Domain* build_pvh_domain(const PvDomainSpec& spec);

// Builds dom0 from a Xen PV kernel ELF and an optional initrd; a kernel xenon cannot run
// is a fatal boot error with a clear reason.
Domain* build_dom0(const BootModule& kernel, const BootModule* initrd);

} // namespace arch
