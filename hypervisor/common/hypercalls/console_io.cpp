// HYPERVISOR_console_io: the hypervisor console as a guest sees it. Output from the
// initial domain goes to xenon's console as it is (it may be interactive); other domains'
// output is cleaned of control characters and printed a line at a time behind "(d<id>) ".
// Input (CONSOLEIO_read) is what was typed on the serial line.
//
// Xen's default policy lets only the control domain use console_io; xenon also lets
// other domains write (as Xen's debug builds do) so that test domains can report.
#include "arch/pv_hypercalls.h"
#include "arch/serial.h"
#include "common/console.h"
#include "common/console_input.h"
#include "common/domain.h"
#include "common/event_channel.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/timer.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

using Guard = hc::IrqLockGuard<lib::SpinLock>;

// ---------------------------------------------------------------------------------------
// Input.

constexpr size_t kRxSize = 128; // a power of two, as Xen's ring
constexpr uint64_t kPollNs = 20'000'000;

constinit lib::SpinLock rx_lock;
constinit char rx_ring[kRxSize];
constinit uint32_t rx_prod = 0, rx_cons = 0;
constinit Timer poll_timer;
constinit bool poll_started = false;

void poll_timer_fn(Timer* t) {
    console_input_poll();
    timer_set(t, system_time() + kPollNs);
}

// ---------------------------------------------------------------------------------------
// Output of unprivileged domains: a line buffer per domain.

constexpr size_t kLineMax = 200;
struct LineBuffer {
    bool used;
    uint16_t domid;
    size_t len;
    char text[kLineMax];
};
constinit lib::SpinLock line_lock;
constinit LineBuffer lines[16];

LineBuffer* line_for(uint16_t domid) {
    LineBuffer* free_slot = nullptr;
    for (LineBuffer& l : lines) {
        if (l.used && l.domid == domid)
            return &l;
        if (!l.used && !free_slot)
            free_slot = &l;
    }
    if (free_slot) {
        free_slot->used = true;
        free_slot->domid = domid;
        free_slot->len = 0;
    }
    return free_slot;
}

void flush_line(LineBuffer& l) {
    char out[kLineMax + 16];
    size_t n =
        lib::format(out, sizeof(out), "(d%u) %.*s\n", l.domid, static_cast<int>(l.len), l.text);
    console::write(out, n < sizeof(out) ? n : sizeof(out) - 1);
    l.len = 0;
}

void write_prefixed(uint16_t domid, const char* text, size_t len) {
    lib::LockGuard<lib::SpinLock> g(line_lock);
    LineBuffer* l = line_for(domid);
    if (!l)
        return;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n') {
            flush_line(*l);
            continue;
        }
        if ((c >= 0x20 && c < 0x7f) || c == '\t')
            l->text[l->len++] = c;
        if (l->len == kLineMax - 1)
            flush_line(*l);
    }
}

constexpr size_t kChunk = 127; // copied in pieces, as Xen does
// A long write continues as a fresh hypercall every so many bytes: the serial line is
// slow, and nothing else may wait behind one guest's output for long.
constexpr uint32_t kBytesPerRun = 8 * kChunk;

long console_write(Domain& d, uint32_t count, uint64_t buffer) {
    char chunk[kChunk];
    for (uint32_t written = 0; count > 0;) {
        if (written >= kBytesPerRun && arch::pv_can_continue())
            return arch::pv_continue_hypercall(xen::HYPERVISOR_console_io, xen::CONSOLEIO_write,
                                               count, buffer);
        uint32_t n = count < kChunk ? count : kChunk;
        if (arch::copy_from_guest(chunk, buffer, n))
            return -xen::XEN_EFAULT; // what came before is already out
        if (d.privileged)
            console::write_unrecorded(chunk, n); // not in the ring, as Xen's default
        else
            write_prefixed(d.domid, chunk, n);
        buffer += n;
        count -= n;
        written += n;
    }
    return 0;
}

long console_read(uint32_t count, uint64_t buffer) {
    if (count > 0x7fffffffu) // the result must stay positive
        return -xen::XEN_E2BIG;
    console_input_poll();
    size_t done = 0;
    char tmp[kRxSize];
    while (done < count) {
        size_t want = count - done < kRxSize ? count - done : kRxSize;
        // Peek, copy, then consume: a fault leaves the characters for the next read.
        size_t n;
        {
            Guard g(rx_lock);
            uint32_t avail = rx_prod - rx_cons;
            n = avail < want ? avail : want;
            for (size_t i = 0; i < n; i++)
                tmp[i] = rx_ring[(rx_cons + i) % kRxSize];
        }
        if (!n)
            break;
        if (arch::copy_to_guest(buffer + done, tmp, n))
            return -xen::XEN_EFAULT;
        {
            Guard g(rx_lock);
            rx_cons += static_cast<uint32_t>(n);
        }
        done += n;
    }
    return static_cast<long>(done);
}

} // namespace

void console_input_start() {
    Guard g(rx_lock);
    if (poll_started)
        return;
    poll_started = true;
    timer_init(&poll_timer, poll_timer_fn, nullptr, 0);
    timer_set(&poll_timer, system_time() + kPollNs);
}

void console_input_poll() {
    bool got = false;
    {
        Guard g(rx_lock);
        for (int c; (c = arch::serial_getc()) >= 0;) {
            if (rx_prod - rx_cons != kRxSize) // full: dropped, as Xen does
                rx_ring[rx_prod++ % kRxSize] = static_cast<char>(c);
            got = true;
        }
    }
    // The initial domain is told every time input arrives, so it never gets stuck.
    if (got)
        if (Domain* d0 = dom0())
            evtchn::send_global_virq(*d0, xen::VIRQ_CONSOLE);
}

long do_console_io(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t, uint64_t) {
    const unsigned cmd = static_cast<unsigned>(a1);
    const uint32_t count = static_cast<uint32_t>(a2); // unsigned int in Xen
    const uint64_t buffer = a3;
    Domain& d = *current_vcpu()->domain;
    console_input_start();
    switch (cmd) {
    case xen::CONSOLEIO_write:
        return console_write(d, count, buffer);
    case xen::CONSOLEIO_read:
        if (!d.privileged)
            return -xen::XEN_EPERM;
        return console_read(count, buffer);
    default:
        if (!d.privileged)
            return -xen::XEN_EPERM; // Xen's policy check comes before the command
        return -xen::XEN_ENOSYS;
    }
}
