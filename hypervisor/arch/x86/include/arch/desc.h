// Descriptor tables: per-CPU GDT and TSS, the shared IDT.
#pragma once
#include <stdint.h>

#include "arch/percpu.h"

namespace arch {

// Fills xenon's part of a CPU's GDT and TSS and loads GDTR, TR and the IDT on this CPU.
void load_descriptor_tables(PerCpu& cpu);
// Builds the IDT once, before any CPU loads it.
void idt_init();
// Points a vector at a handler stub with the given privilege and IST index.
void idt_set_gate(unsigned vector, unsigned dpl, unsigned ist);

} // namespace arch
