#include "arch/machine.h"

#include "arch/cpu.h"
#include "arch/io.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/time.h"
#include "arch/traps.h"
#include "common/console.h"

namespace arch {
namespace {

constinit uint16_t debug_exit_port = 0;
constinit bool noreboot = false;
constinit volatile bool others_stopped = false;

void report_exit(ExitCode code) {
    if (debug_exit_port)
        outb(debug_exit_port, static_cast<uint8_t>(code));
}

} // namespace

void machine_set_debug_exit_port(uint16_t port) { debug_exit_port = port; }
void machine_set_noreboot(bool value) { noreboot = value; }

void machine_stop_other_cpus() {
    if (others_stopped || cpus_online() <= 1)
        return;
    others_stopped = true;
    // NMI reaches CPUs that spin with interrupts off; the NMI handler halts them. Only
    // CPUs xenon started get one: a CPU still waiting for its STARTUP IPI (maxcpus=)
    // must not be woken.
    unsigned self = this_cpu_id();
    for (unsigned i = 0; i < cpus_possible(); i++) {
        PerCpu* c = cpu(i);
        if (!c || i == self || !c->online)
            continue;
        c->in_panic = true;
        lapic_send_ipi(c->apic_id, 0, IpiMode::kNmi);
    }
    udelay(10000);
}

void machine_power_off() {
    machine_stop_other_cpus();
    log_info("powering off");
    report_exit(ExitCode::kClean);
    power_off();
}

void machine_restart() {
    machine_stop_other_cpus();
    log_info("rebooting");
    restart();
}

void machine_fail() {
    machine_stop_other_cpus();
    report_exit(ExitCode::kFailure);
    if (noreboot) {
        console::printf("(xenon) noreboot: halting; reset the machine by hand\n");
        halt_forever();
    }
    console::printf("(xenon) rebooting in 5 seconds...\n");
    if (tsc_khz())
        udelay(5000000);
    restart();
}

} // namespace arch
