/* PVH entry of the test guests: XEN_ELFNOTE_PHYS32_ENTRY names pvh_start32, where the
 * hypervisor starts vCPU 0 in 32-bit flat protected mode, paging off, with %ebx = the
 * hvm_start_info's physical address. It maps the first GiB twice (identity, and at
 * VIRT_BASE) with 2 MiB pages, enters long mode, and continues at the linked address.
 * Also: the hypercall page (filled through the MSR), and the exception/interrupt stubs. */
#define VIRT_BASE 0xffffffff80000000
#define PHYS(x) ((x) - VIRT_BASE)

        .section .note.Xen, "a"
        .balign 4
        .long 4, 4, 18            /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long PHYS(pvh_start32)
        .balign 4
        .long 4, 11, 6            /* XEN_ELFNOTE_GUEST_OS */
        .asciz "Xen"
        .asciz "xenon-pvh"
        .balign 4
        .long 4, 8, 5             /* XEN_ELFNOTE_XEN_VERSION */
        .asciz "Xen"
        .asciz "xen-3.0"
        .balign 4

        .section .text.entry, "ax"
        .code32
        .globl pvh_start32
pvh_start32:
        cli
        cld
        movl    %ebx, PHYS(pvh_start_info_pa)
        lgdt    PHYS(gdt_ptr)
        movl    %cr4, %eax
        orl     $0x20, %eax               /* PAE */
        movl    %eax, %cr4
        movl    $PHYS(pml4), %eax
        movl    %eax, %cr3
        movl    $0xc0000080, %ecx         /* EFER.LME */
        rdmsr
        orl     $0x100, %eax
        wrmsr
        movl    %cr0, %eax
        orl     $0x80010001, %eax         /* PG, WP, PE */
        movl    %eax, %cr0
        ljmp    $0x08, $PHYS(start64)

        .code64
start64:
        movabsq $high64, %rax
        jmp     *%rax
high64:
        movl    $0x10, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        xorl    %eax, %eax
        movl    %eax, %fs
        movl    %eax, %gs
        leaq    boot_stack_top(%rip), %rsp
        xorl    %ebp, %ebp
        call    pvh_main
        ud2

/* Interrupt and exception stubs: the error-code slot always present, the vector above
 * it, then all general registers (the layout of xt::pvh::Frame). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                           (v) == 29 || (v) == 30)
        .text
        .balign 16
        .globl pvh_trap_stubs
pvh_trap_stubs:
        .set vec, 0
        .rept 256
        .balign 16
        .if HAS_ERROR_CODE(vec)
        pushq   $vec
        .else
        pushq   $0
        pushq   $vec
        .endif
        jmp     trap_common
        .set vec, vec + 1
        .endr

trap_common:
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, %rdi
        movq    %rsp, %rbx
        andq    $~15, %rsp
        call    pvh_trap
        movq    %rbx, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
        addq    $16, %rsp
        iretq

        .section .text.hypercall_page, "ax"
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill   4096, 1, 0xc3             /* ret until the hypervisor writes the page */

        .section .data.pagetables, "aw"
        .balign 4096
pml4:
        .quad   PHYS(pdpt_low) + 3
        .fill   510, 8, 0
        .quad   PHYS(pdpt_high) + 3
pdpt_low:
        .quad   PHYS(pd) + 3
        .fill   511, 8, 0
pdpt_high:
        .fill   510, 8, 0
        .quad   PHYS(pd) + 3
        .quad   0
pd:
        .set    i, 0
        .rept   512
        .quad   (i << 21) + 0x83          /* present, writable, 2 MiB */
        .set    i, i + 1
        .endr

        .data
        .balign 16
gdt:
        .quad   0
        .quad   0x00af9a000000ffff        /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff        /* 0x10: data */
gdt_end:
gdt_ptr:
        .word   gdt_end - gdt - 1
        .long   PHYS(gdt)
        .globl pvh_start_info_pa
pvh_start_info_pa:
        .long   0

        .balign 16
boot_stack:
        .fill   16384, 1, 0
boot_stack_top:
