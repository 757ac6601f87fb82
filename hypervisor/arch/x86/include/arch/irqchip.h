// Legacy interrupt controllers: xenon masks the 8259 PICs and every IOAPIC input at boot;
// device interrupts are routed later, when a driver or dom0 asks for them.
#pragma once

namespace arch {

void pic_disable();
// Masks every redirection entry of every IOAPIC the MADT lists; returns how many inputs.
unsigned ioapic_mask_all();

} // namespace arch
