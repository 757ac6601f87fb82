// Exception fixups: an instruction that may fault on purpose (reading a guest pointer,
// probing an MSR) records where to continue, so the fault becomes an error return.
#pragma once
#include <stdint.h>

#include "arch/traps.h"

namespace arch {

struct ExtableEntry {
    uint64_t fault_rip;
    uint64_t fixup_rip;
};

// Redirects the frame to the fixup if its rip has one; returns whether it did.
bool extable_fixup(TrapFrame& frame);

// Reads an MSR that may not exist; false (and no #GP) if the CPU refuses.
bool rdmsr_safe(uint32_t msr, uint64_t& value);

} // namespace arch

// Emits an extable entry for the instruction at label 1 continuing at label 2.
#define EXTABLE_ENTRY(fault, fixup)                                                        \
    ".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #fault ", " #fixup "\n\t.popsection\n\t"
