// From the entry point to test_main(): trap table, callbacks, shared_info.
#include "public/callback.h"
#include "runtime.h"

extern "C" {
void xt_event_entry();
void xt_failsafe_entry();
[[noreturn]] void xt_start(const xen::start_info *si);
}

namespace xt {

const xen::start_info *start_info;
xen::shared_info *shared;
xen::vcpu_info *vcpu;
const char *cmdline;

namespace {
// The virtual page shared_info is mapped at: a page of the image, remapped.
alignas(4096) uint8_t shared_page[4096];
} // namespace

uint64_t pfn_of(const volatile void *va) {
    return (reinterpret_cast<uint64_t>(va) - VIRT_BASE) / PAGE_SIZE;
}

uint64_t mfn_of(const volatile void *va) {
    return reinterpret_cast<const uint64_t *>(start_info->mfn_list)[pfn_of(va)];
}

} // namespace xt

using namespace xt;

extern "C" void xt_start(const xen::start_info *si) {
    start_info = si;
    cmdline = si->cmd_line;

    long rc = set_trap_table(trap_table());
    if (rc)
        report_error("set_trap_table returned %ld", rc);

    xen::callback_register event{xen::CALLBACKTYPE_event, xen::CALLBACKF_mask_events,
                                 reinterpret_cast<uint64_t>(xt_event_entry)};
    rc = callback_op(xen::CALLBACKOP_register, &event);
    if (rc)
        report_error("registering the event callback returned %ld", rc);
    xen::callback_register failsafe{xen::CALLBACKTYPE_failsafe, xen::CALLBACKF_mask_events,
                                    reinterpret_cast<uint64_t>(xt_failsafe_entry)};
    rc = callback_op(xen::CALLBACKOP_register, &failsafe);
    if (rc)
        report_error("registering the failsafe callback returned %ld", rc);

    rc = update_va_mapping(reinterpret_cast<uint64_t>(shared_page),
                           si->shared_info | PTE_P | PTE_RW | PTE_A | PTE_D, xen::UVMF_INVLPG);
    if (rc)
        report_error("mapping shared_info (maddr %#lx) returned %ld", si->shared_info, rc);
    shared = reinterpret_cast<xen::shared_info *>(shared_page);
    vcpu = &shared->vcpu_info[0];

    printf("xt: start_info %p nr_pages %lu flags %#x cmdline '%s'\n", static_cast<const void *>(si),
           si->nr_pages, si->flags, si->cmd_line);
    test_main();
    report_error("test_main returned without a verdict");
}
