#include "arch/layout.h"
#include "arch/pv.h"
#include "lib/string.h"
#include "public/xen.h"

namespace arch {

void pv_write_hypercall_page(uint8_t* page) {
    // The stub layout guests are compiled against (Linux lists neither rcx nor r11 as
    // clobbered by a hypercall): push %rcx; push %r11; mov $nr, %eax; syscall;
    // pop %r11; pop %rcx; ret. iret's stub never returns and pushes what HYPERVISOR_iret
    // pops: rax, r11, rcx (with the guest's frame above).
    memset(page, 0xcc, PAGE_SIZE); // int3 filler
    for (unsigned nr = 0; nr < PAGE_SIZE / xen::HYPERCALL_STUB_SIZE; nr++) {
        uint8_t* p = page + nr * xen::HYPERCALL_STUB_SIZE;
        if (nr == xen::HYPERVISOR_iret) {
            const uint8_t stub[] = {0x51, 0x41, 0x53, 0x50, 0xb8, uint8_t(nr), 0, 0, 0, 0x0f, 0x05};
            memcpy(p, stub, sizeof(stub)); // push %rcx; push %r11; push %rax; mov; syscall
            continue;
        }
        const uint8_t stub[] = {
            0x51,                       // push %rcx
            0x41, 0x53,                 // push %r11
            0xb8, uint8_t(nr), 0, 0, 0, // mov $nr, %eax
            0x0f, 0x05,                 // syscall
            0x41, 0x5b,                 // pop %r11
            0x59,                       // pop %rcx
            0xc3,                       // ret
        };
        memcpy(p, stub, sizeof(stub));
    }
}

} // namespace arch
